// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the live-update handover format: the next kernel's check
 * of the liveupdate sub-FDT (luo_in_parse(), through luo_fmt_parse()) and
 * of each memfd node (luo_memfd_desc_read()), on sub-FDTs built here,
 * valid and damaged.
 *
 * Included by luo_core.c, so that the static parser can be reached.  The
 * cases use the incoming session list and need it empty: the kunit boot
 * has no handover.
 */

#include <kunit/test.h>
#include <linux/fcntl.h>
#include <linux/sizes.h>

#define LUO_T_FDT_SIZE	SZ_8K
#define LUO_T_BAD_LIST	"a memfd with a bad folio list"

/* A memfd node; each field can be damaged, or left out by @omit. */
struct luo_t_file {
	u64 token;
	int token_len;
	const char *compatible;
	u64 size, pos, index, nr, bytes;
	u32 flags, seals, mode;
	const char *fname;
	const char *omit;
};

static const struct luo_t_file luo_t_good = {
	.token_len = sizeof(u64),
	.compatible = LUO_MEMFD_COMPATIBLE,
	.size = SZ_8K,
	.index = SZ_4K,
	.nr = 2,
	.bytes = SZ_8K + SZ_4K,
	.flags = O_RDWR,
	.mode = 0600,
	.fname = "memfd:guest",
};

static int luo_t_prop(void *fdt, const struct luo_t_file *f, const char *name,
		      const void *val, int len)
{
	if (f->omit && !strcmp(f->omit, name))
		return 0;
	return fdt_property(fdt, name, val, len);
}

static int luo_t_u64(void *fdt, const struct luo_t_file *f, const char *name,
		     u64 v)
{
	fdt64_t be = cpu_to_fdt64(v);

	return luo_t_prop(fdt, f, name, &be, sizeof(be));
}

static int luo_t_u32(void *fdt, const struct luo_t_file *f, const char *name,
		     u32 v)
{
	fdt32_t be = cpu_to_fdt32(v);

	return luo_t_prop(fdt, f, name, &be, sizeof(be));
}

static void luo_t_file(struct kunit *test, void *fdt, unsigned int i,
		       const struct luo_t_file *f)
{
	fdt64_t tok = cpu_to_fdt64(f->token);
	char node[16];

	snprintf(node, sizeof(node), "f%u", i);
	KUNIT_ASSERT_EQ(test, 0,
			fdt_begin_node(fdt, node) ?:
			luo_t_prop(fdt, f, "compatible", f->compatible,
				   strlen(f->compatible) + 1) ?:
			luo_t_prop(fdt, f, LUO_FDT_TOKEN, &tok, f->token_len) ?:
			luo_t_u64(fdt, f, LUO_MEMFD_SIZE, f->size) ?:
			luo_t_u64(fdt, f, LUO_MEMFD_POS, f->pos) ?:
			luo_t_u32(fdt, f, LUO_MEMFD_FLAGS, f->flags) ?:
			luo_t_u32(fdt, f, LUO_MEMFD_SEALS, f->seals) ?:
			luo_t_u32(fdt, f, LUO_MEMFD_MODE, f->mode) ?:
			luo_t_prop(fdt, f, LUO_MEMFD_FNAME, f->fname,
				   strlen(f->fname) + 1) ?:
			luo_t_u64(fdt, f, LUO_MEMFD_INDEX, f->index) ?:
			luo_t_u64(fdt, f, LUO_MEMFD_NR_FOLIOS, f->nr) ?:
			luo_t_u64(fdt, f, LUO_MEMFD_BYTES, f->bytes) ?:
			fdt_end_node(fdt));
}

/* Start a sub-FDT with @compatible; sessions follow. */
static void *luo_t_begin(struct kunit *test, const char *compatible)
{
	void *fdt = kunit_kzalloc(test, LUO_T_FDT_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fdt);
	KUNIT_ASSERT_EQ(test, 0,
			fdt_create(fdt, LUO_T_FDT_SIZE) ?:
			fdt_finish_reservemap(fdt) ?:
			fdt_begin_node(fdt, "") ?:
			fdt_property_string(fdt, "compatible", compatible) ?:
			fdt_begin_node(fdt, LUO_FDT_SESSIONS));
	return fdt;
}

static void luo_t_session(struct kunit *test, void *fdt, unsigned int i,
			  const char *name, const struct luo_t_file *files,
			  unsigned int nr)
{
	char node[16];
	unsigned int j;

	snprintf(node, sizeof(node), "s%u", i);
	KUNIT_ASSERT_EQ(test, 0, fdt_begin_node(fdt, node));
	if (name)
		KUNIT_ASSERT_EQ(test, 0, fdt_property(fdt, LUO_FDT_NAME, name,
						      strlen(name) + 1));
	for (j = 0; j < nr; j++)
		luo_t_file(test, fdt, j, &files[j]);
	KUNIT_ASSERT_EQ(test, 0, fdt_end_node(fdt));
}

static void luo_t_end(struct kunit *test, void *fdt)
{
	KUNIT_ASSERT_EQ(test, 0, fdt_end_node(fdt) ?: fdt_end_node(fdt) ?:
				 fdt_finish(fdt));
}

/* Drop every incoming session the parser built.  luo_lock held. */
static void luo_t_drop(void)
{
	struct luo_session *s, *tmp;

	list_for_each_entry_safe(s, tmp, &luo_in, list)
		luo_session_free(s);
}

/*
 * Parse @fdt as the next kernel would and drop what it built.  Nothing
 * here may abort the test while luo_lock is held.
 */
static const char *luo_t_parse(struct kunit *test, const void *fdt,
			       u32 *sessions, u64 *bytes)
{
	const char *why;
	u64 b;
	u32 n;

	guard(mutex)(&luo_lock);
	why = luo_in_parse(fdt);
	n = luo_in_count(&b);
	if (sessions)
		*sessions = n;
	if (bytes)
		*bytes = b;
	luo_t_drop();
	return why;
}

/* One session of one file, with @f instead of a good file. */
static const char *luo_t_one(struct kunit *test, const struct luo_t_file *f)
{
	void *fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);

	luo_t_session(test, fdt, 0, "vm1", f, 1);
	luo_t_end(test, fdt);
	return luo_t_parse(test, fdt, NULL, NULL);
}

static void luo_format_valid(struct kunit *test)
{
	struct luo_t_file files[2] = { luo_t_good, luo_t_good };
	void *fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	bool other_side = true, empty = false, prefix = true, no_8 = false;
	u64 b, s_bytes = 0, f_bytes = 0;
	u32 n, nr_files = 0;
	const char *why;
	int status = -1;

	files[1].token = 7;
	files[1].bytes = SZ_2M;
	luo_t_session(test, fdt, 0, "vm1", files, 2);
	luo_t_session(test, fdt, 1, "vm2", files, 1);
	luo_t_session(test, fdt, 2, "empty", NULL, 0);
	luo_t_end(test, fdt);

	scoped_guard(mutex, &luo_lock) {
		struct luo_session *s;
		struct luo_file *f;

		why = luo_in_parse(fdt);
		n = luo_in_count(&b);
		s = luo_find(true, "vm1");
		if (s) {
			nr_files = s->nr_files;
			s_bytes = s->bytes;
			f = luo_file_find(s, 7);
			if (f) {
				f_bytes = f->desc.bytes;
				status = f->status;
			}
			no_8 = !luo_file_find(s, 8);
		}
		other_side = luo_find(false, "vm1");
		empty = luo_find(true, "empty");
		prefix = luo_find(true, "vm");
		luo_t_drop();
	}
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, b, 2 * luo_t_good.bytes + SZ_2M);
	KUNIT_EXPECT_EQ(test, nr_files, 2);
	KUNIT_EXPECT_EQ(test, s_bytes, luo_t_good.bytes + SZ_2M);
	KUNIT_EXPECT_EQ(test, f_bytes, SZ_2M);
	KUNIT_EXPECT_EQ(test, status, 0);
	KUNIT_EXPECT_TRUE(test, no_8);
	KUNIT_EXPECT_FALSE(test, other_side);
	KUNIT_EXPECT_TRUE(test, empty);
	KUNIT_EXPECT_FALSE(test, prefix);
}

static void luo_format_root(struct kunit *test)
{
	void *fdt = luo_t_begin(test, "kho-linux-6.12,liveupdate-v2");
	void *junk = kunit_kzalloc(test, SZ_4K, GFP_KERNEL);

	luo_t_end(test, fdt);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, NULL, NULL),
			   "the sub-FDT is not " LUO_FDT_COMPATIBLE);
	KUNIT_ASSERT_NOT_NULL(test, junk);
	memset(junk, 0xd0, SZ_4K);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, junk, NULL, NULL),
			   "the sub-FDT has a bad header");

	fdt = kunit_kzalloc(test, LUO_T_FDT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fdt);
	KUNIT_ASSERT_EQ(test, 0,
			fdt_create(fdt, LUO_T_FDT_SIZE) ?:
			fdt_finish_reservemap(fdt) ?: fdt_begin_node(fdt, "") ?:
			fdt_property_string(fdt, "compatible",
					    LUO_FDT_COMPATIBLE) ?:
			fdt_end_node(fdt) ?: fdt_finish(fdt));
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, NULL, NULL),
			   "the sub-FDT has no " LUO_FDT_SESSIONS " node");
}

static void luo_format_sessions(struct kunit *test)
{
	char long_name[LIVEUPDATE_SESSION_NAME_LENGTH + 1];
	void *fdt;
	u32 n;

	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, NULL, &luo_t_good, 1);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, NULL, NULL),
			   "a session without a proper name");

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, long_name, &luo_t_good, 1);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, NULL, NULL),
			   "a session without a proper name");

	/* 63 bytes and the NUL: the longest name there is */
	long_name[LIVEUPDATE_SESSION_NAME_LENGTH - 1] = 0;
	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, long_name, &luo_t_good, 1);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_NULL(test, luo_t_parse(test, fdt, &n, NULL));
	KUNIT_EXPECT_EQ(test, n, 1);

	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, "vm1", &luo_t_good, 1);
	luo_t_session(test, fdt, 1, "vm2", &luo_t_good, 1);
	luo_t_session(test, fdt, 2, "vm1", &luo_t_good, 1);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, &n, NULL),
			   "two sessions with one name");
	/* Refused at the third: luo_in_init() must drop the two before. */
	KUNIT_EXPECT_EQ(test, n, 2);
}

static void luo_format_files(struct kunit *test)
{
	struct luo_t_file f[2] = { luo_t_good, luo_t_good };
	void *fdt;

	f[0].compatible = "kho-linux-6.12,socket-v1";
	KUNIT_EXPECT_STREQ(test, luo_t_one(test, &f[0]),
			   "a file of an unknown kind");
	f[0] = luo_t_good;
	f[0].omit = LUO_FDT_TOKEN;
	KUNIT_EXPECT_STREQ(test, luo_t_one(test, &f[0]),
			   "a file without a token");
	f[0] = luo_t_good;
	f[0].token_len = sizeof(u32);
	KUNIT_EXPECT_STREQ(test, luo_t_one(test, &f[0]),
			   "a file without a token");

	f[0] = luo_t_good;
	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, "vm1", f, 2);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, NULL, NULL),
			   "two files with one token");

	/* The same token in two sessions is fine. */
	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, "vm1", f, 1);
	luo_t_session(test, fdt, 1, "vm2", f, 1);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_NULL(test, luo_t_parse(test, fdt, NULL, NULL));

	f[0].bytes = U64_MAX;
	f[1].bytes = 2;
	f[1].token = 1;
	fdt = luo_t_begin(test, LUO_FDT_COMPATIBLE);
	luo_t_session(test, fdt, 0, "vm1", f, 2);
	luo_t_end(test, fdt);
	KUNIT_EXPECT_STREQ(test, luo_t_parse(test, fdt, NULL, NULL),
			   "byte count overflows");
}

/* Damage one thing of a good memfd node; expect it refused for @why. */
static void luo_t_bad_memfd(struct kunit *test, struct luo_t_file *f,
			    const char *what, const char *why)
{
	KUNIT_EXPECT_STREQ_MSG(test, luo_t_one(test, f), why, "%s", what);
	*f = luo_t_good;
}

static void luo_format_memfd(struct kunit *test)
{
	static const char * const props[] = {
		LUO_MEMFD_SIZE, LUO_MEMFD_POS, LUO_MEMFD_FLAGS, LUO_MEMFD_SEALS,
		LUO_MEMFD_MODE, LUO_MEMFD_FNAME, LUO_MEMFD_INDEX,
		LUO_MEMFD_NR_FOLIOS, LUO_MEMFD_BYTES,
	};
	struct luo_t_file f = luo_t_good;
	unsigned int i;

	KUNIT_EXPECT_NULL(test, luo_t_one(test, &f));
	for (i = 0; i < ARRAY_SIZE(props); i++) {
		f.omit = props[i];
		luo_t_bad_memfd(test, &f, props[i],
				!strcmp(props[i], LUO_MEMFD_FNAME) ?
				"a memfd with a bad file name" :
				"a memfd property is missing or has the wrong size");
	}
	f.fname = "a/b";
	luo_t_bad_memfd(test, &f, "a slash in the name",
			"a memfd with a bad file name");
	f.fname = "";
	luo_t_bad_memfd(test, &f, "an empty name",
			"a memfd with a bad file name");
	f.size = (u64)MAX_LFS_FILESIZE + 1;
	luo_t_bad_memfd(test, &f, "size past MAX_LFS_FILESIZE",
			"a memfd size or position out of range");
	f.pos = (u64)MAX_LFS_FILESIZE + 1;
	luo_t_bad_memfd(test, &f, "position past MAX_LFS_FILESIZE",
			"a memfd size or position out of range");
	f.flags = O_RDWR | O_DIRECT;
	luo_t_bad_memfd(test, &f, "an open flag this version does not carry",
			"a memfd with unknown open flags");
	f.flags = O_ACCMODE;
	luo_t_bad_memfd(test, &f, "access mode 3",
			"a memfd with unknown open flags");
	f.seals = 0x8000;
	luo_t_bad_memfd(test, &f, "an unknown seal",
			"a memfd with unknown seals");
	f.mode = 01777;
	luo_t_bad_memfd(test, &f, "mode bits beyond 0777",
			"a memfd with a bad mode");
	f.nr = 3;
	luo_t_bad_memfd(test, &f, "more folios than pages", LUO_T_BAD_LIST);
	f.index = 0;
	luo_t_bad_memfd(test, &f, "folios and no index page", LUO_T_BAD_LIST);
	f.nr = 0;
	luo_t_bad_memfd(test, &f, "an index page and no folios", LUO_T_BAD_LIST);
	f.index = SZ_4K + 8;
	luo_t_bad_memfd(test, &f, "an unaligned index page", LUO_T_BAD_LIST);

	/* An empty memfd: no folios, no index page. */
	f.nr = 0;
	f.index = 0;
	f.size = 0;
	KUNIT_EXPECT_NULL(test, luo_t_one(test, &f));
	/* A sparse one: 64 GiB and one folio. */
	f = luo_t_good;
	f.size = 64ULL << 30;
	f.nr = 1;
	KUNIT_EXPECT_NULL(test, luo_t_one(test, &f));
}

/*
 * The folio-list walk, on index pages of this test.  The folios are only
 * addresses: the walker's callbacks never touch them.
 */
#define LUO_T_INDEX_PAGES	2
#define LUO_T_FOLIO_BASE	SZ_1G

struct luo_t_walk {
	struct luo_memfd_walker w;
	struct luo_memfd_desc d;
	struct luo_memfd_index *ix[LUO_T_INDEX_PAGES];
	unsigned int gets, puts, folios;
	phys_addr_t missing;
};

static void *luo_t_index_get(struct luo_memfd_walker *w, phys_addr_t phys)
{
	struct luo_t_walk *t = container_of(w, struct luo_t_walk, w);
	unsigned int i;

	for (i = 0; i < LUO_T_INDEX_PAGES; i++) {
		if (phys == virt_to_phys(t->ix[i])) {
			t->gets++;
			return t->ix[i];
		}
	}
	return NULL;
}

static int luo_t_index_put(struct luo_memfd_walker *w, void *page, int err)
{
	container_of(w, struct luo_t_walk, w)->puts++;
	return 0;
}

static int luo_t_folio(struct luo_memfd_walker *w, u64 index,
		       phys_addr_t phys, unsigned int order)
{
	struct luo_t_walk *t = container_of(w, struct luo_t_walk, w);

	if (phys == t->missing)
		return -ENOENT;
	t->folios++;
	return 0;
}

/*
 * A good list of a 1 MiB memfd: page 0, then an order-1 folio at page 2,
 * and in the second index page an order-3 folio at page 8.
 */
static struct luo_t_walk *luo_t_walk_new(struct kunit *test)
{
	struct luo_t_walk *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < LUO_T_INDEX_PAGES; i++) {
		/* Power-of-two kmalloc sizes are naturally aligned. */
		t->ix[i] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->ix[i]);
	}
	KUNIT_ASSERT_TRUE(test, luo_memfd_index_add(t->ix[0], 0,
						    LUO_T_FOLIO_BASE, 0));
	KUNIT_ASSERT_TRUE(test, luo_memfd_index_add(t->ix[0], 2,
						    LUO_T_FOLIO_BASE + SZ_8K,
						    1));
	KUNIT_ASSERT_TRUE(test, luo_memfd_index_add(t->ix[1], 8,
						    LUO_T_FOLIO_BASE + SZ_32K,
						    3));
	t->ix[0]->next = cpu_to_le64(virt_to_phys(t->ix[1]));
	t->d.size = SZ_1M;
	t->d.index = virt_to_phys(t->ix[0]);
	t->d.nr = 3;
	t->w.d = &t->d;
	t->w.index_get = luo_t_index_get;
	t->w.index_put = luo_t_index_put;
	t->w.folio = luo_t_folio;
	return t;
}

/* Damage the good list through @entry of the second page; walk it. */
static const char *luo_t_walk_bad(struct kunit *test, u64 index, u64 po)
{
	struct luo_t_walk *t = luo_t_walk_new(test);

	t->ix[1]->folios[0].index = cpu_to_le64(index);
	t->ix[1]->folios[0].phys_order = cpu_to_le64(po);
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -EIO);
	KUNIT_EXPECT_EQ(test, t->folios, 2);
	KUNIT_EXPECT_EQ(test, t->gets, t->puts);
	return t->w.why;
}

static void luo_format_walk(struct kunit *test)
{
	static const char order[] = "a folio entry with a bad order";
	static const char place[] =
		"a folio entry out of order or past the end of the file";
	struct luo_t_walk *t = luo_t_walk_new(test);
	struct luo_memfd_index *ix;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), 0);
	KUNIT_EXPECT_NULL(test, t->w.why);
	KUNIT_EXPECT_EQ(test, t->folios, 3);
	KUNIT_EXPECT_EQ(test, t->gets, 2);
	KUNIT_EXPECT_EQ(test, t->puts, 2);

	/* Each entry checked against the file and the entries before it. */
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, 2, LUO_T_FOLIO_BASE | 3),
			   place);
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, 4, LUO_T_FOLIO_BASE | 3),
			   place);
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, 256, LUO_T_FOLIO_BASE),
			   place);
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, U64_MAX & ~7ULL,
						LUO_T_FOLIO_BASE | 3), place);
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, 8, LUO_T_FOLIO_BASE |
						(MAX_PAGE_ORDER + 1)), order);
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, 8, LUO_T_FOLIO_BASE |
						BIT(8) | 3), order);
	KUNIT_EXPECT_STREQ(test, luo_t_walk_bad(test, 8, LUO_T_FOLIO_BASE +
						SZ_4K + 3),
			   "a folio entry at an address not aligned to its order");

	/* Index pages: preserved, with counts that add up to nr-folios. */
	t = luo_t_walk_new(test);
	t->d.index = LUO_T_FOLIO_BASE;
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -EIO);
	KUNIT_EXPECT_STREQ(test, t->w.why, "an index page was not preserved");
	KUNIT_EXPECT_EQ(test, t->w.bad, t->d.index);
	t = luo_t_walk_new(test);
	t->ix[1]->nr = 0;
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -EIO);
	KUNIT_EXPECT_STREQ(test, t->w.why, "an index page holds a bad count");
	t = luo_t_walk_new(test);
	t->d.nr = 2;
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -EIO);
	KUNIT_EXPECT_STREQ(test, t->w.why, "an index page holds a bad count");
	t = luo_t_walk_new(test);
	t->d.nr = 4;
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -EIO);
	KUNIT_EXPECT_STREQ(test, t->w.why,
			   "the folio list is shorter than nr-folios");
	KUNIT_EXPECT_EQ(test, t->w.bad, 3);
	/* A list that loops back is refused when a page comes twice. */
	t = luo_t_walk_new(test);
	t->d.nr = 6;
	t->ix[1]->next = cpu_to_le64(t->d.index);
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -EIO);
	KUNIT_EXPECT_STREQ(test, t->w.why, place);

	/* A folio the client did not preserve with that order. */
	t = luo_t_walk_new(test);
	t->missing = LUO_T_FOLIO_BASE + SZ_8K;
	KUNIT_EXPECT_EQ(test, luo_memfd_walk(&t->w), -ENOENT);
	KUNIT_EXPECT_STREQ(test, t->w.why,
			   "a folio was not preserved with its order");
	KUNIT_EXPECT_EQ(test, t->w.bad, 2);
	KUNIT_EXPECT_EQ(test, t->folios, 1);

	/* A full index page takes no more. */
	ix = t->ix[0];
	memset(ix, 0, PAGE_SIZE);
	for (i = 0; i < LUO_MEMFD_PER_PAGE; i++)
		KUNIT_ASSERT_TRUE(test, luo_memfd_index_add(ix, i, 0, 0));
	KUNIT_EXPECT_FALSE(test, luo_memfd_index_add(ix, i, 0, 0));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ix->nr), LUO_MEMFD_PER_PAGE);
}

static struct kunit_case luo_format_cases[] = {
	KUNIT_CASE(luo_format_valid),
	KUNIT_CASE(luo_format_root),
	KUNIT_CASE(luo_format_sessions),
	KUNIT_CASE(luo_format_files),
	KUNIT_CASE(luo_format_memfd),
	KUNIT_CASE(luo_format_walk),
	{}
};

/* The cases use the incoming list: it must be empty (no handover). */
static int luo_format_init(struct kunit *test)
{
	guard(mutex)(&luo_lock);
	return list_empty(&luo_in) ? 0 : -EBUSY;
}

static struct kunit_suite luo_format_suite = {
	.name = "liveupdate_format",
	.init = luo_format_init,
	.test_cases = luo_format_cases,
};

kunit_test_suite(luo_format_suite);
