// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the outgoing side around finalize.  Each case finalizes and
 * aborts the real handover under kho_lock, so it needs kho=on and no
 * finalize of anybody else during the run (KUnit runs before userspace).
 *
 *  - kho_out_vmalloc_busy: after finalize, kho_unpreserve_vmalloc() fails
 *    with -EBUSY and frees nothing the handover points at;
 *  - kho_out_many_subtrees: clients that carry both a record and a
 *    sub-FDT take one root FDT node each, so 40 of them finalize;
 *  - kho_out_abort_keeps_buffer: what a loaded kexec image points at (the
 *    root FDT buffer, the scratch table) is never freed: abort zeroes the
 *    root FDT in place, and the next load gets the same addresses.  Loads
 *    and aborts both run under kho_lock, so they cannot interleave.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/vmalloc.h>

#include "kho_internal.h"

/* Clients of the many-subtrees case: more than KHO_CLIENTS_MAX / 2. */
#define KHO_OUT_TEST_CLIENTS	40

static int kho_out_test_finalize(void)
{
	int err;

	mutex_lock(&kho_lock);
	err = kho_finalize();
	mutex_unlock(&kho_lock);
	return err;
}

static int kho_out_test_abort(void)
{
	int err;

	mutex_lock(&kho_lock);
	err = kho_abort();
	mutex_unlock(&kho_lock);
	return err;
}

static bool kho_out_test_preserved(phys_addr_t phys)
{
	struct kho_client *c = kho_default_client();
	bool has;

	mutex_lock(&kho_mem_lock);
	has = kho_track_has(c, phys, PAGE_SIZE);
	mutex_unlock(&kho_mem_lock);
	return has;
}

static void kho_out_vmalloc_busy(struct kunit *test)
{
	struct kho_vmalloc pres = { };
	phys_addr_t first;
	struct page *idx;
	void *area;

	if (!kho_is_enabled())
		kunit_skip(test, "needs kho=on");
	area = vmalloc(3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_ASSERT_EQ(test, kho_preserve_vmalloc(area, &pres), 0);
	first = le64_to_cpu(pres.first);
	idx = pfn_to_page(PHYS_PFN(first));

	KUNIT_ASSERT_EQ(test, kho_out_test_finalize(), 0);
	KUNIT_EXPECT_EQ(test, kho_unpreserve_vmalloc(&pres), -EBUSY);
	/* Nothing changed: the descriptor, the index page, its tracking. */
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pres.first), first);
	KUNIT_EXPECT_EQ(test, page_count(idx), 1);
	KUNIT_EXPECT_TRUE(test, kho_out_test_preserved(first));
	KUNIT_EXPECT_TRUE(test, kho_out_test_preserved(page_to_phys(vmalloc_to_page(area))));
	KUNIT_ASSERT_EQ(test, kho_out_test_abort(), 0);

	KUNIT_EXPECT_EQ(test, kho_unpreserve_vmalloc(&pres), 0);
	KUNIT_EXPECT_EQ(test, pres.first, 0);
	KUNIT_EXPECT_FALSE(test, kho_out_test_preserved(page_to_phys(vmalloc_to_page(area))));
	vfree(area);
}

static struct kho_out_test_sub {
	struct kho_client *c;
	void *fdt;
	char name[KHO_NAME_MAX + 1];
} kho_out_test_subs[KHO_OUT_TEST_CLIENTS];

static int kho_out_test_notifier(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	unsigned int i;
	int err = 0;

	if (action != KEXEC_KHO_FINALIZE)
		return NOTIFY_DONE;
	for (i = 0; i < KHO_OUT_TEST_CLIENTS && !err; i++)
		err = kho_add_subtree(data, kho_out_test_subs[i].name,
				      kho_out_test_subs[i].fdt);
	return notifier_from_errno(err);
}

static struct notifier_block kho_out_test_nb = {
	.notifier_call = kho_out_test_notifier,
};

static void kho_out_many_subtrees(struct kunit *test)
{
	struct kho_out_test_sub *s;
	unsigned int i, found = 0;
	int node, child, err;

	if (!kho_is_enabled())
		kunit_skip(test, "needs kho=on");
	for (i = 0; i < KHO_OUT_TEST_CLIENTS; i++) {
		s = &kho_out_test_subs[i];
		snprintf(s->name, sizeof(s->name), "kunit-sub-%u", i);
		s->c = kho_client_get(s->name);
		KUNIT_ASSERT_FALSE(test, IS_ERR(s->c));
		s->fdt = (void *)get_zeroed_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->fdt);
		KUNIT_ASSERT_EQ(test, fdt_create_empty_tree(s->fdt, PAGE_SIZE), 0);
		/* Its record holds the page, its sub-FDT lies in it. */
		err = kho_client_preserve_folio(s->c, virt_to_folio(s->fdt));
		KUNIT_ASSERT_EQ(test, err, 0);
	}
	KUNIT_ASSERT_EQ(test, register_kho_notifier(&kho_out_test_nb), 0);
	err = kho_out_test_finalize();
	KUNIT_EXPECT_EQ(test, err, 0);
	if (!err) {
		const void *fdt = kho_out_root();

		node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
		fdt_for_each_subnode(child, fdt, node) {
			const char *name = fdt_get_name(fdt, child, NULL);

			found += name && !strncmp(name, "kunit-sub-", 10) &&
				 fdt_getprop(fdt, child, KHO_FDT_MEM, NULL) &&
				 fdt_getprop(fdt, child, KHO_FDT_SUB_FDT, NULL);
		}
		KUNIT_EXPECT_EQ(test, found, KHO_OUT_TEST_CLIENTS);
		KUNIT_EXPECT_EQ(test, kho_out_test_abort(), 0);
	}
	KUNIT_EXPECT_EQ(test, unregister_kho_notifier(&kho_out_test_nb), 0);
	for (i = 0; i < KHO_OUT_TEST_CLIENTS; i++) {
		s = &kho_out_test_subs[i];
		err = kho_client_unpreserve_folio(s->c, virt_to_folio(s->fdt));
		KUNIT_EXPECT_EQ(test, err, 0);
		free_page((unsigned long)s->fdt);
		kho_client_put(s->c);
	}
}

static void kho_out_abort_keeps_buffer(struct kunit *test)
{
	static const struct kimage *fake = (const struct kimage *)&fake;
	struct kho_setup_data sd = { }, sd2 = { };
	const struct kimage *saved;
	size_t size;
	void *root;

	if (!kho_is_enabled())
		kunit_skip(test, "needs kho=on");
	mutex_lock(&kho_lock);
	saved = kho_out.image;
	mutex_unlock(&kho_lock);

	KUNIT_ASSERT_EQ(test, kho_get_handover(fake, &sd), 0);
	root = phys_to_virt(le64_to_cpu(sd.fdt_addr));
	size = le64_to_cpu(sd.fdt_size);
	KUNIT_ASSERT_EQ(test, kho_out_test_finalize(), 0);
	KUNIT_EXPECT_PTR_EQ(test, kho_out_root(), root);
	KUNIT_EXPECT_EQ(test, fdt_magic(root), FDT_MAGIC);
	KUNIT_ASSERT_EQ(test, kho_out_test_abort(), 0);

	/* Still allocated, and nothing in it a next kernel would take. */
	KUNIT_EXPECT_EQ(test, page_count(virt_to_page(root)), 1);
	KUNIT_EXPECT_NULL(test, memchr_inv(root, 0, size));
	KUNIT_EXPECT_EQ(test, page_count(virt_to_page(kho_scratch_table)), 1);
	KUNIT_ASSERT_EQ(test, kho_get_handover(fake, &sd2), 0);
	KUNIT_EXPECT_EQ(test, sd2.fdt_addr, sd.fdt_addr);
	KUNIT_EXPECT_EQ(test, sd2.scratch_addr, sd.scratch_addr);

	mutex_lock(&kho_lock);
	kho_out.image = saved;
	mutex_unlock(&kho_lock);
}

static struct kunit_case kho_out_cases[] = {
	KUNIT_CASE(kho_out_vmalloc_busy),
	KUNIT_CASE(kho_out_many_subtrees),
	KUNIT_CASE(kho_out_abort_keeps_buffer),
	{}
};

static struct kunit_suite kho_out_suite = {
	.name = "kho_outgoing",
	.test_cases = kho_out_cases,
};

kunit_test_suite(kho_out_suite);

MODULE_DESCRIPTION("KUnit tests for KHO finalize and the outgoing side");
MODULE_LICENSE("GPL");
