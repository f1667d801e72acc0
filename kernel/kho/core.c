// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO): command line, clients and their preserved ranges,
 * finalize/abort, and the outgoing root FDT.
 *
 * Locking:
 *  - kho_lock serializes finalize, abort, notifier (un)registration and the
 *    outgoing debugfs files; notifier callbacks run under it, so they must
 *    not register or unregister notifiers.
 *  - kho_mem_lock protects the client list, every client's ranges and
 *    kho_out.state; preserve calls take only this one, so callbacks may
 *    preserve memory while FINALIZE runs.
 * Lock order: kho_lock, then kho_mem_lock.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kho_internal.h"

/*
 * Set once from the command line (early_param runs single-threaded before
 * any other user) and only cleared by early boot code on failure, so
 * readers need no locking.
 */
static bool kho_enable __ro_after_init;
static bool kho_cmdline_bad __initdata;

struct kho_scratch_cfg kho_scratch_cfg __initdata = {
	.mode = KHO_SCRATCH_SCALED,
	.scale_pct = KHO_SCRATCH_SCALE_DEFAULT,
};

static int __init kho_param_enable(char *s)
{
	const char *why;
	bool on;

	if (kho_parse_enable(s, &on, &why)) {
		pr_err("invalid kho=%s: %s; KHO stays off\n", s ?: "", why);
		kho_cmdline_bad = true;
		kho_enable = false;
		return 0;
	}
	kho_enable = on && !kho_cmdline_bad;
	return 0;
}
early_param("kho", kho_param_enable);

static int __init kho_param_scratch(char *s)
{
	const char *why;

	if (kho_parse_scratch(s, &kho_scratch_cfg, &why)) {
		pr_err("invalid kho_scratch=%s: %s; KHO stays off\n", s ?: "",
		       why);
		kho_cmdline_bad = true;
		kho_enable = false;
	}
	return 0;
}
early_param("kho_scratch", kho_param_scratch);

/**
 * kho_is_enabled() - is kexec handover enabled on this boot
 *
 * Return: true if the kernel was booted with kho=on, no KHO command-line
 * option was malformed and the scratch regions could be set up.
 */
bool kho_is_enabled(void)
{
	return kho_enable;
}
EXPORT_SYMBOL_GPL(kho_is_enabled);

/* Early boot code gives up on KHO; see kho_memory_init(). */
void __init kho_disable(void)
{
	kho_enable = false;
}

/* ------------------------------------------------------------------------
 * Clients and their preserved ranges
 */

/**
 * struct kho_client - a named owner of preserved memory
 * @list: entry in kho_clients
 * @name: the name, also the name of its node in the root FDT
 * @ranges: preserved ranges, sorted by address, not overlapping
 * @nr: number of @ranges in use
 * @cap: number of @ranges allocated
 * @bytes: total size of @ranges
 *
 * Clients live until reboot; all fields are protected by kho_mem_lock.
 */
struct kho_client {
	struct list_head list;
	char name[KHO_NAME_MAX + 1];
	struct kho_range *ranges;
	unsigned int nr;
	unsigned int cap;
	u64 bytes;
};

enum kho_out_state {
	KHO_OUT_IDLE,		/* preserve calls allowed */
	KHO_OUT_FINALIZING,	/* FINALIZE callbacks running: still allowed */
	KHO_OUT_FINALIZED,	/* -EBUSY until abort */
};

static DEFINE_MUTEX(kho_lock);
static DEFINE_MUTEX(kho_mem_lock);
static LIST_HEAD(kho_clients);
static RAW_NOTIFIER_HEAD(kho_chain);

/**
 * struct kho_subtree - a sub-FDT added during FINALIZE
 * @list: entry in &struct kho_serialization.subtrees
 * @name: name given to kho_add_subtree()
 * @fdt: physical address and total size of the sub-FDT
 * @blob: debugfs blob wrapper for out/sub_fdts/<name>
 */
struct kho_subtree {
	struct list_head list;
	char name[KHO_NAME_MAX + 1];
	struct kho_range fdt;
	struct debugfs_blob_wrapper blob;
};

/**
 * struct kho_serialization - state of one finalize, passed to callbacks
 * @subtrees: sub-FDTs added with kho_add_subtree()
 */
struct kho_serialization {
	struct list_head subtrees;
};

static struct {
	enum kho_out_state state;	/* kho_mem_lock */
	/* The rest is protected by kho_lock. */
	struct kho_serialization *ser;
	void *fdt;
	size_t fdt_alloc;
	void **records;
	size_t *record_sizes;
	unsigned int nr_records;
	struct debugfs_blob_wrapper fdt_blob;
	struct dentry *dir;
	struct dentry *sub_fdts;
	struct dentry *fdt_file;
	/* The kexec image that was handed the finalized FDT, if any. */
	const struct kimage *image;
} kho_out;

/* Scratch regions, set up by kho_memory_init() and never changed after. */
struct kho_range kho_scratch[KHO_SCRATCH_MAX] __ro_after_init;
unsigned int kho_scratch_cnt __ro_after_init;

static bool kho_overlaps(phys_addr_t a, phys_addr_t as, phys_addr_t b,
			 phys_addr_t bs)
{
	return a < b + bs && b < a + as;
}

/* Index of the first range of @c that ends after @addr. */
static unsigned int kho_client_find(struct kho_client *c, phys_addr_t addr)
{
	unsigned int lo = 0, hi = c->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (c->ranges[mid].addr + c->ranges[mid].size <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct kho_client *kho_client_lookup(const char *name)
{
	struct kho_client *c;

	lockdep_assert_held(&kho_mem_lock);
	list_for_each_entry(c, &kho_clients, list) {
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

static bool kho_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, KHO_NAME_MAX + 1) : 0;

	return len && len <= KHO_NAME_MAX && !strchr(name, '/');
}

/**
 * kho_client_get() - find or create the client of a subsystem
 * @name: the client's name: 1 to 31 characters, no '/'
 *
 * Every preservation belongs to a client; in the next kernel a client can
 * restore only what it preserved.  Clients live until reboot, so the
 * returned pointer stays valid.
 *
 * Return: the client, or ERR_PTR(-EINVAL) for a bad name, ERR_PTR(-ENOMEM).
 */
struct kho_client *kho_client_get(const char *name)
{
	struct kho_client *c;

	if (!kho_name_ok(name))
		return ERR_PTR(-EINVAL);
	mutex_lock(&kho_mem_lock);
	c = kho_client_lookup(name);
	if (!c) {
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (c) {
			strscpy(c->name, name);
			list_add_tail(&c->list, &kho_clients);
		}
	}
	mutex_unlock(&kho_mem_lock);
	return c ?: ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(kho_client_get);

static bool kho_in_scratch(phys_addr_t addr, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		if (kho_overlaps(addr, size, kho_scratch[i].addr,
				 kho_scratch[i].size))
			return true;
	}
	return false;
}

/**
 * kho_client_preserve_phys() - preserve a physical range for a client
 * @c: the client, from kho_client_get()
 * @phys: page-aligned physical address
 * @size: page-aligned size, not zero
 *
 * The range must be memory the caller owns; it comes back in the next
 * kernel at the same address through kho_client_restore_phys().
 *
 * Return: 0 on success; -EOPNOTSUPP if KHO is off; -EINVAL if the range is
 * unaligned, empty or inside scratch; -EEXIST if it overlaps memory any
 * client preserved already; -EBUSY after finalize; -ENOMEM.
 */
int kho_client_preserve_phys(struct kho_client *c, phys_addr_t phys,
			     size_t size)
{
	struct kho_client *o;
	unsigned int i;
	int err = 0;

	if (!kho_is_enabled())
		return -EOPNOTSUPP;
	if (!size || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(size) ||
	    phys + size < phys)
		return -EINVAL;
	if (kho_in_scratch(phys, size))
		return -EINVAL;

	mutex_lock(&kho_mem_lock);
	if (kho_out.state == KHO_OUT_FINALIZED) {
		err = -EBUSY;
		goto out;
	}
	list_for_each_entry(o, &kho_clients, list) {
		i = kho_client_find(o, phys);
		if (i < o->nr && kho_overlaps(phys, size, o->ranges[i].addr,
					      o->ranges[i].size)) {
			err = -EEXIST;
			goto out;
		}
	}
	if (c->nr == c->cap) {
		unsigned int cap = max(2 * c->cap, 16U);
		struct kho_range *r;

		r = krealloc_array(c->ranges, cap, sizeof(*r), GFP_KERNEL);
		if (!r) {
			err = -ENOMEM;
			goto out;
		}
		c->ranges = r;
		c->cap = cap;
	}
	i = kho_client_find(c, phys);
	memmove(&c->ranges[i + 1], &c->ranges[i],
		(c->nr - i) * sizeof(c->ranges[0]));
	c->ranges[i].addr = phys;
	c->ranges[i].size = size;
	c->nr++;
	c->bytes += size;
out:
	mutex_unlock(&kho_mem_lock);
	return err;
}
EXPORT_SYMBOL_GPL(kho_client_preserve_phys);

/**
 * kho_client_unpreserve_phys() - undo kho_client_preserve_phys()
 * @c: the client that preserved the range
 * @phys: the address given to kho_client_preserve_phys()
 * @size: the size given to kho_client_preserve_phys()
 *
 * Return: 0 on success; -ENOENT if @c has no such range; -EBUSY after
 * finalize.
 */
int kho_client_unpreserve_phys(struct kho_client *c, phys_addr_t phys,
			       size_t size)
{
	unsigned int i;
	int err = 0;

	mutex_lock(&kho_mem_lock);
	if (kho_out.state == KHO_OUT_FINALIZED) {
		err = -EBUSY;
		goto out;
	}
	i = kho_client_find(c, phys);
	if (i == c->nr || c->ranges[i].addr != phys ||
	    c->ranges[i].size != size) {
		err = -ENOENT;
		goto out;
	}
	memmove(&c->ranges[i], &c->ranges[i + 1],
		(c->nr - i - 1) * sizeof(c->ranges[0]));
	c->nr--;
	c->bytes -= size;
out:
	mutex_unlock(&kho_mem_lock);
	return err;
}
EXPORT_SYMBOL_GPL(kho_client_unpreserve_phys);

static struct kho_client *kho_default(void)
{
	return kho_client_get(KHO_DEFAULT_CLIENT);
}

/**
 * kho_preserve_phys() - preserve a physical range for the next kernel
 * @phys: page-aligned physical address
 * @size: page-aligned size
 *
 * The upstream-compatible call: the range belongs to the default client.
 *
 * Return: as kho_client_preserve_phys().
 */
int kho_preserve_phys(phys_addr_t phys, size_t size)
{
	struct kho_client *c = kho_default();

	return IS_ERR(c) ? PTR_ERR(c) : kho_client_preserve_phys(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_preserve_phys);

/**
 * kho_unpreserve_phys() - undo kho_preserve_phys()
 * @phys: the address given to kho_preserve_phys()
 * @size: the size given to kho_preserve_phys()
 *
 * Return: as kho_client_unpreserve_phys().
 */
int kho_unpreserve_phys(phys_addr_t phys, size_t size)
{
	struct kho_client *c = kho_default();

	return IS_ERR(c) ? PTR_ERR(c) :
			   kho_client_unpreserve_phys(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_phys);

/* Is [addr, addr + size) inside one preserved range of client @name? */
static bool kho_preserved_by(const char *name, phys_addr_t addr, size_t size)
{
	struct kho_client *c = kho_client_lookup(name);
	unsigned int i;

	if (!c)
		return false;
	i = kho_client_find(c, addr);
	return i < c->nr && c->ranges[i].addr <= addr &&
	       addr + size <= c->ranges[i].addr + c->ranges[i].size;
}

/* ------------------------------------------------------------------------
 * Notifiers and finalize
 */

/**
 * register_kho_notifier() - get KHO's FINALIZE and ABORT events
 * @nb: the callback; for %KEXEC_KHO_FINALIZE its data is the
 *	&struct kho_serialization to pass to kho_add_subtree()
 *
 * A callback that returns an error (notifier_from_errno()) on FINALIZE
 * aborts the finalize.  Callbacks run under KHO's lock: they may preserve
 * memory but must not (un)register notifiers.
 *
 * Return: 0.
 */
int register_kho_notifier(struct notifier_block *nb)
{
	int err;

	mutex_lock(&kho_lock);
	err = raw_notifier_chain_register(&kho_chain, nb);
	mutex_unlock(&kho_lock);
	return err;
}
EXPORT_SYMBOL_GPL(register_kho_notifier);

/**
 * unregister_kho_notifier() - undo register_kho_notifier()
 * @nb: the callback
 *
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int unregister_kho_notifier(struct notifier_block *nb)
{
	int err;

	mutex_lock(&kho_lock);
	err = raw_notifier_chain_unregister(&kho_chain, nb);
	mutex_unlock(&kho_lock);
	return err;
}
EXPORT_SYMBOL_GPL(unregister_kho_notifier);

/**
 * kho_add_subtree() - hand a sub-FDT over to the next kernel
 * @ser: the serialization passed to the FINALIZE callback
 * @name: name of the subtree (normally the client's name): 1 to 31
 *	characters, no '/'
 * @fdt: a finished FDT in memory preserved by the client of the same name
 *	or by the default client
 *
 * In the next kernel kho_retrieve_subtree(@name) returns its address.
 *
 * Return: 0 on success; -EINVAL for a bad name, a malformed FDT or one
 * outside preserved memory; -EEXIST if @name was added already; -ENOMEM.
 */
int kho_add_subtree(struct kho_serialization *ser, const char *name,
		    void *fdt)
{
	struct kho_subtree *t;
	phys_addr_t phys;
	size_t size;
	bool ok;

	if (!kho_name_ok(name) || !fdt || fdt_check_header(fdt))
		return -EINVAL;
	phys = virt_to_phys(fdt);
	size = fdt_totalsize(fdt);
	list_for_each_entry(t, &ser->subtrees, list) {
		if (!strcmp(t->name, name))
			return -EEXIST;
	}
	mutex_lock(&kho_mem_lock);
	ok = kho_preserved_by(name, phys, size) ||
	     kho_preserved_by(KHO_DEFAULT_CLIENT, phys, size);
	mutex_unlock(&kho_mem_lock);
	if (!ok) {
		pr_err("sub-FDT %s at %pa is not in memory preserved by client %s or %s\n",
		       name, &phys, name, KHO_DEFAULT_CLIENT);
		return -EINVAL;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	strscpy(t->name, name);
	t->fdt.addr = phys;
	t->fdt.size = size;
	list_add_tail(&t->list, &ser->subtrees);
	return 0;
}
EXPORT_SYMBOL_GPL(kho_add_subtree);

static void kho_call_abort(void)
{
	raw_notifier_call_chain(&kho_chain, KEXEC_KHO_ABORT, NULL);
}

/* Drop everything a finalize built.  Called with kho_lock held. */
static void kho_out_drop(void)
{
	struct kho_subtree *t, *tmp;
	unsigned int i;

	debugfs_remove(kho_out.fdt_file);
	kho_out.fdt_file = NULL;
	debugfs_remove_recursive(kho_out.sub_fdts);
	kho_out.sub_fdts = NULL;
	if (kho_out.ser) {
		list_for_each_entry_safe(t, tmp, &kho_out.ser->subtrees, list)
			kfree(t);
		kfree(kho_out.ser);
		kho_out.ser = NULL;
	}
	for (i = 0; i < kho_out.nr_records; i++)
		free_pages_exact(kho_out.records[i], kho_out.record_sizes[i]);
	kfree(kho_out.records);
	kfree(kho_out.record_sizes);
	kho_out.records = NULL;
	kho_out.record_sizes = NULL;
	kho_out.nr_records = 0;
	if (kho_out.fdt)
		free_pages_exact(kho_out.fdt, kho_out.fdt_alloc);
	kho_out.fdt = NULL;
}

/* @size is page aligned.  Unmovable, so never in scratch (which is CMA). */
static void *kho_alloc_meta(size_t size)
{
	return alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
}

/* Write the preserved-memory record of @c.  kho_mem_lock held. */
static void *kho_write_record(struct kho_client *c, size_t *size)
{
	struct kho_mem_header *h;
	struct kho_mem_run *run;
	unsigned int i;

	*size = PAGE_ALIGN(sizeof(*h) + c->nr * sizeof(*run));
	h = kho_alloc_meta(*size);
	if (!h)
		return NULL;
	h->magic = cpu_to_le32(KHO_MEM_MAGIC);
	h->version = cpu_to_le32(KHO_MEM_VERSION);
	h->nr_runs = cpu_to_le64(c->nr);
	run = (struct kho_mem_run *)(h + 1);
	for (i = 0; i < c->nr; i++) {
		run[i].pfn = cpu_to_le64(PHYS_PFN(c->ranges[i].addr));
		run[i].nr = cpu_to_le32(c->ranges[i].size >> PAGE_SHIFT);
		run[i].order = 0;
		run[i].flags = cpu_to_le16(KHO_MEM_RUN_RANGE);
	}
	return h;
}

/* Build records and the root FDT.  kho_lock held, state FINALIZED. */
static int kho_out_build(void)
{
	struct kho_serialization *ser = kho_out.ser;
	struct kho_fdt_client *fc;
	struct kho_subtree *t;
	struct kho_client *c;
	unsigned int n = 0, nc = 0, i;
	int err = -ENOMEM;

	mutex_lock(&kho_mem_lock);
	list_for_each_entry(c, &kho_clients, list)
		n++;
	list_for_each_entry(t, &ser->subtrees, list)
		n++;
	if (n > KHO_CLIENTS_MAX) {
		pr_err("finalize: more than %d clients\n", KHO_CLIENTS_MAX);
		err = -E2BIG;
		goto out;
	}
	fc = kcalloc(n, sizeof(*fc), GFP_KERNEL);
	kho_out.records = kcalloc(n, sizeof(void *), GFP_KERNEL);
	kho_out.record_sizes = kcalloc(n, sizeof(size_t), GFP_KERNEL);
	if (!fc || !kho_out.records || !kho_out.record_sizes)
		goto out;

	list_for_each_entry(c, &kho_clients, list) {
		size_t size;
		void *rec;

		if (!c->nr)
			continue;
		rec = kho_write_record(c, &size);
		if (!rec)
			goto out;
		kho_out.records[kho_out.nr_records] = rec;
		kho_out.record_sizes[kho_out.nr_records++] = size;
		fc[nc].name = c->name;
		fc[nc].mem.addr = virt_to_phys(rec);
		fc[nc].mem.size = size;
		nc++;
	}
	list_for_each_entry(t, &ser->subtrees, list) {
		for (i = 0; i < nc; i++) {
			if (!strcmp(fc[i].name, t->name))
				break;
		}
		if (i == nc)
			fc[nc++].name = t->name;
		fc[i].fdt = t->fdt;
	}

	kho_out.fdt_alloc = PAGE_ALIGN(kho_fdt_root_size(kho_scratch_cnt, nc));
	kho_out.fdt = kho_alloc_meta(kho_out.fdt_alloc);
	if (!kho_out.fdt)
		goto out;
	err = kho_fdt_write_root(kho_out.fdt, kho_out.fdt_alloc, kho_scratch,
				 kho_scratch_cnt, fc, nc);
out:
	mutex_unlock(&kho_mem_lock);
	kfree(fc);
	return err;
}

static void kho_out_debugfs(void)
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

static void kho_set_state(enum kho_out_state state)
{
	mutex_lock(&kho_mem_lock);
	kho_out.state = state;
	mutex_unlock(&kho_mem_lock);
}

static int kho_finalize(void)
{
	struct notifier_block *nb;
	int err = 0;

	lockdep_assert_held(&kho_lock);
	if (kho_out.fdt) {
		pr_err("finalize: already finalized; write 0 to abort first\n");
		return -EEXIST;
	}
	kho_out.ser = kzalloc(sizeof(*kho_out.ser), GFP_KERNEL);
	if (!kho_out.ser)
		return -ENOMEM;
	INIT_LIST_HEAD(&kho_out.ser->subtrees);

	kho_set_state(KHO_OUT_FINALIZING);
	for (nb = rcu_dereference_raw(kho_chain.head); nb;
	     nb = rcu_dereference_raw(nb->next)) {
		err = notifier_to_errno(nb->notifier_call(nb, KEXEC_KHO_FINALIZE,
							  kho_out.ser));
		if (err) {
			pr_err("finalize: callback %ps failed (%d); aborting\n",
			       nb->notifier_call, err);
			break;
		}
	}
	kho_set_state(KHO_OUT_FINALIZED);
	if (!err) {
		err = kho_out_build();
		if (err)
			pr_err("finalize: cannot build the handover (%d); aborting\n",
			       err);
	}
	if (err) {
		/* Callbacks may unpreserve what they preserved for FINALIZE. */
		kho_set_state(KHO_OUT_IDLE);
		kho_call_abort();
		kho_out_drop();
		return err;
	}
	kho_out_debugfs();
	if (READ_ONCE(kexec_image))
		pr_warn("finalize: the kexec image loaded before has no handover; load it again\n");
	pr_info("finalized: root FDT at %pa, %u bytes\n",
		&(phys_addr_t){ virt_to_phys(kho_out.fdt) },
		fdt_totalsize(kho_out.fdt));
	return 0;
}

static int kho_abort(void)
{
	lockdep_assert_held(&kho_lock);
	if (!kho_out.fdt) {
		pr_err("abort: not finalized\n");
		return -ENOENT;
	}
	if (kho_out.image && kho_out.image == READ_ONCE(kexec_image)) {
		pr_err("abort: the loaded kexec image holds this handover; unload it first (kexec -u)\n");
		return -EBUSY;
	}
	kho_out.image = NULL;
	kho_set_state(KHO_OUT_IDLE);
	kho_call_abort();
	kho_out_drop();
	pr_info("aborted: handover dropped, preservations kept\n");
	return 0;
}

/**
 * kho_get_handover() - what the next kernel is handed
 * @image: the kexec image being loaded; never a crash image
 * @sd: filled with the root FDT's and the scratch table's addresses and
 *	sizes, little-endian, as the boot protocol carries them
 *
 * For the architecture's kexec_file loader.  Until @image is unloaded, an
 * abort is refused, so the handover it carries stays valid.
 *
 * Return: 0 if finalized, -ENOENT otherwise.
 */
int kho_get_handover(const struct kimage *image, struct kho_setup_data *sd)
{
	int err = -ENOENT;

	if (!kho_is_enabled())
		return err;
	mutex_lock(&kho_lock);
	if (kho_out.fdt && kho_scratch_table) {
		sd->fdt_addr = cpu_to_le64(virt_to_phys(kho_out.fdt));
		sd->fdt_size = cpu_to_le64(kho_out.fdt_alloc);
		sd->scratch_addr = cpu_to_le64(virt_to_phys(kho_scratch_table));
		sd->scratch_size = cpu_to_le64(kho_scratch_cnt *
					       sizeof(*kho_scratch_table));
		kho_out.image = image;
		err = 0;
	}
	mutex_unlock(&kho_lock);
	if (err)
		pr_info("kexec image loaded without a handover: not finalized\n");
	else
		pr_info("kexec image loaded with the handover\n");
	return err;
}

/**
 * kho_locate_mem_hole() - place a kexec segment inside scratch
 * @kbuf: the segment
 * @cb: the generic placement callback, called per scratch region
 *
 * With KHO on, every segment of a normal (not crash) kexec image goes into
 * scratch, the only memory the next kernel may use before it has reserved
 * the preserved ranges.  Regions are tried from the top when @kbuf wants
 * top-down placement, from the bottom otherwise.
 *
 * Return: 0 with @kbuf->mem set, or -EADDRNOTAVAIL if it fits nowhere.
 */
int kho_locate_mem_hole(struct kexec_buf *kbuf,
			int (*cb)(struct resource *res, void *arg))
{
	bool used[KHO_SCRATCH_MAX] = { };
	unsigned int n, i;

	for (n = 0; n < kho_scratch_cnt; n++) {
		struct resource res = { .flags = IORESOURCE_SYSTEM_RAM };
		int pick = -1;

		/* Next region in address order, n is at most a dozen. */
		for (i = 0; i < kho_scratch_cnt; i++) {
			if (used[i])
				continue;
			if (pick < 0 ||
			    (kbuf->top_down ?
			     kho_scratch[i].addr > kho_scratch[pick].addr :
			     kho_scratch[i].addr < kho_scratch[pick].addr))
				pick = i;
		}
		used[pick] = true;
		res.start = kho_scratch[pick].addr;
		res.end = kho_scratch[pick].addr + kho_scratch[pick].size - 1;
		if (cb(&res, kbuf) == 1) {
			pr_info("kexec segment [mem %#lx-%#lx] placed in scratch\n",
				kbuf->mem, kbuf->mem + kbuf->memsz - 1);
			return 0;
		}
	}
	pr_err("kexec segment of %lu bytes does not fit in any scratch region\n",
	       kbuf->memsz);
	return -EADDRNOTAVAIL;
}

/* The finalized root FDT, or NULL; for the test-only damage interface. */
void *kho_out_root(void)
{
	return READ_ONCE(kho_out.fdt);
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

static int kho_preserved_show(struct seq_file *m, void *v)
{
	struct kho_client *c;

	seq_puts(m, "# client ranges bytes\n");
	mutex_lock(&kho_mem_lock);
	list_for_each_entry(c, &kho_clients, list)
		seq_printf(m, "%s %u %llu\n", c->name, c->nr, c->bytes);
	mutex_unlock(&kho_mem_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kho_preserved);

static int __init kho_init(void)
{
	struct dentry *root = debugfs_create_dir("kho", NULL);

	kho_out.dir = debugfs_create_dir("out", root);
	debugfs_create_file("finalize", 0600, kho_out.dir, NULL,
			    &kho_finalize_fops);
	debugfs_create_file("scratch_phys", 0400, kho_out.dir, NULL,
			    &kho_scratch_phys_fops);
	debugfs_create_file("scratch_len", 0400, kho_out.dir, NULL,
			    &kho_scratch_len_fops);
	debugfs_create_file("preserved", 0400, kho_out.dir, NULL,
			    &kho_preserved_fops);
	kho_in_debugfs(root);
	if (kho_enable)
		return kho_scratch_table_init();
	if (kho_cmdline_bad)
		pr_info("disabled: malformed command line\n");
	return 0;
}
late_initcall(kho_init);
