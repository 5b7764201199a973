/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_HUMAN_H
#define _XTUNCTL_SHOW_HUMAN_H

#include "state.h"

/* Print @list for people (show_human.c). */
void show_human(const struct dev_state_list *list);

#endif /* _XTUNCTL_SHOW_HUMAN_H */
