/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_PRINT_H
#define _XTUNCTL_SHOW_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "fields.h"
#include "state.h"

/*
 * Print @list in @mode (show_print.c): the rows of fields.c in the mode's
 * order, framed as the mode needs (headings, JSON arrays, tabs).  With
 * SHOW_FIELD only the rows of @field, a name show_field_find() gave;
 * @with_ifname ("all") starts every line of a dump or field with the
 * interface name and a tab.
 */
void show_print(const struct dev_state_list *list, enum show_mode mode,
		const char *field, bool with_ifname);

/* The field called @name, as "wg show IFNAME FIELD" names it, or NULL. */
const char *show_field_find(const char *name);
/*
 * "public-key, listen-port, ...\n", wrapped, for messages: the first line
 * continues at column @col, the others start with @indent.
 */
void show_field_list(FILE *out, int col, const char *indent);

/* "show interfaces": the names, space-separated, on one line. */
void show_interfaces(const struct dev_state_list *list);

#endif /* _XTUNCTL_SHOW_PRINT_H */
