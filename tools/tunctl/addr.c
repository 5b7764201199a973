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

/* The decimal digits of @v, below 1000, at @p; returns their end. */
static char *put_small_decimal(char *p, unsigned int v)
{
	if (v >= 100)
		*p++ = '0' + v / 100;
	if (v >= 10)
		*p++ = '0' + v / 10 % 10;
	*p++ = '0' + v % 10;
	return p;
}

/*
 * By hand for IPv4, which is most prefixes: a dump prints every prefix of
 * every peer, and inet_ntop() with snprintf() was more than half of
 * "xtunctl show dump"'s time with 110,000 prefixes.
 */
void prefix_to_str(char *buf, size_t size, const struct ip_prefix *p)
{
	char text[PREFIX_STRLEN], *end = text;
	size_t len;
	int i;

	if (p->family == AF_INET) {
		for (i = 0; i < 4; i++) {
			end = put_small_decimal(end, p->addr[i]);
			*end++ = i < 3 ? '.' : '/';
		}
	} else {
		if (!inet_ntop(p->family, p->addr, text, INET6_ADDRSTRLEN))
			strcpy(text, "?");
		end = text + strlen(text);
		*end++ = '/';
	}
	end = put_small_decimal(end, p->cidr);
	len = end - text;
	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
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
