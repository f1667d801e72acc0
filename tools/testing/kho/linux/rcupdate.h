/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU for the single-threaded simulator: no reader can be running while
 * a client is freed, so a grace period is immediate.
 */
#ifndef _KHO_SIM_LINUX_RCUPDATE_H
#define _KHO_SIM_LINUX_RCUPDATE_H

#define rcu_read_lock()		do { } while (0)
#define rcu_read_unlock()	do { } while (0)
/* tools/include/linux/kernel.h defines synchronize_rcu() already. */

#endif
