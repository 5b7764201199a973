/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_MTU_H
#define _XTUNCTL_MTU_H

#include "config_file.h"

/* The MTU "up" gives the device when the config has none (mtu.c). */
unsigned int mtu_derive(const struct config *config);

#endif /* _XTUNCTL_MTU_H */
