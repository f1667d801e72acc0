// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover (KHO) on x86.
 *
 * The handover travels in a SETUP_KEXEC_KHO setup_data entry whose payload
 * is a &struct kho_setup_data: the root FDT's and the scratch table's
 * physical addresses and sizes.  The kexec_file loader adds it; the next
 * kernel finds it in parse_setup_data().
 *
 * x86 reserves the whole first MiB in every kernel, so no kernel ever
 * preserves memory there; while the next kernel allocates from scratch
 * only, the first MiB counts as scratch too, because the real-mode
 * trampoline must be allocated below 1 MiB.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/kho.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <linux/sizes.h>

#include <asm/early_ioremap.h>
#include <asm/kho.h>
#include <asm/setup.h>

/* End of the always-reserved low memory that may serve as scratch. */
#define X86_KHO_LOW_SCRATCH_END	SZ_1M

static bool x86_kho_low_marked __initdata;

/**
 * x86_kho_parse_setup_data() - take a SETUP_KEXEC_KHO entry
 * @pa_data: physical address of the setup_data header
 * @data_len: size of header and payload
 *
 * Only records the handover; it is checked once memblock knows the RAM.
 */
void __init x86_kho_parse_setup_data(u64 pa_data, u32 data_len)
{
	const struct kho_setup_data *k;
	struct setup_data *sd;

	if (data_len != X86_KHO_SETUP_DATA_SIZE) {
		pr_err("handover ignored: setup_data entry of %u bytes, expected %zu\n",
		       data_len, X86_KHO_SETUP_DATA_SIZE);
		return;
	}
	sd = early_memremap(pa_data, data_len);
	if (!sd) {
		pr_err("handover ignored: cannot map its setup_data entry\n");
		return;
	}
	k = (const struct kho_setup_data *)sd->data;
	kho_populate(le64_to_cpu(k->fdt_addr), le64_to_cpu(k->fdt_size),
		     le64_to_cpu(k->scratch_addr), le64_to_cpu(k->scratch_size));
	early_memunmap(sd, data_len);
}

/**
 * x86_kho_mark_scratch() - allocate from scratch only, right after
 * e820__memblock_setup()
 */
void __init x86_kho_mark_scratch(void)
{
	if (!kho_in_mark_scratch())
		return;
	memblock_mark_kho_scratch(0, X86_KHO_LOW_SCRATCH_END);
	x86_kho_low_marked = true;
}

/**
 * x86_kho_reserve_preserved() - reserve the preserved ranges, once the
 * direct map covers the RAM
 */
void __init x86_kho_reserve_preserved(void)
{
	kho_in_reserve_preserved();
	if (x86_kho_low_marked)
		memblock_clear_kho_scratch(0, X86_KHO_LOW_SCRATCH_END);
	x86_kho_low_marked = false;
}

/**
 * x86_kho_add_setup_data() - hand the finalized KHO state to a kexec image
 * @image: the image being loaded
 * @params: its boot parameters, with room for %X86_KHO_SETUP_DATA_SIZE
 *	bytes at @offset
 * @params_load_addr: physical address @params will be loaded at
 * @offset: offset in @params of the entry
 *
 * A crash image never gets the handover.  Without a finalized handover no
 * entry is added and the next kernel boots as a normal one.
 */
void x86_kho_add_setup_data(const struct kimage *image,
			    struct boot_params *params,
			    unsigned long params_load_addr, unsigned int offset)
{
	struct setup_data *sd = (void *)params + offset;

	if (image->type == KEXEC_TYPE_CRASH)
		return;
	if (kho_get_handover(image, (struct kho_setup_data *)sd->data))
		return;
	sd->type = SETUP_KEXEC_KHO;
	sd->len = sizeof(struct kho_setup_data);
	sd->next = params->hdr.setup_data;
	params->hdr.setup_data = params_load_addr + offset;
}
