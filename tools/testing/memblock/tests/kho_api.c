// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Simulator cases for memblock's KHO support (mm/memblock/kho.c):
 * kernel-reserved accounting, scratch-only allocation, reserve_mem regions
 * kept out of scratch, the linear-time bulk reservation and reservations
 * over the spans of preserved folios.
 */
#include "kho_api.h"

#define KHO_TEST_MEM		SZ_8M

/* Page-aligned base of the simulated RAM used by these cases. */
static phys_addr_t kho_base(void)
{
	return ALIGN(dummy_physical_memory_base(), SZ_64K);
}

/*
 * memblock_reserve_sorted() leaves memblock.reserved in an array it
 * allocated from the simulated memory, where the next case would allocate
 * its own: every case starts from this static array instead.
 */
static struct memblock_region kho_rsv_regions[INIT_MEMBLOCK_RESERVED_REGIONS];

static void kho_setup(void)
{
	reset_memblock_regions();
	memset(kho_rsv_regions, 0, sizeof(kho_rsv_regions));
	memblock.reserved.regions = kho_rsv_regions;
	reset_memblock_attributes();
	memblock_add(kho_base(), KHO_TEST_MEM);
	memblock_allow_resize();
}

/* Plain reservations do not count; memblock allocations and _kern ones do. */
static int kern_size_counts_only_kernel(void)
{
	phys_addr_t b = kho_base(), total;
	void *p;

	PREFIX_PUSH();
	kho_setup();
	memblock_reserve(b, SZ_64K);
	memblock_reserve_kern(b + SZ_1M, SZ_128K);
	p = memblock_alloc(SZ_16K, SZ_4K);
	ASSERT_NE(NULL, p);

	total = memblock_reserved_kern_size(PHYS_ADDR_MAX, NUMA_NO_NODE);
	ASSERT_EQ(SZ_128K + SZ_16K, total);

	/* A limit inside the _kern region counts the part below it only. */
	total = memblock_reserved_kern_size(b + SZ_1M + SZ_32K, NUMA_NO_NODE);
	ASSERT_EQ(SZ_32K, total);

	/* Freeing an allocation takes it out of the count. */
	memblock_free(p, SZ_16K);
	total = memblock_reserved_kern_size(PHYS_ADDR_MAX, NUMA_NO_NODE);
	ASSERT_EQ(SZ_128K, total);

	test_pass_pop();
	return 0;
}

/* A _kern region on a node boundary is split between the two nodes. */
static int kern_size_per_node(void)
{
	phys_addr_t b = kho_base(), half = KHO_TEST_MEM / 2;

	PREFIX_PUSH();
	reset_memblock_regions();
	reset_memblock_attributes();
	memblock_add_node(b, half, 0, MEMBLOCK_NONE);
	memblock_add_node(b + half, half, 1, MEMBLOCK_NONE);
	memblock_reserve_kern(b + SZ_64K, SZ_64K);
	memblock_reserve_kern(b + half - SZ_16K, SZ_64K);
	memblock_reserve_kern(b + half + SZ_1M, SZ_8K);

	ASSERT_EQ(SZ_64K + SZ_64K + SZ_8K,
		  memblock_reserved_kern_size(PHYS_ADDR_MAX, NUMA_NO_NODE));
#ifdef CONFIG_NUMA
	ASSERT_EQ(SZ_64K + SZ_16K, memblock_reserved_kern_size(PHYS_ADDR_MAX, 0));
	ASSERT_EQ(SZ_64K - SZ_16K + SZ_8K,
		  memblock_reserved_kern_size(PHYS_ADDR_MAX, 1));
	ASSERT_EQ(0, memblock_reserved_kern_size(PHYS_ADDR_MAX, 2));
#endif
	test_pass_pop();
	return 0;
}

/* In scratch-only mode every allocation lands in scratch, or fails. */
static int scratch_only_allocations(void)
{
	phys_addr_t b = kho_base(), s = b + SZ_2M, got;
	int i, ret;

	PREFIX_PUSH();
	kho_setup();
	ret = memblock_mark_kho_scratch(s, SZ_256K);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(3, memblock.memory.cnt);
	ASSERT_EQ(MEMBLOCK_KHO_SCRATCH, memblock.memory.regions[1].flags);

	memblock_set_kho_scratch_only();
	ASSERT_TRUE(memblock_is_kho_scratch_only());
	for (i = 0; i < 4; i++) {
		got = memblock_phys_alloc(SZ_32K, SZ_4K);
		ASSERT_NE(0, got);
		ASSERT_LE(s, got);
		ASSERT_LE(got + SZ_32K, s + SZ_256K);
	}
	/* Bottom-up too. */
	memblock_set_bottom_up(true);
	got = memblock_phys_alloc(SZ_32K, SZ_4K);
	ASSERT_EQ(s, got);
	memblock_set_bottom_up(false);

	/* More than scratch has left fails instead of spilling over. */
	got = memblock_phys_alloc(SZ_128K, SZ_4K);
	ASSERT_EQ(0, got);

	memblock_clear_kho_scratch_only();
	ASSERT_FALSE(memblock_is_kho_scratch_only());
	got = memblock_phys_alloc(SZ_128K, SZ_4K);
	ASSERT_NE(0, got);
	ASSERT_TRUE(got + SZ_128K <= s || got >= s + SZ_256K);

	ret = memblock_clear_kho_scratch(s, SZ_256K);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(1, memblock.memory.cnt);
	test_pass_pop();
	return 0;
}

/* A new reserve_mem region never lands in scratch, even at the top. */
static int reserve_mem_avoids_scratch(void)
{
	phys_addr_t b = kho_base(), s = b + KHO_TEST_MEM - SZ_1M, got;
	int ret;

	PREFIX_PUSH();
	kho_setup();
	ret = memblock_mark_kho_scratch(s, SZ_1M);
	ASSERT_EQ(0, ret);

	/* Top-down, a plain allocation would come from scratch. */
	got = reserve_mem_kho_alloc("test", SZ_64K, SZ_4K);
	ASSERT_NE(0, got);
	ASSERT_LE(got + SZ_64K, s);
	ASSERT_EQ(s - SZ_64K, got);

	/* Only the reserve_mem allocation avoided scratch. */
	got = memblock_phys_alloc(SZ_64K, SZ_4K);
	ASSERT_EQ(s + SZ_1M - SZ_64K, got);
	test_pass_pop();
	return 0;
}

struct kho_ranges {
	const phys_addr_t (*r)[2];
	unsigned long n, i;
	const enum memblock_flags *f;	/* flags per range; NULL: none */
};

static bool kho_next(void *ctx, phys_addr_t *base, phys_addr_t *size,
		     enum memblock_flags *flags)
{
	struct kho_ranges *k = ctx;

	if (k->i == k->n)
		return false;
	*base = k->r[k->i][0];
	*size = k->r[k->i][1];
	*flags = k->f ? k->f[k->i] : MEMBLOCK_NONE;
	k->i++;
	return true;
}

static void assert_region(int idx, phys_addr_t base, phys_addr_t size)
{
	ASSERT_EQ(base, memblock.reserved.regions[idx].base);
	ASSERT_EQ(size, memblock.reserved.regions[idx].size);
}

/*
 * Neighbours coalesce, overlaps with existing reservations are clipped and
 * the existing regions keep their flags.
 */
static int reserve_sorted_merges(void)
{
	phys_addr_t b = kho_base() + SZ_4M;
	const phys_addr_t r[][2] = {
		{ b,		SZ_4K },
		{ b + SZ_4K,	SZ_4K },	/* touches the previous one */
		{ b + SZ_64K,	SZ_64K },	/* covers an existing region */
		{ b + SZ_1M,	SZ_8K },
	};
	struct kho_ranges k = { r, ARRAY_SIZE(r), 0 };
	phys_addr_t arr;
	int i, ret;

	PREFIX_PUSH();
	kho_setup();
	memblock_reserve_kern(b + SZ_64K + SZ_16K, SZ_16K);
	memblock_reserve(b + SZ_2M, SZ_4K);

	/* Keep the array itself away from the ranges. */
	memblock_set_current_limit(kho_base() + SZ_2M);
	ret = memblock_reserve_sorted(kho_next, &k, ARRAY_SIZE(r));
	ASSERT_EQ(0, ret);

	/* The array is the first region, below the limit. */
	arr = memblock.reserved.regions[0].base;
	ASSERT_LE(arr + memblock.reserved.regions[0].size, kho_base() + SZ_2M);
	assert_region(1, b, SZ_8K);
	assert_region(2, b + SZ_64K, SZ_16K);
	assert_region(3, b + SZ_64K + SZ_16K, SZ_16K);
	ASSERT_EQ(MEMBLOCK_RSRV_KERN, memblock.reserved.regions[3].flags);
	assert_region(4, b + SZ_64K + SZ_32K, SZ_32K);
	assert_region(5, b + SZ_1M, SZ_8K);
	assert_region(6, b + SZ_2M, SZ_4K);
	ASSERT_EQ(7, memblock.reserved.cnt);
	for (i = 0; i < 7; i++)
		ASSERT_NE(0, memblock.reserved.regions[i].size);
	test_pass_pop();
	return 0;
}

/*
 * Ranges keep the flags they come with, coalesce only with neighbours of
 * the same flags, and are clipped around existing regions as without
 * flags.
 */
static int reserve_sorted_flags(void)
{
	const enum memblock_flags pres = MEMBLOCK_KHO_PRESERVED;
	phys_addr_t b = kho_base() + SZ_4M;
	const phys_addr_t r[][2] = {
		{ b,		SZ_4K },
		{ b + SZ_4K,	SZ_4K },	/* same flags: coalesces */
		{ b + SZ_8K,	SZ_4K },	/* touches, other flags */
		{ b + SZ_64K,	SZ_64K },	/* covers an existing region */
	};
	const enum memblock_flags f[] = { pres, pres, MEMBLOCK_NONE, pres };
	struct kho_ranges k = { r, ARRAY_SIZE(r), 0, f };
	struct memblock_region *rg;
	int ret;

	PREFIX_PUSH();
	kho_setup();
	memblock_reserve_kern(b + SZ_64K + SZ_16K, SZ_16K);
	memblock_set_current_limit(kho_base() + SZ_2M);
	ret = memblock_reserve_sorted(kho_next, &k, ARRAY_SIZE(r));
	ASSERT_EQ(0, ret);
	rg = memblock.reserved.regions;
	ASSERT_EQ(6, memblock.reserved.cnt);
	assert_region(1, b, SZ_8K);
	ASSERT_EQ(pres, rg[1].flags);
	assert_region(2, b + SZ_8K, SZ_4K);
	ASSERT_EQ(MEMBLOCK_NONE, rg[2].flags);
	assert_region(3, b + SZ_64K, SZ_16K);
	ASSERT_EQ(pres, rg[3].flags);
	assert_region(4, b + SZ_64K + SZ_16K, SZ_16K);
	ASSERT_EQ(MEMBLOCK_RSRV_KERN, rg[4].flags);
	assert_region(5, b + SZ_64K + SZ_32K, SZ_32K);
	ASSERT_EQ(pres, rg[5].flags);
	test_pass_pop();
	return 0;
}

/*
 * A memblock_reserve() over a span of preserved folios takes the part it
 * overlaps out of the span, inside it or across its end; one elsewhere
 * leaves the spans alone.
 */
static int reserve_over_span(void)
{
	const enum memblock_flags pres = MEMBLOCK_KHO_PRESERVED;
	phys_addr_t b = kho_base() + SZ_4M;
	const phys_addr_t r[][2] = { { b, SZ_64K } };
	const enum memblock_flags f[] = { pres };
	struct kho_ranges k = { r, ARRAY_SIZE(r), 0, f };
	struct memblock_region *rg;
	int ret;

	PREFIX_PUSH();
	kho_setup();
	memblock_set_current_limit(kho_base() + SZ_2M);
	ret = memblock_reserve_sorted(kho_next, &k, ARRAY_SIZE(r));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(2, memblock.reserved.cnt);

	memblock_reserve(b + SZ_1M, SZ_4K);
	memblock_reserve(b + SZ_16K, SZ_8K);
	memblock_reserve(b + SZ_64K - SZ_4K, SZ_8K);
	rg = memblock.reserved.regions;
	ASSERT_EQ(6, memblock.reserved.cnt);
	assert_region(1, b, SZ_16K);
	ASSERT_EQ(pres, rg[1].flags);
	assert_region(2, b + SZ_16K, SZ_8K);
	ASSERT_EQ(MEMBLOCK_NONE, rg[2].flags);
	assert_region(3, b + SZ_16K + SZ_8K, SZ_32K + SZ_4K);
	ASSERT_EQ(pres, rg[3].flags);
	assert_region(4, b + SZ_64K - SZ_4K, SZ_8K);
	ASSERT_EQ(MEMBLOCK_NONE, rg[4].flags);
	assert_region(5, b + SZ_1M, SZ_4K);
	ASSERT_EQ(MEMBLOCK_NONE, rg[5].flags);
	test_pass_pop();
	return 0;
}

/* Unsorted, overlapping, too many or wrongly flagged ranges change nothing. */
static int reserve_sorted_rejects(void)
{
	phys_addr_t b = kho_base() + SZ_4M;
	const phys_addr_t unsorted[][2] = { { b + SZ_64K, SZ_4K }, { b, SZ_4K } };
	const phys_addr_t overlap[][2] = { { b, SZ_8K }, { b + SZ_4K, SZ_4K } };
	const phys_addr_t two[][2] = { { b, SZ_4K }, { b + SZ_8K, SZ_4K } };
	const phys_addr_t empty[][2] = { { b, 0 } };
	struct kho_ranges k1 = { unsorted, 2, 0 }, k2 = { overlap, 2, 0 };
	struct kho_ranges k3 = { empty, 1, 0 }, k4 = { two, 2, 0 };
	const enum memblock_flags nomap[] = { MEMBLOCK_NOMAP };
	struct kho_ranges k5 = { two, 1, 0, nomap };
	int ret;

	PREFIX_PUSH();
	kho_setup();
	memblock_reserve(b + SZ_1M, SZ_4K);
	ret = memblock_reserve_sorted(kho_next, &k1, 2);
	ASSERT_EQ(-EINVAL, ret);
	ret = memblock_reserve_sorted(kho_next, &k2, 2);
	ASSERT_EQ(-EINVAL, ret);
	ret = memblock_reserve_sorted(kho_next, &k3, 1);
	ASSERT_EQ(-EINVAL, ret);
	/* More ranges than announced. */
	ret = memblock_reserve_sorted(kho_next, &k4, 1);
	ASSERT_EQ(-EINVAL, ret);
	/* Only MEMBLOCK_KHO_PRESERVED may come with a range. */
	ret = memblock_reserve_sorted(kho_next, &k5, 1);
	ASSERT_EQ(-EINVAL, ret);
	ASSERT_EQ(1, memblock.reserved.cnt);
	assert_region(0, b + SZ_1M, SZ_4K);
	test_pass_pop();
	return 0;
}

/* An array that would land on one of the ranges changes nothing. */
static int reserve_sorted_busy(void)
{
	phys_addr_t b = kho_base();
	const phys_addr_t all[][2] = { { b, SZ_2M } };
	struct kho_ranges k = { all, 1, 0 };
	int ret;

	PREFIX_PUSH();
	kho_setup();
	memblock_reserve(b + SZ_4M, SZ_4K);
	/* The only room for the array is inside the range. */
	memblock_set_current_limit(b + SZ_2M);
	ret = memblock_reserve_sorted(kho_next, &k, 1);
	ASSERT_EQ(-EBUSY, ret);
	ASSERT_EQ(1, memblock.reserved.cnt);
	assert_region(0, b + SZ_4M, SZ_4K);
	ASSERT_EQ(SZ_4K, memblock.reserved.total_size);
	test_pass_pop();
	return 0;
}

struct kho_scattered {
	phys_addr_t base;
	unsigned long n, i;
};

static bool kho_next_scattered(void *ctx, phys_addr_t *base,
			       phys_addr_t *size, enum memblock_flags *flags)
{
	struct kho_scattered *k = ctx;

	if (k->i == k->n)
		return false;
	/* Every other page: nothing coalesces. */
	*base = k->base + 2 * k->i * SZ_4K;
	*size = SZ_4K;
	*flags = MEMBLOCK_NONE;
	k->i++;
	return true;
}

/* Many scattered pages: one region each, plus the array. */
static int reserve_sorted_many(void)
{
	struct kho_scattered k = { kho_base() + SZ_4M, 512, 0 };
	unsigned long i;
	int ret;

	PREFIX_PUSH();
	kho_setup();
	/* Away from the ranges, so that the array does not merge with them. */
	memblock_set_current_limit(kho_base() + SZ_2M);
	ret = memblock_reserve_sorted(kho_next_scattered, &k, k.n);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(k.n + 1, memblock.reserved.cnt);
	ASSERT_LE(k.n + 1, memblock.reserved.max);
	for (i = 0; i < k.n; i++)
		assert_region(i + 1, k.base + 2 * i * SZ_4K, SZ_4K);
	ASSERT_EQ(k.n * SZ_4K + memblock.reserved.regions[0].size,
		  memblock.reserved.total_size);

	/* Ordinary memblock calls keep working on the new array. */
	ret = memblock_reserve(k.base + SZ_4K, SZ_4K);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(k.n, memblock.reserved.cnt);
	test_pass_pop();
	return 0;
}

/* Pages of the window the random cases reserve in. */
#define KHO_PROP_PAGES		1024
#define KHO_PROP_ROUNDS		300

static u32 kho_prop_seed = 1;

/* xorshift32: a fixed sequence, so that a failure can be replayed. */
static u32 kho_prop_rand(u32 bound)
{
	kho_prop_seed ^= kho_prop_seed << 13;
	kho_prop_seed ^= kho_prop_seed >> 17;
	kho_prop_seed ^= kho_prop_seed << 5;
	return kho_prop_seed % bound;
}

struct kho_prop {
	phys_addr_t r[KHO_PROP_PAGES][2];
	unsigned long n, i;
};

static bool kho_prop_next(void *ctx, phys_addr_t *base, phys_addr_t *size,
			  enum memblock_flags *flags)
{
	struct kho_prop *k = ctx;

	if (k->i == k->n)
		return false;
	*base = k->r[k->i][0];
	*size = k->r[k->i][1];
	*flags = MEMBLOCK_NONE;
	k->i++;
	return true;
}

/*
 * Random existing regions (overlapping each other, some _kern), then random
 * sorted new ranges across them: the result is sorted, without overlaps,
 * and reserves exactly the union, page by page.
 */
static int reserve_sorted_random(void)
{
	static struct memblock_region rsv_regions[INIT_MEMBLOCK_RESERVED_REGIONS];
	static struct kho_prop k;
	phys_addr_t b = kho_base() + SZ_4M, limit = kho_base() + SZ_2M;
	bool want[KHO_PROP_PAGES];
	unsigned int round;

	PREFIX_PUSH();
	for (round = 0; round < KHO_PROP_ROUNDS; round++) {
		struct memblock_type *rsv = &memblock.reserved;
		unsigned long p, len, i, nr_old = kho_prop_rand(16);
		phys_addr_t in_window = 0, total = 0;
		int ret;

		/*
		 * reset_memblock_regions() keeps the array of the last round,
		 * which lies in the simulated RAM this round allocates from:
		 * start every round on an array of the test's own.
		 */
		memblock.reserved.cnt = 0;
		memblock.reserved.regions = rsv_regions;
		kho_setup();
		memblock_set_current_limit(limit);
		memset(want, 0, sizeof(want));
		for (i = 0; i < nr_old; i++) {
			p = kho_prop_rand(KHO_PROP_PAGES);
			len = KHO_PROP_PAGES - p;
			len = 1 + kho_prop_rand(len < 96 ? len : 96);
			if (kho_prop_rand(4))
				memblock_reserve(b + p * SZ_4K, len * SZ_4K);
			else
				memblock_reserve_kern(b + p * SZ_4K, len * SZ_4K);
			memset(want + p, 1, len);
		}
		k.n = 0;
		k.i = 0;
		for (p = kho_prop_rand(8); p < KHO_PROP_PAGES;
		     p += len + kho_prop_rand(24)) {
			len = 1 + kho_prop_rand(48);
			if (p + len > KHO_PROP_PAGES)
				break;
			k.r[k.n][0] = b + p * SZ_4K;
			k.r[k.n][1] = len * SZ_4K;
			k.n++;
			memset(want + p, 1, len);
		}

		ret = memblock_reserve_sorted(kho_prop_next, &k, k.n);
		ASSERT_EQ(0, ret);
		for (i = 0; i < rsv->cnt; i++) {
			struct memblock_region *r = &rsv->regions[i];

			ASSERT_NE(0, r->size);
			total += r->size;
			if (i + 1 < rsv->cnt)
				ASSERT_LE(r->base + r->size, rsv->regions[i + 1].base);
			if (r->base < b) {
				/* Only the array lies outside the window. */
				ASSERT_LE(r->base + r->size, limit);
				continue;
			}
			ASSERT_LE(r->base + r->size, b + KHO_PROP_PAGES * SZ_4K);
			for (p = (r->base - b) / SZ_4K;
			     p < (r->base + r->size - b) / SZ_4K; p++)
				ASSERT_EQ(true, want[p]);
			in_window += r->size;
		}
		for (p = 0, len = 0; p < KHO_PROP_PAGES; p++)
			len += want[p];
		ASSERT_EQ(len * SZ_4K, in_window);
		ASSERT_EQ(total, rsv->total_size);
	}
	test_pass_pop();
	return 0;
}

int memblock_kho_checks(void)
{
	struct memblock_region *rsv = memblock.reserved.regions;

	prefix_reset();
	prefix_push("memblock_kho");
	test_print("Running memblock KHO tests...\n");

	dummy_physical_memory_init();
	kern_size_counts_only_kernel();
	kern_size_per_node();
	scratch_only_allocations();
	reserve_mem_avoids_scratch();
	reserve_sorted_merges();
	reserve_sorted_flags();
	reserve_over_span();
	reserve_sorted_rejects();
	reserve_sorted_busy();
	reserve_sorted_many();
	reserve_sorted_random();
	/* Back to the array the other cases use, empty. */
	memblock.reserved.regions = rsv;
	memblock.reserved.cnt = 0;
	reset_memblock_regions();
	dummy_physical_memory_cleanup();

	prefix_pop();
	return 0;
}
