// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO) in the decompressor.
 *
 * A kernel booted with a handover may be placed only inside the scratch
 * regions the previous kernel handed over: everything else may hold
 * preserved memory.  Physical KASLR therefore offers only RAM that is
 * scratch.  The next kernel checks the handover thoroughly and refuses it
 * if the kernel did not end up inside scratch; here a malformed table only
 * means KASLR ignores it.
 */

#include "misc.h"
#include "kho.h"

#include <linux/kho/abi.h>
#include <asm/e820/types.h>

/* The next kernel accepts at most a page of scratch table entries. */
#define KHO_BOOT_SCRATCH_MAX	(PAGE_SIZE / sizeof(struct kho_scratch_entry))

static const struct kho_setup_data *kho_find_setup_data(void)
{
	struct setup_data *sd;

	sd = (struct setup_data *)boot_params_ptr->hdr.setup_data;
	while (sd) {
		if (sd->type == SETUP_KEXEC_KHO &&
		    sd->len == sizeof(struct kho_setup_data))
			return (const struct kho_setup_data *)sd->data;
		sd = (struct setup_data *)sd->next;
	}
	return NULL;
}

/* Offer the parts of e820 RAM that lie inside @s. */
static bool kho_process_entry(const struct kho_scratch_entry *s,
			      unsigned long minimum, unsigned long image_size,
			      kho_region_fn process)
{
	u64 start = le64_to_cpu(s->addr), end = start + le64_to_cpu(s->size);
	int i;

	for (i = 0; i < boot_params_ptr->e820_entries; i++) {
		struct boot_e820_entry *e = &boot_params_ptr->e820_table[i];
		struct mem_vector region;
		u64 rs, re;

		if (e->type != E820_TYPE_RAM)
			continue;
		rs = max(start, e->addr);
		re = min(end, e->addr + e->size);
		if (rs >= re)
			continue;
		region.start = rs;
		region.size = re - rs;
		if (process(&region, minimum, image_size))
			return true;
	}
	return false;
}

/**
 * kho_process_scratch() - offer only scratch memory to physical KASLR
 * @minimum: lowest acceptable address
 * @image_size: size the kernel needs
 * @process: KASLR's region callback; returns true when it has enough
 *
 * Return: true if a handover was found and its scratch regions were
 * offered instead of the whole memory map.
 */
bool kho_process_scratch(unsigned long minimum, unsigned long image_size,
			 kho_region_fn process)
{
	const struct kho_setup_data *k = kho_find_setup_data();
	const struct kho_scratch_entry *tab;
	u64 size, n, i;

	if (!k)
		return false;
	size = le64_to_cpu(k->scratch_size);
	n = size / sizeof(*tab);
	if (!n || size % sizeof(*tab) || n > KHO_BOOT_SCRATCH_MAX) {
		debug_putstr("KHO scratch table malformed: KASLR ignores it\n");
		return false;
	}
	tab = (const struct kho_scratch_entry *)
		(unsigned long)le64_to_cpu(k->scratch_addr);
	kernel_add_identity_map((unsigned long)tab, (unsigned long)tab + size);
	debug_putstr("KHO handover: KASLR uses scratch only\n");
	for (i = 0; i < n; i++) {
		if (kho_process_entry(&tab[i], minimum, image_size, process))
			break;
	}
	return true;
}
