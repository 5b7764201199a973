// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show IFNAME dump, xtunctl show all dump: machine-readable state.
 *
 * The columns are those of "wg show IFNAME dump", in the same order, so that
 * scripts written for wg read xtun too; xtun's own counters follow as extra
 * columns at the end of each peer line.  xtunctl(8) documents every column;
 * they only ever grow at the end.
 */

#include <inttypes.h>
#include <stdio.h>

#include "device.h"
#include "xtunctl.h"

static void print_key(const uint8_t key[XTUN_KEY_LEN], bool present)
{
	char b64[KEY_B64_LEN + 1];

	if (!present) {
		printf("(none)\t");
		return;
	}
	key_to_base64(b64, key);
	printf("%s\t", b64);
}

/* private-key, public-key, listen-port, fwmark */
static void dump_device(const struct dev_state *dev)
{
	/* The kernel never reveals the private key, only that there is one. */
	printf("%s\t", dev->has_public_key ? "(hidden)" : "(none)");
	print_key(dev->public_key, dev->has_public_key);
	printf("%u\t", dev->listen_port);
	if (dev->fwmark)
		printf("0x%x\n", dev->fwmark);
	else
		printf("off\n");
}

static void dump_allowedips(const struct peer_state *peer)
{
	allowedips_print(peer, ",");
	printf("\t");
}

/*
 * public-key, preshared-key, endpoint, allowed-ips, latest-handshake,
 * transfer-rx, transfer-tx, persistent-keepalive, then xtun's drop-replay,
 * drop-auth, drop-source, drop-no-session, rx-packets, tx-packets.
 */
static void dump_peer(const struct peer_state *peer)
{
	char ep[ENDPOINT_STRLEN];

	print_key(peer->public_key, true);
	printf("%s\t", peer->has_preshared_key ? "(hidden)" : "(none)");
	if (peer->endpoint.sa.sa_family) {
		endpoint_to_str(ep, sizeof(ep), &peer->endpoint);
		printf("%s\t", ep);
	} else {
		printf("(none)\t");
	}
	dump_allowedips(peer);
	printf("%" PRIu64 "\t", peer->last_handshake_ns / 1000000000);
	printf("%" PRIu64 "\t%" PRIu64 "\t", peer->rx_bytes, peer->tx_bytes);
	if (peer->persistent_keepalive)
		printf("%u\t", peer->persistent_keepalive);
	else
		printf("off\t");
	printf("%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t",
	       peer->drop_replay, peer->drop_auth, peer->drop_source,
	       peer->drop_no_session);
	printf("%" PRIu64 "\t%" PRIu64 "\n", peer->rx_packets, peer->tx_packets);
}

void dump_devices(const struct dev_state_list *list, bool with_ifname)
{
	const struct dev_state *dev;
	size_t i, j;

	for (i = 0; i < list->n_devices; i++) {
		dev = &list->devices[i];
		if (with_ifname)
			printf("%s\t", dev->ifname);
		dump_device(dev);
		for (j = 0; j < dev->n_peers; j++) {
			if (with_ifname)
				printf("%s\t", dev->ifname);
			dump_peer(&dev->peers[j]);
		}
	}
}
