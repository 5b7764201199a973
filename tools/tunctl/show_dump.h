/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_DUMP_H
#define _XTUNCTL_SHOW_DUMP_H

#include <stdbool.h>

#include "state.h"

/*
 * Print @list as "show ... dump" does (show_dump.c): tab-separated, one
 * line per device and per peer, each led by the interface name if
 * @with_ifname.
 */
void show_dump(const struct dev_state_list *list, bool with_ifname);

#endif /* _XTUNCTL_SHOW_DUMP_H */
