#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure (tinyconfig + scripts/config/kho-test.config) and build bzImage
# out of tree in build/obj.  KHO_VARIANT=debug adds kho-debug.config and
# builds in build/obj-debug.  KHO_VARIANT=distro starts from Debian's own
# cloud-amd64 config instead (package linux-config-6.12, KHO_DISTRO_CONFIG)
# and adds kho-distro.config only, in build/obj-distro.  KHO_VARIANT=upstream
# builds upstream Linux (scripts/upstream.sh unpacks it) with
# kho-upstream.config in build/obj-upstream.  Output goes to
# build/logs/kernel-build.log; the terminal gets progress lines only.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

frags=$KHO_ROOT/scripts/config/kho-test.config
base=tinyconfig
[ "$KHO_VARIANT" = upstream ] || "$KHO_ROOT/scripts/tree.sh"

case "$KHO_VARIANT" in
"") ;;
upstream)
	# The test kernel's base without this project's options, which the
	# upstream tree does not have, plus upstream's KHO.
	[ -d "$KHO_SRC" ] || die "no $KHO_SRC: scripts/upstream.sh unpacks it"
	mkdir -p "$KHO_OBJ"
	# Options the upstream tree no longer has (PROC_SYSCTL) are left out.
	(cd "$KHO_SRC" && find . -name 'Kconfig*' -exec grep -hoE '^\s*(menu)?config [A-Z0-9_]+' {} + |
		awk '{ print "CONFIG_" $2 "=" }' | sort -u) > "$KHO_OBJ/kconfig-symbols"
	grep -vE 'KEXEC_HANDOVER|LIVEUPDATE|KUNIT' "$frags" |
		grep -F -f "$KHO_OBJ/kconfig-symbols" > "$KHO_OBJ/kho-base.config"
	frags="$KHO_OBJ/kho-base.config $KHO_ROOT/scripts/config/kho-upstream.config" ;;
distro)
	frags=$KHO_ROOT/scripts/config/kho-distro.config
	base=$KHO_DISTRO_CONFIG
	[ -f "$base" ] || die "no $base: install linux-config-6.12 (make distro-kernel does)" ;;
*)
	frags="$frags $KHO_ROOT/scripts/config/kho-$KHO_VARIANT.config" ;;
esac
log=$KHO_LOGS/kernel-build$KHO_SUFFIX.log
kmake() { make -C "$KHO_SRC" O="$KHO_OBJ" ARCH=x86_64 "$@"; }

cfg_hash=$( (echo "$base"; cat $frags) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$KHO_OBJ/.kho-config" 2>/dev/null)" != "$cfg_hash" ] ||
		[ ! -f "$KHO_OBJ/.config" ]; then
	echo "kernel$KHO_SUFFIX: configuring (${base##*/} + $(cd "$KHO_ROOT/scripts/config" && echo $(basename -a $frags)))"
	mkdir -p "$KHO_OBJ"
	{
		if [ "$base" = tinyconfig ]; then
			kmake tinyconfig
		else
			xzcat "$base" > "$KHO_OBJ/.config"
		fi
		"$KHO_SRC/scripts/kconfig/merge_config.sh" -O "$KHO_OBJ" -m \
			"$KHO_OBJ/.config" $frags
		kmake olddefconfig
	} > "$KHO_LOGS/kernel-config$KHO_SUFFIX.log" 2>&1 ||
		die "configuration failed, see $KHO_LOGS/kernel-config$KHO_SUFFIX.log"
	# Every option the fragments ask for must have survived olddefconfig;
	# a later fragment's value wins over an earlier one's.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%=n}
			if grep -q "^$opt=" "$KHO_OBJ/.config"; then
				echo "kernel: $opt is set but the fragment says n" >&2
				bad=1
			fi ;;
		CONFIG_*)
			if ! grep -qxF "$line" "$KHO_OBJ/.config"; then
				echo "kernel: '$line' did not stick (dependency missing?)" >&2
				bad=1
			fi ;;
		esac
	done < <(cat $frags | grep '^CONFIG_' | awk -F= '{ v[$1] = $0; if (!($1 in o)) o[$1] = n++ }
		END { for (k in v) print o[k] "\t" v[k] }' | sort -n | cut -f2)
	[ $bad -eq 0 ] || die "config fragment not fully applied"
	echo "$cfg_hash" > "$KHO_OBJ/.kho-config"
fi

echo "kernel$KHO_SUFFIX: building bzImage with -j$KHO_JOBS (log: ${log#$KHO_ROOT/})"
start=$(date +%s)
set +e
kmake -j"$KHO_JOBS" bzImage 2>&1 | tee "$log" |
	awk '/^  [A-Z]+ / { n++; if (n % 250 == 0) { printf "kernel: %d steps\n", n; fflush() } }'
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
	grep -E -A3 -m 10 ': (error|fatal error|undefined reference)|^ERROR:|^WARNING: modpost' "$log" >&2 ||
		tail -30 "$log" >&2
	die "kernel build failed, see $log"
fi
steps=$(grep -cE '^  [A-Z]+ ' "$log" || true)
echo "kernel$KHO_SUFFIX: bzImage ready in $(($(date +%s) - start)) s ($steps build steps)"
