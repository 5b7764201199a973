/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's UDP sockets (one IPv4, one IPv6, same port) and sending to
 * a peer's endpoint.
 */
#ifndef _XTUN_SOCKET_H
#define _XTUN_SOCKET_H

#include <linux/skbuff.h>

struct xtun_device;
struct xtun_endpoint;
struct xtun_peer;

int xtun_socket_init(struct xtun_device *xtun, u16 port);
void xtun_socket_reinit(struct xtun_device *xtun, struct sock *new4,
			struct sock *new6);
int xtun_socket_send_skb_to_peer(struct xtun_peer *peer, struct sk_buff *skb,
				 u8 ds);
int xtun_socket_send_buffer_to_peer(struct xtun_peer *peer, void *buffer,
				    size_t len, u8 ds);
int xtun_socket_send_buffer_as_reply_to_skb(struct xtun_device *xtun,
					    struct sk_buff *in_skb,
					    void *buffer, size_t len);
int xtun_socket_endpoint_from_skb(struct xtun_endpoint *endpoint,
				  const struct sk_buff *skb);
bool xtun_socket_set_peer_endpoint(struct xtun_peer *peer,
				   const struct xtun_endpoint *endpoint);
bool xtun_socket_set_peer_endpoint_from_skb(struct xtun_peer *peer,
					    const struct sk_buff *skb);
void xtun_socket_clear_peer_endpoint_src(struct xtun_peer *peer);
void xtun_socket_drop_peer_routes(struct xtun_peer *peer);
void xtun_socket_routes_changed(struct xtun_device *xtun);

#endif /* _XTUN_SOCKET_H */
