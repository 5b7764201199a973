// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show IFNAME|all FIELD and xtunctl show interfaces: one thing per
 * line for scripts, printed as "wg show" prints the same field, so that a
 * script written for wg reads xtun too.
 *
 * A device field is one line with its value; a peer field is one line per
 * peer, "PUBKEY<tab>VALUE".  With "all", every line starts with the
 * interface name and a tab.  Values are raw: seconds since the epoch,
 * bytes, "(none)" and "off" where dumps have them.
 */

#include <inttypes.h>
#include <string.h>

#include "show.h"
#include "xtunctl.h"

/* Lines of the list of fields in messages stay within this. */
#define SHOW_FIELD_LIST_WIDTH	78

struct show_field {
	const char *name;
	/* One of the two prints the line, after the interface name if any. */
	void (*device)(const struct dev_state *dev);
	void (*peer)(const struct peer_state *peer);
};

static void print_key(const uint8_t key[XTUN_KEY_LEN])
{
	char b64[KEY_B64_LEN + 1];

	key_to_base64(b64, key);
	fputs(b64, stdout);
}

static void device_public_key(const struct dev_state *dev)
{
	if (dev->has_public_key)
		print_key(dev->public_key);
	else
		fputs("(none)", stdout);
	putchar('\n');
}

static void device_listen_port(const struct dev_state *dev)
{
	printf("%u\n", dev->listen_port);
}

static void device_fwmark(const struct dev_state *dev)
{
	if (dev->fwmark)
		printf("0x%x\n", dev->fwmark);
	else
		printf("off\n");
}

static void peer_key(const struct peer_state *peer)
{
	print_key(peer->public_key);
	putchar('\n');
}

/* Every other peer field starts with the key, as wg's do. */
static void peer_key_tab(const struct peer_state *peer)
{
	print_key(peer->public_key);
	putchar('\t');
}

static void peer_preshared_key(const struct peer_state *peer)
{
	peer_key_tab(peer);
	/* The kernel never gives the key out, only whether there is one. */
	printf("%s\n", peer->has_preshared_key ? "(hidden)" : "(none)");
}

static void peer_endpoint(const struct peer_state *peer)
{
	char ep[ENDPOINT_STRLEN];

	peer_key_tab(peer);
	if (peer->endpoint.sa.sa_family) {
		endpoint_to_str(ep, sizeof(ep), &peer->endpoint);
		printf("%s\n", ep);
	} else {
		printf("(none)\n");
	}
}

/* Space-separated here, where the dump separates them with commas. */
static void peer_allowedips(const struct peer_state *peer)
{
	peer_key_tab(peer);
	allowedips_print(peer, " ");
	putchar('\n');
}

static void peer_latest_handshake(const struct peer_state *peer)
{
	peer_key_tab(peer);
	printf("%" PRIu64 "\n", handshake_seconds(peer));
}

static void peer_transfer(const struct peer_state *peer)
{
	peer_key_tab(peer);
	printf("%" PRIu64 "\t%" PRIu64 "\n", peer->rx_bytes, peer->tx_bytes);
}

static void peer_persistent_keepalive(const struct peer_state *peer)
{
	peer_key_tab(peer);
	if (peer->persistent_keepalive)
		printf("%u\n", peer->persistent_keepalive);
	else
		printf("off\n");
}

/* wg's names and order. */
static const struct show_field fields[] = {
	{ "public-key",			device_public_key,	NULL },
	{ "listen-port",		device_listen_port,	NULL },
	{ "fwmark",			device_fwmark,		NULL },
	{ "peers",			NULL,	peer_key },
	{ "preshared-keys",		NULL,	peer_preshared_key },
	{ "endpoints",			NULL,	peer_endpoint },
	{ "allowed-ips",		NULL,	peer_allowedips },
	{ "latest-handshakes",		NULL,	peer_latest_handshake },
	{ "transfer",			NULL,	peer_transfer },
	{ "persistent-keepalive",	NULL,	peer_persistent_keepalive },
};

const struct show_field *show_field_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(fields); i++)
		if (!strcmp(name, fields[i].name))
			return &fields[i];
	return NULL;
}

void show_field_list(FILE *out, int col, const char *indent)
{
	size_t len, i;

	for (i = 0; i < ARRAY_LEN(fields); i++) {
		len = strlen(fields[i].name) + 2;
		if (i && col + len > SHOW_FIELD_LIST_WIDTH) {
			fprintf(out, ",\n%s", indent);
			col = (int)strlen(indent);
		} else if (i) {
			fputs(", ", out);
		}
		fputs(fields[i].name, out);
		col += (int)len;
	}
	putc('\n', out);
}

struct field_printer {
	const struct show_field *field;
	bool with_ifname;
};

static void field_device(const struct dev_state *dev, void *ctx)
{
	const struct field_printer *fp = ctx;

	if (!fp->field->device)
		return;
	if (fp->with_ifname)
		printf("%s\t", dev->ifname);
	fp->field->device(dev);
}

static void field_peer(const struct dev_state *dev,
		       const struct peer_state *peer, void *ctx)
{
	const struct field_printer *fp = ctx;

	if (!fp->field->peer)
		return;
	if (fp->with_ifname)
		printf("%s\t", dev->ifname);
	fp->field->peer(peer);
}

static const struct show_printer field_printer = {
	.device	= field_device,
	.peer	= field_peer,
};

void show_field_print(const struct dev_state_list *list,
		      const struct show_field *field, bool with_ifname)
{
	struct field_printer fp = { .field = field, .with_ifname = with_ifname };

	show_walk(list, &field_printer, &fp);
}

/* Like "wg show interfaces": one line, or nothing without devices. */
static void interface_name(const struct dev_state *dev, void *ctx)
{
	bool *first = ctx;

	printf("%s%s", *first ? "" : " ", dev->ifname);
	*first = false;
}

static void interfaces_end(void *ctx)
{
	bool *first = ctx;

	if (!*first)
		putchar('\n');
}

static const struct show_printer interfaces_printer = {
	.device	= interface_name,
	.end	= interfaces_end,
};

void show_interfaces(const struct dev_state_list *list)
{
	bool first = true;

	show_walk(list, &interfaces_printer, &first);
}
