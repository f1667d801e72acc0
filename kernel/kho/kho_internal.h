/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover: declarations shared by the files of kernel/kho/ and by the
 * userspace simulator that builds the same files (tools/testing/kho).
 */
#ifndef _KERNEL_KHO_INTERNAL_H
#define _KERNEL_KHO_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/xarray.h>
#include <linux/kho/abi.h>

struct dentry;

/* kho_scratch=N%: N is a percentage in [1, KHO_SCRATCH_SCALE_MAX]. */
#define KHO_SCRATCH_SCALE_DEFAULT	200
#define KHO_SCRATCH_SCALE_MAX		10000

/* Explicit sizes above this are rejected as malformed (1 PiB). */
#define KHO_SCRATCH_SIZE_MAX		BIT_ULL(50)

/**
 * enum kho_scratch_mode - how the scratch regions are sized
 * @KHO_SCRATCH_SCALED: from the memory the kernel reserved during early
 *	boot, multiplied by a percentage
 * @KHO_SCRATCH_FIXED: explicit sizes given on the command line
 */
enum kho_scratch_mode {
	KHO_SCRATCH_SCALED,
	KHO_SCRATCH_FIXED,
};

/**
 * struct kho_scratch_cfg - parsed value of kho_scratch=
 * @mode: scaled or fixed sizes
 * @scale_pct: percentage, when @mode is %KHO_SCRATCH_SCALED
 * @low: size of the low-memory region, when @mode is %KHO_SCRATCH_FIXED
 * @global: size of the global region, when @mode is %KHO_SCRATCH_FIXED
 * @pernode: size of each per-node region, when @mode is %KHO_SCRATCH_FIXED
 */
struct kho_scratch_cfg {
	enum kho_scratch_mode mode;
	unsigned int scale_pct;
	u64 low;
	u64 global;
	u64 pernode;
};

u64 kho_scratch_scaled_size(u64 kern_bytes, unsigned int scale_pct,
			    u64 granule);

/* Scratch regions: low memory, global, and one per node with memory. */
#define KHO_SCRATCH_MAX			(2 + MAX_NUMNODES)

/**
 * struct kho_range - a physical memory range
 * @addr: physical address
 * @size: size in bytes
 */
struct kho_range {
	phys_addr_t addr;
	phys_addr_t size;
};

/**
 * struct kho_fdt_client - what the root FDT records for one client
 * @name: client name, at most %KHO_NAME_MAX characters
 * @fdt: the client's sub-FDT, or size 0 if it added none
 * @blob: the client's blob, or size 0 if it added none
 * @mem: the client's preserved-memory record, or size 0 if none
 */
struct kho_fdt_client {
	const char *name;
	struct kho_range fdt;
	struct kho_range blob;
	struct kho_range mem;
};

size_t kho_fdt_root_size(unsigned int nr_scratch, unsigned int nr_clients);
int kho_fdt_write_root(void *buf, size_t size, const struct kho_range *scratch,
		       unsigned int nr_scratch,
		       const struct kho_fdt_client *clients,
		       unsigned int nr_clients);

/* Name of the client behind the upstream-compatible calls. */
#define KHO_DEFAULT_CLIENT	"default"

/* Kinds of preserved memory: folios of order 0 .. MAX_PAGE_ORDER, ranges. */
#define KHO_KIND_RANGE		NR_PAGE_ORDERS
#define KHO_NR_KINDS		(NR_PAGE_ORDERS + 1)

struct kho_in_mem;

/**
 * struct kho_client - a named owner of preserved memory
 * @list: entry in kho_clients
 * @name: the name, also the name of its node in the root FDT
 * @id: its number, below %KHO_CLIENTS_MAX, free for reuse once it is freed
 * @users: references from kho_client_get() not yet dropped
 * @folios: per order, one bit per folio of that order the client
 *	preserved: index (pfn >> order) / bits per page, value a bitmap page
 * @ranges: physical ranges the client preserved, sorted by address
 * @nr_ranges: number of @ranges in use
 * @cap: number of @ranges allocated
 * @in: what the previous kernel handed over for this client, if anything
 *
 * A client lives while it has users or holds anything (client.c).
 * @folios change with atomic bit operations; @users, @ranges, @nr_ranges
 * and @cap under kho_mem_lock; @in is set once at core_initcall (see
 * &struct kho_in_mem in in_index.c).
 */
struct kho_client {
	struct list_head list;
	char name[KHO_NAME_MAX + 1];
	unsigned int id;
	unsigned int users;
	struct xarray folios[NR_PAGE_ORDERS];
	struct kho_range *ranges;
	unsigned int nr_ranges;
	unsigned int cap;
	struct kho_in_mem *in;
};

/* Bits in one bitmap page of the outgoing tracking. */
#define KHO_CHUNK_BITS		(PAGE_SIZE * BITS_PER_BYTE)
#define KHO_CHUNK_WORDS		(KHO_CHUNK_BITS / BITS_PER_LONG)

/*
 * The used map of the outgoing tracking (out_track.c): which pages anything
 * preserved holds, across clients and kinds.  Pages go in groups of
 * BITS_PER_LONG, a word of the page map.  Folios below KHO_GROUP_ORDER set
 * their pages' bits there; larger folios, and the groups a range covers
 * whole, set their groups' "whole" bits in the group map instead.  A word
 * of the group map holds KHO_GROUPS_PER_WORD groups: their "whole" bits in
 * its low half and their "parts" bits (the page map may hold bits of the
 * group; only ever set) in its high half.
 */
#define KHO_GROUP_ORDER		ilog2(BITS_PER_LONG)
#define KHO_GROUPS_PER_WORD	(BITS_PER_LONG / 2)
/* Pages one page of the page map, and one of the group map, covers. */
#define KHO_PAGE_MAP_PAGES	KHO_CHUNK_BITS
#define KHO_GROUP_MAP_PAGES	((unsigned long)KHO_CHUNK_WORDS * \
				 KHO_GROUPS_PER_WORD << KHO_GROUP_ORDER)

/**
 * struct kho_track_hint - where a CPU's last preserve of one order went
 * @gen: kho_track_gen when it was taken
 * @c: the client
 * @free_lo: first pfn of the hint's window: the pages @chunk, @pages and
 *	@groups all cover, less those on the far side of any scratch region
 *	from the folio the hint was taken for
 * @free_n: how many pfns from @free_lo on a folio of the hint's order may
 *	start at and still end in the window (a folio starting elsewhere
 *	goes the long way, which checks it against scratch)
 * @chunk: @c's bitmap page of that order covering the window
 * @pages: the page of the page map covering it; NULL for orders from
 *	%KHO_GROUP_ORDER on, which do not use it
 * @groups: the page of the group map covering it
 * @mask: kho_used_mask() of the hint's order
 *
 * A client's chunks live until kho_track_free(), which makes every hint
 * stale by moving kho_track_gen on, and used map pages live for good; so
 * a hint whose @gen is current still names the right pages.  Consecutive
 * preserves, the common case, then skip the xarray lookups and the
 * scratch check.  @c is set only together with the rest: a hint that
 * names a client names its pages.
 */
struct kho_track_hint {
	unsigned long gen;
	struct kho_client *c;
	unsigned long free_lo;
	unsigned long free_n;
	unsigned long *chunk;
	unsigned long *pages;
	unsigned long *groups;
	unsigned long mask;
};

/*
 * Pages in the window of a hint for folios of @order: the pages a bitmap
 * page and a used map page cover are aligned powers of two, so the pages
 * all of them cover are those of the smallest.
 */
static inline unsigned long kho_track_window(unsigned int order)
{
	if (order < KHO_GROUP_ORDER)
		return min(KHO_CHUNK_BITS << order, KHO_PAGE_MAP_PAGES);
	return min(KHO_CHUNK_BITS << order, KHO_GROUP_MAP_PAGES);
}

/* client.c */
extern struct mutex kho_mem_lock;
extern struct list_head kho_clients;

struct kho_client *kho_client_lookup(const char *name);
bool kho_name_ok(const char *name);

/* core.c: what this kernel boots and keeps allocating from */
extern struct kho_range kho_scratch[KHO_SCRATCH_MAX];
extern unsigned int kho_scratch_cnt;

/* out_track.c, out_record.c */
unsigned int kho_range_find(const struct kho_client *c, phys_addr_t addr);
int kho_track_del_folio(struct kho_client *c, unsigned long pfn,
			unsigned int order);
int kho_track_add_range(struct kho_client *c, phys_addr_t phys,
			phys_addr_t size);
int kho_track_del_range(struct kho_client *c, phys_addr_t phys,
			phys_addr_t size);
bool kho_track_has(struct kho_client *c, phys_addr_t phys, phys_addr_t size);
bool kho_overlaps_scratch(phys_addr_t addr, phys_addr_t size);
unsigned long kho_track_usage(struct kho_client *c, u64 *bytes);
void kho_track_free(struct kho_client *c);
void *kho_write_record(struct kho_client *c, size_t *size);

DECLARE_PER_CPU(struct kho_track_hint [NR_PAGE_ORDERS], kho_track_hints);
extern unsigned long kho_track_gen;
int kho_track_add_folio(struct kho_client *c, unsigned long pfn,
			unsigned int order);

/**
 * enum kho_used_seen - what taking a folio's pages in the used map found
 * @KHO_USED_FREE: nothing; the pages are taken
 * @KHO_USED_TAKEN: some of them held already; nothing taken
 * @KHO_USED_WHOLE: taken in the page map, but their group is held whole
 * @KHO_USED_PARTS: taken whole, but the page map may hold pages of the
 *	groups
 *
 * The last two are taken and need a look at the other map: see
 * kho_track_settle_folio().
 */
enum kho_used_seen {
	KHO_USED_FREE,
	KHO_USED_TAKEN,
	KHO_USED_WHOLE,
	KHO_USED_PARTS,
};

int kho_track_settle_folio(unsigned long pfn, unsigned int order,
			   unsigned long *chunk, enum kho_used_seen seen);

/* The word of the group map page @groups that holds the group of @pfn. */
static __always_inline unsigned long *kho_group_word(unsigned long *groups,
						     unsigned long pfn)
{
	return groups + (pfn % KHO_GROUP_MAP_PAGES >> KHO_GROUP_ORDER) /
			KHO_GROUPS_PER_WORD;
}

/* The "whole" bit of the group of @pfn in its group map word. */
static __always_inline unsigned int kho_group_bit(unsigned long pfn)
{
	return (pfn >> KHO_GROUP_ORDER) % KHO_GROUPS_PER_WORD;
}

/*
 * Set the bits @mask of *@w unless any of them is set; fully ordered if
 * it does.  Return: whether it did.
 */
static __always_inline bool kho_used_set_mask(unsigned long *w,
					      unsigned long mask)
{
	unsigned long old = READ_ONCE(*w);

	do {
		if (old & mask)
			return false;
	} while (!try_cmpxchg(w, &old, old | mask));
	return true;
}

/*
 * The bits a folio of @order holds in a word of the used map, from bit 0:
 * a bit per page below KHO_GROUP_ORDER, a bit per group from there on.
 */
static __always_inline unsigned long kho_used_mask(unsigned int order)
{
	return BIT(BIT(order % KHO_GROUP_ORDER)) - 1;
}

/*
 * Take the pages @mask says from @pfn on (bits from 0), inside one group,
 * in the page map page @pages, unless one of them is held; then mark the
 * group as having parts in @groups, its group map page, and look whether
 * it is held whole.
 * Setting the pages is fully ordered, so they are visible before we read
 * the group word; whoever takes the group whole sets its bits there first
 * and reads the page map after, so at least one of us sees the other.
 * The "parts" bit is only ever set: once set it is read, not set again
 * (setting it is fully ordered too, and our later read of its word sees
 * what came before).
 */
static __always_inline enum kho_used_seen
kho_used_take_pages(unsigned long *pages, unsigned long *groups,
		    unsigned long pfn, unsigned long mask)
{
	unsigned long idx = pfn % KHO_PAGE_MAP_PAGES;
	unsigned long *g = kho_group_word(groups, pfn);
	unsigned int bit = kho_group_bit(pfn);

	if (mask == 1) {
		if (test_and_set_bit(idx, pages))
			return KHO_USED_TAKEN;
	} else if (!kho_used_set_mask(pages + idx / BITS_PER_LONG,
				      mask << idx % BITS_PER_LONG)) {
		return KHO_USED_TAKEN;
	}
	if (!(READ_ONCE(*g) & BIT(bit + KHO_GROUPS_PER_WORD)))
		test_and_set_bit(bit + KHO_GROUPS_PER_WORD, g);
	return READ_ONCE(*g) & BIT(bit) ? KHO_USED_WHOLE : KHO_USED_FREE;
}

/*
 * Take the groups @mask says from @pfn's on (bits from 0), in one word of
 * the group map page @groups, whole, unless one of them is held whole;
 * then say whether the page map may hold pages of them.  Fully ordered,
 * see above.
 */
static __always_inline enum kho_used_seen
kho_used_take_groups(unsigned long *groups, unsigned long pfn,
		     unsigned long mask)
{
	unsigned long *g = kho_group_word(groups, pfn);

	mask <<= kho_group_bit(pfn);

	if (!kho_used_set_mask(g, mask))
		return KHO_USED_TAKEN;
	return READ_ONCE(*g) & mask << KHO_GROUPS_PER_WORD ? KHO_USED_PARTS :
							     KHO_USED_FREE;
}

/*
 * Claim the bit of a folio at @pfn of @order in @chunk, its client's
 * bitmap page, and take its pages in the used map (@pages and @groups,
 * the map pages covering it; see out_track.c).  The claim makes the
 * client's own double preserve fail before it touches the used map, whose
 * bits are the claim's winner's.  In the common case nothing holds the
 * pages and there is nothing more to do.
 */
static __always_inline int kho_track_claim_folio(unsigned long pfn,
						 unsigned int order,
						 unsigned long *chunk,
						 unsigned long *pages,
						 unsigned long *groups,
						 unsigned long mask)
{
	enum kho_used_seen seen;

	if (test_and_set_bit((pfn >> order) % KHO_CHUNK_BITS, chunk))
		return -EEXIST;
	if (order < KHO_GROUP_ORDER)
		seen = kho_used_take_pages(pages, groups, pfn, mask);
	else
		seen = kho_used_take_groups(groups, pfn, mask);
	if (likely(seen == KHO_USED_FREE))
		return 0;
	return kho_track_settle_folio(pfn, order, chunk, seen);
}

/* kho_track_add_folio_hinted(): this CPU's hint does not cover the folio. */
#define KHO_TRACK_MISS		1

/*
 * kho_track_add_folio() when this CPU's hint of @order covers the folio,
 * the common case (consecutive preserves land in the same bitmap page):
 * inline, so that a preserve call is one function.  Return: as
 * kho_track_add_folio(), or %KHO_TRACK_MISS for the caller to call it.
 */
static __always_inline int kho_track_add_folio_hinted(struct kho_client *c,
						      unsigned long pfn,
						      unsigned int order)
{
	struct kho_track_hint *h = get_cpu_ptr(&kho_track_hints[order]);
	bool hit = h->gen == READ_ONCE(kho_track_gen) && h->c == c &&
		   pfn - h->free_lo < h->free_n;
	unsigned long *chunk = h->chunk;
	unsigned long *pages = h->pages, *groups = h->groups;
	unsigned long mask = h->mask;

	put_cpu_ptr(&kho_track_hints[order]);
	if (!hit)
		return KHO_TRACK_MISS;
	return kho_track_claim_folio(pfn, order, chunk, pages, groups, mask);
}

/* in_index.c */
/*
 * Items a record of @rec_size bytes can hold in a machine of @ram_pages
 * pages: a bit of a bitmap run each, or a folio or range in RAM.
 */
static inline u64 kho_in_items_max(u64 rec_size, u64 ram_pages)
{
	return rec_size * BITS_PER_BYTE + ram_pages;
}

struct kho_in_mem *kho_in_mem_build(const struct kho_mem_header *h,
				    size_t size, u64 max_items);
void kho_in_mem_free(struct kho_in_mem *in);
s64 kho_in_item(struct kho_in_mem *in, unsigned long pfn,
		unsigned int *kind, unsigned long *pages);
bool kho_in_claim(struct kho_in_mem *in, u64 item, unsigned long pages);
void kho_in_claim_span(struct kho_in_mem *in, unsigned long pfn,
		       unsigned long end);
u64 kho_in_unclaimed(struct kho_in_mem *in);
u64 kho_in_claim_rest(struct kho_in_mem *in,
		      void (*fn)(unsigned long pfn, unsigned long pages, void *arg),
		      void *arg);

/**
 * struct kho_in_client - one client of an incoming handover
 * @name: its name, pointing into the root FDT
 * @fdt: its sub-FDT, or size 0
 * @blob: its blob (not an FDT, or not read as one), or size 0
 * @mem: its preserved-memory record, or size 0
 */
struct kho_in_client {
	const char *name;
	struct kho_range fdt;
	struct kho_range blob;
	struct kho_range mem;
};

/**
 * struct kho_in_stream - cursor over the runs of one kind of one client
 * @first: its first run
 * @end: the byte after its last run
 * @run: the run the cursor is in
 * @bit: in a bitmap run, the next bit to look at
 * @next: the preserved range the cursor stands on
 * @client: index of its client in &struct kho_in.clients
 * @folios: @next holds folios (not a %KHO_MEM_RUN_RANGE range)
 * @span: @next is a span of a bitmap run, holes included, not a stretch
 *	of set bits
 * @tried: the last run kho_in_check() tried to check a word at a time
 */
struct kho_in_stream {
	const struct kho_mem_run *first;
	const void *end;
	const struct kho_mem_run *run;
	u64 bit;
	struct kho_range next;
	unsigned int client;
	bool folios;
	bool span;
	const struct kho_mem_run *tried;
};

/**
 * enum kho_in_walk - what a merge over the streams of &struct kho_in yields
 * @KHO_IN_ALL: every preserved range, as preserved
 * @KHO_IN_RANGES: the ranges (%KHO_MEM_RUN_RANGE runs) only
 * @KHO_IN_FOLIOS: the folios only, each stretch of them as preserved
 * @KHO_IN_SPANS: the folios only, a span at a time: stretches of a bitmap
 *	run less than a max-order block apart, and the holes between them
 */
enum kho_in_walk {
	KHO_IN_ALL,
	KHO_IN_RANGES,
	KHO_IN_FOLIOS,
	KHO_IN_SPANS,
};

/**
 * enum kho_in_meta_kind - what a piece of KHO's own incoming metadata is
 * @KHO_IN_META_ROOT: the root FDT buffer
 * @KHO_IN_META_TABLE: the scratch table
 * @KHO_IN_META_RECORD: a client's preserved-memory record
 * @KHO_IN_META_KINDS: how many kinds
 */
enum kho_in_meta_kind {
	KHO_IN_META_ROOT,
	KHO_IN_META_TABLE,
	KHO_IN_META_RECORD,
	KHO_IN_META_KINDS,
};

/**
 * struct kho_in_meta - a piece of KHO's own incoming metadata
 * @r: where it is, page aligned
 * @kind: what it is
 * @client: the record's client, or NULL
 */
struct kho_in_meta {
	struct kho_range r;
	enum kho_in_meta_kind kind;
	const char *client;
};

/* Root FDT, scratch table, one record per client. */
#define KHO_IN_META_MAX		(2 + KHO_CLIENTS_MAX)

/* A client has at most one stream per kind. */
#define KHO_IN_STREAMS_MAX	(KHO_CLIENTS_MAX * KHO_NR_KINDS)

/**
 * enum kho_in_piece - what kho_in_walk_spans() reports
 * @KHO_IN_PIECE_RAM: a piece of RAM in a span; its folios and holes follow
 * @KHO_IN_PIECE_FOLIOS: preserved folios in it
 * @KHO_IN_PIECE_HOLE: memory between them that nothing preserved
 */
enum kho_in_piece {
	KHO_IN_PIECE_RAM,
	KHO_IN_PIECE_FOLIOS,
	KHO_IN_PIECE_HOLE,
};

typedef void (*kho_in_walk_fn)(void *ctx, phys_addr_t start, phys_addr_t end,
			       int nid, enum kho_in_piece piece);

/**
 * struct kho_in - an incoming handover, as the next kernel checks it
 * @fdt: root FDT buffer (from the boot protocol)
 * @table: scratch table (from the boot protocol), size in bytes
 * @scratch: scratch regions, sorted by address
 * @nr_scratch: how many
 * @root: the root FDT, mapped
 * @clients: the clients found in the root FDT
 * @nr_clients: how many
 * @streams: every client's runs, one stream per kind
 * @nr_streams: how many
 * @heap: indices of the streams not exhausted, a min-heap by next address
 * @heap_len: how many
 * @meta: KHO's own metadata, sorted by address once the root FDT is parsed
 * @nr_meta: how many
 * @nr_range_runs: runs of ranges (%KHO_MEM_RUN_RANGE) in all records
 * @nr_spans: most spans the runs of folios in all records make
 * @nr_ranges: preserved ranges, counted by kho_in_check()
 * @bytes: their total size
 * @why: the first problem found, or NULL
 * @bad_client: the client it concerns, or NULL
 * @bad: the range it concerns
 */
struct kho_in {
	struct kho_range fdt;
	struct kho_range table;
	struct kho_range scratch[KHO_SCRATCH_MAX];
	unsigned int nr_scratch;
	const void *root;
	struct kho_in_client clients[KHO_CLIENTS_MAX];
	unsigned int nr_clients;
	struct kho_in_stream streams[KHO_IN_STREAMS_MAX];
	unsigned int nr_streams;
	u16 heap[KHO_IN_STREAMS_MAX];
	unsigned int heap_len;
	struct kho_in_meta meta[KHO_IN_META_MAX];
	unsigned int nr_meta;
	u64 nr_range_runs;
	u64 nr_spans;
	u64 nr_ranges;
	u64 bytes;
	const char *why;
	const char *bad_client;
	struct kho_range bad;
};

/* in_check.c */
int kho_in_check_table(struct kho_in *in);
int kho_in_check_scratch(struct kho_in *in, const struct kho_scratch_entry *tab);
int kho_in_check(struct kho_in *in);
int kho_in_reserve(struct kho_in *in);
void kho_in_walk_spans(struct kho_in *in, kho_in_walk_fn fn, void *ctx);
bool kho_in_client_has(const struct kho_in *in, const char *client,
		       const struct kho_range *r);

/* params.c */
int kho_parse_enable(const char *s, bool *on, const char **why);
int kho_parse_scratch(const char *s, struct kho_scratch_cfg *cfg,
		      const char **why);

#ifdef __KERNEL__
#include <linux/debugfs.h>

struct kimage;

/* core.c */
extern bool kho_enable;		/* what kho_is_enabled() returns */
extern struct kho_scratch_cfg kho_scratch_cfg;
void kho_disable(void);

/* scratch.c */
extern struct kho_scratch_entry *kho_scratch_table;
int kho_scratch_table_init(void);

/**
 * enum kho_out_state - may clients preserve?
 * @KHO_OUT_IDLE: preserve calls allowed
 * @KHO_OUT_FINALIZING: FINALIZE callbacks running: still allowed
 * @KHO_OUT_FINALIZED: -EBUSY until abort
 */
enum kho_out_state {
	KHO_OUT_IDLE,
	KHO_OUT_FINALIZING,
	KHO_OUT_FINALIZED,
};

/* out_preserve.c */
extern struct kho_client *kho_default;
struct kho_client *kho_default_client_get(void);

/* The default client of the upstream-compatible calls; or an ERR_PTR(). */
static __always_inline struct kho_client *kho_default_client(void)
{
	struct kho_client *c = READ_ONCE(kho_default);

	return c ?: kho_default_client_get();
}

int kho_out_hold(void);
void kho_out_release(void);
void kho_set_state(enum kho_out_state state);

/**
 * struct kho_subtree - a sub-FDT or blob handed to the next kernel
 * @list: entry in &struct kho_serialization.subtrees (added during
 *	FINALIZE, or copied there at FINALIZE from kho_standing_subtrees),
 *	or in kho_standing_subtrees (added with kho_add_subtree_blob())
 * @name: name given to kho_add_subtree()
 * @fdt: physical address and size of the sub-FDT or blob
 * @is_blob: written as the client's "blob" property, not "fdt"
 * @blob: debugfs blob wrapper for out/sub_fdts/<name>
 */
struct kho_subtree {
	struct list_head list;
	char name[KHO_NAME_MAX + 1];
	struct kho_range fdt;
	bool is_blob;
	struct debugfs_blob_wrapper blob;
};

/**
 * struct kho_serialization - state of one finalize, passed to callbacks
 * @subtrees: sub-FDTs added with kho_add_subtree()
 */
struct kho_serialization {
	struct list_head subtrees;
};

/**
 * struct kho_out - the outgoing handover; protected by kho_lock
 * @ser: the finalize in progress or done, or NULL
 * @fdt: the finalized root FDT (@root), or NULL
 * @root: the root FDT buffer: allocated at the first finalize or kexec
 *	load and never freed, so that a loaded image always points at it
 * @root_alloc: its size
 * @records: every client's record, written at finalize
 * @record_sizes: their sizes
 * @nr_records: how many
 * @fdt_blob: debugfs blob wrapper for out/fdt
 * @dir: debugfs kho/out/
 * @sub_fdts: debugfs kho/out/sub_fdts/, while finalized
 * @fdt_file: debugfs kho/out/fdt, while finalized
 * @image: the kexec image that was handed the root FDT buffer, if any
 */
struct kho_out {
	struct kho_serialization *ser;
	void *fdt;
	void *root;
	size_t root_alloc;
	void **records;
	size_t *record_sizes;
	unsigned int nr_records;
	struct debugfs_blob_wrapper fdt_blob;
	struct dentry *dir;
	struct dentry *sub_fdts;
	struct dentry *fdt_file;
	const struct kimage *image;
};

/* out_finalize.c */
extern struct mutex kho_lock;
extern struct kho_out kho_out;
int kho_finalize(void);
int kho_abort(void);
int kho_root_alloc(void);

/* out_kexec.c */
void *kho_out_root(void);

/* in_boot.c */
struct kho_scratch_entry *kho_in_scratch_table(void);
const void *kho_in_root(void);

/* in_restore.c */
u64 kho_in_release(struct kho_client *c);

/* test.c: damage for the tests, never in a production kernel */
#ifdef CONFIG_KEXEC_HANDOVER_TEST
void kho_test_handover(struct kho_setup_data *sd);
#else
static inline void kho_test_handover(struct kho_setup_data *sd) { }
#endif

/* debugfs.c */
void kho_debugfs_init(void);
void kho_out_debugfs(void);
void kho_out_debugfs_remove(void);
#endif

#endif /* _KERNEL_KHO_INTERNAL_H */
