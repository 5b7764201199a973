// SPDX-License-Identifier: GPL-2.0
/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, as WireGuard uses it: creating and
 * consuming handshake messages, and deriving the session keys.
 */

#include <crypto/algapi.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "device.h"
#include "noise.h"
#include "peer.h"
#include "timers.h"

static const u8 xtun_handshake_name[37] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const u8 xtun_identifier_name[34] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
static u8 xtun_handshake_init_hash[XTUN_HASH_SIZE] __ro_after_init;
static u8 xtun_handshake_init_chaining_key[XTUN_HASH_SIZE] __ro_after_init;
static atomic64_t xtun_keypair_counter = ATOMIC64_INIT(0);

void __init xtun_noise_init(void)
{
	struct blake2s_state blake;

	blake2s(xtun_handshake_init_chaining_key, xtun_handshake_name, NULL,
		XTUN_HASH_SIZE, sizeof(xtun_handshake_name), 0);
	blake2s_init(&blake, XTUN_HASH_SIZE);
	blake2s_update(&blake, xtun_handshake_init_chaining_key, XTUN_HASH_SIZE);
	blake2s_update(&blake, xtun_identifier_name, sizeof(xtun_identifier_name));
	blake2s_final(&blake, xtun_handshake_init_hash);
}

/* HMAC (RFC 2104) over BLAKE2s; no kernel we support exports one. */
static void xtun_hmac(u8 *out, const u8 *in, const u8 *key, size_t inlen,
		      size_t keylen)
{
	u8 x_key[BLAKE2S_BLOCK_SIZE] __aligned(__alignof__(u32)) = { 0 };
	u8 i_hash[BLAKE2S_HASH_SIZE] __aligned(__alignof__(u32));
	struct blake2s_state state;
	int i;

	if (keylen > BLAKE2S_BLOCK_SIZE) {
		blake2s_init(&state, BLAKE2S_HASH_SIZE);
		blake2s_update(&state, key, keylen);
		blake2s_final(&state, x_key);
	} else {
		memcpy(x_key, key, keylen);
	}

	for (i = 0; i < BLAKE2S_BLOCK_SIZE; ++i)
		x_key[i] ^= 0x36;
	blake2s_init(&state, BLAKE2S_HASH_SIZE);
	blake2s_update(&state, x_key, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&state, in, inlen);
	blake2s_final(&state, i_hash);

	for (i = 0; i < BLAKE2S_BLOCK_SIZE; ++i)
		x_key[i] ^= 0x5c ^ 0x36;
	blake2s_init(&state, BLAKE2S_HASH_SIZE);
	blake2s_update(&state, x_key, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&state, i_hash, BLAKE2S_HASH_SIZE);
	blake2s_final(&state, i_hash);

	memcpy(out, i_hash, BLAKE2S_HASH_SIZE);
	memzero_explicit(x_key, BLAKE2S_BLOCK_SIZE);
	memzero_explicit(i_hash, BLAKE2S_HASH_SIZE);
}

/*
 * HKDF with HMAC-BLAKE2s: up to three 32-byte outputs from @chaining_key
 * and @data.  Outputs that are NULL are not computed.
 */
static void xtun_kdf(u8 *first_dst, u8 *second_dst, u8 *third_dst,
		     const u8 *data, size_t data_len,
		     const u8 chaining_key[XTUN_HASH_SIZE])
{
	u8 output[BLAKE2S_HASH_SIZE + 1];
	u8 secret[BLAKE2S_HASH_SIZE];

	xtun_hmac(secret, data, chaining_key, data_len, XTUN_HASH_SIZE);

	if (!first_dst)
		goto out;
	output[0] = 1;
	xtun_hmac(output, output, secret, 1, BLAKE2S_HASH_SIZE);
	memcpy(first_dst, output, BLAKE2S_HASH_SIZE);

	if (!second_dst)
		goto out;
	output[BLAKE2S_HASH_SIZE] = 2;
	xtun_hmac(output, output, secret, BLAKE2S_HASH_SIZE + 1,
		  BLAKE2S_HASH_SIZE);
	memcpy(second_dst, output, BLAKE2S_HASH_SIZE);

	if (!third_dst)
		goto out;
	output[BLAKE2S_HASH_SIZE] = 3;
	xtun_hmac(output, output, secret, BLAKE2S_HASH_SIZE + 1,
		  BLAKE2S_HASH_SIZE);
	memcpy(third_dst, output, BLAKE2S_HASH_SIZE);

out:
	memzero_explicit(secret, BLAKE2S_HASH_SIZE);
	memzero_explicit(output, BLAKE2S_HASH_SIZE + 1);
}

static void xtun_mix_hash(u8 hash[XTUN_HASH_SIZE], const u8 *src,
			  size_t src_len)
{
	struct blake2s_state blake;

	blake2s_init(&blake, XTUN_HASH_SIZE);
	blake2s_update(&blake, hash, XTUN_HASH_SIZE);
	blake2s_update(&blake, src, src_len);
	blake2s_final(&blake, hash);
}

/* ck, k = KDF2(ck, DH(private, public)); false for a low-order point. */
static bool __must_check xtun_mix_dh(u8 chaining_key[XTUN_HASH_SIZE],
				     u8 key[XTUN_KEY_SIZE],
				     const u8 private[XTUN_KEY_SIZE],
				     const u8 public[XTUN_KEY_SIZE])
{
	u8 dh_calculation[XTUN_KEY_SIZE];

	if (unlikely(!curve25519(dh_calculation, private, public)))
		return false;
	xtun_kdf(chaining_key, key, NULL, dh_calculation, XTUN_KEY_SIZE,
		 chaining_key);
	memzero_explicit(dh_calculation, XTUN_KEY_SIZE);
	return true;
}

static bool __must_check
xtun_mix_precomputed_dh(u8 chaining_key[XTUN_HASH_SIZE], u8 key[XTUN_KEY_SIZE],
			const u8 precomputed[XTUN_KEY_SIZE])
{
	static const u8 zero_point[XTUN_KEY_SIZE];

	if (unlikely(!crypto_memneq(precomputed, zero_point, XTUN_KEY_SIZE)))
		return false;
	xtun_kdf(chaining_key, key, NULL, precomputed, XTUN_KEY_SIZE,
		 chaining_key);
	return true;
}

static void xtun_mix_psk(u8 chaining_key[XTUN_HASH_SIZE],
			 u8 hash[XTUN_HASH_SIZE], u8 key[XTUN_KEY_SIZE],
			 const u8 psk[XTUN_KEY_SIZE])
{
	u8 temp_hash[XTUN_HASH_SIZE];

	xtun_kdf(chaining_key, temp_hash, key, psk, XTUN_KEY_SIZE,
		 chaining_key);
	xtun_mix_hash(hash, temp_hash, XTUN_HASH_SIZE);
	memzero_explicit(temp_hash, XTUN_HASH_SIZE);
}

static void xtun_handshake_start(u8 chaining_key[XTUN_HASH_SIZE],
				 u8 hash[XTUN_HASH_SIZE],
				 const u8 remote_static[XTUN_KEY_SIZE])
{
	memcpy(hash, xtun_handshake_init_hash, XTUN_HASH_SIZE);
	memcpy(chaining_key, xtun_handshake_init_chaining_key, XTUN_HASH_SIZE);
	xtun_mix_hash(hash, remote_static, XTUN_KEY_SIZE);
}

static void xtun_message_encrypt(u8 *dst, const u8 *src, size_t src_len,
				 u8 key[XTUN_KEY_SIZE], u8 hash[XTUN_HASH_SIZE])
{
	chacha20poly1305_encrypt(dst, src, src_len, hash, XTUN_HASH_SIZE, 0,
				 key);
	xtun_mix_hash(hash, dst, xtun_encrypted_len(src_len));
	memzero_explicit(key, XTUN_KEY_SIZE);
}

static bool xtun_message_decrypt(u8 *dst, const u8 *src, size_t src_len,
				 u8 key[XTUN_KEY_SIZE], u8 hash[XTUN_HASH_SIZE])
{
	if (!chacha20poly1305_decrypt(dst, src, src_len, hash, XTUN_HASH_SIZE,
				      0, key)) {
		memzero_explicit(key, XTUN_KEY_SIZE);
		return false;
	}
	memzero_explicit(key, XTUN_KEY_SIZE);
	xtun_mix_hash(hash, src, src_len);
	return true;
}

/* The ephemeral key goes in the clear, into the hash and the chain. */
static void xtun_message_ephemeral(u8 ephemeral_dst[XTUN_KEY_SIZE],
				   const u8 ephemeral_src[XTUN_KEY_SIZE],
				   u8 chaining_key[XTUN_HASH_SIZE],
				   u8 hash[XTUN_HASH_SIZE])
{
	if (ephemeral_dst != ephemeral_src)
		memcpy(ephemeral_dst, ephemeral_src, XTUN_KEY_SIZE);
	xtun_mix_hash(hash, ephemeral_src, XTUN_KEY_SIZE);
	xtun_kdf(chaining_key, NULL, NULL, ephemeral_src, XTUN_KEY_SIZE,
		 chaining_key);
}

/*
 * TAI64N, with the nanoseconds rounded down so the timestamp does not
 * reveal a fine-grained clock; still finer than the initiation rate limit.
 */
static void xtun_tai64n_now(u8 output[XTUN_TIMESTAMP_SIZE])
{
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	now.tv_nsec = ALIGN_DOWN(now.tv_nsec,
				 rounddown_pow_of_two(NSEC_PER_SEC /
						      XTUN_INITIATIONS_PER_SECOND));
	*(__be64 *)output = cpu_to_be64(0x400000000000000aULL + now.tv_sec);
	*(__be32 *)(output + sizeof(__be64)) = cpu_to_be32(now.tv_nsec);
}

void xtun_noise_handshake_init(struct xtun_handshake *handshake,
			       struct xtun_static_identity *static_identity,
			       const u8 peer_public_key[XTUN_KEY_SIZE],
			       const u8 peer_preshared_key[XTUN_KEY_SIZE],
			       struct xtun_peer *peer)
{
	memset(handshake, 0, sizeof(*handshake));
	init_rwsem(&handshake->lock);
	handshake->entry.type = XTUN_INDEX_HANDSHAKE;
	handshake->entry.peer = peer;
	memcpy(handshake->remote_static, peer_public_key, XTUN_KEY_SIZE);
	if (peer_preshared_key)
		memcpy(handshake->preshared_key, peer_preshared_key,
		       XTUN_KEY_SIZE);
	handshake->static_identity = static_identity;
	handshake->state = XTUN_HANDSHAKE_ZEROED;
	/*
	 * No X25519 here: generation 0 is stale for every private key, so the
	 * first handshake computes the static-static value (and all zero is
	 * right while no key was ever set).  Adding N peers costs no N
	 * scalar multiplications, most of what configuring them took.
	 */
}

static void xtun_handshake_zero(struct xtun_handshake *handshake)
{
	memzero_explicit(handshake->ephemeral_private, XTUN_KEY_SIZE);
	memzero_explicit(handshake->remote_ephemeral, XTUN_KEY_SIZE);
	memzero_explicit(handshake->hash, XTUN_HASH_SIZE);
	memzero_explicit(handshake->chaining_key, XTUN_HASH_SIZE);
	handshake->remote_index = 0;
	handshake->state = XTUN_HANDSHAKE_ZEROED;
}

void xtun_noise_handshake_clear(struct xtun_handshake *handshake)
{
	struct xtun_device *xtun = handshake->entry.peer->device;

	xtun_index_remove(xtun->index_table, &handshake->entry);
	down_write(&handshake->lock);
	xtun_handshake_zero(handshake);
	up_write(&handshake->lock);
	xtun_index_remove(xtun->index_table, &handshake->entry);
}

#ifdef XTUN_DEBUG
/*
 * The debug build can hold each peer of a private-key change this long,
 * so that a selftest can start a handshake or take the device down while
 * the change is under way (races.sh).
 */
static unsigned int key_change_delay_ms;
module_param(key_change_delay_ms, uint, 0644);
MODULE_PARM_DESC(key_change_delay_ms,
		 "debug build: hold each peer of a private-key change this long");

static void xtun_noise_key_change_delay(void)
{
	unsigned int ms = READ_ONCE(key_change_delay_ms);

	if (ms)
		msleep(ms);
}
#else
static void xtun_noise_key_change_delay(void) { }
#endif

/*
 * Bring the static-static value up to the identity's generation.  Called
 * with the identity's lock held for reading, or by the only writer of the
 * identity, and the handshake's lock held for writing.
 */
static void xtun_refresh_static_static(struct xtun_handshake *handshake)
{
	struct xtun_static_identity *identity = handshake->static_identity;

	if (likely(handshake->static_static_generation == identity->generation))
		return;
	if (!identity->has_identity ||
	    !curve25519(handshake->precomputed_static_static,
			identity->static_private, handshake->remote_static))
		memset(handshake->precomputed_static_static, 0, XTUN_KEY_SIZE);
	handshake->static_static_generation = identity->generation;
}

/**
 * xtun_noise_rekey_peer() - one peer's part of a new private key
 * @peer: a peer of the device whose identity just changed
 *
 * Its sessions, made with the old key, expire.  Its static-static value is
 * already stale by the identity's generation: the next handshake computes
 * it, so a key change costs no X25519 per peer.
 *
 * Return: whether a current session expired.
 */
bool xtun_noise_rekey_peer(struct xtun_peer *peer)
{
	bool expired;

	lockdep_assert_held(&peer->device->update_lock);
	expired = xtun_noise_expire_current_peer_keypairs(peer);
	xtun_noise_key_change_delay();
	return expired;
}

/*
 * The public keys of small order, on the curve or on its twist, little
 * endian: 0, 1, the two points of order 8, p - 1, and p and p + 1, which
 * encode 0 and 1 again.  The curve's points of order dividing 8 and the
 * twist's of order dividing 4 have these five u-coordinates; no other
 * value below 2^255 is congruent to one of them.  Bit 255 is not part of
 * the encoding (RFC 7748).
 */
static const u8 xtun_low_order_keys[][XTUN_KEY_SIZE] = {
	{ 0x00 },
	{ 0x01 },
	{ 0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
	  0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
	  0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00 },
	{ 0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1,
	  0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c,
	  0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57 },
	{ 0xec, [1 ... 30] = 0xff, 0x7f },
	{ 0xed, [1 ... 30] = 0xff, 0x7f },
	{ 0xee, [1 ... 30] = 0xff, 0x7f },
};

/*
 * A public key of small order gives the all-zero shared secret with every
 * private key: clamping makes each private key a multiple of the cofactor
 * and of none of the large prime orders.  Such a peer can never complete a
 * handshake, and each attempt would cost Curve25519 for nothing.  Looked up
 * in the list above rather than decided by a scalar multiplication, which
 * would double what adding a peer costs (the self-test compares the two).
 */
bool xtun_noise_public_key_is_low_order(const u8 public_key[XTUN_KEY_SIZE])
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtun_low_order_keys); i++)
		if (!memcmp(public_key, xtun_low_order_keys[i],
			    XTUN_KEY_SIZE - 1) &&
		    (public_key[XTUN_KEY_SIZE - 1] & 0x7f) ==
		    xtun_low_order_keys[i][XTUN_KEY_SIZE - 1])
			return true;
	return false;
}

/*
 * Under the identity's lock for writing; NULL takes the identity away.
 * Every peer's static-static value is stale after this.
 */
void xtun_noise_set_static_identity_private_key(struct xtun_static_identity *static_identity,
						const u8 private_key[XTUN_KEY_SIZE])
{
	if (private_key) {
		memcpy(static_identity->static_private, private_key,
		       XTUN_KEY_SIZE);
		curve25519_clamp_secret(static_identity->static_private);
		static_identity->has_identity =
			curve25519_generate_public(static_identity->static_public,
						   private_key);
	} else {
		memzero_explicit(static_identity->static_private, XTUN_KEY_SIZE);
		memzero_explicit(static_identity->static_public, XTUN_KEY_SIZE);
		static_identity->has_identity = false;
	}
	static_identity->generation++;
}

void xtun_noise_set_preshared_key(struct xtun_handshake *handshake,
				  const u8 preshared_key[XTUN_KEY_SIZE])
{
	down_write(&handshake->lock);
	memcpy(handshake->preshared_key, preshared_key, XTUN_KEY_SIZE);
	up_write(&handshake->lock);
}

bool xtun_noise_handshake_create_initiation(struct xtun_msg_initiation *dst,
					    struct xtun_handshake *handshake)
{
	u8 timestamp[XTUN_TIMESTAMP_SIZE];
	u8 key[XTUN_KEY_SIZE];
	bool ret = false;

	down_read(&handshake->static_identity->lock);
	down_write(&handshake->lock);

	if (unlikely(!handshake->static_identity->has_identity))
		goto out;

	dst->header.type = cpu_to_le32(XTUN_MSG_HANDSHAKE_INITIATION);
	xtun_handshake_start(handshake->chaining_key, handshake->hash,
			     handshake->remote_static);

	/* e */
	curve25519_generate_secret(handshake->ephemeral_private);
	if (!curve25519_generate_public(dst->unencrypted_ephemeral,
					handshake->ephemeral_private))
		goto out;
	xtun_message_ephemeral(dst->unencrypted_ephemeral,
			       dst->unencrypted_ephemeral,
			       handshake->chaining_key, handshake->hash);

	/* es */
	if (!xtun_mix_dh(handshake->chaining_key, key,
			 handshake->ephemeral_private, handshake->remote_static))
		goto out;

	/* s */
	xtun_message_encrypt(dst->encrypted_static,
			     handshake->static_identity->static_public,
			     XTUN_KEY_SIZE, key, handshake->hash);

	/* ss */
	xtun_refresh_static_static(handshake);
	if (!xtun_mix_precomputed_dh(handshake->chaining_key, key,
				     handshake->precomputed_static_static))
		goto out;

	/* {t} */
	xtun_tai64n_now(timestamp);
	xtun_message_encrypt(dst->encrypted_timestamp, timestamp,
			     XTUN_TIMESTAMP_SIZE, key, handshake->hash);

	dst->sender_index = xtun_index_insert(handshake->entry.peer->device->index_table,
					      &handshake->entry);
	handshake->state = XTUN_HANDSHAKE_CREATED_INITIATION;
	ret = true;

out:
	up_write(&handshake->lock);
	up_read(&handshake->static_identity->lock);
	memzero_explicit(key, XTUN_KEY_SIZE);
	return ret;
}

/* Peers are found by the static key the initiator sent, under RCU. */
static struct xtun_peer *xtun_noise_lookup_peer(struct xtun_device *xtun,
						const u8 public_key[XTUN_KEY_SIZE])
{
	struct xtun_peer *peer;

	rcu_read_lock_bh();
	peer = xtun_peer_get_maybe_zero(xtun_peer_lookup(xtun, public_key));
	rcu_read_unlock_bh();
	return peer;
}

struct xtun_peer *
xtun_noise_handshake_consume_initiation(struct xtun_msg_initiation *src,
					struct xtun_device *xtun)
{
	struct xtun_static_identity *identity = &xtun->static_identity;
	u8 chaining_key[XTUN_HASH_SIZE], hash[XTUN_HASH_SIZE];
	u8 s[XTUN_KEY_SIZE], e[XTUN_KEY_SIZE];
	u8 t[XTUN_TIMESTAMP_SIZE];
	struct xtun_handshake *handshake;
	struct xtun_peer *peer = NULL;
	u8 key[XTUN_KEY_SIZE];
	bool replay, flood;
	u64 initiation_consumption;

	down_read(&identity->lock);
	if (unlikely(!identity->has_identity))
		goto out;

	xtun_handshake_start(chaining_key, hash, identity->static_public);

	/* e */
	xtun_message_ephemeral(e, src->unencrypted_ephemeral, chaining_key,
			       hash);

	/* es */
	if (!xtun_mix_dh(chaining_key, key, identity->static_private, e))
		goto out;

	/* s */
	if (!xtun_message_decrypt(s, src->encrypted_static,
				  sizeof(src->encrypted_static), key, hash))
		goto out;

	peer = xtun_noise_lookup_peer(xtun, s);
	if (!peer)
		goto out;
	handshake = &peer->handshake;

	/* ss */
	down_write(&handshake->lock);
	xtun_refresh_static_static(handshake);
	if (!xtun_mix_precomputed_dh(chaining_key, key,
				     handshake->precomputed_static_static)) {
		up_write(&handshake->lock);
		goto out_put_peer;
	}
	up_write(&handshake->lock);

	/* {t} */
	if (!xtun_message_decrypt(t, src->encrypted_timestamp,
				  sizeof(src->encrypted_timestamp), key, hash))
		goto out_put_peer;

	down_read(&handshake->lock);
	replay = memcmp(t, handshake->latest_timestamp,
			XTUN_TIMESTAMP_SIZE) <= 0;
	flood = READ_ONCE(handshake->last_initiation_consumption) +
		NSEC_PER_SEC / XTUN_INITIATIONS_PER_SECOND >
		ktime_get_coarse_boottime_ns();
	up_read(&handshake->lock);
	if (replay || flood)
		goto out_put_peer;

	/* Success: remember the state for the response. */
	down_write(&handshake->lock);
	memcpy(handshake->remote_ephemeral, e, XTUN_KEY_SIZE);
	if (memcmp(t, handshake->latest_timestamp, XTUN_TIMESTAMP_SIZE) > 0)
		memcpy(handshake->latest_timestamp, t, XTUN_TIMESTAMP_SIZE);
	memcpy(handshake->hash, hash, XTUN_HASH_SIZE);
	memcpy(handshake->chaining_key, chaining_key, XTUN_HASH_SIZE);
	handshake->remote_index = src->sender_index;
	initiation_consumption = ktime_get_coarse_boottime_ns();
	if ((s64)(handshake->last_initiation_consumption -
		  initiation_consumption) < 0)
		handshake->last_initiation_consumption = initiation_consumption;
	handshake->state = XTUN_HANDSHAKE_CONSUMED_INITIATION;
	up_write(&handshake->lock);
	goto out;

out_put_peer:
	xtun_peer_put(peer);
	peer = NULL;
out:
	memzero_explicit(key, XTUN_KEY_SIZE);
	memzero_explicit(hash, XTUN_HASH_SIZE);
	memzero_explicit(chaining_key, XTUN_HASH_SIZE);
	up_read(&identity->lock);
	return peer;
}

bool xtun_noise_handshake_create_response(struct xtun_msg_response *dst,
					  struct xtun_handshake *handshake)
{
	u8 key[XTUN_KEY_SIZE];
	bool ret = false;

	down_read(&handshake->static_identity->lock);
	down_write(&handshake->lock);

	if (handshake->state != XTUN_HANDSHAKE_CONSUMED_INITIATION)
		goto out;

	dst->header.type = cpu_to_le32(XTUN_MSG_HANDSHAKE_RESPONSE);
	dst->receiver_index = handshake->remote_index;

	/* e */
	curve25519_generate_secret(handshake->ephemeral_private);
	if (!curve25519_generate_public(dst->unencrypted_ephemeral,
					handshake->ephemeral_private))
		goto out;
	xtun_message_ephemeral(dst->unencrypted_ephemeral,
			       dst->unencrypted_ephemeral,
			       handshake->chaining_key, handshake->hash);

	/* ee */
	if (!xtun_mix_dh(handshake->chaining_key, NULL,
			 handshake->ephemeral_private,
			 handshake->remote_ephemeral))
		goto out;

	/* se */
	if (!xtun_mix_dh(handshake->chaining_key, NULL,
			 handshake->ephemeral_private, handshake->remote_static))
		goto out;

	/* psk */
	xtun_mix_psk(handshake->chaining_key, handshake->hash, key,
		     handshake->preshared_key);

	/* {} */
	xtun_message_encrypt(dst->encrypted_nothing, NULL, 0, key,
			     handshake->hash);

	dst->sender_index = xtun_index_insert(handshake->entry.peer->device->index_table,
					      &handshake->entry);
	handshake->state = XTUN_HANDSHAKE_CREATED_RESPONSE;
	ret = true;

out:
	up_write(&handshake->lock);
	up_read(&handshake->static_identity->lock);
	memzero_explicit(key, XTUN_KEY_SIZE);
	return ret;
}

struct xtun_peer *
xtun_noise_handshake_consume_response(struct xtun_msg_response *src,
				      struct xtun_device *xtun)
{
	struct xtun_static_identity *identity = &xtun->static_identity;
	u8 preshared_key[XTUN_KEY_SIZE], ephemeral_private[XTUN_KEY_SIZE];
	u8 chaining_key[XTUN_HASH_SIZE], hash[XTUN_HASH_SIZE];
	u8 static_private[XTUN_KEY_SIZE];
	struct xtun_handshake *handshake;
	enum xtun_handshake_state state;
	struct xtun_peer *peer = NULL;
	u8 key[XTUN_KEY_SIZE];
	u8 e[XTUN_KEY_SIZE];

	down_read(&identity->lock);
	if (unlikely(!identity->has_identity))
		goto out;

	handshake = (struct xtun_handshake *)
		xtun_index_lookup(xtun->index_table, XTUN_INDEX_HANDSHAKE,
				  src->receiver_index, &peer);
	if (unlikely(!handshake))
		goto out;

	/* Work on copies so a bad response leaves the handshake as it was. */
	down_read(&handshake->lock);
	state = handshake->state;
	memcpy(hash, handshake->hash, XTUN_HASH_SIZE);
	memcpy(chaining_key, handshake->chaining_key, XTUN_HASH_SIZE);
	memcpy(ephemeral_private, handshake->ephemeral_private, XTUN_KEY_SIZE);
	memcpy(preshared_key, handshake->preshared_key, XTUN_KEY_SIZE);
	up_read(&handshake->lock);
	memcpy(static_private, identity->static_private, XTUN_KEY_SIZE);

	if (state != XTUN_HANDSHAKE_CREATED_INITIATION)
		goto fail;

	/* e */
	xtun_message_ephemeral(e, src->unencrypted_ephemeral, chaining_key,
			       hash);

	/* ee */
	if (!xtun_mix_dh(chaining_key, NULL, ephemeral_private, e))
		goto fail;

	/* se */
	if (!xtun_mix_dh(chaining_key, NULL, static_private, e))
		goto fail;

	/* psk */
	xtun_mix_psk(chaining_key, hash, key, preshared_key);

	/* {} */
	if (!xtun_message_decrypt(NULL, src->encrypted_nothing,
				  sizeof(src->encrypted_nothing), key, hash))
		goto fail;

	/* Only the first valid response for this initiation counts. */
	down_write(&handshake->lock);
	if (handshake->state != state) {
		up_write(&handshake->lock);
		goto fail;
	}
	memcpy(handshake->remote_ephemeral, e, XTUN_KEY_SIZE);
	memcpy(handshake->hash, hash, XTUN_HASH_SIZE);
	memcpy(handshake->chaining_key, chaining_key, XTUN_HASH_SIZE);
	handshake->remote_index = src->sender_index;
	handshake->state = XTUN_HANDSHAKE_CONSUMED_RESPONSE;
	up_write(&handshake->lock);
	goto out;

fail:
	xtun_peer_put(peer);
	peer = NULL;
out:
	memzero_explicit(key, XTUN_KEY_SIZE);
	memzero_explicit(hash, XTUN_HASH_SIZE);
	memzero_explicit(chaining_key, XTUN_HASH_SIZE);
	memzero_explicit(ephemeral_private, XTUN_KEY_SIZE);
	memzero_explicit(static_private, XTUN_KEY_SIZE);
	memzero_explicit(preshared_key, XTUN_KEY_SIZE);
	up_read(&identity->lock);
	return peer;
}

static void xtun_keypair_free_rcu(struct rcu_head *rcu)
{
	kfree_sensitive(container_of(rcu, struct xtun_keypair, rcu));
}

static void xtun_keypair_free_kref(struct kref *kref)
{
	struct xtun_keypair *keypair =
		container_of(kref, struct xtun_keypair, refcount);

	xtun_index_remove(keypair->entry.peer->device->index_table,
			  &keypair->entry);
	call_rcu(&keypair->rcu, xtun_keypair_free_rcu);
}

/*
 * Drop a reference.  @unreference_now also takes the keypair out of the
 * index table at once, so that no new packet finds it.
 */
void xtun_noise_keypair_put(struct xtun_keypair *keypair, bool unreference_now)
{
	if (unlikely(!keypair))
		return;
	if (unlikely(unreference_now))
		xtun_index_remove(keypair->entry.peer->device->index_table,
				  &keypair->entry);
	kref_put(&keypair->refcount, xtun_keypair_free_kref);
}

struct xtun_keypair *xtun_noise_keypair_get(struct xtun_keypair *keypair)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_bh_held(),
			 "taking a keypair reference outside of RCU");
	if (unlikely(!keypair || !kref_get_unless_zero(&keypair->refcount)))
		return NULL;
	return keypair;
}

static struct xtun_keypair *xtun_keypair_create(struct xtun_peer *peer)
{
	struct xtun_keypair *keypair = kzalloc(sizeof(*keypair), GFP_KERNEL);

	if (unlikely(!keypair))
		return NULL;
	xtun_replay_init(&keypair->replay);
	keypair->internal_id = atomic64_inc_return(&xtun_keypair_counter);
	keypair->entry.type = XTUN_INDEX_KEYPAIR;
	keypair->entry.peer = peer;
	kref_init(&keypair->refcount);
	return keypair;
}

static struct xtun_keypair *
xtun_keypair_deref(struct xtun_keypair __rcu *slot,
		   struct xtun_keypairs *keypairs)
{
	return rcu_dereference_protected(slot,
		lockdep_is_held(&keypairs->keypair_update_lock));
}

/* Forget every session; returns true when there was a current one. */
bool xtun_noise_keypairs_clear(struct xtun_keypairs *keypairs)
{
	struct xtun_keypair *old;
	bool had_session;

	spin_lock_bh(&keypairs->keypair_update_lock);

	/* Cleared one by one so a racing reader never sees a freed slot. */
	old = xtun_keypair_deref(keypairs->previous_keypair, keypairs);
	RCU_INIT_POINTER(keypairs->previous_keypair, NULL);
	xtun_noise_keypair_put(old, true);

	old = xtun_keypair_deref(keypairs->next_keypair, keypairs);
	RCU_INIT_POINTER(keypairs->next_keypair, NULL);
	xtun_noise_keypair_put(old, true);

	old = xtun_keypair_deref(keypairs->current_keypair, keypairs);
	RCU_INIT_POINTER(keypairs->current_keypair, NULL);
	had_session = old;
	xtun_noise_keypair_put(old, true);

	spin_unlock_bh(&keypairs->keypair_update_lock);
	return had_session;
}

/*
 * Stop sending with the current sessions; a new handshake will follow.
 * Returns true when the peer had a session to send with.
 */
bool xtun_noise_expire_current_peer_keypairs(struct xtun_peer *peer)
{
	struct xtun_keypair *keypair;
	bool had_session = false;

	xtun_noise_handshake_clear(&peer->handshake);
	xtun_reset_last_sent_handshake(&peer->last_sent_handshake);

	spin_lock_bh(&peer->keypairs.keypair_update_lock);
	keypair = xtun_keypair_deref(peer->keypairs.next_keypair,
				     &peer->keypairs);
	/* Senders read is_valid without the lock. */
	if (keypair)
		WRITE_ONCE(keypair->sending.is_valid, false);
	keypair = xtun_keypair_deref(peer->keypairs.current_keypair,
				     &peer->keypairs);
	if (keypair) {
		had_session = keypair->sending.is_valid;
		WRITE_ONCE(keypair->sending.is_valid, false);
	}
	spin_unlock_bh(&peer->keypairs.keypair_update_lock);
	return had_session;
}

static void xtun_add_new_keypair(struct xtun_keypairs *keypairs,
				 struct xtun_keypair *new_keypair)
{
	struct xtun_keypair *previous, *next, *current_keypair;

	spin_lock_bh(&keypairs->keypair_update_lock);
	previous = xtun_keypair_deref(keypairs->previous_keypair, keypairs);
	next = xtun_keypair_deref(keypairs->next_keypair, keypairs);
	current_keypair = xtun_keypair_deref(keypairs->current_keypair,
					     keypairs);

	if (new_keypair->i_am_initiator) {
		/*
		 * The initiator has key confirmation (the response) and uses
		 * the new session at once.  An unconfirmed next session of
		 * ours becomes "previous", as it may still carry packets.
		 */
		if (next) {
			RCU_INIT_POINTER(keypairs->next_keypair, NULL);
			rcu_assign_pointer(keypairs->previous_keypair, next);
			xtun_noise_keypair_put(current_keypair, true);
		} else {
			rcu_assign_pointer(keypairs->previous_keypair,
					   current_keypair);
		}
		xtun_noise_keypair_put(previous, true);
		rcu_assign_pointer(keypairs->current_keypair, new_keypair);
	} else {
		/*
		 * The responder waits for the initiator's first data
		 * message before it sends with the new session.
		 */
		rcu_assign_pointer(keypairs->next_keypair, new_keypair);
		xtun_noise_keypair_put(next, true);
		RCU_INIT_POINTER(keypairs->previous_keypair, NULL);
		xtun_noise_keypair_put(previous, true);
	}
	spin_unlock_bh(&keypairs->keypair_update_lock);
}

/*
 * A data message decrypted with @received_keypair.  If that is the next
 * session, the initiator has confirmed it: make it current.  Returns true
 * when that happened.
 */
bool xtun_noise_received_with_keypair(struct xtun_keypairs *keypairs,
				      struct xtun_keypair *received_keypair)
{
	struct xtun_keypair *old_keypair;
	bool key_is_new;

	/* Fast path without the lock, for every packet but one. */
	key_is_new = received_keypair ==
		     rcu_access_pointer(keypairs->next_keypair);
	if (likely(!key_is_new))
		return false;

	spin_lock_bh(&keypairs->keypair_update_lock);
	if (unlikely(received_keypair !=
		     xtun_keypair_deref(keypairs->next_keypair, keypairs))) {
		spin_unlock_bh(&keypairs->keypair_update_lock);
		return false;
	}

	old_keypair = xtun_keypair_deref(keypairs->previous_keypair, keypairs);
	rcu_assign_pointer(keypairs->previous_keypair,
			   xtun_keypair_deref(keypairs->current_keypair,
					      keypairs));
	xtun_noise_keypair_put(old_keypair, true);
	rcu_assign_pointer(keypairs->current_keypair, received_keypair);
	RCU_INIT_POINTER(keypairs->next_keypair, NULL);

	spin_unlock_bh(&keypairs->keypair_update_lock);
	return true;
}

static void xtun_derive_keys(struct xtun_symmetric_key *first_dst,
			     struct xtun_symmetric_key *second_dst,
			     const u8 chaining_key[XTUN_HASH_SIZE])
{
	u64 birthdate = ktime_get_coarse_boottime_ns();

	xtun_kdf(first_dst->key, second_dst->key, NULL, NULL, 0, chaining_key);
	first_dst->birthdate = birthdate;
	second_dst->birthdate = birthdate;
	first_dst->is_valid = true;
	second_dst->is_valid = true;
}

#ifdef XTUN_DEBUG
/*
 * The debug build can take the next handshake that begins a session out
 * of the index table just before, as a clear racing it would: races.sh
 * sets this to 1, and the next session to begin sets it back to 0.
 */
static unsigned int clear_before_begin_session;
module_param(clear_before_begin_session, uint, 0644);
MODULE_PARM_DESC(clear_before_begin_session,
		 "debug build: a racing clear takes the next session's index");

static void xtun_noise_race_clear(struct xtun_handshake *handshake)
{
	if (READ_ONCE(clear_before_begin_session) &&
	    xchg(&clear_before_begin_session, 0))
		xtun_index_remove(handshake->entry.peer->device->index_table,
				  &handshake->entry);
}
#else
static void xtun_noise_race_clear(struct xtun_handshake *handshake) { }
#endif

bool xtun_noise_handshake_begin_session(struct xtun_handshake *handshake,
					struct xtun_keypairs *keypairs)
{
	struct xtun_keypair *new_keypair;
	bool ret = false;

	down_write(&handshake->lock);
	if (handshake->state != XTUN_HANDSHAKE_CREATED_RESPONSE &&
	    handshake->state != XTUN_HANDSHAKE_CONSUMED_RESPONSE)
		goto out;

	new_keypair = xtun_keypair_create(handshake->entry.peer);
	if (!new_keypair)
		goto out;
	new_keypair->i_am_initiator =
		handshake->state == XTUN_HANDSHAKE_CONSUMED_RESPONSE;
	new_keypair->remote_index = handshake->remote_index;

	if (new_keypair->i_am_initiator)
		xtun_derive_keys(&new_keypair->sending, &new_keypair->receiving,
				 handshake->chaining_key);
	else
		xtun_derive_keys(&new_keypair->receiving, &new_keypair->sending,
				 handshake->chaining_key);

	xtun_handshake_zero(handshake);
	xtun_noise_race_clear(handshake);
	rcu_read_lock_bh();
	/*
	 * The session takes over the handshake's receiver index.  If the
	 * handshake lost its index meanwhile (a concurrent clear), the peer
	 * could never reach this session: it must not be installed, and as
	 * nothing published it, it can be freed at once.
	 */
	if (likely(!READ_ONCE(handshake->entry.peer->is_dead)) &&
	    likely(xtun_index_replace(handshake->entry.peer->device->index_table,
				      &handshake->entry, &new_keypair->entry))) {
		xtun_add_new_keypair(keypairs, new_keypair);
		ret = true;
	} else {
		kfree_sensitive(new_keypair);
	}
	rcu_read_unlock_bh();

out:
	up_write(&handshake->lock);
	return ret;
}
