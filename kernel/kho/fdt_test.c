// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the root FDT writer.
 */

#include <kunit/test.h>
#include <linux/libfdt.h>
#include <linux/sizes.h>

#include "kho_internal.h"

static const struct kho_range kho_test_scratch[] = {
	{ .addr = SZ_64M, .size = SZ_16M },
	{ .addr = 0x100000000ULL, .size = SZ_32M },
};

static const struct kho_fdt_client kho_test_clients[] = {
	{ .name = "memblock", .fdt = { 0x2000000, 0x1000 },
	  .mem = { 0x3000000, 0x2000 } },
	{ .name = "only-mem", .mem = { 0x4000000, 0x1000 } },
};

static void *kho_test_buf(struct kunit *test, size_t size)
{
	void *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

static void kho_fdt_expect_range(struct kunit *test, const void *fdt, int node,
				 const char *prop, const struct kho_range *want)
{
	const fdt64_t *v;
	int len;

	v = fdt_getprop(fdt, node, prop, &len);
	if (!want->size) {
		KUNIT_EXPECT_NULL(test, v);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_EQ(test, len, 2 * (int)sizeof(*v));
	KUNIT_EXPECT_EQ(test, fdt64_to_cpu(v[0]), (u64)want->addr);
	KUNIT_EXPECT_EQ(test, fdt64_to_cpu(v[1]), (u64)want->size);
}

static void kho_fdt_root_layout(struct kunit *test)
{
	size_t size = kho_fdt_root_size(2, 2);
	void *fdt = kho_test_buf(test, size);
	const fdt64_t *table;
	int clients, node, len, i;

	KUNIT_ASSERT_EQ(test, kho_fdt_write_root(fdt, size, kho_test_scratch, 2,
						 kho_test_clients, 2), 0);
	KUNIT_ASSERT_EQ(test, fdt_check_header(fdt), 0);
	KUNIT_EXPECT_EQ(test, fdt_node_check_compatible(fdt, 0,
							KHO_FDT_COMPATIBLE), 0);

	table = fdt_getprop(fdt, 0, KHO_FDT_SCRATCH, &len);
	KUNIT_ASSERT_NOT_NULL(test, table);
	KUNIT_ASSERT_EQ(test, len, 4 * (int)sizeof(*table));
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, fdt64_to_cpu(table[2 * i]),
				(u64)kho_test_scratch[i].addr);
		KUNIT_EXPECT_EQ(test, fdt64_to_cpu(table[2 * i + 1]),
				(u64)kho_test_scratch[i].size);
	}

	clients = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
	KUNIT_ASSERT_GE(test, clients, 0);
	for (i = 0; i < 2; i++) {
		node = fdt_subnode_offset(fdt, clients, kho_test_clients[i].name);
		KUNIT_ASSERT_GE(test, node, 0);
		kho_fdt_expect_range(test, fdt, node, KHO_FDT_SUB_FDT,
				     &kho_test_clients[i].fdt);
		kho_fdt_expect_range(test, fdt, node, KHO_FDT_MEM,
				     &kho_test_clients[i].mem);
	}
	/* Nothing else under clients. */
	i = 0;
	fdt_for_each_subnode(node, fdt, clients)
		i++;
	KUNIT_EXPECT_EQ(test, i, 2);
}

static void kho_fdt_root_errors(struct kunit *test)
{
	struct kho_fdt_client bad = { .name = "a/b", .mem = { 0x1000, 0x1000 } };
	size_t size = kho_fdt_root_size(2, 2);
	void *fdt = kho_test_buf(test, size);

	KUNIT_EXPECT_EQ(test, kho_fdt_write_root(fdt, 64, kho_test_scratch, 2,
						 kho_test_clients, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, kho_fdt_write_root(fdt, size, kho_test_scratch, 2,
						 &bad, 1), -EINVAL);
	bad.name = "";
	KUNIT_EXPECT_EQ(test, kho_fdt_write_root(fdt, size, kho_test_scratch, 2,
						 &bad, 1), -EINVAL);
	bad.name = "a-name-that-is-longer-than-31-chars";
	KUNIT_EXPECT_EQ(test, kho_fdt_write_root(fdt, size, kho_test_scratch, 2,
						 &bad, 1), -EINVAL);
}

static struct kunit_case kho_fdt_cases[] = {
	KUNIT_CASE(kho_fdt_root_layout),
	KUNIT_CASE(kho_fdt_root_errors),
	{}
};

static struct kunit_suite kho_fdt_suite = {
	.name = "kho_fdt",
	.test_cases = kho_fdt_cases,
};

kunit_test_suite(kho_fdt_suite);

MODULE_DESCRIPTION("KUnit tests for the KHO root FDT writer");
MODULE_LICENSE("GPL");
