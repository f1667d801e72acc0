// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the kho= and kho_scratch= parsers.
 */

#include <kunit/test.h>
#include <linux/sizes.h>

#include "kho_internal.h"

static void kho_enable_words(struct kunit *test)
{
	const char *why = NULL;
	bool on = false;

	KUNIT_EXPECT_EQ(test, kho_parse_enable("on", &on, &why), 0);
	KUNIT_EXPECT_TRUE(test, on);
	KUNIT_EXPECT_EQ(test, kho_parse_enable("off", &on, &why), 0);
	KUNIT_EXPECT_FALSE(test, on);
	KUNIT_EXPECT_EQ(test, kho_parse_enable("1", &on, &why), 0);
	KUNIT_EXPECT_TRUE(test, on);
	KUNIT_EXPECT_EQ(test, kho_parse_enable("0", &on, &why), 0);
	KUNIT_EXPECT_FALSE(test, on);
}

static void kho_enable_rejects(struct kunit *test)
{
	static const char * const bad[] = {
		NULL, "", "yes", "ON", "onn", "o", "2", "on ", "-1",
	};
	const char *why;
	unsigned int i;
	bool on;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		on = true;
		why = NULL;
		KUNIT_EXPECT_EQ_MSG(test, kho_parse_enable(bad[i], &on, &why),
				    -EINVAL, "kho=%s", bad[i] ?: "(null)");
		KUNIT_EXPECT_TRUE(test, on);
		KUNIT_EXPECT_NOT_NULL(test, why);
	}
}

static void kho_scratch_scale(struct kunit *test)
{
	struct kho_scratch_cfg cfg = { };
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, kho_parse_scratch("200%", &cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, cfg.mode, KHO_SCRATCH_SCALED);
	KUNIT_EXPECT_EQ(test, cfg.scale_pct, 200);
	KUNIT_ASSERT_EQ(test, kho_parse_scratch("1%", &cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, cfg.scale_pct, 1);
	KUNIT_ASSERT_EQ(test, kho_parse_scratch("10000%", &cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, cfg.scale_pct, KHO_SCRATCH_SCALE_MAX);
}

static void kho_scratch_sizes(struct kunit *test)
{
	struct kho_scratch_cfg cfg = { };
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, kho_parse_scratch("64M,128M,32M", &cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, cfg.mode, KHO_SCRATCH_FIXED);
	KUNIT_EXPECT_EQ(test, cfg.low, (u64)SZ_64M);
	KUNIT_EXPECT_EQ(test, cfg.global, (u64)SZ_128M);
	KUNIT_EXPECT_EQ(test, cfg.pernode, (u64)SZ_32M);

	KUNIT_ASSERT_EQ(test, kho_parse_scratch("512k,2g,4096", &cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, cfg.low, (u64)SZ_512K);
	KUNIT_EXPECT_EQ(test, cfg.global, (u64)SZ_2G);
	KUNIT_EXPECT_EQ(test, cfg.pernode, 4096ULL);
}

static void kho_scratch_rejects(struct kunit *test)
{
	static const char * const bad[] = {
		NULL, "", "%", "0%", "10001%", "-5%", "2x%", "20", "20%%",
		"200% ", "99999999999999999999%", "64M", "64M,128M",
		"64M,,32M", "0,1M,1M", "1M,0,1M", "1M,1M,0",
		"1M,1M,1M,1M", "1Q,1M,1M", "1M,1M,1M,", ",1M,1M,1M",
		"-1M,1M,1M", "99999999999999999999,1M,1M", "2048P,1M,1M",
		"1MB,1M,1M", " 1M,1M,1M",
	};
	struct kho_scratch_cfg cfg;
	const char *why;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&cfg, 0xa5, sizeof(cfg));
		why = NULL;
		KUNIT_EXPECT_EQ_MSG(test, kho_parse_scratch(bad[i], &cfg, &why),
				    -EINVAL, "kho_scratch=%s",
				    bad[i] ?: "(null)");
		KUNIT_EXPECT_NOT_NULL(test, why);
		/* A rejected value leaves the previous configuration alone. */
		KUNIT_EXPECT_EQ(test, cfg.scale_pct, 0xa5a5a5a5U);
	}
}

static void kho_scratch_scaling(struct kunit *test)
{
	/* 200% of 10 MiB in 4 MiB granules: 20 MiB. */
	KUNIT_EXPECT_EQ(test, kho_scratch_scaled_size(10 * SZ_1M, 200, SZ_4M),
			(u64)20 * SZ_1M);
	/* Rounded up to the granule. */
	KUNIT_EXPECT_EQ(test, kho_scratch_scaled_size(SZ_1M + 1, 100, SZ_4M),
			(u64)SZ_4M);
	/* Never empty. */
	KUNIT_EXPECT_EQ(test, kho_scratch_scaled_size(0, 200, SZ_2M),
			(u64)SZ_2M);
	/* Exact for sizes that are not multiples of 100. */
	KUNIT_EXPECT_EQ(test, kho_scratch_scaled_size(199, 50, 1), 99ULL);
	/* No overflow for a PiB at the largest scale. */
	KUNIT_EXPECT_EQ(test, kho_scratch_scaled_size(1ULL << 50,
						      KHO_SCRATCH_SCALE_MAX,
						      SZ_4M), 100ULL << 50);
}

static struct kunit_case kho_params_cases[] = {
	KUNIT_CASE(kho_enable_words),
	KUNIT_CASE(kho_enable_rejects),
	KUNIT_CASE(kho_scratch_scale),
	KUNIT_CASE(kho_scratch_sizes),
	KUNIT_CASE(kho_scratch_rejects),
	KUNIT_CASE(kho_scratch_scaling),
	{}
};

static struct kunit_suite kho_params_suite = {
	.name = "kho_params",
	.test_cases = kho_params_cases,
};

kunit_test_suite(kho_params_suite);

MODULE_DESCRIPTION("KUnit tests for the KHO command-line parsers");
MODULE_LICENSE("GPL");
