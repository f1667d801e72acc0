// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: debugfs kho/.  out/ shows and drives the outgoing side
 * (finalize, scratch, preserved, the finalized FDTs); in/ shows what the
 * previous kernel handed over (its FDTs, unclaimed memory) and releases
 * it.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kho_internal.h"
/* Show the finalized FDTs in out/.  kho_lock held. */
void kho_out_debugfs(void)
{
	struct kho_subtree *t;

	kho_out.fdt_blob.data = kho_out.fdt;
	kho_out.fdt_blob.size = fdt_totalsize(kho_out.fdt);
	kho_out.fdt_file = debugfs_create_blob("fdt", 0400, kho_out.dir,
					       &kho_out.fdt_blob);
	kho_out.sub_fdts = debugfs_create_dir("sub_fdts", kho_out.dir);
	list_for_each_entry(t, &kho_out.ser->subtrees, list) {
		t->blob.data = phys_to_virt(t->fdt.addr);
		t->blob.size = t->fdt.size;
		debugfs_create_blob(t->name, 0400, kho_out.sub_fdts, &t->blob);
	}
}

/* Hide them again, at abort.  kho_lock held. */
void kho_out_debugfs_remove(void)
{
	debugfs_remove(kho_out.fdt_file);
	kho_out.fdt_file = NULL;
	debugfs_remove_recursive(kho_out.sub_fdts);
	kho_out.sub_fdts = NULL;
}

/* ------------------------------------------------------------------------
 * debugfs: kho/out/
 */

static ssize_t kho_finalize_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	char s[] = "0\n";

	s[0] += !!READ_ONCE(kho_out.fdt);
	return simple_read_from_buffer(buf, count, ppos, s, sizeof(s) - 1);
}

static ssize_t kho_finalize_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char buf[4] = { };
	int err;

	if (!kho_is_enabled()) {
		pr_err("finalize: KHO is disabled on this boot (boot with kho=on)\n");
		return -EOPNOTSUPP;
	}
	if (count > sizeof(buf) - 1 || copy_from_user(buf, ubuf, count))
		return -EINVAL;
	strim(buf);
	mutex_lock(&kho_lock);
	if (!strcmp(buf, "1")) {
		err = kho_finalize();
	} else if (!strcmp(buf, "0")) {
		err = kho_abort();
	} else {
		pr_err("finalize: write 1 to finalize or 0 to abort\n");
		err = -EINVAL;
	}
	mutex_unlock(&kho_lock);
	return err ?: count;
}

static const struct file_operations kho_finalize_fops = {
	.owner = THIS_MODULE,
	.read = kho_finalize_read,
	.write = kho_finalize_write,
	.llseek = default_llseek,
};

static int kho_scratch_show(struct seq_file *m, bool len)
{
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++)
		seq_printf(m, "0x%llx\n", len ? (u64)kho_scratch[i].size :
						(u64)kho_scratch[i].addr);
	return 0;
}

static int kho_scratch_phys_show(struct seq_file *m, void *v)
{
	return kho_scratch_show(m, false);
}
DEFINE_SHOW_ATTRIBUTE(kho_scratch_phys);

static int kho_scratch_len_show(struct seq_file *m, void *v)
{
	return kho_scratch_show(m, true);
}
DEFINE_SHOW_ATTRIBUTE(kho_scratch_len);

/*
 * Per scratch region: its address, then how many of its pageblocks are
 * movable-only (CMA) and how many are not.  The region does not change
 * and pageblock types are read without locking, like /proc/pagetypeinfo.
 */
static int kho_scratch_blocks_show(struct seq_file *m, void *v)
{
	unsigned long nr = pageblock_nr_pages;
	unsigned int i;

	seq_puts(m, "# address cma-pageblocks other-pageblocks\n");
	for (i = 0; i < kho_scratch_cnt; i++) {
		unsigned long pfn = PHYS_PFN(kho_scratch[i].addr);
		unsigned long end = PHYS_PFN(kho_scratch[i].addr +
					     kho_scratch[i].size);
		unsigned long cma = 0, other = 0;

		for (pfn = ALIGN_DOWN(pfn, nr); pfn < end; pfn += nr) {
			if (get_pageblock_migratetype(pfn_to_page(pfn)) ==
			    MIGRATE_CMA)
				cma++;
			else
				other++;
		}
		seq_printf(m, "0x%llx %lu %lu\n", (u64)kho_scratch[i].addr, cma,
			   other);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_scratch_blocks);

static int kho_preserved_show(struct seq_file *m, void *v)
{
	struct kho_client *c;

	seq_puts(m, "# client preservations bytes\n");
	mutex_lock(&kho_mem_lock);
	list_for_each_entry(c, &kho_clients, list) {
		u64 bytes;
		unsigned long n = kho_track_usage(c, &bytes);

		seq_printf(m, "%s %lu %llu\n", c->name, n, bytes);
	}
	mutex_unlock(&kho_mem_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_preserved);

static int kho_unclaimed_show(struct seq_file *m, void *v)
{
	struct kho_client *c;

	seq_puts(m, "# client unclaimed-bytes\n");
	mutex_lock(&kho_mem_lock);
	list_for_each_entry(c, &kho_clients, list) {
		if (c->in)
			seq_printf(m, "%s %llu\n", c->name,
				   kho_in_unclaimed(c->in));
	}
	mutex_unlock(&kho_mem_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_unclaimed);

static ssize_t kho_release_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char name[KHO_NAME_MAX + 2] = { };
	struct kho_client *c, *list[KHO_CLIENTS_MAX];
	unsigned int n = 0, i;
	bool all;

	if (count >= sizeof(name) || copy_from_user(name, ubuf, count))
		return -EINVAL;
	strim(name);
	all = !strcmp(name, "all");
	mutex_lock(&kho_mem_lock);
	list_for_each_entry(c, &kho_clients, list) {
		if (c->in && n < ARRAY_SIZE(list) &&
		    (all || !strcmp(c->name, name)))
			list[n++] = c;
	}
	mutex_unlock(&kho_mem_lock);
	if (!n) {
		pr_err("release: no incoming client '%s'\n", name);
		return -ENOENT;
	}
	/* Clients are never freed; the release itself needs no lock. */
	for (i = 0; i < n; i++)
		pr_info("released %llu KiB of unclaimed memory of client %s\n",
			kho_in_release(list[i]) >> 10, list[i]->name);
	/* Make MemFree show it: pages parked on per-CPU lists are not. */
	drain_all_pages(NULL);
	return count;
}

static const struct file_operations kho_release_fops = {
	.owner = THIS_MODULE,
	.write = kho_release_write,
	.llseek = noop_llseek,
};

/* debugfs kho/in/: the root FDT and every sub-FDT that came in. */
static struct dentry *__init kho_in_debugfs(struct dentry *root)
{
	struct debugfs_blob_wrapper *blob;
	struct dentry *in, *subs;
	const void *fdt;
	int node, child;

	fdt = kho_in_root();
	if (!fdt)
		return NULL;
	in = debugfs_create_dir("in", root);
	blob = kzalloc(sizeof(*blob), GFP_KERNEL);
	if (!blob)
		return in;
	blob->data = (void *)fdt;
	blob->size = fdt_totalsize(fdt);
	debugfs_create_blob("fdt", 0400, in, blob);

	subs = debugfs_create_dir("sub_fdts", in);
	node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
	fdt_for_each_subnode(child, fdt, node) {
		const fdt64_t *v = fdt_getprop(fdt, child, KHO_FDT_SUB_FDT,
					       NULL);
		const void *sub;

		if (!v)
			continue;
		blob = kzalloc(sizeof(*blob), GFP_KERNEL);
		if (!blob)
			return in;
		sub = phys_to_virt(fdt64_ld(&v[0]));
		blob->data = (void *)sub;
		blob->size = fdt_totalsize(sub);
		debugfs_create_blob(fdt_get_name(fdt, child, NULL), 0400, subs,
				    blob);
	}
	return in;
}

/* Called once, from core.c's late initcall. */
void __init kho_debugfs_init(void)
{
	struct dentry *root = debugfs_create_dir("kho", NULL), *in;

	kho_out.dir = debugfs_create_dir("out", root);
	debugfs_create_file("finalize", 0600, kho_out.dir, NULL,
			    &kho_finalize_fops);
	debugfs_create_file("scratch_phys", 0400, kho_out.dir, NULL,
			    &kho_scratch_phys_fops);
	debugfs_create_file("scratch_len", 0400, kho_out.dir, NULL,
			    &kho_scratch_len_fops);
	debugfs_create_file("scratch_blocks", 0400, kho_out.dir, NULL,
			    &kho_scratch_blocks_fops);
	debugfs_create_file("preserved", 0400, kho_out.dir, NULL,
			    &kho_preserved_fops);
	in = kho_in_debugfs(root);
	if (in) {
		debugfs_create_file("unclaimed", 0400, in, NULL,
				    &kho_unclaimed_fops);
		debugfs_create_file("release", 0200, in, NULL,
				    &kho_release_fops);
	}
}
