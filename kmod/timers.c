// SPDX-License-Identifier: GPL-2.0
/*
 * Per-peer protocol timers.  The rules, from the WireGuard paper (6.2-6.5):
 *
 * - retransmit_handshake: an initiation got no response within
 *   REKEY_TIMEOUT (plus jitter): send another, up to MAX_TIMER_HANDSHAKES
 *   attempts, then give up and drop the queued packets.
 * - send_keepalive: we received data and sent nothing back for
 *   KEEPALIVE_TIMEOUT: send an empty data message so the peer knows the
 *   session works.
 * - new_handshake: we sent data and heard nothing for KEEPALIVE_TIMEOUT +
 *   REKEY_TIMEOUT: the session may be dead, hand-shake again.
 * - zero_key_material: no new session for 3 * REJECT_AFTER_TIME: forget
 *   every key of the peer.
 * - persistent_keepalive: optional, keeps NAT mappings alive.
 */

#include <linux/jiffies.h>
#include <linux/random.h>

#include "device.h"
#include "peer.h"
#include "send.h"
#include "socket.h"
#include "timers.h"

/* Timers are only armed while the peer lives and its device is up. */
static void xtun_mod_peer_timer(struct xtun_peer *peer,
				struct timer_list *timer,
				unsigned long expires)
{
	rcu_read_lock_bh();
	if (likely(netif_running(peer->device->dev) &&
		   !READ_ONCE(peer->is_dead)))
		mod_timer(timer, expires);
	rcu_read_unlock_bh();
}

static unsigned long xtun_jitter(void)
{
	return msecs_to_jiffies(get_random_u32_below(XTUN_REKEY_TIMEOUT_JITTER_MS));
}

static void xtun_expired_retransmit_handshake(struct timer_list *timer)
{
	struct xtun_peer *peer = from_timer(peer, timer,
					    timer_retransmit_handshake);

	if (peer->timer_handshake_attempts > XTUN_MAX_TIMER_HANDSHAKES) {
		net_dbg_ratelimited("%s: peer %llu: no handshake after %u attempts, giving up\n",
				    peer->device->dev->name, peer->internal_id,
				    XTUN_MAX_TIMER_HANDSHAKES + 2);

		timer_delete(&peer->timer_send_keepalive);
		/* Nobody will send these: drop them rather than hoard. */
		xtun_send_purge_staged_packets(peer);

		if (!timer_pending(&peer->timer_zero_key_material))
			xtun_mod_peer_timer(peer, &peer->timer_zero_key_material,
					    jiffies + XTUN_REJECT_AFTER_TIME * 3 * HZ);
		return;
	}

	++peer->timer_handshake_attempts;
	/* Perhaps our source address changed: let routing pick again. */
	xtun_socket_clear_peer_endpoint_src(peer);
	xtun_send_handshake_initiation(peer, true);
}

static void xtun_expired_send_keepalive(struct timer_list *timer)
{
	struct xtun_peer *peer = from_timer(peer, timer, timer_send_keepalive);

	xtun_send_keepalive(peer);
	if (peer->timer_need_another_keepalive) {
		peer->timer_need_another_keepalive = false;
		xtun_mod_peer_timer(peer, &peer->timer_send_keepalive,
				    jiffies + XTUN_KEEPALIVE_TIMEOUT * HZ);
	}
}

static void xtun_expired_new_handshake(struct timer_list *timer)
{
	struct xtun_peer *peer = from_timer(peer, timer, timer_new_handshake);

	xtun_socket_clear_peer_endpoint_src(peer);
	xtun_send_handshake_initiation(peer, false);
}

static void xtun_expired_zero_key_material(struct timer_list *timer)
{
	struct xtun_peer *peer = from_timer(peer, timer,
					    timer_zero_key_material);

	/* Clearing takes sleeping locks: do it in process context. */
	rcu_read_lock_bh();
	if (!READ_ONCE(peer->is_dead)) {
		xtun_peer_get(peer);
		if (!queue_work(system_wq, &peer->clear_peer_work))
			xtun_peer_put(peer);
	}
	rcu_read_unlock_bh();
}

static void xtun_expired_send_persistent_keepalive(struct timer_list *timer)
{
	struct xtun_peer *peer = from_timer(peer, timer,
					    timer_persistent_keepalive);

	/* Netlink may have turned it off since the timer was armed. */
	if (likely(READ_ONCE(peer->persistent_keepalive_interval)))
		xtun_send_keepalive(peer);
}

/* Data went out: expect to hear back, or hand-shake again. */
void xtun_timers_data_sent(struct xtun_peer *peer)
{
	if (!timer_pending(&peer->timer_new_handshake))
		xtun_mod_peer_timer(peer, &peer->timer_new_handshake,
				    jiffies + (XTUN_KEEPALIVE_TIMEOUT +
					       XTUN_REKEY_TIMEOUT) * HZ +
				    xtun_jitter());
}

/* Data came in: answer with a keepalive if we have nothing to send. */
void xtun_timers_data_received(struct xtun_peer *peer)
{
	if (likely(netif_running(peer->device->dev))) {
		if (!timer_pending(&peer->timer_send_keepalive))
			xtun_mod_peer_timer(peer, &peer->timer_send_keepalive,
					    jiffies +
					    XTUN_KEEPALIVE_TIMEOUT * HZ);
		else
			peer->timer_need_another_keepalive = true;
	}
}

void xtun_timers_any_authenticated_packet_sent(struct xtun_peer *peer)
{
	timer_delete(&peer->timer_send_keepalive);
}

void xtun_timers_any_authenticated_packet_received(struct xtun_peer *peer)
{
	timer_delete(&peer->timer_new_handshake);
}

void xtun_timers_handshake_initiated(struct xtun_peer *peer)
{
	xtun_mod_peer_timer(peer, &peer->timer_retransmit_handshake,
			    jiffies + XTUN_REKEY_TIMEOUT * HZ + xtun_jitter());
}

void xtun_timers_handshake_complete(struct xtun_peer *peer)
{
	timer_delete(&peer->timer_retransmit_handshake);
	peer->timer_handshake_attempts = 0;
	peer->sent_lastminute_handshake = false;
	spin_lock_bh(&peer->walltime_lock);
	ktime_get_real_ts64(&peer->walltime_last_handshake);
	spin_unlock_bh(&peer->walltime_lock);
}

void xtun_timers_session_derived(struct xtun_peer *peer)
{
	xtun_mod_peer_timer(peer, &peer->timer_zero_key_material,
			    jiffies + XTUN_REJECT_AFTER_TIME * 3 * HZ);
}

void xtun_timers_any_authenticated_packet_traversal(struct xtun_peer *peer)
{
	/* Read once: netlink sets it under update_lock, which we lack. */
	u16 interval = READ_ONCE(peer->persistent_keepalive_interval);

	if (interval)
		xtun_mod_peer_timer(peer, &peer->timer_persistent_keepalive,
				    jiffies + interval * HZ);
}

void xtun_timers_init(struct xtun_peer *peer)
{
	timer_setup(&peer->timer_retransmit_handshake,
		    xtun_expired_retransmit_handshake, 0);
	timer_setup(&peer->timer_send_keepalive, xtun_expired_send_keepalive,
		    0);
	timer_setup(&peer->timer_new_handshake, xtun_expired_new_handshake, 0);
	timer_setup(&peer->timer_zero_key_material,
		    xtun_expired_zero_key_material, 0);
	timer_setup(&peer->timer_persistent_keepalive,
		    xtun_expired_send_persistent_keepalive, 0);
	peer->timer_handshake_attempts = 0;
	peer->sent_lastminute_handshake = false;
	peer->timer_need_another_keepalive = false;
}

void xtun_timers_stop(struct xtun_peer *peer)
{
	timer_delete_sync(&peer->timer_retransmit_handshake);
	timer_delete_sync(&peer->timer_send_keepalive);
	timer_delete_sync(&peer->timer_new_handshake);
	timer_delete_sync(&peer->timer_zero_key_material);
	timer_delete_sync(&peer->timer_persistent_keepalive);
	flush_work(&peer->clear_peer_work);
}
