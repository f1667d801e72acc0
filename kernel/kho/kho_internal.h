/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover: declarations shared by the files of kernel/kho/ and by the
 * userspace simulator that builds the same files (tools/testing/kho).
 */
#ifndef _KERNEL_KHO_INTERNAL_H
#define _KERNEL_KHO_INTERNAL_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/numa.h>
#include <linux/kho/abi.h>

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

u64 kho_scratch_scaled_size(u64 kern_bytes, unsigned int scale_pct,
			    u64 granule);

/* Scratch regions: low memory, global, and one per node with memory. */
#define KHO_SCRATCH_MAX			(2 + MAX_NUMNODES)

/**
 * struct kho_range - a physical memory range
 * @addr: physical address
 * @size: size in bytes
 */
struct kho_range {
	phys_addr_t addr;
	phys_addr_t size;
};

/**
 * struct kho_fdt_client - what the root FDT records for one client
 * @name: client name, at most %KHO_NAME_MAX characters
 * @fdt: the client's sub-FDT, or size 0 if it added none
 * @mem: the client's preserved-memory record, or size 0 if none
 */
struct kho_fdt_client {
	const char *name;
	struct kho_range fdt;
	struct kho_range mem;
};

size_t kho_fdt_root_size(unsigned int nr_scratch, unsigned int nr_clients);
int kho_fdt_write_root(void *buf, size_t size, const struct kho_range *scratch,
		       unsigned int nr_scratch,
		       const struct kho_fdt_client *clients,
		       unsigned int nr_clients);

int kho_parse_enable(const char *s, bool *on, const char **why);
int kho_parse_scratch(const char *s, struct kho_scratch_cfg *cfg,
		      const char **why);

#ifdef __KERNEL__
/* Kernel-only state shared by core.c and scratch.c. */
extern struct kho_scratch_cfg kho_scratch_cfg;
extern struct kho_range kho_scratch[KHO_SCRATCH_MAX];
extern unsigned int kho_scratch_cnt;
extern struct kho_scratch_entry *kho_scratch_table;

void kho_disable(void);
int kho_scratch_table_init(void);
int kho_get_handover(struct kho_range *fdt, struct kho_range *scratch);
#endif

#endif /* _KERNEL_KHO_INTERNAL_H */
