/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_JSON_H
#define _XTUNCTL_SHOW_JSON_H

#include "state.h"

/* Print @list as one JSON array of devices (show_json.c). */
void show_json(const struct dev_state_list *list);

#endif /* _XTUNCTL_SHOW_JSON_H */
