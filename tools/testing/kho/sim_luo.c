// SPDX-License-Identifier: GPL-2.0
/*
 * Live update in the simulator.  Kernel A makes up sessions of memfds
 * (sparse, folios of every order) and preserves their folios as client
 * "liveupdate"; at finalize the kernel's own luo_format.c writes their
 * index pages and the sub-FDT.  Kernel B parses and walks them through
 * the same file and checks, against the model, every session name,
 * token and property and every folio's index, address and order, each
 * claimed once, nothing of the client left.  In a chain, B then drops
 * and adds sessions and folios, and hands on.
 *
 * sim_luo_restore() is also what the fuzz target runs on whatever
 * "liveupdate" sub-FDT its input carries.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "sim.h"
#include "../../../kernel/liveupdate/luo_format.h"

#define SIM_LUO_SESSIONS	6
#define SIM_LUO_FILES		4
#define SIM_LUO_FOLIOS		600
/* Largest memfd: 4 GiB, in pages. */
#define SIM_LUO_FILE_PAGES	(1UL << 20)
/* The memfds' folios: above the property tests' area. */
#define SIM_LUO_BASE		(SIM_PRES_BASE + (4UL << 30))
#define SIM_LUO_SIZE		(16UL << 30)
/* Room for the sub-FDT of a full model. */
#define SIM_LUO_FDT_SIZE	(64UL << 10)

struct sim_luo_folio {
	u64 index;
	u64 pfn;
	unsigned int order;
};

struct sim_luo_file {
	u64 token;
	struct luo_memfd_desc d;
	char fname[32];
	unsigned int nr;
	struct sim_luo_folio f[SIM_LUO_FOLIOS];
};

struct sim_luo_session {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	unsigned int nr;
	struct sim_luo_file files[SIM_LUO_FILES];
};

/* In shared memory: kernel A writes it, kernel B checks against it. */
struct sim_luo_model {
	unsigned int nr;
	unsigned int seed;
	unsigned int next_session;
	u64 next_pfn;
	u64 sessions, files, folios;	/* checked by every B so far */
	struct sim_luo_session s[SIM_LUO_SESSIONS];
};

static struct sim_luo_model *lm;

#define LFAIL(fmt, ...) do {						\
	fprintf(stderr, "FAIL seed %u: liveupdate: " fmt "\n", lm->seed,	\
		##__VA_ARGS__);						\
	exit(1);							\
} while (0)

static u64 lrnd(u64 n)
{
	return ((u64)rand() << 31 ^ (u64)rand()) % n;
}

void sim_luo_setup(void)
{
	lm = mmap(NULL, sizeof(*lm), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (lm == MAP_FAILED) {
		perror("sim: liveupdate model");
		exit(2);
	}
}

/* Preserve a folio of the model in this kernel's tracking. */
static void sim_luo_track(const struct sim_luo_folio *f)
{
	int err = kho_track_add_folio(sim_client(LUO_KHO_NAME), f->pfn,
				      f->order);

	if (err)
		LFAIL("preserve of the folio at pfn %#llx order %u: %d",
		      (unsigned long long)f->pfn, f->order, err);
}

/* Append folios to @f past its last one, within its size; preserve them. */
static void sim_luo_grow(struct sim_luo_file *f, unsigned int want)
{
	u64 end = DIV_ROUND_UP_ULL(f->d.size, PAGE_SIZE);
	u64 idx = f->nr ? f->f[f->nr - 1].index + (1UL << f->f[f->nr - 1].order) : 0;

	while (f->nr < want) {
		unsigned int order = lrnd(3) ? 0 : lrnd(MAX_PAGE_ORDER + 1);
		u64 pages = 1UL << order;
		struct sim_luo_folio *fo = &f->f[f->nr];
		u64 pfn = ALIGN(lm->next_pfn, pages);

		/* Runs and holes: the next folio right after, or further on. */
		idx = ALIGN(idx + (lrnd(2) ? 0 : lrnd(1UL << lrnd(12))), pages);
		if (idx >= end || idx + pages > ALIGN(end, pages) ||
		    PFN_PHYS(pfn + pages) > SIM_LUO_BASE + SIM_LUO_SIZE)
			return;
		fo->index = idx;
		fo->pfn = pfn;
		fo->order = order;
		lm->next_pfn = pfn + pages;
		sim_luo_track(fo);
		f->nr++;
		idx += pages;
	}
}

static void sim_luo_new_file(struct sim_luo_session *s, u64 token)
{
	struct sim_luo_file *f = &s->files[s->nr++];
	u32 flags;

	memset(f, 0, sizeof(*f));
	f->token = token;
	f->d.size = lrnd(4) ? 1 + lrnd(PFN_PHYS(1UL << lrnd(21))) : 0;
	if (f->d.size > PFN_PHYS(SIM_LUO_FILE_PAGES))
		f->d.size = PFN_PHYS(SIM_LUO_FILE_PAGES);
	f->d.pos = lrnd(f->d.size + 1);
	flags = lrnd(1UL << 20) & LUO_MEMFD_FLAGS_KNOWN;
	if ((flags & O_ACCMODE) == O_ACCMODE)
		flags &= ~O_WRONLY;
	f->d.flags = flags;
	f->d.seals = lrnd(1UL << 8) & LUO_MEMFD_SEALS_KNOWN;
	f->d.mode = lrnd(01000);
	snprintf(f->fname, sizeof(f->fname), "memfd:m%llu",
		 (unsigned long long)token);
	sim_luo_grow(f, lrnd(SIM_LUO_FOLIOS + 1));
}

static void sim_luo_new_session(void)
{
	struct sim_luo_session *s = &lm->s[lm->nr++];
	unsigned int n = lrnd(SIM_LUO_FILES + 1), j;

	memset(s, 0, sizeof(*s));
	/* Unique names, of every length up to the longest allowed. */
	snprintf(s->name, sizeof(s->name), "s%u-%u-%0*u", lm->seed,
		 lm->next_session++,
		 (int)lrnd(LIVEUPDATE_SESSION_NAME_LENGTH - 24), 0);
	for (j = 0; j < n; j++)
		sim_luo_new_file(s, lrnd(4) ? j : lrnd(~0ULL));
	/* Tokens are unique in a session: renumber a clash. */
	for (j = 1; j < s->nr; j++)
		if (s->files[j].token == s->files[0].token)
			s->files[j].token = s->files[0].token + j;
}

/**
 * sim_luo_a() - kernel A: make up sessions and preserve their folios
 * @seed: the round's seed, for messages; rand() is seeded already
 */
void sim_luo_a(unsigned int seed)
{
	unsigned int n = lrnd(SIM_LUO_SESSIONS + 1), i;

	lm->seed = seed;
	lm->nr = 0;
	lm->next_session = 0;
	lm->next_pfn = PHYS_PFN(SIM_LUO_BASE);
	for (i = 0; i < n; i++)
		sim_luo_new_session();
}

/**
 * sim_luo_count() - folios of the model, for sim_luo_ranges()
 *
 * Return: how many.
 */
unsigned int sim_luo_count(void)
{
	unsigned int n = 0, i, j;

	for (i = 0; i < lm->nr; i++)
		for (j = 0; j < lm->s[i].nr; j++)
			n += lm->s[i].files[j].nr;
	return n;
}

/**
 * sim_luo_ranges() - what the memfds' folios cover
 * @r: filled with one range per folio; sim_luo_count() entries
 *
 * Return: the number of ranges.
 */
unsigned int sim_luo_ranges(struct kho_range *r)
{
	unsigned int n = 0, i, j, k;

	for (i = 0; i < lm->nr; i++) {
		for (j = 0; j < lm->s[i].nr; j++) {
			const struct sim_luo_file *f = &lm->s[i].files[j];

			for (k = 0; k < f->nr; k++) {
				r[n].addr = PFN_PHYS(f->f[k].pfn);
				r[n++].size = PAGE_SIZE << f->f[k].order;
			}
		}
	}
	return n;
}

/* Index pages of @f, in metadata memory, preserved; sets f->d. */
static void sim_luo_write_index(struct sim_luo_file *f)
{
	struct kho_client *c = sim_client(LUO_KHO_NAME);
	struct luo_memfd_index *ix = NULL, *prev = NULL;
	unsigned int k;

	f->d.index = 0;
	f->d.nr = f->nr;
	f->d.bytes = 0;
	f->d.fname = f->fname;
	for (k = 0; k < f->nr; k++) {
		const struct sim_luo_folio *fo = &f->f[k];

		f->d.bytes += PAGE_SIZE << fo->order;
		if (ix && luo_memfd_index_add(ix, fo->index, PFN_PHYS(fo->pfn),
					      fo->order))
			continue;
		prev = ix;
		ix = alloc_pages_exact(PAGE_SIZE, 0);
		if (!ix)
			LFAIL("out of metadata memory for index pages");
		if (kho_track_add_folio(c, PHYS_PFN((u64)ix), 0))
			LFAIL("preserve of an index page");
		f->d.bytes += PAGE_SIZE;
		if (prev)
			prev->next = cpu_to_le64((u64)ix);
		else
			f->d.index = (u64)ix;
		luo_memfd_index_add(ix, fo->index, PFN_PHYS(fo->pfn), fo->order);
	}
}

/**
 * sim_luo_write() - kernel A's finalize: index pages and the sub-FDT
 * @sub: set to the client's sub-FDT
 *
 * Both go in metadata memory, preserved by the client, as the kernel
 * does.  Call once per finalize, after sim_meta_reset().
 *
 * Return: 1 with @sub set, or 0 if there is no session to carry.
 */
unsigned int sim_luo_write(struct kho_fdt_client *sub)
{
	unsigned int i, j;
	void *fdt;
	int err;

	if (!lm->nr)
		return 0;
	for (i = 0; i < lm->nr; i++)
		for (j = 0; j < lm->s[i].nr; j++)
			sim_luo_write_index(&lm->s[i].files[j]);
	fdt = alloc_pages_exact(SIM_LUO_FDT_SIZE, 0);
	if (!fdt)
		LFAIL("out of metadata memory for the sub-FDT");
	err = luo_fmt_begin(fdt, SIM_LUO_FDT_SIZE);
	for (i = 0; !err && i < lm->nr; i++) {
		const struct sim_luo_session *s = &lm->s[i];

		err = luo_fmt_session_begin(fdt, i, s->name);
		for (j = 0; !err && j < s->nr; j++)
			err = luo_fmt_memfd(fdt, j, s->files[j].token,
					    &s->files[j].d);
		err = err ?: luo_fmt_session_end(fdt);
	}
	err = err ?: luo_fmt_finish(fdt);
	if (err)
		LFAIL("writing the sub-FDT: %s", fdt_strerror(err));
	if (kho_track_add_range(sim_client(LUO_KHO_NAME), (u64)fdt,
				SIM_LUO_FDT_SIZE))
		LFAIL("preserve of the sub-FDT");
	memset(sub, 0, sizeof(*sub));
	sub->name = LUO_KHO_NAME;
	sub->fdt.addr = (u64)fdt;
	sub->fdt.size = fdt_totalsize(fdt);
	return 1;
}

/*
 * Kernel B's side: the format's parse and walk over the client's restore
 * index, claiming each index page and folio as the kernel does.  With a
 * model (@check), each is compared with it.
 */
struct sim_luo_b {
	struct luo_fmt_parser p;
	struct luo_memfd_walker w;
	struct kho_in_mem *m;
	bool check;
	int si, fi;
	unsigned int k;
	const struct sim_luo_file *f;
};

/* Claim the item of @kind that starts at @phys; false if there is none. */
static bool sim_luo_claim(struct kho_in_mem *m, phys_addr_t phys,
			  unsigned int kind)
{
	unsigned long pages;
	unsigned int got;
	s64 item;

	if (!m || !PAGE_ALIGNED(phys))
		return false;
	item = kho_in_item(m, PHYS_PFN(phys), &got, &pages);
	return item >= 0 && got == kind && kho_in_claim(m, item, pages);
}

static void *sim_luo_index_get(struct luo_memfd_walker *w, phys_addr_t phys)
{
	struct sim_luo_b *b = container_of(w, struct sim_luo_b, w);

	return sim_luo_claim(b->m, phys, 0) ? (void *)phys : NULL;
}

static int sim_luo_index_put(struct luo_memfd_walker *w, void *page, int err)
{
	return 0;
}

static int sim_luo_folio(struct luo_memfd_walker *w, u64 index,
			 phys_addr_t phys, unsigned int order)
{
	struct sim_luo_b *b = container_of(w, struct sim_luo_b, w);
	const struct sim_luo_folio *want;

	if (!sim_luo_claim(b->m, phys, order))
		return -ENOENT;
	if (!b->check)
		return 0;
	if (b->k == b->f->nr)
		LFAIL("%s/%llu: more folios than A had", lm->s[b->si].name,
		      (unsigned long long)b->f->token);
	want = &b->f->f[b->k++];
	if (index != want->index || PHYS_PFN(phys) != want->pfn ||
	    order != want->order)
		LFAIL("%s/%llu folio %u: index %llu pfn %#llx order %u, A had %llu %#llx %u",
		      lm->s[b->si].name, (unsigned long long)b->f->token,
		      b->k - 1, (unsigned long long)index,
		      (unsigned long long)PHYS_PFN(phys), order,
		      (unsigned long long)want->index,
		      (unsigned long long)want->pfn, want->order);
	return 0;
}

/* The session B was in has as many files as A's. */
static void sim_luo_session_done(const struct sim_luo_b *b)
{
	if (b->check && b->si >= 0 && b->fi + 1 != (int)lm->s[b->si].nr)
		LFAIL("%s: %d files came, A had %u", lm->s[b->si].name,
		      b->fi + 1, lm->s[b->si].nr);
}

static const char *sim_luo_session(struct luo_fmt_parser *p, const char *name)
{
	struct sim_luo_b *b = container_of(p, struct sim_luo_b, p);

	sim_luo_session_done(b);
	b->si++;
	b->fi = -1;
	if (!b->check)
		return NULL;
	if (b->si >= (int)lm->nr || strcmp(name, lm->s[b->si].name))
		LFAIL("session %d is \"%s\", A had \"%s\"", b->si, name,
		      b->si < (int)lm->nr ? lm->s[b->si].name : "(none)");
	lm->sessions++;
	return NULL;
}

static const char *sim_luo_file(struct luo_fmt_parser *p, u64 token,
				const struct luo_memfd_desc *d)
{
	struct sim_luo_b *b = container_of(p, struct sim_luo_b, p);
	const struct luo_memfd_desc *a;

	b->fi++;
	if (b->check) {
		const struct sim_luo_session *s = &lm->s[b->si];

		if (b->fi >= (int)s->nr)
			LFAIL("%s: more files than A had", s->name);
		b->f = &s->files[b->fi];
		a = &b->f->d;
		if (token != b->f->token || d->size != a->size ||
		    d->pos != a->pos || d->index != a->index ||
		    d->nr != a->nr || d->bytes != a->bytes ||
		    d->flags != a->flags || d->seals != a->seals ||
		    d->mode != a->mode || strcmp(d->fname, a->fname))
			LFAIL("%s file %d (token %llu): its node differs from A's",
			      s->name, b->fi, (unsigned long long)token);
		b->k = 0;
	}
	b->w.d = d;
	if (luo_memfd_walk(&b->w)) {
		if (b->check)
			LFAIL("%s/%llu: walk refused: %s (%#llx)",
			      lm->s[b->si].name, (unsigned long long)token,
			      b->w.why, (unsigned long long)b->w.bad);
		return NULL;
	}
	if (b->check) {
		if (b->k != b->f->nr)
			LFAIL("%s/%llu: %u folios came back, A had %u",
			      lm->s[b->si].name, (unsigned long long)token,
			      b->k, b->f->nr);
		lm->files++;
		lm->folios += b->k;
	}
	return NULL;
}

/**
 * sim_luo_restore() - kernel B: parse the client's sub-FDT, walk its memfds
 * @fdt: the sub-FDT, as KHO checked it
 * @m: the client's restore index, or NULL if it has no record
 * @check: compare everything with the model, and fail on any difference
 *
 * A memfd whose walk fails is left as it is and the parse goes on.
 *
 * Return: NULL, or why the sub-FDT was refused.
 */
const char *sim_luo_restore(const void *fdt, struct kho_in_mem *m, bool check)
{
	struct sim_luo_b b = {
		.p.session = sim_luo_session,
		.p.file = sim_luo_file,
		.w.index_get = sim_luo_index_get,
		.w.index_put = sim_luo_index_put,
		.w.folio = sim_luo_folio,
		.m = m,
		.check = check,
		.si = -1,
	};
	const char *why = luo_fmt_parse(fdt, &b.p);

	if (check && !why && b.si + 1 != (int)lm->nr)
		LFAIL("%d sessions came, A had %u", b.si + 1, lm->nr);
	if (!why)
		sim_luo_session_done(&b);
	return why;
}

/* Preserve @f again; if @change, with some folios dropped and some added. */
static void sim_luo_keep_file(struct sim_luo_file *f, bool change)
{
	unsigned int k, n = 0;

	for (k = 0; k < f->nr; k++) {
		if (!change || lrnd(3))
			f->f[n++] = f->f[k];
	}
	f->nr = n;
	for (k = 0; k < n; k++)
		sim_luo_track(&f->f[k]);
	if (!change)
		return;
	f->d.pos = lrnd(f->d.size + 1);
	sim_luo_grow(f, n + lrnd(SIM_LUO_FOLIOS - n + 1));
}

/**
 * sim_luo_again() - kernel B hands on
 *
 * Re-preserves what came back, with some sessions dropped or added and
 * some files changed.  Call after sim_luo_b(), before the finalize.
 */
void sim_luo_again(void)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < lm->nr; i++) {
		struct sim_luo_session *s = &lm->s[i];

		if (!lrnd(4))
			continue;
		for (j = 0; j < s->nr; j++)
			sim_luo_keep_file(&s->files[j], lrnd(2));
		if (n != i)
			lm->s[n] = *s;
		n++;
	}
	lm->nr = n;
	if (lm->nr < SIM_LUO_SESSIONS && lrnd(2))
		sim_luo_new_session();
}

/**
 * sim_luo_b() - kernel B: check the live-update handover against the model
 * @in: the accepted handover
 */
void sim_luo_b(const struct kho_in *in)
{
	const struct kho_in_client *lc = NULL;
	struct kho_in_mem *m = NULL;
	const char *why;
	unsigned int i;

	for (i = 0; i < in->nr_clients; i++)
		if (!strcmp(in->clients[i].name, LUO_KHO_NAME))
			lc = &in->clients[i];
	if (!lm->nr) {
		if (lc)
			LFAIL("a client came, A had no session");
		return;
	}
	if (!lc || !lc->fdt.size || !lc->mem.size)
		LFAIL("the client or its sub-FDT did not come");
	m = kho_in_mem_build((const void *)lc->mem.addr, lc->mem.size,
			     kho_in_items_max(lc->mem.size, SIM_RAM_PAGES));
	if (!m)
		LFAIL("kho_in_mem_build");
	why = sim_luo_restore((const void *)lc->fdt.addr, m, true);
	if (why)
		LFAIL("the sub-FDT was refused: %s", why);
	if (!sim_luo_claim(m, lc->fdt.addr, KHO_KIND_RANGE))
		LFAIL("the sub-FDT was not preserved by the client");
	if (kho_in_unclaimed(m))
		LFAIL("%llu bytes of the client left unclaimed",
		      (unsigned long long)kho_in_unclaimed(m));
	kho_in_mem_free(m);
}

/**
 * sim_luo_stats() - what the last kernel B checked
 * @sessions: sessions
 * @files: memfds
 * @folios: folios
 */
void sim_luo_stats(u64 *sessions, u64 *files, u64 *folios)
{
	*sessions = lm->sessions;
	*files = lm->files;
	*folios = lm->folios;
}
