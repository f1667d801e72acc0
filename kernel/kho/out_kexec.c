// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, outgoing side: what a kexec image carries.  The loader
 * is handed the root FDT buffer and the scratch table, places every
 * segment in scratch (which spares purgatory the segments' digest), and
 * kexec -e finalizes if nobody did.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/export.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/kho.h>
#include <linux/mutex.h>
#include <linux/printk.h>

#include "kho_internal.h"

/**
 * kho_get_handover() - what the next kernel is handed
 * @image: the kexec image being loaded; never a crash image
 * @sd: filled with the root FDT's and the scratch table's addresses and
 *	sizes, little-endian, as the boot protocol carries them
 *
 * For the architecture's kexec_file loader.  The image points at the root
 * FDT buffer, which lives until reboot: a finalize writes the handover
 * there, an abort clears it, and kho_kexec_commit() finalizes at kexec -e
 * if nobody did before.
 *
 * Return: 0, or -ENOENT if KHO is off or has no buffer for the handover.
 */
int kho_get_handover(const struct kimage *image, struct kho_setup_data *sd)
{
	int err = -ENOENT;

	if (!kho_is_enabled())
		return err;
	mutex_lock(&kho_lock);
	if (kho_scratch_table && !kho_root_alloc()) {
		sd->fdt_addr = cpu_to_le64(virt_to_phys(kho_out.root));
		sd->fdt_size = cpu_to_le64(kho_out.root_alloc);
		sd->scratch_addr = cpu_to_le64(virt_to_phys(kho_scratch_table));
		sd->scratch_size = cpu_to_le64(kho_scratch_cnt *
					       sizeof(*kho_scratch_table));
		kho_test_handover(sd);
		kho_out.image = image;
		err = 0;
	}
	if (err)
		pr_err("kexec image loaded without a handover: no memory for it\n");
	else if (kho_out.fdt)
		pr_info("kexec image loaded with the handover\n");
	else
		pr_info("kexec image loaded; the handover is finalized at kexec -e\n");
	mutex_unlock(&kho_lock);
	return err;
}

/**
 * kho_kexec_commit() - finalize the handover at kexec -e
 *
 * Called by kernel_kexec() before anything is shut down, with the kexec
 * lock held.  If the loaded image carries the handover and nobody
 * finalized, finalize now: FINALIZE callbacks (live update among them)
 * serialize their state.  On failure the reboot does not happen and
 * every preservation stays as it was.
 *
 * Return: 0 to go on with the kexec, or the finalize's error.
 */
int kho_kexec_commit(void)
{
	int err = 0;

	if (!kho_is_enabled())
		return 0;
	mutex_lock(&kho_lock);
	if (kho_out.image && kho_out.image == READ_ONCE(kexec_image) &&
	    !kho_out.fdt) {
		err = kho_finalize();
		if (err)
			pr_err("kexec: cannot finalize the handover (%d); not rebooting\n",
			       err);
		else
			pr_info("kexec: handover finalized at reboot\n");
	}
	mutex_unlock(&kho_lock);
	return err;
}

/**
 * kho_kexec_needs_digest() - whether purgatory must check the segments
 * @image: a kexec_file image whose segments are all placed
 *
 * Purgatory checks a SHA-256 digest of the segments once they are copied
 * to their destinations, against memory that a device still writes into
 * (DMA nobody cancelled).  Memory in scratch cannot be such a target: it
 * holds only early boot's memblock allocations and movable pages, which a
 * long-term DMA pin migrates away first.  A normal kexec whose segments
 * all lie in scratch therefore skips the digest, as upstream Linux does
 * with KHO on; the load no longer hashes every segment, and neither does
 * purgatory within the kexec's blackout.
 *
 * Return: false if KHO is on, @image is not a crash kernel and every
 * segment lies inside one scratch region; true otherwise.
 */
bool kho_kexec_needs_digest(const struct kimage *image)
{
	unsigned long s;
	unsigned int i;

	if (!kho_is_enabled() || image->type == KEXEC_TYPE_CRASH)
		return true;
	for (s = 0; s < image->nr_segments; s++) {
		phys_addr_t mem = image->segment[s].mem;
		phys_addr_t end = mem + image->segment[s].memsz;

		for (i = 0; i < kho_scratch_cnt; i++) {
			if (mem >= kho_scratch[i].addr &&
			    end <= kho_scratch[i].addr + kho_scratch[i].size)
				break;
		}
		if (i == kho_scratch_cnt)
			return true;
	}
	pr_info("kexec: every segment is in scratch; purgatory skips the digest\n");
	return false;
}

/**
 * kho_locate_mem_hole() - place a kexec segment inside scratch
 * @kbuf: the segment
 * @cb: the generic placement callback, called per scratch region
 *
 * With KHO on, every segment of a normal (not crash) kexec image goes into
 * scratch, the only memory the next kernel may use before it has reserved
 * the preserved ranges.  Regions are tried from the top when @kbuf wants
 * top-down placement, from the bottom otherwise.
 *
 * Return: 0 with @kbuf->mem set, or -EADDRNOTAVAIL if it fits nowhere.
 */
int kho_locate_mem_hole(struct kexec_buf *kbuf,
			int (*cb)(struct resource *res, void *arg))
{
	bool used[KHO_SCRATCH_MAX] = { };
	unsigned int n, i;

	for (n = 0; n < kho_scratch_cnt; n++) {
		struct resource res = { .flags = IORESOURCE_SYSTEM_RAM };
		int pick = -1;

		/* Next region in address order, n is at most a dozen. */
		for (i = 0; i < kho_scratch_cnt; i++) {
			if (used[i])
				continue;
			if (pick < 0 ||
			    (kbuf->top_down ?
			     kho_scratch[i].addr > kho_scratch[pick].addr :
			     kho_scratch[i].addr < kho_scratch[pick].addr))
				pick = i;
		}
		used[pick] = true;
		res.start = kho_scratch[pick].addr;
		res.end = kho_scratch[pick].addr + kho_scratch[pick].size - 1;
		if (cb(&res, kbuf) == 1) {
			pr_info("kexec segment [mem %#lx-%#lx] placed in scratch\n",
				kbuf->mem, kbuf->mem + kbuf->memsz - 1);
			return 0;
		}
	}
	pr_err("kexec segment of %lu bytes does not fit in any scratch region\n",
	       kbuf->memsz);
	return -EADDRNOTAVAIL;
}

/* The finalized root FDT, or NULL; for the test-only damage interface. */
void *kho_out_root(void)
{
	return READ_ONCE(kho_out.fdt);
}

