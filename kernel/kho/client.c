// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: clients, the named owners of preserved memory, on both
 * sides of a kexec.  A client is created by its first kho_client_get() and
 * lives until reboot; in the next kernel the client of the same name gets
 * back what it preserved.
 *
 * Locking: kho_mem_lock protects the client list (and, in out_track.c,
 * every client's range array); kho_client_ids[] is read without it.
 * The file builds in userspace too, for the simulator in tools/testing/kho.
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kho.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "kho_internal.h"

/* Protects kho_clients, kho_nr_clients and every client's range array. */
DEFINE_MUTEX(kho_mem_lock);
LIST_HEAD(kho_clients);

/* Clients by id; an entry is set once, before the client is returned. */
struct kho_client *kho_client_ids[KHO_CLIENTS_MAX];
static unsigned int kho_nr_clients;

/**
 * kho_client_lookup() - find a client by name
 * @name: its name
 *
 * Context: kho_mem_lock held.
 * Return: the client, or NULL.
 */
struct kho_client *kho_client_lookup(const char *name)
{
	struct kho_client *c;

	list_for_each_entry(c, &kho_clients, list) {
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

/**
 * kho_name_ok() - is this a valid client or sub-FDT name?
 * @name: the name
 *
 * A name is an FDT node name without a unit address, so that looking it
 * up can never match another: "foo" and "foo@1" are not both allowed.
 *
 * Return: true for 1 to %KHO_NAME_MAX characters without '/' or '@'.
 */
bool kho_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, KHO_NAME_MAX + 1) : 0;

	return len && len <= KHO_NAME_MAX && !strpbrk(name, "/@");
}

/**
 * kho_client_get() - find or create the client of a subsystem
 * @name: the client's name: 1 to 31 characters, no '/' or '@'
 *
 * Every preservation belongs to a client; in the next kernel a client can
 * restore only what it preserved.  Clients live until reboot, so the
 * returned pointer stays valid.  There are at most %KHO_CLIENTS_MAX.
 *
 * Return: the client, or ERR_PTR(-EINVAL) for a bad name, ERR_PTR(-ENOSPC)
 * if there are too many clients, ERR_PTR(-ENOMEM).
 */
struct kho_client *kho_client_get(const char *name)
{
	struct kho_client *c;
	unsigned int k;

	BUILD_BUG_ON(KHO_CLIENTS_MAX > BITS_PER_LONG);
	if (!kho_name_ok(name))
		return ERR_PTR(-EINVAL);
	mutex_lock(&kho_mem_lock);
	c = kho_client_lookup(name);
	if (c)
		goto out;
	if (kho_nr_clients == KHO_CLIENTS_MAX) {
		c = ERR_PTR(-ENOSPC);
		goto out;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		c = ERR_PTR(-ENOMEM);
		goto out;
	}
	strscpy(c->name, name, sizeof(c->name));
	for (k = 0; k < NR_PAGE_ORDERS; k++)
		xa_init(&c->folios[k]);
	c->id = kho_nr_clients++;
	/* Lock-free readers find the client by the id in a block summary. */
	smp_store_release(&kho_client_ids[c->id], c);
	list_add_tail(&c->list, &kho_clients);
out:
	mutex_unlock(&kho_mem_lock);
	return c;
}
EXPORT_SYMBOL_GPL(kho_client_get);
