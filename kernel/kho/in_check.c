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
 * kho_in_reserve() then reserves it in memblock: the metadata, the
 * ranges, and the folios a span at a time, holes included; after deferred
 * struct page init, kho_in_walk_spans() tells the holes from the folios
 * for the page allocator.  A client's record holds, per kind (folio order,
 * ranges), runs sorted by address, some of them bitmaps; the preserved
 * ranges come from a heap merge of all these streams, so checking n ranges
 * of s streams costs O(n log s) plus the bitmap words, and a bitmap run
 * that no other run reaches into is checked and walked a word at a time.
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

#define KHO_IN_RUNS_OVERLAP \
	"preserved-memory runs of one kind overlap or are out of order"

/*
 * Folios are reserved a span at a time, holes included, and the holes
 * handed over later (kho_in_walk_spans()); a hole of a max-order block or
 * more ends a span, so that it is freed with the rest of free memory.
 */
#define KHO_IN_SPAN_GAP		BIT_ULL(MAX_PAGE_ORDER)

/* Bits in a word of a bitmap run. */
#define KHO_IN_WORD_BITS	BITS_PER_TYPE(u64)

/* libfdt reads 32-bit tags and 64-bit reserve-map entries in place. */
#define KHO_IN_FDT_ALIGN	8

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
 * kho_in_check_table() - check where the incoming scratch table is
 * @in: the incoming handover; @in->table holds the table's address and size
 *
 * Before the table is mapped: it must be a whole number of entries, at
 * most a page, page aligned and inside one RAM region of memblock.
 *
 * Return: 0, or -EINVAL with the reason in @in.
 */
int __init kho_in_check_table(struct kho_in *in)
{
	const struct kho_range *t = &in->table;

	if (!t->size || t->size > PAGE_SIZE ||
	    t->size % sizeof(struct kho_scratch_entry) ||
	    t->size / sizeof(struct kho_scratch_entry) > KHO_SCRATCH_MAX ||
	    !PAGE_ALIGNED(t->addr))
		return kho_in_fail(in, "bad scratch table size", NULL,
				   t->addr, t->size);
	if (!memblock_is_region_memory(t->addr, t->size))
		return kho_in_fail(in, "scratch table outside RAM", NULL,
				   t->addr, t->size);
	return 0;
}

/**
 * kho_in_check_scratch() - check and take the incoming scratch table
 * @in: the incoming handover; @in->table passed kho_in_check_table()
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

/* Why a piece of metadata is refused, by kind and by check. */
enum {
	KHO_IN_META_SCRATCH,
	KHO_IN_META_USED,
	KHO_IN_META_OVERLAP,
	KHO_IN_META_PRESERVED,
	KHO_IN_META_CHECKS,
};

static const char *const kho_in_meta_why[KHO_IN_META_KINDS][KHO_IN_META_CHECKS] = {
	[KHO_IN_META_ROOT] = {
		"root FDT in scratch",
		"root FDT in memory this kernel uses",
		"root FDT overlaps other handover metadata",
		"root FDT inside preserved memory",
	},
	[KHO_IN_META_TABLE] = {
		"scratch table in scratch",
		"scratch table in memory this kernel uses",
		"scratch table overlaps other handover metadata",
		"scratch table inside preserved memory",
	},
	[KHO_IN_META_RECORD] = {
		"record in scratch",
		"record in memory this kernel uses",
		"record overlaps other handover metadata",
		"record inside preserved memory",
	},
};

static int __init kho_in_meta_fail(struct kho_in *in,
				   const struct kho_in_meta *m, int check)
{
	return kho_in_fail(in, kho_in_meta_why[m->kind][check], m->client,
			   m->r.addr, m->r.size);
}

/*
 * Add a piece of KHO's own metadata, known to be RAM, before anything
 * reads it: it must be outside scratch, apart from what this kernel
 * uses already and apart from every other piece.  Preserved ranges are
 * checked against it during the merge.
 */
static int __init kho_in_add_meta(struct kho_in *in, const struct kho_range *r,
				  enum kho_in_meta_kind kind, const char *client)
{
	struct kho_in_meta *m = &in->meta[in->nr_meta];
	unsigned int i;

	m->r.addr = r->addr;
	m->r.size = PAGE_ALIGN(r->size);
	m->kind = kind;
	m->client = client;
	for (i = 0; i < in->nr_scratch; i++) {
		if (kho_range_overlap(&m->r, &in->scratch[i]))
			return kho_in_meta_fail(in, m, KHO_IN_META_SCRATCH);
	}
	if (memblock_is_region_reserved(m->r.addr, m->r.size))
		return kho_in_meta_fail(in, m, KHO_IN_META_USED);
	for (i = 0; i < in->nr_meta; i++) {
		if (kho_range_overlap(&m->r, &in->meta[i].r))
			return kho_in_meta_fail(in, m, KHO_IN_META_OVERLAP);
	}
	in->nr_meta++;
	return 0;
}

/* Sort the metadata by address for the merge: a few dozen entries. */
static void __init kho_in_sort_meta(struct kho_in *in)
{
	unsigned int i, j;

	for (i = 1; i < in->nr_meta; i++) {
		struct kho_in_meta m = in->meta[i];

		for (j = i; j && in->meta[j - 1].r.addr > m.r.addr; j--)
			in->meta[j] = in->meta[j - 1];
		in->meta[j] = m;
	}
}

/*
 * Is @fdt, of @size bytes at most, a sound FDT?  Checked before libfdt
 * walks it: the header fits, is valid, and puts the blocks libfdt reads in
 * place at aligned offsets.
 */
static bool __init kho_in_fdt_sound(const void *fdt, phys_addr_t size)
{
	return size >= sizeof(struct fdt_header) && !fdt_check_header(fdt) &&
	       fdt_totalsize(fdt) <= size &&
	       IS_ALIGNED(fdt_off_dt_struct(fdt), FDT_TAGSIZE) &&
	       IS_ALIGNED(fdt_off_mem_rsvmap(fdt), KHO_IN_FDT_ALIGN);
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
	r->addr = fdt64_ld(&v[0]);
	r->size = fdt64_ld(&v[1]);
	if (!r->size || r->addr + r->size < r->addr)
		return kho_in_fail(in, "client property with a bad range",
				   client, r->addr, r->size);
	if (!memblock_is_region_memory(r->addr, r->size))
		return kho_in_fail(in, "client data outside RAM", client,
				   r->addr, r->size);
	return 0;
}

/* Pages a run covers, bitmap holes included. */
static u64 __init kho_run_span(u16 flags, unsigned int order, u64 nr)
{
	if (flags & KHO_MEM_RUN_RANGE)
		return nr;
	if (flags & KHO_MEM_RUN_BITMAP)
		return (nr * BITS_PER_TYPE(u64)) << order;
	return nr << order;
}

/* Is the header of @run well formed? */
static bool __init kho_run_ok(const struct kho_mem_run *run)
{
	u64 pfn = le64_to_cpu(run->pfn), nr = le32_to_cpu(run->nr), pages;
	unsigned int order = le16_to_cpu(run->order);
	u16 flags = le16_to_cpu(run->flags);

	if ((flags & ~(KHO_MEM_RUN_RANGE | KHO_MEM_RUN_BITMAP)) ||
	    flags == (KHO_MEM_RUN_RANGE | KHO_MEM_RUN_BITMAP) ||
	    ((flags & KHO_MEM_RUN_RANGE) && order) || order > MAX_PAGE_ORDER ||
	    !nr || ((flags & KHO_MEM_RUN_BITMAP) && nr > KHO_MEM_BITMAP_WORDS_MAX) ||
	    pfn & ((1ULL << order) - 1))
		return false;
	pages = kho_run_span(flags, order, nr);
	return pfn <= PHYS_PFN(PHYS_ADDR_MAX) &&
	       PHYS_PFN(PHYS_ADDR_MAX) - pfn >= pages;
}

/*
 * Check the record of client @ci: header, and every run's header and
 * size within the record; runs of one kind are consecutive, kinds go up.
 * Each kind becomes a stream of the merge.
 */
static int __init kho_in_record(struct kho_in *in, unsigned int ci)
{
	struct kho_in_client *c = &in->clients[ci];
	const struct kho_mem_header *h;
	const struct kho_mem_run *run;
	struct kho_in_stream *s = NULL;
	unsigned int kind, last = 0;
	u64 nr, i, items = 0, span_end = 0;
	const void *end;

	h = phys_to_virt(c->mem.addr);
	end = (const void *)h + c->mem.size;
	if (le32_to_cpu(h->magic) != KHO_MEM_MAGIC ||
	    le32_to_cpu(h->version) != KHO_MEM_VERSION)
		return kho_in_fail(in, "bad preserved-memory record header",
				   c->name, c->mem.addr, c->mem.size);
	nr = le64_to_cpu(h->nr_runs);
	if (nr > (c->mem.size - sizeof(*h)) / sizeof(*run))
		return kho_in_fail(in, "preserved-memory record truncated",
				   c->name, c->mem.addr, c->mem.size);
	run = (const struct kho_mem_run *)(h + 1);
	for (i = 0; i < nr; i++) {
		const void *next;
		u64 pfn, span;
		u16 flags;

		if ((const void *)(run + 1) > end)
			return kho_in_fail(in, "preserved-memory record truncated",
					   c->name, c->mem.addr, c->mem.size);
		if (!kho_run_ok(run))
			return kho_in_fail(in, "malformed preserved-memory run",
					   c->name, c->mem.addr, c->mem.size);
		flags = le16_to_cpu(run->flags);
		next = run + 1;
		if (flags & KHO_MEM_RUN_BITMAP)
			next = (const __le64 *)next + le32_to_cpu(run->nr);
		if (next > end)
			return kho_in_fail(in, "preserved-memory record truncated",
					   c->name, c->mem.addr, c->mem.size);
		kind = flags & KHO_MEM_RUN_RANGE ? KHO_KIND_RANGE :
		       le16_to_cpu(run->order);
		if (s && kind < last)
			return kho_in_fail(in, "preserved-memory runs not grouped by kind",
					   c->name, c->mem.addr, c->mem.size);
		/* Runs of a kind are sorted and apart, holes included. */
		pfn = le64_to_cpu(run->pfn);
		span = kho_run_span(flags, le16_to_cpu(run->order),
				    le32_to_cpu(run->nr));
		if (s && kind == last && pfn < span_end)
			return kho_in_fail(in, KHO_IN_RUNS_OVERLAP, c->name,
					   PFN_PHYS(pfn), PFN_PHYS(span));
		span_end = pfn + span;
		/* A span ends at a gap of KHO_IN_SPAN_GAP (a max-order block). */
		if (flags & KHO_MEM_RUN_RANGE)
			in->nr_range_runs++;
		else if (flags & KHO_MEM_RUN_BITMAP)
			in->nr_spans += min_t(u64, (span >> MAX_PAGE_ORDER) + 1,
					      (u64)le32_to_cpu(run->nr) *
					      KHO_IN_WORD_BITS);
		else
			in->nr_spans++;
		/* Items of the restore index: bounded by the record's size. */
		items += flags & KHO_MEM_RUN_RANGE ? 1 :
			 flags & KHO_MEM_RUN_BITMAP ? span >> le16_to_cpu(run->order) :
			 le32_to_cpu(run->nr);
		if (!s || kind != last) {
			if (s)
				s->end = run;
			/* Kinds go up, so a client has at most KHO_NR_KINDS. */
			s = &in->streams[in->nr_streams++];
			s->first = run;
			s->client = ci;
			last = kind;
		}
		run = next;
	}
	if (s)
		s->end = run;
	if (items > kho_in_items_max(c->mem.size,
				     PHYS_PFN(memblock_phys_mem_size())))
		return kho_in_fail(in, "preserved-memory record has too many items",
				   c->name, c->mem.addr, c->mem.size);
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
	in->nr_meta = 0;
	if (kho_in_add_meta(in, &in->fdt, KHO_IN_META_ROOT, NULL) ||
	    kho_in_add_meta(in, &in->table, KHO_IN_META_TABLE, NULL))
		return -EINVAL;
	in->root = phys_to_virt(in->fdt.addr);
	if (fdt_magic(in->root) != FDT_MAGIC)
		return kho_in_fail(in, "root FDT has a bad magic", NULL,
				   in->fdt.addr, in->fdt.size);
	if (fdt_totalsize(in->root) > in->fdt.size)
		return kho_in_fail(in, "root FDT larger than its buffer", NULL,
				   in->fdt.addr, fdt_totalsize(in->root));
	if (!kho_in_fdt_sound(in->root, in->fdt.size))
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
			.addr = fdt64_ld(&sp[2 * i]),
			.size = fdt64_ld(&sp[2 * i + 1]),
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
	in->nr_streams = 0;
	in->nr_range_runs = 0;
	in->nr_spans = 0;
	fdt_for_each_subnode(child, in->root, node) {
		struct kho_in_client *c = &in->clients[in->nr_clients];
		const char *name = fdt_get_name(in->root, child, &len);

		if (in->nr_clients == KHO_CLIENTS_MAX)
			return kho_in_fail(in, "too many clients", NULL, 0, 0);
		/* '@' would let libfdt match "foo" with "foo@1". */
		if (!name || !len || len > KHO_NAME_MAX ||
		    memchr(name, '/', len) || memchr(name, '@', len))
			return kho_in_fail(in, "bad client name", NULL, 0, len);
		for (i = 0; i < in->nr_clients; i++) {
			if (!strcmp(in->clients[i].name, name))
				return kho_in_fail(in, "duplicate client name",
						   name, 0, 0);
		}
		memset(c, 0, sizeof(*c));
		c->name = name;
		if (kho_in_prop_range(in, child, KHO_FDT_SUB_FDT, name,
				      &c->fdt) ||
		    kho_in_prop_range(in, child, KHO_FDT_BLOB, name,
				      &c->blob) ||
		    kho_in_prop_range(in, child, KHO_FDT_MEM, name, &c->mem))
			return -EINVAL;
		if (c->mem.size &&
		    (!kho_range_ok(c->mem.addr, c->mem.size) ||
		     c->mem.size < sizeof(struct kho_mem_header)))
			return kho_in_fail(in, "bad preserved-memory record range",
					   name, c->mem.addr, c->mem.size);
		if (c->mem.size &&
		    (kho_in_add_meta(in, &c->mem, KHO_IN_META_RECORD, name) ||
		     kho_in_record(in, in->nr_clients)))
			return -EINVAL;
		in->nr_clients++;
	}
	if (child != -FDT_ERR_NOTFOUND)
		return kho_in_fail(in, "root FDT clients node is malformed",
				   NULL, in->fdt.addr, in->fdt.size);
	kho_in_sort_meta(in);
	return 0;
}

/* First bit at or after @from in @w that is @set; @nbits if none. */
static u64 __init kho_next_bit(const __le64 *w, u64 nbits, u64 from, bool set)
{
	while (from < nbits) {
		u64 x = le64_to_cpu(w[from / 64]);

		if (!set)
			x = ~x;
		x &= ~0ULL << (from % 64);
		if (x)
			return min_t(u64, nbits, (from & ~63ULL) + __ffs64(x));
		from = (from | 63) + 1;
	}
	return nbits;
}

/*
 * End of a span of a bitmap of @nr words that has a stretch of set bits
 * ending at @e: stretches closer than @gap bits go together, so the span
 * ends where a gap of @gap clear bits (or the bitmap) starts.  With @gap
 * at least a word, gaps inside a word never count, and whole words are
 * looked at.
 */
static u64 __init kho_span_end(const __le64 *w, u64 nr, u64 e, u64 gap)
{
	u64 i, x, n;

	if (gap < KHO_IN_WORD_BITS) {
		for (;;) {
			n = kho_next_bit(w, nr * KHO_IN_WORD_BITS, e, true);
			if (n >= nr * KHO_IN_WORD_BITS || n - e >= gap)
				return e;
			e = kho_next_bit(w, nr * KHO_IN_WORD_BITS, n, false);
		}
	}
	for (i = e / KHO_IN_WORD_BITS; i < nr; i++) {
		x = le64_to_cpu(w[i]);
		if (i == e / KHO_IN_WORD_BITS)
			x &= ~0ULL << (e % KHO_IN_WORD_BITS);
		if (!x)
			continue;
		n = i * KHO_IN_WORD_BITS + __ffs64(x);
		if (n - e >= gap)
			return e;
		e = i * KHO_IN_WORD_BITS + fls64(x);
	}
	return e;
}

/*
 * Put stream @s on its next preserved range: a plain or range run as a
 * whole, or the next stretch of set bits of a bitmap run; with @s->span,
 * the next span of a bitmap run: stretches with less than
 * %KHO_IN_SPAN_GAP pages between them, and the holes between them.
 * Runs were checked by kho_in_record().  Returns false once exhausted.
 */
static bool __init kho_stream_load(struct kho_in_stream *s)
{
	while ((const void *)s->run < s->end) {
		const struct kho_mem_run *run = s->run;
		u16 flags = le16_to_cpu(run->flags);
		unsigned int order = le16_to_cpu(run->order);
		u64 pfn = le64_to_cpu(run->pfn), nr = le32_to_cpu(run->nr);
		const __le64 *words = (const __le64 *)(run + 1);
		u64 b, e;

		s->folios = !(flags & KHO_MEM_RUN_RANGE);
		if (!(flags & KHO_MEM_RUN_BITMAP)) {
			s->next.addr = PFN_PHYS(pfn);
			s->next.size = PFN_PHYS(kho_run_span(flags, order, nr));
			s->run = run + 1;
			return true;
		}
		b = kho_next_bit(words, nr * 64, s->bit, true);
		if (b < nr * 64) {
			e = kho_next_bit(words, nr * 64, b, false);
			if (s->span)
				e = kho_span_end(words, nr, e,
						 max_t(u64, KHO_IN_SPAN_GAP >> order,
						       1));
			s->next.addr = PFN_PHYS(pfn + (b << order));
			s->next.size = PFN_PHYS((e - b) << order);
			s->bit = e;
			return true;
		}
		s->run = (const void *)(words + nr);
		s->bit = 0;
	}
	return false;
}

static bool __init kho_heap_less(struct kho_in *in, unsigned int a,
				 unsigned int b)
{
	return in->streams[in->heap[a]].next.addr <
	       in->streams[in->heap[b]].next.addr;
}

static void __init kho_heap_down(struct kho_in *in, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, m = i;

		if (l < in->heap_len && kho_heap_less(in, l, m))
			m = l;
		if (l + 1 < in->heap_len && kho_heap_less(in, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		swap(in->heap[i], in->heap[m]);
		i = m;
	}
}

/*
 * Start the merge over the clients' runs: every stream (%KHO_IN_ALL), the
 * streams of ranges (%KHO_IN_RANGES), or those of folios, range by range
 * (%KHO_IN_FOLIOS) or a span at a time (%KHO_IN_SPANS).
 */
static void __init kho_in_rewind(struct kho_in *in, enum kho_in_walk walk)
{
	unsigned int i;

	in->heap_len = 0;
	for (i = 0; i < in->nr_streams; i++) {
		struct kho_in_stream *s = &in->streams[i];
		bool range = le16_to_cpu(s->first->flags) & KHO_MEM_RUN_RANGE;

		if (walk == KHO_IN_RANGES ? !range : walk != KHO_IN_ALL && range)
			continue;
		s->run = s->first;
		s->bit = 0;
		s->span = walk == KHO_IN_SPANS;
		s->tried = NULL;
		if (kho_stream_load(s))
			in->heap[in->heap_len++] = i;
	}
	for (i = in->heap_len / 2; i-- > 0; )
		kho_heap_down(in, i);
}

/*
 * Next preserved range in address order: the lowest of all streams,
 * through a min-heap, so O(log streams) a range.  The order between
 * ranges is checked by the caller.  Returns false at the end.
 */
static bool __init kho_in_next(struct kho_in *in, struct kho_range *r,
			       const char **client, bool *folios)
{
	struct kho_in_stream *s;

	if (!in->heap_len)
		return false;
	s = &in->streams[in->heap[0]];
	*r = s->next;
	*client = in->clients[s->client].name;
	*folios = s->folios;
	if (!kho_stream_load(s))
		in->heap[0] = in->heap[--in->heap_len];
	kho_heap_down(in, 0);
	return true;
}

/*
 * Sub-FDTs and blobs must each lie in one preserved range of their own
 * client or of "default".  @subs lists them sorted by address, each as
 * client index * 2 + 1 for a blob; the merge calls kho_in_subs_see() for
 * every range in address order, so one cursor walks them all.
 */
struct kho_in_subs {
	u8 idx[2 * KHO_CLIENTS_MAX];
	bool ok[2 * KHO_CLIENTS_MAX];
	unsigned int nr;
	unsigned int cur;
};

static const struct kho_range *kho_in_sub(const struct kho_in *in,
					  const struct kho_in_subs *subs,
					  unsigned int i)
{
	const struct kho_in_client *c = &in->clients[subs->idx[i] / 2];

	return subs->idx[i] % 2 ? &c->blob : &c->fdt;
}

static void __init kho_in_subs_init(struct kho_in *in, struct kho_in_subs *subs)
{
	unsigned int i, j;

	subs->nr = 0;
	subs->cur = 0;
	for (i = 0; i < 2 * in->nr_clients; i++) {
		const struct kho_in_client *c = &in->clients[i / 2];
		const struct kho_range *r = i % 2 ? &c->blob : &c->fdt;

		if (!r->size)
			continue;
		/* Insertion sort: a handful of entries. */
		for (j = subs->nr;
		     j && kho_in_sub(in, subs, j - 1)->addr > r->addr; j--)
			subs->idx[j] = subs->idx[j - 1];
		subs->idx[j] = i;
		subs->ok[subs->nr++] = false;
	}
}

static void __init kho_in_subs_see(struct kho_in *in, struct kho_in_subs *subs,
				   const struct kho_range *r, const char *client)
{
	while (subs->cur < subs->nr) {
		const struct kho_range *sub = kho_in_sub(in, subs, subs->cur);
		const char *name = in->clients[subs->idx[subs->cur] / 2].name;

		if (sub->addr >= r->addr + r->size)
			return;
		subs->ok[subs->cur++] = sub->addr >= r->addr &&
			sub->addr + sub->size <= r->addr + r->size &&
			(!strcmp(client, name) ||
			 !strcmp(client, KHO_DEFAULT_CLIENT));
	}
}

static int __init kho_in_check_subtrees(struct kho_in *in,
					struct kho_in_subs *subs)
{
	unsigned int i;

	for (i = 0; i < subs->nr; i++) {
		const struct kho_range *sub = kho_in_sub(in, subs, i);
		const char *name = in->clients[subs->idx[i] / 2].name;
		bool blob = subs->idx[i] % 2;

		if (!subs->ok[i])
			return kho_in_fail(in, blob ?
					   "blob outside the client's preserved memory" :
					   "sub-FDT outside the client's preserved memory",
					   name, sub->addr, sub->size);
		if (i && kho_range_overlap(sub, kho_in_sub(in, subs, i - 1)))
			return kho_in_fail(in, "sub-FDTs overlap", name,
					   sub->addr, sub->size);
		/* A blob is the client's own business: no format to check. */
		if (blob)
			continue;
		if (sub->size < sizeof(struct fdt_header))
			return kho_in_fail(in, "sub-FDT smaller than an FDT header",
					   name, sub->addr, sub->size);
		if (!IS_ALIGNED(sub->addr, KHO_IN_FDT_ALIGN))
			return kho_in_fail(in, "sub-FDT not 8-byte aligned",
					   name, sub->addr, sub->size);
		if (!kho_in_fdt_sound(phys_to_virt(sub->addr), sub->size))
			return kho_in_fail(in, "sub-FDT is malformed", name,
					   sub->addr, sub->size);
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

/**
 * struct kho_in_cursor - where the check of the merged ranges stands
 * @mi: first memory region that may hold the next range
 * @ri: first reserved region that may overlap it
 * @si: first scratch region that may overlap it
 * @mt: first piece of metadata that may overlap it
 * @prev_end: end of the last range checked
 * @subs: the sub-FDTs and blobs, seen in address order
 */
struct kho_in_cursor {
	unsigned long mi;
	unsigned long ri;
	unsigned int si;
	unsigned int mt;
	phys_addr_t prev_end;
	struct kho_in_subs subs;
};

/*
 * Why @r, the next range in address order, cannot be preserved memory,
 * or NULL if it can; *@meta is the metadata it overlaps, if that is why.
 * Moves the cursors of @c up to @r.
 */
static const char *__init kho_in_range_why(struct kho_in *in,
					   struct kho_in_cursor *c,
					   const struct kho_range *r,
					   const struct kho_in_meta **meta)
{
	const struct memblock_type *mem = &memblock.memory;
	const struct memblock_type *rsv = &memblock.reserved;
	phys_addr_t end = r->addr + r->size;

	*meta = NULL;
	if (in->nr_ranges && r->addr < c->prev_end)
		return "preserved ranges overlap or are out of order";

	while (c->si < in->nr_scratch &&
	       in->scratch[c->si].addr + in->scratch[c->si].size <= r->addr)
		c->si++;
	if (c->si < in->nr_scratch && in->scratch[c->si].addr < end)
		return "preserved range inside scratch";

	c->mi = kho_in_seek(mem, c->mi, r->addr);
	if (c->mi == mem->cnt || mem->regions[c->mi].base > r->addr ||
	    end > mem->regions[c->mi].base + mem->regions[c->mi].size)
		return "preserved range outside RAM";

	c->ri = kho_in_seek(rsv, c->ri, r->addr);
	if (c->ri < rsv->cnt && rsv->regions[c->ri].size &&
	    rsv->regions[c->ri].base < end)
		return "preserved range overlaps memory this kernel uses";

	while (c->mt < in->nr_meta &&
	       in->meta[c->mt].r.addr + in->meta[c->mt].r.size <= r->addr)
		c->mt++;
	if (c->mt < in->nr_meta && in->meta[c->mt].r.addr < end) {
		*meta = &in->meta[c->mt];
		return "preserved range overlaps handover metadata";
	}
	return NULL;
}

/*
 * If the merge's lowest stream stands in a bitmap run not tried yet, and
 * no other stream's next range starts before the run's last set bit, the
 * end of that window, which starts at the stream's current range; else 0.
 * Marks the run tried: each run is tried once.
 */
static phys_addr_t __init kho_in_run_alone(struct kho_in *in)
{
	struct kho_in_stream *s = &in->streams[in->heap[0]];
	const struct kho_mem_run *run = s->run;
	const __le64 *words = (const __le64 *)(run + 1);
	u64 i = le32_to_cpu(run->nr) - 1;
	phys_addr_t end;
	unsigned int k;

	/* After a plain run, s->run is the next one and s->bit is 0. */
	if (!s->folios || !(le16_to_cpu(run->flags) & KHO_MEM_RUN_BITMAP) ||
	    !s->bit || s->tried == run)
		return 0;
	s->tried = run;
	/* The current range is in the run: a word is set. */
	while (!words[i])
		i--;
	end = PFN_PHYS(le64_to_cpu(run->pfn) +
		       ((i * KHO_IN_WORD_BITS + fls64(le64_to_cpu(words[i]))) <<
			le16_to_cpu(run->order)));
	for (k = 1; k <= 2 && k < in->heap_len; k++) {
		if (in->streams[in->heap[k]].next.addr < end)
			return 0;
	}
	return end;
}

/* Move the merge's lowest stream, in a bitmap run, to its next run. */
static void __init kho_in_next_run(struct kho_in *in)
{
	struct kho_in_stream *s = &in->streams[in->heap[0]];

	s->run = (const void *)((const __le64 *)(s->run + 1) +
				le32_to_cpu(s->run->nr));
	s->bit = 0;
	if (!kho_stream_load(s))
		in->heap[0] = in->heap[--in->heap_len];
	kho_heap_down(in, 0);
}

/*
 * The common case of scattered folios, a word at a time: if the rest of
 * the bitmap run under the merge's lowest stream lies before every other
 * stream's next range (kho_in_run_alone()), and that window as a whole
 * passes the checks of one range (in one RAM region, outside scratch,
 * apart from reservations and metadata, and holds no sub-FDT or blob),
 * every range in it passes them.  Counts its ranges and bytes, moves the
 * stream to its next run and returns true; returns false, changing
 * nothing but the cursors, to check range by range.
 */
static bool __init kho_in_check_run(struct kho_in *in, struct kho_in_cursor *c)
{
	struct kho_in_stream *s = &in->streams[in->heap[0]];
	const struct kho_mem_run *run = s->run;
	const __le64 *words = (const __le64 *)(run + 1);
	u64 i, x, carry = 0, starts = 0, ones = 0;
	const struct kho_in_meta *meta;
	struct kho_range w;

	w.addr = s->next.addr;
	w.size = kho_in_run_alone(in);
	if (!w.size)
		return false;
	w.size -= w.addr;
	if (kho_in_range_why(in, c, &w, &meta) ||
	    (c->subs.cur < c->subs.nr &&
	     kho_in_sub(in, &c->subs, c->subs.cur)->addr < w.addr + w.size))
		return false;

	/* Bit s->bit, the end of the current range, is clear. */
	for (i = s->bit / KHO_IN_WORD_BITS; i < le32_to_cpu(run->nr); i++) {
		x = le64_to_cpu(words[i]);
		if (i == s->bit / KHO_IN_WORD_BITS)
			x &= ~0ULL << (s->bit % KHO_IN_WORD_BITS);
		starts += hweight64(x & ~((x << 1) | carry));
		ones += hweight64(x);
		carry = x >> (KHO_IN_WORD_BITS - 1);
	}
	in->nr_ranges += 1 + starts;
	in->bytes += s->next.size +
		     PFN_PHYS(ones << le16_to_cpu(run->order));
	c->prev_end = w.addr + w.size;
	kho_in_next_run(in);
	return true;
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
 * KHO's own metadata (root FDT, scratch table, records) must be outside
 * scratch, not in use, apart from each other and from every preserved
 * range; each is checked before it is read.  Sub-FDTs lie in their
 * client's preserved memory, apart from each other, and are sound FDTs.
 * Needs the direct map.
 *
 * Return: 0 with @in->nr_ranges and @in->bytes set, or -EINVAL with the
 * first reason in @in.
 */
int __init kho_in_check(struct kho_in *in)
{
	struct kho_in_cursor c = { };
	const struct kho_in_meta *meta;
	const char *client, *why;
	struct kho_range r;
	bool folios;

	if (kho_in_parse_fdt(in))
		return -EINVAL;
	kho_in_subs_init(in, &c.subs);

	in->nr_ranges = 0;
	in->bytes = 0;
	in->why = NULL;
	kho_in_rewind(in, KHO_IN_ALL);
	while (in->heap_len) {
		if (kho_in_check_run(in, &c))
			continue;
		kho_in_next(in, &r, &client, &folios);
		why = kho_in_range_why(in, &c, &r, &meta);
		if (meta)
			return kho_in_meta_fail(in, meta, KHO_IN_META_PRESERVED);
		if (why)
			return kho_in_fail(in, why, client, r.addr, r.size);
		c.prev_end = r.addr + r.size;
		kho_in_subs_see(in, &c.subs, &r, client);
		in->nr_ranges++;
		in->bytes += r.size;
	}
	return kho_in_check_subtrees(in, &c.subs);
}

/**
 * kho_in_client_has() - did a client preserve all of a range?
 * @in: a handover that passed kho_in_check()
 * @client: the client's name
 * @r: the range
 *
 * Walks the client's runs only, without disturbing the merge.
 *
 * Return: true if @r lies wholly inside one stretch of memory that
 * @client preserved (a range, or folios back to back in one run).
 */
bool __init kho_in_client_has(const struct kho_in *in, const char *client,
			      const struct kho_range *r)
{
	unsigned int i;

	for (i = 0; i < in->nr_streams; i++) {
		struct kho_in_stream s = in->streams[i];

		if (strcmp(in->clients[s.client].name, client))
			continue;
		s.run = s.first;
		s.bit = 0;
		while (kho_stream_load(&s) && s.next.addr <= r->addr) {
			if (r->addr + r->size <= s.next.addr + s.next.size &&
			    r->addr + r->size > r->addr)
				return true;
		}
	}
	return false;
}

/**
 * struct kho_in_spans - state of a merge that unites spans
 * @in: the handover
 * @cur: the span being built or cut, when @have_cur
 * @next: a range taken from the merge and put back, when @have_next
 * @si: first scratch region that may still meet a span
 * @have_cur: @cur is valid
 * @have_next: @next is valid
 */
struct kho_in_spans {
	struct kho_in *in;
	struct kho_range cur;
	struct kho_range next;
	unsigned int si;
	bool have_cur;
	bool have_next;
};

/* Take the next range of the merge, or the one put back in @st. */
static bool __init kho_in_take(struct kho_in_spans *st, struct kho_range *r)
{
	const char *client;
	bool folios;

	if (st->have_next) {
		*r = st->next;
		st->have_next = false;
		return true;
	}
	return kho_in_next(st->in, r, &client, &folios);
}

/*
 * Ranges (%KHO_MEM_RUN_RANGE runs) are reserved as they are and stay
 * reserved pages (reserve_mem uses them as they are).
 */
static bool __init kho_in_range_next(void *ctx, phys_addr_t *base,
				     phys_addr_t *size,
				     enum memblock_flags *flags)
{
	struct kho_range r;

	if (!kho_in_take(ctx, &r))
		return false;
	*base = r.addr;
	*size = r.size;
	*flags = MEMBLOCK_NONE;
	return true;
}

/*
 * Folios are reserved a span at a time (kho_stream_load()), the spans of all
 * clients and orders united where they overlap or touch, and cut around
 * scratch (a span's holes may hold some).  Their struct pages are not
 * marked reserved (%MEMBLOCK_KHO_PRESERVED): they go back to their owners
 * as allocated memory, and kho_in_walk_spans() tells the holes apart.
 */
static bool __init kho_in_span_next(void *ctx, phys_addr_t *base,
				    phys_addr_t *size,
				    enum memblock_flags *flags)
{
	struct kho_in_spans *st = ctx;
	struct kho_in *in = st->in;
	struct kho_range *cur = &st->cur, r;

	for (;;) {
		if (!st->have_cur) {
			if (!kho_in_take(st, cur))
				return false;
			while (kho_in_take(st, &r)) {
				if (r.addr > cur->addr + cur->size) {
					st->next = r;
					st->have_next = true;
					break;
				}
				cur->size = max(cur->size,
						r.addr + r.size - cur->addr);
			}
			st->have_cur = true;
		}
		while (st->si < in->nr_scratch &&
		       in->scratch[st->si].addr + in->scratch[st->si].size <=
		       cur->addr)
			st->si++;
		if (st->si < in->nr_scratch &&
		    in->scratch[st->si].addr < cur->addr + cur->size) {
			const struct kho_range *sc = &in->scratch[st->si];
			phys_addr_t end = cur->addr + cur->size;

			/* A span starts and ends with a folio, outside scratch. */
			*base = cur->addr;
			*size = sc->addr - cur->addr;
			cur->addr = sc->addr + sc->size;
			cur->size = end - cur->addr;
			if (!*size)
				continue;
		} else {
			*base = cur->addr;
			*size = cur->size;
			st->have_cur = false;
		}
		*flags = MEMBLOCK_KHO_PRESERVED;
		return true;
	}
}

/* memblock_reserve() or, with !@reserve, memblock_phys_free() @addr. */
static void __init kho_in_reserve_one(phys_addr_t addr, phys_addr_t size,
				      bool reserve)
{
	if (reserve)
		memblock_reserve(addr, size);
	else
		memblock_phys_free(addr, size);
}

/* Reserve (@reserve) or free KHO's metadata: root FDT, table, records. */
static void __init kho_in_reserve_meta(struct kho_in *in, bool reserve)
{
	unsigned int i;

	kho_in_reserve_one(in->fdt.addr, in->fdt.size, reserve);
	kho_in_reserve_one(in->table.addr, PAGE_ALIGN(in->table.size), reserve);
	for (i = 0; i < in->nr_clients; i++) {
		if (in->clients[i].mem.size)
			kho_in_reserve_one(in->clients[i].mem.addr,
					   in->clients[i].mem.size, reserve);
	}
}

/**
 * kho_in_reserve() - reserve a checked handover in memblock
 * @in: a handover that passed kho_in_check()
 *
 * Reserves KHO's metadata (root FDT, scratch table and records) first,
 * then the ranges and the spans of the folios, each with one
 * memblock_reserve_sorted() pass.  A span's holes are memory the previous
 * kernel did not preserve: kho_in_walk_spans() finds them again for the
 * page allocator.  memblock_reserve() over a span later in boot takes its
 * part out of the span (see memblock_kho_reserved()), so a hole that this
 * kernel reserves for itself is never given away.
 *
 * Return: 0, or the error of memblock_reserve_sorted(); on error nothing
 * of the handover is reserved.
 */
int __init kho_in_reserve(struct kho_in *in)
{
	struct kho_in_spans st = { .in = in };
	struct kho_range r;
	int err = 0;

	kho_in_reserve_meta(in, true);
	if (in->nr_range_runs) {
		kho_in_rewind(in, KHO_IN_RANGES);
		err = memblock_reserve_sorted(kho_in_range_next, &st,
					      in->nr_range_runs);
		if (err)
			goto undo_meta;
	}
	if (in->nr_spans) {
		kho_in_rewind(in, KHO_IN_SPANS);
		err = memblock_reserve_sorted(kho_in_span_next, &st,
					      in->nr_spans + in->nr_scratch);
		if (err)
			goto undo_ranges;
	}
	return 0;

undo_ranges:
	kho_in_rewind(in, KHO_IN_RANGES);
	st.have_next = false;
	while (kho_in_take(&st, &r))
		memblock_phys_free(r.addr, r.size);
undo_meta:
	kho_in_reserve_meta(in, false);
	return err;
}

/*
 * Report the rest of the bitmap run under the merge's lowest stream, a
 * stretch and a hole at a time from @pos, if it lies before @end and
 * before every other stream's next range (kho_in_run_alone()); then move
 * the stream to its next run.  Returns the end of what was reported, or 0
 * to walk range by range.
 */
static phys_addr_t __init kho_in_walk_run(struct kho_in *in, phys_addr_t pos,
					  phys_addr_t end, int nid,
					  kho_in_walk_fn fn, void *ctx)
{
	struct kho_in_stream *s = &in->streams[in->heap[0]];
	const struct kho_mem_run *run = s->run;
	const __le64 *words = (const __le64 *)(run + 1);
	u64 pfn = le64_to_cpu(run->pfn);
	u64 nbits = le32_to_cpu(run->nr) * KHO_IN_WORD_BITS, b, e;
	unsigned int order = le16_to_cpu(run->order);
	phys_addr_t last;

	if (s->next.addr < pos)
		return 0;
	last = kho_in_run_alone(in);
	if (!last || last > end)
		return 0;
	b = (s->next.addr - PFN_PHYS(pfn)) >> (PAGE_SHIFT + order);
	e = s->bit;
	for (;;) {
		phys_addr_t sb = PFN_PHYS(pfn + (b << order));
		phys_addr_t se = PFN_PHYS(pfn + (e << order));

		if (sb > pos)
			fn(ctx, pos, sb, nid, KHO_IN_PIECE_HOLE);
		fn(ctx, sb, se, nid, KHO_IN_PIECE_FOLIOS);
		pos = se;
		b = kho_next_bit(words, nbits, e, true);
		if (b == nbits)
			break;
		e = kho_next_bit(words, nbits, b, false);
	}
	kho_in_next_run(in);
	return pos;
}

/*
 * Report [@pos, @end), a piece of RAM in a span, as folios and holes from
 * the merge of the folio streams; ranges that go on past @end stay in it.
 */
static void __init kho_in_walk_piece(struct kho_in *in, phys_addr_t pos,
				     phys_addr_t end, int nid,
				     kho_in_walk_fn fn, void *ctx)
{
	const struct kho_range *f;
	phys_addr_t stop;
	struct kho_range r;
	const char *client;
	bool folios;

	fn(ctx, pos, end, nid, KHO_IN_PIECE_RAM);
	while (pos < end) {
		f = in->heap_len ? &in->streams[in->heap[0]].next : NULL;
		if (f && f->addr + f->size <= pos) {
			kho_in_next(in, &r, &client, &folios);
			continue;
		}
		if (!f || f->addr >= end) {
			fn(ctx, pos, end, nid, KHO_IN_PIECE_HOLE);
			return;
		}
		stop = kho_in_walk_run(in, pos, end, nid, fn, ctx);
		if (stop) {
			pos = stop;
			continue;
		}
		if (f->addr > pos) {
			fn(ctx, pos, f->addr, nid, KHO_IN_PIECE_HOLE);
			pos = f->addr;
		}
		stop = min(end, f->addr + f->size);
		fn(ctx, pos, stop, nid, KHO_IN_PIECE_FOLIOS);
		pos = stop;
	}
}

/**
 * kho_in_walk_spans() - tell the folios of the reserved spans from the holes
 * @in: a handover reserved by kho_in_reserve()
 * @fn: called in address order for each piece of RAM in a span
 *	(%KHO_IN_PIECE_RAM), then for the folios and holes in it
 *	(%KHO_IN_PIECE_FOLIOS, %KHO_IN_PIECE_HOLE), which tile it; @nid is
 *	the node of the memory region the piece lies in
 * @ctx: passed to @fn
 *
 * Walks memblock's %MEMBLOCK_KHO_PRESERVED regions (what is left of the
 * spans once the rest of early boot reserved its own memory), the memory
 * regions (without %MEMBLOCK_NOMAP ones) and the preserved folios
 * together, in one address-ordered pass; a bitmap run alone in its part
 * of the address space goes a word at a time.  Does not change memblock.
 */
void __init kho_in_walk_spans(struct kho_in *in, kho_in_walk_fn fn, void *ctx)
{
	const struct memblock_type *mem = &memblock.memory;
	const struct memblock_type *rsv = &memblock.reserved;
	unsigned long ri, mi = 0;

	kho_in_rewind(in, KHO_IN_FOLIOS);
	for (ri = 0; ri < rsv->cnt; ri++) {
		const struct memblock_region *rr = &rsv->regions[ri];
		phys_addr_t rend = rr->base + rr->size;

		if (!(rr->flags & MEMBLOCK_KHO_PRESERVED))
			continue;
		mi = kho_in_seek(mem, mi, rr->base);
		for (; mi < mem->cnt && mem->regions[mi].base < rend; mi++) {
			const struct memblock_region *m = &mem->regions[mi];

			if (!(m->flags & MEMBLOCK_NOMAP))
				kho_in_walk_piece(in, max(rr->base, m->base),
						  min(rend, m->base + m->size),
						  memblock_get_region_node(m),
						  fn, ctx);
			/* The region may go on into the next memory region. */
			if (m->base + m->size > rend)
				break;
		}
	}
}
