// SPDX-License-Identifier: GPL-2.0
/*
 * mac1/mac2 and cookie replies (WireGuard paper, section 5.4.4 and 5.4.7).
 *
 * Every handshake message carries mac1, keyed with the receiver's public
 * key: we drop handshakes from anyone who does not know ours before doing
 * any Curve25519.  When the handshake queue is long ("under load") we also
 * require mac2, keyed with a cookie bound to the sender's address; a sender
 * without one gets a cookie reply instead of a handshake.
 */

#include <crypto/algapi.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "cookie.h"
#include "device.h"
#include "messages.h"
#include "peer.h"
#include "timers.h"

static const u8 xtun_mac1_label[8] = "mac1----";
static const u8 xtun_cookie_label[8] = "cookie--";

/* HASH(label || public key): the keys for mac1 and for cookie replies. */
static void xtun_precompute_key(u8 key[XTUN_KEY_SIZE],
				const u8 pubkey[XTUN_KEY_SIZE],
				const u8 label[8])
{
	struct blake2s_state blake;

	blake2s_init(&blake, XTUN_KEY_SIZE);
	blake2s_update(&blake, label, 8);
	blake2s_update(&blake, pubkey, XTUN_KEY_SIZE);
	blake2s_final(&blake, key);
}

void xtun_cookie_checker_init(struct xtun_cookie_checker *checker,
			      struct xtun_device *xtun)
{
	init_rwsem(&checker->secret_lock);
	checker->secret_birthdate = ktime_get_coarse_boottime_ns();
	get_random_bytes(checker->secret, XTUN_HASH_SIZE);
	checker->device = xtun;
}

/* Call with the static identity's lock held for writing. */
void xtun_cookie_checker_precompute_device_keys(struct xtun_cookie_checker *checker)
{
	struct xtun_static_identity *identity =
		&checker->device->static_identity;

	if (likely(identity->has_identity)) {
		xtun_precompute_key(checker->cookie_encryption_key,
				    identity->static_public,
				    xtun_cookie_label);
		xtun_precompute_key(checker->message_mac1_key,
				    identity->static_public, xtun_mac1_label);
	} else {
		memzero_explicit(checker->cookie_encryption_key, XTUN_KEY_SIZE);
		memzero_explicit(checker->message_mac1_key, XTUN_KEY_SIZE);
	}
}

void xtun_cookie_checker_precompute_peer_keys(struct xtun_peer *peer)
{
	xtun_precompute_key(peer->latest_cookie.cookie_decryption_key,
			    peer->handshake.remote_static, xtun_cookie_label);
	xtun_precompute_key(peer->latest_cookie.message_mac1_key,
			    peer->handshake.remote_static, xtun_mac1_label);
}

void xtun_cookie_init(struct xtun_cookie *cookie)
{
	memset(cookie, 0, sizeof(*cookie));
	init_rwsem(&cookie->lock);
}

static void xtun_compute_mac1(u8 mac1[XTUN_COOKIE_SIZE], const void *message,
			      size_t len, const u8 key[XTUN_KEY_SIZE])
{
	len = len - sizeof(struct xtun_msg_macs) +
	      offsetof(struct xtun_msg_macs, mac1);
	blake2s(mac1, message, key, XTUN_COOKIE_SIZE, len, XTUN_KEY_SIZE);
}

static void xtun_compute_mac2(u8 mac2[XTUN_COOKIE_SIZE], const void *message,
			      size_t len, const u8 cookie[XTUN_COOKIE_SIZE])
{
	len = len - sizeof(struct xtun_msg_macs) +
	      offsetof(struct xtun_msg_macs, mac2);
	blake2s(mac2, message, cookie, XTUN_COOKIE_SIZE, len, XTUN_COOKIE_SIZE);
}

/* The cookie of the sender of @skb: a MAC of its address and port. */
static void xtun_make_cookie(u8 cookie[XTUN_COOKIE_SIZE], struct sk_buff *skb,
			     struct xtun_cookie_checker *checker)
{
	struct blake2s_state state;

	if (xtun_birthdate_has_expired(checker->secret_birthdate,
				       XTUN_COOKIE_SECRET_MAX_AGE)) {
		down_write(&checker->secret_lock);
		checker->secret_birthdate = ktime_get_coarse_boottime_ns();
		get_random_bytes(checker->secret, XTUN_HASH_SIZE);
		up_write(&checker->secret_lock);
	}

	down_read(&checker->secret_lock);

	blake2s_init_key(&state, XTUN_COOKIE_SIZE, checker->secret,
			 XTUN_HASH_SIZE);
	if (skb->protocol == htons(ETH_P_IP))
		blake2s_update(&state, (u8 *)&ip_hdr(skb)->saddr,
			       sizeof(struct in_addr));
	else if (skb->protocol == htons(ETH_P_IPV6))
		blake2s_update(&state, (u8 *)&ipv6_hdr(skb)->saddr,
			       sizeof(struct in6_addr));
	blake2s_update(&state, (u8 *)&udp_hdr(skb)->source, sizeof(__be16));
	blake2s_final(&state, cookie);

	up_read(&checker->secret_lock);
}

/* @skb->data is a whole handshake message of its type's size. */
enum xtun_cookie_mac_state
xtun_cookie_validate_packet(struct xtun_cookie_checker *checker,
			    struct sk_buff *skb, bool check_cookie)
{
	struct xtun_msg_macs *macs = (struct xtun_msg_macs *)
		(skb->data + skb->len - sizeof(*macs));
	u8 computed_mac[XTUN_COOKIE_SIZE];
	u8 cookie[XTUN_COOKIE_SIZE];
	enum xtun_cookie_mac_state ret;

	ret = XTUN_INVALID_MAC;
	xtun_compute_mac1(computed_mac, skb->data, skb->len,
			  checker->message_mac1_key);
	if (crypto_memneq(computed_mac, macs->mac1, XTUN_COOKIE_SIZE))
		goto out;

	ret = XTUN_VALID_MAC_BUT_NO_COOKIE;
	if (!check_cookie)
		goto out;

	xtun_make_cookie(cookie, skb, checker);
	xtun_compute_mac2(computed_mac, skb->data, skb->len, cookie);
	if (crypto_memneq(computed_mac, macs->mac2, XTUN_COOKIE_SIZE))
		goto out;

	ret = XTUN_VALID_MAC_WITH_COOKIE;

out:
	memzero_explicit(cookie, XTUN_COOKIE_SIZE);
	return ret;
}

/* Fill in the macs of a handshake message we are about to send @peer. */
void xtun_cookie_add_mac_to_packet(void *message, size_t len,
				   struct xtun_peer *peer)
{
	struct xtun_msg_macs *macs = (struct xtun_msg_macs *)
		((u8 *)message + len - sizeof(*macs));

	down_write(&peer->latest_cookie.lock);
	xtun_compute_mac1(macs->mac1, message, len,
			  peer->latest_cookie.message_mac1_key);
	memcpy(peer->latest_cookie.last_mac1_sent, macs->mac1,
	       XTUN_COOKIE_SIZE);
	peer->latest_cookie.have_sent_mac1 = true;
	up_write(&peer->latest_cookie.lock);

	down_read(&peer->latest_cookie.lock);
	if (peer->latest_cookie.is_valid &&
	    !xtun_birthdate_has_expired(peer->latest_cookie.birthdate,
					XTUN_COOKIE_SECRET_MAX_AGE -
					XTUN_COOKIE_SECRET_LATENCY))
		xtun_compute_mac2(macs->mac2, message, len,
				  peer->latest_cookie.cookie);
	else
		memset(macs->mac2, 0, XTUN_COOKIE_SIZE);
	up_read(&peer->latest_cookie.lock);
}

/* The reply to a handshake that came while under load without mac2. */
void xtun_cookie_message_create(struct xtun_msg_cookie *dst,
				struct sk_buff *skb, __le32 index,
				struct xtun_cookie_checker *checker)
{
	struct xtun_msg_macs *macs = (struct xtun_msg_macs *)
		(skb->data + skb->len - sizeof(*macs));
	u8 cookie[XTUN_COOKIE_SIZE];

	dst->header.type = cpu_to_le32(XTUN_MSG_HANDSHAKE_COOKIE);
	dst->receiver_index = index;
	get_random_bytes_wait(dst->nonce, XTUN_COOKIE_NONCE_SIZE);

	xtun_make_cookie(cookie, skb, checker);
	xchacha20poly1305_encrypt(dst->encrypted_cookie, cookie,
				  XTUN_COOKIE_SIZE, macs->mac1,
				  XTUN_COOKIE_SIZE, dst->nonce,
				  checker->cookie_encryption_key);
	memzero_explicit(cookie, XTUN_COOKIE_SIZE);
}

void xtun_cookie_message_consume(struct xtun_msg_cookie *src,
				 struct xtun_device *xtun)
{
	struct xtun_peer *peer = NULL;
	u8 cookie[XTUN_COOKIE_SIZE];
	bool ret;

	if (unlikely(!xtun_index_lookup(xtun->index_table,
					XTUN_INDEX_HANDSHAKE |
					XTUN_INDEX_KEYPAIR,
					src->receiver_index, &peer)))
		return;

	down_read(&peer->latest_cookie.lock);
	if (unlikely(!peer->latest_cookie.have_sent_mac1)) {
		up_read(&peer->latest_cookie.lock);
		goto out;
	}
	/* The reply is bound to the mac1 of the message it answers. */
	ret = xchacha20poly1305_decrypt(cookie, src->encrypted_cookie,
					sizeof(src->encrypted_cookie),
					peer->latest_cookie.last_mac1_sent,
					XTUN_COOKIE_SIZE, src->nonce,
					peer->latest_cookie.cookie_decryption_key);
	up_read(&peer->latest_cookie.lock);

	if (ret) {
		down_write(&peer->latest_cookie.lock);
		memcpy(peer->latest_cookie.cookie, cookie, XTUN_COOKIE_SIZE);
		peer->latest_cookie.birthdate = ktime_get_coarse_boottime_ns();
		peer->latest_cookie.is_valid = true;
		peer->latest_cookie.have_sent_mac1 = false;
		up_write(&peer->latest_cookie.lock);
	} else {
		net_dbg_ratelimited("%s: bad cookie reply from peer %llu\n",
				    xtun->dev->name, peer->internal_id);
	}

out:
	memzero_explicit(cookie, XTUN_COOKIE_SIZE);
	xtun_peer_put(peer);
}
