/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_WALK_H
#define _XTUNCTL_SHOW_WALK_H

#include "state.h"

/*
 * "xtunctl show" prints the devices it read in one of several formats, and
 * "show interfaces" their names (show_print.c).  Each is a show_printer
 * driven by show_walk() (show_walk.c), so every format sees the same
 * devices and peers in the same order, and none has a loop of its own.
 */
struct show_printer {
	/* Each callback may be NULL; @ctx is the printer's own state. */
	void (*begin)(void *ctx);
	void (*device)(const struct dev_state *dev, void *ctx);
	void (*peer)(const struct dev_state *dev,
		     const struct peer_state *peer, void *ctx);
	void (*device_end)(const struct dev_state *dev, void *ctx);
	void (*end)(void *ctx);
};

void show_walk(const struct dev_state_list *list,
	       const struct show_printer *printer, void *ctx);

#endif /* _XTUNCTL_SHOW_WALK_H */
