// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: reading an incoming handover in the next kernel.
 *
 * Everything here reads memory another kernel wrote, so nothing is trusted
 * before it is checked: a range is looked at only once it is known to be
 * RAM, and every length is checked before it is used.  The checks run in
 * two steps, as the next kernel boots:
 *
 *  1. kho_in_check_scratch(), as soon as memblock knows the RAM: the scratch
 *     table, which the kernel then allocates from exclusively;
 *  2. kho_in_check(), once the direct map exists: the root FDT, the clients,
 *     their preserved-memory records and sub-FDTs, and every preserved
 *     range against RAM, scratch and what this kernel already uses.
 *
 * kho_in_reserve() then reserves it all in memblock in one address-ordered
 * pass.  The preserved ranges are produced by a k-way merge of the clients'
 * records (each sorted), so checking and reserving n ranges of k clients
 * costs O(n * k) with k small, and nothing is per page.
 *
 * Only libfdt and memblock are used, so the file also builds in userspace
 * for the simulator in tools/testing/kho.  Single-threaded early boot code;
 * no locking.
 */

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "kho_internal.h"

#define KHO_IN_SCRATCH_MISMATCH \
	"root FDT scratch property does not match the scratch table"

static int __init kho_in_fail(struct kho_in *in, const char *why,
			      const char *client, phys_addr_t addr, phys_addr_t size)
{
	in->why = why;
	in->bad_client = client;
	in->bad.addr = addr;
	in->bad.size = size;
	return -EINVAL;
}

static bool __init kho_range_ok(phys_addr_t addr, phys_addr_t size)
{
	return size && PAGE_ALIGNED(addr) && PAGE_ALIGNED(size) &&
	       addr + size > addr;
}

static bool __init kho_range_overlap(const struct kho_range *a,
				     const struct kho_range *b)
{
	return a->addr < b->addr + b->size && b->addr < a->addr + a->size;
}

/**
 * kho_in_check_scratch() - check and take the incoming scratch table
 * @in: the incoming handover; @in->table holds the table's address and size
 * @tab: the table, mapped
 *
 * Every entry must be page aligned, inside one RAM region of memblock and
 * apart from the others.  On success @in->scratch holds the entries sorted
 * by address.
 *
 * Return: 0, or -EINVAL with the reason in @in.
 */
int __init kho_in_check_scratch(struct kho_in *in, const struct kho_scratch_entry *tab)
{
	size_t n = in->table.size / sizeof(*tab);
	unsigned int i, j;

	if (!n || in->table.size % sizeof(*tab) || n > KHO_SCRATCH_MAX ||
	    !PAGE_ALIGNED(in->table.addr))
		return kho_in_fail(in, "bad scratch table size", NULL,
				   in->table.addr, in->table.size);
	for (i = 0; i < n; i++) {
		struct kho_range r = {
			.addr = le64_to_cpu(tab[i].addr),
			.size = le64_to_cpu(tab[i].size),
		};

		if (!kho_range_ok(r.addr, r.size))
			return kho_in_fail(in, "scratch region not page aligned",
					   NULL, r.addr, r.size);
		if (!memblock_is_region_memory(r.addr, r.size))
			return kho_in_fail(in, "scratch region outside RAM",
					   NULL, r.addr, r.size);
		/* Insertion sort: a handful of entries. */
		for (j = i; j && in->scratch[j - 1].addr > r.addr; j--)
			in->scratch[j] = in->scratch[j - 1];
		in->scratch[j] = r;
	}
	for (i = 1; i < n; i++) {
		if (kho_range_overlap(&in->scratch[i - 1], &in->scratch[i]))
			return kho_in_fail(in, "scratch regions overlap", NULL,
					   in->scratch[i].addr,
					   in->scratch[i].size);
	}
	in->nr_scratch = n;
	return 0;
}

/* Read a (phys, size) property of two u64 cells; 0 if absent. */
static int __init kho_in_prop_range(struct kho_in *in, int node, const char *prop,
				    const char *client, struct kho_range *r)
{
	const fdt64_t *v;
	int len;

	r->addr = 0;
	r->size = 0;
	v = fdt_getprop(in->root, node, prop, &len);
	if (!v)
		return 0;
	if (len != 2 * sizeof(*v))
		return kho_in_fail(in, "client property of the wrong size",
				   client, 0, len);
	r->addr = fdt64_to_cpu(v[0]);
	r->size = fdt64_to_cpu(v[1]);
	if (!r->size || r->addr + r->size < r->addr)
		return kho_in_fail(in, "client property with a bad range",
				   client, r->addr, r->size);
	if (!memblock_is_region_memory(r->addr, r->size))
		return kho_in_fail(in, "client data outside RAM", client,
				   r->addr, r->size);
	return 0;
}

/* Check the header of @c's preserved-memory record and point at its runs. */
static int __init kho_in_record(struct kho_in *in, struct kho_in_client *c)
{
	const struct kho_mem_header *h;
	u64 nr;

	if (!kho_range_ok(c->mem.addr, c->mem.size) ||
	    c->mem.size < sizeof(*h))
		return kho_in_fail(in, "bad preserved-memory record range",
				   c->name, c->mem.addr, c->mem.size);
	h = phys_to_virt(c->mem.addr);
	if (le32_to_cpu(h->magic) != KHO_MEM_MAGIC ||
	    le32_to_cpu(h->version) != KHO_MEM_VERSION)
		return kho_in_fail(in, "bad preserved-memory record header",
				   c->name, c->mem.addr, c->mem.size);
	nr = le64_to_cpu(h->nr_runs);
	if (nr > (c->mem.size - sizeof(*h)) / sizeof(struct kho_mem_run))
		return kho_in_fail(in, "preserved-memory record truncated",
				   c->name, c->mem.addr, c->mem.size);
	c->runs = (const struct kho_mem_run *)(h + 1);
	c->nr_runs = nr;
	return 0;
}

/* Parse the root FDT: compatible, scratch property, clients. */
static int __init kho_in_parse_fdt(struct kho_in *in)
{
	const fdt64_t *sp;
	const char *compat;
	int len, node, child;
	unsigned int i;

	if (!kho_range_ok(in->fdt.addr, in->fdt.size) ||
	    in->fdt.size > KHO_FDT_SIZE_MAX)
		return kho_in_fail(in, "bad root FDT buffer", NULL,
				   in->fdt.addr, in->fdt.size);
	if (!memblock_is_region_memory(in->fdt.addr, in->fdt.size))
		return kho_in_fail(in, "root FDT outside RAM", NULL,
				   in->fdt.addr, in->fdt.size);
	in->root = phys_to_virt(in->fdt.addr);
	if (fdt_magic(in->root) != FDT_MAGIC)
		return kho_in_fail(in, "root FDT has a bad magic", NULL,
				   in->fdt.addr, in->fdt.size);
	if (fdt_totalsize(in->root) > in->fdt.size)
		return kho_in_fail(in, "root FDT larger than its buffer", NULL,
				   in->fdt.addr, fdt_totalsize(in->root));
	if (fdt_check_header(in->root))
		return kho_in_fail(in, "root FDT header is malformed", NULL,
				   in->fdt.addr, fdt_totalsize(in->root));

	compat = fdt_getprop(in->root, 0, "compatible", &len);
	if (!compat || len != sizeof(KHO_FDT_COMPATIBLE) ||
	    memcmp(compat, KHO_FDT_COMPATIBLE, len))
		return kho_in_fail(in, "root FDT is not compatible with " KHO_FDT_COMPATIBLE,
				   NULL, in->fdt.addr, in->fdt.size);

	sp = fdt_getprop(in->root, 0, KHO_FDT_SCRATCH, &len);
	if (!sp || len != in->nr_scratch * 2 * sizeof(*sp))
		return kho_in_fail(in, KHO_IN_SCRATCH_MISMATCH, NULL,
				   in->table.addr, in->table.size);
	for (i = 0; i < in->nr_scratch; i++) {
		struct kho_range r = {
			.addr = fdt64_to_cpu(sp[2 * i]),
			.size = fdt64_to_cpu(sp[2 * i + 1]),
		};
		unsigned int j;

		for (j = 0; j < in->nr_scratch; j++) {
			if (r.addr == in->scratch[j].addr &&
			    r.size == in->scratch[j].size)
				break;
		}
		if (j == in->nr_scratch)
			return kho_in_fail(in, KHO_IN_SCRATCH_MISMATCH, NULL,
					   r.addr, r.size);
	}

	node = fdt_subnode_offset(in->root, 0, KHO_FDT_CLIENTS);
	if (node < 0)
		return kho_in_fail(in, "root FDT has no clients node", NULL,
				   in->fdt.addr, in->fdt.size);
	in->nr_clients = 0;
	fdt_for_each_subnode(child, in->root, node) {
		struct kho_in_client *c = &in->clients[in->nr_clients];
		const char *name = fdt_get_name(in->root, child, &len);

		if (in->nr_clients == KHO_CLIENTS_MAX)
			return kho_in_fail(in, "too many clients", NULL, 0, 0);
		if (!name || !len || len > KHO_NAME_MAX || memchr(name, '/', len))
			return kho_in_fail(in, "bad client name", NULL, 0, len);
		memset(c, 0, sizeof(*c));
		c->name = name;
		if (kho_in_prop_range(in, child, KHO_FDT_SUB_FDT, name,
				      &c->fdt) ||
		    kho_in_prop_range(in, child, KHO_FDT_MEM, name, &c->mem))
			return -EINVAL;
		if (c->mem.size && kho_in_record(in, c))
			return -EINVAL;
		in->nr_clients++;
	}
	if (child != -FDT_ERR_NOTFOUND)
		return kho_in_fail(in, "root FDT clients node is malformed",
				   NULL, in->fdt.addr, in->fdt.size);
	return 0;
}

/* Start the merge over every client's runs. */
static void __init kho_in_rewind(struct kho_in *in)
{
	unsigned int i;

	for (i = 0; i < in->nr_clients; i++)
		in->clients[i].cur = 0;
}

/*
 * Next preserved range in address order: the lowest current run of all
 * clients.  Checks the run itself; the order between runs is checked by
 * the caller.  Returns false at the end or on error (in->why set).
 */
static bool __init kho_in_next(struct kho_in *in, struct kho_range *r,
			       const char **client)
{
	struct kho_in_client *best = NULL;
	const struct kho_mem_run *run;
	unsigned int i, order;
	u64 pfn, pages;
	u16 flags;

	for (i = 0; i < in->nr_clients; i++) {
		struct kho_in_client *c = &in->clients[i];

		if (c->cur < c->nr_runs &&
		    (!best || le64_to_cpu(c->runs[c->cur].pfn) <
			      le64_to_cpu(best->runs[best->cur].pfn)))
			best = c;
	}
	if (!best)
		return false;
	run = &best->runs[best->cur++];
	*client = best->name;
	pfn = le64_to_cpu(run->pfn);
	order = le16_to_cpu(run->order);
	flags = le16_to_cpu(run->flags);
	pages = (u64)le32_to_cpu(run->nr) << min(order, 32U);
	r->addr = PFN_PHYS(pfn);
	r->size = PFN_PHYS(pages);
	if ((flags & ~KHO_MEM_RUN_RANGE) ||
	    ((flags & KHO_MEM_RUN_RANGE) && order) || order > MAX_PAGE_ORDER ||
	    !pages || pfn > PHYS_PFN(PHYS_ADDR_MAX) ||
	    PHYS_PFN(PHYS_ADDR_MAX) - pfn < pages) {
		kho_in_fail(in, "malformed preserved-memory run", best->name,
			    r->addr, r->size);
		return false;
	}
	return true;
}

/* Is @r inside a run of @c?  Runs are sorted (checked before). */
static bool __init kho_in_client_has(const struct kho_in_client *c,
				     const struct kho_range *r)
{
	u64 lo = 0, hi = c->nr_runs;

	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;
		const struct kho_mem_run *run = &c->runs[mid];
		phys_addr_t start = PFN_PHYS(le64_to_cpu(run->pfn));
		phys_addr_t end = start +
			PFN_PHYS((u64)le32_to_cpu(run->nr) <<
				 le16_to_cpu(run->order));

		if (end <= r->addr)
			lo = mid + 1;
		else if (start > r->addr)
			hi = mid;
		else
			return r->addr + r->size <= end;
	}
	return false;
}

/* Sub-FDTs must lie in memory preserved by their client or "default". */
static int __init kho_in_check_subtrees(struct kho_in *in)
{
	unsigned int i, j;

	for (i = 0; i < in->nr_clients; i++) {
		struct kho_in_client *c = &in->clients[i];
		bool ok = false;

		if (!c->fdt.size)
			continue;
		for (j = 0; j < in->nr_clients && !ok; j++) {
			if (j == i || !strcmp(in->clients[j].name,
					      KHO_DEFAULT_CLIENT))
				ok = kho_in_client_has(&in->clients[j], &c->fdt);
		}
		if (!ok)
			return kho_in_fail(in, "sub-FDT outside the client's preserved memory",
					   c->name, c->fdt.addr, c->fdt.size);
		if (fdt_check_header(phys_to_virt(c->fdt.addr)) ||
		    fdt_totalsize(phys_to_virt(c->fdt.addr)) > c->fdt.size)
			return kho_in_fail(in, "sub-FDT is malformed", c->name,
					   c->fdt.addr, c->fdt.size);
	}
	return 0;
}

/* Advance *@i over regions of @t that end at or before @addr. */
static unsigned long __init kho_in_seek(const struct memblock_type *t,
					unsigned long i, phys_addr_t addr)
{
	while (i < t->cnt && t->regions[i].base + t->regions[i].size <= addr)
		i++;
	return i;
}

/* Metadata ranges: RAM (checked at parse), not scratch, not in use. */
static int __init kho_in_check_meta(struct kho_in *in, const struct kho_range *meta,
				    const char *what)
{
	struct kho_range r = { meta->addr, PAGE_ALIGN(meta->size) };
	unsigned int i;

	for (i = 0; i < in->nr_scratch; i++) {
		if (kho_range_overlap(&r, &in->scratch[i]))
			return kho_in_fail(in, what, NULL, r.addr, r.size);
	}
	if (memblock_is_region_reserved(r.addr, r.size))
		return kho_in_fail(in, what, NULL, r.addr, r.size);
	return 0;
}

/**
 * kho_in_check() - check an incoming handover before trusting it
 * @in: the incoming handover: root FDT buffer in @in->fdt, scratch already
 *	checked by kho_in_check_scratch()
 *
 * Checks the root FDT (magic, size, header, compatible string, scratch
 * property equal to the scratch table), every client (name, sub-FDT and
 * record inside RAM, record header), and every preserved range: well
 * formed, in address order without overlaps across all clients, inside
 * one RAM region, outside scratch, and apart from everything memblock has
 * reserved already (this kernel's image, initrd, early allocations).
 * Metadata (root FDT, scratch table, records) must also be outside scratch
 * and not in use.  Needs the direct map.
 *
 * Return: 0 with @in->nr_ranges and @in->bytes set, or -EINVAL with the
 * first reason in @in.
 */
int __init kho_in_check(struct kho_in *in)
{
	const struct memblock_type *mem = &memblock.memory;
	const struct memblock_type *rsv = &memblock.reserved;
	unsigned long mi = 0, ri = 0;
	unsigned int si = 0, i;
	phys_addr_t prev_end = 0;
	const char *client;
	struct kho_range r;

	if (kho_in_parse_fdt(in))
		return -EINVAL;

	in->nr_ranges = 0;
	in->bytes = 0;
	in->why = NULL;
	kho_in_rewind(in);
	while (kho_in_next(in, &r, &client)) {
		phys_addr_t end = r.addr + r.size;

		if (in->nr_ranges && r.addr < prev_end)
			return kho_in_fail(in, "preserved ranges overlap or are out of order",
					   client, r.addr, r.size);
		prev_end = end;

		while (si < in->nr_scratch &&
		       in->scratch[si].addr + in->scratch[si].size <= r.addr)
			si++;
		if (si < in->nr_scratch && in->scratch[si].addr < end)
			return kho_in_fail(in, "preserved range inside scratch",
					   client, r.addr, r.size);

		mi = kho_in_seek(mem, mi, r.addr);
		if (mi == mem->cnt || mem->regions[mi].base > r.addr ||
		    end > mem->regions[mi].base + mem->regions[mi].size)
			return kho_in_fail(in, "preserved range outside RAM",
					   client, r.addr, r.size);

		ri = kho_in_seek(rsv, ri, r.addr);
		if (ri < rsv->cnt && rsv->regions[ri].size &&
		    rsv->regions[ri].base < end)
			return kho_in_fail(in, "preserved range overlaps memory this kernel uses",
					   client, r.addr, r.size);
		in->nr_ranges++;
		in->bytes += r.size;
	}
	if (in->why)
		return -EINVAL;

	if (kho_in_check_meta(in, &in->fdt,
			      "root FDT in scratch or in memory this kernel uses") ||
	    kho_in_check_meta(in, &in->table,
			      "scratch table in scratch or in memory this kernel uses"))
		return -EINVAL;
	for (i = 0; i < in->nr_clients; i++) {
		if (in->clients[i].mem.size &&
		    kho_in_check_meta(in, &in->clients[i].mem,
				      "record in scratch or in memory this kernel uses"))
			return -EINVAL;
	}
	return kho_in_check_subtrees(in);
}

static bool __init kho_in_reserve_next(void *ctx, phys_addr_t *base,
				       phys_addr_t *size)
{
	struct kho_range r;
	const char *client;

	if (!kho_in_next(ctx, &r, &client))
		return false;
	*base = r.addr;
	*size = r.size;
	return true;
}

/**
 * kho_in_reserve() - reserve a checked handover in memblock
 * @in: a handover that passed kho_in_check()
 *
 * Reserves every preserved range with one memblock_reserve_sorted() pass,
 * then the metadata: root FDT, scratch table and records.
 *
 * Return: 0, or the error of memblock_reserve_sorted(); on error nothing
 * of the preserved ranges is reserved.
 */
int __init kho_in_reserve(struct kho_in *in)
{
	unsigned int i;
	int err;

	kho_in_rewind(in);
	err = memblock_reserve_sorted(kho_in_reserve_next, in, in->nr_ranges);
	if (err)
		return err;
	memblock_reserve(in->fdt.addr, in->fdt.size);
	memblock_reserve(in->table.addr, PAGE_ALIGN(in->table.size));
	for (i = 0; i < in->nr_clients; i++) {
		if (in->clients[i].mem.size)
			memblock_reserve(in->clients[i].mem.addr,
					 in->clients[i].mem.size);
	}
	return 0;
}
