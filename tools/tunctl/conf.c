// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl setconf|addconf|syncconf IFNAME FILE and xtunctl showconf IFNAME:
 * a device's configuration from and to WireGuard's config file format.
 *
 *   setconf   the file becomes the whole configuration: its peers replace
 *             the device's, so every session starts over.
 *   addconf   the file's settings are added: new peers are added, peers
 *             the device has get the file's settings and allowed IPs added.
 *   syncconf  the result of setconf, reached by sending only what differs:
 *             peers whose settings did not change are not touched and keep
 *             their sessions.
 *
 * [Interface] keys the file does not give (PrivateKey, ListenPort, FwMark)
 * are left as the device has them, in all three, as wg(8) does.  That is
 * what makes a reload with syncconf safe for a full tunnel: "up" chose the
 * fwmark, and the file does not say it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/xtun.h>

#include "batch.h"
#include "config.h"
#include "curve25519.h"
#include "show_value.h"
#include "state.h"
#include "xtunctl.h"

/* --- checks before anything is sent -------------------------------------- */

/*
 * The kernel would refuse a peer with the device's own key only after the
 * peers before it were applied; refuse the whole file instead.
 */
int config_check_own_key(const struct config *config,
			 const struct dev_state *dev)
{
	uint8_t own[XTUN_KEY_LEN];
	char b64[KEY_B64_LEN + 1];
	bool has_own = false;
	size_t i;

	if (config->dev.has_private_key) {
		curve25519_public(own, config->dev.private_key);
		has_own = true;
	} else if (dev && dev->has_public_key) {
		memcpy(own, dev->public_key, XTUN_KEY_LEN);
		has_own = true;
	}
	for (i = 0; has_own && i < config->n_peers; i++) {
		if (memcmp(config->peers[i].public_key, own, XTUN_KEY_LEN))
			continue;
		key_to_base64(b64, own);
		fprintf(stderr, "%s: %s: peer %s is the device's own public key\n",
			prog, config->path, b64);
		return XTUNCTL_EUSAGE;
	}
	return XTUNCTL_OK;
}

static const struct peer_state *find_peer(const struct dev_state *dev,
					 const uint8_t key[XTUN_KEY_LEN])
{
	size_t i;

	for (i = 0; dev && i < dev->n_peers; i++)
		if (!memcmp(dev->peers[i].public_key, key, XTUN_KEY_LEN))
			return &dev->peers[i];
	return NULL;
}

static bool config_has_peer(const struct config *config,
			    const uint8_t key[XTUN_KEY_LEN])
{
	size_t i;

	for (i = 0; i < config->n_peers; i++)
		if (!memcmp(config->peers[i].public_key, key, XTUN_KEY_LEN))
			return true;
	return false;
}

/* --- setconf ------------------------------------------------------------- */

/*
 * One SET_DEVICE with XTUN_DEVICE_F_REPLACE_PEERS and as many of the peers
 * as fit, then more SET_DEVICE requests for the rest (peers_batch_send()).
 */
int config_apply_set(struct genl_session *g, const char *ifname,
		     const struct config *config)
{
	struct dev_change dev = config->dev;
	int ret;

	dev.replace_peers = true;
	ret = peers_batch_send(g, ifname, &dev, config->peers, config->n_peers);
	explicit_bzero(&dev, sizeof(dev));
	return ret;
}

/* A copy of @n peer changes to adjust, or NULL (having said so). */
static struct peer_change *peers_copy(const struct peer_change *peers, size_t n)
{
	struct peer_change *copy = calloc(n ?: 1, sizeof(*copy));

	if (!copy) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	if (n)
		memcpy(copy, peers, n * sizeof(*copy));
	return copy;
}

/* Frees @peers, which hold preshared keys; their allowed IPs are borrowed. */
static void peers_free(struct peer_change *peers, size_t n)
{
	explicit_bzero(peers, n * sizeof(*peers));
	free(peers);
}

/* --- addconf ------------------------------------------------------------- */

/*
 * The kernel adds a peer of a batch it does not have and changes one it
 * has; cmd only matters for a kernel without batches.
 */
static int apply_add(struct genl_session *g, const char *ifname,
		     const struct config *config, const struct dev_state *dev)
{
	struct peer_change *peers;
	size_t i;
	int ret;

	peers = peers_copy(config->peers, config->n_peers);
	if (!peers)
		return XTUNCTL_EUSAGE;
	for (i = 0; i < config->n_peers; i++)
		if (find_peer(dev, peers[i].public_key))
			peers[i].cmd = XTUN_CMD_SET_PEER;
	ret = peers_batch_send(g, ifname, &config->dev, peers, config->n_peers);
	peers_free(peers, config->n_peers);
	return ret;
}

/* --- syncconf ------------------------------------------------------------ */

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

static bool same_endpoint(const union inet_sockaddr *a,
			  const union inet_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		       a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	       !memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
		       sizeof(a->sin6.sin6_addr)) &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
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
	if (want->has_endpoint && !same_endpoint(&want->endpoint, &have->endpoint)) {
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
static int apply_sync(struct genl_session *g, const char *ifname,
		      const struct config *config,
		      const struct dev_state *dev)
{
	const struct peer_state *have;
	struct dev_change c = { 0 };
	struct peer_change *peers;
	size_t i, n = 0;
	bool dev_differs;
	int ret;

	peers = calloc(dev->n_peers + config->n_peers ?: 1, sizeof(*peers));
	if (!peers) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return XTUNCTL_EUSAGE;
	}
	dev_differs = sync_device(config, dev, &c);
	for (i = 0; i < dev->n_peers; i++) {
		if (config_has_peer(config, dev->peers[i].public_key))
			continue;
		peers[n].remove = true;
		memcpy(peers[n++].public_key, dev->peers[i].public_key,
		       XTUN_KEY_LEN);
	}
	for (i = 0; i < config->n_peers; i++) {
		have = find_peer(dev, config->peers[i].public_key);
		if (!have) {
			peers[n++] = config->peers[i];
		} else if (peer_diff(&config->peers[i], have, &peers[n])) {
			peers[n++].update_only = true;
		}
	}
	ret = peers_batch_send(g, ifname, dev_differs ? &c : NULL, peers, n);
	explicit_bzero(&c, sizeof(c));
	peers_free(peers, dev->n_peers + config->n_peers);
	return ret;
}

/* --- the commands -------------------------------------------------------- */

enum conf_mode { CONF_SET, CONF_ADD, CONF_SYNC };

static const char *const conf_names[] = {
	[CONF_SET] = "setconf", [CONF_ADD] = "addconf", [CONF_SYNC] = "syncconf",
};

/* What one of the commands applies, and to which device as it is now. */
struct conf_job {
	const char *ifname;
	const struct config *config;
	enum conf_mode mode;
	const struct dev_state *dev;	/* NULL for setconf */
};

static int conf_send(struct genl_session *g, void *ctx)
{
	const struct conf_job *job = ctx;

	switch (job->mode) {
	case CONF_SET:
		return config_apply_set(g, job->ifname, job->config);
	case CONF_ADD:
		return apply_add(g, job->ifname, job->config, job->dev);
	case CONF_SYNC:
		return apply_sync(g, job->ifname, job->config, job->dev);
	}
	return XTUNCTL_EUSAGE;
}

static int conf_apply(const char *ifname, const struct config *config,
		      enum conf_mode mode)
{
	struct conf_job job = { .ifname = ifname, .config = config, .mode = mode };
	struct dev_state_list list = { 0 };
	int ret;

	/* addconf and syncconf work from what the device has now. */
	if (mode != CONF_SET) {
		ret = dev_state_read(&list, ifname);
		if (ret)
			return ret;
		if (list.n_devices != 1) {
			fprintf(stderr, "%s: %s: no such xtun device\n", prog, ifname);
			ret = XTUNCTL_EKERNEL;
			goto out_list;
		}
	}
	job.dev = list.n_devices ? list.devices : NULL;
	ret = config_check_own_key(config, job.dev) ?:
	      genl_run(conf_send, &job);
out_list:
	dev_state_free(&list);
	return ret;
}

static int cmd_conf(int argc, char **argv, enum conf_mode mode)
{
	struct config config;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "Usage: %s %s IFNAME FILE\n", prog,
			conf_names[mode]);
		return XTUNCTL_EUSAGE;
	}
	ret = parse_ifname(argv[1]) ?: config_read(&config, argv[2]);
	if (ret)
		return ret;
	ret = conf_apply(argv[1], &config, mode);
	config_free(&config);
	return ret;
}

int cmd_setconf(int argc, char **argv)
{
	return cmd_conf(argc, argv, CONF_SET);
}

int cmd_addconf(int argc, char **argv)
{
	return cmd_conf(argc, argv, CONF_ADD);
}

int cmd_syncconf(int argc, char **argv)
{
	return cmd_conf(argc, argv, CONF_SYNC);
}

/* --- showconf ------------------------------------------------------------ */

static void print_peer_conf(const struct peer_state *peer)
{
	char buf[ENDPOINT_STRLEN];

	key_to_base64(buf, peer->public_key);
	printf("\n[Peer]\nPublicKey = %s\n", buf);
	if (peer->has_preshared_key)
		printf("# PresharedKey is set; the kernel keeps it write-only.\n");
	if (peer->n_allowedips) {
		printf("AllowedIPs = ");
		value_allowedips(peer, ", ");
		printf("\n");
	}
	if (peer->endpoint.sa.sa_family) {
		endpoint_to_str(buf, sizeof(buf), &peer->endpoint);
		printf("Endpoint = %s\n", buf);
	}
	if (peer->persistent_keepalive)
		printf("PersistentKeepalive = %u\n", peer->persistent_keepalive);
}

static void print_device_conf(const struct dev_state *dev)
{
	size_t i;

	printf("[Interface]\n");
	if (dev->has_public_key)
		printf("# PrivateKey is set; the kernel keeps it write-only.\n");
	else
		printf("# No PrivateKey is set.\n");
	printf("ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		printf("FwMark = 0x%x\n", dev->fwmark);
	for (i = 0; i < dev->n_peers; i++)
		print_peer_conf(&dev->peers[i]);
}

int cmd_showconf(int argc, char **argv)
{
	struct dev_state_list list;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s showconf IFNAME\n", prog);
		return XTUNCTL_EUSAGE;
	}
	ret = parse_ifname(argv[1]) ?: dev_state_read(&list, argv[1]);
	if (ret)
		return ret;
	if (list.n_devices == 1)
		print_device_conf(&list.devices[0]);
	dev_state_free(&list);
	return XTUNCTL_OK;
}
