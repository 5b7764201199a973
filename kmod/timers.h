/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol's timers (WireGuard paper, section 6): events on the data
 * path arm or cancel per-peer timers; their expiry sends keepalives and
 * handshakes, or forgets keys.
 */
#ifndef _XTUN_TIMERS_H
#define _XTUN_TIMERS_H

#include <linux/atomic.h>
#include <linux/ktime.h>

#include "messages.h"

struct xtun_peer;

void xtun_timers_init(struct xtun_peer *peer);
void xtun_timers_stop(struct xtun_peer *peer);
void xtun_timers_data_sent(struct xtun_peer *peer);
void xtun_timers_data_received(struct xtun_peer *peer);
void xtun_timers_any_authenticated_packet_sent(struct xtun_peer *peer);
void xtun_timers_any_authenticated_packet_received(struct xtun_peer *peer);
void xtun_timers_handshake_initiated(struct xtun_peer *peer);
void xtun_timers_handshake_complete(struct xtun_peer *peer);
void xtun_timers_session_derived(struct xtun_peer *peer);
void xtun_timers_any_authenticated_packet_traversal(struct xtun_peer *peer);

static inline bool xtun_birthdate_has_expired(u64 birthday_ns,
					      u64 expiration_s)
{
	return (s64)(birthday_ns + expiration_s * NSEC_PER_SEC) <=
	       (s64)ktime_get_coarse_boottime_ns();
}

/* Let the next initiation go out at once, despite the rate limit. */
static inline void xtun_reset_last_sent_handshake(atomic64_t *last_sent)
{
	atomic64_set(last_sent, ktime_get_coarse_boottime_ns() -
		     (u64)(XTUN_REKEY_TIMEOUT + 1) * NSEC_PER_SEC);
}

#endif /* _XTUN_TIMERS_H */
