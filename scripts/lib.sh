# SPDX-License-Identifier: GPL-2.0
# Shared settings for the KHO build scripts; sourced, never run.

KHO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KHO_BUILD=${KHO_BUILD:-$KHO_ROOT/build}
KHO_SRC=$KHO_BUILD/src
# KHO_VARIANT=debug: the debug test kernel (scripts/config/kho-debug.config
# on top of the test kernel's) in build/obj-debug, its initramfs in
# build/initramfs-debug.cpio.  KHO_VARIANT=distro: Debian's cloud-amd64
# config with KHO (scripts/config/kho-distro.config) in build/obj-distro.
# KHO_VARIANT=upstream: Debian's linux-source-$KHO_UPSTREAM (upstream's own
# KHO, the comparator of make bench-upstream) unpacked by
# scripts/upstream.sh in build/upstream, built in build/obj-upstream.
KHO_VARIANT=${KHO_VARIANT:-}
KHO_UPSTREAM=${KHO_UPSTREAM:-7.3}
[ "$KHO_VARIANT" != upstream ] || KHO_SRC=$KHO_BUILD/upstream/linux-source-$KHO_UPSTREAM
KHO_DISTRO_CONFIG=${KHO_DISTRO_CONFIG:-/usr/src/linux-config-6.12/config.amd64_none_cloud-amd64.xz}
KHO_SUFFIX=${KHO_VARIANT:+-$KHO_VARIANT}
KHO_OBJ=$KHO_BUILD/obj$KHO_SUFFIX
KHO_LOGS=$KHO_BUILD/logs
KHO_JOBS=${KHO_JOBS:-$(($(nproc) + 1))}
KHO_SOURCE_TARBALL=${KHO_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

# Repository directories that hold new files at their kernel paths.
KHO_OVERLAY_DIRS="include kernel mm arch Documentation tools"

mkdir -p "$KHO_BUILD" "$KHO_LOGS"

kho_source_version()
{
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown
}

# The kernel tree as the repository sees it: new files only, no build output.
kho_overlay_files()
{
	(cd "$KHO_ROOT" && git ls-files --cached --others --exclude-standard \
		-- $KHO_OVERLAY_DIRS | sort)
}

die()
{
	echo "error: $*" >&2
	exit 1
}
