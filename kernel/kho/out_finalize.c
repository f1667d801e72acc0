// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, outgoing side: FINALIZE and ABORT callbacks, sub-FDTs,
 * and finalize itself, which writes every client's record and the root
 * FDT.
 *
 * Locking: kho_lock serializes finalize, abort, notifier (un)registration
 * and the outgoing debugfs files; notifier callbacks run under it, so they
 * must not register or unregister notifiers.  kho_standing_lock guards the
 * subtrees added outside FINALIZE (the API of Linux 6.19 and later).  Lock
 * order: kho_lock, then kho_pres_sem (out_preserve.c), then
 * kho_standing_lock, then kho_mem_lock.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kho_internal.h"
/* Serializes finalize, abort, notifiers and kexec loads; see above. */
DEFINE_MUTEX(kho_lock);

static RAW_NOTIFIER_HEAD(kho_chain);

/* Subtrees added with kho_add_subtree_blob(), until removed. */
static DEFINE_MUTEX(kho_standing_lock);
static LIST_HEAD(kho_standing_subtrees);

struct kho_out kho_out;

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

/* Is @name taken in @list?  The list's lock held. */
static bool kho_subtree_named(struct list_head *list, const char *name)
{
	struct kho_subtree *t;

	list_for_each_entry(t, list, list) {
		if (!strcmp(t->name, name))
			return true;
	}
	return false;
}

/* Does client @name or default preserve [phys, phys + size)? */
static bool kho_subtree_preserved(const char *name, phys_addr_t phys,
				  size_t size, const char *what)
{
	bool ok;

	mutex_lock(&kho_mem_lock);
	ok = kho_preserved_by(name, phys, size) ||
	     kho_preserved_by(KHO_DEFAULT_CLIENT, phys, size);
	mutex_unlock(&kho_mem_lock);
	if (!ok)
		pr_err("%s %s at %pa is not in memory preserved by client %s or %s\n",
		       what, name, &phys, name, KHO_DEFAULT_CLIENT);
	return ok;
}

static struct kho_subtree *kho_subtree_new(const char *name, phys_addr_t phys,
					   size_t size, bool is_blob)
{
	struct kho_subtree *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	strscpy(t->name, name);
	t->fdt.addr = phys;
	t->fdt.size = size;
	t->is_blob = is_blob;
	return t;
}

/**
 * kho_add_subtree_fdt() - hand a sub-FDT over to the next kernel
 * @ser: the serialization passed to the FINALIZE callback
 * @name: name of the subtree (normally the client's name): 1 to 31
 *	characters, no '/' or '@'
 * @fdt: a finished FDT in memory preserved by the client of the same name
 *	or by the default client
 *
 * The kho_add_subtree(ser, name, fdt) of Linux 6.16 to 6.18, which
 * kho_add_subtree() selects when its first argument is a
 * &struct kho_serialization.  In the next kernel kho_retrieve_subtree()
 * returns its address.
 *
 * Return: 0 on success; -EINVAL for a bad name, a malformed FDT or one
 * outside preserved memory; -EEXIST if @name was added already; -ENOMEM.
 */
int kho_add_subtree_fdt(struct kho_serialization *ser, const char *name,
			void *fdt)
{
	struct kho_subtree *t;
	phys_addr_t phys;
	size_t size;

	if (!kho_name_ok(name) || !fdt || fdt_check_header(fdt))
		return -EINVAL;
	phys = virt_to_phys(fdt);
	size = fdt_totalsize(fdt);
	if (kho_subtree_named(&ser->subtrees, name))
		return -EEXIST;
	if (!kho_subtree_preserved(name, phys, size, "sub-FDT"))
		return -EINVAL;
	t = kho_subtree_new(name, phys, size, false);
	if (!t)
		return -ENOMEM;
	list_add_tail(&t->list, &ser->subtrees);
	return 0;
}
EXPORT_SYMBOL_GPL(kho_add_subtree_fdt);

/**
 * kho_add_subtree_blob() - hand a blob over to the next kernel by name
 * @name: its name: 1 to 31 characters, no '/' or '@'
 * @blob: the blob, in any format, in memory preserved by the client of
 *	the same name or by the default client (kho_alloc_preserve(), say)
 * @size: its size in bytes
 *
 * The kho_add_subtree(name, blob, size) of Linux 6.19 and later, which
 * kho_add_subtree() selects when its first argument is a name.  It may be
 * called at any time before the handover is finalized (by debugfs or at
 * kexec -e); the blob goes with every finalize until kho_remove_subtree().
 * In the next kernel kho_retrieve_subtree() returns its address and size,
 * and its pages are restored by whoever preserved them.
 *
 * Return: 0 on success; -EINVAL for a bad name, a NULL blob, a size of 0
 * or a blob outside preserved memory; -EEXIST if @name was added already;
 * -EBUSY once finalized; -EOPNOTSUPP if KHO is off; -ENOMEM.
 */
int kho_add_subtree_blob(const char *name, void *blob, size_t size)
{
	phys_addr_t phys = blob ? virt_to_phys(blob) : 0;
	struct kho_subtree *t;
	int err;

	if (!kho_name_ok(name) || !blob || !size)
		return -EINVAL;
	err = kho_out_hold();
	if (err)
		return err;
	mutex_lock(&kho_standing_lock);
	if (kho_subtree_named(&kho_standing_subtrees, name))
		err = -EEXIST;
	else if (!kho_subtree_preserved(name, phys, size, "blob"))
		err = -EINVAL;
	t = err ? NULL : kho_subtree_new(name, phys, size, true);
	if (t)
		list_add_tail(&t->list, &kho_standing_subtrees);
	else
		err = err ?: -ENOMEM;
	mutex_unlock(&kho_standing_lock);
	kho_out_release();
	return err;
}
EXPORT_SYMBOL_GPL(kho_add_subtree_blob);

/**
 * kho_remove_subtree() - stop handing a blob over
 * @blob: the blob given to kho_add_subtree_blob()
 *
 * A handover finalized already keeps it until it is aborted; that is
 * logged.  Its memory stays preserved: unpreserve it separately.
 */
void kho_remove_subtree(void *blob)
{
	phys_addr_t phys = virt_to_phys(blob);
	struct kho_subtree *t, *found = NULL;
	bool held = !kho_out_hold();

	mutex_lock(&kho_standing_lock);
	list_for_each_entry(t, &kho_standing_subtrees, list) {
		if (t->fdt.addr == phys) {
			found = t;
			list_del(&t->list);
			break;
		}
	}
	mutex_unlock(&kho_standing_lock);
	if (held)
		kho_out_release();
	else if (found && kho_is_enabled())
		pr_warn("blob %s stays in the finalized handover until it is aborted\n",
			found->name);
	kfree(found);
}
EXPORT_SYMBOL_GPL(kho_remove_subtree);

/*
 * Copy the blobs added outside FINALIZE into this finalize's list, after
 * the FINALIZE callbacks.  kho_lock held, state FINALIZED: their memory
 * cannot change now.
 */
static int kho_add_standing(struct kho_serialization *ser)
{
	struct kho_subtree *t, *copy;
	int err = 0;

	mutex_lock(&kho_standing_lock);
	list_for_each_entry(t, &kho_standing_subtrees, list) {
		if (kho_subtree_named(&ser->subtrees, t->name)) {
			pr_err("finalize: blob %s and a sub-FDT of the same name\n",
			       t->name);
			err = -EEXIST;
		} else if (!kho_subtree_preserved(t->name, t->fdt.addr,
						  t->fdt.size, "blob")) {
			err = -EINVAL;
		}
		copy = err ? NULL : kho_subtree_new(t->name, t->fdt.addr,
						    t->fdt.size, true);
		if (!copy) {
			err = err ?: -ENOMEM;
			break;
		}
		list_add_tail(&copy->list, &ser->subtrees);
	}
	mutex_unlock(&kho_standing_lock);
	return err;
}

static void kho_call_abort(void)
{
	raw_notifier_call_chain(&kho_chain, KEXEC_KHO_ABORT, NULL);
}

/* Drop everything a finalize built.  Called with kho_lock held. */
static void kho_out_drop(void)
{
	struct kho_subtree *t, *tmp;
	unsigned int i;

	kho_out_debugfs_remove();
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
int kho_root_alloc(void)
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
	/* A client with a record and a sub-FDT takes one node: counted below. */
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
		if (t->is_blob)
			fc[i].blob = t->fdt;
		else
			fc[i].fdt = t->fdt;
	}
	if (nc > KHO_CLIENTS_MAX) {
		pr_err("finalize: more than %d clients\n", KHO_CLIENTS_MAX);
		err = -E2BIG;
		goto out;
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

int kho_finalize(void)
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
	if (!err)
		err = kho_add_standing(kho_out.ser);
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

int kho_abort(void)
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
