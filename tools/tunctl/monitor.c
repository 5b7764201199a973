// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl monitor [IFNAME] [-j]: print the xtun family's notifications as
 * they arrive, one line each, with the time xtunctl received them.
 *
 * It joins both multicast groups ("config": devices and peers configured;
 * "peers": handshakes, roaming, expired sessions), which the kernel allows
 * to CAP_NET_ADMIN of the namespace's owner only, and hears the devices of
 * its own network namespace.  The kernel rate-limits notifications and
 * says in the next one how many it held back ("missed": of the group;
 * "peer-missed": about the same peer, which has a limit of its own); a
 * receive buffer that overflows loses messages too.  Either way the line says so, and a
 * program that must not miss a change reads the state again (show dump).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xtun.h>

#include "fields.h"
#include "genl.h"
#include "json.h"
#include "outbuf.h"
#include "parse.h"
#include "state.h"
#include "xtunctl.h"

struct monitor_args {
	const char *ifname;	/* NULL: every device */
	uint32_t ifindex;	/* of @ifname */
	bool json;
};

/* The names of the events, as the family's spec has them without "-ntf". */
static const char *const event_names[XTUN_CMD_MAX + 1] = {
	[XTUN_CMD_DEVICE_CHANGE_NTF]	= "device-change",
	[XTUN_CMD_PEER_NEW_NTF]		= "peer-new",
	[XTUN_CMD_PEER_CHANGE_NTF]	= "peer-change",
	[XTUN_CMD_PEER_DEL_NTF]		= "peer-del",
	[XTUN_CMD_HANDSHAKE_NTF]	= "handshake",
	[XTUN_CMD_ENDPOINT_CHANGE_NTF]	= "endpoint-change",
	[XTUN_CMD_SESSION_EXPIRE_NTF]	= "session-expire",
	[XTUN_CMD_PEER_UNREACHABLE_NTF]	= "peer-unreachable",
};

static int monitor_usage(void)
{
	fprintf(stderr, "Usage: %s monitor [IFNAME] [-j | --json]\n", prog);
	return XTUNCTL_EUSAGE;
}

static int parse_monitor_args(int argc, char **argv, struct monitor_args *args)
{
	int i;

	memset(args, 0, sizeof(*args));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			args->json = true;
		} else if (!args->ifname) {
			args->ifname = argv[i];
			if (parse_ifname(argv[i]))
				return monitor_usage();
		} else {
			fprintf(stderr, "%s: unexpected argument '%s'\n",
				prog, argv[i]);
			return monitor_usage();
		}
	}
	return XTUNCTL_OK;
}

/*
 * Refuse a name that is not an xtun device, with the kernel's message, and
 * remember its index: events name devices by index, which a rename keeps.
 */
static int monitor_resolve(struct monitor_args *args)
{
	struct dev_state_list list;
	int ret;

	if (!args->ifname)
		return XTUNCTL_OK;
	ret = dev_state_read(&list, args->ifname);
	if (ret)
		return ret;
	if (list.n_devices == 1)
		args->ifindex = list.devices[0].ifindex;
	dev_state_free(&list);
	if (args->ifindex)
		return XTUNCTL_OK;
	fprintf(stderr, "Error: %s is not an xtun device\n", args->ifname);
	return XTUNCTL_EKERNEL;
}

/* RFC 3339 local time with microseconds: 2026-12-02T19:04:05.123456+0000. */
static void format_now(char *buf, size_t size)
{
	struct timeval tv;
	char date[32], zone[8];
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, size, "%s.%06ld%s", date, (long)tv.tv_usec, zone);
}

/*
 * XTUN_DEVICE_A_NTF_PEER_MISSED, read here rather than by the state
 * parser: no other command has it.  0 when absent.
 */
static uint32_t peer_missed(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == XTUN_DEVICE_A_NTF_PEER_MISSED &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			return mnl_attr_get_u32(attr);
	return 0;
}

/*
 * What a line tells of the device or the peer an event is about: the rows
 * of the field table (fields.c) with these dump columns, each after its
 * word on a line for people, and as the row's member in JSON.
 */
struct monitor_field {
	const char *word;
	const char *column;
};

static const struct monitor_field dev_line[] = {
	{ "public-key", "public-key" },
	{ "listen-port", "listen-port" },
	{ "fwmark", "fwmark" },
};

static const struct monitor_field peer_line[] = {
	{ "peer", "public-key" },
	{ "endpoint", "endpoint" },
};

/* People see the values as "show IFNAME FIELD" prints them. */
static void print_fields(struct show_out *o, const struct field *table,
			 size_t n_table, const struct monitor_field *line,
			 size_t n, const void *obj)
{
	const struct field *f;
	size_t i;

	for (i = 0; i < n; i++) {
		f = field_by_column(table, n_table, line[i].column);
		if (o->mode == SHOW_FIELD)
			out_printf(" %s ", line[i].word);
		f->print(o, f, obj);
	}
}

/* The device's fields, or those of the peer when the event is about one. */
static void print_subject(struct show_out *o, const struct dev_state *dev)
{
	if (dev->n_peers)
		print_fields(o, peer_fields, n_peer_fields, peer_line,
			     ARRAY_LEN(peer_line), &dev->peers[0]);
	else
		print_fields(o, dev_fields, n_dev_fields, dev_line,
			     ARRAY_LEN(dev_line), dev);
}

static void print_human(const char *time, const char *event,
			const struct dev_state *dev, uint32_t peer_held)
{
	struct show_out o = { .mode = SHOW_FIELD };

	/* The field printers write to the buffer of outbuf.h: so does this. */
	out_printf("%s %s %s", time, dev->ifname, event);
	print_subject(&o, dev);
	if (dev->ntf_missed)
		out_printf(" missed %u", dev->ntf_missed);
	if (peer_held)
		out_printf(" peer-missed %u", peer_held);
	out_putc('\n');
	out_flush();
}

static void print_json(const char *time, const char *event,
		       const struct dev_state *dev, uint32_t peer_held)
{
	struct show_out o = { .mode = SHOW_JSON };
	struct json *j = &o.json;

	json_init(j, stdout);
	json_begin_object(j);
	json_key_string(j, "time", time);
	json_key_string(j, "event", event);
	json_key_string(j, "ifname", dev->ifname);
	json_key_u64(j, "ifindex", dev->ifindex);
	if (dev->n_peers) {
		json_key(j, "peer");
		json_begin_object(j);
		print_subject(&o, dev);
		json_end_object(j);
	} else {
		print_subject(&o, dev);
	}
	json_key_u64(j, "missed", dev->ntf_missed);
	if (dev->n_peers)
		json_key_u64(j, "peer_missed", peer_held);
	/* Closing the outermost object ends the line. */
	json_end_object(j);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct monitor_args *args = data;
	struct dev_state_list list = { 0 };
	const struct dev_state *dev;
	char time[64];
	int ret;

	/* Commands newer than xtunctl, and anything but events, are skipped. */
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*genl)) ||
	    genl->cmd > XTUN_CMD_MAX || !event_names[genl->cmd])
		return MNL_CB_OK;
	format_now(time, sizeof(time));
	ret = dev_state_merge_msg(nlh, &list);
	if (ret < 0)
		goto out;
	dev = &list.devices[0];
	if (args->ifindex && dev->ifindex != args->ifindex)
		goto out;
	if (args->json)
		print_json(time, event_names[genl->cmd], dev, peer_missed(nlh));
	else
		print_human(time, event_names[genl->cmd], dev,
			    peer_missed(nlh));
out:
	dev_state_free(&list);
	return ret < 0 ? ret : MNL_CB_OK;
}

static int join(struct genl_session *g, uint32_t group, const char *name)
{
	int id = (int)group;

	if (!group) {
		fprintf(stderr, "Error: the xtun module has no '%s' notification group: it is older than xtunctl\n",
			name);
		return XTUNCTL_EKERNEL;
	}
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &id,
				  sizeof(id)) == 0)
		return XTUNCTL_OK;
	if (errno == EPERM)
		fprintf(stderr, "Error: listening to xtun notifications needs CAP_NET_ADMIN in the network namespace\n");
	else
		fprintf(stderr, "Error: joining the xtun '%s' notification group: %s\n",
			name, strerror(errno));
	return XTUNCTL_EKERNEL;
}

/* Until killed, or until the socket fails. */
static int monitor_loop(struct genl_session *g, const struct monitor_args *args)
{
	ssize_t len;
	int ret;

	for (;;) {
		len = mnl_socket_recvfrom(g->nl, g->buf, sizeof(g->buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			fprintf(stderr, "Warning: notifications were lost: the receive buffer overflowed\n");
			continue;
		}
		if (len < 0) {
			fprintf(stderr, "Error: reading notifications: %s\n",
				strerror(errno));
			return XTUNCTL_EKERNEL;
		}
		ret = mnl_cb_run(g->buf, len, 0, 0, event_cb, (void *)args);
		if (ret < 0)
			return XTUNCTL_EKERNEL;
	}
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor_args args;
	struct genl_session g;
	int ret;

	ret = parse_monitor_args(argc, argv, &args) ?: monitor_resolve(&args);
	if (ret)
		return ret;
	ret = genl_open(&g);
	if (ret)
		return ret;
	ret = join(&g, g.mcgrp_config, XTUN_MCGRP_CONFIG) ?:
	      join(&g, g.mcgrp_peers, XTUN_MCGRP_PEERS);
	if (!ret) {
		/* A line as soon as it happens, also into a pipe. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		ret = monitor_loop(&g, &args);
	}
	genl_close(&g);
	return ret;
}
