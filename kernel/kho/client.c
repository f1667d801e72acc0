// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: clients, the named owners of preserved memory, on both
 * sides of a kexec.  A client is created by its first kho_client_get() and
 * lives while it is referenced or holds anything: preserved memory, or
 * memory handed over to it that is not claimed yet.  In the next kernel
 * the client of the same name gets back what it preserved.  Ids of freed
 * clients are given to new ones, so at most %KHO_CLIENTS_MAX clients
 * exist at once but any number over a boot.
 *
 * Locking: kho_mem_lock protects the client list, the ids in use, every
 * client's reference count (and, in out_track.c, its range array).
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

/* Protects kho_clients, kho_client_used, references and range arrays. */
DEFINE_MUTEX(kho_mem_lock);
LIST_HEAD(kho_clients);

/* Bit i: id i belongs to a client, live or still being freed. */
static unsigned long kho_client_used;

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
 * restore only what it preserved.  Each call takes a reference, which
 * kho_client_put() drops; a caller that keeps the client until reboot
 * need not drop it.  At most %KHO_CLIENTS_MAX clients exist at once.
 *
 * Context: may sleep.
 * Return: the client, or ERR_PTR(-EINVAL) for a bad name, ERR_PTR(-ENOSPC)
 * if there are too many clients, ERR_PTR(-ENOMEM).
 */
struct kho_client *kho_client_get(const char *name)
{
	struct kho_client *c;
	unsigned int k, id;

	BUILD_BUG_ON(KHO_CLIENTS_MAX > BITS_PER_LONG);
	if (!kho_name_ok(name))
		return ERR_PTR(-EINVAL);
	mutex_lock(&kho_mem_lock);
	c = kho_client_lookup(name);
	if (c) {
		c->users++;
		goto out;
	}
	id = find_first_zero_bit(&kho_client_used, KHO_CLIENTS_MAX);
	if (id == KHO_CLIENTS_MAX) {
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
	c->id = id;
	c->users = 1;
	__set_bit(id, &kho_client_used);
	list_add_tail(&c->list, &kho_clients);
out:
	mutex_unlock(&kho_mem_lock);
	return c;
}
EXPORT_SYMBOL_GPL(kho_client_get);

/* Does @c hold anything, outgoing or incoming?  kho_mem_lock held. */
static bool kho_client_holds(struct kho_client *c)
{
	u64 bytes;

	return kho_track_usage(c, &bytes) || kho_in_unclaimed(c->in);
}

/**
 * kho_client_put() - drop a reference taken by kho_client_get()
 * @c: the client, or an error pointer or NULL (then nothing happens)
 *
 * The last reference to a client that holds nothing (nothing preserved,
 * nothing handed over to it still unclaimed) frees it, and its id goes to
 * the next new client.  A client that holds something lives on without
 * references, until reboot or until it is got again by its name.  After
 * the call @c must not be used.
 *
 * Context: may sleep.
 */
void kho_client_put(struct kho_client *c)
{
	bool dead;

	if (IS_ERR_OR_NULL(c))
		return;
	mutex_lock(&kho_mem_lock);
	if (WARN_ON(!c->users)) {
		mutex_unlock(&kho_mem_lock);
		return;
	}
	dead = !--c->users && !kho_client_holds(c);
	if (dead)
		list_del(&c->list);
	mutex_unlock(&kho_mem_lock);
	if (!dead)
		return;
	kho_track_free(c);
	kho_in_mem_free(c->in);
	mutex_lock(&kho_mem_lock);
	__clear_bit(c->id, &kho_client_used);
	mutex_unlock(&kho_mem_lock);
	kfree(c);
}
EXPORT_SYMBOL_GPL(kho_client_put);
