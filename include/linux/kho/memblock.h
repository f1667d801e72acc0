/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memblock calls used by kexec handover (KHO); implemented in
 * mm/memblock/kho.c.  Included by <linux/memblock.h>.
 */
#ifndef _LINUX_KHO_MEMBLOCK_H
#define _LINUX_KHO_MEMBLOCK_H

#ifdef CONFIG_MEMBLOCK_KHO

int memblock_reserve_kern(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_reserved_kern_size(phys_addr_t limit, int nid);
int memblock_mark_kho_scratch(phys_addr_t base, phys_addr_t size);
int memblock_clear_kho_scratch(phys_addr_t base, phys_addr_t size);
void memblock_set_kho_scratch_only(void);
void memblock_clear_kho_scratch_only(void);
bool memblock_is_kho_scratch_only(void);
int memblock_reserve_sorted(bool (*next)(void *ctx, phys_addr_t *base,
					 phys_addr_t *size,
					 enum memblock_flags *flags),
			    void *ctx, unsigned long nr);
phys_addr_t reserve_mem_kho_alloc(const char *name, phys_addr_t size,
				  phys_addr_t align);
void memblock_kho_init_pages(phys_addr_t start, phys_addr_t end, int nid);
unsigned long memblock_kho_free_hole(phys_addr_t start, phys_addr_t end);

#else /* !CONFIG_MEMBLOCK_KHO */

static inline int memblock_reserve_kern(phys_addr_t base, phys_addr_t size)
{
	return memblock_reserve(base, size);
}

static inline phys_addr_t reserve_mem_kho_alloc(const char *name,
						phys_addr_t size,
						phys_addr_t align)
{
	return memblock_phys_alloc(size, align);
}

#endif /* CONFIG_MEMBLOCK_KHO */

#endif /* _LINUX_KHO_MEMBLOCK_H */
