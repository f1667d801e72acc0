/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's <linux/libfdt.h>, for userspace: dtc's own libfdt. */
#ifndef _KHO_SIM_LINUX_LIBFDT_H
#define _KHO_SIM_LINUX_LIBFDT_H
#include <libfdt.h>
#endif
