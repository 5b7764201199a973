// SPDX-License-Identifier: GPL-2.0
/*
 * A token bucket per source: an IPv4 address, or an IPv6 /64 (one host
 * usually owns a whole /64).  Buckets live in one module-wide table, keyed
 * by namespace and source, and are forgotten a second after their last
 * packet, when a full bucket would be equivalent anyway.
 */

#include <linux/hashtable.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "ratelimiter.h"

#define XTUN_RL_PACKET_COST		(NSEC_PER_SEC / XTUN_RL_PACKETS_PER_SECOND)
#define XTUN_RL_TOKEN_MAX		(XTUN_RL_PACKET_COST * XTUN_RL_PACKETS_BURSTABLE)
#define XTUN_RL_MAX_ENTRIES		8192

struct xtun_rl_entry {
	struct hlist_node hash;
	struct rcu_head rcu;
	const struct net *net;
	u64 key;		/* IPv4 address, or the /64 of an IPv6 one */
	u8 family;
	u64 last_time_ns;
	u64 tokens;
	spinlock_t lock;	/* guards last_time_ns and tokens */
};

static DEFINE_HASHTABLE(xtun_rl_table, 12);
static DEFINE_SPINLOCK(xtun_rl_table_lock);	/* writers of the table */
static unsigned int xtun_rl_entries;		/* under xtun_rl_table_lock */
static struct delayed_work xtun_rl_gc_work;

static u32 xtun_rl_hash(const struct net *net, u64 key, u8 family)
{
	return jhash_3words((u32)key, (u32)(key >> 32),
			    (u32)(unsigned long)net ^ family, 0);
}

static void xtun_rl_gc(struct work_struct *work)
{
	const u64 now = ktime_get_coarse_boottime_ns();
	struct xtun_rl_entry *entry;
	struct hlist_node *tmp;
	unsigned int bkt;

	spin_lock_bh(&xtun_rl_table_lock);
	hash_for_each_safe(xtun_rl_table, bkt, tmp, entry, hash) {
		if (!work || now - READ_ONCE(entry->last_time_ns) > NSEC_PER_SEC) {
			hash_del_rcu(&entry->hash);
			xtun_rl_entries--;
			kfree_rcu(entry, rcu);
		}
	}
	spin_unlock_bh(&xtun_rl_table_lock);

	if (work)
		queue_delayed_work(system_power_efficient_wq, &xtun_rl_gc_work,
				   HZ);
}

/* The source of @skb as a bucket key; false for an unknown protocol. */
static bool xtun_rl_key(struct sk_buff *skb, u64 *key, u8 *family)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		*key = (__force u32)ip_hdr(skb)->saddr;
		*family = AF_INET;
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		memcpy(key, &ipv6_hdr(skb)->saddr, sizeof(*key));
		*family = AF_INET6;
		return true;
	}
	return false;
}

static bool xtun_rl_take_token(struct xtun_rl_entry *entry, u64 now)
{
	bool ret;

	spin_lock(&entry->lock);
	entry->tokens = min_t(u64, XTUN_RL_TOKEN_MAX,
			      entry->tokens + now - entry->last_time_ns);
	entry->last_time_ns = now;
	ret = entry->tokens >= XTUN_RL_PACKET_COST;
	if (ret)
		entry->tokens -= XTUN_RL_PACKET_COST;
	spin_unlock(&entry->lock);
	return ret;
}

/* A new source starts with a full bucket, minus this packet. */
static bool xtun_rl_add(const struct net *net, u64 key, u8 family, u32 hash,
			u64 now)
{
	struct xtun_rl_entry *entry;
	bool ret = false;

	spin_lock(&xtun_rl_table_lock);
	/* Too many sources at once: refuse rather than grow without bound. */
	if (xtun_rl_entries >= XTUN_RL_MAX_ENTRIES)
		goto out;
	entry = kmalloc(sizeof(*entry), GFP_ATOMIC);
	if (!entry)
		goto out;
	entry->net = net;
	entry->key = key;
	entry->family = family;
	entry->last_time_ns = now;
	entry->tokens = XTUN_RL_TOKEN_MAX - XTUN_RL_PACKET_COST;
	spin_lock_init(&entry->lock);
	hash_add_rcu(xtun_rl_table, &entry->hash, hash);
	xtun_rl_entries++;
	ret = true;
out:
	spin_unlock(&xtun_rl_table_lock);
	return ret;
}

static bool xtun_rl_allow(struct sk_buff *skb, struct net *net, u64 now)
{
	struct xtun_rl_entry *entry;
	u8 family;
	bool ret;
	u64 key;
	u32 hash;

	if (!xtun_rl_key(skb, &key, &family))
		return false;
	hash = xtun_rl_hash(net, key, family);

	rcu_read_lock_bh();
	hash_for_each_possible_rcu(xtun_rl_table, entry, hash, hash) {
		if (entry->net == net && entry->key == key &&
		    entry->family == family) {
			ret = xtun_rl_take_token(entry, now);
			rcu_read_unlock_bh();
			return ret;
		}
	}
	rcu_read_unlock_bh();

	local_bh_disable();
	ret = xtun_rl_add(net, key, family, hash, now);
	local_bh_enable();
	return ret;
}

bool xtun_ratelimiter_allow(struct sk_buff *skb, struct net *net)
{
	return xtun_rl_allow(skb, net, ktime_get_coarse_boottime_ns());
}

#ifdef XTUN_DEBUG
/* For the self-test: a clock of its own, and a clean table afterwards. */
bool xtun_ratelimiter_allow_at(struct sk_buff *skb, struct net *net, u64 now)
{
	return xtun_rl_allow(skb, net, now);
}

void xtun_ratelimiter_forget_all(void)
{
	xtun_rl_gc(NULL);
}
#endif

int __init xtun_ratelimiter_init(void)
{
	INIT_DELAYED_WORK(&xtun_rl_gc_work, xtun_rl_gc);
	queue_delayed_work(system_power_efficient_wq, &xtun_rl_gc_work, HZ);
	return 0;
}

void xtun_ratelimiter_uninit(void)
{
	cancel_delayed_work_sync(&xtun_rl_gc_work);
	xtun_rl_gc(NULL);	/* forget every entry */
}
