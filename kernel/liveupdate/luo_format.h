/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live update's handover format in code: the writer of the sub-FDT and of
 * memfd index pages, and the next kernel's checks of both.  Pure code over
 * memory it is given, so that the KHO simulator and fuzz target
 * (tools/testing/kho) build the very same file.  The layout itself is in
 * <linux/kho/liveupdate.h>, and Documentation/kho/liveupdate.rst.
 */
#ifndef _KERNEL_LIVEUPDATE_FORMAT_H
#define _KERNEL_LIVEUPDATE_FORMAT_H

#include <linux/fcntl.h>
#include <linux/kho/liveupdate.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

/* Seals this version carries. */
#define LUO_MEMFD_SEALS_KNOWN	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
				 F_SEAL_EXEC)
/* Open flags this version carries. */
#define LUO_MEMFD_FLAGS_KNOWN	(O_ACCMODE | O_APPEND | O_NONBLOCK | \
				 O_LARGEFILE)
/* Folio entries per index page. */
#define LUO_MEMFD_PER_PAGE	((PAGE_SIZE - sizeof(struct luo_memfd_index)) / \
				 sizeof(struct luo_memfd_folio))

/**
 * struct luo_memfd_desc - the properties of a memfd's node
 * @size: file size in bytes
 * @pos: file position
 * @index: physical address of the first index page, 0 if no folio
 * @nr: number of folios
 * @bytes: memory the folios and index pages hold
 * @flags: open flags, within %LUO_MEMFD_FLAGS_KNOWN
 * @seals: seals, within %LUO_MEMFD_SEALS_KNOWN
 * @mode: permission bits
 * @fname: the file's name; read: points into the sub-FDT
 */
struct luo_memfd_desc {
	u64 size;
	u64 pos;
	u64 index;
	u64 nr;
	u64 bytes;
	u32 flags;
	u32 seals;
	u32 mode;
	const char *fname;
};

/* Outgoing: write a sub-FDT with libfdt's sequential-write calls. */
int luo_fmt_begin(void *fdt, size_t size);
int luo_fmt_session_begin(void *fdt, unsigned int i, const char *name);
int luo_fmt_memfd(void *fdt, unsigned int i, u64 token,
		  const struct luo_memfd_desc *d);
int luo_fmt_session_end(void *fdt);
int luo_fmt_finish(void *fdt);
bool luo_memfd_index_add(struct luo_memfd_index *ix, u64 index,
			 phys_addr_t phys, unsigned int order);

/**
 * struct luo_fmt_parser - what luo_fmt_parse() reports, and to whom
 * @session: a session named @name was found; its files follow
 * @file: a checked memfd @d with token @token in that session
 *
 * Each returns NULL, or a reason that ends the parse.
 */
struct luo_fmt_parser {
	const char *(*session)(struct luo_fmt_parser *p, const char *name);
	const char *(*file)(struct luo_fmt_parser *p, u64 token,
			    const struct luo_memfd_desc *d);
};

const char *luo_fmt_parse(const void *fdt, struct luo_fmt_parser *p);
const char *luo_memfd_desc_read(const void *fdt, int node,
				struct luo_memfd_desc *d);

/**
 * struct luo_memfd_walker - a walk of an incoming memfd's folio list
 * @d: the memfd, as luo_memfd_desc_read() checked it
 * @index_get: restore the index page at @phys and map it, or NULL if it
 *	was not preserved as a page of this client
 * @index_put: done with an index page @index_get gave, after @err (0 or
 *	the walk's error); may finish taking its folios, and return an error
 *	that stops the walk, setting @bad
 * @folio: restore the folio of @order at @phys and take it at page
 *	@index; -ENOENT if it was not preserved with that order
 * @why: set by luo_memfd_walk() when it fails: the reason
 * @bad: the physical address or index @why is about
 */
struct luo_memfd_walker {
	const struct luo_memfd_desc *d;
	void *(*index_get)(struct luo_memfd_walker *w, phys_addr_t phys);
	int (*index_put)(struct luo_memfd_walker *w, void *page, int err);
	int (*folio)(struct luo_memfd_walker *w, u64 index, phys_addr_t phys,
		     unsigned int order);
	const char *why;
	u64 bad;
};

int luo_memfd_walk(struct luo_memfd_walker *w);

#endif /* _KERNEL_LIVEUPDATE_FORMAT_H */
