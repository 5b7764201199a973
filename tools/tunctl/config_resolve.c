// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints given as names in a config file, resolved with retries (see
 * config_resolve.h for the policy and why).
 */

#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "config_resolve.h"
#include "parse.h"
#include "xtunctl.h"

#define RESOLVE_TIMEOUT_DEFAULT	60
#define RESOLVE_DELAY_MAX	16

/* Failures that retrying cannot mend, as glibc's resolver documents. */
static bool lookup_permanent(int ret)
{
	return ret == EAI_NONAME || ret == EAI_FAIL || ret == EAI_FAMILY ||
#ifdef EAI_NODATA
	       ret == EAI_NODATA ||
#endif
	       false;
}

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * Try the names whose @err is neither 0 nor permanent (at first all are
 * EAI_AGAIN); each gets 0 or its EAI_* code.  True if one is worth trying
 * again.
 */
static bool resolve_round(struct config *config, int *err)
{
	char host[NI_MAXHOST];
	bool again = false;
	struct config_name *n;
	struct peer_change *peer;
	uint16_t port;
	size_t i;

	for (i = 0; i < config->n_names; i++) {
		if (!err[i] || lookup_permanent(err[i]))
			continue;
		n = &config->names[i];
		peer = &config->peers[n->peer];
		/* The syntax was checked as the file was read. */
		if (parse_endpoint_host(n->endpoint, host, sizeof(host), &port))
			return false;
		err[i] = endpoint_lookup(host, port, 0, &peer->endpoint);
		if (!err[i])
			peer->has_endpoint = true;
		else if (!lookup_permanent(err[i]))
			again = true;
	}
	return again;
}

static void warn_unresolved(const struct config *config, size_t i, int err)
{
	const struct config_name *n = &config->names[i];
	char key[KEY_B64_LEN + 1];

	key_to_base64(key, config->peers[n->peer].public_key);
	fprintf(stderr, "%s: warning: %s:%u: Endpoint: cannot resolve '%s': %s; peer %s is configured without an endpoint\n",
		prog, config->path, n->line, n->endpoint,
		endpoint_lookup_error(err), key);
}

int config_resolve(struct config *config)
{
	long limit, delay = 1, left;
	time_t start;
	size_t i;
	int *err;
	int ret;

	if (!config->n_names)
		return XTUNCTL_OK;
	/* Seconds to keep trying, or -1 for no limit. */
	ret = parse_env_seconds("XTUN_RESOLVE_TIMEOUT", RESOLVE_TIMEOUT_DEFAULT,
				true, &limit);
	if (ret)
		return ret;
	err = malloc(config->n_names * sizeof(*err));
	if (!err) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return XTUNCTL_EUSAGE;
	}
	for (i = 0; i < config->n_names; i++)
		err[i] = EAI_AGAIN;
	start = now();
	while (resolve_round(config, err)) {
		left = limit < 0 ? delay : limit - (now() - start);
		if (left <= 0)
			break;
		if (delay > left)
			delay = left;
		fprintf(stderr, "%s: %s: endpoint names do not resolve yet; trying again in %ld s\n",
			prog, config->path, delay);
		sleep(delay);
		delay = delay * 2 > RESOLVE_DELAY_MAX ? RESOLVE_DELAY_MAX : delay * 2;
	}
	for (i = 0; i < config->n_names; i++)
		if (err[i])
			warn_unresolved(config, i, err[i]);
	free(err);
	return XTUNCTL_OK;
}
