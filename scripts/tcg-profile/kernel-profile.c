// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU TCG plugin: instructions the guest kernel executes, per translated
 * block, between two points.  Counting starts when the block at start=ADDR
 * first runs (0: from boot) and stops when the block at stop=ADDR first
 * runs after that (0: at exit); out=FILE gets "vaddr count" lines, which
 * scripts/tcg-profile/profile.py adds up per function.  Only kernel
 * addresses are counted.  The guest runs on one thread under -icount, so
 * the plain counters need no atomics there.
 *
 *   qemu-system-x86_64 ... -plugin kernel-profile.so,out=F,start=A,stop=B
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

#define KERNEL_BASE	0xffffffff80000000ULL

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

/* One per translation of a block; a block translated twice has two. */
struct block {
	uint64_t vaddr;
	uint64_t count;
	uint64_t at_start;
	uint64_t at_stop;
	struct block *next;
};

static struct block *blocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t start_va, stop_va;
static int started, stopped;
static char out[4096] = "kernel-profile.txt";

/* Remember every block's count in the field @off of struct block. */
static void snapshot(size_t off)
{
	struct block *b;

	pthread_mutex_lock(&lock);
	for (b = blocks; b; b = b->next)
		*(uint64_t *)((char *)b + off) = b->count;
	pthread_mutex_unlock(&lock);
}

static void on_start(unsigned int vcpu, void *data)
{
	if (started)
		return;
	started = 1;
	snapshot(offsetof(struct block, at_start));
}

static void on_stop(unsigned int vcpu, void *data)
{
	if (!started || stopped)
		return;
	stopped = 1;
	snapshot(offsetof(struct block, at_stop));
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	struct block *b;

	if (va < KERNEL_BASE)
		return;
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->vaddr = va;
	pthread_mutex_lock(&lock);
	b->next = blocks;
	blocks = b;
	pthread_mutex_unlock(&lock);
	if (va == start_va)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_start,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
	if (va == stop_va)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_stop,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count,
						 qemu_plugin_tb_n_insns(tb));
}

static void on_qemu_exit(qemu_plugin_id_t id, void *data)
{
	FILE *f = fopen(out, "w");
	struct block *b;

	if (!f)
		return;
	for (b = blocks; b; b = b->next) {
		uint64_t from = start_va ? b->at_start : 0;
		uint64_t to = stopped ? b->at_stop : b->count;

		if (to > from)
			fprintf(f, "%llx %llu\n", (unsigned long long)b->vaddr,
				(unsigned long long)(to - from));
	}
	fprintf(f, "# started %d stopped %d\n", started, stopped);
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			snprintf(out, sizeof(out), "%s", argv[i] + 4);
		else if (!strncmp(argv[i], "start=", 6))
			start_va = strtoull(argv[i] + 6, NULL, 16);
		else if (!strncmp(argv[i], "stop=", 5))
			stop_va = strtoull(argv[i] + 5, NULL, 16);
		else
			return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
