// SPDX-License-Identifier: GPL-2.0
/*
 * Values as scripts see them (see show_value.h).
 */

#include <stdio.h>

#include "outbuf.h"
#include "show_value.h"

void value_key(const uint8_t key[XTUN_KEY_LEN], bool present)
{
	char b64[KEY_B64_LEN + 1];

	if (!present) {
		out_puts("(none)");
		return;
	}
	public_key_to_base64(b64, key);
	out_puts(b64);
}

void value_secret(bool present)
{
	out_puts(present ? "(hidden)" : "(none)");
}

void value_allowedips(const struct peer_state *peer, const char *sep)
{
	char buf[PREFIX_STRLEN];
	size_t i;

	if (!peer->n_allowedips)
		out_puts("(none)");
	for (i = 0; i < peer->n_allowedips; i++) {
		prefix_to_str(buf, sizeof(buf), &peer->allowedips[i]);
		if (i)
			out_puts(sep);
		out_puts(buf);
	}
}
