// SPDX-License-Identifier: GPL-2.0
/*
 * A token bucket per source: an IPv4 address, or an IPv6 /64 (one host
 * usually owns a whole /64).  Buckets live in one module-wide table, keyed
 * by namespace and source, and are forgotten a second after their last
 * packet, when a full bucket would be equivalent anyway.
 *
 * The table is sized from memory, as WireGuard sizes its own, and holds a
 * bounded number of buckets; a new source finds none when it is full.  So
 * that sources flooding one namespace cannot take them all and leave the
 * clients of another refused, each namespace may hold only a share.
 *
 * Namespaces are compared, never followed.  The buckets of a namespace
 * that goes away are forgotten within a second or two; a new namespace at
 * the same address may inherit them until then, which can cost a few of
 * its handshakes at most.
 */

#include <linux/hashtable.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "ratelimiter.h"

#define XTUN_RL_PACKET_COST		(NSEC_PER_SEC / XTUN_RL_PACKETS_PER_SECOND)
#define XTUN_RL_TOKEN_MAX		(XTUN_RL_PACKET_COST * XTUN_RL_PACKETS_BURSTABLE)

/*
 * Hash chains: one per 128 KiB of memory, from 16 to 8192 (1 GiB and
 * more).  A full table has this many buckets per chain on average.
 */
#define XTUN_RL_CHAINS_MIN		16
#define XTUN_RL_CHAINS_MAX		8192
#define XTUN_RL_BUCKETS_PER_CHAIN	8

/*
 * A namespace may hold 1/8 of the buckets: it takes floods in eight
 * namespaces at once to refuse new sources in a ninth, and one namespace
 * still has as many buckets as there are chains (8192 from 1 GiB on).
 */
#define XTUN_RL_NET_SHARES		8

/* How many buckets the sources of one namespace hold. */
struct xtun_rl_net {
	struct hlist_node hash;
	const struct net *net;
	unsigned int buckets;
};

struct xtun_rl_entry {
	struct hlist_node hash;
	struct rcu_head rcu;
	const struct net *net;
	struct xtun_rl_net *account;	/* under xtun_rl_lock */
	u64 key;		/* IPv4 address, or the /64 of an IPv6 one */
	u8 family;
	u64 last_time_ns;
	u64 tokens;
	spinlock_t lock;	/* guards last_time_ns and tokens */
};

static struct hlist_head *xtun_rl_table __read_mostly;
static unsigned int xtun_rl_chains __read_mostly;	/* a power of 2 */
static hsiphash_key_t xtun_rl_hash_key __read_mostly;

/*
 * Writers of the table take xtun_rl_lock; it also guards the namespaces'
 * accounts and all the counts and bounds below.
 */
static DEFINE_SPINLOCK(xtun_rl_lock);
static DEFINE_HASHTABLE(xtun_rl_nets, 6);
static unsigned int xtun_rl_buckets;
static unsigned int xtun_rl_max_buckets;
static unsigned int xtun_rl_net_max_buckets;
static struct delayed_work xtun_rl_gc_work;

/*
 * Sources are the choice of whoever sends to us: without a secret key
 * they could be picked to share one chain.
 */
static struct hlist_head *xtun_rl_chain(const struct net *net, u64 key,
					u8 family)
{
	unsigned long net_word = (unsigned long)net;
	u32 hash;

	hash = hsiphash_4u32(lower_32_bits(key), upper_32_bits(key),
			     lower_32_bits(net_word),
			     upper_32_bits(net_word) ^ family,
			     &xtun_rl_hash_key);
	return &xtun_rl_table[hash & (xtun_rl_chains - 1)];
}

/* Under RCU or xtun_rl_lock. */
static struct xtun_rl_entry *xtun_rl_find(struct hlist_head *chain,
					  const struct net *net, u64 key,
					  u8 family)
{
	struct xtun_rl_entry *entry;

	hlist_for_each_entry_rcu(entry, chain, hash,
				 lockdep_is_held(&xtun_rl_lock))
		if (entry->net == net && entry->key == key &&
		    entry->family == family)
			return entry;
	return NULL;
}

static struct xtun_rl_net *xtun_rl_find_account(const struct net *net)
{
	struct xtun_rl_net *account;

	lockdep_assert_held(&xtun_rl_lock);

	hash_for_each_possible(xtun_rl_nets, account, hash, (unsigned long)net)
		if (account->net == net)
			return account;
	return NULL;
}

static void xtun_rl_remove(struct xtun_rl_entry *entry)
{
	struct xtun_rl_net *account = entry->account;

	lockdep_assert_held(&xtun_rl_lock);

	hlist_del_rcu(&entry->hash);
	xtun_rl_buckets--;
	/* Only writers, under the lock, use an account: no grace period. */
	if (!--account->buckets) {
		hash_del(&account->hash);
		kfree(account);
	}
	kfree_rcu(entry, rcu);
}

/* Forget the buckets idle for a second; with no @work, every bucket. */
static void xtun_rl_gc(struct work_struct *work)
{
	const u64 now = ktime_get_coarse_boottime_ns();
	struct xtun_rl_entry *entry;
	struct hlist_node *tmp;
	unsigned int i;

	/* A chain at a time, so that new sources do not wait for them all. */
	for (i = 0; i < xtun_rl_chains; i++) {
		spin_lock_bh(&xtun_rl_lock);
		hlist_for_each_entry_safe(entry, tmp, &xtun_rl_table[i], hash)
			if (!work ||
			    now - READ_ONCE(entry->last_time_ns) > NSEC_PER_SEC)
				xtun_rl_remove(entry);
		spin_unlock_bh(&xtun_rl_lock);
		cond_resched();
	}

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
	/* The collector reads it without the lock. */
	WRITE_ONCE(entry->last_time_ns, now);
	ret = entry->tokens >= XTUN_RL_PACKET_COST;
	if (ret)
		entry->tokens -= XTUN_RL_PACKET_COST;
	spin_unlock(&entry->lock);
	return ret;
}

/*
 * A new source starts with a full bucket, minus this packet, if the table
 * and its namespace's share have room.  Called with BHs off.
 */
static bool xtun_rl_add(const struct net *net, u64 key, u8 family,
			struct hlist_head *chain, u64 now)
{
	struct xtun_rl_net *account;
	struct xtun_rl_entry *entry;
	bool ret = false;

	spin_lock(&xtun_rl_lock);
	/* Another CPU may have added it since we looked. */
	entry = xtun_rl_find(chain, net, key, family);
	if (unlikely(entry)) {
		ret = xtun_rl_take_token(entry, now);
		goto out;
	}

	account = xtun_rl_find_account(net);
	if (xtun_rl_buckets >= xtun_rl_max_buckets ||
	    (account && account->buckets >= xtun_rl_net_max_buckets))
		goto out;

	entry = kmalloc(sizeof(*entry), GFP_ATOMIC);
	if (!entry)
		goto out;
	if (!account) {
		account = kmalloc(sizeof(*account), GFP_ATOMIC);
		if (!account)
			goto err_free_entry;
		account->net = net;
		account->buckets = 0;
		hash_add(xtun_rl_nets, &account->hash, (unsigned long)net);
	}

	entry->net = net;
	entry->account = account;
	entry->key = key;
	entry->family = family;
	entry->last_time_ns = now;
	entry->tokens = XTUN_RL_TOKEN_MAX - XTUN_RL_PACKET_COST;
	spin_lock_init(&entry->lock);
	hlist_add_head_rcu(&entry->hash, chain);
	account->buckets++;
	xtun_rl_buckets++;
	ret = true;
	goto out;

err_free_entry:
	kfree(entry);
out:
	spin_unlock(&xtun_rl_lock);
	return ret;
}

static bool xtun_rl_allow(struct sk_buff *skb, struct net *net, u64 now)
{
	struct xtun_rl_entry *entry;
	struct hlist_head *chain;
	u8 family;
	bool ret;
	u64 key;

	if (!xtun_rl_key(skb, &key, &family))
		return false;
	chain = xtun_rl_chain(net, key, family);

	rcu_read_lock_bh();
	entry = xtun_rl_find(chain, net, key, family);
	if (likely(entry))
		ret = xtun_rl_take_token(entry, now);
	else
		ret = xtun_rl_add(net, key, family, chain, now);
	rcu_read_unlock_bh();
	return ret;
}

bool xtun_ratelimiter_allow(struct sk_buff *skb, struct net *net)
{
	return xtun_rl_allow(skb, net, ktime_get_coarse_boottime_ns());
}

static void xtun_rl_set_bounds(unsigned int max_buckets,
			       unsigned int net_max_buckets)
{
	spin_lock_bh(&xtun_rl_lock);
	xtun_rl_max_buckets = max_buckets;
	xtun_rl_net_max_buckets = net_max_buckets;
	spin_unlock_bh(&xtun_rl_lock);
}

static void xtun_rl_set_default_bounds(void)
{
	unsigned int max_buckets = xtun_rl_chains * XTUN_RL_BUCKETS_PER_CHAIN;

	xtun_rl_set_bounds(max_buckets, max_buckets / XTUN_RL_NET_SHARES);
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

/* Bounds a self-test reaches in a few packets; both 0: the real ones. */
void xtun_ratelimiter_set_bounds(unsigned int max_buckets,
				 unsigned int net_max_buckets)
{
	if (!max_buckets && !net_max_buckets)
		xtun_rl_set_default_bounds();
	else
		xtun_rl_set_bounds(max_buckets, net_max_buckets);
}
#endif

/* Allocates the table; the collector starts with xtun_ratelimiter_start(). */
int __init xtun_ratelimiter_init(void)
{
	u64 chains = ((u64)totalram_pages() << PAGE_SHIFT) / SZ_128K;

	chains = clamp_t(u64, chains, XTUN_RL_CHAINS_MIN, XTUN_RL_CHAINS_MAX);
	xtun_rl_chains = roundup_pow_of_two((unsigned long)chains);
	xtun_rl_table = kvcalloc(xtun_rl_chains, sizeof(*xtun_rl_table),
				 GFP_KERNEL);
	if (!xtun_rl_table)
		return -ENOMEM;
	get_random_bytes(&xtun_rl_hash_key, sizeof(xtun_rl_hash_key));
	xtun_rl_set_default_bounds();
	INIT_DELAYED_WORK(&xtun_rl_gc_work, xtun_rl_gc);
	return 0;
}

void __init xtun_ratelimiter_start(void)
{
	queue_delayed_work(system_power_efficient_wq, &xtun_rl_gc_work, HZ);
}

/* Nothing may use the limiter any more. */
void xtun_ratelimiter_uninit(void)
{
	cancel_delayed_work_sync(&xtun_rl_gc_work);
	xtun_rl_gc(NULL);	/* forget every bucket */
	kvfree(xtun_rl_table);
	xtun_rl_table = NULL;
}
