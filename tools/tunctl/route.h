/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_ROUTE_H
#define _XTUNCTL_ROUTE_H

#include "up_run.h"

/*
 * The step of "up" that routes the peers' allowed IPs into the device and
 * sets up a full tunnel for a /0 (route.c).
 */
int routes_up(struct up_run *u);

#endif /* _XTUNCTL_ROUTE_H */
