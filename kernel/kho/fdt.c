// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: writing the root FDT.
 *
 * Uses only libfdt, so the file also builds in userspace for the simulator
 * in tools/testing/kho.  The format is in Documentation/kho/fdt-abi.rst.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/libfdt.h>
#include <linux/string.h>

#include "kho_internal.h"

/* FDT header, memory reservation map and string table, generously. */
#define KHO_FDT_FIXED_BYTES	512
/* One client node: name, up to three properties of two u64 each, structure. */
#define KHO_FDT_CLIENT_BYTES	(128 + KHO_NAME_MAX)

/**
 * kho_fdt_root_size() - buffer size that always holds the root FDT
 * @nr_scratch: number of scratch regions
 * @nr_clients: number of client nodes
 *
 * Return: size in bytes.
 */
size_t kho_fdt_root_size(unsigned int nr_scratch, unsigned int nr_clients)
{
	return KHO_FDT_FIXED_BYTES +
	       nr_scratch * 2 * sizeof(fdt64_t) +
	       nr_clients * KHO_FDT_CLIENT_BYTES;
}

static int kho_fdt_prop_range(void *fdt, const char *name,
			      const struct kho_range *r)
{
	fdt64_t v[2] = { cpu_to_fdt64(r->addr), cpu_to_fdt64(r->size) };

	return fdt_property(fdt, name, v, sizeof(v));
}

/**
 * kho_fdt_write_root() - write the root FDT of a handover
 * @buf: destination buffer
 * @size: its size, at least kho_fdt_root_size()
 * @scratch: the scratch regions
 * @nr_scratch: how many
 * @clients: the clients, each with a sub-FDT, preserved memory or both
 * @nr_clients: how many
 *
 * Return: 0 on success, -EINVAL for a bad client name, -ENOSPC if @buf is
 * too small.
 */
int kho_fdt_write_root(void *buf, size_t size, const struct kho_range *scratch,
		       unsigned int nr_scratch,
		       const struct kho_fdt_client *clients,
		       unsigned int nr_clients)
{
	fdt64_t *table;
	unsigned int i;
	int err;

	for (i = 0; i < nr_clients; i++) {
		size_t len = strnlen(clients[i].name, KHO_NAME_MAX + 1);

		if (!len || len > KHO_NAME_MAX || strchr(clients[i].name, '/'))
			return -EINVAL;
	}

	err = fdt_create(buf, size);
	err = err ?: fdt_finish_reservemap(buf);
	err = err ?: fdt_begin_node(buf, "");
	err = err ?: fdt_property_string(buf, "compatible", KHO_FDT_COMPATIBLE);
	err = err ?: fdt_property_placeholder(buf, KHO_FDT_SCRATCH,
					      nr_scratch * 2 * sizeof(*table),
					      (void **)&table);
	if (!err) {
		for (i = 0; i < nr_scratch; i++) {
			/* Property values are only 4-byte aligned. */
			fdt64_st(&table[2 * i], scratch[i].addr);
			fdt64_st(&table[2 * i + 1], scratch[i].size);
		}
	}
	err = err ?: fdt_begin_node(buf, KHO_FDT_CLIENTS);
	for (i = 0; i < nr_clients && !err; i++) {
		const struct kho_fdt_client *c = &clients[i];

		err = fdt_begin_node(buf, c->name);
		if (!err && c->fdt.size)
			err = kho_fdt_prop_range(buf, KHO_FDT_SUB_FDT, &c->fdt);
		if (!err && c->blob.size)
			err = kho_fdt_prop_range(buf, KHO_FDT_BLOB, &c->blob);
		if (!err && c->mem.size)
			err = kho_fdt_prop_range(buf, KHO_FDT_MEM, &c->mem);
		err = err ?: fdt_end_node(buf);
	}
	err = err ?: fdt_end_node(buf);		/* clients */
	err = err ?: fdt_end_node(buf);		/* root */
	err = err ?: fdt_finish(buf);
	if (err == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return err ? -EINVAL : 0;
}
