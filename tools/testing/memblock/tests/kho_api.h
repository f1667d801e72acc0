/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _MEMBLOCK_KHO_API_H
#define _MEMBLOCK_KHO_API_H

#include "common.h"

int memblock_kho_checks(void);

#endif
