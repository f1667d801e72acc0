/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover (KHO): the handover ABI between two kernels.
 *
 * Everything here is read by a kernel other than the one that wrote it, so
 * the layout is fixed-width and versioned by KHO_FDT_COMPATIBLE.  Any
 * incompatible change needs a new compatible string.  The format is
 * documented field by field in Documentation/kho/fdt-abi.rst.
 */
#ifndef _LINUX_KHO_ABI_H
#define _LINUX_KHO_ABI_H

#include <linux/types.h>

/* Root FDT compatible: this project's ABI, version 1. */
#define KHO_FDT_COMPATIBLE		"kho-linux-6.12,v1"

/* Root FDT: property with the scratch table, u64 (addr, size) pairs. */
#define KHO_FDT_SCRATCH			"scratch"
/* Root FDT: node holding one child node per client. */
#define KHO_FDT_CLIENTS			"clients"
/* Client node: u64 (phys, size) of the client's sub-FDT. */
#define KHO_FDT_SUB_FDT			"fdt"
/*
 * Client node: u64 (phys, size) of a blob in any format of the client's,
 * added with the kho_add_subtree(name, blob, size) of Linux 6.19 and later.
 */
#define KHO_FDT_BLOB			"blob"
/* Client node: u64 (phys, size) of the client's preserved-memory record. */
#define KHO_FDT_MEM			"mem"

/* Longest client name, without the terminating NUL. */
#define KHO_NAME_MAX			31

/* Most client nodes a root FDT may hold. */
#define KHO_CLIENTS_MAX			64

/* Largest root FDT buffer a kernel accepts (1 MiB). */
#define KHO_FDT_SIZE_MAX		0x100000

/**
 * struct kho_scratch_entry - one scratch region, in the scratch table
 * @addr: physical address, page aligned
 * @size: size in bytes, page aligned
 *
 * The scratch table is an array of these, little-endian, passed by physical
 * address and size in &struct kho_setup_data.  The same regions are in the
 * root FDT's "scratch" property.
 */
struct kho_scratch_entry {
	__le64 addr;
	__le64 size;
};

/**
 * struct kho_setup_data - payload of the x86 SETUP_KEXEC_KHO setup_data
 * @fdt_addr: physical address of the root FDT
 * @fdt_size: size of the buffer holding the root FDT
 * @scratch_addr: physical address of the scratch table
 * @scratch_size: size of the scratch table in bytes
 *
 * All fields are little-endian.
 */
struct kho_setup_data {
	__le64 fdt_addr;
	__le64 fdt_size;
	__le64 scratch_addr;
	__le64 scratch_size;
};

/* Preserved-memory record: "KHOM" in memory order. */
#define KHO_MEM_MAGIC			0x4d4f484bU
#define KHO_MEM_VERSION			2

/**
 * struct kho_mem_header - start of a client's preserved-memory record
 * @magic: %KHO_MEM_MAGIC
 * @version: %KHO_MEM_VERSION
 * @nr_runs: number of &struct kho_mem_run entries that follow, not
 *	counting the bitmap words of %KHO_MEM_RUN_BITMAP runs
 *
 * The record is little-endian and lives in memory that is itself handed
 * over (listed in the root FDT, reserved by the next kernel).
 */
struct kho_mem_header {
	__le32 magic;
	__le32 version;
	__le64 nr_runs;
};

/* kho_mem_run.flags: the run is a physical range, not folios. */
#define KHO_MEM_RUN_RANGE		0x1
/* kho_mem_run.flags: @nr little-endian u64 bitmap words follow the run. */
#define KHO_MEM_RUN_BITMAP		0x2

/* Most bitmap words after one %KHO_MEM_RUN_BITMAP run (32768 bits). */
#define KHO_MEM_BITMAP_WORDS_MAX	512

/**
 * struct kho_mem_run - preserved memory of one kind
 * @pfn: first page frame number; aligned to 1 << @order
 * @nr: number of folios; with %KHO_MEM_RUN_RANGE, of pages; with
 *	%KHO_MEM_RUN_BITMAP, of bitmap words that follow
 * @order: folio order; 0 with %KHO_MEM_RUN_RANGE
 * @flags: %KHO_MEM_RUN_RANGE, %KHO_MEM_RUN_BITMAP or 0
 *
 * A plain run covers @nr folios of @order back to back from @pfn.  A
 * bitmap run is followed by @nr u64 words; bit b of word w set means a
 * folio of @order at @pfn + ((64 * w + b) << @order).  A range run is one
 * range of @nr pages.
 *
 * The runs come in groups: folios of order 0, of order 1, and so on up,
 * then ranges.  Within a group they are sorted by @pfn and do not
 * overlap; across all groups and clients no two preserved pages overlap.
 */
struct kho_mem_run {
	__le64 pfn;
	__le32 nr;
	__le16 order;
	__le16 flags;
};

/**
 * struct kho_vmalloc - descriptor of a preserved vmalloc area
 * @first: physical address of the first index page
 * @nr_pages: number of pages in the area
 * @flags: 0
 * @order: order of the area's pages; 0
 *
 * The caller stores it (in its sub-FDT, say) and passes it to
 * kho_restore_vmalloc() in the next kernel.  Little-endian.
 */
struct kho_vmalloc {
	__le64 first;
	__le32 nr_pages;
	__le16 flags;
	__le16 order;
};

/**
 * struct kho_vmalloc_index - one page of the list of a vmalloc area's pages
 * @next: physical address of the next index page, or 0
 * @nr: number of entries in @pfn
 * @pfn: page frame numbers of the area's pages, in order
 *
 * Index pages are preserved order-0 folios of the default client.
 */
struct kho_vmalloc_index {
	__le64 next;
	__le64 nr;
	__le64 pfn[];
};

#endif /* _LINUX_KHO_ABI_H */
