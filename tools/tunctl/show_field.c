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

#include <stdio.h>
#include <string.h>

#include "show_field.h"
#include "show_value.h"
#include "show_walk.h"
#include "xtunctl.h"

/* Lines of the list of fields in messages stay within this. */
#define SHOW_FIELD_LIST_WIDTH	78

struct show_field {
	const char *name;
	/*
	 * One of the two prints the value, after the interface name if any;
	 * a peer's value follows its public key and a tab, as in wg, unless
	 * the field is the key alone.
	 */
	void (*device)(const struct dev_state *dev);
	void (*peer)(const struct peer_state *peer);
	bool key_only;
};

static void device_public_key(const struct dev_state *dev)
{
	value_key(dev->public_key, dev->has_public_key);
}

static void device_listen_port(const struct dev_state *dev)
{
	printf("%u", dev->listen_port);
}

static void peer_preshared_key(const struct peer_state *peer)
{
	value_secret(peer->has_preshared_key);
}

/* Space-separated here, where the dump separates them with commas. */
static void peer_allowedips(const struct peer_state *peer)
{
	value_allowedips(peer, " ");
}

static void peer_transfer(const struct peer_state *peer)
{
	value_counters(peer, COUNTERS_TRANSFER, "\t");
}

/* wg's names and order. */
static const struct show_field fields[] = {
	{ "public-key",		  device_public_key,  NULL,			false },
	{ "listen-port",	  device_listen_port, NULL,			false },
	{ "fwmark",		  value_fwmark,	      NULL,			false },
	{ "peers",		  NULL,		      NULL,			true },
	{ "preshared-keys",	  NULL,		      peer_preshared_key,	false },
	{ "endpoints",		  NULL,		      value_endpoint,		false },
	{ "allowed-ips",	  NULL,		      peer_allowedips,		false },
	{ "latest-handshakes",	  NULL,		      value_handshake,		false },
	{ "transfer",		  NULL,		      peer_transfer,		false },
	{ "persistent-keepalive", NULL,		      value_keepalive,		false },
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
	value_ifname_tab(dev, fp->with_ifname);
	fp->field->device(dev);
	putchar('\n');
}

static void field_peer(const struct dev_state *dev,
		       const struct peer_state *peer, void *ctx)
{
	const struct field_printer *fp = ctx;

	if (!fp->field->peer && !fp->field->key_only)
		return;
	value_ifname_tab(dev, fp->with_ifname);
	value_key(peer->public_key, true);
	if (fp->field->peer) {
		putchar('\t');
		fp->field->peer(peer);
	}
	putchar('\n');
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
