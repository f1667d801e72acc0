/* SPDX-License-Identifier: GPL-2.0 */
/*
 * O_* and F_SEAL_* as the kernel being tested defines them: the host's
 * headers may predate some (F_SEAL_EXEC came in 6.3).
 */
#ifndef _KHO_SIM_LINUX_FCNTL_H
#define _KHO_SIM_LINUX_FCNTL_H

#include "../../../../include/uapi/linux/fcntl.h"

#endif
