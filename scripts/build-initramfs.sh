#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build build/initramfs.cpio: busybox-static, kexec-tools and dtc with their
# shared libraries, the guest test programs, the scenarios and /init, and the
# kernel itself (/boot/bzImage) so that the guest can kexec into it.
# With KHO_VARIANT=debug: build/initramfs-debug.cpio, carrying the debug
# kernel; likewise -distro and -upstream (make bench-upstream's comparator).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

guest=$KHO_ROOT/tools/testing/selftests/kho/guest
root=$KHO_BUILD/initramfs$KHO_SUFFIX
out=$KHO_BUILD/initramfs$KHO_SUFFIX.cpio
bzimage=$KHO_OBJ/arch/x86/boot/bzImage
[ -f "$bzimage" ] || die "no bzImage: run 'make kernel' first"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,tmp,boot,kho/bin}
cp /bin/busybox "$root/bin/busybox"
file /bin/busybox | grep -q 'statically linked' || die "/bin/busybox is not busybox-static"

# copy_with_libs BINARY DEST: a dynamically linked program and what it needs.
copy_with_libs()
{
	local lib

	cp "$1" "$root/$2"
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
		mkdir -p "$root/$(dirname "$lib")"
		cp -L "$lib" "$root/$lib"
	done
}
copy_with_libs "$(command -v kexec)" sbin/kexec
copy_with_libs "$(command -v dtc)" usr/bin/dtc

# Guest test programs: small static C helpers.
for c in "$guest"/progs/*.c; do
	[ -f "$c" ] || continue
	gcc -static -O2 -Wall -Werror -I "$KHO_ROOT/include/uapi" -o "$root/kho/bin/$(basename "$c" .c)" "$c" ||
		die "guest program $c does not build"
done

# The operator's tool for /dev/liveupdate.
make -s -C "$KHO_ROOT/tools/liveupdate" OUTPUT="$root/usr/sbin/" ||
	die "tools/liveupdate does not build"

cp "$guest/init" "$root/init"
cp "$guest/lib.sh" "$root/kho/lib.sh"
cp -r "$guest/scenarios" "$root/kho/scenarios"
chmod +x "$root/init"
cp "$bzimage" "$root/boot/bzImage"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $(du -h "$out" | cut -f1) ${out#$KHO_ROOT/}"
