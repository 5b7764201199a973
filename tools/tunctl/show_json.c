// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show [IFNAME | all] -j: the devices as JSON, for programs.
 *
 * Numbers are raw (bytes, seconds, counters), unlike the human output, and
 * the document is always an array of devices, also for one IFNAME, so that
 * a reader needs one code path.  Like the kernel, it never gives out a
 * private or preshared key: only whether there is one.  xtunctl(8)
 * documents every member; members are only ever added.
 */

#include "json.h"
#include "show_json.h"
#include "show_value.h"
#include "show_walk.h"

void json_public_key(struct json *j, const uint8_t key[XTUN_KEY_LEN])
{
	char b64[KEY_B64_LEN + 1];

	key_to_base64(b64, key);
	json_key_string(j, "public_key", b64);
}

static void json_begin(void *ctx)
{
	json_begin_array(ctx);
}

static void json_device(const struct dev_state *dev, void *ctx)
{
	struct json *j = ctx;

	json_begin_object(j);
	json_key_string(j, "ifname", dev->ifname);
	json_key_u64(j, "ifindex", dev->ifindex);
	json_key_bool(j, "private_key", dev->has_public_key);
	if (dev->has_public_key) {
		json_public_key(j, dev->public_key);
	} else {
		json_key(j, "public_key");
		json_null(j);
	}
	json_key_u64(j, "listen_port", dev->listen_port);
	json_key_u64(j, "fwmark", dev->fwmark);
	json_key(j, "peers");
	json_begin_array(j);
}

void json_endpoint(struct json *j, const struct peer_state *peer)
{
	char ep[ENDPOINT_STRLEN];

	json_key(j, "endpoint");
	if (!peer->endpoint.sa.sa_family) {
		json_null(j);
		return;
	}
	endpoint_to_str(ep, sizeof(ep), &peer->endpoint);
	json_string(j, ep);
}

static void json_allowedips(struct json *j, const struct peer_state *peer)
{
	char prefix[PREFIX_STRLEN];
	size_t i;

	json_key(j, "allowed_ips");
	json_begin_array(j);
	for (i = 0; i < peer->n_allowedips; i++) {
		prefix_to_str(prefix, sizeof(prefix), &peer->allowedips[i]);
		json_string(j, prefix);
	}
	json_end_array(j);
}

/* The members of the counters of @group, as peer_counter.c names them. */
static void json_counters(struct json *j, const struct peer_state *peer,
			  enum counter_group group)
{
	size_t i;

	for (i = 0; i < PEER_N_COUNTERS; i++)
		if (peer_counters[i].group == group)
			json_key_u64(j, peer_counters[i].json, peer->counters[i]);
}

static void json_peer(const struct dev_state *dev,
		      const struct peer_state *peer, void *ctx)
{
	struct json *j = ctx;

	(void)dev;
	json_begin_object(j);
	json_public_key(j, peer->public_key);
	json_key_bool(j, "preshared_key", peer->has_preshared_key);
	json_endpoint(j, peer);
	json_allowedips(j, peer);
	json_key_u64(j, "latest_handshake", handshake_seconds(peer));
	json_counters(j, peer, COUNTERS_TRANSFER);
	json_counters(j, peer, COUNTERS_PACKETS);
	json_key_u64(j, "persistent_keepalive", peer->persistent_keepalive);
	json_counters(j, peer, COUNTERS_DROPS);
	json_end_object(j);
}

static void json_device_end(const struct dev_state *dev, void *ctx)
{
	struct json *j = ctx;

	(void)dev;
	json_end_array(j);	/* peers */
	json_end_object(j);
}

static void json_end(void *ctx)
{
	json_end_array(ctx);
}

static const struct show_printer json_printer = {
	.begin		= json_begin,
	.device		= json_device,
	.peer		= json_peer,
	.device_end	= json_device_end,
	.end		= json_end,
};

void show_json(const struct dev_state_list *list)
{
	struct json j;

	json_init(&j, stdout);
	show_walk(list, &json_printer, &j);
}
