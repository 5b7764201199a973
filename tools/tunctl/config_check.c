// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of a whole configuration file, made after it was read and before
 * anything reaches the kernel: what wg would accept silently and regret.
 *
 * - A prefix under two [Peer] sections: wg gives it to the later peer and
 *   says nothing, and the earlier peer's traffic goes to the wrong place.
 *   Here it is an error that names the file, the line and both peers.
 * - A file holding a secret key that group or others can read: a warning,
 *   as wg-quick gives one.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config_file.h"
#include "xtunctl.h"

/* One allowed IP of the file, masked as the kernel stores it. */
struct claim {
	struct ip_prefix prefix;
	size_t peer;
	unsigned int line;
};

/* Order of prefixes, of their family, length and address. */
static int prefix_cmp(const struct ip_prefix *x, const struct ip_prefix *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->cidr != y->cidr)
		return x->cidr < y->cidr ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

static int claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = prefix_cmp(&x->prefix, &y->prefix);

	if (c)
		return c;
	/* Equal prefixes in file order: the first claimed it first. */
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Every allowed IP of @config, masked; the address bytes past v4 zeroed. */
static struct claim *collect_claims(const struct config *config, size_t *n)
{
	struct claim *claims, *c;
	struct ip_prefix p;
	size_t i, j, total = 0;

	for (i = 0; i < config->n_peers; i++)
		total += config->peers[i].n_allowedips;
	*n = total;
	claims = calloc(total ? total : 1, sizeof(*claims));
	if (!claims)
		return NULL;
	c = claims;
	for (i = 0; i < config->n_peers; i++)
		for (j = 0; j < config->peers[i].n_allowedips; j++, c++) {
			p = config->peers[i].allowedips[j];
			prefix_mask(&p);
			c->prefix.family = p.family;
			c->prefix.cidr = p.cidr;
			memcpy(c->prefix.addr, p.addr,
			       p.family == AF_INET ? 4 : sizeof(p.addr));
			c->peer = i;
			c->line = config->origins[i].aip_lines[j];
		}
	return claims;
}

static int report_conflict(const struct config *config,
			   const struct claim *first, const struct claim *later)
{
	char prefix[64], key_first[KEY_B64_LEN + 1], key_later[KEY_B64_LEN + 1];

	prefix_to_str(prefix, sizeof(prefix), &later->prefix);
	key_to_base64(key_first, config->peers[first->peer].public_key);
	key_to_base64(key_later, config->peers[later->peer].public_key);
	fprintf(stderr,
		"%s: %s:%u: AllowedIPs: %s is under two peers: the [Peer] of line %u (PublicKey %s) and the [Peer] of line %u (PublicKey %s); wg would move it to the later one without a word\n",
		prog, config->path, later->line, prefix,
		config->origins[first->peer].line, key_first,
		config->origins[later->peer].line, key_later);
	return XTUNCTL_EUSAGE;
}

int config_check_prefixes(const struct config *config)
{
	const struct claim *first = NULL, *later = NULL;
	size_t n, i, start, end;
	struct claim *claims;
	int ret = XTUNCTL_OK;

	claims = collect_claims(config, &n);
	if (!claims) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return XTUNCTL_EUSAGE;
	}
	/* Sorted, equal prefixes are neighbours: n log n for 100,000 peers. */
	qsort(claims, n, sizeof(*claims), claim_cmp);
	for (start = 0; start < n; start = end) {
		for (end = start + 1; end < n &&
		     !prefix_cmp(&claims[start].prefix, &claims[end].prefix); end++)
			;
		/*
		 * The first claim of another peer conflicts with the first
		 * claim of all; of all conflicts, the one a reader of the file
		 * meets first is reported.  A prefix repeated under one peer
		 * is harmless.
		 */
		for (i = start + 1; i < end; i++) {
			if (claims[i].peer == claims[start].peer)
				continue;
			if (!later || claims[i].line < later->line) {
				first = &claims[start];
				later = &claims[i];
			}
			break;
		}
	}
	if (later)
		ret = report_conflict(config, first, later);
	free(claims);
	return ret;
}

void config_warn_readable(int fd, const char *path, const char *what)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & (S_IRGRP | S_IROTH)))
		return;
	fprintf(stderr,
		"%s: warning: %s holds a %s and can be read by %s (mode %04o); 'chmod go= %s' keeps it to its owner\n",
		prog, path, what,
		(st.st_mode & S_IRGRP) && (st.st_mode & S_IROTH) ?
		"group and others" : st.st_mode & S_IRGRP ? "its group" : "others",
		(unsigned int)(st.st_mode & 07777), path);
}
