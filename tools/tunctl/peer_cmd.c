// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl peer add|set|del IFNAME PUBKEY [OPTION VALUE]...: the command
 * line of NEW_PEER, SET_PEER and DEL_PEER requests (peer_change.c).
 *
 * allowed-ips in "peer set" either replaces the peer's list (a plain list,
 * sent with XTUN_PEER_F_REPLACE_ALLOWEDIPS) or edits it ("+PREFIX" adds,
 * "-PREFIX" removes with XTUN_ALLOWEDIP_F_REMOVE); never both at once,
 * since "10.0.0.0/8,+fd00::/64" has no obvious meaning.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/xtun.h>

#include "genl.h"
#include "parse.h"
#include "peer_change.h"
#include "xtunctl.h"

#define PEER_OPTIONS_USAGE \
	"[endpoint HOST:PORT] [allowed-ips PREFIX[,PREFIX...]]\n" \
	"        [persistent-keepalive SECONDS] [preshared-key FILE]"

static int opt_endpoint(const char *value, void *ctx)
{
	struct peer_change *c = ctx;

	c->has_endpoint = true;
	return parse_endpoint(value, &c->endpoint);
}

static int opt_keepalive(const char *value, void *ctx)
{
	struct peer_change *c = ctx;

	c->has_keepalive = true;
	return parse_u16("persistent-keepalive", value, true, &c->keepalive);
}

static int opt_preshared_key(const char *value, void *ctx)
{
	struct peer_change *c = ctx;

	c->has_preshared_key = true;
	return parse_key_file("preshared-key", value, c->preshared_key);
}

/*
 * Parse one entry of an allowed-ips list.  @edits says whether the first
 * entry started with '+' or '-'; every other entry must do the same.
 */
static int parse_allowedip_entry(struct peer_change *c, char *entry,
				 bool first, bool *edits)
{
	struct ip_prefix *p = &c->allowedips[c->n_allowedips];
	bool edit = *entry == '+' || *entry == '-';

	if (edit && c->cmd == XTUN_CMD_NEW_PEER)
		return parse_invalid("allowed-ips entry", entry,
				     "'+' and '-' are for 'peer set'; 'peer add' adds every prefix");
	if (first)
		*edits = edit;
	if (edit != *edits)
		return parse_invalid("allowed-ips entry", entry,
				     "plain prefixes replace the list, +/- prefixes edit it; use one or the other");
	if (parse_prefix("allowed-ips entry", entry + edit, p))
		return XTUNCTL_EUSAGE;
	if (*entry == '-')
		p->flags = XTUN_ALLOWEDIP_F_REMOVE;
	c->n_allowedips++;
	return XTUNCTL_OK;
}

static int parse_allowedip_list(struct peer_change *c, char *copy,
				const char *list)
{
	bool edits = false;
	char *entry;
	int ret;

	/* An empty list is no entry at all, not one empty entry. */
	while (*list && (entry = strsep(&copy, ","))) {
		entry = parse_trim(entry);
		if (!*entry) {
			fprintf(stderr, "%s: invalid allowed-ips: entry %zu is empty\n",
				prog, c->n_allowedips + 1);
			return XTUNCTL_EUSAGE;
		}
		ret = parse_allowedip_entry(c, entry, !c->n_allowedips, &edits);
		if (ret)
			return ret;
	}
	c->replace_allowedips = c->cmd == XTUN_CMD_SET_PEER && !edits;
	return XTUNCTL_OK;
}

static int opt_allowedips(const char *value, void *ctx)
{
	struct peer_change *c = ctx;
	size_t n = 1;
	char *copy;
	int ret;

	for (copy = strchr(value, ','); copy; copy = strchr(copy + 1, ','))
		n++;
	c->allowedips = calloc(n, sizeof(*c->allowedips));
	copy = strdup(value);
	if (!c->allowedips || !copy) {
		free(copy);
		fprintf(stderr, "%s: out of memory\n", prog);
		return XTUNCTL_EUSAGE;
	}
	ret = parse_allowedip_list(c, copy, value);
	free(copy);
	return ret;
}

static const struct option_spec peer_options[] = {
	{ "endpoint", opt_endpoint },
	{ "allowed-ips", opt_allowedips },
	{ "persistent-keepalive", opt_keepalive },
	{ "preshared-key", opt_preshared_key },
};

/* The peer that "peer add|set|del" name, and for add and set the change. */
struct peer_request {
	const char *ifname;
	struct peer_change change;
};

static int peer_change_one(struct genl_session *g, void *ctx)
{
	const struct peer_request *r = ctx;

	return peer_change_send(g, r->ifname, &r->change);
}

/* peer add and peer set: IFNAME PUBKEY [OPTION VALUE]... */
static int peer_add_or_set(int argc, char **argv, uint8_t cmd)
{
	struct peer_request r = { .ifname = argv[1], .change.cmd = cmd };
	int ret;

	if (argc < 3) {
		fprintf(stderr, "Usage: %s peer %s IFNAME PUBKEY " PEER_OPTIONS_USAGE "\n",
			prog, argv[0]);
		return XTUNCTL_EUSAGE;
	}
	ret = parse_ifname(argv[1]) ?:
	      parse_public_key(argv[2], r.change.public_key) ?:
	      parse_options(argc - 3, argv + 3, peer_options,
			    ARRAY_LEN(peer_options), &r.change) ?:
	      genl_run(peer_change_one, &r);
	free(r.change.allowedips);
	explicit_bzero(&r, sizeof(r));
	return ret;
}

static int peer_del_one(struct genl_session *g, void *ctx)
{
	const struct peer_request *r = ctx;

	return peer_del_send(g, r->ifname, r->change.public_key);
}

static int peer_del(int argc, char **argv)
{
	struct peer_request r = { .ifname = argv[1] };

	if (argc != 3) {
		fprintf(stderr, "Usage: %s peer del IFNAME PUBKEY\n", prog);
		return XTUNCTL_EUSAGE;
	}
	return parse_ifname(argv[1]) ?:
	       parse_public_key(argv[2], r.change.public_key) ?:
	       genl_run(peer_del_one, &r);
}

static int peer_usage(void)
{
	fprintf(stderr,
		"Usage: %s peer add IFNAME PUBKEY " PEER_OPTIONS_USAGE "\n"
		"       %s peer set IFNAME PUBKEY [the same options]\n"
		"       %s peer del IFNAME PUBKEY\n", prog, prog, prog);
	return XTUNCTL_EUSAGE;
}

int cmd_peer(int argc, char **argv)
{
	if (argc < 2)
		return peer_usage();
	if (!strcmp(argv[1], "add"))
		return peer_add_or_set(argc - 1, argv + 1, XTUN_CMD_NEW_PEER);
	if (!strcmp(argv[1], "set"))
		return peer_add_or_set(argc - 1, argv + 1, XTUN_CMD_SET_PEER);
	if (!strcmp(argv[1], "del"))
		return peer_del(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown peer command '%s'\n", prog, argv[1]);
	return peer_usage();
}
