// SPDX-License-Identifier: GPL-2.0
/*
 * Allowed IPs as immutable, RCU-replaced tables; see allowedips.h for why.
 */

#include <linux/slab.h>
#include <linux/sort.h>

#include "allowedips.h"
#include "peer.h"

static unsigned int xtun_aip_addr_len(u16 family)
{
	return family == AF_INET ? 4 : 16;
}

static void xtun_aip_mask(u8 *addr, u8 cidr, unsigned int len)
{
	unsigned int i;

	for (i = cidr / 8; i < len; i++) {
		if (i == cidr / 8 && cidr % 8)
			addr[i] &= 0xff << (8 - cidr % 8);
		else
			addr[i] = 0;
	}
}

void xtun_allowedips_init(struct xtun_allowedips *table, struct mutex *lock)
{
	RCU_INIT_POINTER(table->v4, NULL);
	RCU_INIT_POINTER(table->v6, NULL);
	table->lock = lock;
}

static struct xtun_aip_table __rcu **
xtun_aip_slot(struct xtun_allowedips *table, u16 family)
{
	return family == AF_INET ? &table->v4 : &table->v6;
}

static struct xtun_aip_table *xtun_aip_get(struct xtun_allowedips *table,
					   u16 family)
{
	return rcu_dereference_protected(*xtun_aip_slot(table, family),
					 lockdep_is_held(table->lock));
}

void xtun_allowedips_free(struct xtun_allowedips *table)
{
	struct xtun_aip_table *v4 = rcu_dereference_raw(table->v4);
	struct xtun_aip_table *v6 = rcu_dereference_raw(table->v6);

	RCU_INIT_POINTER(table->v4, NULL);
	RCU_INIT_POINTER(table->v6, NULL);
	if (v4)
		kvfree_rcu(v4, rcu);
	if (v6)
		kvfree_rcu(v6, rcu);
}

/*
 * A table under construction: the old entries and the requested changes,
 * in request order, sorted together so that every prefix's history is one
 * run and the whole rebuild costs O(n log n).
 */
struct xtun_aip_op {
	struct xtun_aip_entry entry;
	u32 seq;		/* old entries first, then changes in order */
	bool remove;
};

static int xtun_aip_op_cmp(const void *a, const void *b, const void *priv)
{
	const struct xtun_aip_op *x = a, *y = b;
	const unsigned int *len = priv;
	int cmp;

	if (x->entry.cidr != y->entry.cidr)
		return x->entry.cidr > y->entry.cidr ? -1 : 1;
	cmp = memcmp(x->entry.addr, y->entry.addr, *len);
	if (cmp)
		return cmp;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool xtun_aip_same_prefix(const struct xtun_aip_entry *x,
				 const struct xtun_aip_entry *y,
				 unsigned int len)
{
	return x->cidr == y->cidr && !memcmp(x->addr, y->addr, len);
}

/* Replay each prefix's run of operations; keep the prefixes still owned. */
static struct xtun_aip_table *xtun_aip_collapse(struct xtun_aip_op *ops,
						u32 n_ops, unsigned int len,
						struct xtun_peer *peer)
{
	struct xtun_aip_table *t;
	struct xtun_peer *owner;
	u32 i, n = 0;

	t = kvzalloc(struct_size(t, entries, n_ops), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);

	for (i = 0; i < n_ops; i++) {
		owner = NULL;
		for (;; i++) {
			if (!ops[i].remove)
				owner = ops[i].entry.peer;
			else if (owner == peer)
				owner = NULL;
			if (i + 1 == n_ops ||
			    !xtun_aip_same_prefix(&ops[i].entry,
						  &ops[i + 1].entry, len))
				break;
		}
		if (!owner)
			continue;
		t->entries[n] = ops[i].entry;
		t->entries[n].peer = owner;
		if (!n || t->entries[n].cidr != t->entries[n - 1].cidr) {
			t->groups[t->n_groups].start = n;
			t->groups[t->n_groups].cidr = t->entries[n].cidr;
			t->n_groups++;
		}
		t->groups[t->n_groups - 1].count++;
		n++;
	}
	t->n_entries = n;
	if (!n) {
		kvfree(t);
		return NULL;
	}
	return t;
}

/*
 * Build the new table of one family: the old one, minus @peer's prefixes
 * when @replace, with @changes of that family applied.
 */
static struct xtun_aip_table *
xtun_aip_rebuild(struct xtun_aip_table *old, u16 family,
		 struct xtun_peer *peer, bool replace,
		 const struct xtun_aip_change *changes, unsigned int n_changes)
{
	unsigned int len = xtun_aip_addr_len(family);
	u32 i, n = 0, max = n_changes;
	struct xtun_aip_table *t;
	struct xtun_aip_op *ops;

	if (old)
		max += old->n_entries;
	if (!max)
		return NULL;
	ops = kvcalloc(max, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return ERR_PTR(-ENOMEM);

	for (i = 0; old && i < old->n_entries; i++) {
		if (replace && old->entries[i].peer == peer)
			continue;
		ops[n].entry = old->entries[i];
		ops[n].seq = n;
		n++;
	}
	for (i = 0; i < n_changes; i++) {
		if (changes[i].family != family)
			continue;
		memcpy(ops[n].entry.addr, changes[i].addr, len);
		xtun_aip_mask(ops[n].entry.addr, changes[i].cidr, len);
		ops[n].entry.cidr = changes[i].cidr;
		ops[n].entry.peer = peer;
		ops[n].remove = changes[i].remove;
		ops[n].seq = n;
		n++;
	}

	sort_r(ops, n, sizeof(*ops), xtun_aip_op_cmp, NULL, &len);
	t = n ? xtun_aip_collapse(ops, n, len, peer) : NULL;
	kvfree(ops);
	return t;
}

static int xtun_aip_update_family(struct xtun_allowedips *table, u16 family,
				  struct xtun_peer *peer, bool replace,
				  const struct xtun_aip_change *changes,
				  unsigned int n_changes,
				  struct xtun_aip_table **new)
{
	*new = xtun_aip_rebuild(xtun_aip_get(table, family), family, peer,
				replace, changes, n_changes);
	return PTR_ERR_OR_ZERO(*new);
}

static void xtun_aip_publish(struct xtun_allowedips *table, u16 family,
			     struct xtun_aip_table *new)
{
	struct xtun_aip_table *old = xtun_aip_get(table, family);

	rcu_assign_pointer(*xtun_aip_slot(table, family), new);
	if (old)
		kvfree_rcu(old, rcu);
}

/*
 * Apply @changes for @peer (after removing all of its prefixes when
 * @replace).  All or nothing: on failure neither family changes.
 */
int xtun_allowedips_update(struct xtun_allowedips *table,
			   struct xtun_peer *peer, bool replace,
			   const struct xtun_aip_change *changes,
			   unsigned int n_changes)
{
	struct xtun_aip_table *v4, *v6;
	int ret;

	lockdep_assert_held(table->lock);

	ret = xtun_aip_update_family(table, AF_INET, peer, replace, changes,
				     n_changes, &v4);
	if (ret)
		return ret;
	ret = xtun_aip_update_family(table, AF_INET6, peer, replace, changes,
				     n_changes, &v6);
	if (ret) {
		kvfree(v4);
		return ret;
	}
	xtun_aip_publish(table, AF_INET, v4);
	xtun_aip_publish(table, AF_INET6, v6);
	return 0;
}

/* Cannot fail: a peer must leave the tables before it is freed. */
static void xtun_aip_forget_in_place(struct xtun_aip_table *t,
				     struct xtun_peer *peer)
{
	u32 i;

	for (i = 0; t && i < t->n_entries; i++)
		if (t->entries[i].peer == peer)
			WRITE_ONCE(t->entries[i].peer, NULL);
}

void xtun_allowedips_remove_by_peer(struct xtun_allowedips *table,
				    struct xtun_peer *peer)
{
	if (!xtun_allowedips_update(table, peer, true, NULL, 0))
		return;
	/*
	 * Out of memory: leave holes instead.  A lookup that hits one finds
	 * no peer, which is what the dying peer's prefixes should give.
	 */
	xtun_aip_forget_in_place(xtun_aip_get(table, AF_INET), peer);
	xtun_aip_forget_in_place(xtun_aip_get(table, AF_INET6), peer);
}

int xtun_allowedips_walk_peer(struct xtun_allowedips *table,
			      struct xtun_peer *peer, unsigned long skip,
			      int (*fn)(void *ctx, u16 family, const u8 *addr,
					u8 cidr),
			      void *ctx)
{
	static const u16 families[] = { AF_INET, AF_INET6 };
	struct xtun_aip_table *t;
	unsigned int f;
	int ret;
	u32 i;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		t = xtun_aip_get(table, families[f]);
		for (i = 0; t && i < t->n_entries; i++) {
			if (t->entries[i].peer != peer)
				continue;
			if (skip) {
				skip--;
				continue;
			}
			ret = fn(ctx, families[f], t->entries[i].addr,
				 t->entries[i].cidr);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static struct xtun_peer *xtun_aip_lookup(struct xtun_aip_table *t,
					 const u8 *addr, unsigned int len)
{
	const struct xtun_aip_group *g;
	u8 masked[16];
	u32 lo, hi, mid;
	int cmp;

	for (g = t->groups; g < t->groups + t->n_groups; g++) {
		memcpy(masked, addr, len);
		xtun_aip_mask(masked, g->cidr, len);
		lo = g->start;
		hi = g->start + g->count;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			cmp = memcmp(masked, t->entries[mid].addr, len);
			if (!cmp)
				return READ_ONCE(t->entries[mid].peer);
			if (cmp < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return NULL;
}

/* Returns the peer with a reference, or NULL. */
static struct xtun_peer *xtun_allowedips_lookup(struct xtun_allowedips *table,
						u16 family, const u8 *addr)
{
	struct xtun_peer *peer = NULL;
	struct xtun_aip_table *t;

	rcu_read_lock_bh();
	t = rcu_dereference_bh(*xtun_aip_slot(table, family));
	if (t) {
		peer = xtun_aip_lookup(t, addr, xtun_aip_addr_len(family));
		peer = xtun_peer_get_maybe_zero(peer);
	}
	rcu_read_unlock_bh();
	return peer;
}

static const u8 *xtun_aip_skb_addr(struct sk_buff *skb, bool dst, u16 *family)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		*family = AF_INET;
		return dst ? (u8 *)&ip_hdr(skb)->daddr :
			     (u8 *)&ip_hdr(skb)->saddr;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		*family = AF_INET6;
		return dst ? (u8 *)&ipv6_hdr(skb)->daddr :
			     (u8 *)&ipv6_hdr(skb)->saddr;
	}
	return NULL;
}

/* @skb's network header must be pulled and its protocol set. */
struct xtun_peer *xtun_allowedips_lookup_dst(struct xtun_allowedips *table,
					     struct sk_buff *skb)
{
	const u8 *addr;
	u16 family;

	addr = xtun_aip_skb_addr(skb, true, &family);
	return addr ? xtun_allowedips_lookup(table, family, addr) : NULL;
}

struct xtun_peer *xtun_allowedips_lookup_src(struct xtun_allowedips *table,
					     struct sk_buff *skb)
{
	const u8 *addr;
	u16 family;

	addr = xtun_aip_skb_addr(skb, false, &family);
	return addr ? xtun_allowedips_lookup(table, family, addr) : NULL;
}
