// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl: configure xtun tunnel devices.
 *
 * Each subcommand is one entry in the table below and one handler, in a file
 * of its own when it grows.  Exit status: see xtunctl.h.
 */

#include <stdio.h>
#include <string.h>

#include "key.h"
#include <linux/xtun_version.h>
#include "xtunctl.h"

const char *prog = "xtunctl";

struct subcommand {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct subcommand subcommands[] = {
	{ "show",	cmd_show,	"[IFNAME|all] [FIELD|dump] [-j]",
	  "show devices and their peers" },
	{ "dev",	cmd_dev,	"set IFNAME [OPTION VALUE]...",
	  "change a device" },
	{ "peer",	cmd_peer,	"add|set|del IFNAME PUBKEY ...",
	  "add, change or remove a peer" },
	{ "setconf",	cmd_setconf,	"IFNAME FILE",
	  "make a config file the device's configuration" },
	{ "addconf",	cmd_addconf,	"IFNAME FILE",
	  "add a config file's peers and settings" },
	{ "syncconf",	cmd_syncconf,	"IFNAME FILE",
	  "apply only what differs; unchanged peers keep their sessions" },
	{ "reresolve",	cmd_reresolve,	"IFNAME FILE",
	  "look endpoint names up again for peers with no recent handshake" },
	{ "showconf",	cmd_showconf,	"IFNAME",
	  "print the configuration as a config file" },
	{ "monitor",	cmd_monitor,	"[IFNAME] [-j]",
	  "print notifications as they happen" },
	{ "up",		cmd_up,		"NAME|FILE",
	  "create and configure a device, addresses, routes" },
	{ "down",	cmd_down,	"NAME|FILE",
	  "undo what up did" },
	{ "genkey",	cmd_genkey,	"",
	  "print a new private key (base64)" },
	{ "pubkey",	cmd_pubkey,	"< KEY",
	  "public key of the private key on stdin" },
	{ "genpsk",	cmd_genpsk,	"",
	  "print a new preshared key (base64)" },
	{ "help",	cmd_help,	"",
	  "show this help" },
	{ "version",	cmd_version,	"",
	  "show the xtunctl version" },
};

static void usage(FILE *out)
{
	const struct subcommand *c;

	fprintf(out, "Usage: %s COMMAND [ARGS...]\n\nCommands:\n", prog);
	for (c = subcommands; c < subcommands + ARRAY_LEN(subcommands); c++)
		fprintf(out, "  %-8s %-30s %s\n", c->name, c->usage, c->help);
	fprintf(out, "\n"
		"dev set options: private-key FILE, listen-port PORT, fwmark MARK|off\n"
		"peer add and set options: endpoint HOST:PORT,\n"
		"  allowed-ips [+|-]PREFIX[,...], persistent-keepalive SECONDS|off,\n"
		"  preshared-key FILE\n"
		"show fields: public-key, listen-port, fwmark, peers, endpoints,\n"
		"  allowed-ips, latest-handshakes, transfer, persistent-keepalive,\n"
		"  preshared-keys; 'show interfaces' lists the devices\n"
		"\nxtunctl(8) documents every command and its output.\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return XTUNCTL_OK;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("xtunctl %s\n", XTUN_VERSION);
	return XTUNCTL_OK;
}

int main(int argc, char **argv)
{
	const struct subcommand *c;
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return XTUNCTL_EUSAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		return cmd_help(0, NULL);
	if (!strcmp(name, "--version") || !strcmp(name, "-V"))
		return cmd_version(0, NULL);

	for (c = subcommands; c < subcommands + ARRAY_LEN(subcommands); c++)
		if (!strcmp(name, c->name))
			return c->handler(argc - 1, argv + 1);

	fprintf(stderr, "%s: unknown command '%s'; try '%s help'\n",
		prog, name, prog);
	return XTUNCTL_EUSAGE;
}
