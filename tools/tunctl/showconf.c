// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl showconf IFNAME: the running configuration of a device as a
 * config file in WireGuard's format, which setconf reads back; keys the
 * kernel never gives out are comments.
 */

#include <stdio.h>

#include "parse.h"
#include "show_value.h"
#include "state.h"
#include "xtunctl.h"

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
