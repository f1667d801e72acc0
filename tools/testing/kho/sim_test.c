// SPDX-License-Identifier: GPL-2.0
/*
 * Property tests of the KHO core in the simulator.
 *
 *   ./sim roundtrip [rounds]   random preservations A -> B, many seeds
 *   ./sim chain [hops]         A -> B -> C ..., re-preserving at each hop
 *   ./sim corpus DIR           write valid handovers as fuzz seeds
 *
 * Each kernel is a process (fork), sharing the simulated RAM, so each
 * starts with empty tracking and memblock, as after a kexec.  A model of
 * what is preserved (in shared memory) is the truth: every preserve and
 * unpreserve result is checked against it, B must reserve exactly the
 * union of the model and A's metadata outside scratch, and every client
 * must get back exactly its own items, once.  Live-update sessions ride
 * along (sim_luo.c): their sub-FDT and memfd folio lists are checked in
 * every B the same way.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"

#define SIM_CLIENTS		5
#define SIM_ITEMS_MAX		20000
#define SIM_OPS			3000
#define SIM_AREA_MAX		(1UL << 19)	/* pages: 2 GiB */

struct sim_item {
	u64 pfn;
	u32 pages;
	u8 kind;
	u8 client;
	u8 live;
	u8 subfdt;
};

struct sim_model {
	unsigned int nr;
	unsigned int nr_clients;
	u64 area;		/* pages of the preservation area */
	u64 meta_used;
	struct sim_handover h;
	u64 stats[4];		/* adds, refused, unpreserves, abort cycles */
	u64 scratch_refused;	/* in all seeds: folios refused in scratch */
	u64 cut;		/* in all Bs: spans cut around scratch */
	struct sim_item items[SIM_ITEMS_MAX];
};

static struct sim_model *model;
static bool subs_in_meta;	/* corpus: sub-FDTs inside the metadata window */
static u8 *owner;		/* per page of the area: OWN_* */
static bool hole;		/* this seed has scratch in the area */

#define OWN_ITEM		1
#define OWN_SCRATCH		2
static unsigned int seed;

#define FAIL(fmt, ...) do {						\
	fprintf(stderr, "FAIL seed %u: " fmt "\n", seed, ##__VA_ARGS__);	\
	exit(1);							\
} while (0)

static const char *client_name(unsigned int i)
{
	static const char *const names[SIM_CLIENTS] = {
		KHO_DEFAULT_CLIENT, "vm-ram", "db-cache", "iommu", "log",
	};

	return names[i];
}

static u64 rnd(u64 n)
{
	return ((u64)rand() << 31 ^ (u64)rand()) % n;
}

static void owner_build(void)
{
	unsigned int i;
	u64 p;

	free(owner);
	owner = calloc(model->area, 1);
	for (i = 0; i < model->nr; i++) {
		struct sim_item *it = &model->items[i];

		for (p = 0; it->live && p < it->pages; p++)
			owner[it->pfn - PHYS_PFN(SIM_PRES_BASE) + p] = OWN_ITEM;
	}
	for (p = PHYS_PFN(SIM_HOLE_BASE - SIM_PRES_BASE);
	     hole && p < PHYS_PFN(SIM_HOLE_BASE + SIM_HOLE_SIZE - SIM_PRES_BASE) &&
	     p < model->area; p++)
		owner[p] = OWN_SCRATCH;
}

/* The strongest claim on [@pfn, @pfn + @pages): OWN_*, or 0. */
static u8 owned(u64 pfn, u64 pages)
{
	u64 p, o = pfn - PHYS_PFN(SIM_PRES_BASE);
	u8 max = 0;

	for (p = 0; p < pages; p++)
		max = owner[o + p] > max ? owner[o + p] : max;
	return max;
}

static void mark(const struct sim_item *it, u8 v)
{
	memset(owner + it->pfn - PHYS_PFN(SIM_PRES_BASE), v, it->pages);
}

static int track_add(const struct sim_item *it)
{
	struct kho_client *c = sim_client(client_name(it->client));

	if (it->kind == KHO_KIND_RANGE)
		return kho_track_add_range(c, PFN_PHYS(it->pfn), PFN_PHYS(it->pages));
	return kho_track_add_folio(c, it->pfn, it->kind);
}

static int track_del(const struct sim_item *it, unsigned int client)
{
	struct kho_client *c = sim_client(client_name(client));

	if (it->kind == KHO_KIND_RANGE)
		return kho_track_del_range(c, PFN_PHYS(it->pfn), PFN_PHYS(it->pages));
	return kho_track_del_folio(c, it->pfn, it->kind);
}

/* One random preserve, checked against the model. */
static void op_add(void)
{
	struct sim_item it = { .client = rnd(model->nr_clients), .live = 1 };
	u64 base = PHYS_PFN(SIM_PRES_BASE);
	int err, want;

	if (rnd(10) == 0) {
		it.kind = KHO_KIND_RANGE;
		it.pages = 1 + rnd(rnd(4) ? 8 : 4096);
		if (it.pages > model->area)
			it.pages = model->area;
		it.pfn = base + rnd(model->area - it.pages + 1);
	} else {
		it.kind = rnd(2) ? 0 : rnd(MAX_PAGE_ORDER + 1);
		it.pages = 1U << it.kind;
		it.pfn = base + (rnd(model->area >> it.kind) << it.kind);
	}
	switch (owned(it.pfn, it.pages)) {
	case OWN_SCRATCH:
		/* The range calls check scratch before the tracking. */
		if (it.kind == KHO_KIND_RANGE)
			return;
		want = -EINVAL;
		break;
	case OWN_ITEM:
		want = -EEXIST;
		break;
	default:
		want = 0;
	}
	err = track_add(&it);
	if (err != want)
		FAIL("preserve kind %u at pfn %#llx (%u pages) for %s: %d, expected %d",
		     it.kind, (unsigned long long)it.pfn, it.pages,
		     client_name(it.client), err, want);
	model->stats[err ? 1 : 0]++;
	model->scratch_refused += err == -EINVAL;
	if (err || model->nr == SIM_ITEMS_MAX)
		return;
	model->items[model->nr++] = it;
	mark(&it, OWN_ITEM);
}

/* Unpreserve a random live item; first, wrongly, as another client. */
static void op_del(void)
{
	struct sim_item *it;
	unsigned int other;
	int err;

	if (!model->nr)
		return;
	it = &model->items[rnd(model->nr)];
	if (!it->live || it->subfdt)
		return;
	if (model->nr_clients > 1) {
		other = (it->client + 1 + rnd(model->nr_clients - 1)) %
			model->nr_clients;
		err = track_del(it, other);
		if (err != -ENOENT)
			FAIL("unpreserve as the wrong client: %d", err);
	}
	err = track_del(it, it->client);
	if (err)
		FAIL("unpreserve kind %u at pfn %#llx: %d", it->kind,
		     (unsigned long long)it->pfn, err);
	it->live = 0;
	mark(it, 0);
	model->stats[2]++;
}

/*
 * Give some clients a sub-FDT, or a blob of the 6.19+ API (bytes that are
 * no FDT, of any size), in a page they preserve.
 */
static unsigned int add_subs(struct kho_fdt_client *subs)
{
	unsigned int n = 0, c, tries;

	for (c = 0; c < model->nr_clients && model->nr < SIM_ITEMS_MAX; c++) {
		struct sim_item it = { .client = c, .live = 1, .subfdt = 1,
				       .pages = 1 };

		if (rnd(2))
			continue;
		for (tries = 0; tries < 1000; tries++) {
			it.pfn = PHYS_PFN(SIM_PRES_BASE) + rnd(model->area);
			if (!owned(it.pfn, 1))
				break;
		}
		if (tries == 1000)
			continue;
		/* In the metadata window: outside the model, never unpreserved. */
		if (subs_in_meta)
			it.pfn = PHYS_PFN((u64)alloc_pages_exact(PAGE_SIZE, 0));
		if (track_add(&it))
			FAIL("preserve of a sub-FDT page");
		memset(&subs[n], 0, sizeof(subs[n]));
		subs[n].name = client_name(c);
		if (rnd(2)) {
			memset((void *)PFN_PHYS(it.pfn), 0xa5, PAGE_SIZE);
			subs[n].blob.addr = PFN_PHYS(it.pfn) + 8 * rnd(8);
			subs[n].blob.size = 1 + rnd(PAGE_SIZE - 64);
		} else {
			fdt_create_empty_tree((void *)PFN_PHYS(it.pfn),
					      PAGE_SIZE);
			subs[n].fdt.addr = PFN_PHYS(it.pfn);
			subs[n].fdt.size =
				fdt_totalsize((void *)PFN_PHYS(it.pfn));
		}
		n++;
		if (subs_in_meta)
			continue;
		model->items[model->nr++] = it;
		mark(&it, OWN_ITEM);
	}
	return n;
}

static void finalize(void)
{
	struct kho_fdt_client subs[SIM_CLIENTS + 1];
	unsigned int nsubs;
	u64 bytes;

	sim_meta_reset();
	nsubs = add_subs(subs);
	nsubs += sim_luo_write(&subs[nsubs]);
	if (sim_a_finalize(&model->h, subs, nsubs, &bytes))
		FAIL("finalize: out of metadata space");
	model->meta_used = sim_meta_used();
}

/* Random preserves and unpreserves, with abort/re-finalize in between. */
static void mutate(unsigned int ops)
{
	unsigned int i;
	u64 bytes;

	for (i = 0; i < ops; i++) {
		unsigned int op = rnd(100);

		if (op < 70) {
			op_add();
		} else if (op < 99) {
			op_del();
		} else {
			struct sim_handover h;

			/* Finalize, then abort: the output is dropped. */
			sim_meta_reset();
			if (sim_a_finalize(&h, NULL, 0, &bytes))
				FAIL("finalize before abort");
			model->stats[3]++;
		}
	}
}

static void kernel_a(void)
{
	srand(seed);
	model->nr = 0;
	model->nr_clients = 1 + rnd(SIM_CLIENTS);
	model->area = 4096UL << rnd(8);
	memset(model->stats, 0, sizeof(model->stats));
	owner_build();
	mutate(SIM_OPS);
	sim_luo_a(seed);
	finalize();
}

static int range_cmp(const void *a, const void *b)
{
	const struct kho_range *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sort and coalesce; returns the new count. */
static unsigned int coalesce(struct kho_range *r, unsigned int n)
{
	unsigned int i, m = 0;

	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 0; i < n; i++) {
		if (m && r[m - 1].addr + r[m - 1].size == r[i].addr)
			r[m - 1].size += r[i].size;
		else
			r[m++] = r[i];
	}
	return m;
}

/*
 * B reserved exactly the live items, the memfds' folios and A's metadata,
 * outside scratch; the check counted the bytes of all but the metadata.
 */
static void check_reserved(const struct kho_in *in)
{
	struct kho_range *want = calloc(model->nr + 1 + sim_luo_count(),
					sizeof(*want));
	struct kho_range *got = calloc(2 * memblock.reserved.cnt, sizeof(*got));
	unsigned int nw = 0, ng = 0, i, j;
	u64 bytes = 0, meta;

	for (i = 0; i < model->nr; i++) {
		if (!model->items[i].live)
			continue;
		want[nw].addr = PFN_PHYS(model->items[i].pfn);
		want[nw++].size = PFN_PHYS(model->items[i].pages);
	}
	nw += sim_luo_ranges(&want[nw]);
	want[nw].addr = SIM_META_BASE;
	want[nw++].size = model->meta_used;
	nw = coalesce(want, nw);
	/*
	 * What B allocated itself is in scratch (sorted, apart): leave it
	 * out.  No span of preserved memory may reach into scratch.
	 */
	for (i = 0; i < memblock.reserved.cnt; i++) {
		struct memblock_region *r = &memblock.reserved.regions[i];
		phys_addr_t s = r->base, e = r->base + r->size;

		for (j = 0; j < in->nr_scratch && s < e; j++) {
			phys_addr_t a = in->scratch[j].addr;
			phys_addr_t b = a + in->scratch[j].size;

			if (b <= s || e <= a)
				continue;
			if (r->flags & MEMBLOCK_KHO_PRESERVED)
				FAIL("span %#llx+%#llx reaches into scratch %#llx+%#llx",
				     (unsigned long long)r->base,
				     (unsigned long long)r->size,
				     (unsigned long long)a,
				     (unsigned long long)(b - a));
			if (s < a) {
				got[ng].addr = s;
				got[ng++].size = a - s;
			}
			s = b;
		}
		if (s < e) {
			got[ng].addr = s;
			got[ng++].size = e - s;
		}
	}
	ng = coalesce(got, ng);
	/* What stays reserved is the preserved memory and KHO's metadata. */
	meta = in->fdt.size + PAGE_ALIGN(in->table.size);
	for (i = 0; i < in->nr_clients; i++)
		meta += in->clients[i].mem.size;
	for (i = 0; i < ng; i++)
		bytes += got[i].size;
	if (bytes != in->bytes + meta)
		FAIL("B reserved %llu bytes outside scratch; its check counted %llu preserved and %llu of metadata",
		     (unsigned long long)bytes, (unsigned long long)in->bytes,
		     (unsigned long long)meta);
	if (ng != nw)
		FAIL("B reserved %u ranges outside scratch, A preserved %u", ng, nw);
	for (i = 0; i < nw; i++) {
		if (got[i].addr != want[i].addr || got[i].size != want[i].size)
			FAIL("reserved range %u: %#llx+%#llx, preserved %#llx+%#llx", i,
			     (unsigned long long)got[i].addr,
			     (unsigned long long)got[i].size,
			     (unsigned long long)want[i].addr,
			     (unsigned long long)want[i].size);
	}
	free(want);
	free(got);
}

static const struct kho_mem_header *client_record(const char *name,
						   size_t *size)
{
	const void *fdt = (const void *)model->h.fdt;
	int node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
	int child = node < 0 ? node : fdt_subnode_offset(fdt, node, name);
	const fdt64_t *v;

	if (child < 0)
		return NULL;
	v = fdt_getprop(fdt, child, KHO_FDT_MEM, NULL);
	if (!v)
		return NULL;
	*size = fdt64_ld(&v[1]);
	return (const void *)fdt64_ld(&v[0]);
}

static void noop_release(unsigned long pfn, unsigned long pages, void *arg)
{
	*(u64 *)arg += pages;
}

/* Every client restores exactly its own items, once; nothing else. */
static void check_restore(void)
{
	unsigned int c, i;

	for (c = 0; c < model->nr_clients; c++) {
		size_t size;
		const struct kho_mem_header *h = client_record(client_name(c),
							       &size);
		struct kho_in_mem *in;
		unsigned long pages;
		unsigned int kind;
		u64 rest = 0;
		s64 item;

		if (!h)
			continue;
		in = kho_in_mem_build(h, size,
				      kho_in_items_max(size, SIM_RAM_PAGES));
		if (!in)
			FAIL("kho_in_mem_build");
		for (i = 0; i < model->nr; i++) {
			const struct sim_item *it = &model->items[i];

			if (!it->live)
				continue;
			item = kho_in_item(in, it->pfn, &kind, &pages);
			if (it->client != c) {
				if (item >= 0)
					FAIL("%s can restore %s's item at %#llx",
					     client_name(c), client_name(it->client),
					     (unsigned long long)it->pfn);
				continue;
			}
			if (item < 0 || kind != it->kind || pages != it->pages)
				FAIL("%s: item at %#llx: %lld kind %u pages %lu, expected kind %u pages %u",
				     client_name(c), (unsigned long long)it->pfn,
				     (long long)item, kind, pages, it->kind, it->pages);
			if (!kho_in_claim(in, item, pages) ||
			    kho_in_claim(in, item, pages))
				FAIL("%s: claim of %#llx not exactly once", client_name(c),
				     (unsigned long long)it->pfn);
		}
		if (kho_in_unclaimed(in) || kho_in_claim_rest(in, noop_release, &rest) ||
		    rest)
			FAIL("%s: %llu bytes left unclaimed", client_name(c),
			     (unsigned long long)kho_in_unclaimed(in));
		kho_in_mem_free(in);
	}
}

static void kernel_b(bool again)
{
	struct kho_in *in = calloc(1, sizeof(*in));
	unsigned int i;

	if (sim_b_boot(&model->h, in))
		FAIL("B refused the handover: %s", in->why);
	model->cut += sim_cut_spans(in);
	if (sim_b_settle(in, true))
		FAIL("B refused the handover: %s", in->why);
	check_reserved(in);
	check_restore();
	sim_luo_b(in);
	free(in);
	if (!again)
		return;
	/* Re-preserve everything that came back, then change some of it. */
	srand(seed * 7919 + model->nr);
	owner_build();
	for (i = 0; i < model->nr; i++) {
		struct sim_item *it = &model->items[i];

		if (!it->live)
			continue;
		if (track_add(it))
			FAIL("re-preserve of %#llx failed", (unsigned long long)it->pfn);
		it->subfdt = 0;
	}
	sim_luo_again();
	mutate(SIM_OPS / 4);
	finalize();
}

/* Run @fn in a child process: one kernel. */
static void run_kernel(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!pid) {
		fn();
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(1);
}

static void b_once(void)
{
	kernel_b(false);
}

static void b_again(void)
{
	kernel_b(true);
}

static void report(const char *what, unsigned int n)
{
	u64 sessions, files, folios;

	sim_luo_stats(&sessions, &files, &folios);
	printf("%s: %u ok; last seed: %u clients, %u items, area %llu MiB, %llu refused overlaps, %llu unpreserves, %llu aborts; scratch in the area in all: %llu folios refused, %llu spans cut; liveupdate in all: %llu sessions, %llu memfds, %llu folios\n",
	       what, n, model->nr_clients, model->nr,
	       (unsigned long long)(model->area >> 8),
	       (unsigned long long)model->stats[1],
	       (unsigned long long)model->stats[2],
	       (unsigned long long)model->stats[3],
	       (unsigned long long)model->scratch_refused,
	       (unsigned long long)model->cut,
	       (unsigned long long)sessions, (unsigned long long)files,
	       (unsigned long long)folios);
}

static int corpus(const char *dir)
{
	char path[256];
	unsigned int i;

	mkdir(dir, 0755);
	subs_in_meta = true;
	for (i = 0; i < 8; i++) {
		u32 hdr[4];
		FILE *f;

		seed = 1000 + i;
		run_kernel(kernel_a);
		hdr[0] = model->h.fdt - SIM_META_BASE;
		hdr[1] = model->h.fdt_size;
		hdr[2] = model->h.table - SIM_META_BASE;
		hdr[3] = model->h.table_size;
		snprintf(path, sizeof(path), "%s/seed-%u", dir, seed);
		f = fopen(path, "w");
		if (!f || fwrite(hdr, sizeof(hdr), 1, f) != 1 ||
		    fwrite((void *)SIM_META_BASE, model->meta_used, 1, f) != 1) {
			perror(path);
			return 2;
		}
		fclose(f);
	}
	printf("corpus: %u handovers in %s\n", i, dir);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "roundtrip";
	unsigned int n, i;

	sim_init();
	model = mmap(NULL, sizeof(*model), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (model == MAP_FAILED)
		return 2;
	sim_luo_setup();
	if (!strcmp(what, "corpus"))
		return corpus(argc > 2 ? argv[2] : "corpus");
	if (!strcmp(what, "roundtrip")) {
		n = argc > 2 ? atoi(argv[2]) : 100;
		for (i = 0; i < n; i++) {
			seed = i + 1;
			hole = seed % 2;
			sim_scratch_setup(hole);
			run_kernel(kernel_a);
			run_kernel(b_once);
		}
		report("sim_roundtrip rounds", n);
		return 0;
	}
	if (!strcmp(what, "chain")) {
		n = argc > 2 ? atoi(argv[2]) : 5;
		for (seed = 1; seed <= 10; seed++) {
			hole = seed % 2;
			sim_scratch_setup(hole);
			run_kernel(kernel_a);
			for (i = 0; i < n; i++)
				run_kernel(b_again);
			run_kernel(b_once);
		}
		report("sim_chain hops x10 chains", n);
		return 0;
	}
	fprintf(stderr, "usage: %s roundtrip [N] | chain [hops] | corpus DIR\n",
		argv[0]);
	return 2;
}
