// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of allowed IPs against a reference that is a flat array,
 * searched linearly for the longest matching prefix: slow, but plainly
 * right.  Hand-written cases first, then random updates of both families
 * with random lookups after each.
 *
 * Only the API of allowedips.h is used, with lookups through packets as
 * the data path makes them, so the test holds for any implementation
 * behind that API.  The peers are bare structs: the table keeps pointers
 * and takes references, nothing more.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "../allowedips.h"
#include "../peer.h"
#include "selftest.h"

#define XTUN_ST_PEERS		8
#define XTUN_ST_NO_PEER		0xff
/*
 * A round is one update and many lookups.  An update costs microseconds
 * natively but milliseconds on a KASAN kernel under TCG, tens of them
 * while kmemleak scans or the host is busy, so the random rounds stop
 * after a time, past a minimum: a fast machine tests more, a slow one
 * still loads in seconds.  The seed fixes what each round does.
 */
#define XTUN_ST_REF_MAX		128	/* prefixes the reference can hold */
#define XTUN_ST_REF_HIGH	96	/* above this, rounds remove prefixes */
#define XTUN_ST_BATCH_MAX	10	/* changes in one random update */
#define XTUN_ST_ROUNDS_MIN	16
#define XTUN_ST_ROUNDS_MAX	256
#define XTUN_ST_ROUNDS_NS	(250 * NSEC_PER_MSEC)
#define XTUN_ST_LOOKUPS		20	/* after each round */
#define XTUN_ST_WALK_EVERY	16	/* rounds between checks of every walk */
#define XTUN_ST_CLUSTERS	2	/* per family, around which prefixes nest */

struct xtun_st_prefix {
	u8 addr[16];		/* host bits zero */
	u16 family;
	u8 cidr;
	struct xtun_peer *peer;
	u32 walked;		/* the last walk that reported it */
};

struct xtun_st_aip {
	struct xtun_allowedips table;
	struct mutex lock;	/* the table's update lock */
	struct xtun_peer *peers[XTUN_ST_PEERS];
	struct sk_buff *skb4, *skb6;
	struct rnd_state *rnd;
	const char *phase;	/* printed with a failure */
	u8 clusters[2][XTUN_ST_CLUSTERS][16];
	struct xtun_st_prefix ref[XTUN_ST_REF_MAX];
	unsigned int n_ref;
	u32 walk_gen;
	/* What walks reported, for comparing one with another. */
	struct xtun_st_prefix walk_all[XTUN_ST_REF_MAX];
	struct xtun_st_prefix walk_skip[XTUN_ST_REF_MAX];
};

struct xtun_st_walk {
	struct xtun_st_prefix *out;
	unsigned int n;		/* prefixes stored in @out */
	unsigned int calls;
	unsigned int stop_at;	/* the call that fails */
};

static u32 __init xtun_st_rand(struct xtun_st_aip *st, u32 below)
{
	return prandom_u32_state(st->rnd) % below;
}

static unsigned int __init xtun_st_len(u16 family)
{
	return family == AF_INET ? 4 : 16;
}

static unsigned int __init xtun_st_peer_index(struct xtun_st_aip *st,
					      struct xtun_peer *peer)
{
	unsigned int i;

	for (i = 0; i < XTUN_ST_PEERS; i++)
		if (st->peers[i] == peer)
			return i;
	return XTUN_ST_NO_PEER;
}

/* The index of @peer as printed, or -1 for none (or not one of ours). */
static int __init xtun_st_peer_id(struct xtun_st_aip *st,
				  struct xtun_peer *peer)
{
	unsigned int i = xtun_st_peer_index(st, peer);

	return i == XTUN_ST_NO_PEER ? -1 : i;
}

static void __init xtun_st_report(struct xtun_st_aip *st, const char *what,
				  u16 family, const u8 *addr, int cidr)
{
	if (family == AF_INET)
		pr_err("xtun: self-test allowedips: %s: %s %pI4/%d\n",
		       st->phase, what, addr, cidr);
	else
		pr_err("xtun: self-test allowedips: %s: %s %pI6c/%d\n",
		       st->phase, what, addr, cidr);
}

/* Clear the host bits one bit at a time, unlike any fast way. */
static void __init xtun_st_mask(u8 *addr, u16 family, u8 cidr)
{
	unsigned int bit;

	for (bit = cidr; bit < xtun_st_len(family) * 8; bit++)
		addr[bit / 8] &= ~(0x80 >> (bit % 8));
}

static bool __init xtun_st_in_prefix(const u8 *addr,
				     const struct xtun_st_prefix *p)
{
	unsigned int bytes = p->cidr / 8, bits = p->cidr % 8;

	if (memcmp(addr, p->addr, bytes))
		return false;
	return !bits || !((addr[bytes] ^ p->addr[bytes]) & (0xff << (8 - bits)));
}

/* --- the reference -------------------------------------------------------- */

static struct xtun_st_prefix *__init
xtun_st_ref_find(struct xtun_st_aip *st, u16 family, const u8 *addr, u8 cidr)
{
	unsigned int i;

	for (i = 0; i < st->n_ref; i++)
		if (st->ref[i].family == family && st->ref[i].cidr == cidr &&
		    !memcmp(st->ref[i].addr, addr, xtun_st_len(family)))
			return &st->ref[i];
	return NULL;
}

static void __init xtun_st_ref_drop(struct xtun_st_aip *st,
				    struct xtun_st_prefix *p)
{
	*p = st->ref[--st->n_ref];
}

/* One change, as the API promises to apply it. */
static bool __init xtun_st_ref_apply(struct xtun_st_aip *st,
				     struct xtun_peer *peer,
				     const struct xtun_aip_change *change)
{
	struct xtun_st_prefix *p;
	u8 addr[16] = { };

	memcpy(addr, change->addr, xtun_st_len(change->family));
	xtun_st_mask(addr, change->family, change->cidr);
	p = xtun_st_ref_find(st, change->family, addr, change->cidr);
	if (change->remove) {
		/* Only the owner removes a prefix. */
		if (p && p->peer == peer)
			xtun_st_ref_drop(st, p);
		return true;
	}
	if (p) {
		p->peer = peer;		/* moves to the peer that adds it */
		return true;
	}
	if (st->n_ref == XTUN_ST_REF_MAX) {
		pr_err("xtun: self-test allowedips: %s: the reference is full\n",
		       st->phase);
		return false;
	}
	p = &st->ref[st->n_ref++];
	memset(p, 0, sizeof(*p));
	memcpy(p->addr, addr, sizeof(addr));
	p->family = change->family;
	p->cidr = change->cidr;
	p->peer = peer;
	return true;
}

static void __init xtun_st_ref_remove_peer(struct xtun_st_aip *st,
					   struct xtun_peer *peer)
{
	unsigned int i = st->n_ref;

	while (i--)
		if (st->ref[i].peer == peer)
			xtun_st_ref_drop(st, &st->ref[i]);
}

static struct xtun_peer *__init xtun_st_ref_lookup(struct xtun_st_aip *st,
						   u16 family, const u8 *addr)
{
	struct xtun_st_prefix *best = NULL, *p;

	for (p = st->ref; p < st->ref + st->n_ref; p++)
		if (p->family == family && xtun_st_in_prefix(addr, p) &&
		    (!best || p->cidr > best->cidr))
			best = p;
	return best ? best->peer : NULL;
}

/* --- the table, and both side by side --------------------------------------- */

static bool __init xtun_st_update(struct xtun_st_aip *st,
				  struct xtun_peer *peer, bool replace,
				  const struct xtun_aip_change *changes,
				  unsigned int n_changes)
{
	unsigned int i;
	int ret;

	mutex_lock(&st->lock);
	ret = xtun_allowedips_update(&st->table, peer, replace, changes,
				     n_changes);
	mutex_unlock(&st->lock);
	if (ret) {
		pr_err("xtun: self-test allowedips: %s: update failed: %d\n",
		       st->phase, ret);
		return false;
	}
	if (replace)
		xtun_st_ref_remove_peer(st, peer);
	for (i = 0; i < n_changes; i++)
		if (!xtun_st_ref_apply(st, peer, &changes[i]))
			return false;
	/* The count that bounds a device's prefixes. */
	if (st->table.prefixes != st->n_ref) {
		pr_err("xtun: self-test allowedips: %s: the table counts %u prefixes, the reference holds %u\n",
		       st->phase, st->table.prefixes, st->n_ref);
		return false;
	}
	return true;
}

static void __init xtun_st_remove_peer(struct xtun_st_aip *st,
				       struct xtun_peer *peer)
{
	mutex_lock(&st->lock);
	xtun_allowedips_remove_by_peer(&st->table, peer);
	mutex_unlock(&st->lock);
	xtun_st_ref_remove_peer(st, peer);
}

/* Only a lookup that forgot its reference could drop the last one. */
static void __init xtun_st_peer_release(struct kref *kref)
{
}

/*
 * Look @addr up as the destination (or the source) of a packet whose
 * other address is its complement, so that reading the wrong one shows.
 */
static struct xtun_peer *__init xtun_st_lookup(struct xtun_st_aip *st,
					       u16 family, const u8 *addr,
					       bool dst)
{
	struct sk_buff *skb = family == AF_INET ? st->skb4 : st->skb6;
	unsigned int i, len = xtun_st_len(family);
	struct xtun_peer *peer;
	u8 *daddr, *saddr;

	if (family == AF_INET) {
		daddr = (u8 *)&ip_hdr(skb)->daddr;
		saddr = (u8 *)&ip_hdr(skb)->saddr;
	} else {
		daddr = (u8 *)&ipv6_hdr(skb)->daddr;
		saddr = (u8 *)&ipv6_hdr(skb)->saddr;
	}
	for (i = 0; i < len; i++) {
		daddr[i] = dst ? addr[i] : ~addr[i];
		saddr[i] = dst ? ~addr[i] : addr[i];
	}

	rcu_read_lock_bh();
	if (dst)
		peer = xtun_allowedips_lookup_dst(&st->table, skb);
	else
		peer = xtun_allowedips_lookup_src(&st->table, skb);
	rcu_read_unlock_bh();
	/* Only compared from here on, never followed. */
	if (peer)
		kref_put(&peer->refcount, xtun_st_peer_release);
	return peer;
}

/* Both lookups of @addr must find @want. */
static bool __init xtun_st_expect(struct xtun_st_aip *st, u16 family,
				  const u8 *addr, struct xtun_peer *want)
{
	struct xtun_peer *dst = xtun_st_lookup(st, family, addr, true);
	struct xtun_peer *src = xtun_st_lookup(st, family, addr, false);
	char what[96];

	if (dst == want && src == want)
		return true;
	snprintf(what, sizeof(what),
		 "found peer %d as destination, %d as source, expected %d for",
		 xtun_st_peer_id(st, dst), xtun_st_peer_id(st, src),
		 xtun_st_peer_id(st, want));
	xtun_st_report(st, what, family, addr, xtun_st_len(family) * 8);
	return false;
}

static int __init xtun_st_walk_fn(void *ctx, u16 family, const u8 *addr,
				  u8 cidr)
{
	struct xtun_st_walk *w = ctx;
	struct xtun_st_prefix *p;

	if (w->calls++ == w->stop_at)
		return -E2BIG;
	if (w->n == XTUN_ST_REF_MAX)
		return -ENOSPC;		/* more than the reference holds */
	p = &w->out[w->n++];
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->cidr = cidr;
	memcpy(p->addr, addr, family == AF_INET6 ? 16 : 4);
	return 0;
}

static int __init xtun_st_walk(struct xtun_st_aip *st, struct xtun_peer *peer,
			       struct xtun_aip_pos *pos, struct xtun_st_walk *w)
{
	int ret;

	mutex_lock(&st->lock);
	ret = xtun_allowedips_walk_peer(&st->table, peer, pos,
					xtun_st_walk_fn, w);
	mutex_unlock(&st->lock);
	return ret;
}

/* Every reported prefix is the peer's in the reference, each once. */
static bool __init xtun_st_walk_matches_ref(struct xtun_st_aip *st,
					    struct xtun_peer *peer,
					    const struct xtun_st_walk *w)
{
	const struct xtun_st_prefix *p;
	struct xtun_st_prefix *ref;
	unsigned int i;

	st->walk_gen++;
	for (i = 0; i < w->n; i++) {
		p = &w->out[i];
		if (p->family != AF_INET && p->family != AF_INET6) {
			pr_err("xtun: self-test allowedips: %s: walk gave family %u\n",
			       st->phase, p->family);
			return false;
		}
		ref = xtun_st_ref_find(st, p->family, p->addr, p->cidr);
		if (!ref || ref->peer != peer) {
			xtun_st_report(st, "walk gave a prefix the peer lacks:",
				       p->family, p->addr, p->cidr);
			return false;
		}
		if (ref->walked == st->walk_gen) {
			xtun_st_report(st, "walk gave a prefix twice:",
				       p->family, p->addr, p->cidr);
			return false;
		}
		ref->walked = st->walk_gen;
	}
	return true;
}

/*
 * A peer's walk gives the reference's prefixes of that peer; an error of
 * the callback ends the walk and is returned, and a walk resumed where it
 * ended gives the rest in the same order (a dump resumes so).
 */
static bool __init xtun_st_check_walk(struct xtun_st_aip *st,
				      struct xtun_peer *peer)
{
	struct xtun_st_walk all = { .out = st->walk_all, .stop_at = UINT_MAX };
	struct xtun_st_walk rest = { .out = st->walk_skip, .stop_at = UINT_MAX };
	struct xtun_st_walk cut = { .out = st->walk_skip };
	struct xtun_aip_pos pos = { };
	unsigned int i, want = 0;
	int ret;

	for (i = 0; i < st->n_ref; i++)
		want += st->ref[i].peer == peer;

	ret = xtun_st_walk(st, peer, &pos, &all);
	if (ret || all.n != want) {
		pr_err("xtun: self-test allowedips: %s: walk of peer %d gave %d and %u prefixes, expected 0 and %u\n",
		       st->phase, xtun_st_peer_id(st, peer), ret, all.n, want);
		return false;
	}
	if (!xtun_st_walk_matches_ref(st, peer, &all))
		return false;
	if (!want)
		return true;

	cut.stop_at = xtun_st_rand(st, want);
	ret = xtun_st_walk(st, peer, &pos, &cut);
	if (ret != -E2BIG || cut.calls != cut.stop_at + 1) {
		pr_err("xtun: self-test allowedips: %s: walk of peer %d whose callback fails at call %u returned %d after %u calls\n",
		       st->phase, xtun_st_peer_id(st, peer), cut.stop_at + 1,
		       ret, cut.calls);
		return false;
	}

	/* Resumed where the callback failed: the rest of the full walk. */
	ret = xtun_st_walk(st, peer, &pos, &rest);
	if (ret || rest.n != want - cut.stop_at ||
	    memcmp(rest.out, all.out + cut.stop_at,
		   rest.n * sizeof(*rest.out))) {
		pr_err("xtun: self-test allowedips: %s: walk of peer %d resumed at %u of %u differs from the full walk (%d, %u prefixes)\n",
		       st->phase, xtun_st_peer_id(st, peer), cut.stop_at, want,
		       ret, rest.n);
		return false;
	}
	return true;
}

static bool __init xtun_st_check_walks(struct xtun_st_aip *st)
{
	unsigned int i;

	for (i = 0; i < XTUN_ST_PEERS; i++)
		if (!xtun_st_check_walk(st, st->peers[i]))
			return false;
	return true;
}

/* --- hand-written cases ----------------------------------------------------- */

enum xtun_st_op {
	XTUN_ST_ADD,
	XTUN_ST_DEL,
	XTUN_ST_ADD_DEL,	/* one update: add, then remove */
	XTUN_ST_DEL_ADD,	/* one update: remove, then add */
	XTUN_ST_REPLACE,	/* replace with the prefix, or with none */
	XTUN_ST_REMOVE_PEER,
	XTUN_ST_EXPECT,		/* @addr belongs to @peer */
};

struct xtun_st_step {
	u8 op;
	u8 peer;
	u8 cidr;
	const char *addr;
};

static const struct xtun_st_step xtun_st_steps[] __initconst = {
	/* /0 takes every address of its family, and only of its family. */
	{ XTUN_ST_ADD, 0, 0, "0.0.0.0" },
	{ XTUN_ST_EXPECT, 0, 0, "203.0.113.9" },
	{ XTUN_ST_EXPECT, XTUN_ST_NO_PEER, 0, "2001:db8::1" },
	{ XTUN_ST_ADD, 1, 8, "10.0.0.0" },
	{ XTUN_ST_EXPECT, 1, 0, "10.255.255.255" },
	{ XTUN_ST_EXPECT, 0, 0, "11.0.0.0" },
	{ XTUN_ST_EXPECT, 0, 0, "9.255.255.255" },
	/* A /32 is one address and beats every shorter prefix. */
	{ XTUN_ST_ADD, 2, 32, "10.1.2.3" },
	{ XTUN_ST_EXPECT, 2, 0, "10.1.2.3" },
	{ XTUN_ST_EXPECT, 1, 0, "10.1.2.2" },
	{ XTUN_ST_EXPECT, 1, 0, "10.1.2.4" },
	/* Nested prefixes: the longest match wins. */
	{ XTUN_ST_ADD, 3, 16, "10.1.0.0" },
	{ XTUN_ST_ADD, 4, 24, "10.1.2.0" },
	{ XTUN_ST_EXPECT, 3, 0, "10.1.9.9" },
	{ XTUN_ST_EXPECT, 4, 0, "10.1.2.4" },
	{ XTUN_ST_EXPECT, 2, 0, "10.1.2.3" },
	/* Host bits do not matter, adding or removing. */
	{ XTUN_ST_ADD, 5, 24, "172.16.5.77" },
	{ XTUN_ST_EXPECT, 5, 0, "172.16.5.1" },
	{ XTUN_ST_DEL, 5, 24, "172.16.5.200" },
	{ XTUN_ST_EXPECT, 0, 0, "172.16.5.1" },
	/* A prefix moves to the peer that adds it; the old owner cannot remove it. */
	{ XTUN_ST_ADD, 5, 16, "10.1.0.0" },
	{ XTUN_ST_EXPECT, 5, 0, "10.1.9.9" },
	{ XTUN_ST_DEL, 3, 16, "10.1.0.0" },
	{ XTUN_ST_EXPECT, 5, 0, "10.1.9.9" },
	{ XTUN_ST_DEL, 5, 16, "10.1.0.0" },
	{ XTUN_ST_EXPECT, 1, 0, "10.1.9.9" },
	/* The two halves of the address space. */
	{ XTUN_ST_ADD, 6, 1, "128.0.0.0" },
	{ XTUN_ST_ADD, 7, 1, "0.0.0.0" },
	{ XTUN_ST_EXPECT, 6, 0, "255.255.255.255" },
	{ XTUN_ST_EXPECT, 6, 0, "128.0.0.0" },
	{ XTUN_ST_EXPECT, 7, 0, "127.255.255.255" },
	{ XTUN_ST_EXPECT, 7, 0, "0.0.0.0" },
	{ XTUN_ST_EXPECT, 1, 0, "10.0.0.1" },
	{ XTUN_ST_REMOVE_PEER, 7, 0, NULL },
	{ XTUN_ST_REMOVE_PEER, 6, 0, NULL },
	{ XTUN_ST_EXPECT, 0, 0, "127.255.255.255" },
	/* IPv6: /0, /32, /64 and /128, at both ends of the space. */
	{ XTUN_ST_ADD, 0, 0, "::" },
	{ XTUN_ST_ADD, 1, 32, "2001:db8::" },
	{ XTUN_ST_ADD, 2, 64, "2001:db8:0:1::" },
	{ XTUN_ST_ADD, 3, 128, "2001:db8:0:1::1" },
	{ XTUN_ST_EXPECT, 3, 0, "2001:db8:0:1::1" },
	{ XTUN_ST_EXPECT, 2, 0, "2001:db8:0:1::2" },
	{ XTUN_ST_EXPECT, 2, 0, "2001:db8:0:1:ffff:ffff:ffff:ffff" },
	{ XTUN_ST_EXPECT, 1, 0, "2001:db8:0:2::1" },
	{ XTUN_ST_EXPECT, 0, 0, "2001:db9::1" },
	{ XTUN_ST_ADD, 4, 128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ XTUN_ST_EXPECT, 4, 0, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ XTUN_ST_EXPECT, 0, 0, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
	{ XTUN_ST_ADD, 4, 128, "::" },
	{ XTUN_ST_EXPECT, 4, 0, "::" },
	{ XTUN_ST_EXPECT, 0, 0, "::1" },
	/* An IPv4-mapped address is IPv6 to the table. */
	{ XTUN_ST_EXPECT, 0, 0, "::ffff:10.1.2.3" },
	/* One update applies its changes in order. */
	{ XTUN_ST_ADD_DEL, 6, 24, "192.0.2.0" },
	{ XTUN_ST_EXPECT, 0, 0, "192.0.2.1" },
	{ XTUN_ST_DEL_ADD, 6, 24, "192.0.2.0" },
	{ XTUN_ST_EXPECT, 6, 0, "192.0.2.1" },
	/* Replacing drops all of the peer's earlier prefixes, in both families. */
	{ XTUN_ST_REPLACE, 1, 16, "192.168.0.0" },
	{ XTUN_ST_EXPECT, 1, 0, "192.168.1.1" },
	{ XTUN_ST_EXPECT, 0, 0, "10.0.0.1" },
	{ XTUN_ST_EXPECT, 0, 0, "2001:db8::5" },
	{ XTUN_ST_EXPECT, 2, 0, "10.1.2.3" },
	/* Removing a peer removes its prefixes and no others. */
	{ XTUN_ST_REMOVE_PEER, 0, 0, NULL },
	{ XTUN_ST_EXPECT, XTUN_ST_NO_PEER, 0, "11.0.0.1" },
	{ XTUN_ST_EXPECT, XTUN_ST_NO_PEER, 0, "2001:db9::1" },
	{ XTUN_ST_EXPECT, 2, 0, "2001:db8:0:1::2" },
	{ XTUN_ST_EXPECT, 6, 0, "192.0.2.1" },
	/* Replacing with nothing empties the peer. */
	{ XTUN_ST_REPLACE, 2, 0, NULL },
	{ XTUN_ST_EXPECT, 4, 0, "10.1.2.3" },
	{ XTUN_ST_EXPECT, XTUN_ST_NO_PEER, 0, "2001:db8:0:1::2" },
	{ XTUN_ST_EXPECT, 3, 0, "2001:db8:0:1::1" },
};

static bool __init xtun_st_step(struct xtun_st_aip *st,
				const struct xtun_st_step *s)
{
	struct xtun_peer *peer = s->peer == XTUN_ST_NO_PEER ? NULL :
				 st->peers[s->peer];
	struct xtun_aip_change c[2] = { };
	u16 family = 0;
	u8 addr[16];

	if (s->addr) {
		if (!xtun_selftest_parse_addr(s->addr, &family, addr)) {
			pr_err("xtun: self-test allowedips: bad address %s\n",
			       s->addr);
			return false;
		}
		memcpy(c[0].addr, addr, sizeof(addr));
		c[0].family = family;
		c[0].cidr = s->cidr;
		c[1] = c[0];
	}

	switch (s->op) {
	case XTUN_ST_ADD:
		return xtun_st_update(st, peer, false, c, 1);
	case XTUN_ST_DEL:
		c[0].remove = true;
		return xtun_st_update(st, peer, false, c, 1);
	case XTUN_ST_ADD_DEL:
		c[1].remove = true;
		return xtun_st_update(st, peer, false, c, 2);
	case XTUN_ST_DEL_ADD:
		c[0].remove = true;
		return xtun_st_update(st, peer, false, c, 2);
	case XTUN_ST_REPLACE:
		return xtun_st_update(st, peer, true, c, s->addr ? 1 : 0);
	case XTUN_ST_REMOVE_PEER:
		xtun_st_remove_peer(st, peer);
		return true;
	default:
		/* The reference must agree, or the case itself is wrong. */
		return xtun_st_expect(st, family, addr, peer) &&
		       xtun_st_expect(st, family, addr,
				      xtun_st_ref_lookup(st, family, addr));
	}
}

static bool __init xtun_st_hand_cases(struct xtun_st_aip *st)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtun_st_steps); i++) {
		if (!xtun_st_step(st, &xtun_st_steps[i])) {
			pr_err("xtun: self-test allowedips: at hand-written step %u\n",
			       i);
			return false;
		}
	}
	return xtun_st_check_walks(st);
}

/* --- random operations ------------------------------------------------------ */

/* A prefix length, mostly long: short ones cover everything at once. */
static u8 __init xtun_st_random_cidr(struct xtun_st_aip *st, u16 family)
{
	unsigned int max = xtun_st_len(family) * 8;
	u32 r = xtun_st_rand(st, 100);

	if (r < 2)
		return 0;
	if (r < 50)
		return 1 + xtun_st_rand(st, max);
	return max / 2 + xtun_st_rand(st, max / 2 + 1);
}

/* Randomise the bits of @addr from bit @from on. */
static void __init xtun_st_scramble(struct xtun_st_aip *st, u8 *addr,
				    u16 family, unsigned int from)
{
	unsigned int bit, len = xtun_st_len(family);
	u8 noise[16];

	prandom_bytes_state(st->rnd, noise, len);
	for (bit = from; bit < len * 8; bit++) {
		addr[bit / 8] &= ~(0x80 >> (bit % 8));
		addr[bit / 8] |= noise[bit / 8] & (0x80 >> (bit % 8));
	}
}

/* An address near one of the family's clusters, so that prefixes nest. */
static void __init xtun_st_random_addr(struct xtun_st_aip *st, u16 family,
				       u8 *addr)
{
	unsigned int len = xtun_st_len(family);

	memset(addr, 0, 16);
	memcpy(addr, st->clusters[family == AF_INET6][xtun_st_rand(st, XTUN_ST_CLUSTERS)],
	       len);
	xtun_st_scramble(st, addr, family, xtun_st_rand(st, len * 8 + 1));
}

/*
 * A change for @peer: often of a prefix that exists (the peer's own, or
 * another's to take over or fail to remove), with random host bits.
 */
static void __init xtun_st_random_change(struct xtun_st_aip *st,
					 struct xtun_aip_change *c)
{
	const struct xtun_st_prefix *p;
	u32 r = xtun_st_rand(st, 100);

	memset(c, 0, sizeof(*c));
	if (st->n_ref && r < 40) {
		p = &st->ref[xtun_st_rand(st, st->n_ref)];
		memcpy(c->addr, p->addr, sizeof(c->addr));
		c->family = p->family;
		c->cidr = p->cidr;
		xtun_st_scramble(st, c->addr, c->family, c->cidr);
		c->remove = r < 25;
		return;
	}
	c->family = xtun_st_rand(st, 2) ? AF_INET6 : AF_INET;
	xtun_st_random_addr(st, c->family, c->addr);
	c->cidr = xtun_st_random_cidr(st, c->family);
	c->remove = r >= 90;
}

static bool __init xtun_st_random_update(struct xtun_st_aip *st)
{
	struct xtun_aip_change changes[XTUN_ST_BATCH_MAX];
	struct xtun_peer *peer = st->peers[xtun_st_rand(st, XTUN_ST_PEERS)];
	u32 r = xtun_st_rand(st, 100);
	unsigned int i, n;
	bool replace;

	if (st->n_ref > XTUN_ST_REF_HIGH)
		r = 90;		/* shrink before the reference fills */
	if (r < 65) {
		st->phase = "random update";
		replace = false;
		n = 1 + xtun_st_rand(st, XTUN_ST_BATCH_MAX);
	} else if (r < 85) {
		st->phase = "random replace";
		replace = true;
		n = xtun_st_rand(st, XTUN_ST_BATCH_MAX + 1);
	} else if (r < 95) {
		st->phase = "random remove-by-peer";
		xtun_st_remove_peer(st, peer);
		return true;
	} else {
		return true;
	}
	for (i = 0; i < n; i++)
		xtun_st_random_change(st, &changes[i]);
	return xtun_st_update(st, peer, replace, changes, n);
}

/* Addresses in the prefixes, at their edges, and anywhere. */
static bool __init xtun_st_random_lookup(struct xtun_st_aip *st)
{
	const struct xtun_st_prefix *p;
	u8 addr[16] = { };
	u16 family;

	if (st->n_ref && xtun_st_rand(st, 2)) {
		p = &st->ref[xtun_st_rand(st, st->n_ref)];
		family = p->family;
		memcpy(addr, p->addr, sizeof(addr));
		xtun_st_scramble(st, addr, family, p->cidr);
		/* Just outside: the last bit of the prefix flipped. */
		if (p->cidr && !xtun_st_rand(st, 4))
			addr[(p->cidr - 1) / 8] ^= 0x80 >> ((p->cidr - 1) % 8);
	} else {
		family = xtun_st_rand(st, 2) ? AF_INET6 : AF_INET;
		xtun_st_random_addr(st, family, addr);
	}
	return xtun_st_expect(st, family, addr,
			      xtun_st_ref_lookup(st, family, addr));
}

static bool __init xtun_st_random_rounds(struct xtun_st_aip *st)
{
	u64 end = ktime_get_ns() + XTUN_ST_ROUNDS_NS;
	unsigned int round, i;

	prandom_bytes_state(st->rnd, st->clusters, sizeof(st->clusters));
	for (round = 0; round < XTUN_ST_ROUNDS_MAX; round++) {
		if (round >= XTUN_ST_ROUNDS_MIN && ktime_get_ns() > end)
			break;
		if (!xtun_st_random_update(st))
			goto err;
		st->phase = "random lookup";
		for (i = 0; i < XTUN_ST_LOOKUPS; i++)
			if (!xtun_st_random_lookup(st))
				goto err;
		st->phase = "random walk";
		if (round % XTUN_ST_WALK_EVERY == XTUN_ST_WALK_EVERY - 1 &&
		    !xtun_st_check_walks(st))
			goto err;
	}
	st->phase = "walks after the random rounds";
	if (xtun_st_check_walks(st))
		return true;

err:
	pr_err("xtun: self-test allowedips: at random round %u, %u prefixes\n",
	       round, st->n_ref);
	return false;
}

/* Remove every peer: nothing is found any more, and each has its reference. */
static bool __init xtun_st_empty(struct xtun_st_aip *st)
{
	static const u8 zero[16];
	unsigned int i, refs;

	for (i = 0; i < XTUN_ST_PEERS; i++)
		xtun_st_remove_peer(st, st->peers[i]);
	if (!xtun_st_expect(st, AF_INET, zero, NULL) ||
	    !xtun_st_expect(st, AF_INET6, zero, NULL) ||
	    !xtun_st_check_walks(st))
		return false;
	for (i = 0; i < XTUN_ST_PEERS; i++) {
		refs = kref_read(&st->peers[i]->refcount);
		if (refs != 1) {
			pr_err("xtun: self-test allowedips: peer %u has %u references after the lookups, expected 1\n",
			       i, refs);
			return false;
		}
	}
	return true;
}

static bool __init xtun_st_aip_run(struct xtun_st_aip *st)
{
	st->phase = "hand-written cases";
	if (!xtun_st_hand_cases(st))
		return false;
	st->phase = "emptying after the hand-written cases";
	if (!xtun_st_empty(st))
		return false;
	if (!xtun_st_random_rounds(st))
		return false;
	st->phase = "emptying after the random rounds";
	return xtun_st_empty(st);
}

/* The peers and packets; on failure, what was allocated stays for the free. */
static bool __init xtun_st_alloc(struct xtun_st_aip *st)
{
	unsigned int i;

	for (i = 0; i < XTUN_ST_PEERS; i++) {
		st->peers[i] = kzalloc(sizeof(*st->peers[i]), GFP_KERNEL);
		if (!st->peers[i])
			return false;
		kref_init(&st->peers[i]->refcount);
	}
	st->skb4 = xtun_selftest_ip_skb(AF_INET);
	st->skb6 = xtun_selftest_ip_skb(AF_INET6);
	return st->skb4 && st->skb6;
}

static void __init xtun_st_free(struct xtun_st_aip *st)
{
	unsigned int i;

	kfree_skb(st->skb6);
	kfree_skb(st->skb4);
	for (i = 0; i < XTUN_ST_PEERS; i++)
		kfree(st->peers[i]);
	mutex_destroy(&st->lock);
	kvfree(st);
}

bool __init xtun_selftest_allowedips(struct rnd_state *rnd)
{
	struct xtun_st_aip *st = kvzalloc(sizeof(*st), GFP_KERNEL);
	bool passed;

	if (!st)
		return false;
	st->rnd = rnd;
	mutex_init(&st->lock);
	xtun_allowedips_init(&st->table, &st->lock);

	passed = xtun_st_alloc(st) && xtun_st_aip_run(st);

	mutex_lock(&st->lock);
	xtun_allowedips_free(&st->table);
	mutex_unlock(&st->lock);
	xtun_st_free(st);
	return passed;
}
