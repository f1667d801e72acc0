// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: built-in load for the boot-time benchmark
 * (scripts/boot-bench.py), part of CONFIG_KEXEC_HANDOVER_TEST and off
 * unless the command line asks:
 *
 * kho_bench=4k:MiB
 *	Preserve MiB mebibytes as scattered order-0 folios: every other page,
 *	so that no two preserved pages touch.
 * kho_bench=2m:MiB
 *	Preserve MiB mebibytes as order-9 (2 MiB) folios.
 *
 * Everything is preserved under the client "kbench"; at finalize its
 * sub-FDT lists the physical address of every folio.  A kernel that finds
 * that sub-FDT restores every folio, checks its order, keeps it (as a
 * user such as a VMM would) and prints how long the restores took.  The
 * contents are not checked: folios_survive does that, and checking would
 * dwarf what the benchmark measures.  Results are "kho-bench:" lines.
 */

#define pr_fmt(fmt) "kho-bench: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#define KB_COMPATIBLE	"kho-linux-6.12,bench-v1"
#define KB_CLIENT	"kbench"
/* Order of the folios of the 2m pattern. */
#define KB_ORDER_2M	9

static unsigned int kb_order;
static unsigned long kb_mib __initdata;
static bool kb_on __initdata;

/* Physical address of every preserved folio, and the sub-FDT buffer. */
static fdt64_t *kb_phys;
static unsigned long kb_nr;
static void *kb_fdt;
static size_t kb_fdt_size;

static int __init kb_param(char *s)
{
	char *mib = strchr(s, ':');

	if (!mib || kstrtoul(mib + 1, 0, &kb_mib) || !kb_mib)
		return -EINVAL;
	if (!strncmp(s, "4k:", 3))
		kb_order = 0;
	else if (!strncmp(s, "2m:", 3))
		kb_order = KB_ORDER_2M;
	else
		return -EINVAL;
	kb_on = true;
	return 0;
}
early_param("kho_bench", kb_param);

/* One order-0 page with its buddy given back: no neighbour is preserved. */
static struct folio *__init kb_alloc_scattered(void)
{
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);

	if (!p)
		return NULL;
	split_page(p, 1);
	__free_page(p + 1);
	return page_folio(p);
}

static int __init kb_preserve(struct kho_client *c)
{
	unsigned long i, want = (kb_mib << 20) >> (PAGE_SHIFT + kb_order);
	u64 t0, ns = 0;
	int err = 0;

	kb_phys = kvmalloc_array(want, sizeof(*kb_phys), GFP_KERNEL);
	if (!kb_phys)
		return -ENOMEM;
	for (i = 0; i < want && !err; i++) {
		struct folio *f = kb_order ? folio_alloc(GFP_KERNEL | __GFP_NOWARN,
							 kb_order) :
					     kb_alloc_scattered();

		if (!f)
			return -ENOMEM;
		t0 = sched_clock();
		err = kho_client_preserve_folio(c, f);
		ns += sched_clock() - t0;
		kb_phys[kb_nr++] = cpu_to_fdt64(PFN_PHYS(folio_pfn(f)));
	}
	pr_info("preserved %lu folios of order %u (%lu MiB) in %llu us: %s (%d)\n",
		kb_nr, kb_order, kb_mib, div_u64(ns, NSEC_PER_USEC),
		err ? "FAILED" : "ok", err);
	return err;
}

static int kb_notifier(struct notifier_block *nb, unsigned long action,
		       void *data)
{
	void *fdt = kb_fdt;
	int err;

	if (action != KEXEC_KHO_FINALIZE)
		return NOTIFY_DONE;
	err = fdt_create(fdt, kb_fdt_size);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", KB_COMPATIBLE);
	err = err ?: fdt_property_u32(fdt, "order", kb_order);
	err = err ?: fdt_property(fdt, "phys", kb_phys, kb_nr * sizeof(*kb_phys));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	err = err ? -ENOSPC : kho_add_subtree(data, KB_CLIENT, fdt);
	return notifier_from_errno(err);
}

static struct notifier_block kb_nb = {
	.notifier_call = kb_notifier,
};

/* Restore and keep every folio the previous kernel listed. */
static int __init kb_restore(struct kho_client *c, const void *fdt)
{
	const fdt64_t *phys;
	const fdt32_t *order;
	unsigned long i, n, bad = 0;
	u64 t0, ns;
	int len;

	phys = fdt_getprop(fdt, 0, "phys", &len);
	order = fdt_getprop(fdt, 0, "order", NULL);
	if (fdt_node_check_compatible(fdt, 0, KB_COMPATIBLE) || !phys ||
	    !order || len % sizeof(*phys)) {
		pr_err("malformed sub-FDT\n");
		return -EINVAL;
	}
	n = len / sizeof(*phys);
	t0 = sched_clock();
	for (i = 0; i < n; i++) {
		struct folio *f = kho_client_restore_folio(c, fdt64_ld(&phys[i]));

		bad += !f || folio_order(f) != fdt32_to_cpu(*order);
	}
	ns = sched_clock() - t0;
	pr_info("restored %lu folios of order %u (%llu MiB) in %llu us: %s (%lu bad)\n",
		n, fdt32_to_cpu(*order),
		((u64)n << (PAGE_SHIFT + fdt32_to_cpu(*order))) >> 20,
		div_u64(ns, NSEC_PER_USEC), bad ? "BAD" : "ok", bad);
	return bad ? -EIO : 0;
}

static int __init kb_init(void)
{
	struct kho_client *c;
	phys_addr_t phys;
	int err;

	if (!kb_on || !kho_is_enabled())
		return 0;
	c = kho_client_get(KB_CLIENT);
	if (IS_ERR(c))
		return PTR_ERR(c);
	if (!kho_retrieve_subtree(KB_CLIENT, &phys))
		return kb_restore(c, phys_to_virt(phys));

	err = kb_preserve(c);
	if (err)
		return err;
	kb_fdt_size = PAGE_ALIGN(kb_nr * sizeof(*kb_phys) + PAGE_SIZE);
	kb_fdt = alloc_pages_exact(kb_fdt_size, GFP_KERNEL);
	if (!kb_fdt)
		return -ENOMEM;
	err = kho_client_preserve_phys(c, virt_to_phys(kb_fdt), kb_fdt_size);
	return err ?: register_kho_notifier(&kb_nb);
}
late_initcall(kb_init);
