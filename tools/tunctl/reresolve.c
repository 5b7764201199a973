// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl reresolve IFNAME FILE: follow endpoint names that moved.
 *
 * A peer whose Endpoint in FILE is a name and whose last handshake is
 * older than XTUN_RERESOLVE_AGE seconds (default 135: a handshake is
 * retried every 5 s and a session lasts at most 180 s, so a live peer has
 * one newer than that) gets the name looked up again, and its endpoint
 * set if the address differs.  Peers with a recent handshake are left
 * alone: their endpoint is right, or roamed there, and must not be undone.
 * Nothing else of the file is applied.  Run by xtun-reresolve@.timer.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/xtun.h>

#include "batch.h"
#include "config_file.h"
#include "parse.h"
#include "state.h"
#include "xtunctl.h"

#define RERESOLVE_AGE_DEFAULT	135

struct reresolve_job {
	const char *ifname;
	struct peer_change *peers;
	size_t n;
};

/* Whether the last handshake of @peer is older than @age seconds, or none. */
static bool handshake_older(const struct peer_state *peer, long age)
{
	struct timespec now;
	int64_t now_ns;

	if (!peer->last_handshake_ns)
		return true;
	clock_gettime(CLOCK_REALTIME, &now);
	now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	return now_ns - (int64_t)peer->last_handshake_ns > (int64_t)age * 1000000000;
}

static int reresolve_send(struct genl_session *g, void *ctx)
{
	const struct reresolve_job *job = ctx;

	return peers_batch_send(g, job->ifname, NULL, job->peers, job->n);
}

/* The endpoint changes for the stale peers of @config, in @job. */
static void collect(const struct config *config, const struct dev_state *dev,
		    long age, struct reresolve_job *job)
{
	const struct peer_change *want;
	const struct peer_state *have;
	char key[KEY_B64_LEN + 1];
	char ep[ENDPOINT_STRLEN];
	struct peer_change *c;
	size_t i;

	for (i = 0; i < config->n_names; i++) {
		want = &config->peers[config->names[i].peer];
		have = dev_state_find_peer(dev, want->public_key);
		if (!want->has_endpoint || !have || !handshake_older(have, age) ||
		    endpoint_equal(&want->endpoint, &have->endpoint))
			continue;
		c = &job->peers[job->n++];
		c->cmd = XTUN_CMD_SET_PEER;
		c->update_only = true;
		memcpy(c->public_key, want->public_key, XTUN_KEY_LEN);
		c->has_endpoint = true;
		c->endpoint = want->endpoint;
		key_to_base64(key, want->public_key);
		endpoint_to_str(ep, sizeof(ep), &want->endpoint);
		printf("%s: peer %s: endpoint %s from '%s'\n", job->ifname,
		       key, ep, config->names[i].endpoint);
	}
}

int cmd_reresolve(int argc, char **argv)
{
	struct dev_state_list list = { 0 };
	struct reresolve_job job = { 0 };
	struct config config;
	long age;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "Usage: %s reresolve IFNAME FILE\n", prog);
		return XTUNCTL_EUSAGE;
	}
	job.ifname = argv[1];
	/* A timer runs this again soon: one try per name is enough. */
	setenv("XTUN_RESOLVE_TIMEOUT", "0", 0);
	ret = parse_env_seconds("XTUN_RERESOLVE_AGE", RERESOLVE_AGE_DEFAULT,
				false, &age) ?: parse_ifname(argv[1]) ?:
	      config_read(&config, argv[2]);
	if (ret)
		return ret;
	ret = dev_state_read_one(&list, argv[1]);
	if (ret)
		goto out_config;
	job.peers = calloc(config.n_names ?: 1, sizeof(*job.peers));
	if (!job.peers) {
		fprintf(stderr, "%s: out of memory\n", prog);
		ret = XTUNCTL_EUSAGE;
		goto out_list;
	}
	collect(&config, &list.devices[0], age, &job);
	if (job.n)
		ret = genl_run(reresolve_send, &job);
	free(job.peers);
out_list:
	dev_state_free(&list);
out_config:
	config_free(&config);
	return ret;
}
