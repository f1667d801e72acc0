// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, next kernel: the index of a client's incoming record.
 *
 * kho_in_mem_build() indexes a client's record (checked by in_check.c
 * during early boot) so that a restore finds its item by binary search,
 * and one bit per item says whether it was claimed.  The record's format
 * is in Documentation/kho/fdt-abi.rst; out_record.c writes it.
 *
 * The file builds in userspace too, for the simulator in tools/testing/kho.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/kho.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kho_internal.h"

/**
 * struct kho_in_ent - one run of an incoming record
 * @pfn: first page it covers
 * @end: page after the last it covers
 * @run: the run in the record
 * @first: index of its first item in &struct kho_in_mem.claimed
 */
struct kho_in_ent {
	unsigned long pfn;
	unsigned long end;
	const struct kho_mem_run *run;
	u64 first;
};

/**
 * struct kho_in_mem - what a client got from the previous kernel
 * @ents: per kind (folio order, or %KHO_KIND_RANGE), its runs in order
 * @nr: how many in each kind
 * @nr_items: how many items in all; an item is one folio, or one range;
 *	a bitmap run counts one item per bit, set or not
 * @claimed: one bit per item, set once it is restored, released or kept
 * @unclaimed: bytes of the items not claimed yet
 * @hint: per kind, the entry the last lookup found: restores mostly go
 *	in address order, so the next one is likely there or just after
 * @kinds: bit k set if kind k has runs: lookups skip the empty kinds
 * @last: the entry the last lookup found, of any kind: a memfd's folios,
 *	say, mostly come back one after the other from the same run
 *
 * Built once and never freed.  Everything but @claimed, @unclaimed and
 * @hint is read-only afterwards; the first two change only through atomic
 * operations, so restore calls need no lock, and @hint and @last are
 * single words that are only ever valid entries (or NULL), so racing
 * lookups at worst miss.
 */
struct kho_in_mem {
	struct kho_in_ent *ents[KHO_NR_KINDS];
	u64 nr[KHO_NR_KINDS];
	u64 nr_items;
	unsigned long *claimed;
	atomic64_t unclaimed;
	u64 hint[KHO_NR_KINDS];
	unsigned long kinds;
	const struct kho_in_ent *last;
};

static bool kho_in_bit(const struct kho_mem_run *run, u64 bit)
{
	const __le64 *words = (const __le64 *)(run + 1);

	return le64_to_cpu(words[bit / 64]) & BIT_ULL(bit % 64);
}

static unsigned int kho_run_kind(const struct kho_mem_run *run)
{
	return le16_to_cpu(run->flags) & KHO_MEM_RUN_RANGE ? KHO_KIND_RANGE :
	       le16_to_cpu(run->order);
}

/* The run after @p in a record. */
static const struct kho_mem_run *kho_run_next(const struct kho_mem_run *p)
{
	if (le16_to_cpu(p->flags) & KHO_MEM_RUN_BITMAP)
		return (const void *)((const __le64 *)(p + 1) + le32_to_cpu(p->nr));
	return p + 1;
}

/* Fill @e for run @p; returns the bytes it preserves. */
static u64 kho_in_ent_init(struct kho_in_ent *e, const struct kho_mem_run *p,
			   u64 *items)
{
	unsigned int order = le16_to_cpu(p->order);
	u64 n = le32_to_cpu(p->nr), i, bits = 0;

	e->pfn = le64_to_cpu(p->pfn);
	e->run = p;
	e->first = *items;
	if (kho_run_kind(p) == KHO_KIND_RANGE) {
		e->end = e->pfn + n;
		*items += 1;
		return n << PAGE_SHIFT;
	}
	if (!(le16_to_cpu(p->flags) & KHO_MEM_RUN_BITMAP)) {
		e->end = e->pfn + (n << order);
		*items += n;
		return n << (PAGE_SHIFT + order);
	}
	e->end = e->pfn + ((n * 64) << order);
	*items += n * 64;
	for (i = 0; i < n; i++)
		bits += hweight64(le64_to_cpu(((const __le64 *)(p + 1))[i]));
	return bits << (PAGE_SHIFT + order);
}

/* Items of run @p; its span in pages in *@span. */
static u64 kho_in_run_items(const struct kho_mem_run *p, u64 *span)
{
	unsigned int order = le16_to_cpu(p->order);
	u64 n = le32_to_cpu(p->nr);

	if (kho_run_kind(p) == KHO_KIND_RANGE) {
		*span = n;
		return 1;
	}
	if (le16_to_cpu(p->flags) & KHO_MEM_RUN_BITMAP)
		n *= BITS_PER_TYPE(u64);
	*span = n << order;
	return n;
}

/**
 * kho_in_mem_build() - index a client's incoming record
 * @h: the record, checked by kho_in_check()
 * @size: its size in bytes
 * @max_items: the most items it may hold (kho_in_items_max())
 *
 * The lookup relies on what kho_in_check() ensured, so it is checked
 * again before anything is allocated: every run lies in the record, runs
 * of one kind are sorted and apart (bitmap holes included), and the item
 * count, in 64 bits, is at most @max_items.
 *
 * Return: the index, or NULL for a record that breaks these rules or
 * without memory.
 */
struct kho_in_mem *kho_in_mem_build(const struct kho_mem_header *h,
				    size_t size, u64 max_items)
{
	u64 r, nr = le64_to_cpu(h->nr_runs), items = 0, bytes = 0;
	u64 count[KHO_NR_KINDS] = { }, pos[KHO_NR_KINDS] = { };
	u64 end[KHO_NR_KINDS] = { };
	const void *rec_end = (const void *)h + size;
	const struct kho_mem_run *p;
	struct kho_in_mem *in;
	unsigned int k;

	if (size < sizeof(*h) ||
	    nr > (size - sizeof(*h)) / sizeof(struct kho_mem_run))
		return NULL;
	for (r = 0, p = (const void *)(h + 1); r < nr; r++, p = kho_run_next(p)) {
		u64 span, pfn;

		if ((const void *)(p + 1) > rec_end ||
		    (const void *)kho_run_next(p) > rec_end ||
		    kho_run_kind(p) >= KHO_NR_KINDS)
			return NULL;
		k = kho_run_kind(p);
		pfn = le64_to_cpu(p->pfn);
		items += kho_in_run_items(p, &span);
		if (pfn < end[k] || items > max_items)
			return NULL;
		end[k] = pfn + span;
		count[k]++;
	}

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return NULL;
	memcpy(in->nr, count, sizeof(in->nr));
	for (k = 0; k < KHO_NR_KINDS; k++) {
		if (count[k])
			in->kinds |= BIT(k);
		in->ents[k] = kvmalloc_array(in->nr[k] ?: 1,
					     sizeof(struct kho_in_ent), GFP_KERNEL);
		if (!in->ents[k])
			goto nomem;
	}
	items = 0;
	for (r = 0, p = (const void *)(h + 1); r < nr; r++, p = kho_run_next(p)) {
		k = kho_run_kind(p);
		bytes += kho_in_ent_init(&in->ents[k][pos[k]++], p, &items);
	}
	in->nr_items = items;
	in->claimed = kvcalloc(BITS_TO_LONGS(items ?: 1), sizeof(unsigned long),
			       GFP_KERNEL);
	if (!in->claimed)
		goto nomem;
	atomic64_set(&in->unclaimed, bytes);
	return in;
nomem:
	kho_in_mem_free(in);
	return NULL;
}

/**
 * kho_in_mem_free() - free an index from kho_in_mem_build()
 * @in: the index, or NULL
 */
void kho_in_mem_free(struct kho_in_mem *in)
{
	unsigned int k;

	if (!in)
		return;
	for (k = 0; k < KHO_NR_KINDS; k++)
		kvfree(in->ents[k]);
	kvfree(in->claimed);
	kfree(in);
}

/*
 * The entry of @kind whose pages hold @pfn, or NULL.  Inlined, as
 * kho_in_ent_item(): a restore of a quarter million folios calls both per
 * folio.
 */
static __always_inline const struct kho_in_ent *
kho_in_find(struct kho_in_mem *in, unsigned int kind, unsigned long pfn)
{
	const struct kho_in_ent *ents = in->ents[kind];
	u64 lo = 0, hi = in->nr[kind], h = READ_ONCE(in->hint[kind]);

	/*
	 * The last entry found, then the one after it; @pfn between the two
	 * is in no entry (restores mostly come in address order).
	 */
	if (h < hi && pfn >= ents[h].pfn) {
		if (pfn < ents[h].end)
			return &ents[h];
		if (h + 1 == hi || pfn < ents[h + 1].pfn)
			return NULL;
		if (pfn < ents[h + 1].end) {
			WRITE_ONCE(in->hint[kind], h + 1);
			return &ents[h + 1];
		}
	}
	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;
		const struct kho_in_ent *e = &ents[mid];

		if (pfn < e->pfn) {
			hi = mid;
		} else if (pfn >= e->end) {
			lo = mid + 1;
		} else {
			WRITE_ONCE(in->hint[kind], mid);
			return e;
		}
	}
	return NULL;
}

/*
 * The item of @e whose pages hold @pfn: its index, first page and size in
 * pages; -1 if @pfn falls in a hole of a bitmap run.
 */
static __always_inline s64
kho_in_ent_item(const struct kho_in_ent *e, unsigned int kind,
		unsigned long pfn, unsigned long *start, unsigned long *pages)
{
	u64 off;

	if (kind == KHO_KIND_RANGE) {
		*start = e->pfn;
		*pages = e->end - e->pfn;
		return e->first;
	}
	off = (pfn - e->pfn) >> kind;
	if ((le16_to_cpu(e->run->flags) & KHO_MEM_RUN_BITMAP) &&
	    !kho_in_bit(e->run, off))
		return -1;
	*start = e->pfn + (off << kind);
	*pages = 1UL << kind;
	return e->first + off;
}

/**
 * kho_in_item() - the incoming item that starts at a page
 * @in: a client's index, or NULL
 * @pfn: the page
 * @kind: set to the item's kind: its folio order, or %KHO_KIND_RANGE
 * @pages: set to its size in pages
 *
 * Return: the item's index, or -1 if no item of the client starts at @pfn.
 */
s64 kho_in_item(struct kho_in_mem *in, unsigned long pfn,
		unsigned int *kind, unsigned long *pages)
{
	unsigned int top = NR_PAGE_ORDERS - 1, k;
	unsigned long start, kinds, orders;
	const struct kho_in_ent *e;
	s64 item;

	if (!in)
		return -1;
	/* In the entry the last lookup found, unless in a hole of it. */
	e = READ_ONCE(in->last);
	if (e && pfn >= e->pfn && pfn < e->end) {
		k = kho_run_kind(e->run);
		item = kho_in_ent_item(e, k, pfn, &start, pages);
		if (item >= 0) {
			if (start != pfn)
				return -1;
			*kind = k;
			return item;
		}
	}
	/*
	 * A folio of order k starts on a multiple of 1 << k: look only at
	 * the orders @pfn is aligned to that have runs, largest first (a
	 * folio is aligned to twice its size only half the time, so its own
	 * order comes first or second mostly), then at the ranges.  Items
	 * never overlap, so at most one kind holds @pfn.
	 */
	if (pfn)
		top = min_t(unsigned int, top, __ffs(pfn));
	orders = GENMASK(top, 0);
	kinds = in->kinds & (orders | BIT(KHO_KIND_RANGE));
	while (kinds) {
		k = kinds & orders ? __fls(kinds & orders) : KHO_KIND_RANGE;
		kinds &= ~BIT(k);
		e = kho_in_find(in, k, pfn);
		if (!e)
			continue;
		item = kho_in_ent_item(e, k, pfn, &start, pages);
		/* A hole in a bitmap: an item of another kind may start here. */
		if (item < 0)
			continue;
		if (start != pfn)
			return -1;
		WRITE_ONCE(in->last, e);
		*kind = k;
		return item;
	}
	return -1;
}

/**
 * kho_in_claim() - claim an incoming item for its client
 * @in: the client's index
 * @item: from kho_in_item()
 * @pages: its size in pages
 *
 * Return: true if it was unclaimed; false if claimed already.
 */
bool kho_in_claim(struct kho_in_mem *in, u64 item, unsigned long pages)
{
	if (test_and_set_bit(item, in->claimed))
		return false;
	atomic64_sub((u64)pages << PAGE_SHIFT, &in->unclaimed);
	return true;
}

/**
 * kho_in_claim_span() - claim every item that overlaps some pages
 * @in: a client's index, or NULL
 * @pfn: first page
 * @end: page after the last
 *
 * For memory a client keeps as it is (a sub-FDT, a reserve_mem region).
 */
void kho_in_claim_span(struct kho_in_mem *in, unsigned long pfn,
		       unsigned long end)
{
	unsigned long start, pages, p;
	unsigned int k;

	for (k = 0; in && k < KHO_NR_KINDS; k++) {
		for (p = pfn; p < end; ) {
			const struct kho_in_ent *e = kho_in_find(in, k, p);
			s64 item;

			if (!e) {
				p++;
				continue;
			}
			item = kho_in_ent_item(e, k, p, &start, &pages);
			if (item < 0) {
				p = e->pfn + ((((p - e->pfn) >> k) + 1) << k);
				continue;
			}
			kho_in_claim(in, item, pages);
			p = start + pages;
		}
	}
}

/**
 * kho_in_unclaimed() - bytes of a client's incoming items not claimed
 * @in: the client's index, or NULL
 *
 * Return: the bytes.
 */
u64 kho_in_unclaimed(struct kho_in_mem *in)
{
	return in ? atomic64_read(&in->unclaimed) : 0;
}

/**
 * kho_in_claim_rest() - claim every item not claimed yet
 * @in: a client's index, or NULL
 * @fn: called for each with its first page and size in pages
 * @arg: passed to @fn
 *
 * Return: the bytes claimed.
 */
u64 kho_in_claim_rest(struct kho_in_mem *in,
		      void (*fn)(unsigned long pfn, unsigned long pages, void *arg),
		      void *arg)
{
	u64 bytes = 0, i, r;
	unsigned int k;

	for (k = 0; in && k < KHO_NR_KINDS; k++) {
		for (r = 0; r < in->nr[k]; r++) {
			const struct kho_in_ent *e = &in->ents[k][r];
			bool bitmap = le16_to_cpu(e->run->flags) & KHO_MEM_RUN_BITMAP;
			unsigned long pages = k == KHO_KIND_RANGE ? e->end - e->pfn :
					      1UL << k;
			u64 n = k == KHO_KIND_RANGE ? 1 : (e->end - e->pfn) >> k;

			for (i = 0; i < n; i++) {
				if ((bitmap && !kho_in_bit(e->run, i)) ||
				    !kho_in_claim(in, e->first + i, pages))
					continue;
				fn(e->pfn + i * pages, pages, arg);
				bytes += (u64)pages << PAGE_SHIFT;
			}
		}
	}
	return bytes;
}
