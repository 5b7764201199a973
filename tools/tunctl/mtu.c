// SPDX-License-Identifier: GPL-2.0
/*
 * The MTU "up" gives a device whose config file has no MTU: the MTU of the
 * path to each peer's endpoint, less what encapsulation adds, so that an
 * encrypted packet of a full-sized inner packet is not fragmented.
 */

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mtu.h"
#include "run.h"

/*
 * Outer IP header, UDP header, the 16-byte data message header and the
 * 16-byte authentication tag: 20 + 8 + 32 for IPv4, 40 + 8 + 32 for IPv6.
 */
#define OVERHEAD_IPV4	60
#define OVERHEAD_IPV6	80
/*
 * What a 1500-byte Ethernet path carries under any outer family, and what
 * WireGuard devices default to: a derived MTU is never above it, since a
 * larger local link says nothing about the rest of the path.
 */
#define DERIVED_MTU_MAX	1420

/* The word after @word among the words of @text; NULL when absent. */
static const char *word_after(char *text, const char *word, char **save)
{
	static const char seps[] = " \t\n\\";
	char *w;

	for (w = strtok_r(text, seps, save); w; w = strtok_r(NULL, seps, save))
		if (!strcmp(w, word))
			return strtok_r(NULL, seps, save);
	return NULL;
}

/* The MTU of device @dev in our network namespace; 0 when unknown. */
static unsigned int link_mtu(const char *dev)
{
	struct ifreq ifr = { 0 };
	int fd, ret;

	if (strlen(dev) >= sizeof(ifr.ifr_name))
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	strcpy(ifr.ifr_name, dev);
	ret = ioctl(fd, SIOCGIFMTU, &ifr);
	close(fd);
	return ret || ifr.ifr_mtu <= 0 ? 0 : ifr.ifr_mtu;
}

/*
 * The MTU of a route as ip(8) prints it: its "mtu [lock] N" metric, else
 * the MTU of its "dev".  0 when neither is there.
 */
static unsigned int route_mtu(const char *route)
{
	char *text = strdup(route), *save;
	unsigned int mtu = 0;
	const char *value;

	if (!text)
		return 0;
	value = word_after(text, "mtu", &save);
	if (value && !strcmp(value, "lock"))
		value = strtok_r(NULL, " \t\n\\", &save);
	if (value)
		mtu = strtoul(value, NULL, 10);
	if (!mtu) {
		strcpy(text, route);
		value = word_after(text, "dev", &save);
		if (value)
			mtu = link_mtu(value);
	}
	free(text);
	return mtu;
}

static unsigned int overhead(int family)
{
	return family == AF_INET ? OVERHEAD_IPV4 : OVERHEAD_IPV6;
}

/* What a tunnel to @ep can carry; 0 when there is no route to it. */
static unsigned int endpoint_mtu(const union inet_sockaddr *ep)
{
	int family = ep->sa.sa_family;
	char addr[INET6_ADDRSTRLEN], out[1024];
	const void *a = family == AF_INET ? (const void *)&ep->sin.sin_addr :
					    (const void *)&ep->sin6.sin6_addr;
	unsigned int mtu;
	struct cmdline c;

	if (!inet_ntop(family, a, addr, sizeof(addr)))
		return 0;
	cmdline_ip(&c, family);
	cmdline_add(&c, "-o");
	cmdline_add(&c, "route");
	cmdline_add(&c, "get");
	cmdline_add(&c, "%s", addr);
	if (!cmdline_capture(&c, out, sizeof(out)))
		return 0;
	mtu = route_mtu(out);
	return mtu > overhead(family) ? mtu - overhead(family) : 0;
}

/*
 * With no endpoint to go by, the default route is where the tunnel's
 * packets will most likely go; the outer family is unknown, so assume the
 * larger IPv6 overhead.
 */
static unsigned int default_route_mtu(int family)
{
	char out[1024];
	unsigned int mtu;
	struct cmdline c;

	cmdline_ip(&c, family);
	cmdline_add(&c, "-o");
	cmdline_add(&c, "route");
	cmdline_add(&c, "show");
	cmdline_add(&c, "default");
	if (!cmdline_capture(&c, out, sizeof(out)))
		return 0;
	out[strcspn(out, "\n")] = '\0';
	mtu = route_mtu(out);
	return mtu > OVERHEAD_IPV6 ? mtu - OVERHEAD_IPV6 : 0;
}

static void take_min(unsigned int *best, unsigned int mtu)
{
	if (mtu && (!*best || mtu < *best))
		*best = mtu;
}

unsigned int mtu_derive(const struct config *config)
{
	unsigned int best = 0;
	size_t i;

	/* The smallest, so that no peer's packets are fragmented. */
	for (i = 0; i < config->n_peers; i++)
		if (config->peers[i].has_endpoint)
			take_min(&best, endpoint_mtu(&config->peers[i].endpoint));
	if (!best) {
		take_min(&best, default_route_mtu(AF_INET));
		take_min(&best, default_route_mtu(AF_INET6));
	}
	if (!best || best > DERIVED_MTU_MAX)
		best = DERIVED_MTU_MAX;
	return best;
}
