// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the KHO core in the simulator (optimized, no sanitizers).
 *
 *   ./bench [CSV-DIR]
 *
 * 1. kernel A, single thread: preserve + finalize of 48 GiB as order-0
 *    pages, as 2 MiB folios, and as a mix of all orders;
 * 2. kernel B: check + reserve of N scattered order-0 pages (every other
 *    page), N = 64 Ki .. 4 Mi: time, memblock regions, the cost of a
 *    memblock allocation afterwards, and the walk that later tells the
 *    holes of the reserved spans from the folios (kho_in_walk_spans());
 * 3. record bytes per GiB preserved, for each pattern.
 *
 * Every case runs in its own process (fresh tracking and memblock), REPS
 * times; the tables give the fastest run and the median, since a shared
 * host adds noise of its own (seen: 120-200 ms for the same preserve).  The
 * tracking runs on the simulator's xarray stand-in (a sorted array with a
 * last-hit cache) and without the kernel's per-CPU rwsem around each
 * call, so kernel figures differ; the record and reservation code is the
 * kernel's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

#define GIB_PAGES	(1UL << (30 - PAGE_SHIFT))
#define REPS		5

struct bench_out {
	double preserve_ms;
	double finalize_ms;
	double boot_ms;
	double settle_ms;
	double alloc_us;
	u64 record_bytes;
	u64 preserved_bytes;
	u64 regions;
	u64 ranges;
	int err;
};

static struct bench_out *out;
static FILE *csv_a, *csv_b;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

enum pattern { ORDER0, ORDER0_HALF, FOLIO_2M, MIX };

static const char *const pattern_name[] = {
	[ORDER0] = "order-0, every page",
	[ORDER0_HALF] = "order-0, every other page",
	[FOLIO_2M] = "2 MiB folios",
	[MIX] = "all orders mixed",
};

/* Preserve @pages pages from SIM_PRES_BASE in @pattern; returns bytes. */
static u64 preserve(struct kho_client *c, enum pattern pattern, u64 pages)
{
	u64 pfn = PHYS_PFN(SIM_PRES_BASE), end = pfn + pages, bytes = 0;
	unsigned int order;

	srand(1);
	while (pfn < end) {
		switch (pattern) {
		case ORDER0:
		case ORDER0_HALF:
			order = 0;
			break;
		case FOLIO_2M:
			order = 9;
			break;
		default:
			order = rand() % (MAX_PAGE_ORDER + 1);
			while (pfn & ((1UL << order) - 1))
				order--;
			break;
		}
		if (pfn + (1UL << order) > end)
			break;
		if (kho_track_add_folio(c, pfn, order)) {
			out->err = 1;
			return bytes;
		}
		bytes += PAGE_SIZE << order;
		pfn += (pattern == ORDER0_HALF ? 2UL : 1UL) << order;
	}
	return bytes;
}

static enum pattern a_pattern;
static u64 a_pages;

static void kernel_a(void)
{
	struct kho_client *c = sim_client("bench");
	struct sim_handover h;
	double t0, t1, t2;

	t0 = now_ms();
	out->preserved_bytes = preserve(c, a_pattern, a_pages);
	t1 = now_ms();
	sim_meta_reset();
	if (sim_a_finalize(&h, NULL, 0, &out->record_bytes))
		out->err = 1;
	t2 = now_ms();
	out->preserve_ms = t1 - t0;
	out->finalize_ms = t2 - t1;
	*(struct sim_handover *)((char *)out + sizeof(*out)) = h;
}

static void kernel_b(void)
{
	struct sim_handover h = *(struct sim_handover *)((char *)out + sizeof(*out));
	struct kho_in *in = calloc(1, sizeof(*in));
	double t0, t1;
	int i, n = 1000;

	t0 = now_ms();
	if (sim_b_boot(&h, in)) {
		fprintf(stderr, "bench: B refused: %s\n", in->why);
		out->err = 1;
		return;
	}
	t1 = now_ms();
	out->boot_ms = t1 - t0;
	out->regions = memblock.reserved.cnt;
	out->ranges = in->nr_ranges;
	t0 = now_ms();
	for (i = 0; i < n; i++)
		memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	out->alloc_us = (now_ms() - t0) * 1e3 / n;
	t0 = now_ms();
	if (sim_b_settle(in, false))
		out->err = 1;
	out->settle_ms = now_ms() - t0;
}

static void run(void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		fn();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		out->err = 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v; returns its median. */
static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void bench_a(void)
{
	static const enum pattern pats[] = { ORDER0, FOLIO_2M, MIX, ORDER0_HALF };
	unsigned int i, r;

	printf("\nKernel A, single thread: preserve + finalize over a 48 GiB span, %u runs\n",
	       REPS);
	printf("%-28s %14s %14s %14s %14s %14s\n", "pattern", "preserve ms",
	       "finalize ms", "total min ms", "total med ms", "bytes/GiB");
	for (i = 0; i < ARRAY_SIZE(pats); i++) {
		double pres[REPS], fin[REPS], tot[REPS], gib, pm, fm, tm;
		int err = 0;

		for (r = 0; r < REPS; r++) {
			memset(out, 0, sizeof(*out));
			a_pattern = pats[i];
			/* A 48 GiB span: every other page preserves 24 GiB of it. */
			a_pages = 48 * GIB_PAGES;
			run(kernel_a);
			pres[r] = out->preserve_ms;
			fin[r] = out->finalize_ms;
			tot[r] = pres[r] + fin[r];
			err |= out->err;
		}
		pm = median(pres, REPS);
		fm = median(fin, REPS);
		tm = median(tot, REPS);
		gib = (double)out->preserved_bytes / (1UL << 30);
		printf("%-28s %14.1f %14.1f %14.1f %14.1f %14.0f%s\n",
		       pattern_name[a_pattern], pm, fm, tot[0], tm,
		       out->record_bytes / gib, err ? "  ERROR" : "");
		if (csv_a)
			fprintf(csv_a, "\"%s\",%.3f,%.1f,%.1f,%.1f,%.1f,%llu,%.0f\n",
				pattern_name[a_pattern], gib, pm, fm, tot[0], tm,
				(unsigned long long)out->record_bytes,
				out->record_bytes / gib);
	}
}

static void bench_b(void)
{
	static const u64 ns[] = { 64UL << 10, 256UL << 10, 1UL << 20, 4UL << 20 };
	double t1m = 0;
	unsigned int i, r;

	printf("\nKernel B: check + reserve of N scattered order-0 pages (every other page), %u runs\n",
	       REPS);
	printf("%10s %10s %10s %10s %16s %14s %14s %16s\n", "N", "min ms",
	       "med ms", "ns/page", "memblock regions", "alloc after us",
	       "spans walk ms", "record bytes");
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		double t[REPS], alloc[REPS], settle[REPS], tm, am, sm;
		int err;

		memset(out, 0, sizeof(*out));
		a_pattern = ORDER0_HALF;
		a_pages = 2 * ns[i];
		run(kernel_a);
		err = out->err;
		for (r = 0; r < REPS; r++) {
			run(kernel_b);
			t[r] = out->boot_ms;
			alloc[r] = out->alloc_us;
			settle[r] = out->settle_ms;
			err |= out->err;
		}
		tm = median(t, REPS);
		am = median(alloc, REPS);
		sm = median(settle, REPS);
		if (ns[i] == 1UL << 20)
			t1m = tm;
		printf("%10llu %10.2f %10.2f %10.1f %16llu %14.2f %14.2f %16llu%s\n",
		       (unsigned long long)ns[i], t[0], tm, tm * 1e6 / ns[i],
		       (unsigned long long)out->regions, am, sm,
		       (unsigned long long)out->record_bytes, err ? "  ERROR" : "");
		if (ns[i] == 4UL << 20 && t1m)
			printf("%10s 4 Mi median / 1 Mi median: %.2f\n", "", tm / t1m);
		if (csv_b)
			fprintf(csv_b, "%llu,%.3f,%.3f,%llu,%.3f,%.3f,%llu\n",
				(unsigned long long)ns[i], t[0], tm,
				(unsigned long long)out->regions, am, sm,
				(unsigned long long)out->record_bytes);
	}
}

int main(int argc, char **argv)
{
	char path[512];

	sim_init();
	/*
	 * Kernel B allocates its memblock arrays in scratch.  Fault the
	 * simulated scratch in once, here, so that B's timings hold what the
	 * kernel does and not the host's faults on the shared mapping (which
	 * the forked kernels inherit populated).
	 */
	if (madvise((void *)SIM_RAM_BASE, SIM_SCRATCH_SIZE, MADV_POPULATE_WRITE))
		perror("bench: populating scratch (timings include page faults)");
	out = mmap(NULL, sizeof(*out) + sizeof(struct sim_handover),
		   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (out == MAP_FAILED)
		return 2;
	if (argc > 1) {
		snprintf(path, sizeof(path), "%s/bench-preserve.csv", argv[1]);
		csv_a = fopen(path, "w");
		snprintf(path, sizeof(path), "%s/bench-restore.csv", argv[1]);
		csv_b = fopen(path, "w");
		if (!csv_a || !csv_b) {
			perror(path);
			return 2;
		}
		fprintf(csv_a, "pattern,gib,preserve_med_ms,finalize_med_ms,total_min_ms,total_med_ms,record_bytes,bytes_per_gib\n");
		fprintf(csv_b, "n,check_reserve_min_ms,check_reserve_med_ms,memblock_regions,alloc_after_us,spans_walk_ms,record_bytes\n");
	}
	bench_a();
	bench_b();
	if (csv_a) {
		fclose(csv_a);
		fclose(csv_b);
		printf("\nCSV: %s/bench-preserve.csv, %s/bench-restore.csv\n",
		       argv[1], argv[1]);
	}
	return out->err;
}
