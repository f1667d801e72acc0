// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, incoming side: the boot, from the boot protocol to the
 * reservation of everything preserved.  The checks themselves are in
 * in_check.c.
 *
 * The architecture calls, in this order, during early boot:
 *  - kho_populate() while parsing its boot protocol: records where the
 *    handover is, trusts nothing yet;
 *  - kho_in_mark_scratch() once memblock knows the RAM: checks the scratch
 *    table, marks scratch and restricts memblock to it;
 *  - kho_in_reserve_preserved() once the direct map exists: checks the rest
 *    of the handover, reserves every preserved range, lifts the
 *    restriction.
 * Any failure prints one line with the reason and leaves memblock as if no
 * handover had come; the boot goes on.
 *
 * All of it runs single-threaded before SMP; afterwards the incoming root
 * FDT is read-only.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include <asm/early_ioremap.h>
#include <asm/sections.h>

#include "kho_internal.h"

static struct kho_in kho_in __initdata;

enum kho_in_state {
	KHO_IN_NONE,		/* no handover came */
	KHO_IN_FOUND,		/* kho_populate() recorded one */
	KHO_IN_SCRATCH,		/* scratch checked, scratch-only in force */
};

static enum kho_in_state kho_in_state __initdata;

/* The accepted root FDT; 0 if there is none.  Never changes after boot. */
static phys_addr_t kho_in_fdt_phys __ro_after_init;
/* Its scratch table, reserved like the FDT; NULL if none. */
static struct kho_scratch_entry *kho_in_table __initdata;

/**
 * kho_populate() - record where the previous kernel's handover is
 * @fdt: physical address of the root FDT
 * @fdt_size: size of its buffer
 * @scratch: physical address of the scratch table
 * @scratch_size: size of the scratch table in bytes
 *
 * Called by the architecture while it parses its boot protocol, before
 * memblock knows the RAM.  Nothing is checked or touched yet.
 */
void __init kho_populate(phys_addr_t fdt, phys_addr_t fdt_size,
			 phys_addr_t scratch, phys_addr_t scratch_size)
{
	kho_in.fdt.addr = fdt;
	kho_in.fdt.size = fdt_size;
	kho_in.table.addr = scratch;
	kho_in.table.size = scratch_size;
	kho_in_state = KHO_IN_FOUND;
}

static void __init kho_in_report(const char *stage)
{
	phys_addr_t end = kho_in.bad.addr + kho_in.bad.size - 1;
	const char *why = kho_in.why ?: stage;
	const char *client = kho_in.bad_client ?: "";
	const char *in = kho_in.bad_client ? " in client " : "";

	if (kho_in.bad.size)
		pr_err("handover ignored: %s%s%s [mem %pa-%pa]; booting without it\n",
		       why, in, client, &kho_in.bad.addr, &end);
	else
		pr_err("handover ignored: %s%s%s; booting without it\n",
		       why, in, client);
}

/**
 * kho_in_mark_scratch() - check the incoming scratch regions and use them
 *
 * Called by the architecture once memblock.memory describes the RAM and
 * before anything is allocated.  With a sound scratch table every scratch
 * region is marked and memblock allocates only from scratch until
 * kho_in_reserve_preserved().
 *
 * Return: true if scratch-only allocation is now in force.
 */
bool __init kho_in_mark_scratch(void)
{
	const struct kho_scratch_entry *tab;
	phys_addr_t text = __pa_symbol(_text), end = __pa_symbol(_end);
	unsigned int i;
	bool ok = false;

	if (kho_in_state == KHO_IN_NONE) {
		if (kho_is_enabled())
			pr_info("no handover from a previous kernel (cold boot, or it did not finalize)\n");
		return false;
	}
	if (!kho_is_enabled()) {
		pr_info("handover ignored: KHO is off on this boot (boot with kho=on)\n");
		kho_in_state = KHO_IN_NONE;
		return false;
	}
	if (kho_in_check_table(&kho_in))
		goto fail;
	tab = early_memremap(kho_in.table.addr, kho_in.table.size);
	if (!tab) {
		kho_in.why = "cannot map the scratch table";
		goto fail;
	}
	ok = !kho_in_check_scratch(&kho_in, tab);
	early_memunmap((void *)tab, kho_in.table.size);
	if (!ok)
		goto fail;

	for (i = 0; i < kho_in.nr_scratch; i++) {
		const struct kho_range *s = &kho_in.scratch[i];

		if (s->addr <= text && end <= s->addr + s->size)
			break;
	}
	if (i == kho_in.nr_scratch) {
		kho_in.why = "this kernel was not loaded inside scratch";
		kho_in.bad.addr = text;
		kho_in.bad.size = end - text;
		goto fail;
	}

	for (i = 0; i < kho_in.nr_scratch; i++)
		memblock_mark_kho_scratch(kho_in.scratch[i].addr,
					  kho_in.scratch[i].size);
	memblock_set_kho_scratch_only();
	kho_in_state = KHO_IN_SCRATCH;
	pr_info("handover found: root FDT at %pa, %u scratch regions; allocating from scratch only\n",
		&kho_in.fdt.addr, kho_in.nr_scratch);
	return true;
fail:
	kho_in_report("bad scratch table");
	kho_in_state = KHO_IN_NONE;
	return false;
}

/**
 * kho_in_reserve_preserved() - check the handover and reserve what it keeps
 *
 * Called by the architecture once the direct map covers all RAM.  Checks
 * the whole handover (kho_in_check()), reserves every preserved range and
 * the metadata in memblock, and lifts scratch-only allocation.  On failure
 * nothing is reserved, the scratch marks are dropped and the kernel boots
 * as if no handover had come.
 */
void __init kho_in_reserve_preserved(void)
{
	struct kho_scratch_entry *tab;
	u64 t0 = sched_clock();
	unsigned int i;
	int err;

	if (kho_in_state != KHO_IN_SCRATCH)
		return;

	err = kho_in_check(&kho_in);
	if (!err) {
		err = kho_in_reserve(&kho_in);
		if (err) {
			kho_in.why = "cannot reserve the preserved ranges";
			kho_in.bad_client = NULL;
			kho_in.bad.addr = 0;
			kho_in.bad.size = 0;
		}
	}
	memblock_clear_kho_scratch_only();
	if (err) {
		kho_in_report("malformed handover");
		for (i = 0; i < kho_in.nr_scratch; i++)
			memblock_clear_kho_scratch(kho_in.scratch[i].addr,
						   kho_in.scratch[i].size);
		kho_in_state = KHO_IN_NONE;
		return;
	}

	/* The scratch regions serve the next kexec as they are, in order. */
	tab = phys_to_virt(kho_in.table.addr);
	for (i = 0; i < kho_in.nr_scratch; i++) {
		kho_scratch[i].addr = le64_to_cpu(tab[i].addr);
		kho_scratch[i].size = le64_to_cpu(tab[i].size);
	}
	kho_scratch_cnt = kho_in.nr_scratch;
	kho_in_fdt_phys = kho_in.fdt.addr;
	kho_in_table = tab;
	pr_info("handover accepted: %llu preserved ranges (%llu KiB) of %u clients reserved in %llu us\n",
		kho_in.nr_ranges, kho_in.bytes >> 10, kho_in.nr_clients,
		div_u64(sched_clock() - t0, NSEC_PER_USEC));
}

struct kho_in_settled {
	unsigned long pages;
	unsigned long holes;
};

static void __init kho_in_settle(void *ctx, phys_addr_t start,
				 phys_addr_t end, int nid,
				 enum kho_in_piece piece)
{
	struct kho_in_settled *st = ctx;

	if (piece == KHO_IN_PIECE_RAM) {
		memblock_kho_init_pages(start, end, nid);
	} else if (piece == KHO_IN_PIECE_HOLE) {
		st->pages += memblock_kho_free_hole(start, end);
		st->holes++;
	}
}

/**
 * kho_in_settle_spans() - hand the holes between preserved folios over
 *
 * kho_in_reserve() reserved the folios a span at a time, holes included.
 * Once deferred struct page init is done (page_alloc_init_late(), before
 * memblock is discarded), this initializes the struct pages of the spans
 * that deferred init skipped and gives the holes to the page allocator,
 * in one pass over the records and the spans.
 */
void __init kho_in_settle_spans(void)
{
	struct kho_in_settled st = { };
	u64 t0 = sched_clock();

	if (!kho_in_fdt_phys)
		return;
	kho_in_walk_spans(&kho_in, kho_in_settle, &st);
	pr_info("gave the page allocator %lu KiB in %lu holes between preserved folios in %llu us\n",
		st.pages << (PAGE_SHIFT - 10), st.holes,
		div_u64(sched_clock() - t0, NSEC_PER_USEC));
}

/**
 * kho_in_preserved_by() - did the previous kernel preserve this for a client?
 * @client: the client's name
 * @addr: start of the range
 * @size: its size
 *
 * For early boot code that takes preserved memory back before clients
 * are set up (reserve_mem).  Preserved ranges were checked to overlap
 * nothing this kernel had reserved at the time (its image, initrd).
 *
 * Return: true if an accepted handover has [@addr, @addr + @size) wholly
 * inside one stretch of memory @client preserved.
 */
bool __init kho_in_preserved_by(const char *client, phys_addr_t addr,
				phys_addr_t size)
{
	struct kho_range r = { addr, size };

	return kho_in_fdt_phys && kho_in_client_has(&kho_in, client, &r);
}

/*
 * The scratch table handed over by the previous kernel, if this boot uses
 * its scratch: the next kexec hands the same table on.
 */
struct kho_scratch_entry *__init kho_in_scratch_table(void)
{
	return kho_in_table;
}

/* The accepted incoming root FDT, or NULL. */
const void *kho_in_root(void)
{
	return kho_in_fdt_phys ? phys_to_virt(kho_in_fdt_phys) : NULL;
}
