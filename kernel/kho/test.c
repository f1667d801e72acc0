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

/* Damage to the scratch table address, applied at the next kexec load. */
static phys_addr_t kho_test_table_addr;

/**
 * kho_test_handover() - apply test-only damage to what a kexec image carries
 * @sd: the handover the image is being given
 *
 * Context: kho_lock held (kho_get_handover()).
 */
void kho_test_handover(struct kho_setup_data *sd)
{
	phys_addr_t addr = READ_ONCE(kho_test_table_addr);

	if (addr)
		sd->scratch_addr = cpu_to_le64(addr);
}

/* The node of client @name in the root FDT, or a negative libfdt error. */
static int kho_test_client(void *fdt, const char *name)
{
	int node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);

	return node < 0 ? node : fdt_subnode_offset(fdt, node, name);
}

/* Client @name's (address, size) property @prop, writable in place. */
static fdt64_t *kho_test_prop(void *fdt, const char *name, const char *prop)
{
	int node = kho_test_client(fdt, name), len;
	fdt64_t *v;

	if (node < 0)
		return NULL;
	v = fdt_getprop_w(fdt, node, prop, &len);
	return v && len == 2 * sizeof(*v) ? v : NULL;
}

/*
 * Replace the runs of memblock's record with @nr_runs runs laid out in
 * @body (bitmap runs followed by their words); the record is a page.
 */
static int kho_test_set_runs(void *fdt, u64 nr_runs, const void *body,
			     size_t len)
{
	fdt64_t *v = kho_test_prop(fdt, "memblock", KHO_FDT_MEM);
	struct kho_mem_header *h;

	if (!v || sizeof(*h) + len > PAGE_SIZE)
		return -ENOENT;
	h = phys_to_virt(fdt64_ld(&v[0]));
	memcpy(h + 1, body, len);
	h->nr_runs = cpu_to_le64(nr_runs);
	return 0;
}

/* Start of the reserve_mem region kho_t, page aligned; 0 if none. */
static phys_addr_t kho_test_kho_t(void)
{
	phys_addr_t start, size;

	if (!reserve_mem_find_by_name("kho_t", &start, &size) ||
	    size < SZ_1M || !PAGE_ALIGNED(start))
		return 0;
	return start;
}

/* Damage that concerns clients' names: edits the root FDT's structure. */
static int kho_test_damage_names(void *fdt, const char *kind)
{
	int node, err;

	err = fdt_open_into(fdt, fdt, kho_out.root_alloc);
	if (err)
		return -ENOSPC;
	if (!strcmp(kind, "dup_client")) {
		/* A second node named like an existing client. */
		node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
		node = node < 0 ? node : fdt_add_subnode(fdt, node, "memblocx");
		err = node < 0 ? node : fdt_set_name(fdt, node, "memblock");
	} else {
		/* "memblock@1": a unit address libfdt would match "memblock" with. */
		node = kho_test_client(fdt, "memblock");
		err = node < 0 ? node : fdt_set_name(fdt, node, "memblock@1");
	}
	fdt_pack(fdt);
	return err ? -EINVAL : 0;
}

/* Damage to the metadata's placement and to the records' rules. */
static int kho_test_damage_meta(void *fdt, const char *kind)
{
	fdt64_t *mem = kho_test_prop(fdt, "memblock", KHO_FDT_MEM);
	fdt64_t *sub = kho_test_prop(fdt, "memblock", KHO_FDT_SUB_FDT);
	phys_addr_t kho_t = kho_test_kho_t();

	if (!mem || !sub || !kho_t)
		return -ENOENT;
	if (!strcmp(kind, "record_in_pres")) {
		/* The record moves into memory the client preserved. */
		memcpy(phys_to_virt(kho_t), phys_to_virt(fdt64_ld(&mem[0])),
		       PAGE_SIZE);
		mem[0] = cpu_to_fdt64(kho_t);
		mem[1] = cpu_to_fdt64(PAGE_SIZE);
	} else if (!strcmp(kind, "record_on_root")) {
		mem[0] = cpu_to_fdt64(virt_to_phys(fdt));
	} else if (!strcmp(kind, "run_holes")) {
		/* Order-0 bitmaps: page 0 of kho_t, then page 2 inside its span. */
		struct kho_mem_run r = {
			.pfn = cpu_to_le64(PHYS_PFN(kho_t)),
			.nr = cpu_to_le32(1),
			.flags = cpu_to_le16(KHO_MEM_RUN_BITMAP),
		};
		__le64 word = cpu_to_le64(1);
		u8 body[2 * (sizeof(r) + sizeof(word))];

		memcpy(body, &r, sizeof(r));
		memcpy(body + sizeof(r), &word, sizeof(word));
		r.pfn = cpu_to_le64(PHYS_PFN(kho_t + 2 * PAGE_SIZE));
		memcpy(body + sizeof(r) + sizeof(word), &r, sizeof(r));
		memcpy(body + 2 * sizeof(r) + sizeof(word), &word, sizeof(word));
		return kho_test_set_runs(fdt, 2, body, sizeof(body));
	} else if (!strcmp(kind, "overlap")) {
		/* A folio and a range of two kinds, both at kho_t. */
		struct kho_mem_run r[2] = {
			{ .pfn = cpu_to_le64(PHYS_PFN(kho_t)), .nr = cpu_to_le32(1) },
			{ .pfn = cpu_to_le64(PHYS_PFN(kho_t)),
			  .nr = cpu_to_le32(PHYS_PFN(SZ_1M)),
			  .flags = cpu_to_le16(KHO_MEM_RUN_RANGE) },
		};

		return kho_test_set_runs(fdt, 2, r, sizeof(r));
	} else if (!strcmp(kind, "items_huge")) {
		/* 2^32 - 1 order-0 folios in one run: far more than RAM. */
		struct kho_mem_run r = {
			.pfn = cpu_to_le64(PHYS_PFN(kho_t)),
			.nr = cpu_to_le32(U32_MAX),
		};

		return kho_test_set_runs(fdt, 1, &r, sizeof(r));
	} else if (!strcmp(kind, "sub_fdt_small")) {
		sub[1] = cpu_to_fdt64(sizeof(struct fdt_header) / 2);
	} else if (!strcmp(kind, "sub_fdt_odd")) {
		sub[0] = cpu_to_fdt64(fdt64_ld(&sub[0]) + 4);
	} else if (!strcmp(kind, "revive_outside")) {
		/* kho_t's entry in the memblock sub-FDT moves up a page. */
		void *mfdt = phys_to_virt(fdt64_ld(&sub[0]));
		int node = fdt_subnode_offset(mfdt, 0, "r0");

		return node < 0 ? -ENOENT :
		       fdt_setprop_inplace_u64(mfdt, node, "start",
					       kho_t + PAGE_SIZE) ? -EINVAL : 0;
	} else {
		return -EINVAL;
	}
	return 0;
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
		struct kho_mem_header *h = kho_test_record(fdt, 1);
		u64 i;

		if (!h)
			return -ENOENT;
		/* The last run, so that the runs stay in order. */
		run = (struct kho_mem_run *)(h + 1);
		for (i = 1; i < le64_to_cpu(h->nr_runs); i++)
			run = kho_test_next(run);
		run->pfn = cpu_to_le64(ALIGN(max_pfn + 1, 1UL << MAX_PAGE_ORDER));
	} else if (!strcmp(kind, "in_scratch")) {
		run = kho_test_runs(fdt, 1);
		if (!run)
			return -ENOENT;
		run[0].pfn = cpu_to_le64(ALIGN(PHYS_PFN(kho_scratch[0].addr),
					       1UL << le16_to_cpu(run[0].order)));
	} else if (!strcmp(kind, "fdt_odd")) {
		/* The structure block one byte up: libfdt would read it unaligned. */
		fdt_set_off_dt_struct(fdt, fdt_off_dt_struct(fdt) + 1);
		fdt_set_size_dt_struct(fdt, fdt_size_dt_struct(fdt) - 1);
	} else if (!strcmp(kind, "table_not_ram")) {
		/* Applied at the next kexec load: a page-aligned address past RAM. */
		WRITE_ONCE(kho_test_table_addr,
			   ALIGN(PFN_PHYS(max_pfn), SZ_1G) + SZ_1G);
	} else if (!strcmp(kind, "dup_client") || !strcmp(kind, "unit_address")) {
		return kho_test_damage_names(fdt, kind);
	} else {
		return kho_test_damage_meta(fdt, kind);
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
