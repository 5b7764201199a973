/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_FIELDS_H
#define _XTUNCTL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/*
 * The fields of a device and of a peer: one table (fields.c) that every
 * output prints from, and that the reply parser (state.c) reads the
 * peer's counters by.  A row names its field in each output and has one
 * printer, which serves every output, as one print_uint(PRINT_ANY, ...)
 * call serves iproute2's text and JSON: adding a field is adding a row.
 */

enum show_mode {
	SHOW_HUMAN,	/* show [IFNAME | all]: for people, as "wg show" */
	SHOW_JSON,	/* show ... -j */
	SHOW_DUMP,	/* show IFNAME | all dump: wg's columns, then xtun's */
	SHOW_CONF,	/* showconf: a config file */
	SHOW_FIELD,	/* show IFNAME | all FIELD, as "wg show"; dump order */
};

/* The outputs with an order of their own: all but SHOW_FIELD. */
#define SHOW_N_ORDERS	SHOW_FIELD

struct palette;

/* Where and how a printer prints; show_print.c sets it up for each mode. */
struct show_out {
	enum show_mode mode;
	const struct palette *pal;	/* SHOW_HUMAN */
	struct json json;		/* SHOW_JSON */
};

struct field {
	const char *wg;		/* "show IFNAME FIELD", wg's name, or NULL */
	const char *json;	/* JSON member, or NULL */
	const char *label;	/* SHOW_HUMAN's label, or NULL */
	/*
	 * A counter's place in its group's line for people: the rows in a
	 * row with one label share a line, "transfer: 1.5 KiB received, ...",
	 * left out when all are zero; "%s" is the value.
	 */
	const char *word;
	const char *column;	/* dump column, as xtunctl(8) names it, or NULL */
	const char *conf;	/* showconf key, or NULL */
	/* Prints @obj's value (a dev_state or peer_state) in @o's mode. */
	void (*print)(struct show_out *o, const struct field *f, const void *obj);
	unsigned int attr;	/* a peer counter: its XTUN_PEER_A_* (u64) */
	/*
	 * The place in each output, from 1 (the tables are in dump order).
	 * Outputs grew apart before there was one table, and they keep their
	 * order: wg's dump columns come first and xtun's follow, JSON keeps
	 * the counters of a group together, and people see the keepalive last.
	 */
	unsigned char pos[SHOW_N_ORDERS];
};

/* The most rows a table may have (fields.c checks its own). */
#define FIELDS_MAX_ROWS	32

extern const struct field dev_fields[];
extern const size_t n_dev_fields;
extern const struct field peer_fields[];
extern const size_t n_peer_fields;

/* Whether @f is in @mode's output. */
bool field_in(const struct field *f, enum show_mode mode);

/* The row of @table (@n rows) with the dump column @column, or NULL. */
const struct field *field_by_column(const struct field *table, size_t n,
				    const char *column);

#endif /* _XTUNCTL_FIELDS_H */
