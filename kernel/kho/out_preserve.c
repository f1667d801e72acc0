// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, outgoing side: the preserve and unpreserve calls of
 * clients and of the upstream-compatible API, and the state that keeps
 * them apart from finalize.
 *
 * Locking: kho_pres_sem (per-CPU rwsem) is read-held by every preserve and
 * unpreserve call and write-held only to change the state, so preserve
 * calls run in parallel on all CPUs and none is in flight once the state
 * says FINALIZED.  Callbacks may preserve while FINALIZE runs.  The
 * tracking itself (out_track.c) is lock-free for folios.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu-rwsem.h>

#include "kho_internal.h"
DEFINE_STATIC_PERCPU_RWSEM(kho_pres_sem);

/* Written under kho_pres_sem held for writing. */
static enum kho_out_state kho_out_state;

/*
 * Common checks of the range calls and kho_out_hold(); takes kho_pres_sem
 * for reading on success.  Folios take kho_client_add_folio(), which
 * needs no alignment check and leaves scratch to the tracking.
 */
static __always_inline int kho_pres_begin(phys_addr_t phys, phys_addr_t size, bool add)
{
	if (!kho_enable)
		return -EOPNOTSUPP;
	if (add && (!size || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(size) ||
		    phys + size < phys || kho_overlaps_scratch(phys, size)))
		return -EINVAL;
	percpu_down_read(&kho_pres_sem);
	if (kho_out_state == KHO_OUT_FINALIZED) {
		percpu_up_read(&kho_pres_sem);
		return -EBUSY;
	}
	return 0;
}

/**
 * kho_out_hold() - keep finalize away during a multi-step unpreserve
 *
 * Return: 0 with preserve calls' lock read-held (release it with
 * kho_out_release()); -EOPNOTSUPP if KHO is off; -EBUSY after finalize.
 */
int kho_out_hold(void)
{
	return kho_pres_begin(0, 0, false);
}

/* Undo a successful kho_out_hold(). */
void kho_out_release(void)
{
	percpu_up_read(&kho_pres_sem);
}

/*
 * Preserve a folio: the hot path (a memfd preserves each of its folios),
 * one function with the tracking's inline fast path.  A folio is aligned
 * and not empty; the tracking checks scratch.
 */
static __always_inline int kho_client_add_folio(struct kho_client *c,
						unsigned long pfn,
						unsigned int order)
{
	int err = -EBUSY;

	if (!kho_enable)
		return -EOPNOTSUPP;
	percpu_down_read(&kho_pres_sem);
	if (likely(kho_out_state != KHO_OUT_FINALIZED)) {
		err = kho_track_add_folio_hinted(c, pfn, order);
		if (err == KHO_TRACK_MISS)
			err = kho_track_add_folio(c, pfn, order);
	}
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
 * The default client, looked up once (kho_default_client() reads it
 * inline): the upstream-compatible calls must not take kho_mem_lock on
 * every preserve.  The reference taken here is never dropped, so the
 * client is never freed, and kho_client_get() returns the same one every
 * time: a race only looks it up twice.
 */
struct kho_client *kho_default;

struct kho_client *kho_default_client_get(void)
{
	struct kho_client *c = kho_client_get(KHO_DEFAULT_CLIENT);

	if (!IS_ERR(c) && cmpxchg(&kho_default, NULL, c))
		kho_client_put(c);
	return IS_ERR(c) ? c : READ_ONCE(kho_default);
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
	struct kho_client *c = kho_default_client();

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
	struct kho_client *c = kho_default_client();

	return IS_ERR(c) ? PTR_ERR(c) :
			   kho_client_unpreserve_phys(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_phys);

/**
 * kho_preserve_pages() - preserve contiguous order-0 pages
 * @page: the first page
 * @nr_pages: how many
 *
 * The next kernel takes them back with kho_restore_pages(@phys, @nr_pages),
 * as order-0 pages.
 *
 * Return: as kho_preserve_phys().
 */
int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	size_t size;

	if (!nr_pages || check_shl_overflow(nr_pages, PAGE_SHIFT, &size))
		return -EINVAL;
	return kho_preserve_phys(page_to_phys(page), size);
}
EXPORT_SYMBOL_GPL(kho_preserve_pages);

/**
 * kho_unpreserve_pages() - undo kho_preserve_pages()
 * @page: the first page, as preserved
 * @nr_pages: how many, as preserved
 *
 * Return: as kho_unpreserve_phys().
 */
int kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	size_t size;

	if (!nr_pages || check_shl_overflow(nr_pages, PAGE_SHIFT, &size))
		return -EINVAL;
	return kho_unpreserve_phys(page_to_phys(page), size);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_pages);

/**
 * kho_alloc_preserve() - allocate zeroed memory and preserve it
 * @size: bytes wanted
 *
 * One folio of the smallest order that holds @size, preserved through
 * the default client.  The next kernel finds it by its address (in a
 * sub-FDT or blob) and frees it with kho_restore_free(), or restores it
 * with kho_restore_folio().
 *
 * Return: its address; ERR_PTR(-EINVAL) for a size of 0 or above
 * %MAX_PAGE_ORDER, -ENOMEM, or the error of kho_preserve_folio().
 */
void *kho_alloc_preserve(size_t size)
{
	struct folio *folio;
	int err;

	if (!size || get_order(size) > MAX_PAGE_ORDER)
		return ERR_PTR(-EINVAL);
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, get_order(size));
	if (!folio)
		return ERR_PTR(-ENOMEM);
	err = kho_preserve_folio(folio);
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio_address(folio);
}
EXPORT_SYMBOL_GPL(kho_alloc_preserve);

/**
 * kho_unpreserve_free() - undo kho_alloc_preserve()
 * @mem: what kho_alloc_preserve() returned
 *
 * Unpreserves and frees the folio.  If the unpreserve fails (-EBUSY once
 * finalized: the handover points at it), the folio stays preserved and
 * allocated, and that is logged.
 */
void kho_unpreserve_free(void *mem)
{
	struct folio *folio = virt_to_folio(mem);
	int err = kho_unpreserve_folio(folio);

	if (err) {
		pr_warn("unpreserve_free: %pa stays preserved and allocated (%d)\n",
			&(phys_addr_t){ virt_to_phys(mem) }, err);
		return;
	}
	folio_put(folio);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_free);

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
	struct kho_client *c = kho_default_client();

	if (IS_ERR(c))
		return PTR_ERR(c);
	return kho_client_add_folio(c, folio_pfn(folio), folio_order(folio));
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
	struct kho_client *c = kho_default_client();

	return IS_ERR(c) ? PTR_ERR(c) : kho_client_unpreserve_folio(c, folio);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_folio);

/* Once this returns, no preserve call runs under the old state. */
void kho_set_state(enum kho_out_state state)
{
	percpu_down_write(&kho_pres_sem);
	kho_out_state = state;
	percpu_up_write(&kho_pres_sem);
}
