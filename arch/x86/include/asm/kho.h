/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover (KHO) on x86: the SETUP_KEXEC_KHO setup_data entry that
 * carries the handover from one kernel to the next.
 */
#ifndef _ASM_X86_KHO_H
#define _ASM_X86_KHO_H

#include <linux/kho/abi.h>
#include <asm/bootparam.h>

struct kimage;

#ifdef CONFIG_KEXEC_HANDOVER

/* Room the kexec_file loader keeps for the entry in its parameter block. */
#define X86_KHO_SETUP_DATA_SIZE \
	(sizeof(struct setup_data) + sizeof(struct kho_setup_data))

void x86_kho_parse_setup_data(u64 pa_data, u32 data_len);
void x86_kho_mark_scratch(void);
void x86_kho_reserve_preserved(void);
void x86_kho_add_setup_data(const struct kimage *image,
			    struct boot_params *params,
			    unsigned long params_load_addr,
			    unsigned int offset);

#else /* !CONFIG_KEXEC_HANDOVER */

#define X86_KHO_SETUP_DATA_SIZE	0

static inline void x86_kho_parse_setup_data(u64 pa_data, u32 data_len)
{
}

static inline void x86_kho_mark_scratch(void)
{
}

static inline void x86_kho_reserve_preserved(void)
{
}

static inline void x86_kho_add_setup_data(const struct kimage *image,
					  struct boot_params *params,
					  unsigned long params_load_addr,
					  unsigned int offset)
{
}

#endif /* CONFIG_KEXEC_HANDOVER */

#endif /* _ASM_X86_KHO_H */
