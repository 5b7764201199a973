/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed IPs: which peer an inner address belongs to ("cryptokey
 * routing").  Transmit looks up the destination, receive checks the source.
 *
 * Each address family has one immutable table, sorted by prefix length
 * (longest first) and then by address, replaced as a whole under RCU when
 * the configuration changes.  A lookup binary-searches each prefix length
 * present, longest first, so it costs O(lengths * log(prefixes)) and never
 * takes a lock.  Changes are rare and rebuild the table under the device's
 * update_lock.
 */
#ifndef _XTUN_ALLOWEDIPS_H
#define _XTUN_ALLOWEDIPS_H

#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>

struct xtun_peer;

struct xtun_aip_entry {
	u8 addr[16];		/* network byte order, host bits zero */
	u8 cidr;
	struct xtun_peer *peer;	/* no reference: entries go before peers */
};

/* A run of entries that share one prefix length. */
struct xtun_aip_group {
	u32 start;
	u32 count;
	u8 cidr;
};

struct xtun_aip_table {
	struct rcu_head rcu;
	u32 n_entries;
	u32 n_groups;
	struct xtun_aip_group groups[129];
	struct xtun_aip_entry entries[];
};

struct xtun_allowedips {
	struct xtun_aip_table __rcu *v4;
	struct xtun_aip_table __rcu *v6;
	struct mutex *lock;	/* the device's update_lock */
};

/* One change of a peer's prefixes, applied with xtun_allowedips_update(). */
struct xtun_aip_change {
	u8 addr[16];
	u8 cidr;
	u16 family;
	bool remove;
};

void xtun_allowedips_init(struct xtun_allowedips *table, struct mutex *lock);
void xtun_allowedips_free(struct xtun_allowedips *table);
int xtun_allowedips_update(struct xtun_allowedips *table,
			   struct xtun_peer *peer, bool replace,
			   const struct xtun_aip_change *changes,
			   unsigned int n_changes);
void xtun_allowedips_remove_by_peer(struct xtun_allowedips *table,
				    struct xtun_peer *peer);

/* Calls @fn for the @skip-th and later prefixes of @peer until it fails. */
int xtun_allowedips_walk_peer(struct xtun_allowedips *table,
			      struct xtun_peer *peer, unsigned long skip,
			      int (*fn)(void *ctx, u16 family, const u8 *addr,
					u8 cidr),
			      void *ctx);

struct xtun_peer *xtun_allowedips_lookup_dst(struct xtun_allowedips *table,
					     struct sk_buff *skb);
struct xtun_peer *xtun_allowedips_lookup_src(struct xtun_allowedips *table,
					     struct sk_buff *skb);

#endif /* _XTUN_ALLOWEDIPS_H */
