// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show IFNAME dump, xtunctl show all dump: machine-readable state.
 *
 * The columns are those of "wg show IFNAME dump", in the same order, so that
 * scripts written for wg read xtun too; xtun's own counters follow as extra
 * columns at the end of each peer line.  xtunctl(8) documents every column;
 * they only ever grow at the end.
 */

#include <stdbool.h>
#include <stdio.h>

#include "show_dump.h"
#include "show_value.h"
#include "show_walk.h"

/* private-key, public-key, listen-port, fwmark */
static void dump_device(const struct dev_state *dev, void *ctx)
{
	value_ifname_tab(dev, *(const bool *)ctx);
	/* The kernel never reveals the private key, only that there is one. */
	value_secret(dev->has_public_key);
	putchar('\t');
	value_key(dev->public_key, dev->has_public_key);
	printf("\t%u\t", dev->listen_port);
	value_fwmark(dev);
	putchar('\n');
}

/*
 * public-key, preshared-key, endpoint, allowed-ips, latest-handshake,
 * transfer-rx, transfer-tx, persistent-keepalive, then xtun's drop-replay,
 * drop-auth, drop-source, drop-no-session, rx-packets, tx-packets.
 */
static void dump_peer(const struct dev_state *dev,
		      const struct peer_state *peer, void *ctx)
{
	value_ifname_tab(dev, *(const bool *)ctx);
	value_key(peer->public_key, true);
	putchar('\t');
	value_secret(peer->has_preshared_key);
	putchar('\t');
	value_endpoint(peer);
	putchar('\t');
	value_allowedips(peer, ",");
	putchar('\t');
	value_handshake(peer);
	putchar('\t');
	value_counters(peer, COUNTERS_TRANSFER, "\t");
	putchar('\t');
	value_keepalive(peer);
	putchar('\t');
	value_counters(peer, COUNTERS_DROPS, "\t");
	putchar('\t');
	value_counters(peer, COUNTERS_PACKETS, "\t");
	putchar('\n');
}

static const struct show_printer dump_printer = {
	.device	= dump_device,
	.peer	= dump_peer,
};

void show_dump(const struct dev_state_list *list, bool with_ifname)
{
	show_walk(list, &dump_printer, &with_ifname);
}
