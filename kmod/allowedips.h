/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed IPs: which peer an inner address belongs to ("cryptokey
 * routing").  Transmit looks up the destination, receive checks the source.
 *
 * Structure.  Each address family has a binary trie with path compression
 * (the design the WireGuard paper describes).  A node stands for one prefix
 * and has at most two children, one for each value of the first bit after
 * its prefix; a chain of one-child nodes is never kept, so a node either
 * belongs to a peer or branches.  Every prefix a peer owns is one node, and
 * each peer lists its own nodes (struct xtun_aip_peer, in struct xtun_peer).
 *
 * Costs, with B the address bits (32 or 128), k the peer's prefixes:
 *   lookup				O(B), exact longest-prefix match
 *   add or remove one prefix		O(B), at most two nodes allocated
 *   xtun_allowedips_remove_by_peer	O(k)
 *   xtun_allowedips_walk_peer		O(k) for all of k; resuming O(B),
 *					or O(k) when its prefix was removed
 *   xtun_allowedips_free		O(all nodes), no grace period waited
 *
 * Locking.  Lookups take no lock: they run under rcu_read_lock_bh() and
 * follow __rcu child and peer pointers, so they see every node either
 * before or after a change, never half-made.  Everything else must be
 * called with the table's lock held (the device's update_lock): it guards
 * the tries' shape, the parent pointers and every peer's list.  Unlinked
 * nodes are freed after a grace period (kfree_rcu), so no writer waits for
 * readers.  Nothing here takes a peer reference except the lookups: a peer
 * must be removed from the table before it is freed.
 */
#ifndef _XTUN_ALLOWEDIPS_H
#define _XTUN_ALLOWEDIPS_H

#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>

struct xtun_peer;
struct xtun_aip_node;

/*
 * A peer's prefixes, oldest first: the order in which they were added.
 * All zeroes is the empty list, so a peer needs no set-up for the table.
 */
struct xtun_aip_peer {
	struct hlist_head nodes;
	struct hlist_node *last;	/* NULL when empty */
};

/*
 * Prefixes one table (one device) may hold.  Room for a full Internet
 * routing table of both families with headroom; at most twice as many
 * nodes, some 400 MiB, charged to the configuring task's memory cgroup.
 * Beyond it, updates fail with -ENOSPC.  The module parameter
 * max_allowedips lowers it.
 */
#define XTUN_MAX_ALLOWEDIPS_PER_DEVICE	BIT(21)

struct xtun_allowedips {
	struct xtun_aip_node __rcu *root4;
	struct xtun_aip_node __rcu *root6;
	struct mutex *lock;	/* the device's update_lock */
	unsigned int prefixes;	/* nodes with a peer; under @lock */
	u64 seq;		/* the last node's place; under @lock */
};

/* One change of a peer's prefixes, applied with xtun_allowedips_update(). */
struct xtun_aip_change {
	u8 addr[16];
	u8 cidr;
	u16 family;
	bool remove;
};

void xtun_allowedips_init(struct xtun_allowedips *table, struct mutex *lock);
/* Empties the table, in one pass; it can be used again. */
void xtun_allowedips_free(struct xtun_allowedips *table);
/* Whether @n_add more prefixes fit beside @prefixes (see above). */
bool xtun_allowedips_room(unsigned int prefixes, unsigned int n_add);
/* -ENOSPC: the additions could take it beyond its bound (see above). */
int xtun_allowedips_update(struct xtun_allowedips *table,
			   struct xtun_peer *peer, bool replace,
			   const struct xtun_aip_change *changes,
			   unsigned int n_changes);
void xtun_allowedips_remove_by_peer(struct xtun_allowedips *table,
				    struct xtun_peer *peer);

/*
 * A place in a peer's list of prefixes that outlives the lock: the prefix
 * and the number it got when it joined the list.  The numbers grow in the
 * list's order and are never reused, so a walk resumes at the prefix in
 * O(B), or after it, by number, when it has left the list meanwhile.
 * Prefixes that stay in the list are then each given once; one that
 * leaves and comes back is new.
 */
struct xtun_aip_pos {
	u64 seq;		/* 0: at the start */
	u8 addr[16];
	u16 family;
	u8 cidr;
};

/*
 * Calls @fn for @peer's prefixes from @pos on until it fails; @pos then
 * names the prefix it failed on, for the next walk to start at.
 */
int xtun_allowedips_walk_peer(struct xtun_allowedips *table,
			      struct xtun_peer *peer, struct xtun_aip_pos *pos,
			      int (*fn)(void *ctx, u16 family, const u8 *addr,
					u8 cidr),
			      void *ctx);

/* The peer whose list holds the prefix @pos names, NULL if none does. */
struct xtun_peer *xtun_allowedips_peer_at(struct xtun_allowedips *table,
					  const struct xtun_aip_pos *pos);

struct xtun_peer *xtun_allowedips_lookup_dst(struct xtun_allowedips *table,
					     struct sk_buff *skb);
struct xtun_peer *xtun_allowedips_lookup_src(struct xtun_allowedips *table,
					     struct sk_buff *skb);

#endif /* _XTUN_ALLOWEDIPS_H */
