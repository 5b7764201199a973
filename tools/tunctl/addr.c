// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints and prefixes: their text forms for output, and comparing
 * prefixes whatever host bits were written (see addr.h).
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

void endpoint_to_str(char *buf, size_t size, const union inet_sockaddr *ep)
{
	char host[NI_MAXHOST];
	socklen_t len;

	len = ep->sa.sa_family == AF_INET ? sizeof(ep->sin) : sizeof(ep->sin6);
	/* getnameinfo() adds "%scope" for link-local IPv6 addresses. */
	if (getnameinfo(&ep->sa, len, host, sizeof(host), NULL, 0,
			NI_NUMERICHOST)) {
		snprintf(buf, size, "(unknown)");
		return;
	}
	if (ep->sa.sa_family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", host, ntohs(ep->sin6.sin6_port));
	else
		snprintf(buf, size, "%s:%u", host, ntohs(ep->sin.sin_port));
}

void prefix_to_str(char *buf, size_t size, const struct ip_prefix *p)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, size, "%s/%u", addr, p->cidr);
}

void prefix_mask(struct ip_prefix *p)
{
	unsigned int len = p->family == AF_INET ? 4 : 16, i;

	for (i = 0; i < len; i++) {
		if (p->cidr <= 8 * i)
			p->addr[i] = 0;
		else if (p->cidr < 8 * (i + 1))
			p->addr[i] &= 0xff << (8 * (i + 1) - p->cidr);
	}
}

bool prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->family == b->family && a->cidr == b->cidr &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

bool endpoint_equal(const union inet_sockaddr *a, const union inet_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		       a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	       !memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
		       sizeof(a->sin6.sin6_addr)) &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}
