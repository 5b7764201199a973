// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show [IFNAME | all] [dump]: the state of xtun devices and their
 * peers, for people (this file, in the manner of "wg show") or for scripts
 * (dump.c, the columns of "wg show dump").
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "device.h"
#include "xtunctl.h"

static void print_bytes(uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	unsigned int u = 0;

	if (bytes < 1024) {
		printf("%" PRIu64 " B", bytes);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < ARRAY_LEN(units); v /= 1024)
		u++;
	printf("%.2f %s", v, units[u]);
}

/* "1 minute, 3 seconds": every unit that is not zero. */
static void print_duration(uint64_t seconds)
{
	static const struct {
		const char *name;
		uint64_t seconds;
	} units[] = {
		{ "year", 365 * 24 * 3600 },
		{ "day", 24 * 3600 },
		{ "hour", 3600 },
		{ "minute", 60 },
		{ "second", 1 },
	};
	const char *sep = "";
	uint64_t n;
	size_t i;

	for (i = 0; i < ARRAY_LEN(units); i++) {
		n = seconds / units[i].seconds;
		seconds %= units[i].seconds;
		if (!n)
			continue;
		printf("%s%" PRIu64 " %s%s", sep, n, units[i].name, n == 1 ? "" : "s");
		sep = ", ";
	}
}

static void print_handshake(uint64_t ns)
{
	struct timespec now;
	int64_t age_ns;

	clock_gettime(CLOCK_REALTIME, &now);
	age_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - (int64_t)ns;
	printf("  latest handshake: ");
	if (age_ns < 0) {
		printf("in the future (the system clock was set back)\n");
	} else if (age_ns < 1000000000) {
		printf("Now\n");
	} else {
		print_duration(age_ns / 1000000000);
		printf(" ago\n");
	}
}

static void print_allowedips(const struct xtun_peer *peer)
{
	char buf[XTUN_PREFIX_STRLEN];
	size_t i;

	printf("  allowed ips: ");
	if (!peer->n_allowedips)
		printf("(none)");
	for (i = 0; i < peer->n_allowedips; i++) {
		prefix_to_str(buf, sizeof(buf), &peer->allowedips[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
	printf("\n");
}

static void print_traffic(const struct xtun_peer *peer)
{
	if (peer->rx_bytes || peer->tx_bytes) {
		printf("  transfer: ");
		print_bytes(peer->rx_bytes);
		printf(" received, ");
		print_bytes(peer->tx_bytes);
		printf(" sent\n");
	}
	if (peer->rx_packets || peer->tx_packets)
		printf("  packets: %" PRIu64 " received, %" PRIu64 " sent\n",
		       peer->rx_packets, peer->tx_packets);
	if (peer->drop_replay || peer->drop_auth || peer->drop_source ||
	    peer->drop_no_session)
		printf("  drops: replay %" PRIu64 ", authentication %" PRIu64
		       ", source %" PRIu64 ", no session %" PRIu64 "\n",
		       peer->drop_replay, peer->drop_auth, peer->drop_source,
		       peer->drop_no_session);
}

static void print_peer(const struct xtun_peer *peer)
{
	char buf[XTUN_ENDPOINT_STRLEN];

	key_to_base64(buf, peer->public_key);
	printf("peer: %s\n", buf);
	if (peer->has_preshared_key)
		printf("  preshared key: (hidden)\n");
	if (peer->endpoint.sa.sa_family) {
		endpoint_to_str(buf, sizeof(buf), &peer->endpoint);
		printf("  endpoint: %s\n", buf);
	}
	print_allowedips(peer);
	if (peer->last_handshake_ns)
		print_handshake(peer->last_handshake_ns);
	print_traffic(peer);
	if (peer->persistent_keepalive)
		printf("  persistent keepalive: every %u second%s\n",
		       peer->persistent_keepalive,
		       peer->persistent_keepalive == 1 ? "" : "s");
}

static void print_device(const struct xtun_device *dev)
{
	char key[XTUN_KEY_B64_LEN + 1];
	size_t i;

	printf("interface: %s\n", dev->ifname);
	printf("  ifindex: %u\n", dev->ifindex);
	if (dev->has_public_key) {
		key_to_base64(key, dev->public_key);
		printf("  public key: %s\n", key);
		printf("  private key: (hidden)\n");
	}
	if (dev->listen_port)
		printf("  listening port: %u\n", dev->listen_port);
	if (dev->fwmark)
		printf("  fwmark: 0x%x\n", dev->fwmark);
	for (i = 0; i < dev->n_peers; i++) {
		printf("\n");
		print_peer(&dev->peers[i]);
	}
}

static int show_usage(void)
{
	fprintf(stderr, "Usage: %s show [IFNAME | all] [dump]\n", prog);
	return XTUNCTL_EUSAGE;
}

int cmd_show(int argc, char **argv)
{
	struct xtun_device_list list;
	const char *ifname = NULL;
	bool dump = false;
	size_t i;
	int ret;

	if (argc > 3 || (argc == 3 && strcmp(argv[2], "dump")))
		return show_usage();
	dump = argc == 3;
	/* Like wg, "all" means every device; "show all" is plain "show". */
	if (argc >= 2 && strcmp(argv[1], "all")) {
		ifname = argv[1];
		ret = parse_ifname(ifname);
		if (ret)
			return ret;
	}

	ret = device_list_read(&list, ifname);
	if (ret)
		return ret;
	if (dump) {
		dump_devices(&list, !ifname);
	} else {
		for (i = 0; i < list.n_devices; i++) {
			if (i)
				printf("\n");
			print_device(&list.devices[i]);
		}
	}
	device_list_free(&list);
	return XTUNCTL_OK;
}
