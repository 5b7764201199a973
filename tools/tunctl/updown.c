// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl up NAME|FILE and xtunctl down NAME|FILE: a tunnel from a config
 * file in the manner of wg-quick(8).  "up" creates the device, configures
 * it, gives it addresses and an MTU, brings it up and routes the peers'
 * allowed IPs into it; "down" undoes exactly that, from the undo log "up"
 * kept (undo.h), also when "up" failed or was killed half-way.
 *
 * The steps run ip(8), which already says clearly what the kernel refused
 * and is what operators would type to do the same by hand.
 */

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "config_file.h"
#include "genl.h"
#include "mtu.h"
#include "parse.h"
#include "route.h"
#include "run.h"
#include "setconf.h"
#include "up_run.h"
#include "xtunctl.h"

#define CONFIG_DIR	"/etc/xtun"

/* --- NAME or FILE -------------------------------------------------------- */

/* What wg-quick takes, so that its file names work unchanged. */
static bool valid_ifname(const char *name, size_t len)
{
	size_t i;

	if (!len || len >= IF_NAMESIZE)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_=+.-", name[i]))
			return false;
	return true;
}

/*
 * NAME means /etc/xtun/NAME.conf; an argument with a '/' or ending in
 * ".conf" is the file, and the interface is named after it.
 */
static int parse_target(const char *arg, char ifname[IF_NAMESIZE],
			char *path, size_t path_size)
{
	const char *base = strrchr(arg, '/'), *dot;
	size_t len = strlen(arg);

	base = base ? base + 1 : arg;
	dot = len >= 5 && !strcmp(arg + len - 5, ".conf") ? arg + len - 5 : NULL;
	if (!dot && base != arg)
		return parse_invalid("config file", arg,
				     "its name must end in .conf");
	if (!dot)
		dot = arg + len;
	if (!valid_ifname(base, dot - base))
		return parse_invalid(base == arg && dot == arg + len ?
				     "interface name" : "config file", arg,
				     "the interface name must be 1 to 15 of A-Z a-z 0-9 _ = + . -");
	memcpy(ifname, base, dot - base);
	ifname[dot - base] = '\0';
	if (dot == arg + len)
		snprintf(path, path_size, CONFIG_DIR "/%s.conf", ifname);
	else
		snprintf(path, path_size, "%s", arg);
	return XTUNCTL_OK;
}

/* --- the steps of up ----------------------------------------------------- */

static const char *const hook_names[CONFIG_N_HOOKS] = {
	[CONFIG_PRE_UP] = "PreUp", [CONFIG_POST_UP] = "PostUp",
	[CONFIG_PRE_DOWN] = "PreDown", [CONFIG_POST_DOWN] = "PostDown",
};

int up_run_step(struct up_run *u, const struct cmdline *c,
		const struct cmdline *undo)
{
	int ret;

	ret = cmdline_run(c, u->context);
	if (ret || !undo)
		return ret;
	ret = undo_log_cmd(&u->log, u->context, undo);
	if (ret)
		cmdline_run(undo, u->context);
	return ret;
}

static int run_hooks(struct up_run *u, enum config_hook hook)
{
	const struct config_strings *s = &u->config.hooks[hook];
	size_t i;
	int ret = XTUNCTL_OK;

	for (i = 0; !ret && i < s->n; i++)
		ret = hook_run(u->context, hook_names[hook], s->v[i], u->ifname);
	return ret;
}

/*
 * A hook's counterpart is on record before the hook starts: PostDown
 * undoes PreUp and PreDown undoes PostUp, also what a failing hook did
 * before it failed.
 */
static int log_hooks(struct up_run *u, enum config_hook hook)
{
	const struct config_strings *s = &u->config.hooks[hook];
	const char *kind = hook == CONFIG_PRE_DOWN ? "predown" : "postdown";
	size_t i;
	int ret = XTUNCTL_OK;

	for (i = 0; !ret && i < s->n; i++)
		ret = undo_log_hook(&u->log, u->context, kind, s->v[i]);
	return ret;
}

static int step_pre_up(struct up_run *u)
{
	return log_hooks(u, CONFIG_POST_DOWN) ?: run_hooks(u, CONFIG_PRE_UP);
}

static int step_post_up(struct up_run *u)
{
	return log_hooks(u, CONFIG_PRE_DOWN) ?: run_hooks(u, CONFIG_POST_UP);
}

/* "ip link ... dev IFNAME" */
static void cmdline_link(struct cmdline *c, const char *op, const char *ifname)
{
	cmdline_init(c, "ip");
	cmdline_add(c, "link");
	cmdline_add(c, "%s", op);
	cmdline_add(c, "dev");
	cmdline_add(c, "%s", ifname);
}

/* Deleting the device also takes its addresses, routes and settings. */
static int step_create(struct up_run *u)
{
	struct cmdline add, del;

	cmdline_link(&add, "add", u->ifname);
	cmdline_add(&add, "type");
	cmdline_add(&add, "xtun");
	cmdline_link(&del, "del", u->ifname);
	return up_run_step(u, &add, &del);
}

static int send_config(struct genl_session *g, void *ctx)
{
	const struct up_run *u = ctx;

	return setconf_apply(g, u->ifname, &u->config);
}

static int step_configure(struct up_run *u)
{
	int ret;

	ret = genl_run(send_config, u);
	if (ret)
		fprintf(stderr, "%s: %s: configuring the device from %s failed\n",
			prog, u->context, u->config.path);
	return ret;
}

/*
 * Before the addresses: below 1280 the kernel would quietly drop IPv6
 * addresses already there, but it refuses to add one, which is reported.
 */
static int step_mtu(struct up_run *u)
{
	unsigned int mtu = u->config.mtu ?: mtu_derive(&u->config);
	struct cmdline c;

	cmdline_link(&c, "set", u->ifname);
	cmdline_add(&c, "mtu");
	cmdline_add(&c, "%u", mtu);
	return up_run_step(u, &c, NULL);
}

static int step_addresses(struct up_run *u)
{
	const struct ip_prefix *a;
	char addr[PREFIX_STRLEN];
	struct cmdline c;
	size_t i;
	int ret = XTUNCTL_OK;

	for (i = 0; !ret && i < u->config.n_addresses; i++) {
		a = &u->config.addresses[i];
		prefix_to_str(addr, sizeof(addr), a);
		cmdline_ip_add_dev(&c, a->family, "address", addr, u->ifname);
		ret = up_run_step(u, &c, NULL);
	}
	return ret;
}

static int step_link_up(struct up_run *u)
{
	struct cmdline c;

	cmdline_link(&c, "set", u->ifname);
	cmdline_add(&c, "up");
	return up_run_step(u, &c, NULL);
}

static int (*const up_steps[])(struct up_run *u) = {
	step_pre_up,
	step_create,
	step_configure,
	step_mtu,
	step_addresses,
	step_link_up,
	routes_up,
	step_post_up,
};

/*
 * SIGINT, SIGTERM (systemd stopping a slow start) and SIGHUP end "up" after
 * the step under way, and what was done is undone.
 */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int run_up_steps(struct up_run *u)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_LEN(up_steps); i++) {
		ret = up_steps[i](u);
		if (!ret && interrupted) {
			fprintf(stderr, "%s: %s: interrupted by signal %d\n",
				prog, u->context, (int)interrupted);
			ret = XTUNCTL_EKERNEL;
		}
		if (ret)
			return ret;
	}
	return XTUNCTL_OK;
}

/* --- the commands -------------------------------------------------------- */

static void warn_unmanaged(const struct up_run *u)
{
	if (u->config.has_dns)
		fprintf(stderr, "%s: %s: warning: %s: DNS is not managed by %s; ignoring it (set resolvers in a PostUp hook)\n",
			prog, u->context, u->config.path, prog);
	if (u->config.has_save_config)
		fprintf(stderr, "%s: %s: warning: %s: SaveConfig is not supported; ignoring it ('%s showconf %s' prints the configuration)\n",
			prog, u->context, u->config.path, prog, u->ifname);
}

/* A device of that name, made by us or not, is not ours to take over. */
static int refuse_existing_device(const struct up_run *u)
{
	if (!if_nametoindex(u->ifname))
		return XTUNCTL_OK;
	fprintf(stderr, "%s: %s: a device named %s exists already\n", prog,
		u->context, u->ifname);
	return XTUNCTL_EUSAGE;
}

static int up(struct up_run *u)
{
	int ret;

	/* The state file first: for "up" twice, it says what to do. */
	ret = undo_log_create(&u->log, u->context, u->ifname);
	if (ret)
		return ret;
	ret = refuse_existing_device(u);
	if (ret) {
		undo_log_discard(&u->log);
		return ret;
	}
	catch_signals();
	ret = run_up_steps(u);
	undo_log_close(&u->log);
	if (!ret)
		return XTUNCTL_OK;
	if (undo_log_replay(u->context, u->ifname))
		fprintf(stderr, "%s: %s: not everything could be undone; see above\n",
			prog, u->context);
	else
		fprintf(stderr, "%s: %s: undone\n", prog, u->context);
	return ret;
}

static int usage_updown(const char *cmd)
{
	fprintf(stderr, "Usage: %s %s NAME|FILE\n"
		"NAME is " CONFIG_DIR "/NAME.conf; FILE is named IFNAME.conf\n",
		prog, cmd);
	return XTUNCTL_EUSAGE;
}

int cmd_up(int argc, char **argv)
{
	struct up_run u = { 0 };
	char path[4096];
	int ret;

	if (argc != 2)
		return usage_updown("up");
	ret = parse_target(argv[1], u.ifname, path, sizeof(path));
	if (ret)
		return ret;
	snprintf(u.context, sizeof(u.context), "up %s", u.ifname);
	ret = config_read(&u.config, path);
	if (ret)
		return ret;
	setconf_skip_own_key(&u.config, NULL);
	warn_unmanaged(&u);
	ret = up(&u);
	config_free(&u.config);
	return ret;
}

/* The config file is not read: it may have changed since "up". */
int cmd_down(int argc, char **argv)
{
	char ifname[IF_NAMESIZE], path[4096], context[IF_NAMESIZE + 8];
	int ret;

	if (argc != 2)
		return usage_updown("down");
	ret = parse_target(argv[1], ifname, path, sizeof(path));
	if (ret)
		return ret;
	snprintf(context, sizeof(context), "down %s", ifname);
	return undo_log_replay(context, ifname);
}
