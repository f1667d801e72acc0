/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the xarray API that kernel/kho/out_track.c uses, for the
 * single-threaded simulator: a sorted array of (index, entry) with a
 * one-entry cache of the last lookup.
 */
#ifndef _KHO_SIM_LINUX_XARRAY_H
#define _KHO_SIM_LINUX_XARRAY_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct xa_slot {
	unsigned long index;
	void *entry;
};

struct xarray {
	struct xa_slot *slots;
	unsigned long nr;
	unsigned long cap;
	unsigned long last;	/* slot of the last hit */
};

#define XARRAY_INIT(name, flags)	{ 0 }
#define DEFINE_XARRAY(name)		struct xarray name = XARRAY_INIT(name, 0)

static inline void xa_init(struct xarray *xa)
{
	memset(xa, 0, sizeof(*xa));
}

/* First slot with index >= @index. */
static inline unsigned long xa_sim_find(const struct xarray *xa,
					unsigned long index)
{
	unsigned long lo = 0, hi = xa->nr;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (xa->slots[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline void *xa_load(struct xarray *xa, unsigned long index)
{
	unsigned long i;

	if (xa->last < xa->nr && xa->slots[xa->last].index == index)
		return xa->slots[xa->last].entry;
	i = xa_sim_find(xa, index);
	if (i < xa->nr && xa->slots[i].index == index) {
		xa->last = i;
		return xa->slots[i].entry;
	}
	return NULL;
}

static inline bool xa_is_err(const void *entry)
{
	return false;
}

static inline int xa_err(void *entry)
{
	return 0;
}

/* Store @entry at @index if it holds @old (NULL only); returns the old. */
static inline void *xa_cmpxchg(struct xarray *xa, unsigned long index,
			       void *old, void *entry, unsigned int gfp)
{
	unsigned long i = xa_sim_find(xa, index);

	if (i < xa->nr && xa->slots[i].index == index)
		return xa->slots[i].entry;
	if (xa->nr == xa->cap) {
		xa->cap = xa->cap ? 2 * xa->cap : 16;
		xa->slots = realloc(xa->slots, xa->cap * sizeof(*xa->slots));
		if (!xa->slots)
			abort();
	}
	memmove(&xa->slots[i + 1], &xa->slots[i],
		(xa->nr - i) * sizeof(*xa->slots));
	xa->slots[i].index = index;
	xa->slots[i].entry = entry;
	xa->nr++;
	return NULL;
}

/* Free the array itself (the entries belong to the caller). */
static inline void xa_destroy(struct xarray *xa)
{
	free(xa->slots);
	xa_init(xa);
}

static inline unsigned long xa_sim_next(struct xarray *xa, unsigned long i,
					unsigned long *index, void **entry)
{
	*index = i < xa->nr ? xa->slots[i].index : 0;
	*entry = i < xa->nr ? xa->slots[i].entry : NULL;
	return i;
}

#define xa_for_each(xa, index, entry)					\
	for (unsigned long __xa_i = xa_sim_next((xa), 0, &(index),	\
						(void **)&(entry));	\
	     __xa_i < (xa)->nr;						\
	     __xa_i = xa_sim_next((xa), __xa_i + 1, &(index),		\
				  (void **)&(entry)))

#endif
