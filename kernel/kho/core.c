// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO): command line, clients and their preserved ranges,
 * finalize/abort, and the outgoing root FDT.
 *
 * Locking:
 *  - kho_lock serializes finalize, abort, notifier (un)registration and the
 *    outgoing debugfs files; notifier callbacks run under it, so they must
 *    not register or unregister notifiers.
 *  - kho_pres_sem (per-CPU rwsem) is read-held by every preserve and
 *    unpreserve call and write-held only to change kho_out.state, so
 *    preserve calls run in parallel on all CPUs and none is in flight once
 *    the state says FINALIZED.  Callbacks may preserve while FINALIZE runs.
 *  - Folio tracking (tracking.c) is lock-free: bits in xarrays of bitmap
 *    pages, set and cleared with atomic operations.  kho_mem_lock protects
 *    the client list and every client's range array.
 * Lock order: kho_lock, then kho_pres_sem, then kho_mem_lock.
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
#include <linux/percpu-rwsem.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "../../mm/internal.h"
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

enum kho_out_state {
	KHO_OUT_IDLE,		/* preserve calls allowed */
	KHO_OUT_FINALIZING,	/* FINALIZE callbacks running: still allowed */
	KHO_OUT_FINALIZED,	/* -EBUSY until abort */
};

static DEFINE_MUTEX(kho_lock);
DEFINE_STATIC_PERCPU_RWSEM(kho_pres_sem);

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
	enum kho_out_state state;	/* kho_pres_sem */
	/* The rest is protected by kho_lock. */
	struct kho_serialization *ser;
	void *fdt;
	/*
	 * The root FDT buffer: allocated at the first finalize or kexec load
	 * and never freed, so that a loaded image always points at it.
	 */
	void *root;
	size_t root_alloc;
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

/* Common checks; takes kho_pres_sem for reading on success. */
static int kho_pres_begin(phys_addr_t phys, phys_addr_t size, bool add)
{
	if (!kho_is_enabled())
		return -EOPNOTSUPP;
	if (add && (!size || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(size) ||
		    phys + size < phys || kho_in_scratch(phys, size)))
		return -EINVAL;
	percpu_down_read(&kho_pres_sem);
	if (kho_out.state == KHO_OUT_FINALIZED) {
		percpu_up_read(&kho_pres_sem);
		return -EBUSY;
	}
	return 0;
}

static int kho_client_add_folio(struct kho_client *c, unsigned long pfn,
				unsigned int order)
{
	int err = kho_pres_begin(PFN_PHYS(pfn), PAGE_SIZE << order, true);

	if (err)
		return err;
	err = kho_track_add_folio(c, pfn, order);
	percpu_up_read(&kho_pres_sem);
	return err;
}

static int kho_client_del_folio(struct kho_client *c, unsigned long pfn,
				unsigned int order)
{
	int err = kho_pres_begin(PFN_PHYS(pfn), PAGE_SIZE << order, false);

	if (err)
		return err;
	err = kho_track_del_folio(c, pfn, order);
	percpu_up_read(&kho_pres_sem);
	return err;
}

static int kho_client_add_range(struct kho_client *c, phys_addr_t phys,
				phys_addr_t size)
{
	int err;

	if ((size >> PAGE_SHIFT) > U32_MAX)
		return -EINVAL;
	err = kho_pres_begin(phys, size, true);
	if (err)
		return err;
	err = kho_track_add_range(c, phys, size);
	percpu_up_read(&kho_pres_sem);
	return err;
}

static int kho_client_del_range(struct kho_client *c, phys_addr_t phys,
				phys_addr_t size)
{
	int err = kho_pres_begin(phys, size, false);

	if (err)
		return err;
	err = kho_track_del_range(c, phys, size);
	percpu_up_read(&kho_pres_sem);
	return err;
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
	return kho_client_add_range(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_client_preserve_phys);

/**
 * kho_client_preserve_folio() - preserve a folio for a client
 * @c: the client, from kho_client_get()
 * @folio: a folio the caller owns, of any order
 *
 * The folio comes back in the next kernel, with its order and contents,
 * through kho_client_restore_folio().
 *
 * Return: as kho_client_preserve_phys().
 */
int kho_client_preserve_folio(struct kho_client *c, struct folio *folio)
{
	return kho_client_add_folio(c, folio_pfn(folio), folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_client_preserve_folio);

/**
 * kho_client_unpreserve_folio() - undo kho_client_preserve_folio()
 * @c: the client that preserved the folio
 * @folio: the folio
 *
 * Return: 0 on success; -ENOENT if @c did not preserve @folio; -EBUSY
 * after finalize.
 */
int kho_client_unpreserve_folio(struct kho_client *c, struct folio *folio)
{
	return kho_client_del_folio(c, folio_pfn(folio), folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_client_unpreserve_folio);

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
	return kho_client_del_range(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_client_unpreserve_phys);

/*
 * The default client, looked up once: the upstream-compatible calls must
 * not take kho_mem_lock on every preserve.  Clients are never freed and
 * kho_client_get() returns the same one every time, so a race only looks
 * it up twice.
 */
static struct kho_client *kho_default(void)
{
	static struct kho_client *def;
	struct kho_client *c = READ_ONCE(def);

	if (!c) {
		c = kho_client_get(KHO_DEFAULT_CLIENT);
		if (!IS_ERR(c))
			WRITE_ONCE(def, c);
	}
	return c;
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

/**
 * kho_preserve_folio() - preserve a folio for the next kernel
 * @folio: a folio the caller owns
 *
 * The upstream-compatible call: the folio belongs to the default client
 * and comes back through kho_restore_folio().
 *
 * Return: as kho_client_preserve_folio().
 */
int kho_preserve_folio(struct folio *folio)
{
	struct kho_client *c = kho_default();

	return IS_ERR(c) ? PTR_ERR(c) : kho_client_preserve_folio(c, folio);
}
EXPORT_SYMBOL_GPL(kho_preserve_folio);

/**
 * kho_unpreserve_folio() - undo kho_preserve_folio()
 * @folio: the folio
 *
 * Return: as kho_client_unpreserve_folio().
 */
int kho_unpreserve_folio(struct folio *folio)
{
	struct kho_client *c = kho_default();

	return IS_ERR(c) ? PTR_ERR(c) : kho_client_unpreserve_folio(c, folio);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_folio);

/*
 * Is [addr, addr + size) inside one folio or range client @name preserved?
 * kho_mem_lock held.
 */
static bool kho_preserved_by(const char *name, phys_addr_t addr, size_t size)
{
	struct kho_client *c = kho_client_lookup(name);

	return c && kho_track_has(c, addr, size);
}

/* ------------------------------------------------------------------------
 * Restoring what the previous kernel preserved
 */

/* Turn reserved pages back into ordinary allocated pages. */
static void kho_in_revive_pages(struct page *page, unsigned long nr,
				bool compound)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		ClearPageReserved(page + i);
		set_page_count(page + i, compound && i ? 0 : 1);
	}
	adjust_managed_page_count(page, nr);
}

/**
 * kho_client_restore_folio() - take back a folio the client preserved
 * @c: the client, from kho_client_get()
 * @phys: the folio's physical address, as it was preserved
 *
 * Return: the folio, of the order it was preserved with, with one
 * reference and its contents; NULL if @c did not preserve a folio at
 * @phys in the previous kernel or it was restored already.  The folio is
 * then ordinary memory: folio_put() frees it.
 */
struct folio *kho_client_restore_folio(struct kho_client *c, phys_addr_t phys)
{
	unsigned long pages;
	unsigned int kind;
	struct page *page;
	s64 item;

	if (!PAGE_ALIGNED(phys))
		return NULL;
	item = kho_in_item(c->in, PHYS_PFN(phys), &kind, &pages);
	if (item < 0 || kind == KHO_KIND_RANGE ||
	    !kho_in_claim(c->in, item, pages))
		return NULL;
	page = pfn_to_page(PHYS_PFN(phys));
	kho_in_revive_pages(page, pages, kind);
	if (kind)
		prep_compound_page(page, kind);
	return page_folio(page);
}
EXPORT_SYMBOL_GPL(kho_client_restore_folio);

/**
 * kho_client_restore_phys() - take back a range the client preserved
 * @c: the client, from kho_client_get()
 * @phys: the range's physical address, as it was preserved
 * @size: its size, as it was preserved
 *
 * The range comes back as order-0 pages with one reference each; freeing
 * them (__free_page()) returns them to the page allocator.
 *
 * Return: 0; -ENOENT if @c did not preserve exactly this range in the
 * previous kernel; -EALREADY if it was restored already.
 */
int kho_client_restore_phys(struct kho_client *c, phys_addr_t phys,
			    size_t size)
{
	unsigned long pages;
	unsigned int kind;
	s64 item;

	if (!PAGE_ALIGNED(phys))
		return -ENOENT;
	item = kho_in_item(c->in, PHYS_PFN(phys), &kind, &pages);
	if (item < 0 || kind != KHO_KIND_RANGE ||
	    (u64)pages << PAGE_SHIFT != size)
		return -ENOENT;
	if (!kho_in_claim(c->in, item, pages))
		return -EALREADY;
	kho_in_revive_pages(pfn_to_page(PHYS_PFN(phys)), pages, false);
	return 0;
}
EXPORT_SYMBOL_GPL(kho_client_restore_phys);

/**
 * kho_client_claim_phys() - keep preserved memory without restoring it
 * @c: the client
 * @phys: start of the memory
 * @size: its size
 *
 * For memory the client uses as it is, still reserved (reserve_mem):
 * every item that overlaps [@phys, @phys + @size) counts as claimed, so it
 * is neither reported as unclaimed nor released.
 */
void kho_client_claim_phys(struct kho_client *c, phys_addr_t phys,
			   size_t size)
{
	kho_in_claim_span(c->in, PHYS_PFN(phys), PHYS_PFN(phys + size - 1) + 1);
}

/**
 * kho_restore_folio() - take back a folio preserved with kho_preserve_folio()
 * @phys: the folio's physical address
 *
 * The upstream-compatible call, for the default client.
 *
 * Return: as kho_client_restore_folio().
 */
struct folio *kho_restore_folio(phys_addr_t phys)
{
	struct kho_client *c = kho_default();

	return IS_ERR(c) ? NULL : kho_client_restore_folio(c, phys);
}
EXPORT_SYMBOL_GPL(kho_restore_folio);

/**
 * kho_restore_phys() - take back a range preserved with kho_preserve_phys()
 * @phys: the range's physical address
 * @size: its size
 *
 * Return: as kho_client_restore_phys().
 */
int kho_restore_phys(phys_addr_t phys, size_t size)
{
	struct kho_client *c = kho_default();

	return IS_ERR(c) ? PTR_ERR(c) : kho_client_restore_phys(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_restore_phys);

static void kho_in_free_pages(unsigned long pfn, unsigned long pages,
			      void *arg)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		free_reserved_page(pfn_to_page(pfn + i));
	cond_resched();
}

/* Give every unclaimed item of @c to the page allocator; bytes freed. */
static u64 kho_in_release(struct kho_client *c)
{
	return kho_in_claim_rest(c->in, kho_in_free_pages, NULL);
}

/* Attach the incoming record of client @name; at core_initcall. */
static int __init kho_in_client_add(const char *name, phys_addr_t rec)
{
	struct kho_client *c = kho_client_get(name);

	if (IS_ERR(c))
		return PTR_ERR(c);
	c->in = kho_in_mem_build(phys_to_virt(rec));
	return c->in ? 0 : -ENOMEM;
}

/*
 * Attach every incoming record to its client, before any initcall can
 * restore.  Pages holding sub-FDTs stay claimed by KHO: kho/in/ and
 * kho_retrieve_subtree() keep pointing at them.
 */
static int __init kho_in_clients_init(void)
{
	const void *fdt = kho_in_root();
	int node, child, err = 0;

	if (!fdt)
		return 0;
	node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
	fdt_for_each_subnode(child, fdt, node) {
		const fdt64_t *v = fdt_getprop(fdt, child, KHO_FDT_MEM, NULL);

		if (v && !err)
			err = kho_in_client_add(fdt_get_name(fdt, child, NULL),
						fdt64_ld(&v[0]));
	}
	fdt_for_each_subnode(child, fdt, node) {
		const char *name = fdt_get_name(fdt, child, NULL);
		const fdt64_t *v = fdt_getprop(fdt, child, KHO_FDT_SUB_FDT, NULL);
		unsigned int i;

		/* The sub-FDT lies in its own client's memory or default's. */
		for (i = 0; v && i < 2; i++) {
			struct kho_client *c = kho_client_get(i ? KHO_DEFAULT_CLIENT :
								 name);

			if (!IS_ERR(c))
				kho_client_claim_phys(c, fdt64_ld(&v[0]),
						      PAGE_ALIGN(fdt64_ld(&v[1])));
		}
	}
	if (err)
		pr_err("cannot track the incoming preserved memory (%d); nothing can be restored\n",
		       err);
	return 0;
}
core_initcall(kho_in_clients_init);

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
	/* A loaded image may point at it: no FDT there until the next one. */
	if (kho_out.fdt)
		memset(kho_out.fdt, 0, kho_out.root_alloc);
	kho_out.fdt = NULL;
}

/* @size is page aligned.  Unmovable, so never in scratch (which is CMA). */
static void *kho_alloc_meta(size_t size)
{
	return alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
}

/*
 * The root FDT buffer, large enough for the most clients a root FDT may
 * hold.  kho_lock held.
 */
static int kho_root_alloc(void)
{
	size_t size = PAGE_ALIGN(kho_fdt_root_size(kho_scratch_cnt,
						   KHO_CLIENTS_MAX));

	if (kho_out.root)
		return 0;
	kho_out.root = kho_alloc_meta(size);
	if (!kho_out.root)
		return -ENOMEM;
	kho_out.root_alloc = size;
	return 0;
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
		u64 bytes;
		void *rec;

		if (!kho_track_usage(c, &bytes))
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

	err = kho_root_alloc();
	if (err)
		goto out;
	err = kho_fdt_write_root(kho_out.root, kho_out.root_alloc, kho_scratch,
				 kho_scratch_cnt, fc, nc);
	if (!err)
		kho_out.fdt = kho_out.root;
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

/* Once this returns, no preserve call runs under the old state. */
static void kho_set_state(enum kho_out_state state)
{
	percpu_down_write(&kho_pres_sem);
	kho_out.state = state;
	percpu_up_write(&kho_pres_sem);
}

static int kho_finalize(void)
{
	struct notifier_block *nb;
	size_t rec_bytes = 0;
	unsigned int i;
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
	for (i = 0; i < kho_out.nr_records; i++)
		rec_bytes += kho_out.record_sizes[i];
	pr_info("finalized: root FDT at %pa, %u bytes; %u records, %zu bytes\n",
		&(phys_addr_t){ virt_to_phys(kho_out.fdt) },
		fdt_totalsize(kho_out.fdt), kho_out.nr_records, rec_bytes);
	return 0;
}

static int kho_abort(void)
{
	lockdep_assert_held(&kho_lock);
	if (!kho_out.fdt) {
		pr_err("abort: not finalized\n");
		return -ENOENT;
	}
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
 * For the architecture's kexec_file loader.  The image points at the root
 * FDT buffer, which lives until reboot: a finalize writes the handover
 * there, an abort clears it, and kho_kexec_commit() finalizes at kexec -e
 * if nobody did before.
 *
 * Return: 0, or -ENOENT if KHO is off or has no buffer for the handover.
 */
int kho_get_handover(const struct kimage *image, struct kho_setup_data *sd)
{
	int err = -ENOENT;

	if (!kho_is_enabled())
		return err;
	mutex_lock(&kho_lock);
	if (kho_scratch_table && !kho_root_alloc()) {
		sd->fdt_addr = cpu_to_le64(virt_to_phys(kho_out.root));
		sd->fdt_size = cpu_to_le64(kho_out.root_alloc);
		sd->scratch_addr = cpu_to_le64(virt_to_phys(kho_scratch_table));
		sd->scratch_size = cpu_to_le64(kho_scratch_cnt *
					       sizeof(*kho_scratch_table));
		kho_out.image = image;
		err = 0;
	}
	if (err)
		pr_err("kexec image loaded without a handover: no memory for it\n");
	else if (kho_out.fdt)
		pr_info("kexec image loaded with the handover\n");
	else
		pr_info("kexec image loaded; the handover is finalized at kexec -e\n");
	mutex_unlock(&kho_lock);
	return err;
}

/**
 * kho_kexec_commit() - finalize the handover at kexec -e
 *
 * Called by kernel_kexec() before anything is shut down, with the kexec
 * lock held.  If the loaded image carries the handover and nobody
 * finalized, finalize now: FINALIZE callbacks (live update among them)
 * serialize their state.  On failure the reboot does not happen and
 * every preservation stays as it was.
 *
 * Return: 0 to go on with the kexec, or the finalize's error.
 */
int kho_kexec_commit(void)
{
	int err = 0;

	if (!kho_is_enabled())
		return 0;
	mutex_lock(&kho_lock);
	if (kho_out.image && kho_out.image == READ_ONCE(kexec_image) &&
	    !kho_out.fdt) {
		err = kho_finalize();
		if (err)
			pr_err("kexec: cannot finalize the handover (%d); not rebooting\n",
			       err);
		else
			pr_info("kexec: handover finalized at reboot\n");
	}
	mutex_unlock(&kho_lock);
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

static int __init kho_init(void)
{
	struct dentry *root = debugfs_create_dir("kho", NULL), *in;

	kho_out.dir = debugfs_create_dir("out", root);
	debugfs_create_file("finalize", 0600, kho_out.dir, NULL,
			    &kho_finalize_fops);
	debugfs_create_file("scratch_phys", 0400, kho_out.dir, NULL,
			    &kho_scratch_phys_fops);
	debugfs_create_file("scratch_len", 0400, kho_out.dir, NULL,
			    &kho_scratch_len_fops);
	debugfs_create_file("preserved", 0400, kho_out.dir, NULL,
			    &kho_preserved_fops);
	in = kho_in_debugfs(root);
	if (in) {
		debugfs_create_file("unclaimed", 0400, in, NULL,
				    &kho_unclaimed_fops);
		debugfs_create_file("release", 0200, in, NULL,
				    &kho_release_fops);
	}
	if (kho_enable)
		return kho_scratch_table_init();
	if (kho_cmdline_bad)
		pr_info("disabled: malformed command line\n");
	return 0;
}
late_initcall(kho_init);
