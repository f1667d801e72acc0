/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover (KHO): the API for subsystems and drivers.
 *
 * See Documentation/kho/ for the concepts and the lifecycle.
 */
#ifndef _LINUX_KHO_H
#define _LINUX_KHO_H

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/types.h>

struct folio;
struct notifier_block;
struct kho_serialization;
struct kho_client;
struct kho_setup_data;
struct kho_vmalloc;
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

int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation);
int kho_unpreserve_vmalloc(struct kho_vmalloc *preservation);
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation);

int kho_add_subtree(struct kho_serialization *ser, const char *name,
		    void *fdt);

int register_kho_notifier(struct notifier_block *nb);
int unregister_kho_notifier(struct notifier_block *nb);

int kho_retrieve_subtree(const char *name, phys_addr_t *phys);

/* Boot hooks, called by mm and architecture code. */
void kho_memory_init(void);
void kho_populate(phys_addr_t fdt, phys_addr_t fdt_size, phys_addr_t scratch,
		  phys_addr_t scratch_size);
bool kho_in_mark_scratch(void);
void kho_in_reserve_preserved(void);
bool kho_in_preserved_by(const char *client, phys_addr_t addr,
			 phys_addr_t size);

/* For kexec_file loaders. */
int kho_get_handover(const struct kimage *image, struct kho_setup_data *sd);
int kho_locate_mem_hole(struct kexec_buf *kbuf,
			int (*cb)(struct resource *res, void *arg));
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

static inline int kho_add_subtree(struct kho_serialization *ser,
				  const char *name, void *fdt)
{
	return -EOPNOTSUPP;
}

static inline int register_kho_notifier(struct notifier_block *nb)
{
	return -EOPNOTSUPP;
}

static inline int unregister_kho_notifier(struct notifier_block *nb)
{
	return -EOPNOTSUPP;
}

static inline int kho_retrieve_subtree(const char *name, phys_addr_t *phys)
{
	return -EOPNOTSUPP;
}

static inline void kho_memory_init(void)
{
}

static inline int kho_kexec_commit(void)
{
	return 0;
}

#endif /* CONFIG_KEXEC_HANDOVER */

#endif /* _LINUX_KHO_H */
