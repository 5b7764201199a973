// SPDX-License-Identifier: GPL-2.0
/*
 * syncconf: what differs between a config file and a device, sent as the
 * changes that make the device what setconf would make it (see
 * syncconf.h).  Peers whose settings did not change are not in the
 * requests at all, so they keep their sessions.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/xtun.h>

#include "batch.h"
#include "curve25519.h"
#include "key_index.h"
#include "syncconf.h"
#include "xtunctl.h"

/* Whether @list has @p, however the host bits of either were written. */
static bool prefix_in(const struct ip_prefix *p,
		      const struct ip_prefix *list, size_t n)
{
	struct ip_prefix a = *p, b;
	size_t i;

	prefix_mask(&a);
	for (i = 0; i < n; i++) {
		b = list[i];
		prefix_mask(&b);
		if (prefix_equal(&a, &b))
			return true;
	}
	return false;
}

static bool same_allowedips(const struct peer_change *want,
			    const struct peer_state *have)
{
	size_t i;

	for (i = 0; i < want->n_allowedips; i++)
		if (!prefix_in(&want->allowedips[i], have->allowedips,
			       have->n_allowedips))
			return false;
	for (i = 0; i < have->n_allowedips; i++)
		if (!prefix_in(&have->allowedips[i], want->allowedips,
			       want->n_allowedips))
			return false;
	return true;
}

/*
 * The SET_PEER that turns @have into @want, in @c; false if there is
 * nothing to change.  A preshared key cannot be read back, so one in the
 * file is always sent: setting the same key again keeps the sessions.
 */
static bool peer_diff(const struct peer_change *want,
		      const struct peer_state *have, struct peer_change *c)
{
	bool changed = false;

	memset(c, 0, sizeof(*c));
	c->cmd = XTUN_CMD_SET_PEER;
	memcpy(c->public_key, want->public_key, XTUN_KEY_LEN);
	if (want->has_preshared_key || have->has_preshared_key) {
		c->has_preshared_key = true;
		memcpy(c->preshared_key, want->preshared_key, XTUN_KEY_LEN);
		changed = true;
	}
	if (want->has_endpoint && !endpoint_equal(&want->endpoint, &have->endpoint)) {
		c->has_endpoint = true;
		c->endpoint = want->endpoint;
		changed = true;
	}
	if (want->keepalive != have->persistent_keepalive) {
		c->has_keepalive = true;
		c->keepalive = want->keepalive;
		changed = true;
	}
	if (!same_allowedips(want, have)) {
		c->replace_allowedips = true;
		c->allowedips = want->allowedips;
		c->n_allowedips = want->n_allowedips;
		changed = true;
	}
	return changed;
}

/* The device settings that differ, in @c; false if none does. */
static bool sync_device(const struct config *config,
			const struct dev_state *dev, struct dev_change *c)
{
	uint8_t pub[XTUN_KEY_LEN];

	if (config->dev.has_private_key) {
		curve25519_public(pub, config->dev.private_key);
		if (!dev->has_public_key ||
		    memcmp(pub, dev->public_key, XTUN_KEY_LEN)) {
			c->has_private_key = true;
			memcpy(c->private_key, config->dev.private_key,
			       XTUN_KEY_LEN);
		}
	}
	if (config->dev.has_listen_port &&
	    config->dev.listen_port != dev->listen_port) {
		c->has_listen_port = true;
		c->listen_port = config->dev.listen_port;
	}
	if (config->dev.has_fwmark && config->dev.fwmark != dev->fwmark) {
		c->has_fwmark = true;
		c->fwmark = config->dev.fwmark;
	}
	return c->has_private_key || c->has_listen_port || c->has_fwmark;
}

/*
 * Device settings, the removal of the peers the file does not have, and
 * the peers that are new or differ, in as few SET_DEVICE requests as hold
 * them.  A changed peer is update-only: should it go away meanwhile, it
 * is not added back with only the settings that differed.
 */
int syncconf_apply(struct genl_session *g, const char *ifname,
		   const struct config *config, const struct dev_state *dev)
{
	const struct peer_state *have;
	struct dev_change c = { 0 };
	struct peer_change *peers;
	struct key_index wanted;
	size_t i, n = 0;
	bool dev_differs;
	int ret;

	peers = calloc(dev->n_peers + config->n_peers ?: 1, sizeof(*peers));
	if (!peers || !key_index_of(&wanted, config->peers, config->n_peers,
				    public_key)) {
		free(peers);
		fprintf(stderr, "%s: out of memory\n", prog);
		return XTUNCTL_EUSAGE;
	}
	dev_differs = sync_device(config, dev, &c);
	for (i = 0; i < dev->n_peers; i++) {
		if (key_index_find(&wanted, dev->peers[i].public_key))
			continue;
		peers[n].remove = true;
		memcpy(peers[n++].public_key, dev->peers[i].public_key,
		       XTUN_KEY_LEN);
	}
	for (i = 0; i < config->n_peers; i++) {
		have = dev_state_find_peer(dev, config->peers[i].public_key);
		if (!have) {
			peers[n++] = config->peers[i];
		} else if (peer_diff(&config->peers[i], have, &peers[n])) {
			peers[n++].update_only = true;
		}
	}
	key_index_free(&wanted);
	ret = peers_batch_send(g, ifname, dev_differs ? &c : NULL, peers, n);
	explicit_bzero(&c, sizeof(c));
	peer_changes_free(peers, dev->n_peers + config->n_peers);
	return ret;
}
