// SPDX-License-Identifier: GPL-2.0
/*
 * Values as scripts see them, and JSON members monitor shares (see
 * show_value.h).
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
		if (i)
			fputs(sep, stdout);
		fputs(buf, stdout);
	}
}

void value_fwmark(const struct dev_state *dev)
{
	if (dev->fwmark)
		printf("0x%x", dev->fwmark);
	else
		fputs("off", stdout);
}

void json_public_key(struct json *j, const uint8_t key[XTUN_KEY_LEN])
{
	char b64[KEY_B64_LEN + 1];

	key_to_base64(b64, key);
	json_key_string(j, "public_key", b64);
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
