#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay out build/src: the pristine 6.12 tree from linux-source-6.12, with the
# patch series in patches/ applied in order and the repository's new files
# copied to their kernel paths.  The repository itself is never written.
#
# Files whose content did not change keep their timestamps, so that a change
# to one project file rebuilds only what depends on it.  build/src shares
# unchanged files with the pristine copy through hard links; every write here
# replaces a file (new inode) and the kernel is built with O=, so the pristine
# copy is never modified.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(kho_source_version)
[ -f "$KHO_SOURCE_TARBALL" ] || die "$KHO_SOURCE_TARBALL missing: run 'make deps'"
pristine=$KHO_BUILD/pristine/$ver
echo "tree: linux-source-6.12 $ver"

if [ ! -f "$pristine/.unpacked" ]; then
	echo "tree: unpacking $KHO_SOURCE_TARBALL"
	rm -rf "$pristine"
	mkdir -p "$pristine"
	tar -C "$pristine" -xf "$KHO_SOURCE_TARBALL"
	touch "$pristine/.unpacked"
fi
pristine=$pristine/linux-source-6.12

if [ "$(cat "$KHO_SRC/.kho-base" 2>/dev/null)" != "$ver" ]; then
	echo "tree: creating build/src from the pristine tree"
	rm -rf "$KHO_SRC" "$KHO_BUILD"/obj "$KHO_BUILD"/obj-*
	cp -al "$pristine" "$KHO_SRC"
	echo "$ver" > "$KHO_SRC/.kho-base"
fi

# Replace $KHO_SRC/$1 by the content of $2 unless it is already identical.
install_if_changed()
{
	local dst=$KHO_SRC/$1

	if [ -f "$dst" ] && cmp -s "$2" "$dst"; then
		return 0
	fi
	mkdir -p "$(dirname "$dst")"
	rm -f "$dst"
	cp "$2" "$dst"
}

# Put $KHO_SRC/$1 back to its pristine state, or remove it if it is new.
restore_pristine()
{
	if [ -f "$pristine/$1" ]; then
		install_if_changed "$1" "$pristine/$1"
	else
		rm -f "$KHO_SRC/$1"
	fi
}

# --- patch series ---------------------------------------------------------
patches=()
while IFS= read -r p; do
	patches+=("$p")
done < <(cd "$KHO_ROOT" && ls patches/*.patch 2>/dev/null | sort)

touched()
{
	local p

	for p in "$@"; do
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$KHO_ROOT/$p"
	done | sort -u
}

series_hash=$( (cd "$KHO_ROOT" && cat /dev/null "${patches[@]}") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$KHO_SRC/.kho-series" 2>/dev/null)" != "$series_hash" ]; then
	stage=$KHO_BUILD/stage
	rm -rf "$stage"
	mkdir -p "$stage"
	files=$( (cat "$KHO_SRC/.kho-patched" 2>/dev/null; touched "${patches[@]}") | sort -u)
	for f in $files; do
		if [ -f "$pristine/$f" ]; then
			mkdir -p "$stage/$(dirname "$f")"
			cp "$pristine/$f" "$stage/$f"
		fi
	done
	for p in "${patches[@]}"; do
		if ! patch -d "$stage" -p1 -s -F0 --no-backup-if-mismatch \
				< "$KHO_ROOT/$p" > "$KHO_LOGS/patch.log" 2>&1; then
			cat "$KHO_LOGS/patch.log" >&2
			die "patch $p does not apply to linux-source-6.12 $ver"
		fi
	done
	for f in $files; do
		if [ -f "$stage/$f" ]; then
			install_if_changed "$f" "$stage/$f"
		else
			restore_pristine "$f"
		fi
	done
	touched "${patches[@]}" > "$KHO_SRC/.kho-patched"
	echo "$series_hash" > "$KHO_SRC/.kho-series"
	echo "tree: applied ${#patches[@]} patches"
	rm -rf "$stage"
fi

# --- overlay of new files -------------------------------------------------
new=$(kho_overlay_files)
for f in $new; do
	if grep -qxF "$f" "$KHO_SRC/.kho-patched"; then
		die "$f is both a new file and patched by patches/"
	fi
	[ -f "$pristine/$f" ] && die "$f exists in 6.12: change it through patches/"
	install_if_changed "$f" "$KHO_ROOT/$f"
done
if [ -f "$KHO_SRC/.kho-overlay" ]; then
	comm -23 "$KHO_SRC/.kho-overlay" <(echo "$new") | while read -r f; do
		[ -n "$f" ] && restore_pristine "$f"
	done
fi
echo "$new" > "$KHO_SRC/.kho-overlay"
echo "tree: $(echo "$new" | grep -c .) new files laid onto build/src"
