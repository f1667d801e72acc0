// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, outgoing side: tracking of preserved memory.  The record
 * written from it at finalize is in out_record.c.
 *
 * Every client keeps, per folio order, an xarray of bitmap
 * pages with one bit per folio of that order (index pfn >> order), and a
 * sorted array of its physical ranges.  A scattered order-0 page costs one
 * bit, a folio of any order one bit, a range one array entry.
 *
 * Overlaps across clients and kinds are found through one used map of
 * everything preserved, at two levels (kho_internal.h): a bit per page for
 * folios below KHO_GROUP_ORDER, a "whole" bit per group of BITS_PER_LONG
 * pages for larger folios and for the groups a range covers entirely, and
 * per group a "parts" bit: the page map may hold some of its pages.  A
 * folio's pages lie in one word of one of the maps, so a preserve takes
 * them with one compare-and-exchange that refuses to take anything held;
 * a small folio then sets (or finds) its group's "parts" bit and reads
 * its "whole" bit, a large one reads the page map of the groups whose
 * "parts" bit was set.  Of two overlapping preserves racing, each
 * publishes before it reads with fully ordered atomics, so at least one
 * sees the other.  One that sees anything looks again under kho_mem_lock
 * and gives its pages up there if it still does, so exactly one of the two
 * succeeds; the other gets -EEXIST.  In the common case a preserve is its
 * bitmap bit and one or two atomics on the used map.
 *
 * "Parts" bits are only ever set: a group whose small folios are all gone
 * only sends a large preserve there to read the page map.  Everything
 * else is given back when it is unpreserved.  The used map lives for
 * good, as the scratch regions do.
 *
 * Locking: the bitmaps and the used map change with atomic operations
 * only; kho_mem_lock protects the client list and every client's range
 * array, and ranges take and give back used map bits under it.  The
 * caller (out_preserve.c) keeps preserve calls and finalize apart.
 * The file builds in userspace too, for the simulator in tools/testing/kho.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kho.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "kho_internal.h"

/* The page map: index pfn / KHO_PAGE_MAP_PAGES, value a page. */
static DEFINE_XARRAY(kho_used_pages);

/* The group map: index pfn / KHO_GROUP_MAP_PAGES, value a page. */
static DEFINE_XARRAY(kho_used_groups);

DEFINE_PER_CPU(struct kho_track_hint [NR_PAGE_ORDERS], kho_track_hints);
/* Moves on whenever a client's chunks are freed; kho_mem_lock. */
unsigned long kho_track_gen;

/* The page @idx of @xa; allocated if @alloc and missing. */
static void *kho_chunk(struct xarray *xa, unsigned long idx, bool alloc)
{
	void *chunk = xa_load(xa, idx), *new, *old;

	if (chunk || !alloc)
		return chunk;
	new = (void *)get_zeroed_page(GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	old = xa_cmpxchg(xa, idx, NULL, new, GFP_KERNEL);
	if (old) {
		/* Lost the race, or no memory for the xarray node. */
		free_page((unsigned long)new);
		return xa_is_err(old) ? ERR_PTR(xa_err(old)) : old;
	}
	return new;
}

static bool kho_overlaps(phys_addr_t a, phys_addr_t as, phys_addr_t b,
			 phys_addr_t bs)
{
	return a < b + bs && b < a + as;
}

/**
 * kho_overlaps_scratch() - does a range overlap this kernel's scratch?
 * @addr: physical address
 * @size: bytes
 *
 * Scratch is what the next kernel boots from: nothing in it can be
 * preserved.  It is set before any preserve call and does not change.
 *
 * Return: true if it does.
 */
bool kho_overlaps_scratch(phys_addr_t addr, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		if (kho_overlaps(addr, size, kho_scratch[i].addr,
				 kho_scratch[i].size))
			return true;
	}
	return false;
}

/*
 * The part of a hint's window [@lo, @lo + @span) around the folio at @pfn
 * of @order (which overlaps no scratch) that no scratch region touches:
 * the folios of @order that may start at *@free_lo and the *@free_n - 1
 * pfns after it lie in it.  Scratch regions usually lie at the top of a
 * node, in the window of its last preserved folios, which then need no
 * scratch check of their own.
 */
static void kho_track_free_part(unsigned long pfn, unsigned int order,
				unsigned long lo, unsigned long span,
				unsigned long *free_lo, unsigned long *free_n)
{
	unsigned long a = lo, b = lo + span, n = 1UL << order;
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		phys_addr_t addr = kho_scratch[i].addr;
		unsigned long s = PHYS_PFN(addr);
		unsigned long e = PFN_UP(addr + kho_scratch[i].size);

		if (e <= pfn)
			a = max(a, e);
		else if (s >= pfn + n)
			b = min(b, s);
	}
	a = ALIGN(a, n);
	b = ALIGN_DOWN(b, n);
	*free_lo = a;
	/* a <= pfn and pfn + n <= b: the folio at @pfn itself fits. */
	*free_n = b - a - n + 1;
}

/*
 * The used map pages of @pfn, the group map's allocated if @alloc_groups
 * and missing, the page map's if @alloc_pages (or NULL); 0 or -ENOMEM.
 */
static int kho_used_maps(unsigned long pfn, bool alloc_groups,
			 bool alloc_pages, unsigned long **pages,
			 unsigned long **groups)
{
	*pages = kho_chunk(&kho_used_pages, pfn / KHO_PAGE_MAP_PAGES,
			   alloc_pages);
	if (IS_ERR(*pages))
		return PTR_ERR(*pages);
	*groups = kho_chunk(&kho_used_groups, pfn / KHO_GROUP_MAP_PAGES,
			    alloc_groups);
	return PTR_ERR_OR_ZERO(*groups);
}

/*
 * The bitmap page of @c's folios of @order and the used map pages that
 * cover @pfn, allocated if missing; then kept in this CPU's hint of
 * @order, with the part of the window of pages they all cover that
 * scratch leaves free.  The folio at @pfn overlaps no scratch.
 */
static int kho_track_chunks(struct kho_client *c, unsigned int order,
			    unsigned long pfn, unsigned long **chunk,
			    unsigned long **pages, unsigned long **groups)
{
	unsigned long gen = READ_ONCE(kho_track_gen);
	unsigned long idx = (pfn >> order) / KHO_CHUNK_BITS;
	unsigned long span = kho_track_window(order);
	unsigned long lo = pfn & ~(span - 1), free_lo, free_n;
	struct kho_track_hint *h;
	int err;

	*chunk = kho_chunk(&c->folios[order], idx, true);
	if (IS_ERR(*chunk))
		return PTR_ERR(*chunk);
	/* Large folios use the group map only. */
	err = kho_used_maps(pfn, true, order < KHO_GROUP_ORDER, pages, groups);
	if (err)
		return err;
	if (order >= KHO_GROUP_ORDER)
		*pages = NULL;
	kho_track_free_part(pfn, order, lo, span, &free_lo, &free_n);
	h = get_cpu_ptr(&kho_track_hints[order]);
	h->gen = gen;
	h->c = c;
	h->free_lo = free_lo;
	h->free_n = free_n;
	h->chunk = *chunk;
	h->pages = *pages;
	h->groups = *groups;
	h->mask = kho_used_mask(order);
	put_cpu_ptr(&kho_track_hints[order]);
	return 0;
}

/*
 * Does the page map hold pages of the groups of [@pfn, @pfn + @n), whole
 * groups in one word of the group map?  Only those whose "parts" bit is
 * set can have any.
 */
static bool kho_used_parts_busy(unsigned long pfn, unsigned long n)
{
	unsigned long groups = n >> KHO_GROUP_ORDER, parts;
	unsigned long *pages, *g;

	if (kho_used_maps(pfn, false, false, &pages, &g) || !g)
		return false;
	parts = READ_ONCE(*kho_group_word(g, pfn)) >>
		(kho_group_bit(pfn) + KHO_GROUPS_PER_WORD);
	parts &= GENMASK(groups - 1, 0);
	if (!parts || !pages)
		return false;
	pages += pfn % KHO_PAGE_MAP_PAGES / BITS_PER_LONG;
	for (; parts; parts &= parts - 1)
		if (READ_ONCE(pages[__ffs(parts)]))
			return true;
	return false;
}

/* Is the group of @pfn held whole? */
static bool kho_used_whole(unsigned long pfn)
{
	unsigned long *pages, *g;

	if (kho_used_maps(pfn, false, false, &pages, &g) || !g)
		return false;
	return READ_ONCE(*kho_group_word(g, pfn)) & BIT(kho_group_bit(pfn));
}

/*
 * The next step of a walk over [@pfn, @end) of the used map: the whole
 * groups from @pfn in one group map word, or the pages from @pfn in its
 * group.  Return: its end; *@whole says which.
 */
static unsigned long kho_used_step(unsigned long pfn, unsigned long end,
				   bool *whole)
{
	const unsigned long group = BIT(KHO_GROUP_ORDER);
	const unsigned long word = group * KHO_GROUPS_PER_WORD;

	*whole = IS_ALIGNED(pfn, group) && end - pfn >= group;
	if (*whole)
		return min(ALIGN_DOWN(end, group), ALIGN(pfn + 1, word));
	return min(end, ALIGN(pfn + 1, group));
}

/* Clear the bits @mask of *@w, leaving the others as they are. */
static void kho_used_clear_mask(unsigned long *w, unsigned long mask)
{
	unsigned long old = READ_ONCE(*w);

	while (!try_cmpxchg(w, &old, old & ~mask))
		;
}

/* Give [@pfn, @end), taken whole where it covers groups whole, back. */
static void kho_used_put(unsigned long pfn, unsigned long end)
{
	unsigned long *pages, *groups;
	unsigned long next;
	bool whole;
	int err;

	for (; pfn < end; pfn = next) {
		next = kho_used_step(pfn, end, &whole);
		/* Taken, so there. */
		err = kho_used_maps(pfn, false, false, &pages, &groups);
		if (WARN_ON_ONCE(err || !groups || (!whole && !pages)))
			return;
		if (whole)
			kho_used_clear_mask(kho_group_word(groups, pfn),
					    (BIT((next - pfn) >> KHO_GROUP_ORDER) -
					     1) << kho_group_bit(pfn));
		else
			kho_used_clear_mask(pages + pfn % KHO_PAGE_MAP_PAGES /
					    BITS_PER_LONG,
					    (BIT(next - pfn) - 1) <<
					    pfn % BITS_PER_LONG);
	}
}

/*
 * Take [@pfn, @end) of a range in the used map: the groups it covers
 * whole as such, the pages of the others.  Everything it took is given
 * back if anything is held.
 *
 * Context: kho_mem_lock held, so a folio preserve that sees our bits
 * settles after we are done.
 * Return: 0, -EEXIST or -ENOMEM.
 */
static int kho_used_take_range(unsigned long pfn, unsigned long end)
{
	unsigned long *pages, *groups;
	unsigned long at, next;
	enum kho_used_seen seen;
	bool whole;
	int err = 0;

	for (at = pfn; at < end; at = next) {
		next = kho_used_step(at, end, &whole);
		err = kho_used_maps(at, true, !whole, &pages, &groups);
		if (err)
			break;
		if (whole)
			seen = kho_used_take_groups(groups, at,
						    BIT((next - at) >>
							KHO_GROUP_ORDER) - 1);
		else
			seen = kho_used_take_pages(pages, groups, at,
						   BIT(next - at) - 1);
		err = -EEXIST;
		if (seen == KHO_USED_TAKEN)
			break;
		/* Taken, but held by the other map: give this step back too. */
		if (seen == KHO_USED_WHOLE ||
		    (seen == KHO_USED_PARTS &&
		     kho_used_parts_busy(at, next - at))) {
			at = next;
			break;
		}
		err = 0;
	}
	if (err)
		kho_used_put(pfn, at);
	return err;
}

/**
 * kho_track_add_folio() - track a folio preserved by a client
 * @c: the client
 * @pfn: first page frame number, aligned to 1 << @order
 * @order: folio order, at most MAX_PAGE_ORDER
 *
 * kho_track_add_folio_hinted() does the same when this CPU's hint covers
 * the folio; this looks the chunks up and makes them the hint.
 *
 * Context: may sleep; callers keep it apart from finalize, and from an
 * unpreserve of the same folio by @c.
 * Return: 0; -EINVAL if it overlaps scratch; -EEXIST if it overlaps
 * anything preserved (by @c or another client, as a folio of any order or
 * a range); -ENOMEM.
 */
int kho_track_add_folio(struct kho_client *c, unsigned long pfn,
			unsigned int order)
{
	unsigned long *pages, *groups;
	unsigned long *chunk;
	int err;

	/* A large folio's groups lie in one word of the group map. */
	BUILD_BUG_ON(BIT(MAX_PAGE_ORDER - KHO_GROUP_ORDER) >
		     KHO_GROUPS_PER_WORD);
	if (kho_overlaps_scratch(PFN_PHYS(pfn), PAGE_SIZE << order))
		return -EINVAL;
	err = kho_track_chunks(c, order, pfn, &chunk, &pages, &groups);
	if (err)
		return err;
	return kho_track_claim_folio(pfn, order, chunk, pages, groups,
				     kho_used_mask(order));
}

/**
 * kho_track_settle_folio() - finish a claim whose pages others may hold
 * @pfn: first page frame number of the folio
 * @order: its order
 * @chunk: the bitmap page where its bit, claimed, is
 * @seen: what taking its pages in the used map found, not %KHO_USED_FREE
 *
 * Gives the claim up if the pages were held (%KHO_USED_TAKEN: nothing
 * taken); otherwise looks at the other map, and keeps or gives up the
 * folio's pages and its claim.
 *
 * Return: 0, or -EEXIST with the claim given up.
 */
int kho_track_settle_folio(unsigned long pfn, unsigned int order,
			   unsigned long *chunk, enum kho_used_seen seen)
{
	unsigned long n = 1UL << order;
	bool busy;
	int err = 0;

	if (seen == KHO_USED_TAKEN) {
		clear_bit((pfn >> order) % KHO_CHUNK_BITS, chunk);
		return -EEXIST;
	}
	/*
	 * A "parts" bit may be left over from small folios unpreserved
	 * since: read their pages (after our bits are set, fully ordered).
	 */
	if (seen == KHO_USED_PARTS && !kho_used_parts_busy(pfn, n))
		return 0;
	/*
	 * Two overlapping preserves racing may each see the other.  Settle
	 * it under kho_mem_lock (which range preserves hold throughout):
	 * the first to get there looks again and, if it still sees the
	 * other, gives up its pages and claim before the other looks, so
	 * exactly one of them succeeds.
	 */
	mutex_lock(&kho_mem_lock);
	busy = order < KHO_GROUP_ORDER ? kho_used_whole(pfn) :
					 kho_used_parts_busy(pfn, n);
	if (busy) {
		kho_used_put(pfn, pfn + n);
		clear_bit((pfn >> order) % KHO_CHUNK_BITS, chunk);
		err = -EEXIST;
	}
	mutex_unlock(&kho_mem_lock);
	return err;
}

/**
 * kho_track_del_folio() - undo kho_track_add_folio()
 * @c: the client
 * @pfn: first page frame number
 * @order: folio order
 *
 * Context: not while @c preserves the same folio.
 * Return: 0, or -ENOENT if @c does not hold such a folio.
 */
int kho_track_del_folio(struct kho_client *c, unsigned long pfn,
			unsigned int order)
{
	unsigned long idx = pfn >> order;
	unsigned long *chunk = kho_chunk(&c->folios[order],
					 idx / KHO_CHUNK_BITS, false);

	if (!chunk || !test_and_clear_bit(idx % KHO_CHUNK_BITS, chunk))
		return -ENOENT;
	/* The claim was ours, so are its pages. */
	kho_used_put(pfn, pfn + (1UL << order));
	return 0;
}

/**
 * kho_range_find() - where a range would go in a client's range array
 * @c: the client
 * @addr: a physical address
 *
 * Context: kho_mem_lock held.
 * Return: the index of the first range of @c that ends after @addr.
 */
unsigned int kho_range_find(const struct kho_client *c, phys_addr_t addr)
{
	unsigned int lo = 0, hi = c->nr_ranges;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (c->ranges[mid].addr + c->ranges[mid].size <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void kho_range_remove(struct kho_client *c, unsigned int i)
{
	memmove(&c->ranges[i], &c->ranges[i + 1],
		(c->nr_ranges - i - 1) * sizeof(c->ranges[0]));
	c->nr_ranges--;
}

/**
 * kho_track_add_range() - track a physical range preserved by a client
 * @c: the client
 * @phys: page-aligned address
 * @size: page-aligned size, at most U32_MAX pages
 *
 * Context: may sleep; takes kho_mem_lock.
 * Return: 0; -EEXIST if it overlaps anything preserved; -ENOMEM.
 */
int kho_track_add_range(struct kho_client *c, phys_addr_t phys,
			phys_addr_t size)
{
	unsigned long pfn = PHYS_PFN(phys), n = size >> PAGE_SHIFT;
	unsigned int i;
	int err = 0;

	mutex_lock(&kho_mem_lock);
	if (c->nr_ranges == c->cap) {
		unsigned int cap = max(2 * c->cap, 16U);
		struct kho_range *r;

		r = kvrealloc(c->ranges, array_size(cap, sizeof(*r)),
			      GFP_KERNEL);
		if (!r) {
			err = -ENOMEM;
			goto out;
		}
		c->ranges = r;
		c->cap = cap;
	}
	err = kho_used_take_range(pfn, pfn + n);
	if (err)
		goto out;
	i = kho_range_find(c, phys);
	memmove(&c->ranges[i + 1], &c->ranges[i],
		(c->nr_ranges - i) * sizeof(c->ranges[0]));
	c->ranges[i].addr = phys;
	c->ranges[i].size = size;
	c->nr_ranges++;
out:
	mutex_unlock(&kho_mem_lock);
	return err;
}

/**
 * kho_track_del_range() - undo kho_track_add_range()
 * @c: the client
 * @phys: the address it was added with
 * @size: the size it was added with
 *
 * Return: 0, or -ENOENT if @c has no such range.
 */
int kho_track_del_range(struct kho_client *c, phys_addr_t phys,
			phys_addr_t size)
{
	unsigned int i;
	int err = 0;

	mutex_lock(&kho_mem_lock);
	i = kho_range_find(c, phys);
	if (i == c->nr_ranges || c->ranges[i].addr != phys ||
	    c->ranges[i].size != size) {
		err = -ENOENT;
	} else {
		kho_range_remove(c, i);
		kho_used_put(PHYS_PFN(phys), PHYS_PFN(phys + size));
	}
	mutex_unlock(&kho_mem_lock);
	return err;
}

/**
 * kho_track_has() - is memory inside one preservation of a client?
 * @c: the client
 * @phys: start of the memory
 * @size: its size
 *
 * Context: kho_mem_lock held.
 * Return: true if [@phys, @phys + @size) lies in one folio or range of @c.
 */
bool kho_track_has(struct kho_client *c, phys_addr_t phys, phys_addr_t size)
{
	unsigned long pfn = PHYS_PFN(phys);
	unsigned int i, k;

	i = kho_range_find(c, phys);
	if (i < c->nr_ranges && c->ranges[i].addr <= phys &&
	    phys + size <= c->ranges[i].addr + c->ranges[i].size)
		return true;
	for (k = 0; k < NR_PAGE_ORDERS; k++) {
		unsigned long idx = pfn >> k;
		unsigned long *chunk = kho_chunk(&c->folios[k],
						 idx / KHO_CHUNK_BITS, false);

		if (chunk && test_bit(idx % KHO_CHUNK_BITS, chunk))
			return phys + size <= PFN_PHYS((idx + 1) << k);
	}
	return false;
}

/**
 * kho_track_usage() - how much a client preserved
 * @c: the client
 * @bytes: set to the total size
 *
 * Counts bits, so it costs a walk of the client's bitmaps.  Folio
 * preserves may run meanwhile: the count is then a snapshot.
 *
 * Context: kho_mem_lock held.
 * Return: the number of folios and ranges.
 */
unsigned long kho_track_usage(struct kho_client *c, u64 *bytes)
{
	unsigned long n = c->nr_ranges, idx, w;
	unsigned long *chunk;
	unsigned int k, i;

	*bytes = 0;
	for (i = 0; i < c->nr_ranges; i++)
		*bytes += c->ranges[i].size;
	for (k = 0; k < NR_PAGE_ORDERS; k++) {
		xa_for_each(&c->folios[k], idx, chunk) {
			/* Preserve calls may set bits meanwhile (out/preserved). */
			for (w = 0, i = 0; i < KHO_CHUNK_WORDS; i++)
				w += hweight_long(READ_ONCE(chunk[i]));
			n += w;
			*bytes += (u64)w << (PAGE_SHIFT + k);
		}
	}
	return n;
}

/**
 * kho_track_free() - free a client's tracking
 * @c: a client that preserves nothing, unreachable by lock-free readers
 *
 * Frees the bitmap pages (all clear) and the range array.
 */
void kho_track_free(struct kho_client *c)
{
	unsigned long idx;
	unsigned int k;
	void *chunk;

	/* Every CPU's hint may name these chunks: make them all stale. */
	mutex_lock(&kho_mem_lock);
	WRITE_ONCE(kho_track_gen, kho_track_gen + 1);
	mutex_unlock(&kho_mem_lock);
	for (k = 0; k < NR_PAGE_ORDERS; k++) {
		xa_for_each(&c->folios[k], idx, chunk)
			free_page((unsigned long)chunk);
		xa_destroy(&c->folios[k]);
	}
	kvfree(c->ranges);
	c->ranges = NULL;
	c->nr_ranges = 0;
	c->cap = 0;
}
