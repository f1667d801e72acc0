/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec handover (KHO): the API for subsystems and drivers.
 *
 * See Documentation/kho/ for the concepts and the lifecycle.
 */
#ifndef _LINUX_KHO_H
#define _LINUX_KHO_H

#include <linux/types.h>

#ifdef CONFIG_KEXEC_HANDOVER

bool kho_is_enabled(void);

#else /* !CONFIG_KEXEC_HANDOVER */

static inline bool kho_is_enabled(void)
{
	return false;
}

#endif /* CONFIG_KEXEC_HANDOVER */

#endif /* _LINUX_KHO_H */
