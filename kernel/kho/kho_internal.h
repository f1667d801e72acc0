/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover: declarations shared by the files of kernel/kho/ and by the
 * userspace simulator that builds the same files (tools/testing/kho).
 */
#ifndef _KERNEL_KHO_INTERNAL_H
#define _KERNEL_KHO_INTERNAL_H

#include <linux/bits.h>
#include <linux/types.h>

/* kho_scratch=N%: N is a percentage in [1, KHO_SCRATCH_SCALE_MAX]. */
#define KHO_SCRATCH_SCALE_DEFAULT	200
#define KHO_SCRATCH_SCALE_MAX		10000

/* Explicit sizes above this are rejected as malformed (1 PiB). */
#define KHO_SCRATCH_SIZE_MAX		BIT_ULL(50)

/**
 * enum kho_scratch_mode - how the scratch regions are sized
 * @KHO_SCRATCH_SCALED: from the memory the kernel reserved during early
 *	boot, multiplied by a percentage
 * @KHO_SCRATCH_FIXED: explicit sizes given on the command line
 */
enum kho_scratch_mode {
	KHO_SCRATCH_SCALED,
	KHO_SCRATCH_FIXED,
};

/**
 * struct kho_scratch_cfg - parsed value of kho_scratch=
 * @mode: scaled or fixed sizes
 * @scale_pct: percentage, when @mode is %KHO_SCRATCH_SCALED
 * @low: size of the low-memory region, when @mode is %KHO_SCRATCH_FIXED
 * @global: size of the global region, when @mode is %KHO_SCRATCH_FIXED
 * @pernode: size of each per-node region, when @mode is %KHO_SCRATCH_FIXED
 */
struct kho_scratch_cfg {
	enum kho_scratch_mode mode;
	unsigned int scale_pct;
	u64 low;
	u64 global;
	u64 pernode;
};

int kho_parse_enable(const char *s, bool *on, const char **why);
int kho_parse_scratch(const char *s, struct kho_scratch_cfg *cfg,
		      const char **why);

#endif /* _KERNEL_KHO_INTERNAL_H */
