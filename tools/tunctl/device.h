/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_DEVICE_H
#define _XTUNCTL_DEVICE_H

#include <net/if.h>
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "key.h"
#include "parse.h"

/*
 * The state of xtun devices as GET_DEVICE reports it, merged from however
 * many dump messages the kernel split it into.  show and show ... dump both
 * print from this, so there is one parser of the kernel's replies.
 */

struct peer_state {
	uint8_t public_key[XTUN_KEY_LEN];
	bool has_preshared_key;
	union inet_sockaddr endpoint;	/* sa_family 0: unknown */
	uint16_t persistent_keepalive;
	uint64_t last_handshake_ns;
	uint64_t rx_bytes, tx_bytes;
	uint64_t rx_packets, tx_packets;
	uint64_t drop_replay, drop_auth, drop_source, drop_no_session;
	struct ip_prefix *allowedips;
	size_t n_allowedips, allowedips_cap;
};

struct dev_state {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	bool has_public_key;		/* a private key is set */
	uint8_t public_key[XTUN_KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
	struct peer_state *peers;
	size_t n_peers, peers_cap;
};

struct dev_state_list {
	struct dev_state *devices;
	size_t n_devices, devices_cap;
};

/*
 * Read device @ifname, or every xtun device when it is NULL, into @list.
 * Returns an xtunctl exit status, having printed why on failure.
 */
int dev_state_read(struct dev_state_list *list, const char *ifname);
void dev_state_free(struct dev_state_list *list);

/* "192.0.2.1:51820", "[fd00::1]:51820"; @buf of at least this size. */
#define ENDPOINT_STRLEN	(NI_MAXHOST + 8)
void endpoint_to_str(char *buf, size_t size, const union inet_sockaddr *ep);

/* "10.0.0.0/24", "fd00::/64"; @buf of at least this size. */
#define PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)
void prefix_to_str(char *buf, size_t size, const struct ip_prefix *p);

/*
 * Print @peer's allowed IPs to stdout, separated by @sep, or "(none)":
 * each output format has its own separator, not its own loop.
 */
void allowedips_print(const struct peer_state *peer, const char *sep);

/*
 * Print @list as "show ... dump" does (dump.c): tab-separated, one line per
 * device and per peer, each line led by the interface name if @with_ifname.
 */
void dump_devices(const struct dev_state_list *list, bool with_ifname);

#endif /* _XTUNCTL_DEVICE_H */
