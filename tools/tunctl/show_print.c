// SPDX-License-Identifier: GPL-2.0
/*
 * Every output of "xtunctl show" and of showconf, from the field table
 * (fields.c): this file frames them, the rows print themselves.
 *
 *   people (SHOW_HUMAN)  a heading per device and per peer, then a line
 *                        per field that has a value, counters by group;
 *   JSON (SHOW_JSON)     an array of device objects, each with an array
 *                        of peer objects, raw numbers;
 *   dump (SHOW_DUMP)     a tab-separated line per device and per peer,
 *                        wg's columns first, as "wg show dump";
 *   field (SHOW_FIELD)   one field, a line per device or per peer (after
 *                        its public key and a tab), as "wg show IFNAME
 *                        FIELD";
 *   config (SHOW_CONF)   [Interface] and [Peer] sections.
 *
 * xtunctl(8) documents each; they only ever grow (new rows go last in
 * dumps).
 */

#include <string.h>

#include "outbuf.h"
#include "show_human.h"
#include "show_print.h"
#include "show_value.h"
#include "show_walk.h"
#include "xtunctl.h"

/* Lines of the list of fields in messages stay within this. */
#define SHOW_FIELD_LIST_WIDTH	78

/*
 * The rows of a table in the order of one mode: row[pos] is at place
 * @pos (from 1), NULL where no row is, and at n + 1.  Found once per
 * show_print(), not once per field and peer.
 */
struct row_order {
	const struct field *row[FIELDS_MAX_ROWS + 2];
	size_t n;
};

struct printer {
	struct show_out out;
	const char *field;		/* SHOW_FIELD */
	bool with_ifname;		/* SHOW_DUMP, SHOW_FIELD */
	bool first_device;		/* SHOW_HUMAN */
	struct row_order dev_rows, peer_rows;
};

/* The row of @table at place @pos of @mode's order, or NULL. */
static const struct field *row_at(const struct field *table, size_t n,
				  enum show_mode mode, unsigned int pos)
{
	enum show_mode order = mode == SHOW_FIELD ? SHOW_DUMP : mode;
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].pos[order] == pos)
			return &table[i];
	return NULL;
}

static void row_order_init(struct row_order *o, const struct field *table,
			   size_t n, enum show_mode mode)
{
	size_t pos;

	o->n = n;
	for (pos = 1; pos <= n; pos++)
		o->row[pos] = row_at(table, n, mode, pos);
}

static bool in_group(const struct field *f, const struct field *first)
{
	return f && f->word && !strcmp(f->label, first->label);
}

/* Print @f->word with the value that @f prints in place of its "%s". */
static void print_word(struct printer *p, const struct field *f,
		       const void *obj)
{
	const char *v = strstr(f->word, "%s");

	out_write(f->word, v - f->word);
	f->print(&p->out, f, obj);
	out_puts(v + 2);
}

/*
 * For people, the counters from place @pos on that share a label share a
 * line, which is left out when all are zero.  Returns how many there are.
 */
static unsigned int print_group(struct printer *p, const struct row_order *o,
				unsigned int pos, const struct peer_state *peer)
{
	const struct field *first = o->row[pos], *f;
	unsigned int k;
	bool zero = true;

	for (k = 0; in_group(f = o->row[pos + k], first); k++)
		zero = zero && !peer->counters[f->attr];
	if (zero)
		return k;
	human_label(p->out.pal, first->label);
	for (k = 0; in_group(f = o->row[pos + k], first); k++) {
		out_puts(k ? ", " : "");
		print_word(p, f, peer);
	}
	out_putc('\n');
	return k;
}

/* The rows of @o about @obj, in the order of the mode. */
static void print_rows(struct printer *p, const struct row_order *o,
		       const void *obj)
{
	enum show_mode mode = p->out.mode;
	const struct field *f;
	const char *sep = "";
	unsigned int pos;

	for (pos = 1; pos <= o->n; pos++) {
		f = o->row[pos];
		if (!f || (mode == SHOW_FIELD && strcmp(f->wg ?: "", p->field)))
			continue;
		if (mode == SHOW_DUMP || mode == SHOW_FIELD) {
			out_puts(sep);
			sep = "\t";
		}
		if (mode == SHOW_HUMAN && f->word)
			pos += print_group(p, o, pos, obj) - 1;
		else
			f->print(&p->out, f, obj);
	}
}

/* Whether @table has the field of "show IFNAME FIELD". */
static bool has_field(const struct field *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].wg && !strcmp(table[i].wg, name))
			return true;
	return false;
}

static void line_start(const struct printer *p, const struct dev_state *dev)
{
	if (p->with_ifname)
		out_printf("%s\t", dev->ifname);
}

static void begin(void *ctx)
{
	struct printer *p = ctx;

	if (p->out.mode == SHOW_JSON)
		json_begin_array(&p->out.json);
}

static void device(const struct dev_state *dev, void *ctx)
{
	struct printer *p = ctx;

	switch (p->out.mode) {
	case SHOW_HUMAN:
		/* A blank line between devices, as before each peer. */
		if (!p->first_device)
			out_putc('\n');
		p->first_device = false;
		break;
	case SHOW_JSON:
		json_begin_object(&p->out.json);
		break;
	case SHOW_FIELD:
		if (!has_field(dev_fields, n_dev_fields, p->field))
			return;
		/* fall through */
	case SHOW_DUMP:
		line_start(p, dev);
		break;
	case SHOW_CONF:
		break;
	}
	print_rows(p, &p->dev_rows, dev);
	if (p->out.mode == SHOW_JSON) {
		json_key(&p->out.json, "peers");
		json_begin_array(&p->out.json);
	} else if (p->out.mode == SHOW_DUMP || p->out.mode == SHOW_FIELD) {
		out_putc('\n');
	}
}

static void peer(const struct dev_state *dev, const struct peer_state *peer,
		 void *ctx)
{
	struct printer *p = ctx;

	switch (p->out.mode) {
	case SHOW_JSON:
		json_begin_object(&p->out.json);
		break;
	case SHOW_FIELD:
		if (!has_field(peer_fields, n_peer_fields, p->field))
			return;
		/* Every line is about a peer, named as wg names it. */
		line_start(p, dev);
		value_key(peer->public_key, true);
		if (!strcmp(p->field, peer_fields[0].wg)) {
			out_putc('\n');
			return;
		}
		out_putc('\t');
		break;
	case SHOW_DUMP:
		line_start(p, dev);
		break;
	case SHOW_HUMAN:
	case SHOW_CONF:
		break;
	}
	print_rows(p, &p->peer_rows, peer);
	if (p->out.mode == SHOW_JSON)
		json_end_object(&p->out.json);
	else if (p->out.mode == SHOW_DUMP || p->out.mode == SHOW_FIELD)
		out_putc('\n');
}

static void device_end(const struct dev_state *dev, void *ctx)
{
	struct printer *p = ctx;

	(void)dev;
	if (p->out.mode == SHOW_JSON) {
		json_end_array(&p->out.json);	/* peers */
		json_end_object(&p->out.json);
	}
}

static void end(void *ctx)
{
	struct printer *p = ctx;

	if (p->out.mode == SHOW_JSON)
		json_end_array(&p->out.json);
}

static const struct show_printer table_printer = {
	.begin		= begin,
	.device		= device,
	.peer		= peer,
	.device_end	= device_end,
	.end		= end,
};

void show_print(const struct dev_state_list *list, enum show_mode mode,
		const char *field, bool with_ifname)
{
	struct printer p = {
		.out.mode	= mode,
		.field		= field,
		.with_ifname	= with_ifname,
		.first_device	= true,
	};

	row_order_init(&p.dev_rows, dev_fields, n_dev_fields, mode);
	row_order_init(&p.peer_rows, peer_fields, n_peer_fields, mode);
	if (mode == SHOW_HUMAN)
		p.out.pal = human_palette();
	if (mode == SHOW_JSON)
		json_init(&p.out.json, stdout);
	show_walk(list, &table_printer, &p);
	out_flush();
}

/* The fields of "show IFNAME FIELD" in wg's order: the device's, the peer's. */
static const char *nth_field(size_t i)
{
	const struct field *f;

	if (i < n_dev_fields)
		f = row_at(dev_fields, n_dev_fields, SHOW_DUMP, i + 1);
	else
		f = row_at(peer_fields, n_peer_fields, SHOW_DUMP, i - n_dev_fields + 1);
	return f ? f->wg : NULL;
}

const char *show_field_find(const char *name)
{
	const char *wg;
	size_t i;

	for (i = 0; i < n_dev_fields + n_peer_fields; i++) {
		wg = nth_field(i);
		if (wg && !strcmp(wg, name))
			return wg;
	}
	return NULL;
}

void show_field_list(FILE *out, int col, const char *indent)
{
	const char *wg, *prev = NULL;
	size_t len, i;

	for (i = 0; i < n_dev_fields + n_peer_fields; i++) {
		wg = nth_field(i);
		/* A group of rows is one field: "transfer". */
		if (!wg || (prev && !strcmp(wg, prev)))
			continue;
		len = strlen(wg) + 2;
		if (prev && col + len > SHOW_FIELD_LIST_WIDTH) {
			fprintf(out, ",\n%s", indent);
			col = (int)strlen(indent);
		} else if (prev) {
			fputs(", ", out);
		}
		fputs(wg, out);
		col += (int)len;
		prev = wg;
	}
	putc('\n', out);
}

/* Like "wg show interfaces": one line, or nothing without devices. */
static void interface_name(const struct dev_state *dev, void *ctx)
{
	bool *first = ctx;

	out_printf("%s%s", *first ? "" : " ", dev->ifname);
	*first = false;
}

static void interfaces_end(void *ctx)
{
	bool *first = ctx;

	if (!*first)
		out_putc('\n');
}

static const struct show_printer interfaces_printer = {
	.device	= interface_name,
	.end	= interfaces_end,
};

void show_interfaces(const struct dev_state_list *list)
{
	bool first = true;

	show_walk(list, &interfaces_printer, &first);
	out_flush();
}
