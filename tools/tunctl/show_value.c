// SPDX-License-Identifier: GPL-2.0
/*
 * The values that the script formats and showconf print (see show_value.h).
 */

#include <inttypes.h>
#include <stdio.h>

#include "show_value.h"

void value_key(const uint8_t key[XTUN_KEY_LEN], bool present)
{
	char b64[KEY_B64_LEN + 1];

	if (!present) {
		fputs("(none)", stdout);
		return;
	}
	key_to_base64(b64, key);
	fputs(b64, stdout);
}

void value_secret(bool present)
{
	fputs(present ? "(hidden)" : "(none)", stdout);
}

void value_endpoint(const struct peer_state *peer)
{
	char ep[ENDPOINT_STRLEN];

	if (!peer->endpoint.sa.sa_family) {
		fputs("(none)", stdout);
		return;
	}
	endpoint_to_str(ep, sizeof(ep), &peer->endpoint);
	fputs(ep, stdout);
}

void value_allowedips(const struct peer_state *peer, const char *sep)
{
	char buf[PREFIX_STRLEN];
	size_t i;

	if (!peer->n_allowedips)
		fputs("(none)", stdout);
	for (i = 0; i < peer->n_allowedips; i++) {
		prefix_to_str(buf, sizeof(buf), &peer->allowedips[i]);
		printf("%s%s", i ? sep : "", buf);
	}
}

void value_handshake(const struct peer_state *peer)
{
	printf("%" PRIu64, handshake_seconds(peer));
}

void value_keepalive(const struct peer_state *peer)
{
	if (peer->persistent_keepalive)
		printf("%u", peer->persistent_keepalive);
	else
		fputs("off", stdout);
}

void value_fwmark(const struct dev_state *dev)
{
	if (dev->fwmark)
		printf("0x%x", dev->fwmark);
	else
		fputs("off", stdout);
}

void value_counters(const struct peer_state *peer, enum counter_group group,
		    const char *sep)
{
	const char *before = "";
	size_t i;

	for (i = 0; i < PEER_N_COUNTERS; i++) {
		if (peer_counters[i].group != group)
			continue;
		printf("%s%" PRIu64, before, peer->counters[i]);
		before = sep;
	}
}

void value_ifname_tab(const struct dev_state *dev, bool with_ifname)
{
	if (with_ifname)
		printf("%s\t", dev->ifname);
}
