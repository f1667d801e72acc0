// SPDX-License-Identifier: GPL-2.0
/*
 * luo_test: the guest side of the live-update tests.
 *
 *   luo_test hold MODE [PREFIX]   first kernel: build the sessions MODE
 *                                 asks for, check what must be checked
 *                                 there, write "ready" to /tmp/luo.ready
 *                                 and hold every session open until
 *                                 killed (or the kexec)
 *   luo_test check MODE [PREFIX]  next kernel: retrieve and check them
 *   luo_test relay MODE [PREFIX]  middle of a chain: check, change some
 *                                 bytes, preserve everything again, hold
 *
 * MODE: memfd (every kind of memfd), light (the same without the 1 GiB
 * one), errors (every misuse and its errno, two processes), closed
 * (sessions closed before the kexec), unretrieved (sessions B releases),
 * scale (thousands of sessions from several processes, and a session of
 * hundreds of memfds).
 *
 * The blackout benchmark (make bench-blackout):
 *   luo_test bhold none|4k|thp    A: session "bench" of a clock memfd and,
 *                                 unless none, a 1 GiB memfd; hold it
 *   luo_test stamp                A: write the TSC into the clock memfd
 *                                 and exec kexec -e
 *   luo_test blackout             B: retrieve, map the 1 GiB memfd, read
 *                                 its first byte; print the TSC time
 *                                 since the stamp
 *
 * What the first kernel saw (sha256 of each memfd's data extents, its
 * size, position, flags and seals, the physical frames of its pages) goes
 * to the next kernel in a memfd of its own, token 0 of session
 * "luo-test-state".  Results are "kho-test: ok|not ok NAME # what" lines
 * on /dev/kmsg, as the scenarios print them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/liveupdate.h>

#define PAGE		4096UL
#define MIB		(1UL << 20)
#define GIB		(1UL << 30)
#define STATE_SESSION	"luo-test-state"
#define KPF_THP		22
#define KPF_HEAD	15
#define SHMEM_THP	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"

static const char *prefix = "luo";
static int failed;

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
		fputs(buf, stdout);
	if (fd >= 0)
		close(fd);
}

static void check(int ok, const char *name, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!ok)
		failed = 1;
	say("kho-test: %s %s.%s # %s\n", ok ? "ok" : "not ok", prefix, name,
	    what);
}

static void __attribute__((noreturn)) die(const char *what)
{
	int fd;

	check(0, "fatal", "%s: %s", what, strerror(errno));
	/* A holder that dies says so, so that the scenario does not wait. */
	fd = open("/tmp/luo.ready", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && write(fd, "failed\n", 7) < 0)
		fd = -1;
	exit(1);
}

/* ---- sha256 ---------------------------------------------------------- */

struct sha256 {
	uint32_t h[8];
	uint8_t buf[64];
	uint64_t len;
};

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 |
		       p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(a, s->h, sizeof(a));
	for (i = 0; i < 64; i++) {
		t1 = a[7] + (ROR(a[4], 6) ^ ROR(a[4], 11) ^ ROR(a[4], 25)) +
		     ((a[4] & a[5]) ^ (~a[4] & a[6])) + sha_k[i] + w[i];
		t2 = (ROR(a[0], 2) ^ ROR(a[0], 13) ^ ROR(a[0], 22)) +
		     ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
		memmove(a + 1, a, 7 * sizeof(a[0]));
		a[4] += t1;
		a[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += a[i];
}

static void sha_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
}

static void sha_add(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t used = s->len % 64;

	s->len += n;
	if (used) {
		size_t k = 64 - used < n ? 64 - used : n;

		memcpy(s->buf + used, p, k);
		p += k;
		n -= k;
		if (used + k < 64)
			return;
		sha_block(s, s->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		sha_block(s, p);
	memcpy(s->buf, p, n);
}

static void sha_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, be[8];
	int i;

	sha_add(s, &pad, 1);
	pad = 0;
	while (s->len % 64 != 56)
		sha_add(s, &pad, 1);
	for (i = 0; i < 8; i++)
		be[i] = bits >> (56 - 8 * i);
	sha_add(s, be, 8);
	for (i = 0; i < 8; i++)
		sprintf(out + 8 * i, "%08x", s->h[i]);
}

/* ---- looking at a memfd -------------------------------------------- */

struct look {
	char sha[65];		/* of (offset, bytes) of every data extent */
	char frames[65];	/* of (page index, frame) of every data page */
	uint64_t data;		/* bytes in data extents */
	uint64_t heads;		/* THP heads among the frames */
	uint64_t size;
	int64_t pos;
	int flags, seals;
};

static uint64_t frame_of(int pm, const void *va)
{
	uint64_t e;

	if (pread(pm, &e, 8, (uintptr_t)va / PAGE * 8) != 8)
		die("pagemap");
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

static int is_thp_head(int kpf, uint64_t pfn)
{
	uint64_t f;

	if (pread(kpf, &f, 8, pfn * 8) != 8)
		die("kpageflags");
	return (f >> KPF_THP & 1) && (f >> KPF_HEAD & 1);
}

static void look_at(int fd, struct look *l)
{
	struct sha256 data, frames;
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kpf = open("/proc/kpageflags", O_RDONLY);
	struct stat st;
	off_t off = 0;

	if (pm < 0 || kpf < 0 || fstat(fd, &st))
		die("open pagemap/kpageflags");
	memset(l, 0, sizeof(*l));
	l->size = st.st_size;
	l->pos = lseek(fd, 0, SEEK_CUR);
	l->flags = fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND);
	l->seals = fcntl(fd, F_GET_SEALS);
	sha_init(&data);
	sha_init(&frames);
	while (off < st.st_size) {
		off_t start = lseek(fd, off, SEEK_DATA), end, o;
		uint8_t *map;

		if (start < 0)
			break;
		end = lseek(fd, start, SEEK_HOLE);
		map = mmap(NULL, end - start, PROT_READ, MAP_SHARED, fd, start);
		if (map == MAP_FAILED)
			die("mmap");
		sha_add(&data, &start, sizeof(start));
		sha_add(&data, map, end - start);
		for (o = 0; o < end - start; o += PAGE) {
			uint64_t idx = (start + o) / PAGE;
			uint64_t pfn = frame_of(pm, map + o);

			sha_add(&frames, &idx, sizeof(idx));
			sha_add(&frames, &pfn, sizeof(pfn));
			l->heads += pfn && is_thp_head(kpf, pfn);
		}
		munmap(map, end - start);
		l->data += end - start;
		off = end;
	}
	/* SEEK_DATA moved the position: put it back */
	lseek(fd, l->pos, SEEK_SET);
	sha_hex(&data, l->sha);
	sha_hex(&frames, l->frames);
	close(pm);
	close(kpf);
}

/* ---- /dev/liveupdate ------------------------------------------------- */

static int dev_open(void)
{
	int fd = open("/dev/liveupdate", O_RDWR);

	if (fd < 0)
		die("open /dev/liveupdate");
	return fd;
}

static int create_session(int dev, const char *name)
{
	struct liveupdate_ioctl_create_session a = { .size = sizeof(a) };

	snprintf((char *)a.name, sizeof(a.name), "%s", name);
	return ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &a) ? -errno : a.fd;
}

static int retrieve_session(int dev, const char *name)
{
	struct liveupdate_ioctl_retrieve_session a = { .size = sizeof(a) };

	snprintf((char *)a.name, sizeof(a.name), "%s", name);
	return ioctl(dev, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &a) ? -errno : a.fd;
}

static int preserve(int s, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd a = {
		.size = sizeof(a), .fd = fd, .token = token,
	};

	return ioctl(s, LIVEUPDATE_SESSION_PRESERVE_FD, &a) ? -errno : 0;
}

static int retrieve(int s, uint64_t token)
{
	struct liveupdate_session_retrieve_fd a = {
		.size = sizeof(a), .token = token,
	};

	return ioctl(s, LIVEUPDATE_SESSION_RETRIEVE_FD, &a) ? -errno : a.fd;
}

static int finish(int s)
{
	struct liveupdate_session_finish a = { .size = sizeof(a) };

	return ioctl(s, LIVEUPDATE_SESSION_FINISH, &a) ? -errno : 0;
}

/* Bytes of data pattern: depends on the file, the offset and a round. */
static void fill(int fd, off_t off, size_t len, unsigned int seed)
{
	uint8_t *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			    off);
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + off + 1, *p;
	size_t i;

	if (map == MAP_FAILED)
		die("mmap for writing");
	p = (uint64_t *)map;
	for (i = 0; i < len / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
	munmap(map, len);
}

/* Does [@off, @off + @len) of @fd hold what fill() wrote with @seed? */
static int filled(int fd, off_t off, size_t len, unsigned int seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + off + 1, *p;
	uint8_t *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	size_t i;
	int ok = 1;

	if (map == MAP_FAILED)
		return 0;
	p = (uint64_t *)map;
	for (i = 0; i < len / 8 && ok; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ok = p[i] == x;
	}
	munmap(map, len);
	return ok;
}

static int new_memfd(const char *name, unsigned int flags, uint64_t size)
{
	int fd = memfd_create(name, flags);

	if (fd < 0 || ftruncate(fd, size))
		die("memfd_create");
	return fd;
}

/* ---- what goes from A to B ------------------------------------------- */

#define MAX_FILES	8

struct expect {
	char session[64];
	uint64_t token;
	struct look l;
};

static struct expect expects[MAX_FILES * 4];
static int nr_expects;

static void expect(const char *session, uint64_t token, int fd)
{
	struct expect *e = &expects[nr_expects++];

	snprintf(e->session, sizeof(e->session), "%s", session);
	e->token = token;
	look_at(fd, &e->l);
}

/* Write the expectations into a memfd of their own and preserve it. */
static int save_state(int dev)
{
	int s = create_session(dev, STATE_SESSION);
	int fd = memfd_create("luo-test-state", 0);
	FILE *f;
	int i;

	if (s < 0 || fd < 0)
		die("state session");
	f = fdopen(dup(fd), "w");
	for (i = 0; i < nr_expects; i++) {
		struct look *l = &expects[i].l;

		fprintf(f, "%s %" PRIu64 " %s %s %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRId64 " %d %d\n", expects[i].session,
			expects[i].token, l->sha, l->frames, l->data, l->heads,
			l->size, l->pos, l->flags, l->seals);
	}
	fclose(f);
	if (preserve(s, fd, 0))
		die("preserve state");
	close(fd);
	return s;
}

static void load_state(int dev)
{
	int s = retrieve_session(dev, STATE_SESSION), fd;
	FILE *f;

	if (s < 0) {
		errno = -s;
		die("retrieve " STATE_SESSION);
	}
	fd = retrieve(s, 0);
	if (fd < 0) {
		errno = -fd;
		die("retrieve state memfd");
	}
	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "r");
	while (nr_expects < (int)(sizeof(expects) / sizeof(expects[0]))) {
		struct expect *e = &expects[nr_expects];
		struct look *l = &e->l;

		if (fscanf(f, "%63s %" SCNu64 " %64s %64s %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNd64 " %d %d", e->session, &e->token,
			   l->sha, l->frames, &l->data, &l->heads, &l->size,
			   &l->pos, &l->flags, &l->seals) != 10)
			break;
		nr_expects++;
	}
	fclose(f);
	check(finish(s) == 0, "state_finish", "FINISH of the state session");
	close(s);
}

/* Compare a retrieved memfd with what A saw; checks named NAME.what. */
static void compare(const struct expect *e, int fd, const char *name)
{
	int fdflags = fcntl(fd, F_GETFD);
	char n[5][64];
	struct look l;

	look_at(fd, &l);
	snprintf(n[0], sizeof(n[0]), "%s.bytes", name);
	snprintf(n[1], sizeof(n[1]), "%s.frames", name);
	snprintf(n[2], sizeof(n[2]), "%s.attrs", name);
	snprintf(n[3], sizeof(n[3]), "%s.thp", name);
	snprintf(n[4], sizeof(n[4]), "%s.cloexec", name);
	check(!strcmp(l.sha, e->l.sha) && l.data == e->l.data, n[0],
	      "sha256 of %" PRIu64 " data bytes %.16s (A %.16s, %" PRIu64 ")",
	      l.data, l.sha, e->l.sha, e->l.data);
	check(!strcmp(l.frames, e->l.frames), n[1],
	      "every page at A's physical address (%.16s, A %.16s)",
	      l.frames, e->l.frames);
	check(l.size == e->l.size && l.pos == e->l.pos && l.flags == e->l.flags &&
	      l.seals == e->l.seals, n[2],
	      "size %" PRIu64 " pos %" PRId64 " flags %#x seals %#x (A %" PRIu64
	      " %" PRId64 " %#x %#x)", l.size, l.pos, l.flags, l.seals,
	      e->l.size, e->l.pos, e->l.flags, e->l.seals);
	check(l.heads == e->l.heads, n[3], "%" PRIu64 " THP heads (A %" PRIu64 ")",
	      l.heads, e->l.heads);
	check(!(fdflags & FD_CLOEXEC), n[4], "FD_CLOEXEC not carried");
}

/* ---- modes ------------------------------------------------------------ */

static void sysfs_write(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		die(path);
	close(fd);
}

static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = atol(line + strlen(key) + 1);
	}
	if (f)
		fclose(f);
	return v;
}

/*
 * Free memory in KiB: MemFree and the pages on the per-CPU free lists,
 * which MemFree does not count and which hold freed pages for a while
 * (their "count:" lines in /proc/zoneinfo).
 */
static long memfree(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	long pcp = 0, n;
	char line[128];

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " count: %ld", &n) == 1)
			pcp += n;
	}
	if (f)
		fclose(f);
	return meminfo("MemFree") + pcp * (long)(PAGE / 1024);
}

/*
 * Free memory once it is back to at least @want less 8 MiB, or after 10 s
 * (some frees are deferred work).  Leaked pages never come back; more than
 * @want is fine.
 */
#define MEMFREE_SLACK_KIB	(8 * 1024)

static long memfree_back(long want)
{
	long now = memfree();
	int i;

	for (i = 0; i < 100 && now < want - MEMFREE_SLACK_KIB; i++) {
		usleep(100 * 1000);
		now = memfree();
	}
	return now;
}

/* The sessions listing of debugfs, one string. */
static char *sessions_list(void)
{
	static char buf[1 << 20];
	int fd = open("/sys/kernel/debug/liveupdate/sessions", O_RDONLY);
	ssize_t n = 0, r;

	if (fd < 0)
		die("debugfs liveupdate/sessions");
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	buf[n] = 0;
	close(fd);
	return buf;
}

/* Lines of the sessions listing that start with @start. */
static int count_lines(const char *start)
{
	char *l = sessions_list();
	int n = 0;

	for (; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		n += !strncmp(l, start, strlen(start));
	return n;
}

/* Bytes of incoming session @name as listed, or -1 if it is not. */
static int64_t listed_bytes(const char *name)
{
	char *l = sessions_list(), key[80];
	long long files, bytes;

	snprintf(key, sizeof(key), "\nin %s ", name);
	l = strstr(l, key);
	if (!l || sscanf(l + strlen(key), "%lld %lld", &files, &bytes) != 2)
		return -1;
	return bytes;
}

/* Bytes KHO's outgoing side holds preserved for @client (out/preserved). */
static int64_t kho_preserved(const char *client)
{
	FILE *f = fopen("/sys/kernel/debug/kho/out/preserved", "r");
	char line[256], name[64];
	int64_t bytes = -1, b;
	unsigned long n;

	if (!f)
		die("kho/out/preserved");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %" SCNd64, name, &n, &b) == 3 &&
		    !strcmp(name, client))
			bytes = b;
	}
	fclose(f);
	return bytes;
}

/* memfd, light: one session, memfds of every kind ("light": no 1 GiB). */
static void hold_memfd(int dev, int big)
{
	int s = create_session(dev, "vm1"), fd, i;
	int64_t before, after;
	static const struct { uint64_t off, len; } sparse[] = {
		{ 0, MIB }, { 17 * GIB, MIB }, { 63 * GIB + 2 * MIB, 2 * MIB },
	};

	if (s < 0)
		die("create vm1");
	/* 4 KiB pages, a file position and O_APPEND; made with MFD_CLOEXEC */
	fd = new_memfd("small", MFD_CLOEXEC, 256 * 1024);
	fill(fd, 0, 256 * 1024, 1);
	lseek(fd, 12345, SEEK_SET);
	fcntl(fd, F_SETFL, O_APPEND);
	check(preserve(s, fd, 1) == 0, "preserve_small", "PRESERVE_FD small");
	expect("vm1", 1, fd);
	close(fd);

	/* THP: shmem uses huge pages while this is filled */
	sysfs_write(SHMEM_THP, "always");
	fd = new_memfd("thp", 0, 16 * MIB);
	fill(fd, 0, 16 * MIB, 2);
	sysfs_write(SHMEM_THP, "never");
	check(preserve(s, fd, 2) == 0, "preserve_thp", "PRESERVE_FD thp");
	expect("vm1", 2, fd);
	check(expects[nr_expects - 1].l.heads >= 4, "thp_in_a",
	      "A's thp memfd holds %" PRIu64 " THPs", expects[nr_expects - 1].l.heads);
	close(fd);

	/* 1 GiB of 4 KiB pages */
	if (big) {
		fd = new_memfd("big", 0, GIB);
		fill(fd, 0, GIB, 3);
		check(preserve(s, fd, 3) == 0, "preserve_big", "PRESERVE_FD 1 GiB");
		expect("vm1", 3, fd);
		close(fd);
	}

	/* 64 GiB, 4 MiB written */
	fd = new_memfd("sparse", 0, 64 * GIB);
	for (i = 0; i < 3; i++)
		fill(fd, sparse[i].off, sparse[i].len, 4 + i);
	check(preserve(s, fd, 4) == 0, "preserve_sparse", "PRESERVE_FD 64 GiB sparse");
	expect("vm1", 4, fd);
	check(expects[nr_expects - 1].l.data == 4 * MIB, "sparse_in_a",
	      "A's sparse memfd has %" PRIu64 " data bytes", expects[nr_expects - 1].l.data);
	close(fd);

	/* sealed */
	fd = new_memfd("sealed", MFD_ALLOW_SEALING, 64 * 1024);
	fill(fd, 0, 64 * 1024, 8);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE))
		die("seal");
	check(preserve(s, fd, 5) == 0, "preserve_sealed", "PRESERVE_FD sealed");
	expect("vm1", 5, fd);
	close(fd);

	/*
	 * Changed after PRESERVE_FD, which preserves its 6 MiB through KHO
	 * at once: a hole punched, pages written into a hole, the file cut
	 * short.  kexec -e carries it as it is then.
	 */
	fd = new_memfd("changed", 0, 8 * MIB);
	fill(fd, 0, 6 * MIB, 9);
	before = kho_preserved("liveupdate");
	check(preserve(s, fd, 6) == 0, "preserve_changed", "PRESERVE_FD changed");
	after = kho_preserved("liveupdate");
	check(after - before == 6 * MIB, "preserved_at_once",
	      "PRESERVE_FD preserves the memfd's memory in KHO: liveupdate "
	      "%" PRId64 " -> %" PRId64 " bytes", before, after);
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, MIB, MIB))
		die("punch");
	fill(fd, 7 * MIB, 64 * 1024, 10);
	fill(fd, 0, PAGE, 11);
	if (ftruncate(fd, 7 * MIB + 32 * 1024))
		die("truncate");
	expect("vm1", 6, fd);
	check(expects[nr_expects - 1].l.data == 5 * MIB + 32 * 1024,
	      "changed_in_a", "A's changed memfd has %" PRIu64 " data bytes",
	      expects[nr_expects - 1].l.data);
	close(fd);

	/*
	 * As many pages written into a hole as were punched out: the page
	 * cache holds as many pages as were preserved, not the same ones.
	 * kexec -e skips its walk of the file only when the page cache holds
	 * just the preserved folios, so it must see the difference.
	 */
	fd = new_memfd("balanced", 0, 4 * MIB);
	fill(fd, 0, 2 * MIB, 12);
	check(preserve(s, fd, 7) == 0, "preserve_balanced",
	      "PRESERVE_FD balanced");
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      64 * 1024))
		die("punch");
	fill(fd, 3 * MIB, 64 * 1024, 13);
	expect("vm1", 7, fd);
	check(expects[nr_expects - 1].l.data == 2 * MIB, "balanced_in_a",
	      "A's balanced memfd has %" PRIu64 " data bytes",
	      expects[nr_expects - 1].l.data);
	close(fd);
}

static const char *memfd_names[] = {
	"", "small", "thp", "big", "sparse", "sealed", "changed", "balanced",
};

/*
 * Retrieve every expected file of session "vm1" and compare it with A's
 * view.  With @keep, the descriptors stay open, in @fds by expectation.
 */
static void check_memfd(int dev, int *fds)
{
	int s = retrieve_session(dev, "vm1"), i;

	check(s >= 0, "retrieve_session", "RETRIEVE_SESSION vm1 (%d)", s);
	for (i = 0; i < nr_expects; i++) {
		const char *name = memfd_names[expects[i].token];
		int fd = retrieve(s, expects[i].token);
		char n[64];

		snprintf(n, sizeof(n), "%s.retrieved", name);
		check(fd >= 0, n, "RETRIEVE_FD %s (%d)", name, fd);
		if (fd >= 0)
			compare(&expects[i], fd, name);
		if (fds)
			fds[i] = fd;
		else if (fd >= 0)
			close(fd);
	}
	check(finish(s) == 0, "finish", "FINISH vm1");
	close(s);
}

/* luo_chain3: B changes some bytes and hands everything on to C. */
static void relay_memfd(int dev)
{
	int fds[MAX_FILES], n = nr_expects, s, i;

	check_memfd(dev, fds);
	nr_expects = 0;
	s = create_session(dev, "vm1");
	if (s < 0)
		die("create vm1 in B");
	for (i = 0; i < n; i++) {
		uint64_t token = expects[i].token;

		if (fds[i] < 0)
			die("a memfd did not come back");
		/* New bytes in place: the first page, and a THP's middle. */
		if (token == 1 || token == 4)
			fill(fds[i], 0, PAGE, 100 + token);
		if (token == 2)
			fill(fds[i], 5 * MIB, 64 * 1024, 102);
		/* One more page of data where the 64 GiB file had a hole. */
		if (token == 4)
			fill(fds[i], 40 * GIB, PAGE, 104);
		check(preserve(s, fds[i], token) == 0, "preserve_again",
		      "B preserves %s again", memfd_names[token]);
		expect("vm1", token, fds[i]);
		close(fds[i]);
	}
}

static int errno_of(int ret)
{
	return ret < 0 ? -ret : 0;
}

#define CHECK_ERRNO(ret, want, name, what)				\
	do {								\
		int e_ = errno_of(ret);					\
		check(e_ == (want), name, "%s: %s (want %s)", what,	\
		      e_ ? strerror(e_) : "success",			\
		      (want) ? strerror(want) : "success");		\
	} while (0)

/* Another process: open /dev/liveupdate, or its errno. */
static int child_open_errno(void)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		int fd = open("/dev/liveupdate", O_RDWR);

		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		die("child");
	return WEXITSTATUS(st);
}

/*
 * Another process builds sessions with @build(@arg) and holds them until
 * the kexec; return once they are complete.
 */
static void spawn_holder(void (*build)(int arg), int arg)
{
	int p[2];
	char c;

	if (pipe(p))
		die("pipe");
	if (!fork()) {
		close(p[0]);
		build(arg);
		if (write(p[1], "r", 1) != 1)
			die("holder ready");
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		die("holder process");
	close(p[0]);
}

/* Run @fn(@arg) in another process: does it exit with 0? */
static int in_child(int (*fn)(int arg), int arg)
{
	pid_t pid = fork();
	int st;

	if (!pid)
		_exit(fn(arg) ? 1 : 0);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       !WEXITSTATUS(st);
}

/* The second process of "errors": sessions p2-a (2 files), p2-b (1). */
static void errors_second_process(int unused)
{
	int dev = dev_open(), a, b, fd, i;

	a = create_session(dev, "p2-a");
	b = create_session(dev, "p2-b");
	close(dev);
	if (a < 0 || b < 0)
		die("p2 sessions");
	for (i = 1; i <= 3; i++) {
		fd = new_memfd("p2", 0, 64 * 1024);
		fill(fd, 0, 64 * 1024, 200 + i);
		if (preserve(i < 3 ? a : b, fd, i))
			die("p2 preserve");
		close(fd);
	}
}

/* Another process retrieves p2-a and p2-b; 0 if all is well. */
static int errors_check_second(int unused)
{
	int d = dev_open(), a, b, i, ok = 1;

	a = retrieve_session(d, "p2-a");
	b = retrieve_session(d, "p2-b");
	close(d);
	for (i = 1; i <= 3; i++) {
		int f = retrieve(i < 3 ? a : b, i);

		ok &= f >= 0 && filled(f, 0, 64 * 1024, 200 + i);
	}
	return !(ok && !finish(a) && !finish(b));
}

static void hold_errors(int dev)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_get_name gn = { .size = sizeof(gn) };
	int s, s2, m1, m2, fd, p[2];

	CHECK_ERRNO(open("/dev/liveupdate", O_RDWR) < 0 ? -errno : 0, EBUSY,
		    "second_opener", "a second open of /dev/liveupdate");
	CHECK_ERRNO(-child_open_errno(), EBUSY, "second_process",
		    "another process opens /dev/liveupdate");
	s = create_session(dev, "vm1");
	CHECK_ERRNO(s, 0, "create", "CREATE_SESSION vm1");
	CHECK_ERRNO(create_session(dev, "vm1"), EEXIST, "name_collision",
		    "CREATE_SESSION vm1 again");
	CHECK_ERRNO(create_session(dev, ""), EINVAL, "empty_name",
		    "CREATE_SESSION with an empty name");
	memset(cs.name, 'x', sizeof(cs.name));
	CHECK_ERRNO(ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs) ? -errno : 0,
		    EINVAL, "unterminated_name",
		    "CREATE_SESSION with 64 bytes and no NUL");
	cs.size = 4;
	strcpy((char *)cs.name, "short");
	CHECK_ERRNO(ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs) ? -errno : 0,
		    EINVAL, "short_size", "CREATE_SESSION with size 4");
	CHECK_ERRNO(retrieve_session(dev, "vm1"), ENOENT, "retrieve_in_a",
		    "RETRIEVE_SESSION vm1 in A: nothing came in");
	CHECK_ERRNO(ioctl(dev, _IO(LIVEUPDATE_IOCTL_TYPE, 0x3f)) ? -errno : 0,
		    ENOTTY, "unknown_ioctl", "an unknown command");

	m1 = new_memfd("m1", 0, 64 * 1024);
	fill(m1, 0, 64 * 1024, 11);
	m2 = new_memfd("m2", 0, 64 * 1024);
	fill(m2, 0, 64 * 1024, 12);
	CHECK_ERRNO(preserve(s, m1, 1), 0, "preserve", "PRESERVE_FD m1 token 1");
	CHECK_ERRNO(preserve(s, m2, 1), EEXIST, "token_collision",
		    "PRESERVE_FD m2 with token 1 again");
	CHECK_ERRNO(preserve(s, m1, 3), EEXIST, "same_memfd",
		    "PRESERVE_FD m1 again with another token");
	CHECK_ERRNO(preserve(s, m2, 2), 0, "preserve2", "PRESERVE_FD m2 token 2");
	s2 = create_session(dev, "vm2");
	CHECK_ERRNO(preserve(s2, m1, 1), EEXIST, "memfd_in_two_sessions",
		    "PRESERVE_FD m1 into a second session");
	fd = new_memfd("m3", 0, 8192);
	fill(fd, 0, 8192, 13);
	CHECK_ERRNO(preserve(s2, fd, 1), 0, "preserve3", "PRESERVE_FD m3 into vm2");
	close(fd);

	if (pipe(p))
		die("pipe");
	CHECK_ERRNO(preserve(s, p[0], 10), ENOENT, "pipe",
		    "PRESERVE_FD of a pipe");
	fd = open("/tmp/luo-regular", O_RDWR | O_CREAT, 0600);
	CHECK_ERRNO(preserve(s, fd, 11), ENOENT, "named_file",
		    "PRESERVE_FD of a named tmpfs file");
	close(fd);
	fd = memfd_create("huge", MFD_HUGETLB);
	if (fd < 0)
		die("memfd_create(MFD_HUGETLB)");
	CHECK_ERRNO(preserve(s, fd, 12), EOPNOTSUPP, "hugetlb",
		    "PRESERVE_FD of a hugetlb memfd");
	close(fd);
	CHECK_ERRNO(preserve(s, -1, 13), EBADF, "bad_fd", "PRESERVE_FD of fd -1");
	CHECK_ERRNO(retrieve(s, 1), ENOENT, "retrieve_outgoing",
		    "RETRIEVE_FD on an outgoing session");
	CHECK_ERRNO(finish(s), EINVAL, "finish_outgoing",
		    "FINISH of an outgoing session");
	CHECK_ERRNO(ioctl(s, LIVEUPDATE_SESSION_GET_NAME, &gn) ? -errno : 0, 0,
		    "get_name", "GET_NAME");
	check(!strcmp((char *)gn.name, "vm1"), "get_name_value",
	      "GET_NAME says '%s'", gn.name);
	expect("vm1", 1, m1);
	expect("vm1", 2, m2);
	close(m1);
	close(m2);

	/* The second process holds sessions of its own. */
	close(dev);
	spawn_holder(errors_second_process, 0);
	check(strstr(sessions_list(), "\nout p2-a 2 - open\n") &&
	      strstr(sessions_list(), "\nout p2-b 1 - open\n"),
	      "second_process_sessions",
	      "a second process holds p2-a (2 files) and p2-b (1), listed open");
}

static void check_errors(int dev)
{
	int s, s2, fd, fd2, i;

	s = retrieve_session(dev, "vm1");
	CHECK_ERRNO(s, 0, "retrieve_session", "RETRIEVE_SESSION vm1");
	CHECK_ERRNO(retrieve_session(dev, "vm1"), EINVAL, "retrieve_session_twice",
		    "RETRIEVE_SESSION vm1 while it is open");
	CHECK_ERRNO(retrieve_session(dev, "nosuch"), ENOENT, "unknown_session",
		    "RETRIEVE_SESSION of a name A never used");
	CHECK_ERRNO(retrieve(s, 99), ENOENT, "unknown_token", "RETRIEVE_FD token 99");
	fd = retrieve(s, 1);
	CHECK_ERRNO(fd, 0, "retrieve_fd", "RETRIEVE_FD token 1");
	CHECK_ERRNO(retrieve(s, 1), EINVAL, "retrieve_fd_twice",
		    "RETRIEVE_FD token 1 again");
	CHECK_ERRNO(finish(s), EBUSY, "finish_early",
		    "FINISH with token 2 not retrieved");
	CHECK_ERRNO(preserve(s, fd, 7), EINVAL, "preserve_incoming",
		    "PRESERVE_FD into an incoming session");
	fd2 = retrieve(s, 2);
	CHECK_ERRNO(fd2, 0, "retrieve_fd2", "RETRIEVE_FD token 2");
	for (i = 0; i < nr_expects; i++)
		compare(&expects[i], expects[i].token == 1 ? fd : fd2,
			expects[i].token == 1 ? "m1" : "m2");
	CHECK_ERRNO(finish(s), 0, "finish", "FINISH once every fd is retrieved");
	close(s);
	CHECK_ERRNO(retrieve_session(dev, "vm1"), ENOENT, "retrieve_finished",
		    "RETRIEVE_SESSION vm1 after FINISH");

	/* Closed without FINISH: it can be retrieved again. */
	s2 = retrieve_session(dev, "vm2");
	close(s2);
	s2 = retrieve_session(dev, "vm2");
	CHECK_ERRNO(s2, 0, "retrieve_after_close",
		    "RETRIEVE_SESSION vm2 again after a close without FINISH");
	fd = retrieve(s2, 1);
	check(fd >= 0 && filled(fd, 0, 8192, 13), "vm2_bytes",
	      "vm2's memfd has A's bytes");
	CHECK_ERRNO(finish(s2), 0, "finish_vm2", "FINISH vm2");
	close(s2);

	/* The second process's sessions, retrieved by another process. */
	close(dev);
	check(in_child(errors_check_second, 0), "other_process",
	      "another process retrieves p2-a and p2-b, bytes intact, FINISH");
}

/* luo_session_closed: what is closed before the kexec goes nowhere. */
static void hold_closed(int dev)
{
	long before, held, after;
	int s, fd, f;

	before = memfree();
	s = create_session(dev, "gone");
	fd = new_memfd("gone", 0, 128 * MIB);
	fill(fd, 0, 128 * MIB, 21);
	if (s < 0 || preserve(s, fd, 1))
		die("gone");
	close(fd);
	held = memfree();
	close(s);
	after = memfree_back(before);
	check(before - held >= 128 * 1024 - 2 * MEMFREE_SLACK_KIB, "held",
	      "the session holds the closed memfd: free memory %ld -> %ld KiB",
	      before, held);
	check(after >= before - MEMFREE_SLACK_KIB, "memfree_back",
	      "closing the session gives it back: free memory %ld -> %ld KiB",
	      before, after);

	/*
	 * Closed while frozen: it goes at the abort.  Measured across the
	 * abort alone: free memory drifts by tens of MiB over a boot's first
	 * seconds, so a baseline from before the session would not do.
	 */
	s = create_session(dev, "gone2");
	fd = new_memfd("gone2", 0, 32 * MIB);
	fill(fd, 0, 32 * MIB, 22);
	if (s < 0 || preserve(s, fd, 1))
		die("gone2");
	close(fd);
	f = open("/sys/kernel/debug/kho/out/finalize", O_WRONLY);
	if (f < 0 || write(f, "1", 1) != 1)
		die("finalize");
	close(s);
	check(strstr(sessions_list(), "\nout gone2 1 - closed\n") != NULL,
	      "frozen_closed", "closed while frozen: listed as closed");
	held = memfree();
	if (write(f, "0", 1) != 1)
		die("abort");
	close(f);
	after = memfree_back(held + 32 * 1024);
	check(!strstr(sessions_list(), "gone2"), "abort_drops",
	      "the abort drops it");
	check(after >= held + 32 * 1024 - MEMFREE_SLACK_KIB, "memfree_back_abort",
	      "and gives its 32 MiB back: free memory %ld -> %ld KiB", held,
	      after);

	s = create_session(dev, "kept");
	fd = new_memfd("kept", 0, MIB);
	fill(fd, 0, MIB, 23);
	check(preserve(s, fd, 1) == 0, "preserve_kept", "PRESERVE_FD kept");
	expect("kept", 1, fd);
	close(fd);
}

static void check_closed(int dev)
{
	char *l = sessions_list();
	int s, fd;

	CHECK_ERRNO(retrieve_session(dev, "gone"), ENOENT, "gone",
		    "RETRIEVE_SESSION of the session closed before kexec");
	CHECK_ERRNO(retrieve_session(dev, "gone2"), ENOENT, "gone2",
		    "RETRIEVE_SESSION of the session dropped at abort");
	check(!strstr(l, "gone"), "not_listed", "neither is listed");
	s = retrieve_session(dev, "kept");
	fd = s >= 0 ? retrieve(s, 1) : -1;
	check(fd >= 0, "kept", "the session kept open came");
	if (fd >= 0)
		compare(&expects[0], fd, "kept");
	check(s >= 0 && !finish(s), "finish", "FINISH kept");
}

/* luo_unretrieved_release: B gives unwanted sessions back. */
static void hold_unretrieved(int dev)
{
	int s = create_session(dev, "orphan"), fd;

	fd = new_memfd("orphan-4k", 0, 64 * MIB);
	fill(fd, 0, 64 * MIB, 31);
	if (s < 0 || preserve(s, fd, 1))
		die("orphan");
	expect("orphan", 1, fd);
	close(fd);
	sysfs_write(SHMEM_THP, "always");
	fd = new_memfd("orphan-thp", 0, 16 * MIB);
	fill(fd, 0, 16 * MIB, 32);
	sysfs_write(SHMEM_THP, "never");
	if (preserve(s, fd, 2))
		die("orphan thp");
	expect("orphan", 2, fd);
	close(fd);
	s = create_session(dev, "orphan-small");
	fd = new_memfd("orphan-small", 0, MIB);
	fill(fd, 0, MIB, 34);
	if (s < 0 || preserve(s, fd, 1))
		die("orphan-small");
	close(fd);
	s = create_session(dev, "wanted");
	fd = new_memfd("wanted", 0, MIB);
	fill(fd, 0, MIB, 33);
	if (s < 0 || preserve(s, fd, 1))
		die("wanted");
	expect("wanted", 1, fd);
	close(fd);
}

/* Memory a memfd holds in B: its folios and the index pages listing them. */
static uint64_t held_bytes(const struct look *l)
{
	uint64_t folios = (l->data - l->heads * 2 * MIB) / PAGE + l->heads;
	/* An index page lists (4096 - 16) / 16 folios. */
	uint64_t per_page = (PAGE - 16) / 16;

	return l->data + (folios + per_page - 1) / per_page * PAGE;
}

static void check_unretrieved(int dev)
{
	uint64_t want = held_bytes(&expects[0].l) + held_bytes(&expects[1].l);
	int64_t listed = listed_bytes("orphan");
	long before, after;
	char line[160], *p;
	FILE *f;
	int fd, s;

	check(listed == (int64_t)want, "listed",
	      "debugfs lists orphan with %" PRId64 " bytes (A's folios and index pages: %" PRIu64 ")",
	      listed, want);
	fd = open("/sys/kernel/debug/liveupdate/release", O_WRONLY);
	CHECK_ERRNO(write(fd, "nosuch", 6) < 0 ? -errno : 0, ENOENT,
		    "release_unknown", "releasing a session that does not exist");
	/* A first release drains the per-CPU lists: MemFree counts all. */
	CHECK_ERRNO(write(fd, "orphan-small", 12) < 0 ? -errno : 0, 0,
		    "release_small", "releasing orphan-small");
	before = memfree();
	CHECK_ERRNO(write(fd, "orphan", 6) < 0 ? -errno : 0, 0, "release",
		    "releasing orphan");
	after = memfree();
	close(fd);
	check(llabs((after - before) * 1024LL - listed) < 2 * (long long)MIB,
	      "memfree", "MemFree grew by %ld KiB, %" PRId64 " KiB listed",
	      after - before, listed / 1024);
	f = popen("dmesg | grep 'released session orphan:' | tail -1", "r");
	p = f && fgets(line, sizeof(line), f) ? strstr(line, "orphan: ") : NULL;
	check(p && strtoll(p + 8, NULL, 10) == listed, "release_log",
	      "the log names the bytes: %s", p ? p + 8 : "(nothing)");
	if (f)
		pclose(f);
	check(listed_bytes("orphan") < 0, "gone", "orphan is no longer listed");
	CHECK_ERRNO(retrieve_session(dev, "orphan"), ENOENT, "retrieve_released",
		    "RETRIEVE_SESSION of a released session");
	s = retrieve_session(dev, "wanted");
	fd = s >= 0 ? retrieve(s, 1) : -1;
	check(fd >= 0, "wanted", "the other session still comes");
	if (fd >= 0)
		compare(&expects[2], fd, "wanted");
	check(s >= 0 && !finish(s), "finish", "FINISH wanted");
}

/* luo_scale: thousands of sessions from several processes. */
#define SCALE_PROCS	4
#define SCALE_SESSIONS	500	/* per process */
#define SCALE_WIDE	500	/* memfds in session "wide" */

static unsigned int scale_seed(int p, int i)
{
	return 1000 + p * 10000 + i;
}

static void hold_scale_process(int p)
{
	int dev = dev_open(), i, s, fd;
	char name[64];

	for (i = 0; i < SCALE_SESSIONS; i++) {
		snprintf(name, sizeof(name), "p%d-s%d", p, i);
		s = create_session(dev, name);
		if (s < 0)
			die("scale session");
		fd = new_memfd(name, 0, PAGE);
		fill(fd, 0, PAGE, scale_seed(p, i));
		if (preserve(s, fd, i))
			die("scale preserve");
		close(fd);
	}
	close(dev);
}

static void hold_scale(int dev)
{
	int s = create_session(dev, "wide"), i, fd;

	if (s < 0)
		die("wide");
	for (i = 0; i < SCALE_WIDE; i++) {
		fd = new_memfd("wide", 0, 2 * PAGE);
		fill(fd, 0, 2 * PAGE, scale_seed(9, i));
		if (preserve(s, fd, 1000 + i))
			die("wide preserve");
		close(fd);
	}
	close(dev);
	for (i = 0; i < SCALE_PROCS; i++)
		spawn_holder(hold_scale_process, i);
	check(count_lines("out ") == SCALE_PROCS * SCALE_SESSIONS + 1, "held",
	      "%d processes hold %d sessions, session wide %d memfds: %d listed",
	      SCALE_PROCS, SCALE_PROCS * SCALE_SESSIONS, SCALE_WIDE,
	      count_lines("out "));
}

/* One process of B's: retrieve process @p's sessions; 0 if all is well. */
static int check_scale_process(int p)
{
	static int fds[SCALE_SESSIONS];
	int dev = dev_open(), i, bad = 0;
	char name[64];

	for (i = 0; i < SCALE_SESSIONS; i++) {
		snprintf(name, sizeof(name), "p%d-s%d", p, i);
		fds[i] = retrieve_session(dev, name);
	}
	close(dev);
	for (i = 0; i < SCALE_SESSIONS; i++) {
		int fd = fds[i] >= 0 ? retrieve(fds[i], i) : -1;

		if (fd < 0 || !filled(fd, 0, PAGE, scale_seed(p, i)) ||
		    finish(fds[i]))
			bad++;
		if (fd >= 0)
			close(fd);
		close(fds[i]);
	}
	return bad;
}

static void check_scale(int dev)
{
	int s = retrieve_session(dev, "wide"), i, bad = 0;

	for (i = 0; i < SCALE_WIDE; i++) {
		int fd = retrieve(s, 1000 + i);

		bad += fd < 0 || !filled(fd, 0, 2 * PAGE, scale_seed(9, i));
		if (fd >= 0)
			close(fd);
	}
	check(s >= 0 && !bad && !finish(s), "wide",
	      "session wide: %d memfds retrieved with A's bytes, %d bad",
	      SCALE_WIDE, bad);
	close(s);
	close(dev);
	for (i = 0; i < SCALE_PROCS; i++) {
		bad += !in_child(check_scale_process, i);
	}
	check(!bad, "sessions",
	      "%d processes retrieve %d sessions, every byte checked, FINISH each (%d bad)",
	      SCALE_PROCS, SCALE_PROCS * SCALE_SESSIONS, bad);
}

static void ready(void)
{
	int fd = open("/tmp/luo.ready", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	const char *what = failed ? "failed\n" : "ready\n";

	if (fd < 0 || write(fd, what, strlen(what)) < 0)
		die("ready file");
	close(fd);
}

static void __attribute__((noreturn)) hold_forever(void)
{
	ready();
	for (;;)
		pause();
}

/* ---- the blackout benchmark ---------------------------------------- */

#define BENCH_SEED	77
#define CLOCK_PATH	"/tmp/luo.clock"

static uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void __attribute__((noreturn)) bench_hold(const char *kind)
{
	int dev = dev_open(), s = create_session(dev, "bench"), clock, fd;
	char path[64];
	FILE *f;

	if (s < 0)
		die("bench session");
	close(dev);
	clock = new_memfd("clock", 0, PAGE);
	if (preserve(s, clock, 0))
		die("preserve clock");
	if (strcmp(kind, "none")) {
		sysfs_write(SHMEM_THP, strcmp(kind, "thp") ? "never" : "always");
		fd = new_memfd("ram", 0, GIB);
		fill(fd, 0, GIB, BENCH_SEED);
		sysfs_write(SHMEM_THP, "never");
		if (preserve(s, fd, 1))
			die("preserve ram");
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getpid(), clock);
	f = fopen(CLOCK_PATH, "w");
	if (!f || fputs(path, f) < 0 || fclose(f))
		die(CLOCK_PATH);
	hold_forever();
}

static void __attribute__((noreturn)) bench_stamp(void)
{
	char path[64] = "";
	FILE *f = fopen(CLOCK_PATH, "r");
	uint64_t t;
	int fd;

	if (!f || !fgets(path, sizeof(path), f))
		die(CLOCK_PATH);
	fclose(f);
	fd = open(path, O_RDWR);
	t = tsc();
	if (fd < 0 || pwrite(fd, &t, sizeof(t), 0) != sizeof(t))
		die("stamp");
	close(fd);
	execl("/sbin/kexec", "kexec", "-e", (char *)NULL);
	die("exec kexec -e");
}

static int bench_blackout(void)
{
	double t0 = now_ms(), t1, c0;
	int dev = dev_open(), s, clock, fd;
	uint64_t stamp, end, c;
	volatile uint8_t *map;
	uint8_t first;

	s = retrieve_session(dev, "bench");
	close(dev);
	clock = s >= 0 ? retrieve(s, 0) : -1;
	if (clock < 0 || pread(clock, &stamp, sizeof(stamp), 0) != sizeof(stamp))
		die("bench clock");
	fd = retrieve(s, 1);
	if (fd == -ENOENT)
		fd = clock;
	if (fd < 0)
		die("bench ram");
	map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("bench mmap");
	first = map[0];
	end = tsc();
	t1 = now_ms();
	/* The TSC's rate, against CLOCK_MONOTONIC. */
	c = tsc();
	c0 = now_ms();
	usleep(200 * 1000);
	c = (tsc() - c) / (now_ms() - c0);
	check(fd == clock || filled(fd, 0, PAGE, BENCH_SEED), "bench_bytes",
	      "the first page holds A's bytes");
	say("luo-bench: blackout_ms=%.1f retrieve_ms=%.1f tsc_per_ms=%" PRIu64
	    " first=%#x\n", (double)(end - stamp) / c, t1 - t0, c, first);
	finish(s);
	return failed;
}

static void hold_memfd_all(int dev)
{
	hold_memfd(dev, 1);
}

static void hold_memfd_light(int dev)
{
	hold_memfd(dev, 0);
}

static void check_memfd_all(int dev)
{
	check_memfd(dev, NULL);
}

/* The modes; those that give the device up close it themselves. */
static const struct mode {
	const char *name;
	void (*hold)(int dev);
	void (*check)(int dev);
	int closes_dev;
} modes[] = {
	{ "memfd", hold_memfd_all, check_memfd_all, 0 },
	{ "light", hold_memfd_light, check_memfd_all, 0 },
	{ "errors", hold_errors, check_errors, 1 },
	{ "closed", hold_closed, check_closed, 0 },
	{ "unretrieved", hold_unretrieved, check_unretrieved, 0 },
	{ "scale", hold_scale, check_scale, 1 },
};

static const struct mode *find_mode(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(modes[i].name, name))
			return &modes[i];
	}
	die("unknown mode");
}

static __attribute__((noreturn)) void hold(const char *name)
{
	const struct mode *m = find_mode(name);
	int dev = dev_open();

	m->hold(dev);
	if (!m->closes_dev)
		close(dev);
	dev = dev_open();
	save_state(dev);
	close(dev);
	hold_forever();
}

static int check_mode(const char *name, int relay)
{
	const struct mode *m = find_mode(name);
	int dev = dev_open();

	load_state(dev);
	check(nr_expects > 0 || m->hold == hold_scale, "state",
	      "%d memfds expected from A", nr_expects);
	if (relay) {
		relay_memfd(dev);
		save_state(dev);
		close(dev);
		hold_forever();
	}
	m->check(dev);
	if (!m->closes_dev)
		close(dev);
	return failed;
}

int main(int argc, char **argv)
{
	struct rlimit r = { 1 << 16, 1 << 16 };

	setrlimit(RLIMIT_NOFILE, &r);
	if (argc == 2 && !strcmp(argv[1], "stamp"))
		bench_stamp();
	if (argc == 2 && !strcmp(argv[1], "blackout"))
		return bench_blackout();
	if (argc < 3) {
		fprintf(stderr, "usage: luo_test hold|check|relay MODE [PREFIX] | bhold KIND | stamp | blackout\n");
		return 2;
	}
	if (argc > 3)
		prefix = argv[3];
	if (!strcmp(argv[1], "hold"))
		hold(argv[2]);
	if (!strcmp(argv[1], "check"))
		return check_mode(argv[2], 0);
	if (!strcmp(argv[1], "relay"))
		return check_mode(argv[2], 1);
	if (!strcmp(argv[1], "bhold"))
		bench_hold(argv[2]);
	return 2;
}
