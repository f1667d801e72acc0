#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The comparator of make bench-upstream: Debian's linux-source-$KHO_UPSTREAM
# (upstream Linux with its own KHO) from trixie-backports, fetched with apt
# options that live in build/upstream/apt and nowhere else (the machine's
# apt configuration, lists and cache are not touched), unpacked in
# build/upstream, given the benchmark's load (kernel/kho/bench_upstream.c,
# the same file this project's test kernel builds) and built with
# kho-upstream.config in build/obj-upstream, plus its initramfs.

set -euo pipefail
export KHO_VARIANT=upstream
. "$(dirname "$0")/lib.sh"

top=$KHO_BUILD/upstream
apt=$top/apt
pkg=linux-source-$KHO_UPSTREAM
mirror=${KHO_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ ! -f "$KHO_SRC/Makefile" ]; then
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	cat > "$apt/sources.list" <<-LIST
	deb $mirror trixie-backports main
	deb $mirror trixie main
	LIST
	aptq() {
		apt-get -q -o Dir::Etc::SourceList="$apt/sources.list" \
			-o Dir::Etc::SourceParts=/dev/null \
			-o Dir::State::Lists="$apt/lists" \
			-o Dir::Cache="$apt/cache" \
			-o Debug::NoLocking=1 "$@"
	}
	deb=$(ls "$apt"/"${pkg}"_*.deb 2>/dev/null | tail -1 || true)
	if [ -z "$deb" ]; then
		echo "upstream: fetching $pkg from trixie-backports (apt state in ${apt#$KHO_ROOT/})"
		aptq update > "$KHO_LOGS/upstream-apt.log" 2>&1 ||
			die "apt-get update failed, see $KHO_LOGS/upstream-apt.log"
		(cd "$apt" && aptq download "$pkg") >> "$KHO_LOGS/upstream-apt.log" 2>&1 ||
			die "apt-get download $pkg failed, see $KHO_LOGS/upstream-apt.log"
		deb=$(ls "$apt"/"${pkg}"_*.deb | tail -1)
	fi
	echo "upstream: unpacking ${deb##*/}"
	rm -rf "$top/deb" "$KHO_SRC"
	dpkg-deb -x "$deb" "$top/deb"
	tar -C "$top" -xaf "$top/deb/usr/src/$pkg.tar.xz"
	rm -rf "$top/deb"
	[ -f "$KHO_SRC/Makefile" ] || die "$pkg did not unpack into $KHO_SRC"
fi

# The load: the same source file as in this project's test kernel.
load=$KHO_SRC/kernel/liveupdate/kho_ubench.c
if ! cmp -s "$KHO_ROOT/kernel/kho/bench_upstream.c" "$load"; then
	cp "$KHO_ROOT/kernel/kho/bench_upstream.c" "$load"
fi
mk=$KHO_SRC/kernel/liveupdate/Makefile
grep -q kho_ubench "$mk" ||
	echo 'obj-$(CONFIG_KEXEC_HANDOVER) += kho_ubench.o' >> "$mk"

"$KHO_ROOT/scripts/build-kernel.sh"
"$KHO_ROOT/scripts/build-initramfs.sh"
