// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live update of memfds: a shmem memfd's folios go to the next kernel in
 * place, and come back there as a new memfd backed by the same physical
 * pages.  No byte is copied.
 *
 * Outgoing kernel:
 *  - PRESERVE_FD (memfd_luo_preserve()) pins every folio the file has
 *    (FOLL_LONGTERM: a folio in KHO scratch, which is CMA, migrates out
 *    first), swaps in what is swapped out and preserves every pinned folio
 *    through KHO right away, so that kexec -e has little left to do.
 *    Holes stay holes.  Until the session lets go of it, the file
 *    allocates new folios as unmovable, so none lands in scratch and
 *    kexec -e migrates nothing: written after PRESERVE_FD, they too keep
 *    their physical addresses.
 *  - kexec -e (memfd_luo_freeze()) brings the pins up to date with the
 *    file as it is then: folios written since are pinned and preserved,
 *    folios truncated or punched out are unpreserved and dropped.  So size
 *    changes and hole punches after PRESERVE_FD are carried into the
 *    handover.  Then it writes the index pages listing the folios and
 *    preserves them.  When the page cache holds no more pages than the
 *    pinned folios, and nothing is swapped out, nothing can be new: the
 *    walk of the file is skipped, and the listing checks that every
 *    pinned folio is still there.
 *  - Closing the session (memfd_luo_unpreserve()) unpreserves and drops
 *    every folio.
 *
 * Next kernel: memfd_luo_retrieve() restores every folio, with its order,
 * into a new shmem file at its old index, and puts back size, position,
 * open flags, mode and seals.  FD_CLOEXEC is not carried.
 *
 * Callers serialize all of this under luo_lock.
 */

#define pr_fmt(fmt) "liveupdate: memfd: " fmt

#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/kho/liveupdate.h>
#include <linux/libfdt.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"
#include "../kernel/liveupdate/luo_format.h"
#include "../kernel/liveupdate/luo_internal.h"

/* Folios pinned per memfd_pin_folios() call. */
#define MEMFD_LUO_BATCH		256
/* Longest run of pages looked up under one RCU read section. */
#define MEMFD_LUO_RUN_MAX	4096

/**
 * struct memfd_luo - a memfd preserved in a session of this kernel
 * @file: the file, with a reference
 * @c: the KHO client that preserves its memory
 * @folios: pinned folios by their first page index, each preserved
 *	through KHO
 * @nr: number of @folios
 * @bytes: bytes of memory @folios hold
 * @idx: while frozen: the index pages, in list order, preserved too
 * @nr_idx: how many
 * @frozen: the index pages are written and preserved
 * @gfp: the file's page cache allocation mask before it was preserved
 * @size: while frozen: file size
 * @pos: while frozen: file position
 * @seals: while frozen: seals
 */
struct memfd_luo {
	struct file *file;
	struct kho_client *c;
	struct xarray folios;
	unsigned long nr;
	u64 bytes;
	struct page **idx;
	unsigned long nr_idx;
	bool frozen;
	gfp_t gfp;
	loff_t size;
	loff_t pos;
	int seals;
};

/* Refuse what this version cannot carry, with its own errno and reason. */
static int memfd_luo_supported(struct file *file)
{
	struct inode *inode = file_inode(file);
	long seals;

	if (is_file_hugepages(file)) {
		pr_err("preserve: hugetlb memfds are not supported\n");
		return -EOPNOTSUPP;
	}
	/* A memfd is a shmem file with no name in any directory. */
	if (!shmem_file(file) || inode->i_nlink) {
		pr_err("preserve: fd is not a memfd\n");
		return -ENOENT;
	}
	seals = memfd_fcntl(file, F_GET_SEALS, 0);
	if (seals < 0)
		return seals;
	if (seals & ~LUO_MEMFD_SEALS_KNOWN) {
		pr_err("preserve: unknown seals %#lx\n",
		       seals & ~LUO_MEMFD_SEALS_KNOWN);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/*
 * The next run of page indices in [@idx, @last] that hold a folio not
 * pinned yet, or a swap entry: [*@first, *@end].  A pinned folio that is
 * still in the file at its index ends a run.  The page cache and
 * m->folios (which only changes under luo_lock, held) are walked side by
 * side: a file of hundreds of thousands of kept folios costs two walks,
 * not a lookup per folio.
 */
static bool memfd_luo_next_run(struct memfd_luo *m, pgoff_t idx, pgoff_t last,
			       pgoff_t *first, pgoff_t *end)
{
	XA_STATE(xas, &m->file->f_mapping->i_pages, idx);
	XA_STATE(kept, &m->folios, idx);
	struct folio *k;
	bool found = false;
	void *entry;

	rcu_read_lock();
	k = xas_find(&kept, ULONG_MAX);
	xas_for_each(&xas, entry, last) {
		pgoff_t s, n;

		if (xas_retry(&xas, entry))
			continue;
		if (xa_is_value(entry)) {
			n = 1UL << xas_get_order(&xas);
			s = round_down(xas.xa_index, n);
		} else {
			struct folio *folio = entry;

			s = folio->index;
			n = folio_nr_pages(folio);
			while (k && kept.xa_index < s)
				k = xas_next_entry(&kept, ULONG_MAX);
			if (k == folio && kept.xa_index == s) {
				if (found)
					break;
				continue;
			}
		}
		s = max(s, idx);
		if (found && s != *end + 1)
			break;
		if (!found)
			*first = s;
		found = true;
		*end = s + n - 1;
		if (*end - *first >= MEMFD_LUO_RUN_MAX)
			break;
	}
	rcu_read_unlock();
	if (found)
		*end = min(*end, last);
	return found;
}

/* Stop keeping @folio, at @index of m->folios: unpreserve and unpin it. */
static void memfd_luo_drop(struct memfd_luo *m, pgoff_t index,
			   struct folio *folio)
{
	xa_erase(&m->folios, index);
	kho_client_unpreserve_folio(m->c, folio);
	m->bytes -= folio_size(folio);
	m->nr--;
	unpin_folio(folio);
}

/*
 * Keep @folio, pinned, at its index of m->folios: preserve it.  A folio
 * kept there before is dropped.  On error @folio is unpinned.
 */
static int memfd_luo_keep(struct memfd_luo *m, struct folio *folio)
{
	struct folio *old = xa_load(&m->folios, folio->index);
	int err;

	if (old == folio) {
		/* Pinned twice: kept already. */
		unpin_folio(folio);
		return 0;
	}
	if (old)
		memfd_luo_drop(m, folio->index, old);
	err = kho_client_preserve_folio(m->c, folio);
	if (err) {
		pr_err("cannot preserve the folio at index %lu (%d)\n",
		       folio->index, err);
		unpin_folio(folio);
		return err;
	}
	err = xa_err(xa_store(&m->folios, folio->index, folio, GFP_KERNEL));
	if (err) {
		kho_client_unpreserve_folio(m->c, folio);
		unpin_folio(folio);
		return err;
	}
	m->bytes += folio_size(folio);
	m->nr++;
	return 0;
}

/* Pin and preserve the folios over page indices [first, end]. */
static int memfd_luo_pin_run(struct memfd_luo *m, struct folio **batch,
			     pgoff_t first, pgoff_t end)
{
	loff_t start = (loff_t)first << PAGE_SHIFT;
	loff_t stop = min_t(loff_t, ((loff_t)end + 1) << PAGE_SHIFT,
			    i_size_read(file_inode(m->file))) - 1;

	while (start <= stop) {
		pgoff_t off;
		long n, i;

		n = memfd_pin_folios(m->file, start, stop, batch,
				     MEMFD_LUO_BATCH, &off);
		if (n <= 0)
			return n ? n : -EIO;
		for (i = 0; i < n; i++) {
			int err = memfd_luo_keep(m, batch[i]);

			if (err) {
				unpin_folios(batch + i + 1, n - i - 1);
				return err;
			}
		}
		start = (loff_t)folio_next_index(batch[n - 1]) << PAGE_SHIFT;
	}
	return 0;
}

/*
 * Pin and preserve what the file holds that m->folios does not.  On error
 * what was kept so far stays kept (memfd_luo_unpreserve() drops it all).
 */
static int memfd_luo_sync(struct memfd_luo *m)
{
	loff_t size = i_size_read(file_inode(m->file));
	pgoff_t last = size ? (size - 1) >> PAGE_SHIFT : 0;
	pgoff_t idx = 0, first, end;
	struct folio **batch;
	int err = 0;

	batch = kmalloc_array(MEMFD_LUO_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;
	while (size && idx <= last &&
	       memfd_luo_next_run(m, idx, last, &first, &end)) {
		err = memfd_luo_pin_run(m, batch, first, end);
		if (err)
			break;
		idx = end + 1;
		cond_resched();
	}
	kfree(batch);
	return err;
}

/* @folio, kept at @index, is still the file's there and within @size. */
static bool memfd_luo_in_file(struct memfd_luo *m, struct folio *folio,
			      pgoff_t index, loff_t size)
{
	/* Pinned, so the folio itself stays valid to look at. */
	return folio->mapping == m->file->f_mapping && folio->index == index &&
	       (loff_t)index << PAGE_SHIFT < size;
}

/* Drop the kept folios that left the file or lie past @size. */
static void memfd_luo_drop_gone(struct memfd_luo *m, loff_t size)
{
	struct {
		pgoff_t index;
		struct folio *folio;
	} gone[16];
	struct folio *folio;
	pgoff_t idx = 0;
	unsigned int i;

	/* Look for them under RCU; drop them outside. */
	do {
		XA_STATE(xas, &m->folios, idx);
		unsigned int n = 0;

		rcu_read_lock();
		xas_for_each(&xas, folio, ULONG_MAX) {
			if (memfd_luo_in_file(m, folio, xas.xa_index, size))
				continue;
			gone[n].index = xas.xa_index;
			gone[n].folio = folio;
			if (++n == ARRAY_SIZE(gone))
				break;
		}
		rcu_read_unlock();
		for (i = 0; i < n; i++)
			memfd_luo_drop(m, gone[i].index, gone[i].folio);
		idx = n == ARRAY_SIZE(gone) ? gone[n - 1].index + 1 : 0;
	} while (idx);
}

static void memfd_luo_drop_all(struct memfd_luo *m)
{
	struct folio *folio;
	unsigned long i;

	xa_for_each(&m->folios, i, folio)
		memfd_luo_drop(m, i, folio);
	xa_destroy(&m->folios);
}

/**
 * memfd_luo_preserve() - take a memfd into a session
 * @file: the file
 * @c: the KHO client that preserves its memory
 * @out: the new state, on success
 *
 * Pins every folio of the file and preserves it through @c; the file
 * keeps them until the session closes or the kexec happens.
 *
 * Return: 0; -ENOENT if @file is not a memfd, -EOPNOTSUPP for a hugetlb
 * memfd, -EPROTONOSUPPORT for seals this version does not know; -ENOMEM,
 * or the error pinning or preserving gave.  On error nothing stays pinned
 * or preserved.
 */
int memfd_luo_preserve(struct file *file, struct kho_client *c,
		       struct memfd_luo **out)
{
	struct memfd_luo *m;
	int err;

	err = memfd_luo_supported(file);
	if (err)
		return err;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->file = get_file(file);
	m->c = c;
	/* New folios stay out of scratch (CMA, movable-only); see above. */
	m->gfp = mapping_gfp_mask(file->f_mapping);
	mapping_set_gfp_mask(file->f_mapping, m->gfp & ~__GFP_MOVABLE);
	xa_init(&m->folios);
	err = memfd_luo_sync(m);
	if (err) {
		pr_err("preserve: cannot keep the memfd's folios (%d)\n", err);
		memfd_luo_unpreserve(m);
		return err;
	}
	*out = m;
	return 0;
}

/**
 * memfd_luo_unpreserve() - drop a memfd from its session
 * @m: its state; not frozen
 *
 * Every folio is unpreserved and unpinned: the memory is the file's alone,
 * and it allocates movable folios again.
 */
void memfd_luo_unpreserve(struct memfd_luo *m)
{
	memfd_luo_drop_all(m);
	mapping_set_gfp_mask(m->file->f_mapping, m->gfp);
	fput(m->file);
	kfree(m);
}

static void memfd_luo_free_idx(struct memfd_luo *m, unsigned long preserved)
{
	unsigned long i;

	for (i = 0; i < m->nr_idx; i++) {
		if (i < preserved)
			kho_client_unpreserve_folio(m->c, page_folio(m->idx[i]));
		__free_page(m->idx[i]);
	}
	kvfree(m->idx);
	m->idx = NULL;
	m->nr_idx = 0;
}

/*
 * List m->folios in the index pages m->idx, as many as it takes; returns
 * how many, or -EAGAIN, with the list unfinished, if a folio left the
 * file or lies past @size.  m->folios only changes under luo_lock, held.
 */
static long memfd_luo_fill_idx(struct memfd_luo *m, loff_t size)
{
	XA_STATE(xas, &m->folios, 0);
	struct luo_memfd_index *ix = NULL;
	struct folio *folio;
	long p = 0;

	rcu_read_lock();
	xas_for_each(&xas, folio, ULONG_MAX) {
		phys_addr_t phys = PFN_PHYS(folio_pfn(folio));
		pgoff_t i = xas.xa_index;

		if (!memfd_luo_in_file(m, folio, i, size)) {
			p = -EAGAIN;
			break;
		}
		if (ix && luo_memfd_index_add(ix, i, phys, folio_order(folio)))
			continue;
		/* Only the header needs zeroing: entries are written in turn. */
		ix = page_address(m->idx[p++]);
		memset(ix, 0, sizeof(*ix));
		luo_memfd_index_add(ix, i, phys, folio_order(folio));
	}
	rcu_read_unlock();
	return p;
}

/*
 * Write the index pages listing m->folios and preserve them.  Return: 0;
 * -EAGAIN, with nothing written, if a folio left the file or lies past
 * @size; -ENOMEM, or the error preserving gave.
 */
static int memfd_luo_write_idx(struct memfd_luo *m, loff_t size)
{
	struct luo_memfd_index *ix;
	unsigned long n, p;
	long used;
	int err;

	n = DIV_ROUND_UP(m->nr, LUO_MEMFD_PER_PAGE);
	m->idx = kvcalloc(n, sizeof(*m->idx), GFP_KERNEL);
	if (n && !m->idx)
		return -ENOMEM;
	for (m->nr_idx = 0; m->nr_idx < n; m->nr_idx++) {
		m->idx[m->nr_idx] = alloc_page(GFP_KERNEL);
		if (!m->idx[m->nr_idx]) {
			err = -ENOMEM;
			goto fail;
		}
	}
	used = memfd_luo_fill_idx(m, size);
	if (used < 0) {
		err = used;
		goto fail;
	}
	for (p = 0; p < used; p++) {
		ix = page_address(m->idx[p]);
		if (p + 1 < used)
			ix->next = cpu_to_le64(page_to_phys(m->idx[p + 1]));
		err = kho_client_preserve_folio(m->c, page_folio(m->idx[p]));
		if (err) {
			memfd_luo_free_idx(m, p);
			return err;
		}
	}
	return 0;
fail:
	memfd_luo_free_idx(m, 0);
	return err;
}

/*
 * The page cache holds the kept folios and nothing else, if they are all
 * still there (memfd_luo_fill_idx() checks): it holds as many pages as
 * they do, and nothing of the file is swapped out.  The usual case at
 * kexec -e, when nothing was written to a hole since PRESERVE_FD.
 */
static bool memfd_luo_only_kept(struct memfd_luo *m)
{
	struct inode *inode = file_inode(m->file);

	return READ_ONCE(m->file->f_mapping->nrpages) == m->bytes >> PAGE_SHIFT &&
	       !READ_ONCE(SHMEM_I(inode)->swapped);
}

/**
 * memfd_luo_freeze() - make a memfd ready for the kexec
 * @m: its state
 *
 * Brings the kept folios up to date with the file (preserving what was
 * written since PRESERVE_FD, dropping what left), then writes and
 * preserves the index pages.  Called from KHO's FINALIZE.
 *
 * Return: 0, or an error with no index page preserved (the folios stay
 * kept: the session still holds the memfd).
 */
int memfd_luo_freeze(struct memfd_luo *m)
{
	struct inode *inode = file_inode(m->file);
	bool synced = false;
	int err = 0;

	/* The size and the list agree: truncation takes the lock. */
	inode_lock_shared(inode);
	m->size = i_size_read(inode);
	/* The walk of the file is most of the work: skip it if we can. */
	if (!memfd_luo_only_kept(m)) {
		err = memfd_luo_sync(m);
		synced = true;
	}
	/* Only memfd_luo_write_idx()'s -EAGAIN means "a folio left". */
	while (!err) {
		err = memfd_luo_write_idx(m, m->size);
		if (err != -EAGAIN)
			break;
		/* Some left: drop them, and look for what came instead. */
		memfd_luo_drop_gone(m, m->size);
		err = 0;
		if (!synced) {
			err = memfd_luo_sync(m);
			synced = true;
		}
	}
	inode_unlock_shared(inode);
	if (err)
		return err;
	m->seals = memfd_fcntl(m->file, F_GET_SEALS, 0);
	m->pos = READ_ONCE(m->file->f_pos);
	m->frozen = true;
	return 0;
}

/**
 * memfd_luo_unfreeze() - undo memfd_luo_freeze() after an abort
 * @m: its state
 *
 * The index pages go; the folios stay kept for the next freeze.
 */
void memfd_luo_unfreeze(struct memfd_luo *m)
{
	if (!m->frozen)
		return;
	memfd_luo_free_idx(m, m->nr_idx);
	m->frozen = false;
}

/**
 * memfd_luo_desc() - the properties of a frozen memfd, for its node
 * @m: its state
 * @d: filled in; @d->fname points into the file's dentry
 */
void memfd_luo_desc(struct memfd_luo *m, struct luo_memfd_desc *d)
{
	d->size = m->size;
	d->pos = m->pos;
	d->index = m->nr_idx ? page_to_phys(m->idx[0]) : 0;
	d->nr = m->nr;
	d->bytes = m->bytes + ((u64)m->nr_idx << PAGE_SHIFT);
	d->flags = m->file->f_flags & LUO_MEMFD_FLAGS_KNOWN;
	d->seals = m->seals;
	d->mode = file_inode(m->file)->i_mode & 0777;
	d->fname = m->file->f_path.dentry->d_name.name;
}

/**
 * struct memfd_luo_batch - the folios of one index page, to insert at once
 * @nr: how many
 * @folios: the folios, each with the reference its restore gave
 * @indices: the page index of each in the file
 */
struct memfd_luo_batch {
	unsigned int nr;
	struct folio *folios[LUO_MEMFD_PER_PAGE];
	pgoff_t indices[LUO_MEMFD_PER_PAGE];
};

/**
 * struct memfd_luo_walk - a walk of an incoming memfd in this kernel
 * @w: the format's walker
 * @c: the live-update KHO client
 * @file: retrieve: the new file the folios go into
 * @batch: retrieve: folios restored, not inserted yet
 * @bytes: bytes given back so far: index pages, and on release folios
 */
struct memfd_luo_walk {
	struct luo_memfd_walker w;
	struct kho_client *c;
	struct file *file;
	struct memfd_luo_batch *batch;
	u64 bytes;
};

/* The folio of @order at @phys, restored; NULL if it was not preserved. */
static __always_inline struct folio *
memfd_luo_restore(struct memfd_luo_walk *mw, phys_addr_t phys,
		  unsigned int order)
{
	struct folio *folio = kho_client_restore_folio(mw->c, phys);

	if (folio && folio_order(folio) != order) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

static void *memfd_luo_index_get(struct luo_memfd_walker *w, phys_addr_t phys)
{
	struct memfd_luo_walk *mw = container_of(w, struct memfd_luo_walk, w);
	struct folio *folio = memfd_luo_restore(mw, phys, 0);

	return folio ? folio_address(folio) : NULL;
}

/*
 * Insert the batch into the file, unless the walk failed (the file is
 * dropped then).  The references of the inserted folios became the page
 * cache's; those of the others are dropped.
 */
static int memfd_luo_flush(struct memfd_luo_walk *mw, int walk_err)
{
	struct memfd_luo_batch *b = mw->batch;
	unsigned int i, n = 0;
	int err = 0;

	if (!walk_err && b->nr) {
		n = shmem_insert_folios(mw->file, b->folios, b->indices, b->nr,
					&err);
		if (err)
			mw->w.bad = b->indices[n];
	}
	for (i = n; i < b->nr; i++)
		folio_put(b->folios[i]);
	b->nr = 0;
	return err;
}

static int memfd_luo_index_put(struct luo_memfd_walker *w, void *page,
			       int walk_err)
{
	struct memfd_luo_walk *mw = container_of(w, struct memfd_luo_walk, w);
	int err = 0;

	mw->bytes += PAGE_SIZE;
	folio_put(virt_to_folio(page));
	if (mw->batch)
		err = memfd_luo_flush(mw, walk_err);
	cond_resched();
	return err;
}

/* Restore a folio into the batch; the index page's end inserts it. */
static int memfd_luo_insert(struct luo_memfd_walker *w, u64 index,
			    phys_addr_t phys, unsigned int order)
{
	struct memfd_luo_walk *mw = container_of(w, struct memfd_luo_walk, w);
	struct memfd_luo_batch *b = mw->batch;
	struct folio *folio;

	/* An index page holds at most LUO_MEMFD_PER_PAGE entries. */
	if (WARN_ON_ONCE(b->nr == LUO_MEMFD_PER_PAGE))
		return -EINVAL;
	folio = memfd_luo_restore(mw, phys, order);
	if (!folio)
		return -ENOENT;
	b->folios[b->nr] = page_rmappable_folio(&folio->page);
	b->indices[b->nr++] = index;
	return 0;
}

static int memfd_luo_free_one(struct luo_memfd_walker *w, u64 index,
			      phys_addr_t phys, unsigned int order)
{
	struct memfd_luo_walk *mw = container_of(w, struct memfd_luo_walk, w);
	struct folio *folio = memfd_luo_restore(mw, phys, order);

	if (!folio)
		return -ENOENT;
	mw->bytes += folio_size(folio);
	folio_put(folio);
	return 0;
}

static int memfd_luo_walk(struct memfd_luo_walk *mw,
			  const struct luo_memfd_desc *d,
			  int (*fn)(struct luo_memfd_walker *w, u64 index,
				    phys_addr_t phys, unsigned int order))
{
	int err;

	mw->w.d = d;
	mw->w.index_get = memfd_luo_index_get;
	mw->w.index_put = memfd_luo_index_put;
	mw->w.folio = fn;
	err = luo_memfd_walk(&mw->w);
	if (err)
		pr_err("incoming %s: %s (%#llx, %d); the rest stays unclaimed\n",
		       d->fname, mw->w.why, mw->w.bad, err);
	return err;
}

/* Open flags, position, mode and seals, as they were. */
static struct file *memfd_luo_finish_file(struct file *file,
					  const struct luo_memfd_desc *d)
{
	struct inode *inode = file_inode(file);
	long err;

	inode->i_mode = (inode->i_mode & ~0777) | d->mode;
	/* A new shmem file is sealed with F_SEAL_SEAL; open it to seals. */
	SHMEM_I(inode)->seals &= ~F_SEAL_SEAL;
	err = memfd_fcntl(file, F_ADD_SEALS, d->seals);
	if (err) {
		fput(file);
		return ERR_PTR(err);
	}
	if ((d->flags & O_ACCMODE) != O_RDWR) {
		struct file *f = dentry_open(&file->f_path, d->flags,
					     current_cred());

		fput(file);
		if (IS_ERR(f))
			return f;
		file = f;
	}
	file->f_flags |= d->flags & (O_APPEND | O_NONBLOCK | O_LARGEFILE);
	file->f_pos = d->pos;
	return file;
}

/**
 * memfd_luo_retrieve() - make an incoming memfd a file again
 * @d: its node, as luo_memfd_desc_read() checked it
 * @c: the live-update KHO client
 *
 * Return: the new file, with its folios at their old physical addresses,
 * or an ERR_PTR().  After an error, whatever of the memfd was not taken
 * back stays unclaimed in KHO.
 */
struct file *memfd_luo_retrieve(const struct luo_memfd_desc *d,
				struct kho_client *c)
{
	struct memfd_luo_walk mw = { .c = c };
	struct inode *inode;
	int err;

	mw.batch = kmalloc(sizeof(*mw.batch), GFP_KERNEL);
	if (!mw.batch)
		return ERR_PTR(-ENOMEM);
	mw.batch->nr = 0;
	/* The file name is "memfd:" and the name memfd_create() was given. */
	mw.file = shmem_file_setup(d->fname, 0, VM_NORESERVE);
	if (IS_ERR(mw.file)) {
		kfree(mw.batch);
		return mw.file;
	}
	mw.file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	mw.file->f_flags |= O_LARGEFILE;
	inode = file_inode(mw.file);
	inode_lock(inode);
	i_size_write(inode, d->size);
	err = memfd_luo_walk(&mw, d, memfd_luo_insert);
	inode_unlock(inode);
	kfree(mw.batch);
	if (err) {
		fput(mw.file);
		return ERR_PTR(err);
	}
	return memfd_luo_finish_file(mw.file, d);
}

/**
 * memfd_luo_release() - give an incoming memfd's memory back
 * @d: its node, as luo_memfd_desc_read() checked it
 * @c: the live-update KHO client
 *
 * Return: bytes given to the page allocator, index pages included.
 */
u64 memfd_luo_release(const struct luo_memfd_desc *d, struct kho_client *c)
{
	struct memfd_luo_walk mw = { .c = c };

	memfd_luo_walk(&mw, d, memfd_luo_free_one);
	return mw.bytes;
}
