// SPDX-License-Identifier: GPL-2.0
/*
 * luo_test: the guest side of the live-update tests.
 *
 *   luo_test hold MODE        first kernel: build the sessions MODE asks
 *                             for, check what must be checked there, write
 *                             "ready" to /tmp/luo.ready and hold every
 *                             session open until killed (or the kexec)
 *   luo_test check MODE       next kernel: retrieve and check everything
 *   luo_test errors           the errno of every misuse
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

static void die(const char *what)
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

/* luo_memfd_survives: one session, memfds of every kind. */
static void hold_memfd(int dev)
{
	int s = create_session(dev, "vm1"), fd, i;
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
	fd = new_memfd("big", 0, GIB);
	fill(fd, 0, GIB, 3);
	check(preserve(s, fd, 3) == 0, "preserve_big", "PRESERVE_FD 1 GiB");
	expect("vm1", 3, fd);
	close(fd);

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
}

static void check_memfd(int dev)
{
	static const char *names[] = { "", "small", "thp", "big", "sparse", "sealed" };
	int s = retrieve_session(dev, "vm1"), i;

	check(s >= 0, "retrieve_session", "RETRIEVE_SESSION vm1 (%d)", s);
	for (i = 0; i < nr_expects; i++) {
		int fd = retrieve(s, expects[i].token);

		char n[64];

		snprintf(n, sizeof(n), "%s.retrieved", names[expects[i].token]);
		check(fd >= 0, n, "RETRIEVE_FD %s (%d)", names[expects[i].token], fd);
		if (fd >= 0) {
			compare(&expects[i], fd, names[expects[i].token]);
			close(fd);
		}
	}
	check(finish(s) == 0, "finish", "FINISH vm1");
	close(s);
}

static __attribute__((noreturn)) void hold(const char *mode)
{
	int dev = dev_open(), fd;

	if (!strcmp(mode, "memfd"))
		hold_memfd(dev);
	else
		die("unknown mode");
	save_state(dev);
	close(dev);
	fd = open("/tmp/luo.ready", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, failed ? "failed\n" : "ready\n", 6) < 0)
		die("ready file");
	close(fd);
	for (;;)
		pause();
}

static int check_mode(const char *mode)
{
	int dev = dev_open();

	load_state(dev);
	check(nr_expects > 0, "state", "%d memfds expected from A", nr_expects);
	if (!strcmp(mode, "memfd"))
		check_memfd(dev);
	close(dev);
	return failed;
}

int main(int argc, char **argv)
{
	struct rlimit r = { 1 << 16, 1 << 16 };

	setrlimit(RLIMIT_NOFILE, &r);
	if (argc < 3) {
		fprintf(stderr, "usage: luo_test hold|check MODE [PREFIX]\n");
		return 2;
	}
	if (argc > 3)
		prefix = argv[3];
	if (!strcmp(argv[1], "hold"))
		hold(argv[2]);
	if (!strcmp(argv[1], "check"))
		return check_mode(argv[2]);
	return 2;
}
