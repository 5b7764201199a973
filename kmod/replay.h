/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replay window of a session's receive side (replay.c).
 */
#ifndef _XTUN_REPLAY_H
#define _XTUN_REPLAY_H

#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>

#include "messages.h"

/**
 * struct xtun_replay - which counters of a session were already accepted
 * @greatest: the greatest counter accepted, plus one (0: none yet); the
 *	receive path also reads it without @lock, to retire a used-up session
 * @bitmap: a ring of one bit per counter, up to @greatest
 * @lock: guards @greatest and @bitmap
 */
struct xtun_replay {
	u64 greatest;
	unsigned long bitmap[XTUN_COUNTER_BITS_TOTAL / BITS_PER_LONG];
	spinlock_t lock;	/* guards greatest and bitmap */
};

/* An empty window, as a new session starts with. */
static inline void xtun_replay_init(struct xtun_replay *replay)
{
	memset(replay, 0, sizeof(*replay));
	spin_lock_init(&replay->lock);
}

bool xtun_replay_counter_validate(struct xtun_replay *replay, u64 counter);

#endif /* _XTUN_REPLAY_H */
