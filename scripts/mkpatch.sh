#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Developer helper: write patches/NNNN-name.patch from edited copies of 6.12
# files.  Usage:
#   scripts/mkpatch.sh patches/0001-foo.patch "subject" body.txt EDITDIR
# EDITDIR holds edited copies at their kernel paths; each is diffed against
# the pristine tree.  Each 6.12 file should be changed by one patch only.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: $0 OUT.patch SUBJECT BODYFILE EDITDIR"
out=$1 subject=$2 body=$3 edit=$4
pristine=$KHO_BUILD/pristine/$(kho_source_version)/linux-source-6.12
[ -d "$pristine" ] || die "no pristine tree: run scripts/tree.sh"

{
	echo "From: KHO for Linux 6.12 <kho-6.12@localhost>"
	echo "Subject: [PATCH] $subject"
	echo
	cat "$body"
	echo
	echo "Signed-off-by: KHO for Linux 6.12 <kho-6.12@localhost>"
	echo "---"
	(cd "$edit" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | while read -r f; do
		diff -u --label "a/$f" --label "b/$f" "$pristine/$f" "$edit/$f" || true
	done
} > "$out"
echo "mkpatch: wrote $out"
