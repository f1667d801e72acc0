// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as the incoming handover.
 *
 * Input: four little-endian u32 (root FDT offset and size, scratch table
 * offset and size, offsets from SIM_META_BASE), then bytes laid at
 * SIM_META_BASE: root FDT, records, sub-FDTs, scratch table, anything.
 * Kernel B then boots on it exactly as in the property tests: scratch
 * table, scratch-only mode, the whole check, the reservation, and, if it
 * was accepted, every client's restore index built and drained; a
 * "liveupdate" sub-FDT is parsed and each memfd's folio list walked
 * through that index, as the next kernel does (sim_luo.c).  Seeds:
 * "./sim corpus DIR" writes valid handovers in this format.
 */
#include <stdio.h>

#include "sim.h"
#include "../../../kernel/liveupdate/luo_format.h"

#define FUZZ_MAX	(4UL << 20)

static size_t fuzz_prev;

static void fuzz_noop(unsigned long pfn, unsigned long pages, void *arg)
{
}

static void fuzz_restore(struct kho_in *in)
{
	unsigned int i;

	for (i = 0; i < in->nr_clients; i++) {
		const struct kho_in_client *c = &in->clients[i];
		struct kho_in_mem *m = NULL;
		unsigned long pages;
		unsigned int kind;

		if (c->mem.size) {
			m = kho_in_mem_build((void *)c->mem.addr, c->mem.size,
					     kho_in_items_max(c->mem.size, SIM_RAM_PAGES));
			if (!m)
				continue;
		}
		/* Live update's sessions, memfds and folio lists. */
		if (c->fdt.size && !strcmp(c->name, LUO_KHO_NAME))
			sim_luo_restore((void *)c->fdt.addr, m, false);
		if (!m)
			continue;
		kho_in_item(m, PHYS_PFN(c->fdt.addr), &kind, &pages);
		kho_in_claim_span(m, PHYS_PFN(c->fdt.addr),
				  PHYS_PFN(c->fdt.addr) + 1);
		kho_in_claim_rest(m, fuzz_noop, NULL);
		kho_in_mem_free(m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct sim_handover h;
	static struct kho_in in;
	u32 hdr[4];

	if (!ready) {
		sim_init();
		ready = true;
	}
	if (size < sizeof(hdr) || size - sizeof(hdr) > FUZZ_MAX)
		return 0;
	memcpy(hdr, data, sizeof(hdr));
	memset((void *)SIM_META_BASE, 0, fuzz_prev);
	fuzz_prev = size - sizeof(hdr);
	memcpy((void *)SIM_META_BASE, data + sizeof(hdr), fuzz_prev);
	h.fdt = SIM_META_BASE + le32_to_cpu(hdr[0]);
	h.fdt_size = le32_to_cpu(hdr[1]);
	h.table = SIM_META_BASE + le32_to_cpu(hdr[2]);
	h.table_size = le32_to_cpu(hdr[3]);
	if (!sim_b_boot(&h, &in))
		fuzz_restore(&in);
	if (getenv("KHO_FUZZ_VERBOSE"))
		fprintf(stderr, "handover %s%s\n", in.why ? "ignored: " : "accepted",
			in.why ?: "");
	return 0;
}
