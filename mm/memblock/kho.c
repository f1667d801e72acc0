// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memblock support for kexec handover (KHO).
 *
 * This file is included by mm/memblock.c (so that it can use memblock's
 * static helpers) when CONFIG_MEMBLOCK_KHO is set; the memblock simulator in
 * tools/testing/memblock builds it the same way.
 *
 * It provides:
 *  - kernel-reserved accounting: memory that the kernel itself reserves
 *    during early boot carries MEMBLOCK_RSRV_KERN, and
 *    memblock_reserved_kern_size() sums it below a limit and per node; KHO
 *    sizes its scratch regions from it;
 *  - the MEMBLOCK_KHO_SCRATCH flag on memory regions and a scratch-only
 *    mode in which every memblock allocation comes from scratch;
 *  - memblock_reserve_sorted(): reserve a large, address-ordered set of
 *    ranges in time linear in their number;
 *  - the spans of preserved folios (%MEMBLOCK_KHO_PRESERVED): a later
 *    memblock_reserve() takes its part out of them, and once deferred
 *    struct page init is done memblock_kho_init_pages() initializes their
 *    struct pages and memblock_kho_free_hole() gives their holes to the
 *    page allocator.
 *
 * All of it runs during early boot, or for the spans' holes in
 * page_alloc_init_late() before memblock is discarded: single-threaded,
 * like the rest of memblock; no locking.
 */

#include <linux/log2.h>

/*
 * Read by should_skip_region(), which is not __init, so not init data;
 * written only during early boot.
 */
static bool memblock_kho_scratch_only;

/**
 * memblock_reserve_kern - reserve memory for the kernel's own use
 * @base: physical base address of the region
 * @size: size of the region
 *
 * Like memblock_reserve(), and marks the region %MEMBLOCK_RSRV_KERN so that
 * memblock_reserved_kern_size() counts it.
 *
 * Return: 0 on success, -errno on failure.
 */
int __init_memblock memblock_reserve_kern(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.reserved, base, size, MAX_NUMNODES,
				  MEMBLOCK_RSRV_KERN);
}

/*
 * Node of the memory at @addr, walking memblock.memory forward from *@idx.
 * Callers ask in ascending address order, so the whole walk is linear.
 */
static int __init_memblock memblock_kho_node_at(phys_addr_t addr, int *idx)
{
	struct memblock_type *mem = &memblock.memory;

	while (*idx < mem->cnt &&
	       mem->regions[*idx].base + mem->regions[*idx].size <= addr)
		(*idx)++;
	if (*idx < mem->cnt && mem->regions[*idx].base <= addr)
		return memblock_get_region_node(&mem->regions[*idx]);
	return NUMA_NO_NODE;
}

/**
 * memblock_reserved_kern_size - memory the kernel reserved for itself
 * @limit: count only memory below this physical address
 * @nid: count only memory on this node, or %NUMA_NO_NODE for all nodes
 *
 * Sums the %MEMBLOCK_RSRV_KERN reserved regions (everything allocated
 * through memblock, and what the architecture reserves with
 * memblock_reserve_kern()).  The node of a region is that of the memory it
 * lies in; a region that spans memory regions is split between them.
 *
 * Return: the number of bytes.
 */
phys_addr_t __init_memblock memblock_reserved_kern_size(phys_addr_t limit,
							int nid)
{
	struct memblock_type *mem = &memblock.memory;
	struct memblock_region *r;
	phys_addr_t total = 0;
	int idx = 0;

	for_each_reserved_mem_region(r) {
		phys_addr_t start = r->base;
		phys_addr_t end = min(r->base + r->size, limit);

		if (!(r->flags & MEMBLOCK_RSRV_KERN))
			continue;
		while (start < end) {
			int rnid = memblock_kho_node_at(start, &idx);
			phys_addr_t stop = end;

			if (idx < mem->cnt) {
				struct memblock_region *m = &mem->regions[idx];

				if (m->base > start)
					stop = min(end, m->base);
				else
					stop = min(end, m->base + m->size);
			}
			if (!numa_valid_node(nid) || rnid == nid)
				total += stop - start;
			start = stop;
		}
	}
	return total;
}

/**
 * memblock_mark_kho_scratch - mark memory as KHO scratch
 * @base: physical base address of the region
 * @size: size of the region
 *
 * Scratch memory is where a kernel booted with a KHO handover allocates
 * from until every preserved range is reserved.
 *
 * Return: 0 on success, -errno on failure.
 */
int __init_memblock memblock_mark_kho_scratch(phys_addr_t base,
					      phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, 1,
				    MEMBLOCK_KHO_SCRATCH);
}

/**
 * memblock_clear_kho_scratch - clear the KHO scratch mark
 * @base: physical base address of the region
 * @size: size of the region
 *
 * Return: 0 on success, -errno on failure.
 */
int __init_memblock memblock_clear_kho_scratch(phys_addr_t base,
					       phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, 0,
				    MEMBLOCK_KHO_SCRATCH);
}

/**
 * memblock_set_kho_scratch_only - allocate only from KHO scratch memory
 *
 * From now on every memblock allocation is served from memory marked with
 * memblock_mark_kho_scratch(), until memblock_clear_kho_scratch_only().
 */
void __init_memblock memblock_set_kho_scratch_only(void)
{
	memblock_kho_scratch_only = true;
}

/**
 * memblock_clear_kho_scratch_only - allocate from any memory again
 */
void __init_memblock memblock_clear_kho_scratch_only(void)
{
	memblock_kho_scratch_only = false;
}

/**
 * memblock_is_kho_scratch_only - is scratch-only allocation in force
 *
 * Return: true between memblock_set_kho_scratch_only() and
 * memblock_clear_kho_scratch_only().
 */
bool __init_memblock memblock_is_kho_scratch_only(void)
{
	return memblock_kho_scratch_only;
}

/*
 * Set once memblock_reserve_sorted() reserved %MEMBLOCK_KHO_PRESERVED
 * spans: only then need memblock_reserve() look for them.
 */
static bool memblock_kho_spans;

/*
 * Called by memblock_reserve() before it adds [@base, @base + @size): the
 * part of a %MEMBLOCK_KHO_PRESERVED span it overlaps (a hole, unless the
 * caller is wrong) becomes a plain reservation, whose pages are marked
 * reserved and never handed out as a hole.
 */
static void __init_memblock memblock_kho_reserved(phys_addr_t base,
						  phys_addr_t size)
{
	struct memblock_type *rsv = &memblock.reserved;
	phys_addr_t end = base + size;
	unsigned long i;

	if (!memblock_kho_spans || !size)
		return;
	for (i = memblock_first_above(rsv, base);
	     i < rsv->cnt && rsv->regions[i].base < end; i++) {
		if (rsv->regions[i].flags & MEMBLOCK_KHO_PRESERVED) {
			memblock_setclr_flag(rsv, base, size, 0,
					     MEMBLOCK_KHO_PRESERVED);
			return;
		}
	}
}

/* Set only around reserve_mem allocations; see reserve_mem_kho_alloc(). */
static bool memblock_kho_avoid_scratch;

/* Called by should_skip_region() for memory regions. */
static bool memblock_kho_skip(struct memblock_region *m)
{
	bool scratch = m->flags & MEMBLOCK_KHO_SCRATCH;

	return (memblock_kho_scratch_only && !scratch) ||
	       (memblock_kho_avoid_scratch && scratch);
}

/*
 * Append [base, base + size) with @flags and @nid to the region array @out
 * holding *@cnt entries, merging it into the last entry when they touch and
 * are compatible.
 */
static void __init_memblock memblock_kho_emit(struct memblock_region *out,
					      unsigned long *cnt,
					      phys_addr_t base,
					      phys_addr_t size,
					      enum memblock_flags flags,
					      int nid)
{
	struct memblock_region *last = *cnt ? &out[*cnt - 1] : NULL;
	struct memblock_region r = { .base = base, .size = size, .flags = flags };

	/* Without NUMA the node reads back as 0 whatever was set: compare
	 * nodes as memblock stores them.
	 */
	memblock_set_region_node(&r, nid);
	if (last && last->base + last->size == base && last->flags == flags &&
	    memblock_get_region_node(last) == memblock_get_region_node(&r)) {
		last->size += size;
		return;
	}
	out[(*cnt)++] = r;
}

/**
 * memblock_reserve_sorted - reserve many address-ordered ranges at once
 * @next: returns the next range in *@base and *@size, the flags of its
 *	reservation in *@flags (%MEMBLOCK_NONE or %MEMBLOCK_KHO_PRESERVED) and
 *	true, or false at the end; ranges must come in ascending address
 *	order, without overlapping each other
 * @ctx: passed to @next
 * @nr: upper bound on the number of ranges @next returns
 *
 * memblock_reserve() keeps memblock.reserved sorted by inserting into an
 * array, which costs O(n) per call and O(n^2) for n calls.  This function
 * instead merges the existing reservations and the new ranges in one pass
 * into a new array sized for both, coalescing neighbours, so reserving n
 * ranges costs O(n + existing).  Parts of a range that are already reserved
 * keep their existing region.
 *
 * The new array is allocated with memblock and reserved among the existing
 * regions before the merge, so that it never has to be inserted into the
 * big array afterwards.  The caller makes sure that it cannot land on one
 * of the ranges (for KHO: scratch-only mode is in force, and the ranges are
 * outside scratch); this is checked, and nothing changes if it happened.
 * The array leaves room for %INIT_MEMBLOCK_REGIONS more regions, so the
 * reservations of the rest of the boot do not double it at once.
 *
 * Return: 0 on success; -EINVAL if the ranges are not sorted, overlap, have
 * other flags or are more than @nr; -ENOMEM if no memory was found for the
 * array; -EBUSY if the array would overlap one of the ranges or the slab
 * allocator is already up.  memblock.reserved is unchanged on failure.
 */
int __init_memblock memblock_reserve_sorted(bool (*next)(void *ctx,
							 phys_addr_t *base,
							 phys_addr_t *size,
							 enum memblock_flags *flags),
					    void *ctx, unsigned long nr)
{
	enum memblock_flags nf = MEMBLOCK_NONE;
	struct memblock_type *rsv = &memblock.reserved;
	struct memblock_region *old, *new;
	unsigned long i = 0, cnt = 0, seen = 0, max, old_max;
	phys_addr_t nb = 0, ne = 0, prev_end = 0, covered = 0, addr, alloc;
	bool have = false, done = false, spans = false;
	int err;

	if (slab_is_available())
		return -EBUSY;

	/*
	 * Each existing region can split at most one new range in two, so
	 * the result has at most 2 * cnt + nr entries; cnt grows by up to two
	 * when the array is reserved (its region, and one for a doubled
	 * array of existing regions).
	 */
	max = max_t(unsigned long, rsv->max,
		    2 * (rsv->cnt + 2) + nr + INIT_MEMBLOCK_REGIONS);
	alloc = PAGE_ALIGN(max * sizeof(*new));
	addr = memblock_find_in_range(0, memblock.current_limit, alloc,
				      PAGE_SIZE);
	if (!addr || memblock_reserve(addr, alloc))
		return -ENOMEM;
	old = rsv->regions;
	old_max = rsv->max;
	new = __va(addr);

	for (;;) {
		if (!have && !done) {
			phys_addr_t size;

			done = !next(ctx, &nb, &size, &nf);
			if (!done) {
				err = -EINVAL;
				if (++seen > nr || !size || nb < prev_end ||
				    nb + size < nb ||
				    (nf & ~MEMBLOCK_KHO_PRESERVED))
					goto undo;
				ne = nb + size;
				spans |= nf & MEMBLOCK_KHO_PRESERVED;
				/* The array must not sit on what it describes. */
				err = -EBUSY;
				if (nb < addr + alloc && addr < ne)
					goto undo;
				prev_end = ne;
				have = true;
			}
		}
		/*
		 * What an existing region already emitted covers stays in
		 * that region: clip the new range, however many new ranges
		 * the region holds.
		 */
		if (have && nb < covered) {
			nb = min(covered, ne);
			if (nb == ne) {
				have = false;
				continue;
			}
		}
		if (i >= rsv->cnt && !have)
			break;
		if (i < rsv->cnt && (!have || old[i].base <= nb)) {
			/* An existing region comes first: keep it as it is. */
			struct memblock_region *r = &old[i++];

			covered = max(covered, r->base + r->size);
			memblock_kho_emit(new, &cnt, r->base, r->size, r->flags,
					  memblock_get_region_node(r));
			continue;
		}
		if (i < rsv->cnt && old[i].base < ne) {
			/* The new range runs into an existing region. */
			memblock_kho_emit(new, &cnt, nb, old[i].base - nb,
					  nf, MAX_NUMNODES);
			nb = old[i].base;
			continue;
		}
		memblock_kho_emit(new, &cnt, nb, ne - nb, nf, MAX_NUMNODES);
		have = false;
	}

	rsv->regions = new;
	rsv->max = max;
	rsv->cnt = cnt;
	memblock_kho_spans |= spans;
	rsv->total_size = 0;
	for (i = 0; i < cnt; i++)
		rsv->total_size += new[i].size;

	/* Like memblock_double_array(): the static array is never freed. */
	if (old != memblock_reserved_init_regions)
		memblock_free(old, PAGE_ALIGN(old_max * sizeof(*old)));
	return 0;

undo:
	memblock_phys_free(addr, alloc);
	return err;
}

#ifdef CONFIG_KEXEC_HANDOVER
/**
 * memblock_kho_init_pages - initialize the struct pages of a span
 * @start: start of a piece of RAM in a %MEMBLOCK_KHO_PRESERVED region
 * @end: its end
 * @nid: its node
 *
 * Called for each piece of every span once deferred struct page init is
 * done, before memblock is discarded: initializes the struct pages that
 * deferred init left alone, of the folios and the holes alike.
 */
void __init memblock_kho_init_pages(phys_addr_t start, phys_addr_t end,
				    int nid)
{
	init_kho_pages(start, end, nid, false);
}

/**
 * memblock_kho_free_hole - give a hole of a span to the page allocator
 * @start: start of memory between preserved folios in a span
 * @end: its end
 *
 * As memblock_free_all() does with free memory, once the hole's struct
 * pages are initialized (memblock_kho_init_pages()).
 *
 * Return: the number of pages given to the page allocator.
 */
unsigned long __init memblock_kho_free_hole(phys_addr_t start,
					    phys_addr_t end)
{
	unsigned long spfn = PFN_UP(start), epfn = PFN_DOWN(end);

	if (spfn >= epfn)
		return 0;
	__free_pages_memory(spfn, epfn);
	totalram_pages_add(epfn - spfn);
	return epfn - spfn;
}
#endif

/*
 * reserve_mem=SIZE:ALIGN:NAME across kexec.
 *
 * A kernel with KHO preserves every page-aligned reserve_mem region at
 * boot, under the client "memblock", and describes them at finalize in the
 * "memblock" sub-FDT: one node per region with its name, start, size and
 * alignment.  The next kernel, asked for a region of the same name, size
 * and alignment, gets the preserved one back at the same address with its
 * contents; a region whose size or alignment changed is allocated afresh.
 */

/* Alignment of each reserve_mem region, by index in reserved_mem_table. */
static phys_addr_t reserve_mem_align[RESERVE_MEM_MAX_ENTRIES];

#ifdef CONFIG_KEXEC_HANDOVER

#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/notifier.h>

/* Regions that came back from the previous kernel; set while parsing. */
static bool reserve_mem_kho_revived[RESERVE_MEM_MAX_ENTRIES] __initdata;

/* Compatible string of the "memblock" sub-FDT. */
#define RESERVE_MEM_KHO_COMPATIBLE	"kho-linux-6.12,memblock-v1"
#define RESERVE_MEM_KHO_CLIENT		"memblock"

/* Read the u64 property @prop of @node into *@val; false if malformed. */
static bool __init reserve_mem_kho_u64(const void *fdt, int node,
				       const char *prop, phys_addr_t *val)
{
	const fdt64_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p || len != sizeof(*p))
		return false;
	*val = fdt64_to_cpu(*p);
	return true;
}

/* Does [@start, @start + @size) overlap a reserve_mem region set up so far? */
static bool __init reserve_mem_kho_overlaps(phys_addr_t start,
					    phys_addr_t size)
{
	int i;

	for (i = 0; i < reserved_mem_count; i++) {
		struct reserve_mem_table *map = &reserved_mem_table[i];

		if (start < map->start + map->size && map->start < start + size)
			return true;
	}
	return false;
}

/* Look up @name in the "memblock" sub-FDT of an incoming handover. */
static bool __init reserve_mem_kho_revive(const char *name, phys_addr_t size,
					  phys_addr_t align, phys_addr_t *start)
{
	phys_addr_t phys, old_size, old_align;
	const void *fdt;
	int node, len;

	if (kho_retrieve_subtree(RESERVE_MEM_KHO_CLIENT, &phys))
		return false;
	fdt = phys_to_virt(phys);
	if (fdt_node_check_compatible(fdt, 0, RESERVE_MEM_KHO_COMPATIBLE)) {
		pr_warn("reserve_mem: KHO memblock sub-FDT is not %s; %s allocated afresh\n",
			RESERVE_MEM_KHO_COMPATIBLE, name);
		return false;
	}
	fdt_for_each_subnode(node, fdt, 0) {
		const char *n = fdt_getprop(fdt, node, "label", &len);

		if (!n || len < 1 || n[len - 1] || strcmp(n, name))
			continue;
		if (!reserve_mem_kho_u64(fdt, node, "start", start) ||
		    !reserve_mem_kho_u64(fdt, node, "size", &old_size) ||
		    !reserve_mem_kho_u64(fdt, node, "align", &old_align)) {
			pr_warn("reserve_mem: %s: malformed KHO record; allocated afresh\n",
				name);
			return false;
		}
		if (old_size != size || old_align != align) {
			pr_warn("reserve_mem: %s: size/align changed from %pa/%pa to %pa/%pa; allocated afresh, the old region stays reserved\n",
				name, &old_size, &old_align, &size, &align);
			return false;
		}
		/*
		 * Only what this client preserved, wholly; KHO checked that it
		 * overlaps nothing this kernel reserved before (its image,
		 * initrd), and it must not overlap another region either.
		 */
		if (!kho_in_preserved_by(RESERVE_MEM_KHO_CLIENT, *start,
					 PAGE_ALIGN(size))) {
			pr_warn("reserve_mem: %s: KHO record at %pa is not memory the %s client preserved; allocated afresh\n",
				name, start, RESERVE_MEM_KHO_CLIENT);
			return false;
		}
		if (reserve_mem_kho_overlaps(*start, size)) {
			pr_warn("reserve_mem: %s: KHO record at %pa overlaps another reserve_mem region; allocated afresh\n",
				name, start);
			return false;
		}
		/* KHO reserved it early; it must still be reserved, in RAM. */
		if (!memblock_is_region_memory(*start, size) ||
		    !memblock_is_region_reserved(*start, size)) {
			pr_warn("reserve_mem: %s: KHO record at %pa is not reserved memory; allocated afresh\n",
				name, start);
			return false;
		}
		pr_info("reserve_mem: %s restored from the KHO handover at %pa, %pa bytes\n",
			name, start, &size);
		if (reserved_mem_count < RESERVE_MEM_MAX_ENTRIES)
			reserve_mem_kho_revived[reserved_mem_count] = true;
		return true;
	}
	return false;
}

/*
 * The regions are preserved once, at boot, and stay preserved across
 * finalize and abort; FINALIZE only writes the sub-FDT.  Both are set up
 * by reserve_mem_kho_init() and never change after.
 */
static void *reserve_mem_kho_fdt;
static bool reserve_mem_kho_kept[RESERVE_MEM_MAX_ENTRIES];

/* Write the "memblock" sub-FDT into @buf of @size bytes. */
static int reserve_mem_kho_write(void *buf, size_t size)
{
	char node[8];
	int i, err;

	err = fdt_create(buf, size);
	err = err ?: fdt_finish_reservemap(buf);
	err = err ?: fdt_begin_node(buf, "");
	err = err ?: fdt_property_string(buf, "compatible",
					 RESERVE_MEM_KHO_COMPATIBLE);
	for (i = 0; i < reserved_mem_count && !err; i++) {
		struct reserve_mem_table *map = &reserved_mem_table[i];

		if (!reserve_mem_kho_kept[i])
			continue;
		snprintf(node, sizeof(node), "r%d", i);
		err = fdt_begin_node(buf, node);
		err = err ?: fdt_property_string(buf, "label", map->name);
		err = err ?: fdt_property_u64(buf, "start", map->start);
		err = err ?: fdt_property_u64(buf, "size", map->size);
		err = err ?: fdt_property_u64(buf, "align",
					      reserve_mem_align[i]);
		err = err ?: fdt_end_node(buf);
	}
	err = err ?: fdt_end_node(buf);
	return err ?: fdt_finish(buf);
}

static int reserve_mem_kho_notifier(struct notifier_block *nb,
				    unsigned long action, void *data)
{
	int err;

	if (action != KEXEC_KHO_FINALIZE)
		return NOTIFY_DONE;
	err = reserve_mem_kho_write(reserve_mem_kho_fdt, PAGE_SIZE) ? -ENOSPC :
		kho_add_subtree(data, RESERVE_MEM_KHO_CLIENT,
				reserve_mem_kho_fdt);
	return notifier_from_errno(err);
}

static struct notifier_block reserve_mem_kho_nb = {
	.notifier_call = reserve_mem_kho_notifier,
};

/* Preserve every page-aligned region, and a page for the sub-FDT. */
static int __init reserve_mem_kho_init(void)
{
	struct kho_client *c;
	int i, err;

	if (!kho_is_enabled() || !reserved_mem_count)
		return 0;
	c = kho_client_get(RESERVE_MEM_KHO_CLIENT);
	if (IS_ERR(c))
		return PTR_ERR(c);
	for (i = 0; i < reserved_mem_count; i++) {
		struct reserve_mem_table *map = &reserved_mem_table[i];

		if (!map->size)
			continue;
		/* It came back as it is: claimed, so never released. */
		if (reserve_mem_kho_revived[i])
			kho_client_claim_phys(c, map->start,
					      PAGE_ALIGN(map->size));
		err = -EINVAL;
		if (PAGE_ALIGNED(map->start))
			err = kho_client_preserve_phys(c, map->start,
						       PAGE_ALIGN(map->size));
		if (err)
			pr_err("reserve_mem: %s at %pa cannot be preserved for the next kernel (%d)\n",
			       map->name, &map->start, err);
		reserve_mem_kho_kept[i] = !err;
	}
	reserve_mem_kho_fdt = (void *)get_zeroed_page(GFP_KERNEL);
	if (!reserve_mem_kho_fdt)
		return -ENOMEM;
	err = kho_client_preserve_phys(c, virt_to_phys(reserve_mem_kho_fdt),
				       PAGE_SIZE);
	if (err) {
		free_page((unsigned long)reserve_mem_kho_fdt);
		return err;
	}
	return register_kho_notifier(&reserve_mem_kho_nb);
}
late_initcall(reserve_mem_kho_init);

#else /* !CONFIG_KEXEC_HANDOVER */

static bool __init reserve_mem_kho_revive(const char *name, phys_addr_t size,
					  phys_addr_t align, phys_addr_t *start)
{
	return false;
}

#endif /* CONFIG_KEXEC_HANDOVER */

/**
 * reserve_mem_kho_alloc - find memory for a reserve_mem region
 * @name: the region's name
 * @size: its size
 * @align: its alignment
 *
 * Called by the reserve_mem= parser.  A region of the same name, size and
 * alignment preserved by the previous kernel through KHO comes back at its
 * address; otherwise a new region is allocated outside KHO scratch, so that
 * it too can be preserved for the next kernel.
 *
 * Return: the region's physical address, or 0 if no memory was found.
 */
phys_addr_t __init reserve_mem_kho_alloc(const char *name, phys_addr_t size,
					 phys_addr_t align)
{
	phys_addr_t start;

	if (reserved_mem_count < RESERVE_MEM_MAX_ENTRIES)
		reserve_mem_align[reserved_mem_count] = align;
	if (reserve_mem_kho_revive(name, size, align, &start))
		return start;
	memblock_kho_avoid_scratch = true;
	start = memblock_phys_alloc(size, align);
	memblock_kho_avoid_scratch = false;
	return start;
}
