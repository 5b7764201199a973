// SPDX-License-Identifier: GPL-2.0
/*
 * Routes for "up": one through the device for each of the peers' allowed
 * IPs and, with Table = auto, a full tunnel for 0.0.0.0/0 and ::/0.
 *
 * A full tunnel routes everything through the device, except the device's
 * own UDP packets, which carry the device's fwmark (the approach of
 * wg-quick(8)):
 *
 *   table T:  default dev IFNAME
 *   rules:    PRIO-1: from all lookup main suppress_prefixlength 0
 *             PRIO:   from all not fwmark T lookup T
 *
 * The first rule lets every route of the main table but its default route
 * win, so the local networks stay reachable; what is left, unless it is the
 * tunnel's own marked traffic, takes table T's default route into the
 * tunnel.  Marked packets, and so all packets to the peers' endpoints that
 * the tunnel sends, go on to the main table and its default route.
 *
 * Unlike wg-quick, "up" changes no sysctl and no firewall.  With strict
 * reverse-path filtering (net.ipv4.conf.*.rp_filter = 1) the peer's
 * packets, which come in unmarked on the outer device while the way back
 * to their source is the tunnel, are dropped; loose mode (2, the default
 * of systemd) and no filtering (0) work.  wg-quick sets src_valid_mark and
 * restores the mark with nftables instead; that is the operator's choice
 * to make, in a PostUp hook.
 *
 * Routes through the device are not in the undo log: the kernel removes
 * them, from every table, with the device.  The rules are not tied to the
 * device, so "up" records how to delete each one.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "addr.h"
#include "array.h"
#include "dev_change.h"
#include "genl.h"
#include "route.h"
#include "run.h"
#include "up_run.h"
#include "xtunctl.h"

/* wg-quick's first choice, so that operators recognize it. */
#define FULL_TUNNEL_TABLE_FIRST	51820
#define FULL_TUNNEL_TABLE_TRIES	1000

/* Add "table T" for a table other than main. */
static void cmdline_add_table(struct cmdline *c, uint32_t table)
{
	if (table != RT_TABLE_MAIN) {
		cmdline_add(c, "table");
		cmdline_add(c, "%u", table);
	}
}

/* Whether the device has a route for exactly @prefix in @table already. */
static bool route_exists(const struct up_run *u, int family,
			 const char *prefix, uint32_t table)
{
	char out[256];
	struct cmdline c;

	cmdline_ip(&c, family);
	cmdline_add(&c, "route");
	cmdline_add(&c, "show");
	cmdline_add_table(&c, table);
	cmdline_add(&c, "exact");
	cmdline_add(&c, "%s", prefix);
	cmdline_add(&c, "dev");
	cmdline_add(&c, "%s", u->ifname);
	return cmdline_capture(&c, out, sizeof(out)) && out[0];
}

/*
 * A route to @p through the device, unless the device has one: the prefix
 * route of its own Address, say.
 */
static int add_route(struct up_run *u, const struct ip_prefix *p,
		     uint32_t table)
{
	char prefix[PREFIX_STRLEN];
	struct cmdline c;

	prefix_to_str(prefix, sizeof(prefix), p);
	if (route_exists(u, p->family, prefix, table))
		return XTUNCTL_OK;
	cmdline_ip_add_dev(&c, p->family, "route", prefix, u->ifname);
	cmdline_add_table(&c, table);
	return up_run_step(u, &c, NULL);
}

/* --- full tunnel --------------------------------------------------------- */

static bool ip_prints_nothing(int family, const char *what, uint32_t table)
{
	char out[64];
	struct cmdline c;

	cmdline_ip(&c, family);
	cmdline_add(&c, "%s", what);
	cmdline_add(&c, "show");
	cmdline_add(&c, "table");
	cmdline_add(&c, "%u", table);
	/* ip fails for a table that was never made: that is unused too. */
	return !cmdline_capture(&c, out, sizeof(out)) || !out[0];
}

static bool table_unused(uint32_t table)
{
	return ip_prints_nothing(AF_INET, "route", table) &&
	       ip_prints_nothing(AF_INET6, "route", table) &&
	       ip_prints_nothing(AF_INET, "rule", table) &&
	       ip_prints_nothing(AF_INET6, "rule", table);
}

/*
 * Table T, which is also the fwmark of the tunnel's packets: the config's
 * FwMark if it has one, else the first table from 51820 on that no route
 * and no rule uses.
 */
static int pick_table(struct up_run *u, uint32_t *table)
{
	const struct dev_change *dev = &u->config.dev;
	uint32_t t;

	if (dev->has_fwmark && dev->fwmark) {
		*table = dev->fwmark;
		return XTUNCTL_OK;
	}
	for (t = FULL_TUNNEL_TABLE_FIRST;
	     t < FULL_TUNNEL_TABLE_FIRST + FULL_TUNNEL_TABLE_TRIES; t++) {
		if (table_unused(t)) {
			*table = t;
			return XTUNCTL_OK;
		}
	}
	fprintf(stderr, "%s: %s: no unused routing table from %u to %u for the full tunnel; set FwMark to choose one\n",
		prog, u->context, FULL_TUNNEL_TABLE_FIRST, t - 1);
	return XTUNCTL_EKERNEL;
}

static int send_fwmark(struct genl_session *g, void *ctx)
{
	const struct up_run *u = ctx;
	struct dev_change c = { .has_fwmark = true, .fwmark = u->fwmark };

	return dev_change_send(g, u->ifname, &c);
}

/* The device dies with its fwmark: nothing to record. */
static int set_fwmark(struct up_run *u, uint32_t fwmark)
{
	int ret;

	u->fwmark = fwmark;
	ret = genl_run(send_fwmark, u);
	if (ret)
		fprintf(stderr, "%s: %s: setting fwmark %u failed\n", prog,
			u->context, fwmark);
	return ret;
}

/*
 * The priority of the second rule of @family: the kernel puts a rule added
 * without a priority just before it, and so do we, but with the priorities
 * on record, so that "down" deletes exactly our rules and not an equal
 * rule somebody else added.
 */
static int second_rule_priority(struct up_run *u, int family, unsigned long *prio)
{
	unsigned long prios[2];
	char out[4096], *line, *save;
	unsigned int n = 0;
	struct cmdline c;

	cmdline_ip(&c, family);
	cmdline_add(&c, "rule");
	cmdline_add(&c, "show");
	if (!cmdline_capture(&c, out, sizeof(out))) {
		fprintf(stderr, "%s: %s: 'ip %s rule show' failed\n", prog,
			u->context, c.argv[1]);
		return XTUNCTL_EKERNEL;
	}
	for (line = strtok_r(out, "\n", &save); line && n < 2;
	     line = strtok_r(NULL, "\n", &save))
		prios[n++] = strtoul(line, NULL, 10);
	/* Room for two rules after the first, usually 0: local. */
	if (n < 2 || prios[1] < prios[0] + 3) {
		fprintf(stderr, "%s: %s: no room for the full-tunnel rules among the %s rules ('ip %s rule show')\n",
			prog, u->context, family == AF_INET ? "IPv4" : "IPv6",
			c.argv[1]);
		return XTUNCTL_EKERNEL;
	}
	*prio = prios[1];
	return XTUNCTL_OK;
}

/* "ip -4 rule add|del priority PRIO ..." with the words in @selector. */
static void rule_cmd(struct cmdline *c, int family, const char *op,
		     unsigned long prio, const char *selector)
{
	char words[128], *w, *save;

	cmdline_ip(c, family);
	cmdline_add(c, "rule");
	cmdline_add(c, "%s", op);
	cmdline_add(c, "priority");
	cmdline_add(c, "%lu", prio);
	snprintf(words, sizeof(words), "%s", selector);
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		cmdline_add(c, "%s", w);
}

static int add_rule(struct up_run *u, int family, unsigned long prio,
		    const char *selector)
{
	struct cmdline add, del;

	rule_cmd(&add, family, "add", prio, selector);
	rule_cmd(&del, family, "del", prio, selector);
	return up_run_step(u, &add, &del);
}

static int full_tunnel(struct up_run *u, int family, uint32_t table)
{
	char not_marked[64];
	unsigned long prio;
	struct cmdline c;
	int ret;

	cmdline_ip_add_dev(&c, family, "route",
			   family == AF_INET ? "0.0.0.0/0" : "::/0", u->ifname);
	cmdline_add_table(&c, table);
	ret = up_run_step(u, &c, NULL) ?:
	      second_rule_priority(u, family, &prio);
	if (ret)
		return ret;
	/* Suppressing first: unmarked packets never see table T alone. */
	snprintf(not_marked, sizeof(not_marked), "not fwmark %u table %u",
		 table, table);
	return add_rule(u, family, prio - 2, "table main suppress_prefixlength 0") ?:
	       add_rule(u, family, prio - 1, not_marked);
}

static int full_tunnels(struct up_run *u, bool v4, bool v6)
{
	const struct dev_change *dev = &u->config.dev;
	uint32_t table;
	int ret;

	ret = pick_table(u, &table);
	/* Marked before any rule exists: the tunnel never routes into itself. */
	if (!ret && !(dev->has_fwmark && dev->fwmark))
		ret = set_fwmark(u, table);
	if (!ret && v4)
		ret = full_tunnel(u, AF_INET, table);
	if (!ret && v6)
		ret = full_tunnel(u, AF_INET6, table);
	return ret;
}

/* --- all routes ---------------------------------------------------------- */

/* The peers' allowed IPs, host bits cleared, each once. */
static struct ip_prefix *distinct_prefixes(const struct config *config,
					     size_t *n)
{
	struct ip_prefix *list = NULL, p;
	const struct peer_change *peer;
	size_t i, j, k;

	*n = 0;
	for (i = 0; i < config->n_peers; i++) {
		peer = &config->peers[i];
		for (j = 0; j < peer->n_allowedips; j++) {
			p = peer->allowedips[j];
			p.flags = 0;
			prefix_mask(&p);
			for (k = 0; k < *n && !prefix_equal(&list[k], &p); k++)
				;
			if (k < *n)
				continue;
			if (!array_grow(list, *n)) {
				free(list);
				return NULL;
			}
			list[(*n)++] = p;
		}
	}
	return list ?: calloc(1, sizeof(*list));
}

int routes_up(struct up_run *u)
{
	const struct config *config = &u->config;
	bool auto_table = config->table == CONFIG_TABLE_AUTO;
	uint32_t table = auto_table ? RT_TABLE_MAIN : config->table_id;
	bool full4 = false, full6 = false;
	struct ip_prefix *prefixes;
	int ret = XTUNCTL_OK;
	size_t n, i;

	if (config->table == CONFIG_TABLE_OFF)
		return XTUNCTL_OK;
	prefixes = distinct_prefixes(config, &n);
	if (!prefixes) {
		fprintf(stderr, "%s: %s: out of memory\n", prog, u->context);
		return XTUNCTL_EKERNEL;
	}
	for (i = 0; !ret && i < n; i++) {
		if (auto_table && prefixes[i].cidr == 0) {
			*(prefixes[i].family == AF_INET ? &full4 : &full6) = true;
			continue;
		}
		ret = add_route(u, &prefixes[i], table);
	}
	free(prefixes);
	if (!ret && (full4 || full6))
		ret = full_tunnels(u, full4, full6);
	return ret;
}
