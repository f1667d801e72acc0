/* SPDX-License-Identifier: GPL-2.0 */
/* What the simulator needs of <linux/kho.h>: the client calls of client.c. */
#ifndef _KHO_SIM_LINUX_KHO_H
#define _KHO_SIM_LINUX_KHO_H

#include <linux/err.h>

struct kho_client;
struct kho_client *kho_client_get(const char *name);

#endif
