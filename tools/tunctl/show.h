/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_H
#define _XTUNCTL_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"

/*
 * "xtunctl show" prints the devices it read in one of several formats: for
 * people (show.c), JSON (show_json.c) or one field for scripts
 * (show_field.c).  All of them are a show_printer driven by show_walk(), so
 * each format sees the same devices and peers in the same order, and a new
 * format is a new set of callbacks rather than another loop.
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

/* The latest handshake as dumps and JSON have it: Unix seconds, 0 for none. */
static inline uint64_t handshake_seconds(const struct peer_state *peer)
{
	return peer->last_handshake_ns / 1000000000;
}

/* show_json.c: the devices as one JSON array. */
void show_json(const struct dev_state_list *list);

/*
 * show_field.c: "show IFNAME FIELD", in the manner of "wg show IFNAME
 * FIELD".  show_field_find() returns NULL for a name that is no field.
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

#endif /* _XTUNCTL_SHOW_H */
