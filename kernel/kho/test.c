// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: test-only debugfs files, built only with
 * CONFIG_KEXEC_HANDOVER_TEST.  Never enable this in a production kernel:
 * it lets root damage the handover and read or write reserve_mem regions.
 *
 * kho-test/corrupt	write a kind of damage to apply to the finalized
 *			handover (see kho_test_damage[])
 * kho-test/region	write a reserve_mem name to select it; read
 *			"<name> <start> <size>" of the selection
 * kho-test/region_data	the bytes of the selected region
 * kho-test/preserve	write anything: preserve a new page with
 *			kho_preserve_folio(); the write fails with its error
 * kho-test/fail_finalize	write 1 to register a FINALIZE callback that
 *			fails with -ECANCELED, 0 to unregister it
 *
 * kho_test_lock serializes the selection and the damage; the data file
 * reads and writes the region without locking, like /dev/mem would.
 */

#define pr_fmt(fmt) "kho-test: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kho_internal.h"

static DEFINE_MUTEX(kho_test_lock);

static struct {
	char name[32];
	phys_addr_t start;
	phys_addr_t size;
} kho_test_region;

/* The first preserved-memory record with at least @min runs. */
static struct kho_mem_header *kho_test_record(void *fdt, u64 min)
{
	int node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS), child;

	fdt_for_each_subnode(child, fdt, node) {
		const fdt64_t *v = fdt_getprop(fdt, child, KHO_FDT_MEM, NULL);
		struct kho_mem_header *h;

		if (!v)
			continue;
		h = phys_to_virt(fdt64_ld(&v[0]));
		if (le64_to_cpu(h->nr_runs) >= min)
			return h;
	}
	return NULL;
}

static struct kho_mem_run *kho_test_runs(void *fdt, u64 min)
{
	struct kho_mem_header *h = kho_test_record(fdt, min);

	return h ? (struct kho_mem_run *)(h + 1) : NULL;
}

/* The run after @run: bitmap runs are followed by their words. */
static struct kho_mem_run *kho_test_next(struct kho_mem_run *run)
{
	if (le16_to_cpu(run->flags) & KHO_MEM_RUN_BITMAP)
		return (void *)((__le64 *)(run + 1) + le32_to_cpu(run->nr));
	return run + 1;
}

static int kho_test_damage(void *fdt, const char *kind)
{
	struct kho_mem_run *run;

	if (!strcmp(kind, "magic")) {
		fdt_set_magic(fdt, ~FDT_MAGIC);
	} else if (!strcmp(kind, "totalsize")) {
		/* Truncated: only the header is left. */
		fdt_set_totalsize(fdt, sizeof(struct fdt_header));
	} else if (!strcmp(kind, "compatible")) {
		char bad[] = KHO_FDT_COMPATIBLE;

		bad[sizeof(bad) - 2] ^= 1;
		return fdt_setprop_inplace(fdt, 0, "compatible", bad,
					   sizeof(bad)) ? -EINVAL : 0;
	} else if (!strcmp(kind, "outside_ram")) {
		run = kho_test_runs(fdt, 1);
		if (!run)
			return -ENOENT;
		run[0].pfn = cpu_to_le64(ALIGN(max_pfn + 1, 1UL << MAX_PAGE_ORDER));
	} else if (!strcmp(kind, "overlap")) {
		run = kho_test_runs(fdt, 2);
		if (!run)
			return -ENOENT;
		/* Runs of two kinds, or two runs of one kind, at one pfn. */
		kho_test_next(run)->pfn = run[0].pfn;
	} else if (!strcmp(kind, "in_scratch")) {
		run = kho_test_runs(fdt, 1);
		if (!run)
			return -ENOENT;
		run[0].pfn = cpu_to_le64(ALIGN(PHYS_PFN(kho_scratch[0].addr),
					       1UL << le16_to_cpu(run[0].order)));
	} else {
		return -EINVAL;
	}
	return 0;
}

static ssize_t kho_test_corrupt_write(struct file *file, const char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	char kind[16] = { };
	void *fdt;
	int err;

	if (count >= sizeof(kind) || copy_from_user(kind, ubuf, count))
		return -EINVAL;
	strim(kind);
	mutex_lock(&kho_test_lock);
	fdt = kho_out_root();
	err = fdt ? kho_test_damage(fdt, kind) : -ENOENT;
	mutex_unlock(&kho_test_lock);
	if (err)
		pr_err("cannot apply damage '%s' (%d)\n", kind, err);
	else
		pr_info("damaged the handover: %s\n", kind);
	return err ?: count;
}

static const struct file_operations kho_test_corrupt_fops = {
	.write = kho_test_corrupt_write,
	.llseek = noop_llseek,
};

static ssize_t kho_test_region_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos)
{
	char s[80];
	int len;

	mutex_lock(&kho_test_lock);
	len = scnprintf(s, sizeof(s), "%s 0x%llx 0x%llx\n",
			kho_test_region.name, (u64)kho_test_region.start,
			(u64)kho_test_region.size);
	mutex_unlock(&kho_test_lock);
	return simple_read_from_buffer(buf, count, ppos, s, len);
}

static ssize_t kho_test_region_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	char name[32] = { };
	phys_addr_t start, size;

	if (count >= sizeof(name) || copy_from_user(name, ubuf, count))
		return -EINVAL;
	strim(name);
	if (!reserve_mem_find_by_name(name, &start, &size))
		return -ENOENT;
	mutex_lock(&kho_test_lock);
	strscpy(kho_test_region.name, name);
	kho_test_region.start = start;
	kho_test_region.size = size;
	mutex_unlock(&kho_test_lock);
	return count;
}

static const struct file_operations kho_test_region_fops = {
	.read = kho_test_region_read,
	.write = kho_test_region_write,
	.llseek = default_llseek,
};

static ssize_t kho_test_data_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	if (!kho_test_region.size)
		return -ENOENT;
	return simple_read_from_buffer(buf, count, ppos,
				       phys_to_virt(kho_test_region.start),
				       kho_test_region.size);
}

static ssize_t kho_test_data_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	if (!kho_test_region.size)
		return -ENOENT;
	return simple_write_to_buffer(phys_to_virt(kho_test_region.start),
				      kho_test_region.size, ppos, buf, count);
}

static const struct file_operations kho_test_data_fops = {
	.read = kho_test_data_read,
	.write = kho_test_data_write,
	.llseek = default_llseek,
};

static ssize_t kho_test_preserve_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct folio *f = folio_alloc(GFP_KERNEL, 0);
	int err;

	if (!f)
		return -ENOMEM;
	err = kho_preserve_folio(f);
	if (err) {
		folio_put(f);
		return err;
	}
	return count;
}

static const struct file_operations kho_test_preserve_fops = {
	.write = kho_test_preserve_write,
	.llseek = noop_llseek,
};

static int kho_test_fail_notifier(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	if (action == KEXEC_KHO_FINALIZE)
		return notifier_from_errno(-ECANCELED);
	return NOTIFY_DONE;
}

static struct notifier_block kho_test_fail_nb = {
	.notifier_call = kho_test_fail_notifier,
};

static ssize_t kho_test_fail_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	bool on;
	int err;

	err = kstrtobool_from_user(ubuf, count, &on);
	if (err)
		return err;
	err = on ? register_kho_notifier(&kho_test_fail_nb) :
		   unregister_kho_notifier(&kho_test_fail_nb);
	return err ?: count;
}

static const struct file_operations kho_test_fail_fops = {
	.write = kho_test_fail_write,
	.llseek = noop_llseek,
};

static int __init kho_test_init(void)
{
	struct dentry *dir = debugfs_create_dir("kho-test", NULL);

	debugfs_create_file("corrupt", 0200, dir, NULL, &kho_test_corrupt_fops);
	debugfs_create_file("region", 0600, dir, NULL, &kho_test_region_fops);
	debugfs_create_file("region_data", 0600, dir, NULL,
			    &kho_test_data_fops);
	debugfs_create_file("preserve", 0200, dir, NULL,
			    &kho_test_preserve_fops);
	debugfs_create_file("fail_finalize", 0200, dir, NULL,
			    &kho_test_fail_fops);
	return 0;
}
late_initcall(kho_test_init);
