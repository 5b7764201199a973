// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the handshake rate limiter, on a clock of its own: a burst
 * and then refusal, refill with time but never beyond a burst nor from an
 * older time, which sources share a bucket, and how many buckets a
 * namespace and the table may hold.  It runs before the limiter's garbage
 * collector starts and leaves the table empty.  (Filling the table to its
 * real bounds would take seconds on a debug kernel under TCG: the bounds
 * are lowered for that part.)
 */

#include <linux/ip.h>
#include <linux/ipv6.h>

#include "../ratelimiter.h"
#include "selftest.h"

#define XTUN_ST_COST	(NSEC_PER_SEC / XTUN_RATELIMITER_PACKETS_PER_SECOND)
#define XTUN_ST_BURST	XTUN_RATELIMITER_PACKETS_BURSTABLE

/* The lowered bounds: the table's, and a namespace's share of it. */
#define XTUN_ST_MAX_BUCKETS	12
#define XTUN_ST_NET_BUCKETS	8

/* The limiter compares namespaces and never follows them: markers do. */
static u8 xtun_st_nets[2] __initdata;

struct xtun_st_rl {
	struct sk_buff *skb4, *skb6;
	const char *phase;	/* printed with a failure */
	u64 now;
};

/*
 * Packets from @src in namespace @net, all at the current time: the first
 * @allowed must pass and the rest be refused.
 */
static bool __init xtun_st_rl_expect(struct xtun_st_rl *st, unsigned int net,
				     const char *src, unsigned int n,
				     unsigned int allowed)
{
	struct sk_buff *skb;
	unsigned int i;
	u8 addr[16];
	bool got, want;
	u16 family;

	if (!xtun_selftest_parse_addr(src, &family, addr)) {
		pr_err("xtun: self-test ratelimiter: bad address %s\n", src);
		return false;
	}
	if (family == AF_INET) {
		skb = st->skb4;
		memcpy(&ip_hdr(skb)->saddr, addr, 4);
	} else {
		skb = st->skb6;
		memcpy(&ipv6_hdr(skb)->saddr, addr, 16);
	}
	for (i = 0; i < n; i++) {
		got = xtun_ratelimiter_allow_at(skb,
						(struct net *)&xtun_st_nets[net],
						st->now);
		want = i < allowed;
		if (got != want) {
			pr_err("xtun: self-test ratelimiter: %s: packet %u of %u from %s in namespace %u %s, expected %u to pass\n",
			       st->phase, i + 1, n, src, net,
			       got ? "passed" : "was refused", allowed);
			return false;
		}
	}
	return true;
}

struct xtun_st_rl_step {
	const char *phase;	/* when it changes */
	u64 wait;		/* ns on the clock before the packets */
	unsigned int net;
	const char *src;
	unsigned int n;
	unsigned int allowed;
};

static const struct xtun_st_rl_step xtun_st_rl_steps[] __initconst = {
	{ "a new source gets a burst", 0, 0, "192.0.2.1",
	  XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ "a packet's worth of time refills one", XTUN_ST_COST - 1, 0,
	  "192.0.2.1", 1, 0 },
	{ NULL, 1, 0, "192.0.2.1", 2, 1 },
	{ NULL, XTUN_ST_COST / 2, 0, "192.0.2.1", 1, 0 },
	{ NULL, XTUN_ST_COST / 2, 0, "192.0.2.1", 2, 1 },
	{ "refill stops at a burst", 10 * NSEC_PER_SEC, 0, "192.0.2.1",
	  XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ "another address has a bucket of its own", 0, 0, "192.0.2.2",
	  XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ "another namespace has a bucket of its own", 0, 1, "192.0.2.1",
	  XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ NULL, 0, 0, "192.0.2.1", 1, 0 },
	{ "an IPv6 /64 shares one bucket", 0, 0, "2001:db8:1:2::1",
	  XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ NULL, 0, 0, "2001:db8:1:2:ffff:ffff:ffff:ffff", 1, 0 },
	{ NULL, 0, 0, "2001:db8:1:3::1", XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ NULL, 0, 1, "2001:db8:1:2::1", XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ NULL, XTUN_ST_COST, 0, "2001:db8:1:2:abcd::", 2, 1 },
	{ "IPv4 and IPv6 never share a bucket", 0, 0, "0.0.0.0",
	  XTUN_ST_BURST + 1, XTUN_ST_BURST },
	{ NULL, 0, 0, "::", XTUN_ST_BURST + 1, XTUN_ST_BURST },
};

static bool __init xtun_st_rl_steps_run(struct xtun_st_rl *st)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtun_st_rl_steps); i++) {
		if (xtun_st_rl_steps[i].phase)
			st->phase = xtun_st_rl_steps[i].phase;
		st->now += xtun_st_rl_steps[i].wait;
		if (!xtun_st_rl_expect(st, xtun_st_rl_steps[i].net,
				       xtun_st_rl_steps[i].src,
				       xtun_st_rl_steps[i].n,
				       xtun_st_rl_steps[i].allowed))
			return false;
	}
	return true;
}

/* For two seconds at the full rate, every packet passes and no more. */
static bool __init xtun_st_rl_steady(struct xtun_st_rl *st)
{
	unsigned int i;

	st->phase = "the rate after the burst";
	if (!xtun_st_rl_expect(st, 0, "198.51.100.1", XTUN_ST_BURST + 1,
			       XTUN_ST_BURST))
		return false;
	for (i = 0; i < 2 * XTUN_RATELIMITER_PACKETS_PER_SECOND; i++) {
		st->now += XTUN_ST_COST;
		if (!xtun_st_rl_expect(st, 0, "198.51.100.1", 2, 1))
			return false;
	}
	return true;
}

/* One packet from each of @n new sources 10.@net.@first.x, all to pass. */
static bool __init xtun_st_rl_fill(struct xtun_st_rl *st, unsigned int net,
				   unsigned int first, unsigned int n)
{
	char src[16];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.%u", net, first, i + 1);
		if (!xtun_st_rl_expect(st, net, src, 1, 1))
			return false;
	}
	return true;
}

/*
 * Flooded by new sources, a namespace gets its share of the buckets and
 * no more, another namespace still gets buckets, and the table stops at
 * its own bound.  Sources that have a bucket keep it meanwhile.
 */
static bool __init xtun_st_rl_bounds_run(struct xtun_st_rl *st)
{
	st->phase = "a namespace gets its share of the buckets";
	if (!xtun_st_rl_fill(st, 0, 0, XTUN_ST_NET_BUCKETS) ||
	    !xtun_st_rl_expect(st, 0, "10.0.1.1", 1, 0) ||
	    !xtun_st_rl_expect(st, 0, "10.0.0.1", 1, 1))
		return false;

	st->phase = "a full namespace leaves buckets for another";
	if (!xtun_st_rl_fill(st, 1, 0,
			     XTUN_ST_MAX_BUCKETS - XTUN_ST_NET_BUCKETS))
		return false;

	st->phase = "the table stops at its bound";
	if (!xtun_st_rl_expect(st, 1, "10.1.1.1", 1, 0) ||
	    !xtun_st_rl_expect(st, 1, "10.1.0.1", 1, 1))
		return false;

	st->phase = "forgotten buckets are free again";
	xtun_ratelimiter_forget_all();
	return xtun_st_rl_fill(st, 0, 2, XTUN_ST_NET_BUCKETS) &&
	       xtun_st_rl_fill(st, 1, 2,
			       XTUN_ST_MAX_BUCKETS - XTUN_ST_NET_BUCKETS);
}

static bool __init xtun_st_rl_bounds(struct xtun_st_rl *st)
{
	bool passed;

	xtun_ratelimiter_forget_all();
	xtun_ratelimiter_set_bounds(XTUN_ST_MAX_BUCKETS, XTUN_ST_NET_BUCKETS);
	passed = xtun_st_rl_bounds_run(st);
	xtun_ratelimiter_set_bounds(0, 0);
	xtun_ratelimiter_forget_all();
	return passed;
}

/* A packet that is not IP has no source to count and is refused. */
static bool __init xtun_st_rl_not_ip(struct xtun_st_rl *st)
{
	bool got;

	st->skb4->protocol = htons(ETH_P_ARP);
	got = xtun_ratelimiter_allow_at(st->skb4, (struct net *)xtun_st_nets,
					st->now);
	st->skb4->protocol = htons(ETH_P_IP);
	if (got)
		pr_err("xtun: self-test ratelimiter: a packet that is not IP passed\n");
	return !got;
}

/*
 * A CPU that read the time before another refilled the bucket comes to it
 * with a time older than the bucket's.  That refills nothing, and does not
 * set the bucket's time back, which would count the same time twice.
 * (When the time was read before the bucket's lock, the negative
 * difference wrapped and filled an exhausted bucket.)
 */
static bool __init xtun_st_rl_older_time(struct xtun_st_rl *st)
{
	const char *src = "198.51.100.2";
	const u64 now = st->now;
	bool passed;

	st->phase = "an older time refills nothing";
	if (!xtun_st_rl_expect(st, 0, src, XTUN_ST_BURST + 1, XTUN_ST_BURST))
		return false;
	st->now = now - XTUN_ST_COST;
	passed = xtun_st_rl_expect(st, 0, src, 1, 0);
	st->now = now + XTUN_ST_COST;
	st->phase = "an older time leaves the bucket's time";
	return passed && xtun_st_rl_expect(st, 0, src, 2, 1);
}

/* The data path's entry point, on the real clock. */
static bool __init xtun_st_rl_real_clock(struct xtun_st_rl *st)
{
	ip_hdr(st->skb4)->saddr = htonl(0xcb007107);	/* 203.0.113.7 */
	if (xtun_ratelimiter_allow(st->skb4, (struct net *)xtun_st_nets))
		return true;
	pr_err("xtun: self-test ratelimiter: a new source was refused on the real clock\n");
	return false;
}

bool __init xtun_selftest_ratelimiter(struct rnd_state *rnd)
{
	struct xtun_st_rl st = { .now = 1000 * NSEC_PER_SEC };
	bool passed = false;

	st.skb4 = xtun_selftest_ip_skb(AF_INET);
	st.skb6 = xtun_selftest_ip_skb(AF_INET6);
	if (st.skb4 && st.skb6)
		passed = xtun_st_rl_steps_run(&st) && xtun_st_rl_steady(&st) &&
			 xtun_st_rl_older_time(&st) &&
			 xtun_st_rl_not_ip(&st) && xtun_st_rl_bounds(&st) &&
			 xtun_st_rl_real_clock(&st);
	xtun_ratelimiter_forget_all();
	kfree_skb(st.skb6);
	kfree_skb(st.skb4);
	return passed;
}
