// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: creation, lookup by public key, reference counting and removal.
 */

#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "device.h"
#include "notify.h"
#include "peer.h"
#include "send.h"
#include "timers.h"

static atomic64_t xtun_peer_counter = ATOMIC64_INIT(0);

u64 xtun_pubkey_hash(struct xtun_device *xtun,
		     const u8 public_key[XTUN_KEY_SIZE])
{
	/*
	 * Public keys are chosen by anyone, so a hash without a secret key
	 * lets them be chosen to share one bucket.
	 */
	return siphash(public_key, XTUN_KEY_SIZE, &xtun->peer_hash_key);
}

static void xtun_peer_clear_work(struct work_struct *work)
{
	struct xtun_peer *peer = container_of(work, struct xtun_peer,
					      clear_peer_work);

	xtun_noise_handshake_clear(&peer->handshake);
	if (xtun_noise_keypairs_clear(&peer->keypairs))
		xtun_notify_peers_peer(peer, XTUN_CMD_SESSION_EXPIRE_NTF);
	xtun_peer_put(peer);
}

/* Called with update_lock held; the peer starts with one reference. */
struct xtun_peer *xtun_peer_create(struct xtun_device *xtun,
				   const u8 public_key[XTUN_KEY_SIZE],
				   const u8 preshared_key[XTUN_KEY_SIZE])
{
	struct xtun_peer *peer;

	lockdep_assert_held(&xtun->update_lock);

	/*
	 * WireGuard's bound: far more than a device is configured with, and
	 * it keeps the peer list's walks (dumps, key changes) finite.  The
	 * memory is charged to the configuring task's cgroup, which is what
	 * bounds it in practice.
	 */
	if (xtun->num_peers >= XTUN_MAX_PEERS_PER_DEVICE)
		return ERR_PTR(-ENOSPC);

	peer = kzalloc(sizeof(*peer), GFP_KERNEL_ACCOUNT);
	if (unlikely(!peer))
		return ERR_PTR(-ENOMEM);
	if (dst_cache_init(&peer->endpoint_cache, GFP_KERNEL_ACCOUNT))
		goto err_free_peer;

	peer->device = xtun;
	xtun_noise_handshake_init(&peer->handshake, &xtun->static_identity,
				  public_key, preshared_key, peer);
	peer->internal_id = atomic64_inc_return(&xtun_peer_counter);
	spin_lock_init(&peer->keypairs.keypair_update_lock);
	xtun_cookie_init(&peer->latest_cookie);
	xtun_cookie_checker_precompute_peer_keys(peer);
	rwlock_init(&peer->endpoint_lock);
	peer->endpoint_cache_generation = xtun->route_generation;
	spin_lock_init(&peer->walltime_lock);
	xtun_notify_bucket_init(&peer->notify_bucket);
	skb_queue_head_init(&peer->staged_packet_queue);
	INIT_WORK(&peer->transmit_handshake_work, xtun_send_handshake_work);
	INIT_WORK(&peer->clear_peer_work, xtun_peer_clear_work);
	xtun_reset_last_sent_handshake(&peer->last_sent_handshake);
	xtun_timers_init(peer);
	kref_init(&peer->refcount);

	list_add_tail(&peer->peer_list, &xtun->peer_list);
	hash_add_rcu(xtun->peer_hashtable, &peer->pubkey_hash,
		     xtun_pubkey_hash(xtun, public_key));
	++xtun->num_peers;
	return peer;

err_free_peer:
	kfree(peer);
	return ERR_PTR(-ENOMEM);
}

/* Under RCU: the peer with this public key, without a reference. */
struct xtun_peer *xtun_peer_lookup(struct xtun_device *xtun,
				   const u8 public_key[XTUN_KEY_SIZE])
{
	struct xtun_peer *peer;

	hash_for_each_possible_rcu(xtun->peer_hashtable, peer, pubkey_hash,
				   xtun_pubkey_hash(xtun, public_key),
				   lockdep_is_held(&xtun->update_lock))
		if (!memcmp(peer->handshake.remote_static, public_key,
			    XTUN_KEY_SIZE))
			return peer;
	return NULL;
}

/*
 * Under update_lock: the peer numbered @id, looked for in the pubkey
 * table's bucket of @key_hash, which xtun_pubkey_hash() gave for its
 * public key; NULL once it was removed.  So a dump finds the peer it
 * stopped at without walking the peer list.
 */
struct xtun_peer *xtun_peer_lookup_by_id(struct xtun_device *xtun,
					 u64 key_hash, u64 id)
{
	struct xtun_peer *peer;

	lockdep_assert_held(&xtun->update_lock);

	hash_for_each_possible(xtun->peer_hashtable, peer, pubkey_hash,
			       key_hash)
		if (peer->internal_id == id)
			return peer;
	return NULL;
}

struct xtun_peer *xtun_peer_get_maybe_zero(struct xtun_peer *peer)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_bh_held(),
			 "taking a peer reference outside of RCU");
	if (unlikely(!peer || !kref_get_unless_zero(&peer->refcount)))
		return NULL;
	return peer;
}

struct xtun_peer *xtun_peer_get(struct xtun_peer *peer)
{
	kref_get(&peer->refcount);
	return peer;
}

static void xtun_peer_free_rcu(struct rcu_head *rcu)
{
	struct xtun_peer *peer = container_of(rcu, struct xtun_peer, rcu);

	dst_cache_destroy(&peer->endpoint_cache);
	/* Keys, cookies and handshake state all go with it. */
	kfree_sensitive(peer);
}

static void xtun_peer_free_kref(struct kref *kref)
{
	struct xtun_peer *peer = container_of(kref, struct xtun_peer, refcount);

	/* Nothing can reach the peer any more: free it after readers. */
	xtun_index_remove(peer->device->index_table, &peer->handshake.entry);
	skb_queue_purge(&peer->staged_packet_queue);
	call_rcu(&peer->rcu, xtun_peer_free_rcu);
}

void xtun_peer_put(struct xtun_peer *peer)
{
	if (unlikely(!peer))
		return;
	kref_put(&peer->refcount, xtun_peer_free_kref);
}

/*
 * Take the peer out of the structures the data path and netlink find it
 * through, except the allowed IPs, which the callers clear (one peer's
 * prefixes, or the whole table at once).
 */
static void xtun_peer_make_dead(struct xtun_peer *peer)
{
	struct xtun_device *xtun = peer->device;

	lockdep_assert_held(&xtun->update_lock);

	WRITE_ONCE(peer->is_dead, true);
	list_del_init(&peer->peer_list);
	hash_del_rcu(&peer->pubkey_hash);
	--xtun->num_peers;
}

/*
 * Stop the peer's timers and work, then drop the device's reference.
 * Sessions and queued packets are gone when this returns.  The caller has
 * waited for the readers that found the peer before it died.
 */
static void xtun_peer_finish_removal(struct xtun_peer *peer)
{
	xtun_timers_stop(peer);
	flush_work(&peer->transmit_handshake_work);
	xtun_noise_keypairs_clear(&peer->keypairs);
	xtun_noise_handshake_clear(&peer->handshake);
	xtun_send_purge_staged_packets(peer);
	/* Timers may have queued the clear work, holding a reference. */
	if (cancel_work_sync(&peer->clear_peer_work))
		xtun_peer_put(peer);
	xtun_peer_put(peer);
}

/*
 * Removing peers in two steps, so that many of them share one grace
 * period: xtun_peer_remove_begin() takes each out of every structure the
 * data path and netlink find it through and puts it on @dead, then
 * xtun_peer_remove_finish() waits once for the readers that may have found
 * any of them and finishes them all.
 */
void xtun_peer_remove_begin(struct xtun_peer *peer, struct list_head *dead)
{
	struct xtun_device *xtun = peer->device;

	lockdep_assert_held(&xtun->update_lock);

	xtun_allowedips_remove_by_peer(&xtun->allowedips, peer);
	xtun_peer_make_dead(peer);
	list_add_tail(&peer->peer_list, dead);
}

void xtun_peer_remove_finish(struct list_head *dead)
{
	struct xtun_peer *peer, *tmp;

	if (list_empty(dead))
		return;
	/* Let readers that found a peer before it died finish. */
	xtun_device_synchronize_net();
	list_for_each_entry_safe(peer, tmp, dead, peer_list) {
		list_del_init(&peer->peer_list);
		xtun_peer_finish_removal(peer);
		cond_resched();
	}
}

/*
 * For netlink requests: the peer is finished, with the others the request
 * removed, when it lets go of update_lock (xtun_device_unlock_config()).
 */
void xtun_peer_remove(struct xtun_peer *peer)
{
	lockdep_assert_held(&peer->device->config_lock);

	xtun_peer_remove_begin(peer, &peer->device->dead_peers);
}

/*
 * Every peer at once: the allowed IPs go as one table, not peer by peer,
 * and one grace period covers all of them, however many there are.
 */
void xtun_peer_remove_all(struct xtun_device *xtun)
{
	struct xtun_peer *peer, *tmp;
	LIST_HEAD(dead);

	lockdep_assert_held(&xtun->update_lock);

	if (list_empty(&xtun->peer_list))
		return;
	xtun_allowedips_free(&xtun->allowedips);
	list_for_each_entry_safe(peer, tmp, &xtun->peer_list, peer_list) {
		xtun_peer_make_dead(peer);
		list_add_tail(&peer->peer_list, &dead);
	}
	xtun_peer_remove_finish(&dead);
}
