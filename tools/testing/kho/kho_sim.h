/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included before every file of the simulator: what the kernel
 * files need beyond tools/include and the memblock simulator's shims.
 * The simulator is single-threaded, so atomics are plain operations and
 * barriers compiler barriers.
 */
#ifndef _KHO_SIM_H
#define _KHO_SIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/bitmap.h>
#include <linux/string.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>

struct seq_file;

#ifndef NR_PAGE_ORDERS
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#endif
#ifndef U16_MAX
#define U16_MAX			((u16)~0U)
#endif
#ifndef U32_MAX
#define U32_MAX			((u32)~0U)
#endif

#undef strscpy
/* strscpy(d, s) or strscpy(d, s, n), as in the kernel. */
#define strscpy(d, s, n...)	kho_sim_strscpy(d, s, (n + 0) ?: sizeof(d))
static inline ssize_t kho_sim_strscpy(char *d, const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	if (len == n) {
		if (n) {
			memcpy(d, s, n - 1);
			d[n - 1] = 0;
		}
		return -7;	/* -E2BIG */
	}
	memcpy(d, s, len + 1);
	return len;
}

#define bitmap_zalloc(n, gfp)	bitmap_zalloc(n)

#ifndef PAGE_ALIGNED
#define PAGE_ALIGNED(x)		IS_ALIGNED((unsigned long)(x), PAGE_SIZE)
#endif
#define __ffs64(x)		((unsigned long)__builtin_ctzll(x))
#ifndef swap
#define swap(a, b)		do { typeof(a) __t = (a); (a) = (b); (b) = __t; } while (0)
#endif

#define EXPORT_SYMBOL_GPL(sym)
#ifndef smp_mb
#define smp_mb()		barrier()
#endif
#ifndef smp_mb__before_atomic
#define smp_mb__before_atomic()	barrier()
#endif
#define smp_store_release(p, v)	(*(p) = (v))
#define smp_load_acquire(p)	(*(p))

#define le32_add_cpu(p, v)	(*(p) = cpu_to_le32(le32_to_cpu(*(p)) + (v)))

#ifndef DIV_ROUND_UP_ULL
#define DIV_ROUND_UP_ULL(ll, d)	(((unsigned long long)(ll) + (d) - 1) / (d))
#endif

/* The kernel's, for 64-bit: what a file offset can reach. */
#ifndef MAX_LFS_FILESIZE
#define MAX_LFS_FILESIZE	((long long)LLONG_MAX)
#endif

#ifndef array_size
#define array_size(a, b)	((size_t)(a) * (size_t)(b))
#endif

typedef struct {
	s64 counter;
} atomic64_t;

#define atomic64_set(v, i)	((v)->counter = (i))
#define atomic64_read(v)	((v)->counter)
#define atomic64_sub(i, v)	((v)->counter -= (i))
#define atomic64_add(i, v)	((v)->counter += (i))

/* Non-atomic is fine single-threaded; the tools ones are already plain. */
static inline bool kho_sim_test_and_set_bit(long nr, unsigned long *addr)
{
	unsigned long m = 1UL << (nr % BITS_PER_LONG);
	unsigned long *w = addr + nr / BITS_PER_LONG;
	bool old = *w & m;

	*w |= m;
	return old;
}

static inline bool kho_sim_test_and_clear_bit(long nr, unsigned long *addr)
{
	unsigned long m = 1UL << (nr % BITS_PER_LONG);
	unsigned long *w = addr + nr / BITS_PER_LONG;
	bool old = *w & m;

	*w &= ~m;
	return old;
}

/* try_cmpxchg() on an unsigned long, as the kernel's. */
static inline bool kho_sim_try_cmpxchg(unsigned long *v, unsigned long *old,
				       unsigned long new)
{
	if (*v != *old) {
		*old = *v;
		return false;
	}
	*v = new;
	return true;
}

#define try_cmpxchg(v, old, new)	kho_sim_try_cmpxchg(v, old, new)
#define test_and_set_bit(nr, a)		kho_sim_test_and_set_bit(nr, a)
#define test_and_clear_bit(nr, a)	kho_sim_test_and_clear_bit(nr, a)

/* Page allocations of the simulated kernel. */
unsigned long get_zeroed_page(gfp_t gfp);
void free_page(unsigned long addr);
void *alloc_pages_exact(size_t size, gfp_t gfp);
void free_pages_exact(void *p, size_t size);

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return malloc(n * size);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return calloc(n, size);
}

static inline void *kvrealloc(void *p, size_t size, gfp_t gfp)
{
	return realloc(p, size);
}

static inline void kvfree(void *p)
{
	free(p);
}

#endif
