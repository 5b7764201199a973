/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mac1, mac2 and cookie replies: WireGuard's defence against handshake
 * floods.  mac1 proves the sender knows our public key; under load, mac2
 * proves it can receive at its source address.
 */
#ifndef _XTUN_COOKIE_H
#define _XTUN_COOKIE_H

#include <linux/rwsem.h>

#include "messages.h"

struct xtun_device;
struct xtun_peer;

/* The device's side: keys derived from our public key, and the secret. */
struct xtun_cookie_checker {
	u8 secret[XTUN_HASH_SIZE];
	u8 cookie_encryption_key[XTUN_KEY_SIZE];
	u8 message_mac1_key[XTUN_KEY_SIZE];
	u64 secret_birthdate;
	struct rw_semaphore secret_lock;	/* guards secret and its age */
	struct xtun_device *device;
};

/* A peer's side: keys from its public key, the cookie it last sent us. */
struct xtun_cookie {
	u64 birthdate;
	bool is_valid;
	u8 cookie[XTUN_COOKIE_SIZE];
	bool have_sent_mac1;
	u8 last_mac1_sent[XTUN_COOKIE_SIZE];
	u8 cookie_decryption_key[XTUN_KEY_SIZE];
	u8 message_mac1_key[XTUN_KEY_SIZE];
	struct rw_semaphore lock;	/* guards every field */
};

enum xtun_cookie_mac_state {
	XTUN_INVALID_MAC,
	XTUN_VALID_MAC_BUT_NO_COOKIE,
	XTUN_VALID_MAC_WITH_COOKIE,
};

void xtun_cookie_checker_init(struct xtun_cookie_checker *checker,
			      struct xtun_device *xtun);
void xtun_cookie_checker_precompute_device_keys(struct xtun_cookie_checker *checker);
void xtun_cookie_checker_precompute_peer_keys(struct xtun_peer *peer);
void xtun_cookie_init(struct xtun_cookie *cookie);

enum xtun_cookie_mac_state
xtun_cookie_validate_packet(struct xtun_cookie_checker *checker,
			    struct sk_buff *skb, bool check_cookie);
void xtun_cookie_add_mac_to_packet(void *message, size_t len,
				   struct xtun_peer *peer);
void xtun_cookie_message_create(struct xtun_msg_cookie *dst,
				struct sk_buff *skb, __le32 index,
				struct xtun_cookie_checker *checker);
void xtun_cookie_message_consume(struct xtun_msg_cookie *src,
				 struct xtun_device *xtun);

#endif /* _XTUN_COOKIE_H */
