// SPDX-License-Identifier: GPL-2.0
/*
 * The receive side's replay window: which message counters of a session
 * were already accepted.  Only receive.c asks it; selftest/replay.c checks
 * it against a plain reference in a debug build.
 */

#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/minmax.h>

#include "messages.h"
#include "replay.h"

/*
 * The replay window (RFC 6479's idea): a ring of bits for the latest
 * counters.  Called only after the packet authenticated, so an attacker
 * cannot move the window.  Returns false for a replay or a counter too old.
 */
bool xtun_replay_counter_validate(struct xtun_replay *replay, u64 counter)
{
	const unsigned int words = XTUN_COUNTER_BITS_TOTAL / BITS_PER_LONG;
	unsigned long index, index_current, top, i;
	bool ret = false;

	spin_lock_bh(&replay->lock);

	if (unlikely(replay->greatest >= XTUN_REJECT_AFTER_MESSAGES + 1 ||
		     counter >= XTUN_REJECT_AFTER_MESSAGES))
		goto out;

	++counter;	/* counter 0 is valid; 0 in @greatest means none yet */

	if (unlikely(counter + XTUN_COUNTER_WINDOW < replay->greatest))
		goto out;

	index = counter >> ilog2(BITS_PER_LONG);

	if (likely(counter > replay->greatest)) {
		/* Clear the words the window moves over. */
		index_current = replay->greatest >> ilog2(BITS_PER_LONG);
		top = min_t(unsigned long, index - index_current, words);
		for (i = 1; i <= top; ++i)
			replay->bitmap[(i + index_current) & (words - 1)] = 0;
		/* The receive path reads it without the lock. */
		WRITE_ONCE(replay->greatest, counter);
	}

	index &= words - 1;
	ret = !test_and_set_bit(counter & (BITS_PER_LONG - 1),
				&replay->bitmap[index]);

out:
	spin_unlock_bh(&replay->lock);
	return ret;
}
