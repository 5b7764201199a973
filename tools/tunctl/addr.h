/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_ADDR_H
#define _XTUNCTL_ADDR_H

#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * Endpoints and allowed-IPs prefixes as the kernel passes them, and their
 * text forms and those of numbers (parse.c reads them from the command
 * line).
 */

/* What XTUN_PEER_A_ENDPOINT carries: a struct sockaddr_in or _in6. */
union inet_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* One allowed-IPs prefix, as XTUN_ALLOWEDIP_A_* describe it. */
struct ip_prefix {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t cidr;
	uint8_t addr[16];	/* network byte order; 4 bytes for AF_INET */
	uint32_t flags;		/* XTUN_ALLOWEDIP_F_*, requests only */
};

/*
 * The decimal digits of @v at @p, without a NUL (at most 20); returns
 * their end.  No printf(): dumps print every prefix's length and several
 * counters of every peer, and parsing a format cost a third of their time.
 */
char *put_decimal(char *p, uint64_t v);

/* "192.0.2.1:51820", "[fd00::1]:51820"; @buf of at least this size. */
#define ENDPOINT_STRLEN	(NI_MAXHOST + 8)
void endpoint_to_str(char *buf, size_t size, const union inet_sockaddr *ep);
/* Same family, address, port (and IPv6 scope). */
bool endpoint_equal(const union inet_sockaddr *a, const union inet_sockaddr *b);

/* "10.0.0.0/24", "fd00::/64"; @buf of at least this size. */
#define PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)
void prefix_to_str(char *buf, size_t size, const struct ip_prefix *p);

/*
 * Clear the host bits of @p, leaving its network: the kernel ignores them in
 * allowed IPs, and "ip route add" refuses them.
 */
void prefix_mask(struct ip_prefix *p);
/* Same family, length and address bytes (flags aside). */
bool prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b);

#endif /* _XTUNCTL_ADDR_H */
