/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live update's handover format: the sub-FDT of KHO client "liveupdate"
 * and the index pages of preserved memfds.  Shared by both kernels;
 * Documentation/kho/liveupdate.rst describes it field by field.
 */
#ifndef _LINUX_KHO_LIVEUPDATE_H
#define _LINUX_KHO_LIVEUPDATE_H

#include <linux/types.h>

/* KHO client and sub-FDT name */
#define LUO_KHO_NAME			"liveupdate"

/* Sub-FDT root compatible: this format, version 1 */
#define LUO_FDT_COMPATIBLE		"kho-linux-6.12,liveupdate-v1"
/* Node under the root holding one child per session */
#define LUO_FDT_SESSIONS		"sessions"
/* Session node: its name, a string */
#define LUO_FDT_NAME			"name"

/* File node: its kind */
#define LUO_FDT_FILE_COMPATIBLE		"compatible"
/* File node: the token, u64 */
#define LUO_FDT_TOKEN			"token"

/* A memfd: the compatible of its file node, version 1 */
#define LUO_MEMFD_COMPATIBLE		"kho-linux-6.12,memfd-v1"
/* u64: file size in bytes */
#define LUO_MEMFD_SIZE			"size"
/* u64: file position */
#define LUO_MEMFD_POS			"pos"
/* u32: open flags (O_ACCMODE, O_APPEND, O_NONBLOCK, O_LARGEFILE) */
#define LUO_MEMFD_FLAGS			"flags"
/* u32: seals (F_SEAL_*) */
#define LUO_MEMFD_SEALS			"seals"
/* u32: permission bits of the inode */
#define LUO_MEMFD_MODE			"mode"
/* string: the file's name, "memfd:" and the name given to memfd_create */
#define LUO_MEMFD_FNAME			"fname"
/* u64: physical address of the first index page, 0 if no folio */
#define LUO_MEMFD_INDEX			"index"
/* u64: number of folios */
#define LUO_MEMFD_NR_FOLIOS		"nr-folios"
/* u64: bytes of memory the folios and index pages hold */
#define LUO_MEMFD_BYTES			"bytes"

/* Low bits of luo_memfd_folio.phys_order hold the folio order. */
#define LUO_MEMFD_ORDER_MASK		0x3fULL

/**
 * struct luo_memfd_folio - one folio of a memfd
 * @index: its first page index in the file, a multiple of its page count
 * @phys_order: its physical address, with its order in the bits of
 *	%LUO_MEMFD_ORDER_MASK
 */
struct luo_memfd_folio {
	__le64 index;
	__le64 phys_order;
};

/**
 * struct luo_memfd_index - one page of a memfd's folio list
 * @next: physical address of the next index page, or 0
 * @nr: entries in @folios
 * @folios: the folios, by increasing @index across the whole list
 *
 * Each index page is an order-0 folio preserved by the "liveupdate"
 * client.
 */
struct luo_memfd_index {
	__le64 next;
	__le64 nr;
	struct luo_memfd_folio folios[];
};

#endif /* _LINUX_KHO_LIVEUPDATE_H */
