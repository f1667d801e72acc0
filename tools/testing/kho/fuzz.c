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
 *
 * The custom mutator knows the format: most of the time it edits one
 * thing a handover is made of (a cell of an FDT property, a field of a
 * record's header or of one of its runs, a bitmap word, a run copied
 * over another, one of the four offsets) with values chosen to sit on the
 * checks' edges; otherwise libFuzzer's byte mutations run.
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

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define FUZZ_HDR	(4 * sizeof(u32))

/* The input's bytes at SIM_META_BASE + @off, if @len of them are there. */
static uint8_t *fuzz_at(uint8_t *data, size_t size, u64 off, size_t len)
{
	if (off > size - FUZZ_HDR || len > size - FUZZ_HDR - off)
		return NULL;
	return data + FUZZ_HDR + off;
}

/* A value on the edge of some check, related to @old. */
static u64 fuzz_edge(u64 old, unsigned int *seed)
{
	static const u64 fixed[] = {
		0, 1, 8, 0x1000, 0xfff, U32_MAX, (u64)U32_MAX + 1, ~0ULL,
		SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE, SIM_META_BASE,
		SIM_PRES_BASE, PHYS_PFN(SIM_RAM_BASE + SIM_RAM_SIZE),
	};
	unsigned int r = rand_r(seed);

	switch (r % 8) {
	case 0:
		return fixed[(r / 8) % ARRAY_SIZE(fixed)];
	case 1:
		return old + 1;
	case 2:
		return old - 1;
	case 3:
		return old + ((u64)PAGE_SIZE << (r / 8 % 12));
	case 4:
		return old - ((u64)PAGE_SIZE << (r / 8 % 12));
	case 5:
		return old ^ (1ULL << (r / 8 % 64));
	case 6:
		return old << 1;
	default:
		return old >> 1;
	}
}

/* Can libfdt walk @fdt without unaligned reads?  (The mutator's own.) */
static bool fuzz_fdt_ok(const void *fdt, size_t room)
{
	return !((uintptr_t)fdt % 8) && room >= sizeof(struct fdt_header) &&
	       !fdt_check_header(fdt) && fdt_totalsize(fdt) <= room &&
	       !(fdt_off_dt_struct(fdt) % 4) && !(fdt_off_mem_rsvmap(fdt) % 8);
}

/* Edit a cell of a random property of the FDT at @fdt (in the input). */
static bool fuzz_fdt_prop(void *fdt, size_t room, unsigned int *seed)
{
	int node, prop, len, nprops = 0, pick;
	const char *name;
	void *val;

	if (!fuzz_fdt_ok(fdt, room))
		return false;
	/* A node at random: walk the whole tree, count properties. */
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL))
		fdt_for_each_property_offset(prop, fdt, node)
			nprops++;
	if (!nprops)
		return false;
	pick = rand_r(seed) % nprops;
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		fdt_for_each_property_offset(prop, fdt, node) {
			if (pick--)
				continue;
			val = (void *)fdt_getprop_by_offset(fdt, prop, &name, &len);
			if (!val || len <= 0)
				return false;
			if (len >= 8) {
				unsigned int cell = rand_r(seed) % (len / 8);
				fdt64_t *v = (fdt64_t *)val + cell;

				fdt64_st(v, fuzz_edge(fdt64_ld(v), seed));
			} else {
				((uint8_t *)val)[rand_r(seed) % len] ^=
					1 << (rand_r(seed) % 8);
			}
			return true;
		}
	}
	return false;
}

/* Edit a client's record: its header, a run, a bitmap word. */
static bool fuzz_record(uint8_t *data, size_t size, u64 off, u64 len,
			unsigned int *seed)
{
	struct kho_mem_header *h = (void *)fuzz_at(data, size, off, sizeof(*h));
	struct kho_mem_run *runs, *r;
	u64 nr, i;

	/* Runs and words are 8-byte multiples: aligned if the header is. */
	if (!h || len < sizeof(*h) || (uintptr_t)h % 8)
		return false;
	nr = le64_to_cpu(h->nr_runs);
	runs = (void *)(h + 1);
	if (!nr || !fuzz_at(data, size, off, sizeof(*h) + sizeof(*r)) ||
	    rand_r(seed) % 8 == 0) {
		h->nr_runs = cpu_to_le64(fuzz_edge(nr, seed));
		return true;
	}
	/* Plain runs are back to back; bitmap runs are followed by words. */
	i = rand_r(seed) % nr;
	r = runs;
	while (i--) {
		u64 words = le16_to_cpu(r->flags) & KHO_MEM_RUN_BITMAP ?
			    le32_to_cpu(r->nr) : 0;
		struct kho_mem_run *next = (void *)((__le64 *)(r + 1) + words);

		if (!fuzz_at(data, size, (uint8_t *)next - data - FUZZ_HDR,
			     sizeof(*next)))
			break;
		r = next;
	}
	switch (rand_r(seed) % 6) {
	case 0:
		r->pfn = cpu_to_le64(fuzz_edge(le64_to_cpu(r->pfn), seed));
		break;
	case 1:
		r->nr = cpu_to_le32(fuzz_edge(le32_to_cpu(r->nr), seed));
		break;
	case 2:
		r->order = cpu_to_le16(rand_r(seed) % (MAX_PAGE_ORDER + 3));
		break;
	case 3:
		r->flags = cpu_to_le16(rand_r(seed) % 4);
		break;
	case 4:
		/* A bitmap word, if it has any. */
		if ((le16_to_cpu(r->flags) & KHO_MEM_RUN_BITMAP) &&
		    fuzz_at(data, size, (uint8_t *)(r + 1) - data - FUZZ_HDR, 8))
			((__le64 *)(r + 1))[0] ^=
				cpu_to_le64(1ULL << (rand_r(seed) % 64));
		break;
	default:
		/* The first run copied over this one: same start, overlaps. */
		if (r != runs)
			memcpy(r, runs, sizeof(*r));
		break;
	}
	return true;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	u32 hdr[4];
	void *root;
	int node, child, n = 0, pick;

	if (size < FUZZ_HDR || rand_r(&seed) % 4 == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(hdr, data, sizeof(hdr));
	if (rand_r(&seed) % 16 == 0) {
		unsigned int k = rand_r(&seed) % 4;

		hdr[k] = cpu_to_le32(fuzz_edge(le32_to_cpu(hdr[k]), &seed));
		memcpy(data, hdr, sizeof(hdr));
		return size;
	}
	root = fuzz_at(data, size, le32_to_cpu(hdr[0]), sizeof(struct fdt_header));
	if (!root || !fuzz_fdt_ok(root, size - FUZZ_HDR - le32_to_cpu(hdr[0])))
		return LLVMFuzzerMutate(data, size, max_size);
	node = fdt_subnode_offset(root, 0, KHO_FDT_CLIENTS);
	fdt_for_each_subnode(child, root, node)
		n++;
	/* The root FDT itself, or one client's sub-FDT or record. */
	pick = n ? rand_r(&seed) % (n + 1) : 0;
	if (!pick--) {
		if (!fuzz_fdt_prop(root, size - FUZZ_HDR - le32_to_cpu(hdr[0]), &seed))
			return LLVMFuzzerMutate(data, size, max_size);
		return size;
	}
	fdt_for_each_subnode(child, root, node) {
		const fdt64_t *v;
		bool sub = rand_r(&seed) % 2;
		u64 off;
		void *p;

		if (pick--)
			continue;
		v = fdt_getprop(root, child, sub ? KHO_FDT_SUB_FDT : KHO_FDT_MEM,
				NULL);
		if (!v)
			break;
		off = fdt64_ld(&v[0]) - SIM_META_BASE;
		if (!sub) {
			if (fuzz_record(data, size, off, fdt64_ld(&v[1]), &seed))
				return size;
			break;
		}
		p = fuzz_at(data, size, off, sizeof(struct fdt_header));
		if (p && fuzz_fdt_prop(p, size - FUZZ_HDR - off, &seed))
			return size;
		break;
	}
	return LLVMFuzzerMutate(data, size, max_size);
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
	if (size < FUZZ_HDR || size - FUZZ_HDR > FUZZ_MAX)
		return 0;
	memcpy(hdr, data, sizeof(hdr));
	memset((void *)SIM_META_BASE, 0, fuzz_prev);
	fuzz_prev = size - sizeof(hdr);
	memcpy((void *)SIM_META_BASE, data + sizeof(hdr), fuzz_prev);
	h.fdt = SIM_META_BASE + le32_to_cpu(hdr[0]);
	h.fdt_size = le32_to_cpu(hdr[1]);
	h.table = SIM_META_BASE + le32_to_cpu(hdr[2]);
	h.table_size = le32_to_cpu(hdr[3]);
	if (!sim_b_boot(&h, &in)) {
		/* An accepted handover's spans always tile: a bug if not. */
		if (sim_b_settle(&in, false))
			abort();
		fuzz_restore(&in);
	}
	if (getenv("KHO_FUZZ_VERBOSE"))
		fprintf(stderr, "handover %s%s\n", in.why ? "ignored: " : "accepted",
			in.why ?: "");
	return 0;
}
