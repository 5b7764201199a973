// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show: the state of xtun devices and their peers.
 *
 *   show [IFNAME | all]		for people, in the manner of "wg show"
 *   show [IFNAME | all] -j		JSON (show_json.c)
 *   show IFNAME | all FIELD		one field, as "wg show" (show_field.c)
 *   show interfaces			the names of the devices
 *   show IFNAME | all dump		the columns of "wg show dump" (dump.c)
 *
 * Every form reads the devices once, with dev_state_read(), and prints
 * what it read; all but dump walk it with show_walk().
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "show.h"
#include "xtunctl.h"

void show_walk(const struct dev_state_list *list,
	       const struct show_printer *printer, void *ctx)
{
	const struct dev_state *dev;
	size_t i, j;

	if (printer->begin)
		printer->begin(ctx);
	for (i = 0; i < list->n_devices; i++) {
		dev = &list->devices[i];
		if (printer->device)
			printer->device(dev, ctx);
		for (j = 0; printer->peer && j < dev->n_peers; j++)
			printer->peer(dev, &dev->peers[j], ctx);
		if (printer->device_end)
			printer->device_end(dev, ctx);
	}
	if (printer->end)
		printer->end(ctx);
}

/* --- for people ------------------------------------------------------------ */

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
	allowedips_print(peer, ", ");
	printf("\n");
}

static void print_traffic(const struct palette *pal,
			  const struct peer_state *peer)
{
	if (peer->rx_bytes || peer->tx_bytes) {
		label(pal, "transfer");
		print_bytes(pal, peer->rx_bytes);
		printf(" received, ");
		print_bytes(pal, peer->tx_bytes);
		printf(" sent\n");
	}
	if (peer->rx_packets || peer->tx_packets) {
		label(pal, "packets");
		printf("%" PRIu64 " received, %" PRIu64 " sent\n",
		       peer->rx_packets, peer->tx_packets);
	}
	if (peer->drop_replay || peer->drop_auth || peer->drop_source ||
	    peer->drop_no_session) {
		label(pal, "drops");
		printf("replay %" PRIu64 ", authentication %" PRIu64
		       ", source %" PRIu64 ", no session %" PRIu64 "\n",
		       peer->drop_replay, peer->drop_auth, peer->drop_source,
		       peer->drop_no_session);
	}
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

static void show_human(const struct dev_state_list *list)
{
	struct human h = { .pal = choose_palette(), .first_device = true };

	show_walk(list, &human_printer, &h);
}

/* --- the command line ------------------------------------------------------ */

struct show_args {
	const char *ifname;		/* NULL: every device */
	bool interfaces;
	bool dump;
	const char *json;		/* "-j" or "--json" as given, or NULL */
	const struct show_field *field;
};

static int show_usage(void)
{
	fprintf(stderr,
		"Usage: %s show [IFNAME | all] [-j | --json]\n"
		"       %s show {IFNAME | all} {FIELD | dump}\n"
		"       %s show interfaces\n", prog, prog, prog);
	show_field_list(stderr, fprintf(stderr, "FIELD is one of: "), "  ");
	return XTUNCTL_EUSAGE;
}

static int show_unexpected(const char *arg)
{
	fprintf(stderr, "%s: unexpected argument '%s'\n", prog, arg);
	return show_usage();
}

/* The second word: "dump" or a field. */
static int parse_what(const char *arg, struct show_args *args)
{
	if (!strcmp(arg, "dump")) {
		args->dump = true;
		return XTUNCTL_OK;
	}
	args->field = show_field_find(arg);
	if (args->field)
		return XTUNCTL_OK;
	fprintf(stderr, "%s: unknown field '%s' for show\n", prog, arg);
	return show_usage();
}

/* The first word: "interfaces", "all" or a device. */
static int parse_which(const char *arg, struct show_args *args)
{
	if (!strcmp(arg, "interfaces")) {
		args->interfaces = true;
		return XTUNCTL_OK;
	}
	/* Like wg, "all" means every device; "show all" is plain "show". */
	if (!strcmp(arg, "all"))
		return XTUNCTL_OK;
	args->ifname = arg;
	return parse_ifname(arg);
}

static bool is_json_option(const char *arg)
{
	return !strcmp(arg, "-j") || !strcmp(arg, "--json");
}

static int parse_show_args(int argc, char **argv, struct show_args *args)
{
	const char *words[2];
	int i, n = 0, ret;

	memset(args, 0, sizeof(*args));
	/* -j may come anywhere: "show -j", "show xtun0 -j", "show -j xtun0". */
	for (i = 1; i < argc; i++) {
		if (is_json_option(argv[i]))
			args->json = argv[i];
		else if (n < (int)ARRAY_LEN(words))
			words[n++] = argv[i];
		else
			return show_unexpected(argv[i]);
	}
	if (n >= 1) {
		ret = parse_which(words[0], args);
		if (ret)
			return ret;
	}
	if (n == 2) {
		if (args->interfaces)
			return show_unexpected(words[1]);
		ret = parse_what(words[1], args);
		if (ret)
			return ret;
	}
	if (args->json && (args->interfaces || args->dump || args->field)) {
		fprintf(stderr, "%s: '%s' only goes with 'show [IFNAME | all]', not with '%s'\n",
			prog, args->json, words[n - 1]);
		return show_usage();
	}
	return XTUNCTL_OK;
}

static void show_print(const struct dev_state_list *list,
		       const struct show_args *args)
{
	if (args->interfaces)
		show_interfaces(list);
	else if (args->dump)
		dump_devices(list, !args->ifname);
	else if (args->field)
		show_field_print(list, args->field, !args->ifname);
	else if (args->json)
		show_json(list);
	else
		show_human(list);
}

int cmd_show(int argc, char **argv)
{
	struct dev_state_list list;
	struct show_args args;
	int ret;

	ret = parse_show_args(argc, argv, &args);
	if (ret)
		return ret;
	ret = dev_state_read(&list, args.ifname);
	if (ret)
		return ret;
	show_print(&list, &args);
	dev_state_free(&list);
	return XTUNCTL_OK;
}
