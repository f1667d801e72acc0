// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: vmalloc areas.
 *
 * A vmalloc area is preserved page by page (each an order-0 folio of the
 * default client), with the list of its pages in a chain of preserved
 * index pages.  The caller keeps the small &struct kho_vmalloc descriptor
 * (in its sub-FDT, say) and hands it to kho_restore_vmalloc() in the next
 * kernel, which maps the same pages, in the same order, into a new area.
 *
 * The caller must not free or resize the area while it is preserved; the
 * functions take no lock of their own beyond KHO's.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/io.h>
#include <linux/kho.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kho_internal.h"

/* Page numbers one index page holds after its header. */
#define KHO_VMALLOC_PER_INDEX \
	((PAGE_SIZE - sizeof(struct kho_vmalloc_index)) / sizeof(__le64))

/*
 * Unpreserve the pages listed from @first and free the index chain, all
 * or nothing: after finalize the handover points at the chain, so it is
 * left alone and -EBUSY returned.
 */
static int kho_vmalloc_drop(phys_addr_t first)
{
	struct kho_client *c = kho_default_client();
	int err;

	if (IS_ERR(c))
		return PTR_ERR(c);
	err = kho_out_hold();
	if (err)
		return err;
	while (first) {
		struct kho_vmalloc_index *idx = phys_to_virt(first);
		phys_addr_t next = le64_to_cpu(idx->next);
		u64 i;

		for (i = 0; i < le64_to_cpu(idx->nr); i++)
			kho_track_del_folio(c, le64_to_cpu(idx->pfn[i]), 0);
		kho_track_del_folio(c, PHYS_PFN(first), 0);
		free_page((unsigned long)idx);
		first = next;
	}
	kho_out_release();
	return 0;
}

/**
 * kho_preserve_vmalloc() - preserve a vmalloc area for the next kernel
 * @ptr: start of an area returned by vmalloc() and friends
 * @preservation: filled with the descriptor kho_restore_vmalloc() needs
 *
 * Return: 0 on success; -EINVAL if @ptr does not start a vmalloc area;
 * -ENOMEM; or the error of kho_preserve_folio() (nothing stays preserved).
 */
int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation)
{
	struct kho_vmalloc_index *idx = NULL, *prev = NULL;
	struct vm_struct *vm = find_vm_area(ptr);
	phys_addr_t first = 0;
	unsigned int i;
	int err = 0;

	if (!vm || vm->addr != ptr || !vm->pages || !vm->nr_pages)
		return -EINVAL;
	for (i = 0; i < vm->nr_pages && !err; i++) {
		if (!idx || le64_to_cpu(idx->nr) == KHO_VMALLOC_PER_INDEX) {
			idx = (void *)get_zeroed_page(GFP_KERNEL);
			if (!idx) {
				err = -ENOMEM;
				break;
			}
			err = kho_preserve_folio(virt_to_folio(idx));
			if (err) {
				free_page((unsigned long)idx);
				break;
			}
			if (prev)
				prev->next = cpu_to_le64(virt_to_phys(idx));
			else
				first = virt_to_phys(idx);
			prev = idx;
		}
		err = kho_preserve_folio(page_folio(vm->pages[i]));
		if (!err) {
			idx->pfn[le64_to_cpu(idx->nr)] =
				cpu_to_le64(page_to_pfn(vm->pages[i]));
			le64_add_cpu(&idx->nr, 1);
		}
	}
	if (err) {
		kho_vmalloc_drop(first);
		return err;
	}
	preservation->first = cpu_to_le64(first);
	preservation->nr_pages = cpu_to_le32(vm->nr_pages);
	preservation->flags = 0;
	preservation->order = 0;
	return 0;
}
EXPORT_SYMBOL_GPL(kho_preserve_vmalloc);

/**
 * kho_unpreserve_vmalloc() - undo kho_preserve_vmalloc()
 * @preservation: the descriptor it filled
 *
 * Upstream's callers use it as void; the result says whether it happened.
 *
 * Return: 0; -EBUSY after finalize, when nothing is unpreserved or freed
 * (abort first); -EOPNOTSUPP if KHO is off.
 */
int kho_unpreserve_vmalloc(struct kho_vmalloc *preservation)
{
	int err = kho_vmalloc_drop(le64_to_cpu(preservation->first));

	if (!err)
		preservation->first = 0;
	return err;
}
EXPORT_SYMBOL_GPL(kho_unpreserve_vmalloc);

/**
 * kho_restore_vmalloc() - map a preserved vmalloc area again
 * @preservation: the descriptor kho_preserve_vmalloc() filled in the
 *	previous kernel
 *
 * Restores every page (they belong to the default client) and maps them,
 * in their old order, into a new area; vfree() frees it like any vmalloc
 * area.  The index pages are freed.
 *
 * Return: the new address, or NULL if the descriptor does not describe
 * pages the previous kernel preserved (nothing is mapped then; pages
 * already taken back are freed).
 */
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	u32 nr = le32_to_cpu(preservation->nr_pages), n = 0;
	phys_addr_t at = le64_to_cpu(preservation->first);
	struct page **pages;
	void *ptr = NULL;

	if (!nr || preservation->order || preservation->flags)
		return NULL;
	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	while (at && n < nr) {
		struct folio *f = kho_restore_folio(at);
		struct kho_vmalloc_index *idx;
		u64 i, cnt;

		if (!f)
			break;
		idx = folio_address(f);
		cnt = le64_to_cpu(idx->nr);
		for (i = 0; i < cnt && i < KHO_VMALLOC_PER_INDEX && n < nr; i++) {
			struct folio *p;

			p = kho_restore_folio(PFN_PHYS(le64_to_cpu(idx->pfn[i])));
			if (!p)
				break;
			pages[n++] = &p->page;
		}
		at = i == cnt ? le64_to_cpu(idx->next) : 0;
		folio_put(f);
	}
	if (n == nr)
		ptr = vmap(pages, nr, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	if (!ptr) {
		pr_err("cannot restore a vmalloc area of %u pages (%u found)\n",
		       nr, n);
		while (n)
			__free_page(pages[--n]);
		kvfree(pages);
	}
	return ptr;
}
EXPORT_SYMBOL_GPL(kho_restore_vmalloc);
