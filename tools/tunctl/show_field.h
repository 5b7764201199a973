/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_FIELD_H
#define _XTUNCTL_SHOW_FIELD_H

#include <stdbool.h>
#include <stdio.h>

#include "state.h"

/*
 * "show IFNAME FIELD", in the manner of "wg show IFNAME FIELD".
 * show_field_find() returns NULL for a name that is no field.
 */
struct show_field;
const struct show_field *show_field_find(const char *name);
/*
 * "public-key, listen-port, ...\n", wrapped, for messages: the first line
 * continues at column @col, the others start with @indent.
 */
void show_field_list(FILE *out, int col, const char *indent);
void show_field_print(const struct dev_state_list *list,
		      const struct show_field *field, bool with_ifname);
/* "show interfaces": the names, space-separated, on one line. */
void show_interfaces(const struct dev_state_list *list);

#endif /* _XTUNCTL_SHOW_FIELD_H */
