/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover (KHO): the API for subsystems and drivers.
 *
 * Drivers written against any upstream version of KHO compile unchanged:
 * 6.16-6.17 (notifiers, kho_add_subtree(ser, name, fdt),
 * kho_preserve_phys()), 6.18 (kho_preserve_pages(), a complete
 * &struct kho_vmalloc, is_kho_boot()) and 6.19-7.x
 * (kho_add_subtree(name, blob, size), kho_retrieve_subtree(name, &phys,
 * &size), kho_alloc_preserve(); unpreserve calls used as void).  Where two
 * versions give one name different arguments, a macro below picks the
 * function by the arguments.
 *
 * See Documentation/kho/ for the concepts and the lifecycle.
 */
#ifndef _LINUX_KHO_H
#define _LINUX_KHO_H

#include <linux/args.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/kho/abi.h>

struct folio;
struct page;
struct notifier_block;
struct kho_serialization;
struct kho_client;
struct kho_setup_data;
struct kexec_buf;
struct kimage;
struct resource;

/**
 * enum kho_event - events delivered to KHO notifiers
 * @KEXEC_KHO_FINALIZE: serialize now; data is a &struct kho_serialization
 * @KEXEC_KHO_ABORT: the finalize was dropped; data is NULL
 */
enum kho_event {
	KEXEC_KHO_FINALIZE = 0,
	KEXEC_KHO_ABORT = 1,
};

#ifdef CONFIG_KEXEC_HANDOVER

bool kho_is_enabled(void);

struct kho_client *kho_client_get(const char *name);
void kho_client_put(struct kho_client *c);
int kho_client_preserve_phys(struct kho_client *c, phys_addr_t phys,
			     size_t size);
int kho_client_unpreserve_phys(struct kho_client *c, phys_addr_t phys,
			       size_t size);

int kho_client_preserve_folio(struct kho_client *c, struct folio *folio);
int kho_client_unpreserve_folio(struct kho_client *c, struct folio *folio);
struct folio *kho_client_restore_folio(struct kho_client *c, phys_addr_t phys);
int kho_client_restore_phys(struct kho_client *c, phys_addr_t phys,
			    size_t size);
void kho_client_claim_phys(struct kho_client *c, phys_addr_t phys,
			   size_t size);

int kho_preserve_phys(phys_addr_t phys, size_t size);
int kho_unpreserve_phys(phys_addr_t phys, size_t size);
int kho_preserve_folio(struct folio *folio);
int kho_unpreserve_folio(struct folio *folio);
struct folio *kho_restore_folio(phys_addr_t phys);
int kho_restore_phys(phys_addr_t phys, size_t size);
int kho_preserve_pages(struct page *page, unsigned long nr_pages);
int kho_unpreserve_pages(struct page *page, unsigned long nr_pages);
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages);
void *kho_alloc_preserve(size_t size);
void kho_unpreserve_free(void *mem);
void kho_restore_free(void *mem);
bool is_kho_boot(void);

int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation);
int kho_unpreserve_vmalloc(struct kho_vmalloc *preservation);
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation);

int kho_add_subtree_fdt(struct kho_serialization *ser, const char *name,
			void *fdt);
int kho_add_subtree_blob(const char *name, void *blob, size_t size);
void kho_remove_subtree(void *blob);

int register_kho_notifier(struct notifier_block *nb);
int unregister_kho_notifier(struct notifier_block *nb);

int kho_retrieve_subtree_fdt(const char *name, phys_addr_t *phys);
int kho_retrieve_subtree_blob(const char *name, phys_addr_t *phys,
			      size_t *size);

/* Boot hooks, called by mm and architecture code. */
void kho_memory_init(void);
int kho_pageblock_migratetype(unsigned long pfn, int mt);
void kho_populate(phys_addr_t fdt, phys_addr_t fdt_size, phys_addr_t scratch,
		  phys_addr_t scratch_size);
bool kho_in_mark_scratch(void);
void kho_in_reserve_preserved(void);
void kho_in_settle_spans(void);
bool kho_in_preserved_by(const char *client, phys_addr_t addr,
			 phys_addr_t size);

/* For kexec_file loaders. */
int kho_get_handover(const struct kimage *image, struct kho_setup_data *sd);
int kho_locate_mem_hole(struct kexec_buf *kbuf,
			int (*cb)(struct resource *res, void *arg));
bool kho_kexec_needs_digest(const struct kimage *image);
int kho_kexec_commit(void);

#else /* !CONFIG_KEXEC_HANDOVER */

static inline bool kho_is_enabled(void)
{
	return false;
}

static inline struct kho_client *kho_client_get(const char *name)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void kho_client_put(struct kho_client *c)
{
}

static inline int kho_client_preserve_phys(struct kho_client *c,
					   phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
}

static inline int kho_client_unpreserve_phys(struct kho_client *c,
					     phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
}

static inline int kho_client_preserve_folio(struct kho_client *c,
					    struct folio *folio)
{
	return -EOPNOTSUPP;
}

static inline int kho_client_unpreserve_folio(struct kho_client *c,
					      struct folio *folio)
{
	return -EOPNOTSUPP;
}

static inline struct folio *kho_client_restore_folio(struct kho_client *c,
						     phys_addr_t phys)
{
	return NULL;
}

static inline int kho_client_restore_phys(struct kho_client *c,
					  phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
}

static inline void kho_client_claim_phys(struct kho_client *c,
					 phys_addr_t phys, size_t size)
{
}

static inline int kho_preserve_phys(phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
}

static inline int kho_preserve_folio(struct folio *folio)
{
	return -EOPNOTSUPP;
}

static inline int kho_unpreserve_folio(struct folio *folio)
{
	return -EOPNOTSUPP;
}

static inline struct folio *kho_restore_folio(phys_addr_t phys)
{
	return NULL;
}

static inline int kho_restore_phys(phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
}

static inline int kho_preserve_pages(struct page *page,
				     unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

static inline int kho_unpreserve_pages(struct page *page,
				       unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

static inline struct page *kho_restore_pages(phys_addr_t phys,
					     unsigned long nr_pages)
{
	return NULL;
}

static inline void *kho_alloc_preserve(size_t size)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void kho_unpreserve_free(void *mem)
{
}

static inline void kho_restore_free(void *mem)
{
}

static inline bool is_kho_boot(void)
{
	return false;
}

static inline int kho_preserve_vmalloc(void *ptr,
				       struct kho_vmalloc *preservation)
{
	return -EOPNOTSUPP;
}

static inline int kho_unpreserve_vmalloc(struct kho_vmalloc *preservation)
{
	return -EOPNOTSUPP;
}

static inline void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	return NULL;
}

static inline int kho_unpreserve_phys(phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
}

static inline int kho_add_subtree_fdt(struct kho_serialization *ser,
				      const char *name, void *fdt)
{
	return -EOPNOTSUPP;
}

static inline int kho_add_subtree_blob(const char *name, void *blob,
				       size_t size)
{
	return -EOPNOTSUPP;
}

static inline void kho_remove_subtree(void *blob)
{
}

static inline int register_kho_notifier(struct notifier_block *nb)
{
	return -EOPNOTSUPP;
}

static inline int unregister_kho_notifier(struct notifier_block *nb)
{
	return -EOPNOTSUPP;
}

static inline int kho_retrieve_subtree_fdt(const char *name,
					   phys_addr_t *phys)
{
	return -EOPNOTSUPP;
}

static inline int kho_retrieve_subtree_blob(const char *name,
					    phys_addr_t *phys, size_t *size)
{
	return -EOPNOTSUPP;
}

static inline void kho_memory_init(void)
{
}

static inline void kho_in_settle_spans(void)
{
}

static inline int kho_pageblock_migratetype(unsigned long pfn, int mt)
{
	return mt;
}

static inline bool kho_kexec_needs_digest(const struct kimage *image)
{
	return true;
}

static inline int kho_kexec_commit(void)
{
	return 0;
}

#endif /* CONFIG_KEXEC_HANDOVER */

/*
 * kho_add_subtree(ser, name, fdt), Linux 6.16-6.18, in a FINALIZE
 * callback whose data (a &struct kho_serialization, or the notifier's
 * void pointer) comes first; kho_add_subtree(name, blob, size), Linux
 * 6.19 and later, at any time, with the name first.
 */
#define kho_add_subtree(first, second, third)				\
	(__builtin_choose_expr(						\
		__builtin_types_compatible_p(typeof(first),		\
					     struct kho_serialization *) || \
		__builtin_types_compatible_p(typeof(first), void *),	\
		kho_add_subtree_fdt, kho_add_subtree_blob)(first, second, third))

/*
 * kho_retrieve_subtree(name, &phys), Linux 6.16-6.18, and
 * kho_retrieve_subtree(name, &phys, &size), Linux 6.19 and later.
 */
#define kho_retrieve_subtree(...)					\
	(CONCATENATE(__kho_retrieve_subtree_,				\
		     COUNT_ARGS(__VA_ARGS__))(__VA_ARGS__))
#define __kho_retrieve_subtree_2	kho_retrieve_subtree_fdt
#define __kho_retrieve_subtree_3	kho_retrieve_subtree_blob

#endif /* _LINUX_KHO_H */
