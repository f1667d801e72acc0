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
 * Overlaps across clients and kinds are found through a summary per block
 * of 2^KHO_BLOCK_ORDER pages (the largest folio, so a folio never straddles
 * two blocks): which kinds (orders, ranges) and which clients have
 * anything there.  Summary bits are only ever set.  A preserve publishes
 * its own bit and the block's summary bits, then (after a full barrier)
 * looks at what else the block's summary announces; of two overlapping
 * preserves racing, at least one sees the other.  One that sees anything
 * looks again under kho_mem_lock and drops its claim there if it still
 * does, so exactly one of the two succeeds; the other gets -EEXIST.
 * In the common case (one client, one order per block) the check is the
 * claim of the folio's own bit and nothing else.
 *
 * A block that holds more than that (orders mixed, several clients) gets a
 * used map, a bit per page of every folio preserved there: the first
 * preserve that finds the block mixed builds it from the bitmaps, every
 * later one sets its pages' bits with fully ordered atomics and, if none
 * was set before and the block has no ranges, is done without looking at
 * the other orders' bitmaps.  The map's bits are only ever set, so a page
 * unpreserved since only sends the next preserve there the long way.
 *
 * Locking: the bitmaps and summaries change with atomic bit operations
 * only; kho_mem_lock protects the client list and every client's range
 * array.  The caller (out_preserve.c) keeps preserve calls and finalize apart.
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
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "kho_internal.h"

/* Block summaries: index block / KHO_BLOCKS_PER_CHUNK, value a page. */
static DEFINE_XARRAY(kho_blocks);

/*
 * Used maps of mixed blocks, a bit per page: index pfn / KHO_CHUNK_BITS,
 * value a page (32 blocks).  They live for good, as the summaries do.
 */
static DEFINE_XARRAY(kho_used);

/**
 * struct kho_used_hint - the used map page a CPU looked up last
 * @idx: its index in kho_used
 * @map: the page, or NULL
 */
struct kho_used_hint {
	unsigned long idx;
	atomic_long_t *map;
};

/*
 * One per folio order: the page allocator hands each order out of its own
 * stretches of memory, so a client preserving folios of several orders in
 * turn (a memfd with THP and small pages) keeps coming back to a map page
 * per order.
 */
static DEFINE_PER_CPU(struct kho_used_hint [NR_PAGE_ORDERS], kho_used_hints);

DEFINE_PER_CPU(struct kho_track_hint [NR_PAGE_ORDERS], kho_track_hints);
/* Moves on whenever a client's chunks are freed; kho_mem_lock. */
unsigned long kho_track_gen;

/* Does this CPU's hint @h name chunk @idx of @c, and is it current? */
static bool kho_hint_has(const struct kho_track_hint *h,
			 const struct kho_client *c, unsigned long idx)
{
	return h->gen == READ_ONCE(kho_track_gen) && h->c == c &&
	       h->idx == idx;
}

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

/*
 * Is any bit in [@start, @end) of @chunk set?  A folio's bits in another
 * order's bitmap, the common question, are an aligned power of two: one
 * bit, or bits of one word, or whole words.
 */
static bool kho_chunk_any(const unsigned long *chunk, unsigned long start,
			  unsigned long end)
{
	unsigned long n = end - start, off = start % BITS_PER_LONG;

	if (off + n <= BITS_PER_LONG)
		return READ_ONCE(chunk[start / BITS_PER_LONG]) &
		       (GENMASK(n - 1, 0) << off);
	return find_next_bit(chunk, end, start) < end;
}

/* The summary of block @b; allocated if @alloc and missing (or NULL). */
static struct kho_block *kho_block(unsigned long b, bool alloc)
{
	struct kho_block *blk = kho_chunk(&kho_blocks, b / KHO_BLOCKS_PER_CHUNK,
					  alloc);

	return IS_ERR_OR_NULL(blk) ? blk : blk + b % KHO_BLOCKS_PER_CHUNK;
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
 * The bitmap page of @c's folios of @order and the page of block
 * summaries that cover @pfn, allocated if missing; then kept in this
 * CPU's hint of @order, with the part of the window of pages both cover
 * that scratch leaves free.  The folio at @pfn overlaps no scratch.
 */
static int kho_track_chunks(struct kho_client *c, unsigned int order,
			    unsigned long pfn, unsigned long **chunk,
			    struct kho_block **blocks)
{
	unsigned long gen = READ_ONCE(kho_track_gen);
	unsigned long idx = (pfn >> order) / KHO_CHUNK_BITS;
	unsigned long span = kho_track_window(order);
	unsigned long lo = pfn & ~(span - 1), free_lo, free_n;
	struct kho_track_hint *h;

	*chunk = kho_chunk(&c->folios[order], idx, true);
	if (IS_ERR(*chunk))
		return PTR_ERR(*chunk);
	*blocks = kho_chunk(&kho_blocks,
			    (pfn >> KHO_BLOCK_ORDER) / KHO_BLOCKS_PER_CHUNK,
			    true);
	if (IS_ERR(*blocks))
		return PTR_ERR(*blocks);
	kho_track_free_part(pfn, order, lo, span, &free_lo, &free_n);
	h = get_cpu_ptr(&kho_track_hints[order]);
	h->gen = gen;
	h->c = c;
	h->free_lo = free_lo;
	h->free_n = free_n;
	h->idx = idx;
	h->chunk = *chunk;
	h->blocks = *blocks;
	put_cpu_ptr(&kho_track_hints[order]);
	return 0;
}

/* Mark blocks of [@pfn, @pfn + @n) as holding @kind of client @c. */
static int kho_blocks_publish(struct kho_client *c, unsigned long pfn,
			      unsigned long n, unsigned int kind)
{
	unsigned long b, last = (pfn + n - 1) >> KHO_BLOCK_ORDER;

	for (b = pfn >> KHO_BLOCK_ORDER; b <= last; b++) {
		struct kho_block *blk = kho_block(b, true);

		if (IS_ERR(blk))
			return PTR_ERR(blk);
		kho_block_publish(blk, c, kind);
	}
	return 0;
}

/* Does a range of any client overlap [@pfn, @pfn + @n)?  kho_mem_lock. */
static bool kho_ranges_overlap(unsigned long pfn, unsigned long n)
{
	phys_addr_t addr = PFN_PHYS(pfn), end = PFN_PHYS(pfn + n);
	struct kho_client *c;

	list_for_each_entry(c, &kho_clients, list) {
		unsigned int i = kho_range_find(c, addr);

		if (i < c->nr_ranges && c->ranges[i].addr < end)
			return true;
	}
	return false;
}

/*
 * @o's bitmap page @idx of folios of order @k, or NULL.  A block lies in
 * one bitmap page of every order; this CPU's hint for @k usually names it
 * already when @o is @c, the caller, which saves the xarray lookup when a
 * client preserves folios of several orders side by side.  Only @c's own
 * pages are taken from a hint: the caller holds @c, so they live.
 */
static unsigned long *kho_folios_chunk(struct kho_client *o,
				       const struct kho_client *c,
				       unsigned int k, unsigned long idx)
{
	unsigned long *chunk = NULL;

	if (o == c) {
		struct kho_track_hint *h = get_cpu_ptr(&kho_track_hints[k]);

		if (kho_hint_has(h, c, idx))
			chunk = h->chunk;
		put_cpu_ptr(&kho_track_hints[k]);
	}
	return chunk ?: kho_chunk(&o->folios[k], idx, false);
}

/* Are any of @o's folios of order @k in [@s, @e), pages of one block? */
static bool kho_folios_any(struct kho_client *o, const struct kho_client *c,
			   unsigned int k, unsigned long s, unsigned long e)
{
	unsigned long start = s >> k, end = ((e - 1) >> k) + 1;
	unsigned long idx = start / KHO_CHUNK_BITS;
	unsigned long base = idx * KHO_CHUNK_BITS;
	unsigned long *chunk = kho_folios_chunk(o, c, k, idx);

	return chunk && kho_chunk_any(chunk, start - base, end - base);
}

/*
 * Does anything but @c's own @kind announce itself in @blk that lies in
 * [@s, @e), pages of that block?  Folios of other kinds or clients are
 * looked up in their bitmaps; ranges only set *@ranges, for the caller to
 * check under kho_mem_lock.
 */
static bool kho_block_conflict(const struct kho_block *blk,
			       struct kho_client *c, unsigned long s,
			       unsigned long e, unsigned int kind, bool *ranges)
{
	unsigned long kinds = READ_ONCE(blk->kinds);
	unsigned long owners = READ_ONCE(blk->owners);
	unsigned long folios = kinds & GENMASK(NR_PAGE_ORDERS - 1, 0);
	bool found = false;

	if (kinds & BIT(KHO_KIND_RANGE))
		*ranges = true;
	/* A client freed meanwhile keeps its bitmaps for a grace period. */
	rcu_read_lock();
	/* Bit loops on one word: no find_next_bit() call per kind. */
	for (; owners && !found; owners &= owners - 1) {
		unsigned int id = __ffs(owners);
		/* Pairs with the release in kho_client_get(). */
		struct kho_client *o = smp_load_acquire(&kho_client_ids[id]);
		unsigned long left = folios;

		/* Freed: it held nothing.  Reused: the new owner is looked at. */
		if (!o)
			continue;
		if (o == c && kind < NR_PAGE_ORDERS)
			left &= ~BIT(kind);
		for (; left && !found; left &= left - 1)
			found = kho_folios_any(o, c, __ffs(left), s, e);
	}
	rcu_read_unlock();
	return found;
}

/*
 * kho_block_conflict() for every block of [@pfn, @pfn + @n).  Called after
 * publishing, so a full barrier first.
 */
static bool kho_blocks_conflict(struct kho_client *c, unsigned long pfn,
				unsigned long n, unsigned int kind, bool *ranges)
{
	unsigned long b, last = (pfn + n - 1) >> KHO_BLOCK_ORDER;

	/*
	 * Our bits are set; order that before reading anyone else's, who
	 * does the same (store-buffering: at least one of two sees the other).
	 */
	smp_mb();
	*ranges = false;
	for (b = pfn >> KHO_BLOCK_ORDER; b <= last; b++) {
		const struct kho_block *blk = kho_block(b, false);

		if (blk &&
		    kho_block_conflict(blk, c, max(pfn, b << KHO_BLOCK_ORDER),
				       min(pfn + n, (b + 1) << KHO_BLOCK_ORDER),
				       kind, ranges))
			return true;
	}
	return false;
}

/*
 * The used map page of @pfn, allocated if missing: this CPU's last one
 * for folios of @order first.
 */
static __always_inline atomic_long_t *kho_used_map(unsigned long pfn,
						   unsigned int order)
{
	unsigned long idx = pfn / KHO_CHUNK_BITS;
	struct kho_used_hint *h = get_cpu_ptr(&kho_used_hints[order]);
	atomic_long_t *map = h->map && h->idx == idx ? h->map : NULL;

	put_cpu_ptr(&kho_used_hints[order]);
	if (map)
		return map;
	map = kho_chunk(&kho_used, idx, true);
	if (IS_ERR(map))
		return map;
	h = get_cpu_ptr(&kho_used_hints[order]);
	h->idx = idx;
	h->map = map;
	put_cpu_ptr(&kho_used_hints[order]);
	return map;
}

/*
 * Set the bits of the pages of the folio at @pfn of @order in its used
 * map page @map; return whether any was set before.  A folio's pages are
 * an aligned power of two: bits of one word, or whole words.  Fully
 * ordered.
 */
static __always_inline bool kho_used_set(atomic_long_t *map,
					 unsigned long pfn,
					 unsigned int order)
{
	unsigned long off = pfn % KHO_CHUNK_BITS, n = 1UL << order, i;
	atomic_long_t *w = map + off / BITS_PER_LONG;
	unsigned long mask, seen = 0;

	if (n < BITS_PER_LONG) {
		mask = GENMASK(n - 1, 0) << (off % BITS_PER_LONG);
		return atomic_long_fetch_or(mask, w) & mask;
	}
	for (i = 0; i < n / BITS_PER_LONG; i++)
		seen |= atomic_long_fetch_or(~0UL, w + i);
	return seen;
}

/*
 * Set in the used map page @map the pages of the folios of order @k that
 * bitmap page @chunk (bit 0 is folio @base) holds in block @b, but the
 * one at @skip: a word (or the part of one) at a time, a few folios
 * among 1024 >> @k bits.
 */
static void kho_used_from_bitmap(atomic_long_t *map,
				 const unsigned long *chunk,
				 unsigned long base, unsigned long b,
				 unsigned int k, unsigned long skip)
{
	unsigned long i = (b << KHO_BLOCK_ORDER) >> k;
	unsigned long end = i + (BIT(KHO_BLOCK_ORDER) >> k), n, w;

	for (; i < end; i += n) {
		unsigned long off = i % BITS_PER_LONG;

		n = min(BITS_PER_LONG - off, end - i);
		w = READ_ONCE(chunk[(i - base) / BITS_PER_LONG]);
		for (w = (w >> off) & GENMASK(n - 1, 0); w; w &= w - 1) {
			unsigned long p = (i + __ffs(w)) << k;

			if (p != skip)
				kho_used_set(map, p, k);
		}
	}
}

/*
 * Fill the used map page @map with the pages of every folio the bitmaps
 * hold in block @b, @blk, of any order and client, but the one @c is
 * preserving at @pfn of @order.  Called by the one that set
 * KHO_BLOCK_BUILDING, which orders its reads of the summary after it: a
 * preserve there that missed the bit is in what this reads, one that saw
 * it sets its own bits.
 */
static void kho_block_build_used(const struct kho_block *blk, unsigned long b,
				 atomic_long_t *map, const struct kho_client *c,
				 unsigned long pfn, unsigned int order)
{
	unsigned long kinds = READ_ONCE(blk->kinds) &
			      GENMASK(NR_PAGE_ORDERS - 1, 0);
	unsigned long owners = READ_ONCE(blk->owners);

	/* A client freed meanwhile keeps its bitmaps for a grace period. */
	rcu_read_lock();
	for (; owners; owners &= owners - 1) {
		unsigned int id = __ffs(owners);
		/* Pairs with the release in kho_client_get(). */
		struct kho_client *o = smp_load_acquire(&kho_client_ids[id]);
		unsigned long left = kinds;

		for (; o && left; left &= left - 1) {
			unsigned int k = __ffs(left);
			unsigned long idx = ((b << KHO_BLOCK_ORDER) >> k) /
					    KHO_CHUNK_BITS;
			unsigned long *chunk = kho_folios_chunk(o, c, k, idx);

			/* Our own folio is set by the caller, after. */
			if (chunk)
				kho_used_from_bitmap(map, chunk,
						     idx * KHO_CHUNK_BITS, b, k,
						     o == c && k == order ?
						     pfn : ULONG_MAX);
		}
	}
	rcu_read_unlock();
}

/*
 * Put the folio of @c at @pfn of @order in the used map of its block
 * @blk, building the map if nobody has.  Return: 1 if the map is complete
 * and none of the folio's pages was in it, 0 if the other orders' bitmaps
 * must be looked at, or -ENOMEM.
 */
static int kho_used_add(struct kho_block *blk, const struct kho_client *c,
			unsigned long pfn, unsigned int order)
{
	/* Pairs with the barrier before KHO_BLOCK_USED is set. */
	unsigned long state = smp_load_acquire(&blk->kinds);
	atomic_long_t *map = kho_used_map(pfn, order);
	int alone;

	if (IS_ERR(map))
		return PTR_ERR(map);
	if (state & BIT(KHO_BLOCK_USED))
		return !kho_used_set(map, pfn, order);
	if (test_and_set_bit(KHO_BLOCK_BUILDING, &blk->kinds)) {
		/* Being built: the builder may not see us, so set our bits. */
		kho_used_set(map, pfn, order);
		return 0;
	}
	/*
	 * The first to find the block mixed: everything else, then our
	 * folio, whose pages were free unless something in the map holds
	 * them (a preserve racing with the build sets its own bits and looks
	 * at the bitmaps itself).
	 */
	kho_block_build_used(blk, pfn >> KHO_BLOCK_ORDER, map, c, pfn, order);
	alone = !kho_used_set(map, pfn, order);
	/* The map before the bit; pairs with the acquire above. */
	smp_mb__before_atomic();
	set_bit(KHO_BLOCK_USED, &blk->kinds);
	return alone;
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
 * Context: may sleep; callers keep it apart from finalize.
 * Return: 0; -EINVAL if it overlaps scratch; -EEXIST if it overlaps
 * anything preserved (by @c or another client, as a folio of any order or
 * a range); -ENOMEM.
 */
int kho_track_add_folio(struct kho_client *c, unsigned long pfn,
			unsigned int order)
{
	/* Set by kho_track_chunks() when it succeeds; NULL for gcc -O2. */
	struct kho_block *blk = NULL;
	unsigned long *chunk;
	int err;

	/* A folio is aligned to its size, so it lies in one block. */
	BUILD_BUG_ON(KHO_BLOCK_ORDER < MAX_PAGE_ORDER);
	if (kho_overlaps_scratch(PFN_PHYS(pfn), PAGE_SIZE << order))
		return -EINVAL;
	err = kho_track_chunks(c, order, pfn, &chunk, &blk);
	if (err)
		return err;
	blk += (pfn >> KHO_BLOCK_ORDER) % KHO_BLOCKS_PER_CHUNK;
	return kho_track_claim_folio(c, pfn, order, chunk, blk);
}

/**
 * kho_track_settle_folio() - finish a claim in a block others announce
 * @c: the client
 * @pfn: first page frame number of the folio
 * @order: its order
 * @chunk: the bitmap page where its bit, claimed, is
 * @blk: its block's summary, which announces more than @c's @order
 *
 * Publishes @c's @order in @blk and looks for overlaps with what else
 * the block holds, through its used map first; gives the claim up if
 * there is one.
 *
 * Return: 0; -EEXIST or -ENOMEM (no used map page) with the claim given
 * up.
 */
int kho_track_settle_folio(struct kho_client *c, unsigned long pfn,
			   unsigned int order, unsigned long *chunk,
			   struct kho_block *blk)
{
	/* Pairs with the barrier before KHO_BLOCK_USED is set. */
	unsigned long kinds = smp_load_acquire(&blk->kinds);
	unsigned long want = BIT(order) | BIT(KHO_BLOCK_USED);
	unsigned long n = 1UL << order;
	bool ranges = false;
	int err = 0, alone;

	/*
	 * The common case in a mixed block: its used map is built, @c's
	 * @order is announced there already and no range is.  The used map
	 * alone then says whether anything else holds the folio's pages, as
	 * kho_used_add() would, and with nothing to publish there is no
	 * barrier to pay for: the claim and the used map's bits are fully
	 * ordered atomics.
	 */
	if ((kinds & (want | BIT(KHO_KIND_RANGE))) == want &&
	    test_bit(c->id, &blk->owners)) {
		atomic_long_t *map = kho_used_map(pfn, order);

		if (!IS_ERR(map) && !kho_used_set(map, pfn, order))
			return 0;
	}
	kho_block_publish(blk, c, order);
	/* Our summary bits before anyone else's claims; see above. */
	smp_mb();
	/* The first in a new block: no map, a later builder reads our bit. */
	if (kho_block_only(blk, c, order))
		return 0;
	alone = kho_used_add(blk, c, pfn, order);
	if (alone < 0) {
		/* A used map may be built without us: no claim then. */
		clear_bit((pfn >> order) % KHO_CHUNK_BITS, chunk);
		return alone;
	}
	/* Nothing else in our pages, and no range to look for. */
	if (alone && !(READ_ONCE(blk->kinds) & BIT(KHO_KIND_RANGE)))
		return 0;
	if (!kho_block_conflict(blk, c, pfn, pfn + n, order, &ranges) &&
	    !ranges)
		return 0;
	/*
	 * Two overlapping preserves racing may each see the other.  Settle
	 * it under kho_mem_lock (which range preserves hold throughout):
	 * the first to get there looks again and, if it still sees the
	 * other, gives up its claim before the other looks, so exactly one
	 * of them succeeds.
	 */
	mutex_lock(&kho_mem_lock);
	if (kho_block_conflict(blk, c, pfn, pfn + n, order, &ranges) ||
	    (ranges && kho_ranges_overlap(pfn, n)))
		err = -EEXIST;
	if (err)
		clear_bit((pfn >> order) % KHO_CHUNK_BITS, chunk);
	mutex_unlock(&kho_mem_lock);
	return err;
}

/**
 * kho_track_del_folio() - undo kho_track_add_folio()
 * @c: the client
 * @pfn: first page frame number
 * @order: folio order
 *
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
	bool ranges;
	int err = 0;

	mutex_lock(&kho_mem_lock);
	if (kho_ranges_overlap(pfn, n)) {
		err = -EEXIST;
		goto out;
	}
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
	i = kho_range_find(c, phys);
	memmove(&c->ranges[i + 1], &c->ranges[i],
		(c->nr_ranges - i) * sizeof(c->ranges[0]));
	c->ranges[i].addr = phys;
	c->ranges[i].size = size;
	c->nr_ranges++;
	err = kho_blocks_publish(c, pfn, n, KHO_KIND_RANGE);
	if (!err && kho_blocks_conflict(c, pfn, n, KHO_KIND_RANGE, &ranges))
		err = -EEXIST;
	if (err)
		kho_range_remove(c, i);
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
	    c->ranges[i].size != size)
		err = -ENOENT;
	else
		kho_range_remove(c, i);
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
