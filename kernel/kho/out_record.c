// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, outgoing side: the record of a client's preserved memory,
 * written at finalize from the tracking (out_track.c).  Per order, the
 * folios as plain runs or as bitmaps, whichever is smaller for every bitmap
 * page, then the ranges (Documentation/kho/fdt-abi.rst).  The next kernel's
 * index of the record is in in_index.c.
 *
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
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "kho_internal.h"

/* The record being written; @run is NULL while only sizing it. */
struct kho_rec {
	struct kho_mem_run *run;
	__le64 *pos;
	struct kho_mem_run *last;
	size_t bytes;
	u64 nr;
};

static void kho_rec_run(struct kho_rec *w, unsigned long pfn, unsigned long nr,
			unsigned int order, u16 flags)
{
	struct kho_mem_run *r;

	/* Folios back to back with the previous run: extend it. */
	if (!flags && w->last && !le16_to_cpu(w->last->flags) &&
	    le16_to_cpu(w->last->order) == order &&
	    le64_to_cpu(w->last->pfn) + ((u64)le32_to_cpu(w->last->nr) << order) ==
	    pfn && le32_to_cpu(w->last->nr) + (u64)nr <= U32_MAX) {
		le32_add_cpu(&w->last->nr, nr);
		return;
	}
	w->bytes += sizeof(*r);
	w->nr++;
	if (!w->run) {
		/* Sizing: count as if never merged; an upper bound. */
		return;
	}
	r = (struct kho_mem_run *)w->pos;
	r->pfn = cpu_to_le64(pfn);
	r->nr = cpu_to_le32(nr);
	r->order = cpu_to_le16(order);
	r->flags = cpu_to_le16(flags);
	w->pos = (__le64 *)(r + 1);
	w->last = flags ? NULL : r;
}

/* Number of runs of set bits in @words[@first .. @last]. */
static unsigned long kho_count_runs(const unsigned long *words,
				    unsigned int first, unsigned int last)
{
	unsigned long n = 0, carry = 0;
	unsigned int i;

	for (i = first; i <= last; i++) {
		n += hweight_long(words[i] & ~((words[i] << 1) | carry));
		carry = words[i] >> (BITS_PER_LONG - 1);
	}
	return n;
}

/* Write the folios of one bitmap page of order @k, base folio @base. */
static void kho_rec_chunk(struct kho_rec *w, const unsigned long *chunk,
			  unsigned long base, unsigned int k)
{
	unsigned int first = 0, last = KHO_CHUNK_WORDS - 1, i;
	unsigned long runs, b, e;

	while (first < KHO_CHUNK_WORDS && !chunk[first])
		first++;
	if (first == KHO_CHUNK_WORDS)
		return;
	while (!chunk[last])
		last--;
	runs = kho_count_runs(chunk, first, last);

	/* A bitmap costs a run and 8 bytes a word; a run 16 bytes. */
	if (runs * sizeof(struct kho_mem_run) >
	    sizeof(struct kho_mem_run) + (last - first + 1) * sizeof(u64)) {
		/* The record's words are u64: this needs 64-bit longs. */
		BUILD_BUG_ON(BITS_PER_LONG != 64);
		BUILD_BUG_ON(KHO_CHUNK_WORDS > KHO_MEM_BITMAP_WORDS_MAX);
		kho_rec_run(w, (base + first * BITS_PER_LONG) << k,
			    last - first + 1, k, KHO_MEM_RUN_BITMAP);
		w->bytes += (last - first + 1) * sizeof(u64);
		if (w->run) {
			for (i = first; i <= last; i++)
				*w->pos++ = cpu_to_le64(chunk[i]);
		}
		w->last = NULL;
		return;
	}
	for (b = find_next_bit(chunk, KHO_CHUNK_BITS, first * BITS_PER_LONG);
	     b < KHO_CHUNK_BITS; b = find_next_bit(chunk, KHO_CHUNK_BITS, e)) {
		e = find_next_zero_bit(chunk, KHO_CHUNK_BITS, b);
		kho_rec_run(w, (base + b) << k, e - b, k, 0);
	}
}

static void kho_rec_walk(struct kho_client *c, struct kho_rec *w)
{
	unsigned long idx;
	unsigned long *chunk;
	unsigned int k, i;

	for (k = 0; k < NR_PAGE_ORDERS; k++) {
		w->last = NULL;
		xa_for_each(&c->folios[k], idx, chunk)
			kho_rec_chunk(w, chunk, idx * KHO_CHUNK_BITS, k);
	}
	for (i = 0; i < c->nr_ranges; i++)
		kho_rec_run(w, PHYS_PFN(c->ranges[i].addr),
			    c->ranges[i].size >> PAGE_SHIFT, 0,
			    KHO_MEM_RUN_RANGE);
}

/**
 * kho_write_record() - serialize what a client preserved
 * @c: the client
 * @size: set to the size of the returned buffer, page aligned
 *
 * Writes the client's folios, per order as plain runs or bitmaps, then its
 * ranges, into new zeroed pages (free them with free_pages_exact()).
 *
 * Context: no preserve call may run on @c: finalize holds kho_mem_lock
 * with preserve calls stopped, or @c is private to the caller.
 * Return: the record, or NULL without memory.
 */
void *kho_write_record(struct kho_client *c, size_t *size)
{
	struct kho_rec w = { .bytes = sizeof(struct kho_mem_header) };
	struct kho_mem_header *h;

	kho_rec_walk(c, &w);
	*size = PAGE_ALIGN(w.bytes);
	h = alloc_pages_exact(*size, GFP_KERNEL | __GFP_ZERO);
	if (!h)
		return NULL;
	h->magic = cpu_to_le32(KHO_MEM_MAGIC);
	h->version = cpu_to_le32(KHO_MEM_VERSION);
	memset(&w, 0, sizeof(w));
	w.run = (struct kho_mem_run *)(h + 1);
	w.pos = (__le64 *)w.run;
	kho_rec_walk(c, &w);
	h->nr_runs = cpu_to_le64(w.nr);
	return h;
}
