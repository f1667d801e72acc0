// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: tracking of preserved memory and its serialized form.
 *
 * Needs a kernel booted with kho=on (the cases skip otherwise).  Each case
 * uses a client of its own and unpreserves everything it preserved;
 * kho_track_concurrent has four threads race on the same pages;
 * kho_track_concurrent_kinds has two clients race with folios of three
 * orders and ranges on the same pages; kho_track_race_pair has two
 * overlapping preserves race, in one map of the used map and across
 * both.  Every case drops its clients' references at the end, which
 * frees them.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/kthread.h>
#include <linux/mm.h>

#include "kho_internal.h"

static void kho_track_skip_if_off(struct kunit *test)
{
	if (!kho_is_enabled())
		kunit_skip(test, "needs kho=on");
}

static void kho_track_names(struct kunit *test)
{
	struct kho_client *c;

	kho_track_skip_if_off(test);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kho_client_get("")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kho_client_get("a/b")), -EINVAL);
	/* A unit address would let "a" and "a@1" be confused in an FDT. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(kho_client_get("a@1")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kho_client_get("0123456789abcdef0123456789abcdef")),
			-EINVAL);
	c = kho_client_get("kunit-names");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_PTR_EQ(test, kho_client_get("kunit-names"), c);
	kho_client_put(c);
	kho_client_put(c);
}

static void kho_track_errors(struct kunit *test)
{
	struct kho_client *c, *o;
	struct page *p;
	phys_addr_t phys;

	kho_track_skip_if_off(test);
	c = kho_client_get("kunit-err");
	o = kho_client_get("kunit-err-other");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c) || IS_ERR(o));
	p = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, p);
	phys = page_to_phys(p);

	/* Unaligned or empty ranges. */
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, phys + 1, PAGE_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, phys, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, phys, PAGE_SIZE + 1),
			-EINVAL);
	/* Scratch is never preserved. */
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, kho_scratch[0].addr,
						       PAGE_SIZE), -EINVAL);

	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, phys, 2 * PAGE_SIZE), 0);
	/* Double preservation and overlaps, by the same or another client. */
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, phys, 2 * PAGE_SIZE),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(c, phys + PAGE_SIZE,
						       2 * PAGE_SIZE), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(o, phys, PAGE_SIZE),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kho_client_preserve_folio(o, page_folio(p + 1)),
			-EEXIST);
	/* The page right after does not overlap. */
	KUNIT_EXPECT_EQ(test, kho_client_preserve_folio(o, page_folio(p + 2)), 0);
	KUNIT_EXPECT_EQ(test, kho_client_preserve_folio(o, page_folio(p + 2)),
			-EEXIST);
	/* A bigger folio around it, of either client, overlaps too. */
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, page_to_pfn(p), 2), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, page_to_pfn(p), 2), -EEXIST);

	/* Unpreserve needs exactly what was preserved, by its client. */
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_phys(c, phys, PAGE_SIZE),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_phys(o, phys, 2 * PAGE_SIZE),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(c, page_folio(p + 2)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(o, page_folio(p + 3)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_phys(c, phys, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(o, page_folio(p + 2)), 0);
	/* Gone: the same memory can be preserved again. */
	KUNIT_EXPECT_EQ(test, kho_client_preserve_phys(o, phys, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_phys(o, phys, PAGE_SIZE), 0);
	__free_pages(p, 2);
	kho_client_put(o);
	kho_client_put(c);
}

/*
 * The used map across kinds and clients, in a block of our own: small
 * folios and the pages of ranges in the page map, large folios and the
 * groups ranges cover whole in the group map; what lies in one map is
 * refused by the other, and a group whose small folios are gone (its
 * "parts" bit stays) takes a large folio again.
 */
static void kho_track_used_map(struct kunit *test)
{
	const unsigned long g = BIT(KHO_GROUP_ORDER);
	const unsigned int large = KHO_GROUP_ORDER;
	unsigned long base, lo, hi;
	struct kho_client *c, *o;
	struct page *p;

	kho_track_skip_if_off(test);
	p = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, p);
	base = page_to_pfn(p);
	c = kho_client_get("kunit-used");
	o = kho_client_get("kunit-used-other");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c) || IS_ERR(o));

	/* Group 0: an order-2 folio inside a word of the page map. */
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, base + 4, 2), 0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base + 7, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base, large), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, base, large + 1), -EEXIST);
	/* Gone: the large folio fits now, and holds its group whole. */
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(c, base + 4, 2), 0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base, large), 0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, base + g - 1, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_range(c, PFN_PHYS(base + g - 2),
						  PFN_PHYS(4)), -EEXIST);
	/* The refused range left nothing behind in the next group. */
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, base + g, 0), 0);
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(c, base + g, 0), 0);

	/* A range over part of group 2, group 3 whole and part of group 4. */
	lo = base + 2 * g + 10;
	hi = base + 4 * g + 20;
	KUNIT_EXPECT_EQ(test, kho_track_add_range(c, PFN_PHYS(lo),
						  PFN_PHYS(hi - lo)), 0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, lo, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base + 3 * g + 5, 0),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, hi - 1, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base + 2 * g, large + 1),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base + 4 * g, large),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base + 4 * g, large + 2),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kho_track_add_range(o, PFN_PHYS(hi - 1),
						  PFN_PHYS(2)), -EEXIST);
	/* Right beside it on both sides is free. */
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, lo - 1, 0), 0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, hi, 0), 0);
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(o, lo - 1, 0), 0);
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(o, hi, 0), 0);
	/* Unpreserved, it gives every group back. */
	KUNIT_EXPECT_EQ(test, kho_track_del_range(c, PFN_PHYS(lo),
						  PFN_PHYS(hi - lo)), 0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(o, base + 2 * g, large + 1),
			0);
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, base + 4 * g, large + 2),
			0);
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(o, base + 2 * g, large + 1),
			0);
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(c, base + 4 * g, large + 2),
			0);
	KUNIT_EXPECT_EQ(test, kho_track_del_folio(o, base, large), 0);
	kho_client_put(o);
	kho_client_put(c);
	__free_pages(p, MAX_PAGE_ORDER);
}

static const struct kho_mem_run *kho_track_next(const struct kho_mem_run *run)
{
	if (le16_to_cpu(run->flags) & KHO_MEM_RUN_BITMAP)
		return (const void *)((const __le64 *)(run + 1) +
				      le32_to_cpu(run->nr));
	return run + 1;
}

/* The run of @h that starts at @pfn, or NULL. */
static const struct kho_mem_run *kho_track_run(const struct kho_mem_header *h,
					       unsigned long pfn)
{
	const struct kho_mem_run *run = (const void *)(h + 1);
	u64 i;

	for (i = 0; i < le64_to_cpu(h->nr_runs); i++, run = kho_track_next(run))
		if (le64_to_cpu(run->pfn) == pfn)
			return run;
	return NULL;
}

static unsigned int kho_track_kind(const struct kho_mem_run *run)
{
	return le16_to_cpu(run->flags) & KHO_MEM_RUN_RANGE ? KHO_KIND_RANGE :
	       le16_to_cpu(run->order);
}

/* Order 0: pages of a block of 1 << KHO_TRACK_SPARSE, every other one. */
#define KHO_TRACK_SPARSE	7

/*
 * A folio in scratch is refused, also when this CPU's hint was taken for
 * a folio beside that scratch: the hint covers only the part of its
 * window that scratch leaves free, so it sends the folio the long way,
 * which refuses it.  Blocks of the largest order, whose windows are the
 * largest, one in scratch and one outside it in the same window; the
 * tracking does not care whose memory it is, and the case takes back
 * what it added.
 */
static void kho_track_scratch(struct kunit *test)
{
	const unsigned int order = MAX_PAGE_ORDER;
	const unsigned long n = 1UL << order, win = kho_track_window(order);
	unsigned long in = 0, out = 0;
	struct kho_client *c;
	unsigned int i;
	int err;

	kho_track_skip_if_off(test);
	for (i = 0; i < kho_scratch_cnt && !out; i++) {
		unsigned long s = PHYS_PFN(kho_scratch[i].addr);
		unsigned long e = PHYS_PFN(kho_scratch[i].addr +
					   kho_scratch[i].size);
		unsigned long cand[] = { ALIGN_DOWN(s, n) - n, ALIGN(e, n) };
		unsigned int j;

		in = ALIGN(s, n);
		if (in >= e)
			continue;
		for (j = 0; j < ARRAY_SIZE(cand) && !out; j++) {
			if (cand[j] / win == in / win &&
			    !kho_overlaps_scratch(PFN_PHYS(cand[j]),
						  PFN_PHYS(n)))
				out = cand[j];
		}
	}
	if (!out)
		kunit_skip(test, "no scratch area shares a window with a block outside");

	c = kho_client_get("kunit-scratch");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	/* The hint is this CPU's. */
	migrate_disable();
	KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, in, order), -EINVAL);
	err = kho_track_add_folio(c, out, order);
	if (!err) {
		/* The hint hits (-EEXIST, not a miss), but not in scratch. */
		KUNIT_EXPECT_EQ(test, kho_track_add_folio_hinted(c, out, order),
				-EEXIST);
		KUNIT_EXPECT_EQ(test, kho_track_add_folio_hinted(c, in, order),
				KHO_TRACK_MISS);
		KUNIT_EXPECT_EQ(test, kho_track_add_folio(c, in, order),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, kho_track_del_folio(c, out, order), 0);
	}
	migrate_enable();
	kho_client_put(c);
	if (err == -EEXIST)
		kunit_skip(test, "the block outside scratch is preserved already");
	KUNIT_EXPECT_EQ(test, err, 0);
}

static void kho_track_record(struct kunit *test)
{
	const struct kho_mem_run *run, *r;
	struct page *p, *sparse;
	struct kho_mem_header *h;
	struct kho_client *c;
	unsigned long pfn, spfn, base, i;
	unsigned int kind = 0;
	struct folio *big;
	const __le64 *w;
	size_t size;

	kho_track_skip_if_off(test);
	c = kho_client_get("kunit-record");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	p = alloc_pages(GFP_KERNEL, 3);
	big = folio_alloc(GFP_KERNEL, 3);
	sparse = alloc_pages(GFP_KERNEL, KHO_TRACK_SPARSE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_NOT_NULL(test, sparse);
	pfn = page_to_pfn(p);
	spfn = page_to_pfn(sparse);

	/* Two adjacent order-0 folios, then a 4-page range, then order 3. */
	KUNIT_ASSERT_EQ(test, kho_client_preserve_folio(c, page_folio(p + 1)), 0);
	KUNIT_ASSERT_EQ(test, kho_client_preserve_folio(c, page_folio(p)), 0);
	KUNIT_ASSERT_EQ(test, kho_client_preserve_phys(c, PFN_PHYS(pfn + 4),
						       4 * PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, kho_client_preserve_folio(c, big), 0);

	h = kho_write_record(c, &size);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->magic), KHO_MEM_MAGIC);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->version), KHO_MEM_VERSION);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(h->nr_runs), 3);

	r = kho_track_run(h, pfn);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(r->nr), 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->order), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->flags), 0);
	r = kho_track_run(h, pfn + 4);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(r->nr), 4);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->flags), KHO_MEM_RUN_RANGE);
	r = kho_track_run(h, folio_pfn(big));
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(r->nr), 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->order), 3);

	/* Grouped by kind, kinds going up. */
	run = (const void *)(h + 1);
	for (i = 0; i < le64_to_cpu(h->nr_runs); i++, run = kho_track_next(run)) {
		KUNIT_EXPECT_GE(test, kho_track_kind(run), kind);
		kind = kho_track_kind(run);
	}
	free_pages_exact(h, size);

	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(c, page_folio(p)), 0);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(c, page_folio(p + 1)), 0);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_phys(c, PFN_PHYS(pfn + 4),
							 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(c, big), 0);

	/* Every other page: one bitmap run is smaller than many runs. */
	for (i = 0; i < (1UL << KHO_TRACK_SPARSE); i += 2) {
		struct folio *f = page_folio(sparse + i);

		KUNIT_ASSERT_EQ(test, kho_client_preserve_folio(c, f), 0);
	}
	h = kho_write_record(c, &size);
	KUNIT_ASSERT_NOT_NULL(test, h);
	base = round_down(spfn, BITS_PER_TYPE(u64));
	r = kho_track_run(h, base);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->flags), KHO_MEM_RUN_BITMAP);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->order), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(r->nr),
			DIV_ROUND_UP(spfn + (1UL << KHO_TRACK_SPARSE) - base,
				     BITS_PER_TYPE(u64)));
	w = (const __le64 *)(r + 1);
	for (i = 0; i < le32_to_cpu(r->nr) * BITS_PER_TYPE(u64); i++) {
		unsigned long at = base + i;
		bool want = at >= spfn && at < spfn + (1UL << KHO_TRACK_SPARSE) &&
			    !((at - spfn) % 2);

		KUNIT_EXPECT_EQ(test, !!(le64_to_cpu(w[i / 64]) & BIT_ULL(i % 64)),
				want);
	}
	free_pages_exact(h, size);
	for (i = 0; i < (1UL << KHO_TRACK_SPARSE); i += 2) {
		struct folio *f = page_folio(sparse + i);

		KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(c, f), 0);
	}

	h = kho_write_record(c, &size);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(h->nr_runs), 0);
	free_pages_exact(h, size);
	folio_put(big);
	__free_pages(p, 3);
	__free_pages(sparse, KHO_TRACK_SPARSE);
	kho_client_put(c);
}

#define KHO_STRESS_THREADS	4
#define KHO_STRESS_ORDER	6
#define KHO_STRESS_ROUNDS	50

struct kho_stress {
	struct kho_client *c;
	struct page *pages;
	atomic_t preserved;
	atomic_t busy;
	atomic_t bad;
	atomic_t running;
	struct completion done;
};

/*
 * Every thread preserves and unpreserves the same pages of one client.
 * A preserve either succeeds (then the thread owns the page until it
 * unpreserves it) or finds it preserved by another thread: -EEXIST.
 */
static int kho_stress_fn(void *arg)
{
	struct kho_stress *st = arg;
	unsigned int r, i;

	for (r = 0; r < KHO_STRESS_ROUNDS; r++) {
		for (i = 0; i < (1U << KHO_STRESS_ORDER); i++) {
			struct folio *f = page_folio(st->pages + i);
			int err = kho_client_preserve_folio(st->c, f);

			if (err == -EEXIST) {
				atomic_inc(&st->busy);
				continue;
			}
			if (err || kho_client_unpreserve_folio(st->c, f))
				atomic_inc(&st->bad);
			else
				atomic_inc(&st->preserved);
		}
		cond_resched();
	}
	if (atomic_dec_and_test(&st->running))
		complete(&st->done);
	return 0;
}

static void kho_track_concurrent(struct kunit *test)
{
	struct kho_stress st = { };
	struct kho_mem_header *h;
	unsigned int i;
	size_t size;

	kho_track_skip_if_off(test);
	st.c = kho_client_get("kunit-stress");
	KUNIT_ASSERT_FALSE(test, IS_ERR(st.c));
	st.pages = alloc_pages(GFP_KERNEL, KHO_STRESS_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, st.pages);
	init_completion(&st.done);
	atomic_set(&st.running, KHO_STRESS_THREADS);
	for (i = 0; i < KHO_STRESS_THREADS; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(kho_stress_fn, &st,
							    "kho-stress/%u", i)));
	wait_for_completion(&st.done);

	KUNIT_EXPECT_EQ(test, atomic_read(&st.bad), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.preserved) + atomic_read(&st.busy),
			KHO_STRESS_THREADS * KHO_STRESS_ROUNDS *
			(1 << KHO_STRESS_ORDER));
	KUNIT_EXPECT_GT(test, atomic_read(&st.preserved), 0);
	/* Nothing is left behind. */
	h = kho_write_record(st.c, &size);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(h->nr_runs), 0);
	free_pages_exact(h, size);
	__free_pages(st.pages, KHO_STRESS_ORDER);
	kho_client_put(st.c);
}

#define KHO_RACE_BLOCKS		8
#define KHO_RACE_PAGES		64
#define KHO_RACE_THREADS	5
#define KHO_RACE_ROUNDS		20

struct kho_race {
	struct kho_client *c[2];
	struct page *blocks[KHO_RACE_BLOCKS];
	/* How many preservations hold each page right now. */
	atomic_t held[KHO_RACE_BLOCKS][KHO_RACE_PAGES];
	atomic_t won;
	atomic_t bad;
	atomic_t running;
	struct completion go;
	struct completion done;
};

struct kho_race_thread {
	struct kho_race *st;
	unsigned int client;
	/* Folios of this order, or ranges of two pages if @range. */
	unsigned int order;
	bool range;
};

/*
 * The tracking calls themselves: the blocks are not compound pages, so
 * page_folio() would give order-0 folios whatever @t->order says.
 */
static int kho_race_preserve(struct kho_race_thread *t, struct page *p,
			     bool add)
{
	struct kho_client *c = t->st->c[t->client];
	unsigned long pfn = page_to_pfn(p);

	if (t->range)
		return add ? kho_track_add_range(c, PFN_PHYS(pfn),
						 2 * PAGE_SIZE) :
			     kho_track_del_range(c, PFN_PHYS(pfn),
						 2 * PAGE_SIZE);
	return add ? kho_track_add_folio(c, pfn, t->order) :
		     kho_track_del_folio(c, pfn, t->order);
}

/*
 * Each thread takes every item of its kind in every block, checks that no
 * other preservation holds any of its pages meanwhile, and lets go, for
 * several rounds.  Small folios and ranges race in the page map, the
 * large folio (a block's group whole) against them across both maps.
 */
static int kho_race_fn(void *arg)
{
	struct kho_race_thread *t = arg;
	struct kho_race *st = t->st;
	unsigned int step = t->range ? 2 : 1U << t->order;
	unsigned int r, b, i, j;

	wait_for_completion(&st->go);
	for (r = 0; r < KHO_RACE_ROUNDS * KHO_RACE_BLOCKS; r++) {
		b = r % KHO_RACE_BLOCKS;
		for (i = 0; i < KHO_RACE_PAGES; i += step) {
			if (kho_race_preserve(t, st->blocks[b] + i, true))
				continue;
			atomic_inc(&st->won);
			for (j = i; j < i + step; j++)
				if (atomic_inc_return(&st->held[b][j]) != 1)
					atomic_inc(&st->bad);
			for (j = i; j < i + step; j++)
				atomic_dec(&st->held[b][j]);
			if (kho_race_preserve(t, st->blocks[b] + i, false))
				atomic_inc(&st->bad);
		}
		cond_resched();
	}
	if (atomic_dec_and_test(&st->running))
		complete(&st->done);
	return 0;
}

static void kho_track_concurrent_kinds(struct kunit *test)
{
	struct kho_race_thread t[KHO_RACE_THREADS] = {
		{ .client = 0, .order = 0 }, { .client = 1, .order = 0 },
		{ .client = 0, .order = 1 }, { .client = 1, .range = true },
		{ .client = 0, .order = KHO_GROUP_ORDER },
	};
	struct kho_race *st;
	unsigned int i;

	kho_track_skip_if_off(test);
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->c[0] = kho_client_get("kunit-race-a");
	st->c[1] = kho_client_get("kunit-race-b");
	KUNIT_ASSERT_FALSE(test, IS_ERR(st->c[0]) || IS_ERR(st->c[1]));
	for (i = 0; i < KHO_RACE_BLOCKS; i++) {
		st->blocks[i] = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
		KUNIT_ASSERT_NOT_NULL(test, st->blocks[i]);
	}
	init_completion(&st->go);
	init_completion(&st->done);
	atomic_set(&st->running, KHO_RACE_THREADS);
	for (i = 0; i < KHO_RACE_THREADS; i++) {
		t[i].st = st;
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(kho_race_fn, &t[i],
							    "kho-race/%u", i)));
	}
	complete_all(&st->go);
	wait_for_completion(&st->done);

	KUNIT_EXPECT_EQ(test, atomic_read(&st->bad), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&st->won), 0);
	for (i = 0; i < KHO_RACE_BLOCKS; i++)
		__free_pages(st->blocks[i], MAX_PAGE_ORDER);
	kho_client_put(st->c[0]);
	kho_client_put(st->c[1]);
}

/* Rounds of the two-preserve race. */
#define KHO_PAIR_ROUNDS		2000

struct kho_pair {
	struct kho_client *c[2];
	unsigned long pfn[2];
	unsigned int order[2];
	int res[2];
	atomic_t round;
	atomic_t arrived;
	atomic_t both_won;
	atomic_t both_lost;
	struct completion done[2];
};

/* Wait for @v to reach @val, letting the other thread run. */
static void kho_pair_wait(atomic_t *v, int val)
{
	while (atomic_read_acquire(v) < val)
		cond_resched();
}

/*
 * Round r: both threads start when the round counter says so and preserve
 * overlapping memory (an order-1 folio of one client, its second page as
 * an order-0 folio of the other; the tracking layer is called with the
 * orders, as page_folio() of a block that is not compound would not, and
 * as the preserve calls call it: the hint, then the lookup).
 * Thread 0 then counts the outcome, undoes the winner and starts the next
 * round.
 */
static void kho_pair_run(struct kho_pair *st, unsigned int me)
{
	unsigned int r;

	for (r = 0; r < KHO_PAIR_ROUNDS; r++) {
		kho_pair_wait(&st->round, r);
		/* As a preserve call: this CPU's hint first, from round 1 on. */
		st->res[me] = kho_track_add_folio_hinted(st->c[me], st->pfn[me],
							 st->order[me]);
		if (st->res[me] == KHO_TRACK_MISS)
			st->res[me] = kho_track_add_folio(st->c[me],
							  st->pfn[me],
							  st->order[me]);
		atomic_inc_return_release(&st->arrived);
		if (me)
			continue;
		kho_pair_wait(&st->arrived, 2 * (r + 1));
		if (!st->res[0] && !st->res[1])
			atomic_inc(&st->both_won);
		if (st->res[0] && st->res[1])
			atomic_inc(&st->both_lost);
		if (!st->res[0])
			kho_track_del_folio(st->c[0], st->pfn[0], st->order[0]);
		if (!st->res[1])
			kho_track_del_folio(st->c[1], st->pfn[1], st->order[1]);
		atomic_set_release(&st->round, r + 1);
	}
}

static int kho_pair_fn0(void *arg)
{
	struct kho_pair *st = arg;

	kho_pair_run(st, 0);
	complete(&st->done[0]);
	return 0;
}

static int kho_pair_fn1(void *arg)
{
	struct kho_pair *st = arg;

	kho_pair_run(st, 1);
	complete(&st->done[1]);
	return 0;
}

/*
 * Two overlapping preserves, a folio of @order0 at the start of a block of
 * our own and the page at @off1 in it as an order-0 folio of another
 * client, race: exactly one succeeds, every time.
 */
static void kho_track_race_pair_of(struct kunit *test, unsigned int order0,
				   unsigned long off1)
{
	struct kho_pair *st;
	struct page *p;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->c[0] = kho_client_get("kunit-pair-a");
	st->c[1] = kho_client_get("kunit-pair-b");
	KUNIT_ASSERT_FALSE(test, IS_ERR(st->c[0]) || IS_ERR(st->c[1]));
	p = alloc_pages(GFP_KERNEL, order0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	st->pfn[0] = page_to_pfn(p);
	st->order[0] = order0;
	st->pfn[1] = page_to_pfn(p) + off1;
	st->order[1] = 0;
	init_completion(&st->done[0]);
	init_completion(&st->done[1]);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(kho_pair_fn0, st, "kho-pair/0")));
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(kho_pair_fn1, st, "kho-pair/1")));
	wait_for_completion(&st->done[0]);
	wait_for_completion(&st->done[1]);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&st->both_won), 0,
			    "order %u against order 0", order0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&st->both_lost), 0,
			    "order %u against order 0", order0);
	__free_pages(p, order0);
	kho_client_put(st->c[0]);
	kho_client_put(st->c[1]);
}

/*
 * In the page map (an order-1 folio and its second page), and across the
 * maps (a folio holding its group whole and the group's last page).
 */
static void kho_track_race_pair(struct kunit *test)
{
	kho_track_skip_if_off(test);
	kho_track_race_pair_of(test, 1, 1);
	kho_track_race_pair_of(test, KHO_GROUP_ORDER, BIT(KHO_GROUP_ORDER) - 1);
}

/* Is there a client called @name?  (Its pointer may be stale.) */
static bool kho_track_client_exists(const char *name)
{
	bool found;

	mutex_lock(&kho_mem_lock);
	found = kho_client_lookup(name);
	mutex_unlock(&kho_mem_lock);
	return found;
}

/*
 * Ids of freed clients go to new ones: any number of clients over a boot,
 * at most KHO_CLIENTS_MAX at once; one that holds memory outlives its
 * references and keeps its id.
 */
static void kho_client_reuse(struct kunit *test)
{
	struct kho_client *c, *keep, **held;
	char name[KHO_NAME_MAX + 1];
	unsigned int i, j, n;
	struct page *p;

	kho_track_skip_if_off(test);
	for (i = 0; i < 2 * KHO_CLIENTS_MAX + 1; i++) {
		snprintf(name, sizeof(name), "kunit-reuse-%u", i);
		c = kho_client_get(name);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(c), "client %u: %ld", i,
				       PTR_ERR(c));
		kho_client_put(c);
		KUNIT_EXPECT_FALSE(test, kho_track_client_exists(name));
	}

	keep = kho_client_get("kunit-reuse-keep");
	KUNIT_ASSERT_FALSE(test, IS_ERR(keep));
	p = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kho_client_preserve_folio(keep, page_folio(p)), 0);
	kho_client_put(keep);
	KUNIT_EXPECT_TRUE(test, kho_track_client_exists("kunit-reuse-keep"));

	/* Fill every free id: the next client is refused until one goes. */
	held = kunit_kcalloc(test, KHO_CLIENTS_MAX, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	for (n = 0; n < KHO_CLIENTS_MAX; n++) {
		snprintf(name, sizeof(name), "kunit-full-%u", n);
		held[n] = kho_client_get(name);
		if (IS_ERR(held[n]))
			break;
		KUNIT_EXPECT_NE(test, held[n]->id, keep->id);
	}
	KUNIT_ASSERT_GT(test, n, 0U);
	KUNIT_ASSERT_LT(test, n, KHO_CLIENTS_MAX);
	KUNIT_EXPECT_EQ(test, PTR_ERR(held[n]), -ENOSPC);
	j = held[0]->id;
	kho_client_put(held[0]);
	held[0] = kho_client_get("kunit-full-new");
	KUNIT_ASSERT_FALSE(test, IS_ERR(held[0]));
	KUNIT_EXPECT_EQ(test, held[0]->id, j);
	for (i = 0; i < n; i++)
		kho_client_put(held[i]);

	/* Unpreserved, the kept client goes with its last reference. */
	c = kho_client_get("kunit-reuse-keep");
	KUNIT_EXPECT_PTR_EQ(test, c, keep);
	KUNIT_EXPECT_EQ(test, kho_client_unpreserve_folio(c, page_folio(p)), 0);
	kho_client_put(c);
	KUNIT_EXPECT_FALSE(test, kho_track_client_exists("kunit-reuse-keep"));
	__free_page(p);
}

static struct kunit_case kho_track_cases[] = {
	KUNIT_CASE(kho_track_names),
	KUNIT_CASE(kho_track_errors),
	KUNIT_CASE(kho_track_scratch),
	KUNIT_CASE(kho_track_used_map),
	KUNIT_CASE(kho_track_record),
	KUNIT_CASE(kho_track_concurrent),
	KUNIT_CASE(kho_track_concurrent_kinds),
	KUNIT_CASE(kho_track_race_pair),
	KUNIT_CASE(kho_client_reuse),
	{}
};

static struct kunit_suite kho_track_suite = {
	.name = "kho_tracking",
	.test_cases = kho_track_cases,
};

kunit_test_suite(kho_track_suite);
