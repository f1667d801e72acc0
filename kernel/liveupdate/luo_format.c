// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live update's handover format: writing the "liveupdate" sub-FDT and the
 * memfd index pages in the outgoing kernel, and checking both in the next
 * one before anything is taken from them.
 *
 * Nothing here allocates, locks or knows about files: the callers own the
 * memory, and the next kernel's callers turn what is found into sessions
 * (luo_core.c) and memfds (mm/memfd_luo.c).  The same file builds in the
 * KHO simulator and fuzz target (tools/testing/kho), which feed it
 * handovers made there and damaged ones.
 */

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/libfdt.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "luo_format.h"

/* Longest node name: "s" or "f" and a 32-bit number. */
#define LUO_FMT_NODE_NAME	16

/**
 * luo_fmt_begin() - start a sub-FDT: root, compatible, the sessions node
 * @fdt: the buffer
 * @size: its size
 *
 * Return: 0 or a libfdt error (-FDT_ERR_NOSPACE: try a larger buffer).
 */
int luo_fmt_begin(void *fdt, size_t size)
{
	return fdt_create(fdt, size) ?: fdt_finish_reservemap(fdt) ?:
	       fdt_begin_node(fdt, "") ?:
	       fdt_property_string(fdt, "compatible", LUO_FDT_COMPATIBLE) ?:
	       fdt_begin_node(fdt, LUO_FDT_SESSIONS);
}

/**
 * luo_fmt_session_begin() - open the node of a session
 * @fdt: the sub-FDT being written
 * @i: the session's number in this sub-FDT, for the node name
 * @name: the session's name
 *
 * Its files follow, then luo_fmt_session_end().
 *
 * Return: 0 or a libfdt error.
 */
int luo_fmt_session_begin(void *fdt, unsigned int i, const char *name)
{
	char node[LUO_FMT_NODE_NAME];

	snprintf(node, sizeof(node), "s%u", i);
	return fdt_begin_node(fdt, node) ?:
	       fdt_property_string(fdt, LUO_FDT_NAME, name);
}

/**
 * luo_fmt_memfd() - write the node of a memfd in the open session
 * @fdt: the sub-FDT being written
 * @i: the file's number in its session, for the node name
 * @token: the token userspace gave it
 * @d: its properties
 *
 * Return: 0 or a libfdt error.
 */
int luo_fmt_memfd(void *fdt, unsigned int i, u64 token,
		  const struct luo_memfd_desc *d)
{
	char node[LUO_FMT_NODE_NAME];

	snprintf(node, sizeof(node), "f%u", i);
	return fdt_begin_node(fdt, node) ?:
	       fdt_property_u64(fdt, LUO_FDT_TOKEN, token) ?:
	       fdt_property_string(fdt, LUO_FDT_FILE_COMPATIBLE,
				   LUO_MEMFD_COMPATIBLE) ?:
	       fdt_property_u64(fdt, LUO_MEMFD_SIZE, d->size) ?:
	       fdt_property_u64(fdt, LUO_MEMFD_POS, d->pos) ?:
	       fdt_property_u32(fdt, LUO_MEMFD_FLAGS, d->flags) ?:
	       fdt_property_u32(fdt, LUO_MEMFD_SEALS, d->seals) ?:
	       fdt_property_u32(fdt, LUO_MEMFD_MODE, d->mode) ?:
	       fdt_property_string(fdt, LUO_MEMFD_FNAME, d->fname) ?:
	       fdt_property_u64(fdt, LUO_MEMFD_INDEX, d->index) ?:
	       fdt_property_u64(fdt, LUO_MEMFD_NR_FOLIOS, d->nr) ?:
	       fdt_property_u64(fdt, LUO_MEMFD_BYTES, d->bytes) ?:
	       fdt_end_node(fdt);
}

/**
 * luo_fmt_session_end() - close the node of a session
 * @fdt: the sub-FDT being written
 *
 * Return: 0 or a libfdt error.
 */
int luo_fmt_session_end(void *fdt)
{
	return fdt_end_node(fdt);
}

/**
 * luo_fmt_finish() - close the sessions and the root; finish the sub-FDT
 * @fdt: the sub-FDT being written
 *
 * Return: 0 or a libfdt error.
 */
int luo_fmt_finish(void *fdt)
{
	return fdt_end_node(fdt) ?: fdt_end_node(fdt) ?: fdt_finish(fdt);
}

/**
 * luo_memfd_index_add() - append a folio to an index page
 * @ix: the page, its header (@next, @nr) zeroed when first used
 * @index: the folio's first page index in the file
 * @phys: its physical address
 * @order: its order
 *
 * The caller links the pages through @ix->next and adds folios by
 * increasing @index.
 *
 * Return: false if the page is full (nothing added).
 */
bool luo_memfd_index_add(struct luo_memfd_index *ix, u64 index,
			 phys_addr_t phys, unsigned int order)
{
	u64 nr = le64_to_cpu(ix->nr);

	if (nr == LUO_MEMFD_PER_PAGE)
		return false;
	ix->folios[nr].index = cpu_to_le64(index);
	ix->folios[nr].phys_order = cpu_to_le64(phys | order);
	ix->nr = cpu_to_le64(nr + 1);
	return true;
}

static bool luo_fmt_u64(const void *fdt, int node, const char *name, u64 *v)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != sizeof(*p))
		return false;
	*v = fdt64_ld(p);
	return true;
}

static bool luo_fmt_u32(const void *fdt, int node, const char *name, u32 *v)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != sizeof(*p))
		return false;
	*v = fdt32_ld(p);
	return true;
}

/**
 * luo_memfd_desc_read() - read and check the properties of a memfd node
 * @fdt: the incoming sub-FDT, its header checked
 * @node: the file's node
 * @d: filled in
 *
 * The folio list itself is checked as it is walked, by luo_memfd_walk().
 *
 * Return: NULL, or the reason the node is refused.
 */
const char *luo_memfd_desc_read(const void *fdt, int node,
				struct luo_memfd_desc *d)
{
	int len;

	if (!luo_fmt_u64(fdt, node, LUO_MEMFD_SIZE, &d->size) ||
	    !luo_fmt_u64(fdt, node, LUO_MEMFD_POS, &d->pos) ||
	    !luo_fmt_u64(fdt, node, LUO_MEMFD_INDEX, &d->index) ||
	    !luo_fmt_u64(fdt, node, LUO_MEMFD_NR_FOLIOS, &d->nr) ||
	    !luo_fmt_u64(fdt, node, LUO_MEMFD_BYTES, &d->bytes) ||
	    !luo_fmt_u32(fdt, node, LUO_MEMFD_FLAGS, &d->flags) ||
	    !luo_fmt_u32(fdt, node, LUO_MEMFD_SEALS, &d->seals) ||
	    !luo_fmt_u32(fdt, node, LUO_MEMFD_MODE, &d->mode))
		return "a memfd property is missing or has the wrong size";
	d->fname = fdt_getprop(fdt, node, LUO_MEMFD_FNAME, &len);
	if (!d->fname || len < 2 || len > NAME_MAX + 1 ||
	    strnlen(d->fname, len) != len - 1 || strchr(d->fname, '/'))
		return "a memfd with a bad file name";
	if (d->size > MAX_LFS_FILESIZE || d->pos > MAX_LFS_FILESIZE)
		return "a memfd size or position out of range";
	if (d->flags & ~LUO_MEMFD_FLAGS_KNOWN ||
	    (d->flags & O_ACCMODE) == O_ACCMODE)
		return "a memfd with unknown open flags";
	if (d->seals & ~LUO_MEMFD_SEALS_KNOWN)
		return "a memfd with unknown seals";
	if (d->mode & ~0777)
		return "a memfd with a bad mode";
	if (d->nr > DIV_ROUND_UP_ULL(d->size, PAGE_SIZE) ||
	    !d->nr != !d->index || !PAGE_ALIGNED(d->index))
		return "a memfd with a bad folio list";
	return NULL;
}

static const char *luo_fmt_file(const void *fdt, int node,
				struct luo_fmt_parser *p)
{
	struct luo_memfd_desc d;
	const fdt64_t *tok;
	const char *why;
	int len;

	if (fdt_node_check_compatible(fdt, node, LUO_MEMFD_COMPATIBLE))
		return "a file of an unknown kind";
	tok = fdt_getprop(fdt, node, LUO_FDT_TOKEN, &len);
	if (!tok || len != sizeof(*tok))
		return "a file without a token";
	why = luo_memfd_desc_read(fdt, node, &d);
	return why ?: p->file(p, fdt64_ld(tok), &d);
}

static const char *luo_fmt_session(const void *fdt, int node,
				   struct luo_fmt_parser *p)
{
	const char *name, *why;
	int len, child;

	name = fdt_getprop(fdt, node, LUO_FDT_NAME, &len);
	if (!name || len < 2 || len > LIVEUPDATE_SESSION_NAME_LENGTH ||
	    strnlen(name, len) != len - 1)
		return "a session without a proper name";
	why = p->session(p, name);
	fdt_for_each_subnode(child, fdt, node) {
		if (why)
			break;
		why = luo_fmt_file(fdt, child, p);
	}
	return why;
}

/**
 * luo_fmt_parse() - check an incoming sub-FDT, session by session
 * @fdt: the sub-FDT; KHO checked that it lies in memory the previous
 *	kernel preserved for this client, header included
 * @p: told of every session and file, in order, as they are checked
 *
 * Stops at the first problem: the caller drops what it was told so far.
 *
 * Return: NULL, or the reason the sub-FDT is refused.
 */
const char *luo_fmt_parse(const void *fdt, struct luo_fmt_parser *p)
{
	const char *why = NULL;
	int node, child;

	if (fdt_check_header(fdt))
		return "the sub-FDT has a bad header";
	if (fdt_node_check_compatible(fdt, 0, LUO_FDT_COMPATIBLE))
		return "the sub-FDT is not " LUO_FDT_COMPATIBLE;
	node = fdt_subnode_offset(fdt, 0, LUO_FDT_SESSIONS);
	if (node < 0)
		return "the sub-FDT has no " LUO_FDT_SESSIONS " node";
	fdt_for_each_subnode(child, fdt, node) {
		why = luo_fmt_session(fdt, child, p);
		if (why)
			break;
	}
	return why;
}

/* Stop a walk: @why about @bad. */
static int luo_memfd_fail(struct luo_memfd_walker *w, const char *why,
			  u64 bad)
{
	w->why = why;
	w->bad = bad;
	return -EIO;
}

/* Check one entry against the file and the entries before it. */
static const char *luo_memfd_entry(const struct luo_memfd_desc *d,
				   const struct luo_memfd_folio *f, u64 next,
				   u64 *index, phys_addr_t *phys,
				   unsigned int *order)
{
	u64 end = DIV_ROUND_UP_ULL(d->size, PAGE_SIZE);
	u64 po = le64_to_cpu(f->phys_order);
	u64 pages;

	*index = le64_to_cpu(f->index);
	*order = po & LUO_MEMFD_ORDER_MASK;
	*phys = po & PAGE_MASK;
	if (po & ~(PAGE_MASK | LUO_MEMFD_ORDER_MASK) ||
	    *order > MAX_PAGE_ORDER)
		return "a folio entry with a bad order";
	pages = 1ULL << *order;
	if (*index < next || *index >= end || !IS_ALIGNED(*index, pages) ||
	    *index + pages > ALIGN(end, pages))
		return "a folio entry out of order or past the end of the file";
	if (!IS_ALIGNED(*phys, PAGE_SIZE << *order))
		return "a folio entry at an address not aligned to its order";
	return NULL;
}

/**
 * luo_memfd_walk() - check an incoming memfd's folio list and take it
 * @w: the memfd and the caller's callbacks
 *
 * Restores every index page (and gives it back once read) and every folio
 * it lists, after checking the entry against the file's size and the
 * entries before it; @w->folio takes each.  Stops at the first problem:
 * what was taken stays taken, the rest of the list is left alone.
 *
 * Return: 0; -EIO with @w->why and @w->bad set; or the error of
 * @w->folio or @w->index_put, with @w->why set too.
 */
int luo_memfd_walk(struct luo_memfd_walker *w)
{
	const struct luo_memfd_desc *d = w->d;
	phys_addr_t phys = d->index;
	u64 seen = 0, next = 0;
	int err = 0, put_err;

	w->why = NULL;
	while (phys && !err) {
		struct luo_memfd_index *ix = w->index_get(w, phys);
		u64 i, nr;

		if (!ix)
			return luo_memfd_fail(w, "an index page was not preserved",
					      phys);
		nr = le64_to_cpu(ix->nr);
		if (!nr || nr > LUO_MEMFD_PER_PAGE || nr > d->nr - seen)
			err = luo_memfd_fail(w, "an index page holds a bad count",
					     phys);
		for (i = 0; !err && i < nr; i++) {
			phys_addr_t fphys;
			unsigned int order;
			const char *why;
			u64 index;

			why = luo_memfd_entry(d, &ix->folios[i], next, &index,
					      &fphys, &order);
			if (why) {
				err = luo_memfd_fail(w, why, index);
				break;
			}
			err = w->folio(w, index, fphys, order);
			if (err) {
				w->why = err == -ENOENT ?
					 "a folio was not preserved with its order" :
					 "a folio cannot be put back";
				w->bad = index;
				break;
			}
			next = index + (1ULL << order);
		}
		seen += nr;
		phys = le64_to_cpu(ix->next);
		put_err = w->index_put(w, ix, err);
		if (put_err && !err) {
			w->why = "the folios of an index page cannot be put back";
			err = put_err;
		}
	}
	if (!err && seen != d->nr)
		err = luo_memfd_fail(w, "the folio list is shorter than nr-folios",
				     seen);
	return err;
}
