#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the whole work as a git-am-able series against linux-source-6.12 in
# build/series/: first the new files, grouped by area, then the hooks in
# patches/ in order.  Then check it: extract the files it touches afresh from
# the package tarball, `git am` the series, and compare the result with
# build/src.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$KHO_ROOT/scripts/tree.sh" > /dev/null
ver=$(kho_source_version)
out=$KHO_BUILD/series
work=$KHO_BUILD/series-work
check=$KHO_BUILD/series-check
pristine=$KHO_BUILD/pristine/$ver/linux-source-6.12
export GIT_AUTHOR_NAME="KHO for Linux 6.12"
export GIT_AUTHOR_EMAIL="kho-6.12@localhost"
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z"
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE

patches=$(cd "$KHO_ROOT" && ls patches/*.patch | LC_ALL=C sort)
touched=$(cd "$KHO_ROOT" && sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' $patches | sort -u)
new=$(kho_overlay_files)

# A git repository holding only the 6.12 files the series changes.
base_repo()
{
	local dir=$1 src=$2 f

	rm -rf "$dir"
	mkdir -p "$dir"
	for f in $touched; do
		mkdir -p "$dir/$(dirname "$f")"
		cp "$src/$f" "$dir/$f"
	done
	git -C "$dir" init -q
	git -C "$dir" add -A
	git -C "$dir" commit -q -m "linux-source-6.12 $ver (files touched by the series)"
}

base_repo "$work" "$pristine"

# area | subject | body
groups=(
"include/linux/kho.h include/linux/kexec_handover.h include/linux/kho kernel/kho|kho: add kexec handover core|The KHO core: command line, scratch regions, tracking of preserved memory, the FDT handover and its validation, debugfs, and the driver API in <linux/kho.h>."
"mm/memblock|mm/memblock: add KHO support files|memblock's side of KHO: scratch regions, scratch-only allocation, kernel-reserved accounting and reserve_mem preservation."
"arch/x86|x86/kho: add boot-protocol and KASLR support|x86 parts of KHO: the SETUP_KEXEC_KHO setup_data entry and scratch-only KASLR."
"include/uapi/linux/liveupdate.h kernel/liveupdate mm/memfd_luo.c|liveupdate: add /dev/liveupdate sessions that carry memfds|Live update on KHO: upstream's /dev/liveupdate uAPI, sessions frozen at kexec -e into the liveupdate client's sub-FDT, and memfds carried zero-copy (mm/memfd_luo.c). Built by the hooks that follow."
"Documentation/kho|Documentation/kho: document KHO|Admin guide, concepts and the FDT ABI."
"tools/testing/memblock|memblock tests: add cases for KHO support|Simulator cases for kernel-reserved accounting, scratch-only allocation and the sorted bulk reservation."
"tools/testing/kho|tools/testing/kho: add a userspace simulator of the KHO core|Builds the KHO core's own source files in userspace for property tests, fuzzing and benchmarks."
"tools/liveupdate|tools/liveupdate: add an operator's tool for /dev/liveupdate|Holds files in a session until kexec; after it lists what came, hands memfds to a program or copies one out, and releases sessions nobody wants."
"tools/testing/selftests/kho|selftests/kho: add end-to-end tests in QEMU|Boot, preserve, kexec and check what survived."
)
for g in "${groups[@]}"; do
	IFS='|' read -r paths subject body <<< "$g"
	files=$(for p in $paths; do echo "$new" | grep -E "^$p(/|$)" || true; done)
	[ -n "$files" ] || continue
	for f in $files; do
		mkdir -p "$work/$(dirname "$f")"
		cp "$KHO_ROOT/$f" "$work/$f"
	done
	git -C "$work" add -A
	printf '%s\n\n%s\n' "$subject" "$body" | fold -s -w 72 | sed 's/ *$//' |
		git -C "$work" commit -q -s -F -
done
for f in $new; do
	[ -f "$work/$f" ] || die "new file $f belongs to no group in export-series.sh"
done
for p in $patches; do
	git -C "$work" am -q "$KHO_ROOT/$p" || die "git am of $p failed"
done

rm -rf "$out"
git -C "$work" format-patch -q --cover-letter -o "$out" HEAD~$(($(git -C "$work" rev-list --count HEAD) - 1))
n=$(ls "$out"/*.patch | grep -vc 0000-cover-letter)
sed -i "s/\*\*\* SUBJECT HERE \*\*\*/kexec handover (KHO) for Linux 6.12/; s/\*\*\* BLURB HERE \*\*\*/Kexec HandOver for 6.12 LTS on x86_64: memory preserved across kexec at the same physical addresses, described by an FDT. See Documentation\/kho\/./" "$out/0000-cover-letter.patch"
echo "series: $n patches in ${out#$KHO_ROOT/}"

# Check: a fresh extraction of exactly those files from the tarball.
rm -rf "$check"
mkdir -p "$check/x"
tar -C "$check/x" -xJf "$KHO_SOURCE_TARBALL" $(for f in $touched; do echo "linux-source-6.12/$f"; done)
base_repo "$check/repo" "$check/x/linux-source-6.12"
git -C "$check/repo" am -q $(ls "$out"/*.patch | grep -v 0000-cover-letter) ||
	die "the series does not apply to a fresh linux-source-6.12 $ver"
for f in $touched $new; do
	cmp -s "$check/repo/$f" "$KHO_SRC/$f" || die "$f differs from build/src after git am"
done
rm -rf "$check" "$work"
echo "series: applies with git am to a fresh linux-source-6.12 $ver and matches build/src"
