// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl setconf|addconf|syncconf IFNAME FILE: a device's configuration
 * from a file in WireGuard's config file format (config_file.c).
 *
 *   setconf   the file becomes the whole configuration: its peers replace
 *             the device's, so every session starts over.
 *   addconf   the file's settings are added: new peers are added, peers
 *             the device has get the file's settings and allowed IPs added.
 *   syncconf  the result of setconf, reached by sending only what differs:
 *             peers whose settings did not change are not touched and keep
 *             their sessions (syncconf.c works out what differs).
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
#include "config_file.h"
#include "curve25519.h"
#include "setconf.h"
#include "state.h"
#include "syncconf.h"
#include "xtunctl.h"

/* --- checks before anything is sent -------------------------------------- */

static bool is_own(const struct peer_change *peer, const uint8_t *own)
{
	return !memcmp(peer->public_key, own, XTUN_KEY_LEN);
}

/*
 * The endpoint names of the peers kept, with each name's peer index as it
 * will be once the peers with the key @own are left out.  Names come in
 * the order of their peers (config_file.c appends them as it reads), so
 * one walk counts the peers left out before each.
 */
static void skip_own_names(struct config *config, const uint8_t *own)
{
	size_t i, p = 0, skipped = 0, kept = 0;
	struct config_name *n;

	for (i = 0; i < config->n_names; i++) {
		n = &config->names[i];
		for (; p < n->peer; p++)
			skipped += is_own(&config->peers[p], own);
		if (is_own(&config->peers[n->peer], own)) {
			free(n->endpoint);
			continue;
		}
		n->peer -= skipped;
		config->names[kept++] = *n;
	}
	config->n_names = kept;
}

/*
 * A peer with the device's own public key is left out, as wg leaves it
 * out, so that one peer list can serve every node of a mesh; the kernel
 * would skip it too, but saying so here names it.  Returns how many were
 * left out.
 */
size_t setconf_skip_own_key(struct config *config, const struct dev_state *dev)
{
	uint8_t own[XTUN_KEY_LEN];
	char b64[KEY_B64_LEN + 1];
	size_t i, kept = 0;

	if (config->dev.has_private_key)
		curve25519_public(own, config->dev.private_key);
	else if (dev && dev->has_public_key)
		memcpy(own, dev->public_key, XTUN_KEY_LEN);
	else
		return 0;
	skip_own_names(config, own);
	for (i = 0; i < config->n_peers; i++) {
		if (!is_own(&config->peers[i], own)) {
			config->peers[kept] = config->peers[i];
			config->origins[kept++] = config->origins[i];
			continue;
		}
		key_to_base64(b64, own);
		fprintf(stderr, "%s: note: %s:%u: skipping peer %s, the device's own public key\n",
			prog, config->path, config->origins[i].line, b64);
		free(config->peers[i].allowedips);
		free(config->origins[i].aip_lines);
	}
	i = config->n_peers - kept;
	if (i)
		explicit_bzero(&config->peers[kept], i * sizeof(*config->peers));
	config->n_peers = kept;
	return i;
}

/* --- setconf ------------------------------------------------------------- */

/*
 * One SET_DEVICE with XTUN_DEVICE_F_REPLACE_PEERS and as many of the peers
 * as fit, then more SET_DEVICE requests for the rest (peers_batch_send()).
 */
int setconf_apply(struct genl_session *g, const char *ifname,
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
		if (dev_state_find_peer(dev, peers[i].public_key))
			peers[i].cmd = XTUN_CMD_SET_PEER;
	ret = peers_batch_send(g, ifname, &config->dev, peers, config->n_peers);
	peer_changes_free(peers, config->n_peers);
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
		return setconf_apply(g, job->ifname, job->config);
	case CONF_ADD:
		return apply_add(g, job->ifname, job->config, job->dev);
	case CONF_SYNC:
		return syncconf_apply(g, job->ifname, job->config, job->dev);
	}
	return XTUNCTL_EUSAGE;
}

static int conf_apply(const char *ifname, struct config *config,
		      enum conf_mode mode)
{
	struct conf_job job = { .ifname = ifname, .config = config, .mode = mode };
	struct dev_state_list list = { 0 };
	int ret;

	/* addconf and syncconf work from what the device has now. */
	if (mode != CONF_SET) {
		ret = dev_state_read_one(&list, ifname);
		if (ret)
			return ret;
	}
	job.dev = list.n_devices ? list.devices : NULL;
	setconf_skip_own_key(config, job.dev);
	ret = genl_run(conf_send, &job);
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

