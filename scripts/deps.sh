#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the KHO build, demo and test suite need, with apt.
# Idempotent: when every package is already installed it does nothing.
# "deps.sh distro" adds Debian's kernel configs, for make distro-kernel.

set -euo pipefail

PKGS=(
	linux-source-6.12
	build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio rsync
	kmod python3 perl file
	qemu-system-x86 kexec-tools device-tree-compiler libfdt-dev
	busybox-static liburcu-dev clang llvm libclang-rt-dev
)
[ "${1:-}" != distro ] || PKGS+=(linux-config-6.12)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
