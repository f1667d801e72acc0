# SPDX-License-Identifier: GPL-2.0
# Shell helpers for KHO guest scenarios; sourced by /init.
#
# Protocol on the console, parsed by the host (run_tests.py):
#   kho-test: ok <name>[ # note]
#   kho-test: not ok <name> # reason
#   kho-test: verdict pass|fail
# The run's verdict is fail if any "not ok" was printed in any stage.

KHO_FAILED=0
KHO_MARK_LOAD=

# kho_param NAME: value of NAME= on the kernel command line (last one wins).
kho_param()
{
	local v= w

	for w in $(cat /proc/cmdline); do
		case "$w" in
		"$1="*) v=${w#*=} ;;
		esac
	done
	echo "$v"
}

KHO_STAGE=$(kho_param kho_stage)
KHO_STAGE=${KHO_STAGE:-1}
KHO_BOOT_ID=$(cat /proc/sys/kernel/random/boot_id)
# Failures of earlier stages travel on the command line.
[ "$(kho_param kho_failed)" = 1 ] && KHO_FAILED=1

# kho_say LINE: print a protocol line through the kernel log when possible,
# so that it never interleaves with kernel messages on the serial console
# (the host boots with printk.devkmsg=on).
kho_say()
{
	if [ -w /dev/kmsg ]; then
		echo "$*" > /dev/kmsg
	else
		echo "$*"
	fi
}

kho_ok()
{
	kho_say "kho-test: ok $1${2:+ # $2}"
}

kho_fail()
{
	KHO_FAILED=1
	kho_say "kho-test: not ok $1 # $2"
}

# kho_check NAME DESCRIPTION CMD...: ok if CMD succeeds.
kho_check()
{
	local name=$1 what=$2

	shift 2
	if "$@"; then
		kho_ok "$name" "$what"
	else
		kho_fail "$name" "$what"
	fi
}

kho_verdict()
{
	if [ "$KHO_FAILED" = 0 ]; then
		kho_say "kho-test: verdict pass"
	else
		kho_say "kho-test: verdict fail"
	fi
	sync
	poweroff -f
	sleep 60
}

# Command line for the next kernel: ours without the per-stage words and
# without words starting with one of the prefixes in $KHO_NEXT_DROP, plus
# the next stage number, the failure flag and the words given as arguments.
kho_next_cmdline()
{
	local out= w p keep

	for w in $(cat /proc/cmdline); do
		keep=1
		for p in kho_stage= kho_failed= kho_prev_boot= kho_marker= \
			 $KHO_NEXT_DROP; do
			case "$w" in
			"$p"*) keep= ;;
			esac
		done
		[ -n "$keep" ] && out="$out $w"
	done
	echo "${out# } kho_stage=$((KHO_STAGE + 1)) kho_failed=$KHO_FAILED kho_prev_boot=$KHO_BOOT_ID $*"
}

# kho_tsc_khz: this boot's TSC frequency in kHz, from the kernel log (the
# benchmarks pass it on as tsc_early_khz=, so that the next kernel's clock
# starts at the same point of every boot); empty if the log does not say.
kho_tsc_khz()
{
	dmesg | sed -n 's/.*tsc: Detected \([0-9]*\)\.\([0-9]*\) MHz processor.*/\1\2/p'
}

# kho_kexec [kexec options] -- [extra command-line words]
# Load /boot/bzImage with this boot's own initramfs via kexec_file_load and
# jump.  Returns (after reporting) only if loading or jumping fails.
kho_kexec()
{
	local opts= rc

	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts="$opts $1"
		shift
	done
	[ "$1" = "--" ] && shift
	cat /sys/firmware/initrd > /tmp/initrd ||
		{ kho_fail kexec_load "no /sys/firmware/initrd (retain_initrd missing?)"; return 1; }
	KHO_NEXT_CMDLINE=$(kho_next_cmdline "$@")
	echo "kho-test: kexec stage $((KHO_STAGE + 1)): $KHO_NEXT_CMDLINE"
	# KHO_MARK_LOAD: the load's start and end in the kernel log (ubench).
	[ -z "$KHO_MARK_LOAD" ] || echo "kho-ubench: mark load begins" > /dev/kmsg
	# shellcheck disable=SC2086
	if ! kexec -s -l /boot/bzImage --initrd=/tmp/initrd $opts \
			--append="$KHO_NEXT_CMDLINE" > /tmp/kexec.log 2>&1; then
		cat /tmp/kexec.log
		kho_fail kexec_load "kexec -s -l failed"
		return 1
	fi
	[ -z "$KHO_MARK_LOAD" ] || echo "kho-ubench: mark load ends" > /dev/kmsg
	rm -f /tmp/initrd
	sync
	kexec -e
	kho_fail kexec_exec "kexec -e returned"
	return 1
}

# kho_has TEXT WORDS: does TEXT contain WORDS?
kho_has()
{
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	return 1
}

# kho_numbers: print the numbers of a dtc cell list (0x.. words) in decimal.
kho_numbers()
{
	local w

	for w in $*; do
		printf '%d ' "$w"
	done
}

# kho_mem_kib: MemTotal, MemFree and the per-CPU free lists' pages, in
# KiB.  MemFree leaves the per-CPU lists out until they are drained, which
# the page allocator does when it pleases (a burst of frees raises their
# limit, vmstat's work lowers it again a second later).
kho_mem_kib()
{
	awk '/^MemTotal:/ {t = $2} /^MemFree:/ {f = $2} /^ *count:/ {c += $2}
	     END {print t, f, c * 4}' /proc/meminfo /proc/zoneinfo
}

# Test-only reserve_mem access (CONFIG_KEXEC_HANDOVER_TEST).
KHO_T=/sys/kernel/debug/kho-test

# kho_region NAME: select reserve_mem region NAME; prints "name start size".
kho_region()
{
	echo "$1" > $KHO_T/region && cat $KHO_T/region
}

# kho_region_sum: short sha256 of the selected region's bytes.
kho_region_sum()
{
	sha256sum < $KHO_T/region_data | cut -c1-16
}
