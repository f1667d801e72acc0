/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef BOOT_COMPRESSED_KHO_H
#define BOOT_COMPRESSED_KHO_H

#include "misc.h"

typedef bool (*kho_region_fn)(struct mem_vector *region,
			      unsigned long minimum,
			      unsigned long image_size);

#ifdef CONFIG_KEXEC_HANDOVER
bool kho_process_scratch(unsigned long minimum, unsigned long image_size,
			 kho_region_fn process);
#else
static inline bool kho_process_scratch(unsigned long minimum,
				       unsigned long image_size,
				       kho_region_fn process)
{
	return false;
}
#endif

#endif /* BOOT_COMPRESSED_KHO_H */
