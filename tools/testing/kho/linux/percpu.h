/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU variables for the single-threaded simulator: one CPU. */
#ifndef _KHO_SIM_LINUX_PERCPU_H
#define _KHO_SIM_LINUX_PERCPU_H

#define DEFINE_PER_CPU(type, name)	__typeof__(type) name
#define DECLARE_PER_CPU(type, name)	extern __typeof__(type) name
#define get_cpu_ptr(ptr)		(ptr)
#define put_cpu_ptr(ptr)		((void)(ptr))

#endif
