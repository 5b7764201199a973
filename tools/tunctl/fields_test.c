// SPDX-License-Identifier: GPL-2.0
/*
 * fields_test: the field table (fields.c) is one that every output can
 * print from, on the host.  selftests/xtunctl.sh runs it.
 *
 * A field is added as one row; this says whether the row fits: in each
 * output the places of its rows run from 1 without a gap or a double (or
 * a row would print twice, or not at all), each output a row is in has
 * its name for it, the rows of one counter group are neighbours for
 * people, and the first columns of a dump are still wg's, in wg's order,
 * so that scripts written for "wg show all dump" read xtunctl's.  Exits 0
 * when all hold, else 1 with a line per failure.
 */

#include <stdio.h>
#include <string.h>

#include <linux/xtun.h>

#include "fields.h"
#include "xtunctl.h"

static unsigned int failures;

static void fail(const char *table, const struct field *f, const char *what)
{
	fprintf(stderr, "fields_test: %s row '%s': %s\n", table,
		f ? f->json ?: f->column ?: "?" : "-", what);
	failures++;
}

static const char *const mode_names[SHOW_N_ORDERS] = {
	"people", "JSON", "dump", "config",
};

/* The name @f has in @mode, which it needs if it is in that output. */
static const char *name_in(const struct field *f, enum show_mode mode)
{
	switch (mode) {
	case SHOW_HUMAN:
		return f->label;
	case SHOW_JSON:
		return f->json;
	case SHOW_DUMP:
		return f->column;
	case SHOW_CONF:
		return f->conf;
	case SHOW_FIELD:
		return f->wg;
	}
	return NULL;
}

static void check_places(const char *table, const struct field *t, size_t n)
{
	unsigned int seen[64], mode, p, k;
	char what[96];
	size_t i;

	for (mode = 0; mode < SHOW_N_ORDERS; mode++) {
		memset(seen, 0, sizeof(seen));
		for (i = k = 0; i < n; i++) {
			p = t[i].pos[mode];
			if (!p)
				continue;
			k++;
			snprintf(what, sizeof(what), "no %s name", mode_names[mode]);
			if (!name_in(&t[i], mode))
				fail(table, &t[i], what);
			snprintf(what, sizeof(what), "place %u in %s is %s", p,
				 mode_names[mode], p > n ? "past the end" : "taken");
			if (p > n || p >= ARRAY_LEN(seen) || seen[p]++)
				fail(table, &t[i], what);
		}
		for (p = 1; p <= k; p++) {
			snprintf(what, sizeof(what), "no row at place %u in %s", p,
				 mode_names[mode]);
			if (!seen[p])
				fail(table, NULL, what);
		}
	}
	for (i = 0; i < n; i++)
		if (t[i].wg && !t[i].pos[SHOW_DUMP])
			fail(table, &t[i], "a wg field not in the dump");
}

static const struct field *at(const struct field *t, size_t n,
			      enum show_mode mode, unsigned int p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].pos[mode] == p)
			return &t[i];
	return NULL;
}

/* A group's rows are neighbours for people, and each is a counter. */
static void check_groups(const struct field *t, size_t n)
{
	const struct field *f, *prev = NULL;
	char done[16][32];
	unsigned int n_done = 0, p, i;

	for (p = 1; (f = at(t, n, SHOW_HUMAN, p)); p++, prev = f) {
		if (!f->word)
			continue;
		if (!strstr(f->word, "%s") || strstr(strstr(f->word, "%s") + 2, "%"))
			fail("peer", f, "its word has not exactly one %s");
		if (!f->attr || f->attr > XTUN_PEER_A_MAX)
			fail("peer", f, "a counter without its attribute");
		if (prev && prev->word && !strcmp(prev->label, f->label))
			continue;
		for (i = 0; i < n_done; i++)
			if (!strcmp(done[i], f->label))
				fail("peer", f, "its group is split for people");
		if (n_done < 16)
			snprintf(done[n_done++], sizeof(done[0]), "%s", f->label);
	}
}

/* wg's columns of "wg show all dump", before xtun's own. */
static void check_wg_columns(const char *table, const struct field *t, size_t n,
			     const char *const *wg, size_t n_wg)
{
	const struct field *f;
	size_t i;

	for (i = 0; i < n_wg; i++) {
		f = at(t, n, SHOW_DUMP, (unsigned int)i + 1);
		if (!f || !f->column || strcmp(f->column, wg[i]))
			fail(table, f, "not wg's dump column at its place");
	}
}

int main(void)
{
	static const char *const wg_dev[] = {
		"private-key", "public-key", "listen-port", "fwmark",
	};
	static const char *const wg_peer[] = {
		"public-key", "preshared-key", "endpoint", "allowed-ips",
		"latest-handshake", "transfer-rx", "transfer-tx",
		"persistent-keepalive",
	};

	check_places("device", dev_fields, n_dev_fields);
	check_places("peer", peer_fields, n_peer_fields);
	check_groups(peer_fields, n_peer_fields);
	check_wg_columns("device", dev_fields, n_dev_fields, wg_dev, ARRAY_LEN(wg_dev));
	check_wg_columns("peer", peer_fields, n_peer_fields, wg_peer, ARRAY_LEN(wg_peer));
	if (failures)
		return 1;
	printf("fields_test: %zu device and %zu peer fields fit every output\n",
	       n_dev_fields, n_peer_fields);
	return 0;
}
