/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover: declarations shared by the files of kernel/kho/ and by the
 * userspace simulator that builds the same files (tools/testing/kho).
 */
#ifndef _KERNEL_KHO_INTERNAL_H
#define _KERNEL_KHO_INTERNAL_H

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/list.h>
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

/* Pages of one summary block of the outgoing tracking: the largest folio. */
#define KHO_BLOCK_ORDER		MAX_PAGE_ORDER

/**
 * struct kho_block - what is preserved in one block of pages
 * @kinds: bit k for folios of order k, bit %KHO_KIND_RANGE for ranges;
 *	%KHO_BLOCK_BUILDING and %KHO_BLOCK_USED for the block's used map
 * @owners: bit i for the client with id i
 */
struct kho_block {
	unsigned long kinds;
	unsigned long owners;
};

/*
 * Bits of &kho_block.kinds above the kinds: someone builds the block's used
 * map (a bit per page of every folio preserved there, see out_track.c);
 * the map is complete, and every folio preserved since sets its bits.
 */
#define KHO_BLOCK_BUILDING	(BITS_PER_LONG - 2)
#define KHO_BLOCK_USED		(BITS_PER_LONG - 1)

#define KHO_BLOCKS_PER_CHUNK	(PAGE_SIZE / sizeof(struct kho_block))

/**
 * struct kho_track_hint - where a CPU's last preserve of one order went
 * @gen: kho_track_gen when it was taken
 * @c: the client
 * @free_lo: first pfn of the hint's window: the pages both @chunk and
 *	@blocks cover, less those on the far side of any scratch region
 *	from the folio the hint was taken for
 * @free_n: how many pfns from @free_lo on a folio of the hint's order may
 *	start at and still end in the window (a folio starting elsewhere
 *	goes the long way, which checks it against scratch)
 * @idx: the bitmap chunk's index in @c's xarray of that order
 * @chunk: that chunk
 * @blocks: the page of block summaries covering the window
 *
 * A client's chunks live until kho_track_free(), which makes every hint
 * stale by moving kho_track_gen on, and summary chunks live for good; so
 * a hint whose @gen is current still names the right chunks.  Consecutive
 * preserves, the common case, then skip both xarray lookups and the
 * scratch check.  @c is set only together with the rest: a hint that
 * names a client names its chunks.
 */
struct kho_track_hint {
	unsigned long gen;
	struct kho_client *c;
	unsigned long free_lo;
	unsigned long free_n;
	unsigned long idx;
	unsigned long *chunk;
	struct kho_block *blocks;
};

/*
 * Pages in the window of a hint for folios of @order: the pages of a
 * bitmap page and of a page of block summaries are aligned powers of
 * two, so the pages both cover are those of the smaller.
 */
static inline unsigned long kho_track_window(unsigned int order)
{
	return min(KHO_CHUNK_BITS << order,
		   KHO_BLOCKS_PER_CHUNK << KHO_BLOCK_ORDER);
}

/* client.c */
extern struct mutex kho_mem_lock;
extern struct list_head kho_clients;
extern struct kho_client *kho_client_ids[KHO_CLIENTS_MAX];

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
int kho_track_settle_folio(struct kho_client *c, unsigned long pfn,
			   unsigned int order, unsigned long *chunk,
			   struct kho_block *blk);

/* Does @blk announce @c's folios of @order and nothing else? */
static __always_inline bool kho_block_only(const struct kho_block *blk,
					   const struct kho_client *c,
					   unsigned int order)
{
	return READ_ONCE(blk->kinds) == BIT(order) &&
	       READ_ONCE(blk->owners) == BIT(c->id);
}

/* Announce @kind of client @c in @blk. */
static __always_inline void kho_block_publish(struct kho_block *blk,
					      const struct kho_client *c,
					      unsigned int kind)
{
	if (!test_bit(kind, &blk->kinds))
		set_bit(kind, &blk->kinds);
	if (!test_bit(c->id, &blk->owners))
		set_bit(c->id, &blk->owners);
}

/*
 * Claim the bit of a folio of @c at @pfn of @order in @chunk, its bitmap
 * page, where @blk is its block's summary; see out_track.c.  Fully
 * ordered: the claim is visible before the summary is read, and anyone
 * overlapping us publishes there before reading our claim.  In the
 * common case the block announces nothing but @c's folios of @order,
 * already published, and there is nothing more to do.
 */
static __always_inline int kho_track_claim_folio(struct kho_client *c,
						 unsigned long pfn,
						 unsigned int order,
						 unsigned long *chunk,
						 struct kho_block *blk)
{
	if (test_and_set_bit((pfn >> order) % KHO_CHUNK_BITS, chunk))
		return -EEXIST;
	if (kho_block_only(blk, c, order))
		return 0;
	/*
	 * The first folio of a block nobody announced anything in: publish
	 * ours as kho_track_settle_folio() would, here (every other folio of
	 * a run of large folios gets here), and look again.
	 */
	if (!READ_ONCE(blk->kinds) && !READ_ONCE(blk->owners)) {
		kho_block_publish(blk, c, order);
		/* Our summary bits before anyone else's claims. */
		smp_mb();
		if (kho_block_only(blk, c, order))
			return 0;
	}
	return kho_track_settle_folio(c, pfn, order, chunk, blk);
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
	struct kho_block *blk = h->blocks;

	put_cpu_ptr(&kho_track_hints[order]);
	if (!hit)
		return KHO_TRACK_MISS;
	blk += (pfn >> KHO_BLOCK_ORDER) % KHO_BLOCKS_PER_CHUNK;
	return kho_track_claim_folio(c, pfn, order, chunk, blk);
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
