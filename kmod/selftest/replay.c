// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the replay window, xtun_replay_counter_validate(), against
 * a reference with no ring and no words to clear: one bit for every
 * counter it may be asked about.  A counter is fresh when it is below
 * REJECT_AFTER_MESSAGES, no more than the window behind the greatest
 * counter accepted, and not accepted before.
 */

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../messages.h"
#include "../replay.h"
#include "selftest.h"

#define XTUN_ST_WINDOW		XTUN_COUNTER_WINDOW
#define XTUN_ST_RING		XTUN_COUNTER_BITS_TOTAL
#define XTUN_ST_LIMIT		XTUN_REJECT_AFTER_MESSAGES
#define XTUN_ST_RANGE		SZ_1M		/* counters the reference knows */
#define XTUN_ST_RANDOM_OPS	1000		/* per random run */
#define XTUN_ST_RECENT		16		/* accepted counters to repeat */

struct xtun_st_window {
	struct xtun_replay *replay;
	const char *phase;	/* printed with a failure */
	unsigned int step;
	/* The reference: bit c - base is set once counter c was accepted. */
	unsigned long *seen;
	u64 base;
	u64 greatest;
	bool any;
	u64 recent[XTUN_ST_RECENT];
	unsigned int n_recent;
};

/* A fresh window, as a new session starts with. */
static bool __init xtun_st_window_reset(struct xtun_st_window *w,
					const char *phase)
{
	kfree(w->replay);
	w->replay = kmalloc(sizeof(*w->replay), GFP_KERNEL);
	if (!w->replay)
		return false;
	xtun_replay_init(w->replay);
	w->phase = phase;
	w->step = 0;
	return true;
}

static bool __init xtun_st_counter(struct xtun_st_window *w, u64 counter,
				   bool want)
{
	bool got = xtun_replay_counter_validate(w->replay, counter);

	w->step++;
	if (got == want)
		return true;
	pr_err("xtun: self-test replay: %s, step %u: counter %llu %s, expected it %s\n",
	       w->phase, w->step, counter, got ? "accepted" : "rejected",
	       want ? "accepted" : "rejected");
	return false;
}

/* --- hand-written cases ----------------------------------------------------- */

/* Each case starts on a fresh window; a name starts a case. */
struct xtun_st_counter_step {
	const char *name;
	u64 counter;
	bool accept;
};

static const struct xtun_st_counter_step xtun_st_counter_steps[] __initconst = {
	{ "in order", 0, true },
	{ NULL, 0, false },
	{ NULL, 1, true },
	{ NULL, 2, true },
	{ NULL, 1, false },
	{ NULL, 2, false },
	{ NULL, 3, true },

	{ "reordered", 10, true },
	{ NULL, 8, true },
	{ NULL, 9, true },
	{ NULL, 8, false },
	{ NULL, 0, true },
	{ NULL, 7, true },
	{ NULL, 10, false },
	{ NULL, 11, true },
	{ NULL, 0, false },

	{ "the window's last counters", 2 * XTUN_ST_RING, true },
	{ NULL, 2 * XTUN_ST_RING - XTUN_ST_WINDOW, true },
	{ NULL, 2 * XTUN_ST_RING - XTUN_ST_WINDOW - 1, false },
	{ NULL, 2 * XTUN_ST_RING - XTUN_ST_WINDOW + 1, true },
	{ NULL, 2 * XTUN_ST_RING - XTUN_ST_WINDOW, false },
	{ NULL, 2 * XTUN_ST_RING, false },

	{ "the window moving by one", XTUN_ST_WINDOW, true },
	{ NULL, XTUN_ST_WINDOW + 1, true },
	{ NULL, 0, false },
	{ NULL, 1, true },
	{ NULL, 1, false },
	{ NULL, 2, true },

	{ "crossing word boundaries", 63, true },
	{ NULL, 64, true },
	{ NULL, 128, true },
	{ NULL, 65, true },
	{ NULL, 127, true },
	{ NULL, 64, false },
	{ NULL, 129, true },
	{ NULL, 62, true },

	{ "a jump far ahead", 5, true },
	{ NULL, 1ULL << 40, true },
	{ NULL, 6, false },
	{ NULL, 5, false },
	{ NULL, (1ULL << 40) - XTUN_ST_WINDOW, true },
	{ NULL, (1ULL << 40) - XTUN_ST_WINDOW - 1, false },
	{ NULL, (1ULL << 40) + 1, true },
	{ NULL, 1ULL << 40, false },

	{ "the last counters", XTUN_ST_LIMIT - 2, true },
	{ NULL, XTUN_ST_LIMIT - 1, true },
	{ NULL, XTUN_ST_LIMIT, false },
	{ NULL, XTUN_ST_LIMIT + 1, false },
	{ NULL, U64_MAX - 1, false },
	{ NULL, U64_MAX, false },
	{ NULL, XTUN_ST_LIMIT - 3, true },
	{ NULL, XTUN_ST_LIMIT - 1, false },
	{ NULL, XTUN_ST_LIMIT - 1 - XTUN_ST_WINDOW, true },
	{ NULL, XTUN_ST_LIMIT - 2 - XTUN_ST_WINDOW, false },

	{ "the greatest counter first", U64_MAX, false },
	{ NULL, XTUN_ST_LIMIT, false },
	{ NULL, 0, true },
	{ NULL, 0, false },

	{ "the last counter first", XTUN_ST_LIMIT - 1, true },
	{ NULL, XTUN_ST_LIMIT - 1, false },
	{ NULL, 0, false },
};

static bool __init xtun_st_counter_cases(struct xtun_st_window *w)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtun_st_counter_steps); i++) {
		if (xtun_st_counter_steps[i].name &&
		    !xtun_st_window_reset(w, xtun_st_counter_steps[i].name))
			return false;
		if (!xtun_st_counter(w, xtun_st_counter_steps[i].counter,
				     xtun_st_counter_steps[i].accept))
			return false;
	}
	return true;
}

/*
 * The ring reuses its bits: after counters all over one ring and a jump of
 * another ring, the counters one ring later than them, whose bits they
 * set, are fresh, and everything older is refused.  Every seventh counter
 * sets each bit position, in every word.
 */
static bool __init xtun_st_ring_reuse(struct xtun_st_window *w)
{
	const u64 top = 2 * XTUN_ST_RING - 1;
	u64 c;

	if (!xtun_st_window_reset(w, "a ring's bits used again"))
		return false;
	for (c = 0; c < XTUN_ST_RING; c += 7)
		if (!xtun_st_counter(w, c, true))
			return false;
	if (!xtun_st_counter(w, top, true))
		return false;
	for (c = XTUN_ST_RING; c < top; c += 7)
		if (!xtun_st_counter(w, c, c + XTUN_ST_WINDOW >= top))
			return false;
	for (c = top - XTUN_ST_WINDOW - 1; c > top - XTUN_ST_WINDOW - 128; c--)
		if (!xtun_st_counter(w, c, false))
			return false;
	for (c = top - XTUN_ST_WINDOW; c <= top; c++)
		if (c % 7 == XTUN_ST_RING % 7 && !xtun_st_counter(w, c, false))
			return false;
	return true;
}

/* --- random runs ------------------------------------------------------------ */

static bool __init xtun_st_ref_fresh(struct xtun_st_window *w, u64 c)
{
	if (c >= XTUN_ST_LIMIT)
		return false;
	if (w->any && c + XTUN_ST_WINDOW < w->greatest)
		return false;
	if (__test_and_set_bit(c - w->base, w->seen))
		return false;
	if (!w->any || c > w->greatest)
		w->greatest = c;
	w->any = true;
	w->recent[w->n_recent++ % XTUN_ST_RECENT] = c;
	return true;
}

static u64 __init xtun_st_back(struct xtun_st_window *w, u64 from, u64 by)
{
	return from - min(by, from - w->base);
}

static u64 __init xtun_st_ahead(struct xtun_st_window *w, u64 from, u64 by)
{
	u64 c = by > U64_MAX - from ? U64_MAX : from + by;

	/* At the end of what the reference knows, stay there. */
	if (c < XTUN_ST_LIMIT && c - w->base >= XTUN_ST_RANGE)
		c = w->base + XTUN_ST_RANGE - 1;
	return c;
}

/* Mostly in order, often reordered or repeated, now and then far ahead. */
static u64 __init xtun_st_next(struct xtun_st_window *w, struct rnd_state *rnd)
{
	u64 g = w->any ? w->greatest : w->base;
	u32 r = prandom_u32_state(rnd) % 100;
	u32 x = prandom_u32_state(rnd);

	if (r < 45)
		return xtun_st_ahead(w, g, 1 + x % 3);
	if (r < 65)
		return xtun_st_back(w, g, x % (XTUN_ST_WINDOW + 64));
	if (r < 75)	/* the edge: one outside, the last, one inside */
		return xtun_st_ahead(w, xtun_st_back(w, g, XTUN_ST_WINDOW + 1),
				     x % 3);
	if (r < 88 && w->n_recent)
		return w->recent[x % min_t(unsigned int, w->n_recent,
						 XTUN_ST_RECENT)];
	if (r < 98)
		return xtun_st_ahead(w, g, 1 + x % (2 * XTUN_ST_WINDOW));
	return xtun_st_ahead(w, g, 1 + x % (8 * XTUN_ST_RING));
}

static bool __init xtun_st_random_run(struct xtun_st_window *w,
				      struct rnd_state *rnd, u64 base,
				      const char *phase)
{
	unsigned int i;
	u64 c;

	if (!xtun_st_window_reset(w, phase))
		return false;
	bitmap_zero(w->seen, XTUN_ST_RANGE);
	w->base = base;
	w->any = false;
	w->n_recent = 0;
	for (i = 0; i < XTUN_ST_RANDOM_OPS; i++) {
		c = xtun_st_next(w, rnd);
		if (!xtun_st_counter(w, c, xtun_st_ref_fresh(w, c)))
			return false;
	}
	return true;
}

bool __init xtun_selftest_replay(struct rnd_state *rnd)
{
	struct xtun_st_window w = { };
	bool passed;

	w.seen = kvmalloc_array(BITS_TO_LONGS(XTUN_ST_RANGE), sizeof(long),
				GFP_KERNEL);
	if (!w.seen)
		return false;
	passed = xtun_st_counter_cases(&w) && xtun_st_ring_reuse(&w) &&
		 xtun_st_random_run(&w, rnd, 0, "random, from 0") &&
		 xtun_st_random_run(&w, rnd, (1ULL << 32) - XTUN_ST_RANGE / 2,
				    "random, across 2^32") &&
		 xtun_st_random_run(&w, rnd, XTUN_ST_LIMIT - XTUN_ST_RANGE / 4,
				    "random, up to the limit");
	kfree(w.replay);
	kvfree(w.seen);
	return passed;
}
