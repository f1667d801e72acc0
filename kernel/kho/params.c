// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: parsing of the kho= and kho_scratch= command-line options.
 *
 * Only string helpers are used here, so the file also builds in userspace
 * for the simulator in tools/testing/kho.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "kho_internal.h"

/* Longest run of digits accepted in one number: rules out u64 overflow. */
#define KHO_PARAM_MAX_DIGITS	16

/* Number of comma-separated sizes in kho_scratch=low,global,pernode. */
#define KHO_SCRATCH_NR_SIZES	3

/**
 * kho_parse_enable() - parse the value of kho=
 * @s: the value, "on" or "off" ("1" and "0" are accepted too)
 * @on: set to the parsed value on success, untouched on failure
 * @why: set to a human-readable reason on failure
 *
 * Return: 0 on success, -EINVAL if @s is not one of the accepted words.
 */
int kho_parse_enable(const char *s, bool *on, const char **why)
{
	if (s && (!strcmp(s, "on") || !strcmp(s, "1"))) {
		*on = true;
		return 0;
	}
	if (s && (!strcmp(s, "off") || !strcmp(s, "0"))) {
		*on = false;
		return 0;
	}
	*why = "expected on or off";
	return -EINVAL;
}

static size_t kho_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

static int kho_parse_scale(const char *s, struct kho_scratch_cfg *cfg,
			   const char **why)
{
	char digits[KHO_PARAM_MAX_DIGITS + 1];
	size_t n = kho_digits(s);
	unsigned long long pct;

	if (!n || s[n] != '%' || s[n + 1]) {
		*why = "expected N% with N a whole number";
		return -EINVAL;
	}
	if (n > KHO_PARAM_MAX_DIGITS) {
		*why = "percentage out of range";
		return -EINVAL;
	}
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (kstrtoull(digits, 10, &pct) || !pct ||
	    pct > KHO_SCRATCH_SCALE_MAX) {
		*why = "percentage must be between 1% and 10000%";
		return -EINVAL;
	}
	cfg->mode = KHO_SCRATCH_SCALED;
	cfg->scale_pct = pct;
	return 0;
}

static int kho_parse_sizes(const char *s, struct kho_scratch_cfg *cfg,
			   const char **why)
{
	u64 size[KHO_SCRATCH_NR_SIZES];
	const char *p = s;
	char *end;
	int i;

	for (i = 0; i < KHO_SCRATCH_NR_SIZES; i++) {
		size_t n = kho_digits(p);

		if (!n) {
			*why = "expected low,global,pernode sizes (K/M/G suffixes allowed)";
			return -EINVAL;
		}
		if (n > KHO_PARAM_MAX_DIGITS) {
			*why = "size out of range";
			return -EINVAL;
		}
		/* Starts with a digit, so memparse() always consumes some. */
		size[i] = memparse(p, &end);
		if (!size[i]) {
			*why = "sizes must not be zero";
			return -EINVAL;
		}
		if (size[i] > KHO_SCRATCH_SIZE_MAX) {
			*why = "size out of range";
			return -EINVAL;
		}
		if (i < KHO_SCRATCH_NR_SIZES - 1 ? *end != ',' : *end != '\0') {
			*why = "expected exactly three comma-separated sizes";
			return -EINVAL;
		}
		p = end + 1;
	}
	cfg->mode = KHO_SCRATCH_FIXED;
	cfg->low = size[0];
	cfg->global = size[1];
	cfg->pernode = size[2];
	return 0;
}

/**
 * kho_parse_scratch() - parse the value of kho_scratch=
 * @s: "N%" or "low,global,pernode" with optional K/M/G suffixes
 * @cfg: filled in on success, untouched on failure
 * @why: set to a human-readable reason on failure
 *
 * Return: 0 on success, -EINVAL if @s is malformed, zero or out of range.
 */
int kho_parse_scratch(const char *s, struct kho_scratch_cfg *cfg,
		      const char **why)
{
	if (!s || !*s) {
		*why = "empty value";
		return -EINVAL;
	}
	if (strchr(s, '%'))
		return kho_parse_scale(s, cfg, why);
	return kho_parse_sizes(s, cfg, why);
}

/**
 * kho_scratch_scaled_size() - size of a scratch region in scaled mode
 * @kern_bytes: memory the kernel reserved for itself in the region's scope
 * @scale_pct: percentage from kho_scratch=N%
 * @granule: power-of-two granule the result is rounded up to (a pageblock)
 *
 * Return: @kern_bytes * @scale_pct / 100 rounded up to @granule, and at
 * least one @granule.
 */
u64 kho_scratch_scaled_size(u64 kern_bytes, unsigned int scale_pct,
			    u64 granule)
{
	u64 size = div_u64(kern_bytes, 100) * scale_pct +
		   div_u64((kern_bytes % 100) * scale_pct, 100);

	size = round_up(size, granule);
	return size ?: granule;
}
