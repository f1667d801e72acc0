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

struct notifier_block;
struct kho_serialization;
struct kho_client;

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
int kho_client_preserve_phys(struct kho_client *c, phys_addr_t phys,
			     size_t size);
int kho_client_unpreserve_phys(struct kho_client *c, phys_addr_t phys,
			       size_t size);

int kho_preserve_phys(phys_addr_t phys, size_t size);
int kho_unpreserve_phys(phys_addr_t phys, size_t size);

int kho_add_subtree(struct kho_serialization *ser, const char *name,
		    void *fdt);

int register_kho_notifier(struct notifier_block *nb);
int unregister_kho_notifier(struct notifier_block *nb);

/* Boot hooks, called by mm and architecture code. */
void kho_memory_init(void);

#else /* !CONFIG_KEXEC_HANDOVER */

static inline bool kho_is_enabled(void)
{
	return false;
}

static inline struct kho_client *kho_client_get(const char *name)
{
	return ERR_PTR(-EOPNOTSUPP);
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

static inline int kho_preserve_phys(phys_addr_t phys, size_t size)
{
	return -EOPNOTSUPP;
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

static inline void kho_memory_init(void)
{
}

#endif /* CONFIG_KEXEC_HANDOVER */

#endif /* _LINUX_KHO_H */
