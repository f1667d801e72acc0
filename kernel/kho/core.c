// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO): the command line, whether KHO is on for this boot,
 * the scratch regions it set up, and the late initcall that makes the
 * outgoing side ready.  The rest of kernel/kho/ is laid out by side:
 * out_*.c run in the kernel that preserves (tracking, record writing,
 * finalize, kexec), in_*.c in the kernel that boots from a handover
 * (boot-time checks, restore index, restore API); client.c, fdt.c,
 * scratch.c and debugfs.c serve both.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/cache.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kho.h>
#include <linux/printk.h>

#include "kho_internal.h"

/*
 * Set once from the command line (early_param runs single-threaded before
 * any other user) and only cleared by early boot code on failure, so
 * readers need no locking.
 */
bool kho_enable __ro_after_init;
static bool kho_cmdline_bad __initdata;

struct kho_scratch_cfg kho_scratch_cfg __initdata = {
	.mode = KHO_SCRATCH_SCALED,
	.scale_pct = KHO_SCRATCH_SCALE_DEFAULT,
};

static int __init kho_param_enable(char *s)
{
	const char *why;
	bool on;

	if (kho_parse_enable(s, &on, &why)) {
		pr_err("invalid kho=%s: %s; KHO stays off\n", s ?: "", why);
		kho_cmdline_bad = true;
		kho_enable = false;
		return 0;
	}
	kho_enable = on && !kho_cmdline_bad;
	return 0;
}
early_param("kho", kho_param_enable);

static int __init kho_param_scratch(char *s)
{
	const char *why;

	if (kho_parse_scratch(s, &kho_scratch_cfg, &why)) {
		pr_err("invalid kho_scratch=%s: %s; KHO stays off\n", s ?: "",
		       why);
		kho_cmdline_bad = true;
		kho_enable = false;
	}
	return 0;
}
early_param("kho_scratch", kho_param_scratch);

/**
 * kho_is_enabled() - is kexec handover enabled on this boot
 *
 * Return: true if the kernel was booted with kho=on, no KHO command-line
 * option was malformed and the scratch regions could be set up.
 */
bool kho_is_enabled(void)
{
	return kho_enable;
}
EXPORT_SYMBOL_GPL(kho_is_enabled);

/* Early boot code gives up on KHO; see kho_memory_init(). */
void __init kho_disable(void)
{
	kho_enable = false;
}

/* Scratch regions, set up by kho_memory_init() and never changed after. */
struct kho_range kho_scratch[KHO_SCRATCH_MAX] __ro_after_init;
unsigned int kho_scratch_cnt __ro_after_init;

static int __init kho_init(void)
{
	kho_debugfs_init();
	if (kho_enable)
		return kho_scratch_table_init();
	if (kho_cmdline_bad)
		pr_info("disabled: malformed command line\n");
	return 0;
}
late_initcall(kho_init);
