/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_HUMAN_H
#define _XTUNCTL_SHOW_HUMAN_H

#include <stdint.h>

/*
 * How "xtunctl show" writes for people (show_human.c), in the manner of
 * "wg show": labelled lines, sizes and ages in words, colour on a
 * terminal.  The printers of fields.c write their lines with these.
 */

/* SGR escape sequences for each part of the output, or "" for none. */
struct palette {
	const char *label, *device, *device_name, *peer, *peer_key, *unit;
	const char *reset;
};

/* wg's colours on a terminal, none in a pipe, a file or with NO_COLOR. */
const struct palette *human_palette(void);

/* "  public key: ", the start of every line but the headings. */
void human_label(const struct palette *pal, const char *name);
/* "1.50 KiB", or "1000 B" below 1 KiB. */
void human_bytes(const struct palette *pal, uint64_t bytes);
/* The age of @ns (CLOCK_REALTIME): "1 minute, 3 seconds ago", "Now". */
void human_age(const struct palette *pal, uint64_t ns);

#endif /* _XTUNCTL_SHOW_HUMAN_H */
