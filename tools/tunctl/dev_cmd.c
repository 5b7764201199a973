// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl dev set IFNAME [private-key FILE] [listen-port PORT] [fwmark MARK]:
 * change a device's own settings with one SET_DEVICE request
 * (dev_change.c).
 */

#include <stdio.h>
#include <string.h>

#include "dev_change.h"
#include "genl.h"
#include "parse.h"
#include "xtunctl.h"

#define DEV_SET_USAGE \
	"dev set IFNAME [private-key FILE] [listen-port PORT] [fwmark MARK]"

static int opt_private_key(const char *value, void *ctx)
{
	struct dev_change *c = ctx;

	c->has_private_key = true;
	return parse_key_file("private-key", value, c->private_key);
}

static int opt_listen_port(const char *value, void *ctx)
{
	struct dev_change *c = ctx;

	c->has_listen_port = true;
	return parse_u16("listen-port", value, false, &c->listen_port);
}

static int opt_fwmark(const char *value, void *ctx)
{
	struct dev_change *c = ctx;

	c->has_fwmark = true;
	return parse_fwmark(value, &c->fwmark);
}

static const struct option_spec dev_set_options[] = {
	{ "private-key", opt_private_key },
	{ "listen-port", opt_listen_port },
	{ "fwmark", opt_fwmark },
};

/* What "dev set" asks of the device named. */
struct dev_set {
	const char *ifname;
	struct dev_change change;
};

static int dev_set_send(struct genl_session *g, void *ctx)
{
	const struct dev_set *s = ctx;

	return dev_change_send(g, s->ifname, &s->change);
}

static int dev_set(int argc, char **argv)
{
	struct dev_set s = { .ifname = argv[1] };
	int ret;

	if (argc < 2) {
		fprintf(stderr, "Usage: %s " DEV_SET_USAGE "\n", prog);
		return XTUNCTL_EUSAGE;
	}
	ret = parse_ifname(argv[1]) ?:
	      parse_options(argc - 2, argv + 2, dev_set_options,
			    ARRAY_LEN(dev_set_options), &s.change) ?:
	      genl_run(dev_set_send, &s);
	explicit_bzero(&s, sizeof(s));
	return ret;
}

int cmd_dev(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "set"))
		return dev_set(argc - 1, argv + 1);
	if (argc >= 2)
		fprintf(stderr, "%s: unknown dev command '%s'\n", prog, argv[1]);
	fprintf(stderr, "Usage: %s " DEV_SET_USAGE "\n", prog);
	return XTUNCTL_EUSAGE;
}
