// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show [IFNAME | all]: the devices for people, in the manner of
 * "wg show": labelled lines, sizes and ages in words, colour on a terminal.
 * Lines of values that are zero or unset are left out.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "show_human.h"
#include "show_value.h"
#include "show_walk.h"
#include "xtunctl.h"

/* SGR escape sequences for each part of the output, or "" for none. */
struct palette {
	const char *label, *device, *device_name, *peer, *peer_key, *unit;
	const char *reset;
};

static const struct palette no_colour = {
	"", "", "", "", "", "", "",
};

/* wg's colours: bold labels, green devices, yellow peers, cyan units. */
static const struct palette ansi_colour = {
	.label		= "\033[1m",
	.device		= "\033[1;32m",
	.device_name	= "\033[32m",
	.peer		= "\033[1;33m",
	.peer_key	= "\033[33m",
	.unit		= "\033[36m",
	.reset		= "\033[0m",
};

/*
 * Colour for a terminal only, never in a pipe or file, and never when the
 * user asked for none (https://no-color.org: NO_COLOR set and not empty).
 */
static const struct palette *choose_palette(void)
{
	const char *no_color = getenv("NO_COLOR");

	if (!isatty(STDOUT_FILENO) || (no_color && *no_color))
		return &no_colour;
	return &ansi_colour;
}

struct human {
	const struct palette *pal;
	bool first_device;
};

/* "  public key: ", the start of every line but the headings. */
static void label(const struct palette *pal, const char *name)
{
	printf("  %s%s%s: ", pal->label, name, pal->reset);
}

static void print_bytes(const struct palette *pal, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	unsigned int u = 0;

	if (bytes < 1024) {
		printf("%" PRIu64 " %sB%s", bytes, pal->unit, pal->reset);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < ARRAY_LEN(units); v /= 1024)
		u++;
	printf("%.2f %s%s%s", v, pal->unit, units[u], pal->reset);
}

/* "1 minute, 3 seconds": every unit that is not zero. */
static void print_duration(const struct palette *pal, uint64_t seconds)
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
		printf("%s%" PRIu64 " %s%s%s%s", sep, n, pal->unit,
		       units[i].name, n == 1 ? "" : "s", pal->reset);
		sep = ", ";
	}
}

static void print_handshake(const struct palette *pal, uint64_t ns)
{
	struct timespec now;
	int64_t age_ns;

	clock_gettime(CLOCK_REALTIME, &now);
	age_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - (int64_t)ns;
	label(pal, "latest handshake");
	if (age_ns < 0) {
		printf("in the future (the system clock was set back)\n");
	} else if (age_ns < 1000000000) {
		printf("Now\n");
	} else {
		print_duration(pal, age_ns / 1000000000);
		printf(" ago\n");
	}
}

static void print_allowedips(const struct palette *pal,
			     const struct peer_state *peer)
{
	label(pal, "allowed ips");
	value_allowedips(peer, ", ");
	printf("\n");
}

static bool group_is_zero(const struct peer_state *peer,
			  enum counter_group group)
{
	size_t i;

	for (i = 0; i < PEER_N_COUNTERS; i++)
		if (peer_counters[i].group == group && peer->counters[i])
			return false;
	return true;
}

static void print_counter(const struct palette *pal,
			  const struct counter_group_info *g, uint64_t v)
{
	if (g->bytes)
		print_bytes(pal, v);
	else
		printf("%" PRIu64, v);
}

/* "  transfer: 1.50 KiB received, 3.00 KiB sent", unless all are zero. */
static void print_counter_group(const struct palette *pal,
				const struct peer_state *peer,
				enum counter_group group)
{
	const struct counter_group_info *g = &counter_groups[group];
	const char *sep = "";
	size_t i;

	if (group_is_zero(peer, group))
		return;
	label(pal, g->label);
	for (i = 0; i < PEER_N_COUNTERS; i++) {
		if (peer_counters[i].group != group)
			continue;
		fputs(sep, stdout);
		if (!g->value_first)
			printf("%s ", peer_counters[i].human);
		print_counter(pal, g, peer->counters[i]);
		if (g->value_first)
			printf(" %s", peer_counters[i].human);
		sep = ", ";
	}
	printf("\n");
}

static void print_traffic(const struct palette *pal,
			  const struct peer_state *peer)
{
	enum counter_group group;

	for (group = 0; group < N_COUNTER_GROUPS; group++)
		print_counter_group(pal, peer, group);
}

static void print_keepalive(const struct palette *pal, uint16_t seconds)
{
	label(pal, "persistent keepalive");
	printf("every %u %ssecond%s%s\n", seconds, pal->unit,
	       seconds == 1 ? "" : "s", pal->reset);
}

static void human_peer(const struct dev_state *dev,
		       const struct peer_state *peer, void *ctx)
{
	const struct palette *pal = ((struct human *)ctx)->pal;
	char buf[ENDPOINT_STRLEN];

	(void)dev;
	key_to_base64(buf, peer->public_key);
	printf("\n%speer%s: %s%s%s\n", pal->peer, pal->reset,
	       pal->peer_key, buf, pal->reset);
	if (peer->has_preshared_key) {
		label(pal, "preshared key");
		printf("(hidden)\n");
	}
	if (peer->endpoint.sa.sa_family) {
		endpoint_to_str(buf, sizeof(buf), &peer->endpoint);
		label(pal, "endpoint");
		printf("%s\n", buf);
	}
	print_allowedips(pal, peer);
	if (peer->last_handshake_ns)
		print_handshake(pal, peer->last_handshake_ns);
	print_traffic(pal, peer);
	if (peer->persistent_keepalive)
		print_keepalive(pal, peer->persistent_keepalive);
}

static void human_device(const struct dev_state *dev, void *ctx)
{
	struct human *h = ctx;
	const struct palette *pal = h->pal;
	char key[KEY_B64_LEN + 1];

	/* A blank line between devices, as before each peer. */
	if (!h->first_device)
		printf("\n");
	h->first_device = false;
	printf("%sinterface%s: %s%s%s\n", pal->device, pal->reset,
	       pal->device_name, dev->ifname, pal->reset);
	label(pal, "ifindex");
	printf("%u\n", dev->ifindex);
	if (dev->has_public_key) {
		key_to_base64(key, dev->public_key);
		label(pal, "public key");
		printf("%s\n", key);
		label(pal, "private key");
		printf("(hidden)\n");
	}
	if (dev->listen_port) {
		label(pal, "listening port");
		printf("%u\n", dev->listen_port);
	}
	if (dev->fwmark) {
		label(pal, "fwmark");
		printf("0x%x\n", dev->fwmark);
	}
}

static const struct show_printer human_printer = {
	.device	= human_device,
	.peer	= human_peer,
};

void show_human(const struct dev_state_list *list)
{
	struct human h = { .pal = choose_palette(), .first_device = true };

	show_walk(list, &human_printer, &h);
}
