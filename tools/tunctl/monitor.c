// SPDX-License-Identifier: GPL-2.0
/*
 * xtunctl monitor [IFNAME] [-j]: print the xtun family's notifications as
 * they arrive, one line each, with the time xtunctl received them.
 *
 * It joins both multicast groups ("config": devices and peers configured;
 * "peers": handshakes, roaming, expired sessions), which the kernel allows
 * to CAP_NET_ADMIN of the namespace's owner only, and hears the devices of
 * its own network namespace.  The kernel rate-limits notifications and
 * says in the next one how many it held back; a receive buffer that
 * overflows loses messages too.  Either way the line says so, and a
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

#include "genl.h"
#include "json.h"
#include "parse.h"
#include "show_value.h"
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

static void print_human(const char *time, const char *event,
			const struct dev_state *dev)
{
	const struct peer_state *peer = dev->n_peers ? &dev->peers[0] : NULL;

	printf("%s %s %s", time, dev->ifname, event);
	if (peer) {
		fputs(" peer ", stdout);
		value_key(peer->public_key, true);
		fputs(" endpoint ", stdout);
		value_endpoint(peer);
	} else {
		fputs(" public-key ", stdout);
		value_key(dev->public_key, dev->has_public_key);
		printf(" listen-port %u fwmark ", dev->listen_port);
		value_fwmark(dev);
	}
	if (dev->ntf_missed)
		printf(" missed %u", dev->ntf_missed);
	putchar('\n');
}

static void print_json(const char *time, const char *event,
		       const struct dev_state *dev)
{
	const struct peer_state *peer = dev->n_peers ? &dev->peers[0] : NULL;
	struct json j;

	json_init(&j, stdout);
	json_begin_object(&j);
	json_key_string(&j, "time", time);
	json_key_string(&j, "event", event);
	json_key_string(&j, "ifname", dev->ifname);
	json_key_u64(&j, "ifindex", dev->ifindex);
	if (peer) {
		json_key(&j, "peer");
		json_begin_object(&j);
		json_public_key(&j, peer->public_key);
		json_endpoint(&j, peer);
		json_end_object(&j);
	} else {
		if (dev->has_public_key) {
			json_public_key(&j, dev->public_key);
		} else {
			json_key(&j, "public_key");
			json_null(&j);
		}
		json_key_u64(&j, "listen_port", dev->listen_port);
		json_key_u64(&j, "fwmark", dev->fwmark);
	}
	json_key_u64(&j, "missed", dev->ntf_missed);
	/* Closing the outermost object ends the line. */
	json_end_object(&j);
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
		print_json(time, event_names[genl->cmd], dev);
	else
		print_human(time, event_names[genl->cmd], dev);
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
