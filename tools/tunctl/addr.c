// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints, prefixes and numbers: their text forms for output, and
 * comparing prefixes whatever host bits were written (see addr.h).
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

char *put_decimal(char *p, uint64_t v)
{
	uint64_t rest = v;
	char *end;

	/* Where the digits end, then each from the last. */
	do
		p++;
	while (rest /= 10);
	end = p;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

/* The four octets of @a in dotted decimal at @p; returns their end. */
static char *put_ipv4(char *p, const uint8_t a[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_decimal(p, a[i]);
	}
	return p;
}

/* @v in lower-case hexadecimal without leading zeros, as "%x". */
static char *put_hex16(char *p, unsigned int v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hex[(v >> shift) & 15];
	return p;
}

/*
 * @a as inet_ntop() writes it (RFC 5952): the first of the longest runs
 * of two or more zero groups becomes "::", and an address whose first
 * five groups are zero and whose sixth is 0 or ffff ends in dotted IPv4,
 * unless more zero groups follow.  addr_test holds the two side by side.
 */
static char *put_ipv6(char *p, const uint8_t a[16])
{
	int i, run = 0, best = -1, best_len = 1;
	unsigned int w[8];

	for (i = 0; i < 8; i++) {
		w[i] = a[2 * i] << 8 | a[2 * i + 1];
		run = w[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			i += best_len - 1;
			if (i == 7)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return put_ipv4(p, a + 12);
		p = put_hex16(p, w[i]);
	}
	return p;
}

/*
 * By hand, not with inet_ntop() and snprintf(): a dump prints every
 * prefix of every peer, and the library's formatting was more than half
 * of "xtunctl show dump"'s time with 110,000 prefixes.
 */
void prefix_to_str(char *buf, size_t size, const struct ip_prefix *p)
{
	char text[PREFIX_STRLEN], *end;
	size_t len;

	if (p->family == AF_INET)
		end = put_ipv4(text, p->addr);
	else
		end = put_ipv6(text, p->addr);
	*end++ = '/';
	end = put_decimal(end, p->cidr);
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
