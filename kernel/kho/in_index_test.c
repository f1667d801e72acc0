// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the next kernel's restore index of a client's record, built from
 * records written here by hand.  kho_in_mem_build() must refuse, before
 * it allocates anything, a record whose runs of one kind overlap (bitmap
 * holes included) or whose item count, in 64 bits, passes its bound.
 * Needs no handover and no kho=on.
 */

#include <kunit/test.h>
#include <linux/kho.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "kho_internal.h"

/* Base pfn of the made-up records: any value, nothing is touched there. */
#define KHO_IDX_PFN		0x100000UL

/* A page-sized record being written by a case. */
struct kho_idx_rec {
	struct kho_mem_header *h;
	size_t len;
};

static void kho_idx_begin(struct kunit *test, struct kho_idx_rec *r)
{
	r->h = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->h);
	r->h->magic = cpu_to_le32(KHO_MEM_MAGIC);
	r->h->version = cpu_to_le32(KHO_MEM_VERSION);
	r->len = sizeof(*r->h);
}

/* Append a run; a bitmap run's words follow it, one word of @bits. */
static void kho_idx_run(struct kho_idx_rec *r, u64 pfn, u32 nr,
			unsigned int order, u16 flags, u64 bits)
{
	struct kho_mem_run run = {
		.pfn = cpu_to_le64(pfn),
		.nr = cpu_to_le32(nr),
		.order = cpu_to_le16(order),
		.flags = cpu_to_le16(flags),
	};
	u32 i;

	memcpy((void *)r->h + r->len, &run, sizeof(run));
	r->len += sizeof(run);
	for (i = 0; (flags & KHO_MEM_RUN_BITMAP) && i < nr; i++) {
		__le64 w = cpu_to_le64(bits);

		memcpy((void *)r->h + r->len, &w, sizeof(w));
		r->len += sizeof(w);
	}
	le64_add_cpu(&r->h->nr_runs, 1);
}

static struct kho_in_mem *kho_idx_build(struct kho_idx_rec *r, u64 max_items)
{
	return kho_in_mem_build(r->h, PAGE_SIZE, max_items);
}

/* A sound record: every item is found where it was put, once. */
static void kho_idx_sound(struct kunit *test)
{
	struct kho_idx_rec r;
	struct kho_in_mem *in;
	unsigned long pages;
	unsigned int kind;
	s64 item;

	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, 4, 0, 0, 0);
	/* Bitmap of order 0 right after: pages 64 and 66 of its span. */
	kho_idx_run(&r, KHO_IDX_PFN + 64, 1, 0, KHO_MEM_RUN_BITMAP, 0x5);
	kho_idx_run(&r, KHO_IDX_PFN + 512, 2, 9, 0, 0);
	kho_idx_run(&r, KHO_IDX_PFN + 4096, 16, 0, KHO_MEM_RUN_RANGE, 0);
	in = kho_idx_build(&r, U64_MAX);
	KUNIT_ASSERT_NOT_NULL(test, in);

	item = kho_in_item(in, KHO_IDX_PFN + 3, &kind, &pages);
	KUNIT_EXPECT_EQ(test, item, 3);
	KUNIT_EXPECT_EQ(test, kind, 0);
	item = kho_in_item(in, KHO_IDX_PFN + 66, &kind, &pages);
	KUNIT_EXPECT_EQ(test, item, 4 + 2);
	KUNIT_EXPECT_EQ(test, kho_in_item(in, KHO_IDX_PFN + 65, &kind, &pages),
			-1);
	item = kho_in_item(in, KHO_IDX_PFN + 1024, &kind, &pages);
	KUNIT_EXPECT_EQ(test, item, 4 + 64 + 1);
	KUNIT_EXPECT_EQ(test, kind, 9);
	KUNIT_EXPECT_EQ(test, pages, 512);
	item = kho_in_item(in, KHO_IDX_PFN + 4096, &kind, &pages);
	KUNIT_EXPECT_EQ(test, kind, KHO_KIND_RANGE);
	KUNIT_EXPECT_EQ(test, pages, 16);
	KUNIT_EXPECT_TRUE(test, kho_in_claim(in, item, pages));
	KUNIT_EXPECT_FALSE(test, kho_in_claim(in, item, pages));
	/* 4 + 2 + 2 * 512 + 16 pages preserved; the range is claimed. */
	KUNIT_EXPECT_EQ(test, kho_in_unclaimed(in), (u64)(4 + 2 + 1024) << PAGE_SHIFT);
	kho_in_mem_free(in);
}

/*
 * Lookups forward, backward and between entries find exactly the items
 * that start there, whatever the last lookup found; a page inside a
 * folio, at any alignment, is no item.
 */
static void kho_idx_lookups(struct kunit *test)
{
	struct kho_idx_rec r;
	struct kho_in_mem *in;
	unsigned long pages;
	unsigned int kind, i;
	s64 item, want;
	int pfn;

	kho_idx_begin(test, &r);
	/* Two order-0 pages every 8 pages: items 2 * i and 2 * i + 1. */
	for (i = 0; i < 4; i++)
		kho_idx_run(&r, KHO_IDX_PFN + 8 * i, 2, 0, 0, 0);
	kho_idx_run(&r, KHO_IDX_PFN + 512, 1, 9, 0, 0);
	in = kho_idx_build(&r, U64_MAX);
	KUNIT_ASSERT_NOT_NULL(test, in);

	for (pfn = 0; pfn < 40; pfn++) {
		want = pfn < 32 && pfn % 8 < 2 ? pfn / 8 * 2 + pfn % 8 : -1;
		item = kho_in_item(in, KHO_IDX_PFN + pfn, &kind, &pages);
		KUNIT_EXPECT_EQ_MSG(test, item, want, "forward, page %d", pfn);
	}
	for (pfn = 39; pfn >= 0; pfn--) {
		want = pfn < 32 && pfn % 8 < 2 ? pfn / 8 * 2 + pfn % 8 : -1;
		item = kho_in_item(in, KHO_IDX_PFN + pfn, &kind, &pages);
		KUNIT_EXPECT_EQ_MSG(test, item, want, "backward, page %d", pfn);
	}
	item = kho_in_item(in, KHO_IDX_PFN + 512, &kind, &pages);
	KUNIT_EXPECT_EQ(test, item, 8);
	KUNIT_EXPECT_EQ(test, kind, 9);
	for (i = 0; i < 9; i++)
		KUNIT_EXPECT_EQ(test, kho_in_item(in, KHO_IDX_PFN + 512 + BIT(i),
						  &kind, &pages), -1);
	kho_in_mem_free(in);
}

/* Runs of one kind overlap: by their holes, by their items, out of order. */
static void kho_idx_overlap(struct kunit *test)
{
	struct kho_idx_rec r;

	/* Bits 0 and 2 apart, but the second run starts in the first's span. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, 1, 0, KHO_MEM_RUN_BITMAP, 0x1);
	kho_idx_run(&r, KHO_IDX_PFN + 2, 1, 0, KHO_MEM_RUN_BITMAP, 0x1);
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, U64_MAX));

	/* A plain run inside a bitmap run's hole, same order. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, 1, 0, KHO_MEM_RUN_BITMAP, 0x1);
	kho_idx_run(&r, KHO_IDX_PFN + 10, 1, 0, 0, 0);
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, U64_MAX));

	/* Two ranges out of order. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN + 8, 4, 0, KHO_MEM_RUN_RANGE, 0);
	kho_idx_run(&r, KHO_IDX_PFN, 4, 0, KHO_MEM_RUN_RANGE, 0);
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, U64_MAX));

	/* Different kinds on the same pages are the merge's business. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, 1, 0, 0, 0);
	kho_idx_run(&r, KHO_IDX_PFN, 4, 0, KHO_MEM_RUN_RANGE, 0);
	kho_in_mem_free(kho_idx_build(&r, U64_MAX));
}

/* Item counts in 64 bits, bounded before anything is allocated. */
static void kho_idx_counts(struct kunit *test)
{
	struct kho_idx_rec r;
	struct kho_in_mem *in;

	/* 2^32 - 1 folios, then 2 more: past 2^32 in all. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, U32_MAX, 0, 0, 0);
	kho_idx_run(&r, KHO_IDX_PFN + U32_MAX, 2, 0, 0, 0);
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, kho_in_items_max(PAGE_SIZE,
								   totalram_pages())));

	/* Exactly at the bound is fine, one past it is not. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, 1, 0, KHO_MEM_RUN_BITMAP, 0x1);
	kho_idx_run(&r, KHO_IDX_PFN + 64, 6, 0, 0, 0);
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, 64 + 6 - 1));
	in = kho_idx_build(&r, 64 + 6);
	KUNIT_EXPECT_NOT_NULL(test, in);
	kho_in_mem_free(in);

	/* More runs than the record can hold. */
	kho_idx_begin(test, &r);
	kho_idx_run(&r, KHO_IDX_PFN, 1, 0, 0, 0);
	r.h->nr_runs = cpu_to_le64(PAGE_SIZE / sizeof(struct kho_mem_run));
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, U64_MAX));
	r.h->nr_runs = cpu_to_le64(BIT_ULL(32) + 1);
	KUNIT_EXPECT_NULL(test, kho_idx_build(&r, U64_MAX));
}

static struct kunit_case kho_idx_cases[] = {
	KUNIT_CASE(kho_idx_sound),
	KUNIT_CASE(kho_idx_lookups),
	KUNIT_CASE(kho_idx_overlap),
	KUNIT_CASE(kho_idx_counts),
	{}
};

static struct kunit_suite kho_idx_suite = {
	.name = "kho_in_index",
	.test_cases = kho_idx_cases,
};

kunit_test_suite(kho_idx_suite);

MODULE_DESCRIPTION("KUnit tests for the KHO restore index");
MODULE_LICENSE("GPL");
