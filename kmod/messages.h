/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The WireGuard v1 wire format and protocol constants, as published in the
 * WireGuard paper (sections 5.4 and 6) and used unchanged by xtun so that
 * xtun and WireGuard peers talk to each other.
 */
#ifndef _XTUN_MESSAGES_H
#define _XTUN_MESSAGES_H

#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/param.h>
#include <linux/skbuff.h>

enum xtun_noise_lengths {
	XTUN_KEY_SIZE = CURVE25519_KEY_SIZE,
	XTUN_HASH_SIZE = BLAKE2S_HASH_SIZE,
	XTUN_AEAD_TAG_SIZE = CHACHA20POLY1305_AUTHTAG_SIZE,
	XTUN_TIMESTAMP_SIZE = 12,	/* TAI64N */
};

#define xtun_encrypted_len(plain_len) ((plain_len) + XTUN_AEAD_TAG_SIZE)

enum xtun_cookie_lengths {
	XTUN_COOKIE_SIZE = 16,
	XTUN_COOKIE_NONCE_SIZE = XCHACHA20POLY1305_NONCE_SIZE,
};

/* Protocol constants, named as in the paper. */
#define XTUN_REKEY_AFTER_MESSAGES	BIT_ULL(60)
#define XTUN_REJECT_AFTER_MESSAGES	(U64_MAX - XTUN_COUNTER_WINDOW - 1)
#define XTUN_REKEY_TIMEOUT		5	/* seconds */
#define XTUN_REKEY_TIMEOUT_JITTER_MS	334
#define XTUN_KEEPALIVE_TIMEOUT		10
#define XTUN_REKEY_AFTER_TIME		120
#define XTUN_REJECT_AFTER_TIME		180
#define XTUN_REKEY_ATTEMPT_TIME		90
#define XTUN_INITIATIONS_PER_SECOND	50
#define XTUN_MAX_PEERS_PER_DEVICE	BIT(20)
#define XTUN_MAX_TIMER_HANDSHAKES	(XTUN_REKEY_ATTEMPT_TIME / XTUN_REKEY_TIMEOUT)
#define XTUN_MAX_STAGED_PACKETS		128
#define XTUN_MAX_QUEUED_HANDSHAKES	4096
#define XTUN_COOKIE_SECRET_MAX_AGE	120
#define XTUN_COOKIE_SECRET_LATENCY	5

/* Replay window: a 8192-bit ring, of which one 64-bit word is in flux. */
#define XTUN_COUNTER_BITS_TOTAL		8192
#define XTUN_COUNTER_WINDOW		(XTUN_COUNTER_BITS_TOTAL - BITS_PER_LONG)

#define XTUN_MESSAGE_PADDING		16

enum xtun_message_type {
	XTUN_MSG_INVALID = 0,
	XTUN_MSG_HANDSHAKE_INITIATION = 1,
	XTUN_MSG_HANDSHAKE_RESPONSE = 2,
	XTUN_MSG_HANDSHAKE_COOKIE = 3,
	XTUN_MSG_DATA = 4,
};

/* The type is one byte followed by three reserved zero bytes: a le32. */
struct xtun_msg_header {
	__le32 type;
};

struct xtun_msg_macs {
	u8 mac1[XTUN_COOKIE_SIZE];
	u8 mac2[XTUN_COOKIE_SIZE];
};

struct xtun_msg_initiation {
	struct xtun_msg_header header;
	__le32 sender_index;
	u8 unencrypted_ephemeral[XTUN_KEY_SIZE];
	u8 encrypted_static[xtun_encrypted_len(XTUN_KEY_SIZE)];
	u8 encrypted_timestamp[xtun_encrypted_len(XTUN_TIMESTAMP_SIZE)];
	struct xtun_msg_macs macs;
};

struct xtun_msg_response {
	struct xtun_msg_header header;
	__le32 sender_index;
	__le32 receiver_index;
	u8 unencrypted_ephemeral[XTUN_KEY_SIZE];
	u8 encrypted_nothing[xtun_encrypted_len(0)];
	struct xtun_msg_macs macs;
};

struct xtun_msg_cookie {
	struct xtun_msg_header header;
	__le32 receiver_index;
	u8 nonce[XTUN_COOKIE_NONCE_SIZE];
	u8 encrypted_cookie[xtun_encrypted_len(XTUN_COOKIE_SIZE)];
};

struct xtun_msg_data {
	struct xtun_msg_header header;
	__le32 key_idx;
	__le64 counter;
	u8 encrypted_data[];
};

#define XTUN_DATA_MIN_LEN	(sizeof(struct xtun_msg_data) + \
				 xtun_encrypted_len(0))

static_assert(sizeof(struct xtun_msg_initiation) == 148);
static_assert(sizeof(struct xtun_msg_response) == 92);
static_assert(sizeof(struct xtun_msg_cookie) == 64);
static_assert(sizeof(struct xtun_msg_data) == 16);

#endif /* _XTUN_MESSAGES_H */
