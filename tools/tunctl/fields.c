// SPDX-License-Identifier: GPL-2.0
/*
 * The table of a device's and a peer's fields, and their printers (see
 * fields.h).  A printer serves every output: it says what the value is,
 * and out_uint(), out_string() and out_secret() say how each output writes
 * such a value, so that "(none)", "off" and "(hidden)" are spelt once.
 * What one output does differently (a size in KiB for people, an age
 * instead of a time) is a branch in the printer of that field.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/xtun.h>

#include "addr.h"
#include "fields.h"
#include "outbuf.h"
#include "show_human.h"
#include "show_value.h"
#include "state.h"
#include "xtunctl.h"

/* @v in decimal, without printf() (put_decimal()). */
static void put_u64(uint64_t v)
{
	char buf[20];

	out_write(buf, put_decimal(buf, v) - buf);
}

/*
 * A number, in hexadecimal if @hex: "LABEL: N" for people, "KEY = N" in a
 * config, N elsewhere.
 */
static void out_uint(struct show_out *o, const struct field *f, bool hex,
		     uint64_t v)
{
	switch (o->mode) {
	case SHOW_JSON:
		json_key_u64(&o->json, f->json, v);
		return;
	case SHOW_HUMAN:
		human_label(o->pal, f->label);
		break;
	case SHOW_CONF:
		out_printf("%s = ", f->conf);
		break;
	case SHOW_DUMP:
	case SHOW_FIELD:
		break;
	}
	if (hex)
		out_printf("0x%" PRIx64, v);
	else
		put_u64(v);
	if (o->mode == SHOW_HUMAN || o->mode == SHOW_CONF)
		out_putc('\n');
}

/* Text, or none (NULL): null in JSON, "(none)" for scripts, no line else. */
static void out_string(struct show_out *o, const struct field *f,
		       const char *s)
{
	switch (o->mode) {
	case SHOW_JSON:
		json_key(&o->json, f->json);
		if (s)
			json_string(&o->json, s);
		else
			json_null(&o->json);
		return;
	case SHOW_HUMAN:
		if (s) {
			human_label(o->pal, f->label);
			out_printf("%s\n", s);
		}
		return;
	case SHOW_CONF:
		if (s)
			out_printf("%s = %s\n", f->conf, s);
		return;
	case SHOW_DUMP:
	case SHOW_FIELD:
		out_puts(s ?: "(none)");
		return;
	}
}

/* A value that scripts see as a word ("off") and the others not at all. */
static void out_script(struct show_out *o, const char *word)
{
	if (o->mode == SHOW_DUMP || o->mode == SHOW_FIELD)
		out_puts(word);
}

/*
 * A key the kernel never gives out, only whether there is one: a boolean
 * in JSON, "(hidden)" or "(none)" for scripts, a comment in a config
 * (also when there is none, if @say_none).
 */
static void out_secret(struct show_out *o, const struct field *f,
		       bool present, bool say_none)
{
	switch (o->mode) {
	case SHOW_JSON:
		json_key_bool(&o->json, f->json, present);
		return;
	case SHOW_HUMAN:
		if (present) {
			human_label(o->pal, f->label);
			out_puts("(hidden)\n");
		}
		return;
	case SHOW_CONF:
		if (present)
			out_printf("# %s is set; the kernel keeps it write-only.\n", f->conf);
		else if (say_none)
			out_printf("# No %s is set.\n", f->conf);
		return;
	case SHOW_DUMP:
	case SHOW_FIELD:
		value_secret(present);
		return;
	}
}

/* --- device -------------------------------------------------------------- */

/* The heading of a device for people and in a config; a member in JSON. */
static void print_ifname(struct show_out *o, const struct field *f,
			 const void *obj)
{
	const struct dev_state *dev = obj;
	const struct palette *pal = o->pal;

	switch (o->mode) {
	case SHOW_HUMAN:
		out_printf("%s%s%s: %s%s%s\n", pal->device, f->label, pal->reset,
		       pal->device_name, dev->ifname, pal->reset);
		return;
	case SHOW_CONF:
		out_printf("[%s]\n", f->conf);
		return;
	default:
		out_string(o, f, dev->ifname);
		return;
	}
}

static void print_ifindex(struct show_out *o, const struct field *f,
			  const void *obj)
{
	const struct dev_state *dev = obj;

	out_uint(o, f, false, dev->ifindex);
}

/* A device has a public key exactly when it has a private key. */
static void print_private_key(struct show_out *o, const struct field *f,
			      const void *obj)
{
	const struct dev_state *dev = obj;

	out_secret(o, f, dev->has_public_key, true);
}

static void print_dev_public_key(struct show_out *o, const struct field *f,
				 const void *obj)
{
	const struct dev_state *dev = obj;
	char b64[KEY_B64_LEN + 1];

	if (dev->has_public_key)
		public_key_to_base64(b64, dev->public_key);
	out_string(o, f, dev->has_public_key ? b64 : NULL);
}

/* A config always says the port; people see it only when one is set. */
static void print_listen_port(struct show_out *o, const struct field *f,
			      const void *obj)
{
	const struct dev_state *dev = obj;

	if (o->mode == SHOW_HUMAN && !dev->listen_port)
		return;
	out_uint(o, f, false, dev->listen_port);
}

static void print_fwmark(struct show_out *o, const struct field *f,
			 const void *obj)
{
	const struct dev_state *dev = obj;

	if (!dev->fwmark && o->mode != SHOW_JSON)
		out_script(o, "off");
	else
		out_uint(o, f, true, dev->fwmark);
}

/* --- peer ---------------------------------------------------------------- */

/* The heading of a peer for people and in a config. */
static void print_peer_public_key(struct show_out *o, const struct field *f,
				  const void *obj)
{
	const struct peer_state *peer = obj;
	const struct palette *pal = o->pal;
	char b64[KEY_B64_LEN + 1];

	public_key_to_base64(b64, peer->public_key);
	switch (o->mode) {
	case SHOW_HUMAN:
		out_printf("\n%s%s%s: %s%s%s\n", pal->peer, f->label, pal->reset,
		       pal->peer_key, b64, pal->reset);
		return;
	case SHOW_CONF:
		out_puts("\n[Peer]\n");
		out_string(o, f, b64);
		return;
	default:
		out_string(o, f, b64);
		return;
	}
}

static void print_preshared_key(struct show_out *o, const struct field *f,
				const void *obj)
{
	const struct peer_state *peer = obj;

	out_secret(o, f, peer->has_preshared_key, false);
}

static void print_endpoint(struct show_out *o, const struct field *f,
			   const void *obj)
{
	const struct peer_state *peer = obj;
	char ep[ENDPOINT_STRLEN];

	if (peer->endpoint.sa.sa_family)
		endpoint_to_str(ep, sizeof(ep), &peer->endpoint);
	out_string(o, f, peer->endpoint.sa.sa_family ? ep : NULL);
}

/* Separated by ", " for people and in a config, "," in a dump, " " by wg. */
static void print_allowedips(struct show_out *o, const struct field *f,
			     const void *obj)
{
	const struct peer_state *peer = obj;
	char prefix[PREFIX_STRLEN];
	size_t i;

	switch (o->mode) {
	case SHOW_JSON:
		json_key(&o->json, f->json);
		json_begin_array(&o->json);
		for (i = 0; i < peer->n_allowedips; i++) {
			prefix_to_str(prefix, sizeof(prefix), &peer->allowedips[i]);
			json_string(&o->json, prefix);
		}
		json_end_array(&o->json);
		return;
	case SHOW_HUMAN:
		human_label(o->pal, f->label);
		value_allowedips(peer, ", ");
		out_putc('\n');
		return;
	case SHOW_CONF:
		if (peer->n_allowedips) {
			out_printf("%s = ", f->conf);
			value_allowedips(peer, ", ");
			out_putc('\n');
		}
		return;
	case SHOW_DUMP:
		value_allowedips(peer, ",");
		return;
	case SHOW_FIELD:
		value_allowedips(peer, " ");
		return;
	}
}

/* Unix seconds, 0 for none; for people its age, if there was one. */
static void print_handshake(struct show_out *o, const struct field *f,
			    const void *obj)
{
	const struct peer_state *peer = obj;

	if (o->mode != SHOW_HUMAN) {
		out_uint(o, f, false, handshake_seconds(peer));
		return;
	}
	if (!peer->last_handshake_ns)
		return;
	human_label(o->pal, f->label);
	human_age(o->pal, peer->last_handshake_ns);
	out_putc('\n');
}

static void print_keepalive(struct show_out *o, const struct field *f,
			    const void *obj)
{
	const struct peer_state *peer = obj;
	const struct palette *pal = o->pal;
	unsigned int s = peer->persistent_keepalive;

	if (!s && o->mode != SHOW_JSON) {
		out_script(o, "off");
	} else if (o->mode == SHOW_HUMAN) {
		human_label(pal, f->label);
		out_printf("every %u %ssecond%s%s\n", s, pal->unit, s == 1 ? "" : "s",
		       pal->reset);
	} else {
		out_uint(o, f, false, s);
	}
}

/* For people only the number: show_print.c writes the group's line. */
static void print_counter(struct show_out *o, const struct field *f,
			  const void *obj)
{
	const struct peer_state *peer = obj;

	if (o->mode == SHOW_HUMAN)
		put_u64(peer->counters[f->attr]);
	else
		out_uint(o, f, false, peer->counters[f->attr]);
}

/* A counter of bytes, which people see as a size: "1.50 KiB". */
static void print_bytes(struct show_out *o, const struct field *f,
			const void *obj)
{
	const struct peer_state *peer = obj;

	if (o->mode == SHOW_HUMAN)
		human_bytes(o->pal, peer->counters[f->attr]);
	else
		print_counter(o, f, obj);
}

/* --- the tables ---------------------------------------------------------- */

/* In dump order; pos: SHOW_HUMAN, SHOW_JSON, SHOW_DUMP, SHOW_CONF. */
const struct field dev_fields[] = {
	{ .json = "ifname", .label = "interface", .conf = "Interface",
	  .print = print_ifname, .pos = { 1, 1, 0, 1 } },
	{ .json = "ifindex", .label = "ifindex",
	  .print = print_ifindex, .pos = { 2, 2, 0, 0 } },
	{ .json = "private_key", .label = "private key",
	  .column = "private-key", .conf = "PrivateKey",
	  .print = print_private_key, .pos = { 4, 3, 1, 2 } },
	{ .wg = "public-key", .json = "public_key", .label = "public key",
	  .column = "public-key",
	  .print = print_dev_public_key, .pos = { 3, 4, 2, 0 } },
	{ .wg = "listen-port", .json = "listen_port", .label = "listening port",
	  .column = "listen-port", .conf = "ListenPort",
	  .print = print_listen_port, .pos = { 5, 5, 3, 3 } },
	{ .wg = "fwmark", .json = "fwmark", .label = "fwmark",
	  .column = "fwmark", .conf = "FwMark",
	  .print = print_fwmark, .pos = { 6, 6, 4, 4 } },
};

const size_t n_dev_fields = ARRAY_LEN(dev_fields);

/* The first row is the peer's identity: every peer line of wg's starts so. */
const struct field peer_fields[] = {
	{ .wg = "peers", .json = "public_key", .label = "peer",
	  .column = "public-key", .conf = "PublicKey",
	  .print = print_peer_public_key, .pos = { 1, 1, 1, 1 } },
	{ .wg = "preshared-keys", .json = "preshared_key",
	  .label = "preshared key", .column = "preshared-key",
	  .conf = "PresharedKey",
	  .print = print_preshared_key, .pos = { 2, 2, 2, 2 } },
	{ .wg = "endpoints", .json = "endpoint", .label = "endpoint",
	  .column = "endpoint", .conf = "Endpoint",
	  .print = print_endpoint, .pos = { 3, 3, 3, 4 } },
	{ .wg = "allowed-ips", .json = "allowed_ips", .label = "allowed ips",
	  .column = "allowed-ips", .conf = "AllowedIPs",
	  .print = print_allowedips, .pos = { 4, 4, 4, 3 } },
	{ .wg = "latest-handshakes", .json = "latest_handshake",
	  .label = "latest handshake", .column = "latest-handshake",
	  .print = print_handshake, .pos = { 5, 5, 5, 0 } },
	/* Bytes of UDP payload, handshakes and keepalives included, as wg's. */
	{ .wg = "transfer", .json = "rx_bytes", .label = "transfer",
	  .word = "%s received", .column = "transfer-rx",
	  .print = print_bytes, .attr = XTUN_PEER_A_LINK_RX_BYTES,
	  .pos = { 6, 6, 6, 0 } },
	{ .wg = "transfer", .json = "tx_bytes", .label = "transfer",
	  .word = "%s sent", .column = "transfer-tx",
	  .print = print_bytes, .attr = XTUN_PEER_A_LINK_TX_BYTES,
	  .pos = { 7, 7, 7, 0 } },
	{ .wg = "persistent-keepalive", .json = "persistent_keepalive",
	  .label = "persistent keepalive", .column = "persistent-keepalive",
	  .conf = "PersistentKeepalive",
	  .print = print_keepalive, .pos = { 18, 10, 8, 5 } },
	/* xtun's own columns from here on; wg's dump ends above. */
	{ .json = "drop_replay", .label = "drops", .word = "replay %s",
	  .column = "drop-replay",
	  .print = print_counter, .attr = XTUN_PEER_A_DROP_REPLAY,
	  .pos = { 14, 11, 9, 0 } },
	{ .json = "drop_auth", .label = "drops", .word = "authentication %s",
	  .column = "drop-auth",
	  .print = print_counter, .attr = XTUN_PEER_A_DROP_AUTH,
	  .pos = { 15, 12, 10, 0 } },
	{ .json = "drop_source", .label = "drops", .word = "source %s",
	  .column = "drop-source",
	  .print = print_counter, .attr = XTUN_PEER_A_DROP_SOURCE,
	  .pos = { 16, 13, 11, 0 } },
	{ .json = "drop_no_session", .label = "drops", .word = "no session %s",
	  .column = "drop-no-session",
	  .print = print_counter, .attr = XTUN_PEER_A_DROP_NO_SESSION,
	  .pos = { 17, 14, 12, 0 } },
	/* Inner packets: the data the tunnel carried, without the protocol. */
	{ .json = "rx_packets", .label = "packets", .word = "%s received",
	  .column = "rx-packets",
	  .print = print_counter, .attr = XTUN_PEER_A_RX_PACKETS,
	  .pos = { 12, 8, 13, 0 } },
	{ .json = "tx_packets", .label = "packets", .word = "%s sent",
	  .column = "tx-packets",
	  .print = print_counter, .attr = XTUN_PEER_A_TX_PACKETS,
	  .pos = { 13, 9, 14, 0 } },
	/* The datagrams of transfer-rx and transfer-tx. */
	{ .json = "rx_datagrams", .label = "datagrams", .word = "%s received",
	  .column = "rx-datagrams",
	  .print = print_counter, .attr = XTUN_PEER_A_LINK_RX_PACKETS,
	  .pos = { 8, 15, 15, 0 } },
	{ .json = "tx_datagrams", .label = "datagrams", .word = "%s sent",
	  .column = "tx-datagrams",
	  .print = print_counter, .attr = XTUN_PEER_A_LINK_TX_PACKETS,
	  .pos = { 9, 16, 16, 0 } },
	/* The bytes of rx-packets and tx-packets. */
	{ .json = "rx_inner_bytes", .label = "inner transfer",
	  .word = "%s received", .column = "rx-inner-bytes",
	  .print = print_bytes, .attr = XTUN_PEER_A_RX_BYTES,
	  .pos = { 10, 17, 17, 0 } },
	{ .json = "tx_inner_bytes", .label = "inner transfer",
	  .word = "%s sent", .column = "tx-inner-bytes",
	  .print = print_bytes, .attr = XTUN_PEER_A_TX_BYTES,
	  .pos = { 11, 18, 18, 0 } },
};

const size_t n_peer_fields = ARRAY_LEN(peer_fields);

_Static_assert(ARRAY_LEN(dev_fields) <= FIELDS_MAX_ROWS &&
	       ARRAY_LEN(peer_fields) <= FIELDS_MAX_ROWS,
	       "a field table has more rows than FIELDS_MAX_ROWS");

bool field_in(const struct field *f, enum show_mode mode)
{
	return mode == SHOW_FIELD ? f->wg != NULL : f->pos[mode] != 0;
}

const struct field *field_by_column(const struct field *table, size_t n,
				    const char *column)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].column && !strcmp(table[i].column, column))
			return &table[i];
	return NULL;
}
