// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl show: the state of xtun devices and their peers.
 *
 *   show [IFNAME | all]		for people, as "wg show"
 *   show [IFNAME | all] -j		JSON
 *   show IFNAME | all FIELD		one field, as "wg show"
 *   show interfaces			the names of the devices
 *   show IFNAME | all dump		the columns of "wg show dump"
 *
 * This file reads the command line, reads the devices once with
 * dev_state_read() and hands them to show_print(), which prints every
 * format from the one field table (fields.c).
 */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "show_print.h"
#include "state.h"
#include "xtunctl.h"

struct show_args {
	const char *ifname;		/* NULL: every device */
	bool interfaces;
	bool dump;
	const char *json;		/* "-j" or "--json" as given, or NULL */
	const char *field;		/* "show IFNAME FIELD" */
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

static void show_format(const struct dev_state_list *list,
			const struct show_args *args)
{
	if (args->interfaces)
		show_interfaces(list);
	else if (args->dump)
		show_print(list, SHOW_DUMP, NULL, !args->ifname);
	else if (args->field)
		show_print(list, SHOW_FIELD, args->field, !args->ifname);
	else if (args->json)
		show_print(list, SHOW_JSON, NULL, false);
	else
		show_print(list, SHOW_HUMAN, NULL, false);
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
	show_format(&list, &args);
	dev_state_free(&list);
	return XTUNCTL_OK;
}
