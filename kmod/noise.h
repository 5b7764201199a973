/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise_IKpsk2 handshake and the session keys it yields.
 */
#ifndef _XTUN_NOISE_H
#define _XTUN_NOISE_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>

#include "index.h"
#include "messages.h"
#include "replay.h"

struct xtun_device;
struct xtun_peer;

struct xtun_symmetric_key {
	u8 key[XTUN_KEY_SIZE];
	u64 birthdate;		/* ktime_get_coarse_boottime_ns() */
	bool is_valid;
};

/**
 * struct xtun_keypair - the transport keys of one session
 * @entry: our receiver index for this session, in the device's index table
 * @sending: the key we encrypt with, its birth time and whether it may
 *	still be used (senders read @sending.is_valid without a lock)
 * @sending_counter: next counter (nonce) to send; read by every sender
 * @receiving: the key we decrypt with, likewise
 * @replay: counters received so far
 * @refcount: the peer's slot holds one reference, every packet in flight
 *	with the session another
 * @rcu: the last reference frees the keypair after a grace period
 * @i_am_initiator: we sent the initiation; only the initiator rekeys by time
 * @remote_index: the peer's receiver index, put in every data message
 * @internal_id: distinguishes sessions in logs
 */
struct xtun_keypair {
	struct xtun_index_entry entry;
	struct xtun_symmetric_key sending;
	atomic64_t sending_counter;
	struct xtun_symmetric_key receiving;
	struct xtun_replay replay;
	struct kref refcount;
	struct rcu_head rcu;
	u64 internal_id;
	__le32 remote_index;
	bool i_am_initiator;
};

/**
 * struct xtun_keypairs - a peer's session slots
 * @current_keypair: used for sending
 * @previous_keypair: still accepted for receiving, after a rekey
 * @next_keypair: a responder's new session, promoted when the initiator
 *	first uses it (key confirmation)
 * @keypair_update_lock: serialises changes of the slots; readers use RCU
 */
struct xtun_keypairs {
	struct xtun_keypair __rcu *current_keypair;
	struct xtun_keypair __rcu *previous_keypair;
	struct xtun_keypair __rcu *next_keypair;
	spinlock_t keypair_update_lock;	/* the three slots */
};

/**
 * struct xtun_static_identity - the device's own key pair
 * @static_public: our public key, derived from @static_private
 * @static_private: our private key, as configured
 * @lock: readers are handshakes in progress, the writer is SET_DEVICE
 * @generation: counts changes of the key pair (under @lock for writing):
 *	a peer's static-static value is of the key pair it names
 * @has_identity: a private key is configured; without one no handshake
 *	is made or answered
 */
struct xtun_static_identity {
	u8 static_public[XTUN_KEY_SIZE];
	u8 static_private[XTUN_KEY_SIZE];
	struct rw_semaphore lock;
	u64 generation;
	bool has_identity;
};

enum xtun_handshake_state {
	XTUN_HANDSHAKE_ZEROED,
	XTUN_HANDSHAKE_CREATED_INITIATION,
	XTUN_HANDSHAKE_CONSUMED_INITIATION,
	XTUN_HANDSHAKE_CREATED_RESPONSE,
	XTUN_HANDSHAKE_CONSUMED_RESPONSE,
};

/**
 * struct xtun_handshake - a peer's handshake in progress
 * @entry: our receiver index for the handshake, in the device's index
 *	table; the session it begins takes it over
 * @static_identity: the device's key pair
 * @state: how far the handshake got; XTUN_HANDSHAKE_ZEROED when none
 * @last_initiation_consumption: boottime ns, for the initiation rate limit
 * @ephemeral_private: our ephemeral private key for this handshake
 * @remote_static: the peer's public key, which identifies it
 * @remote_ephemeral: the peer's ephemeral public key
 * @precomputed_static_static: DH(our static, peer's static), computed by
 *	the first handshake that needs it after either key changes
 * @static_static_generation: the generation of @static_identity that
 *	@precomputed_static_static is of; a handshake that finds another
 *	computes it first, so neither adding a peer nor changing the private
 *	key costs an X25519 per peer
 * @preshared_key: the optional symmetric key mixed in (zero when none)
 * @hash: the running handshake hash (Noise's h)
 * @chaining_key: the running chaining key (Noise's ck)
 * @latest_timestamp: greatest TAI64N accepted from the peer (replay guard)
 * @remote_index: the peer's receiver index for the handshake
 * @lock: guards every field above; handshakes run in process context
 */
struct xtun_handshake {
	struct xtun_index_entry entry;
	struct xtun_static_identity *static_identity;
	enum xtun_handshake_state state;
	u64 last_initiation_consumption;
	u8 ephemeral_private[XTUN_KEY_SIZE];
	u8 remote_static[XTUN_KEY_SIZE];
	u8 remote_ephemeral[XTUN_KEY_SIZE];
	u8 precomputed_static_static[XTUN_KEY_SIZE];
	u64 static_static_generation;
	u8 preshared_key[XTUN_KEY_SIZE];
	u8 hash[XTUN_HASH_SIZE];
	u8 chaining_key[XTUN_HASH_SIZE];
	u8 latest_timestamp[XTUN_TIMESTAMP_SIZE];
	__le32 remote_index;
	struct rw_semaphore lock;
};

void xtun_noise_init(void);
void xtun_noise_handshake_init(struct xtun_handshake *handshake,
			       struct xtun_static_identity *static_identity,
			       const u8 peer_public_key[XTUN_KEY_SIZE],
			       const u8 peer_preshared_key[XTUN_KEY_SIZE],
			       struct xtun_peer *peer);
void xtun_noise_handshake_clear(struct xtun_handshake *handshake);
bool xtun_noise_rekey_peer(struct xtun_peer *peer);
bool xtun_noise_public_key_is_low_order(const u8 public_key[XTUN_KEY_SIZE]);
void xtun_noise_set_static_identity_private_key(struct xtun_static_identity *static_identity,
						const u8 private_key[XTUN_KEY_SIZE]);
void xtun_noise_set_preshared_key(struct xtun_handshake *handshake,
				  const u8 preshared_key[XTUN_KEY_SIZE]);

bool xtun_noise_handshake_create_initiation(struct xtun_msg_initiation *dst,
					    struct xtun_handshake *handshake);
struct xtun_peer *
xtun_noise_handshake_consume_initiation(struct xtun_msg_initiation *src,
					struct xtun_device *xtun);
bool xtun_noise_handshake_create_response(struct xtun_msg_response *dst,
					  struct xtun_handshake *handshake);
struct xtun_peer *
xtun_noise_handshake_consume_response(struct xtun_msg_response *src,
				      struct xtun_device *xtun);
bool xtun_noise_handshake_begin_session(struct xtun_handshake *handshake,
					struct xtun_keypairs *keypairs);

void xtun_noise_keypair_put(struct xtun_keypair *keypair, bool unreference_now);
struct xtun_keypair *xtun_noise_keypair_get(struct xtun_keypair *keypair);
bool xtun_noise_keypairs_clear(struct xtun_keypairs *keypairs);
bool xtun_noise_received_with_keypair(struct xtun_keypairs *keypairs,
				      struct xtun_keypair *received_keypair);
bool xtun_noise_expire_current_peer_keypairs(struct xtun_peer *peer);

#endif /* _XTUN_NOISE_H */
