/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compatibility header: drivers written against upstream KHO include
 * <linux/kexec_handover.h>; this port's API is in <linux/kho.h>.
 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/kho.h>

#endif /* _LINUX_KEXEC_HANDOVER_H */
