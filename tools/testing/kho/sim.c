// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated machine shared by the property tests, the fuzz target and
 * the benchmarks.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "sim.h"

/* Sizes of memblock's static region arrays (mm/memblock.c). */
#define INIT_MEMBLOCK_REGIONS			128
#define INIT_MEMBLOCK_RESERVED_REGIONS		INIT_MEMBLOCK_REGIONS

/* memblock.c reads it; the memblock simulator defines it in its tests. */
bool movable_node_enabled;

/*
 * The outgoing kernel's scratch (kernel/kho/core.c), which folio preserves
 * may not touch: none unless sim_scratch_setup() says (the fuzz target and
 * the benchmarks leave it), and what sim_a_finalize() hands B.
 */
struct kho_range kho_scratch[KHO_SCRATCH_MAX];
unsigned int kho_scratch_cnt;
static const struct kho_range sim_scratch[] = {
	{ SIM_RAM_BASE, SIM_SCRATCH_SIZE },
	{ SIM_HOLE_BASE, SIM_HOLE_SIZE },
};
static unsigned int sim_nr_scratch = 1;

/* Scratch for the kernels forked from now on: with @hole, two regions. */
void sim_scratch_setup(bool hole)
{
	sim_nr_scratch = hole ? 2 : 1;
	memcpy(kho_scratch, sim_scratch, sizeof(sim_scratch));
	kho_scratch_cnt = sim_nr_scratch;
}

static u64 sim_meta_next = SIM_META_BASE;
static struct memblock_region *sim_init_mem, *sim_init_rsv;

/* Map the RAM at its fixed address; once per process tree. */
void sim_init(void)
{
	void *p = mmap((void *)SIM_RAM_BASE, SIM_RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE |
		       MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)SIM_RAM_BASE) {
		perror("sim: cannot map the simulated RAM");
		exit(2);
	}
	sim_init_mem = memblock.memory.regions;
	sim_init_rsv = memblock.reserved.regions;
}

void sim_meta_reset(void)
{
	sim_meta_next = SIM_META_BASE;
}

u64 sim_meta_used(void)
{
	return sim_meta_next - SIM_META_BASE;
}

/* Kernel A's unmovable allocations for the handover: in simulated RAM. */
void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	void *p = (void *)sim_meta_next;

	size = PAGE_ALIGN(size);
	if (sim_meta_next + size > SIM_META_BASE + SIM_META_SIZE)
		return NULL;
	sim_meta_next += size;
	memset(p, 0, size);
	return p;
}

void free_pages_exact(void *p, size_t size)
{
}

/* Tracking bitmaps: never handed over, so ordinary memory. */
unsigned long get_zeroed_page(gfp_t gfp)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	if (p)
		memset(p, 0, PAGE_SIZE);
	return (unsigned long)p;
}

void free_page(unsigned long addr)
{
	free((void *)addr);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p = malloc(size);

	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	free(p);
}

struct kho_client *sim_client(const char *name)
{
	struct kho_client *c = kho_client_get(name);

	if (IS_ERR(c)) {
		fprintf(stderr, "sim: kho_client_get(%s): %ld\n", name, PTR_ERR(c));
		exit(2);
	}
	return c;
}

/*
 * Kernel A finalizes: a record per client with anything preserved, the
 * root FDT with them and @subs (sub-FDTs and blobs), and the scratch table.
 */
int sim_a_finalize(struct sim_handover *h, const struct kho_fdt_client *subs,
		   unsigned int nr_subs, u64 *record_bytes)
{
	struct kho_fdt_client fc[KHO_CLIENTS_MAX];
	struct kho_scratch_entry *tab;
	unsigned int n = 0, i;
	struct kho_client *c;
	size_t size;
	void *buf;

	*record_bytes = 0;
	memset(fc, 0, sizeof(fc));
	list_for_each_entry(c, &kho_clients, list) {
		u64 bytes;
		void *rec;

		if (!kho_track_usage(c, &bytes))
			continue;
		rec = kho_write_record(c, &size);
		if (!rec)
			return -ENOMEM;
		fc[n].name = c->name;
		fc[n].mem.addr = (u64)rec;
		fc[n].mem.size = size;
		*record_bytes += size;
		n++;
	}
	for (i = 0; i < nr_subs; i++) {
		unsigned int j;

		for (j = 0; j < n && strcmp(fc[j].name, subs[i].name); j++)
			;
		if (j == n)
			fc[n++].name = subs[i].name;
		fc[j].fdt = subs[i].fdt;
		fc[j].blob = subs[i].blob;
	}
	size = PAGE_ALIGN(kho_fdt_root_size(sim_nr_scratch, n));
	buf = alloc_pages_exact(size, 0);
	tab = alloc_pages_exact(PAGE_SIZE, 0);
	if (!buf || !tab || kho_fdt_write_root(buf, size, sim_scratch,
					       sim_nr_scratch, fc, n))
		return -ENOMEM;
	for (i = 0; i < sim_nr_scratch; i++) {
		tab[i].addr = cpu_to_le64(sim_scratch[i].addr);
		tab[i].size = cpu_to_le64(sim_scratch[i].size);
	}
	h->fdt = (u64)buf;
	h->fdt_size = size;
	h->table = (u64)tab;
	h->table_size = sim_nr_scratch * sizeof(*tab);
	return 0;
}

/* Empty memblock, with its static arrays back in place. */
void sim_memblock_reset(void)
{
	memblock_clear_kho_scratch_only();
	memblock.memory.regions = sim_init_mem;
	memblock.reserved.regions = sim_init_rsv;
	memset(sim_init_mem, 0, INIT_MEMBLOCK_REGIONS * sizeof(*sim_init_mem));
	memset(sim_init_rsv, 0, INIT_MEMBLOCK_RESERVED_REGIONS * sizeof(*sim_init_rsv));
	memblock.memory.cnt = 0;
	memblock.memory.max = INIT_MEMBLOCK_REGIONS;
	memblock.memory.total_size = 0;
	memblock.reserved.cnt = 0;
	memblock.reserved.max = INIT_MEMBLOCK_RESERVED_REGIONS;
	memblock.reserved.total_size = 0;
	memblock.memory.name = "memory";
	memblock.reserved.name = "reserved";
	memblock.bottom_up = false;
	memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
}

struct sim_settle {
	struct kho_range *holes;
	unsigned int nr;
	unsigned int max;
	phys_addr_t last;
	phys_addr_t ram_end;
	bool bad;
};

/*
 * kho_in_walk_spans() callback: pieces of RAM come in order, and the
 * folios and holes in each tile it; keep the holes.
 */
static void sim_settle_piece(void *ctx, phys_addr_t start, phys_addr_t end,
			     int nid, enum kho_in_piece piece)
{
	struct sim_settle *st = ctx;

	if (start >= end)
		st->bad = true;
	if (piece == KHO_IN_PIECE_RAM) {
		if (st->last != st->ram_end || start < st->ram_end)
			st->bad = true;
		st->last = start;
		st->ram_end = end;
		return;
	}
	if (start != st->last || end > st->ram_end)
		st->bad = true;
	st->last = end;
	if (piece == KHO_IN_PIECE_FOLIOS)
		return;
	if (st->nr == st->max) {
		st->max = st->max ? 2 * st->max : 64;
		st->holes = realloc(st->holes, st->max * sizeof(*st->holes));
	}
	st->holes[st->nr].addr = start;
	st->holes[st->nr++].size = end - start;
}

/*
 * What kho_in_settle_spans() does later in B's boot: the walk over the
 * spans; with @free_holes their holes go out of memblock.reserved, so that
 * what stays reserved can be compared with what A preserved (a memblock
 * call per hole: not for benchmarks or fuzzing).  Returns 0, or -EINVAL
 * with the reason in @in.
 */
int sim_b_settle(struct kho_in *in, bool free_holes)
{
	struct sim_settle st = { };
	unsigned int i;

	kho_in_walk_spans(in, sim_settle_piece, &st);
	if (st.last != st.ram_end)
		st.bad = true;
	if (!free_holes)
		st.nr = 0;
	/*
	 * The kernel leaves memblock as it is; here freeing holes may double
	 * memblock.reserved, and its array goes to scratch, where the checks
	 * do not look.
	 */
	memblock_set_kho_scratch_only();
	for (i = 0; i < st.nr; i++)
		memblock_phys_free(st.holes[i].addr, st.holes[i].size);
	memblock_clear_kho_scratch_only();
	free(st.holes);
	if (st.bad) {
		in->why = "span pieces out of order or not tiling RAM";
		return -EINVAL;
	}
	return 0;
}

/*
 * Spans B reserved that end where a scratch region starts or start where
 * one ends: cut around it, or reaching up to it.
 */
unsigned int sim_cut_spans(const struct kho_in *in)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];

		if (!(r->flags & MEMBLOCK_KHO_PRESERVED))
			continue;
		for (j = 0; j < in->nr_scratch; j++) {
			const struct kho_range *sc = &in->scratch[j];

			n += r->base + r->size == sc->addr ||
			     r->base == sc->addr + sc->size;
		}
	}
	return n;
}

/*
 * Kernel B boots: RAM, its image, then what in_boot.c does: the scratch
 * table (a page at most), the image inside scratch, scratch-only mode,
 * the whole check, the reservation, and back to normal allocation.
 * Returns 0, or -EINVAL with the reason in @in.
 */
int sim_b_boot(const struct sim_handover *h, struct kho_in *in)
{
	unsigned int i;
	int err;

	sim_memblock_reset();
	memblock_add(SIM_RAM_BASE, SIM_RAM_SIZE);
	memblock_reserve_kern(SIM_KERNEL, SIM_KERNEL_SIZE);
	memblock_allow_resize();

	memset(in, 0, sizeof(*in));
	in->fdt.addr = h->fdt;
	in->fdt.size = h->fdt_size;
	in->table.addr = h->table;
	in->table.size = h->table_size;
	err = kho_in_check_table(in);
	if (err)
		return err;
	err = kho_in_check_scratch(in, (void *)h->table);
	if (err)
		return err;
	for (i = 0; i < in->nr_scratch; i++) {
		if (in->scratch[i].addr <= SIM_KERNEL &&
		    SIM_KERNEL + SIM_KERNEL_SIZE <= in->scratch[i].addr + in->scratch[i].size)
			break;
	}
	if (i == in->nr_scratch) {
		in->why = "this kernel was not loaded inside scratch";
		return -EINVAL;
	}
	for (i = 0; i < in->nr_scratch; i++)
		memblock_mark_kho_scratch(in->scratch[i].addr, in->scratch[i].size);
	memblock_set_kho_scratch_only();
	err = kho_in_check(in);
	if (!err)
		err = kho_in_reserve(in);
	memblock_clear_kho_scratch_only();
	if (err) {
		for (i = 0; i < in->nr_scratch; i++)
			memblock_clear_kho_scratch(in->scratch[i].addr,
						   in->scratch[i].size);
		if (!in->why)
			in->why = "cannot reserve the preserved ranges";
	}
	return err;
}
