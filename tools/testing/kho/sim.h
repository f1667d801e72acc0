/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine: a sparse physical memory, kernel A's side
 * (tracking, records, root FDT) and kernel B's boot (check, reserve).
 */
#ifndef _KHO_SIM_SIM_H
#define _KHO_SIM_SIM_H

#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include "../../../kernel/kho/kho_internal.h"

/*
 * Physical addresses are host addresses (the memblock simulator's
 * convention), so RAM is one big lazily backed shared mapping at a fixed
 * address: tens of GiB cost what is touched, and both kernels, run in
 * different processes, see the same bytes.
 */
#define SIM_RAM_BASE		0x200000000000UL
#define SIM_RAM_SIZE		(64UL << 30)
#define SIM_RAM_PAGES		(SIM_RAM_SIZE >> PAGE_SHIFT)
/* Scratch of kernel A, and B's kernel image inside it. */
#define SIM_SCRATCH_SIZE	(256UL << 20)
#define SIM_KERNEL		(SIM_RAM_BASE + (16UL << 20))
#define SIM_KERNEL_SIZE		(16UL << 20)
/* Where A's metadata (root FDT, records, scratch table) is allocated. */
#define SIM_META_BASE		(SIM_RAM_BASE + (1UL << 30))
#define SIM_META_SIZE		(512UL << 20)
/* Preservations go above this. */
#define SIM_PRES_BASE		(SIM_RAM_BASE + (2UL << 30))
/*
 * With sim_scratch_setup(true), a second scratch region, small and not
 * aligned to a block, among the preservations: A refuses folios there,
 * and B cuts the spans of its bitmap runs around it.
 */
#define SIM_HOLE_BASE		(SIM_PRES_BASE + (5UL << 20) + 3 * PAGE_SIZE)
#define SIM_HOLE_SIZE		((1UL << 20) + 5 * PAGE_SIZE)

/* What the boot protocol hands B. */
struct sim_handover {
	u64 fdt;
	u64 fdt_size;
	u64 table;
	u64 table_size;
};

void sim_init(void);
void sim_scratch_setup(bool hole);
void sim_meta_reset(void);
u64 sim_meta_used(void);
int sim_a_finalize(struct sim_handover *h, const struct kho_fdt_client *subs,
		   unsigned int nr_subs, u64 *record_bytes);
void sim_memblock_reset(void);
int sim_b_boot(const struct sim_handover *h, struct kho_in *in);
int sim_b_settle(struct kho_in *in, bool free_holes);
unsigned int sim_cut_spans(const struct kho_in *in);
struct kho_client *sim_client(const char *name);

/* Live update's sessions and memfds (sim_luo.c). */
void sim_luo_setup(void);
void sim_luo_a(unsigned int seed);
unsigned int sim_luo_count(void);
unsigned int sim_luo_ranges(struct kho_range *r);
unsigned int sim_luo_write(struct kho_fdt_client *sub);
const char *sim_luo_restore(const void *fdt, struct kho_in_mem *m, bool check);
void sim_luo_b(const struct kho_in *in);
void sim_luo_again(void);
void sim_luo_stats(u64 *sessions, u64 *files, u64 *folios);

#endif
