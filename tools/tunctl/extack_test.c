// SPDX-License-Identifier: GPL-2.0
/*
 * extack_test: extack.c names the attribute the kernel reports missing,
 * with the spec's names and nesting (netlink-gen.c), on the host.
 * selftests/xtunctl.sh runs it.
 *
 * xtunctl never sends a request that lacks an attribute, so the kernel
 * cannot be made to report one through it; this builds such requests
 * instead: a device with a peer array, a peer with an allowed-IPs array,
 * and missing attributes reported at each level.  Exits 0 when every name
 * is the spec's, else 1 with a line per failure.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/xtun.h>

#include "extack.h"

static unsigned int failures;

/* What extack_report() prints for @err about @request. */
static void check(const struct nlmsghdr *request, const struct genl_error *err,
		  const char *want, const char *what)
{
	FILE *saved = stderr;
	char *got = NULL;
	size_t len = 0;

	stderr = open_memstream(&got, &len);
	if (!stderr) {
		stderr = saved;
		perror("open_memstream");
		exit(1);
	}
	extack_report(err, request, "test");
	fclose(stderr);
	stderr = saved;
	if (strcmp(got, want)) {
		fprintf(stderr, "extack_test: %s: printed '%s', not '%s'\n",
			what, got, want);
		failures++;
	}
	free(got);
}

static uint32_t offset_of(const struct nlmsghdr *nlh, const struct nlattr *attr)
{
	return (uint32_t)((const char *)attr - (const char *)nlh);
}

int main(void)
{
	static char buf[4096];
	struct nlattr *peers, *peer, *ips, *ip;
	struct genl_error err = { .error = -22, .has_miss_type = true };
	struct nlmsghdr *nlh;
	uint8_t key[XTUN_KEY_LEN] = { 0 };

	/* set-device: ifindex, peers[0] { public-key, allowedips[0] { family } } */
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	mnl_attr_put_u32(nlh, XTUN_DEVICE_A_IFINDEX, 2);
	peers = mnl_attr_nest_start(nlh, XTUN_DEVICE_A_PEERS);
	peer = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put(nlh, XTUN_PEER_A_PUBLIC_KEY, sizeof(key), key);
	ips = mnl_attr_nest_start(nlh, XTUN_PEER_A_ALLOWEDIPS);
	ip = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put_u16(nlh, XTUN_ALLOWEDIP_A_FAMILY, 2);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);

	err.miss_type = XTUN_DEVICE_A_IFNAME;
	check(nlh, &err, "Error: missing attribute: ifname\n", "top level");

	err.has_miss_nest = true;
	err.miss_nest = offset_of(nlh, peer);
	err.miss_type = XTUN_PEER_A_ENDPOINT;
	check(nlh, &err, "Error: missing attribute: endpoint\n", "in a peer");
	/* Not in the hand-written table this replaced: read from the spec. */
	err.miss_type = XTUN_PEER_A_RX_BYTES;
	check(nlh, &err, "Error: missing attribute: rx-bytes\n", "a peer counter");

	err.miss_nest = offset_of(nlh, ip);
	err.miss_type = XTUN_ALLOWEDIP_A_CIDR;
	check(nlh, &err, "Error: missing attribute: cidr\n", "in an allowed IP");

	/* The array itself is no set of attributes: the number is printed. */
	err.miss_nest = offset_of(nlh, peers);
	err.miss_type = XTUN_PEER_A_ENDPOINT;
	check(nlh, &err, "Error: missing attribute: 5\n", "on the peer array");

	err.miss_nest = offset_of(nlh, ip);
	err.miss_type = XTUN_ALLOWEDIP_A_MAX + 1;
	check(nlh, &err, "Error: missing attribute: 5\n", "past the set's end");

	if (failures)
		return 1;
	printf("extack_test: every missing attribute named as the spec names it\n");
	return 0;
}
