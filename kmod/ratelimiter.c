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

/* Tokens are nanoseconds: a packet costs its share of a second. */
#define XTUN_RATELIMITER_COST \
	(NSEC_PER_SEC / XTUN_RATELIMITER_PACKETS_PER_SECOND)
#define XTUN_RATELIMITER_TOKEN_MAX \
	(XTUN_RATELIMITER_COST * XTUN_RATELIMITER_PACKETS_BURSTABLE)

/*
 * Hash chains: one per 128 KiB of memory, from 16 to 8192 (1 GiB and
 * more).  A full table has this many buckets per chain on average.
 */
#define XTUN_RATELIMITER_CHAINS_MIN		16
#define XTUN_RATELIMITER_CHAINS_MAX		8192
#define XTUN_RATELIMITER_BUCKETS_PER_CHAIN	8

/*
 * A namespace may hold 1/8 of the buckets: it takes floods in eight
 * namespaces at once to refuse new sources in a ninth, and one namespace
 * still has as many buckets as there are chains (8192 from 1 GiB on).
 */
#define XTUN_RATELIMITER_NET_SHARES		8

/* How many buckets the sources of one namespace hold. */
struct xtun_ratelimiter_net {
	struct hlist_node hash;
	const struct net *net;
	unsigned int buckets;
};

struct xtun_ratelimiter_entry {
	struct hlist_node hash;
	struct rcu_head rcu;
	const struct net *net;
	struct xtun_ratelimiter_net *account;	/* under xtun_ratelimiter_lock */
	u64 key;		/* IPv4 address, or the /64 of an IPv6 one */
	u8 family;
	u64 last_time_ns;
	u64 tokens;
	spinlock_t lock;	/* guards last_time_ns and tokens */
};

static struct hlist_head *xtun_ratelimiter_table __read_mostly;
static unsigned int xtun_ratelimiter_chains __read_mostly;	/* a power of 2 */
static hsiphash_key_t xtun_ratelimiter_hash_key __read_mostly;

/*
 * Writers of the table take xtun_ratelimiter_lock; it also guards the
 * namespaces' accounts and all the counts and bounds below.  A bucket's
 * own lock nests inside it (xtun_ratelimiter_add()).
 */
static DEFINE_SPINLOCK(xtun_ratelimiter_lock);
static DEFINE_HASHTABLE(xtun_ratelimiter_nets, 6);
static unsigned int xtun_ratelimiter_buckets;
static unsigned int xtun_ratelimiter_max_buckets;
static unsigned int xtun_ratelimiter_net_max_buckets;
static struct delayed_work xtun_ratelimiter_gc_work;

/*
 * Sources are the choice of whoever sends to us: without a secret key
 * they could be picked to share one chain.
 */
static struct hlist_head *
xtun_ratelimiter_chain(const struct net *net, u64 key, u8 family)
{
	unsigned long net_word = (unsigned long)net;
	u32 hash;

	hash = hsiphash_4u32(lower_32_bits(key), upper_32_bits(key),
			     lower_32_bits(net_word),
			     upper_32_bits(net_word) ^ family,
			     &xtun_ratelimiter_hash_key);
	return &xtun_ratelimiter_table[hash & (xtun_ratelimiter_chains - 1)];
}

/* Under RCU or xtun_ratelimiter_lock. */
static struct xtun_ratelimiter_entry *
xtun_ratelimiter_find(struct hlist_head *chain, const struct net *net,
		      u64 key, u8 family)
{
	struct xtun_ratelimiter_entry *entry;

	hlist_for_each_entry_rcu(entry, chain, hash,
				 lockdep_is_held(&xtun_ratelimiter_lock))
		if (entry->net == net && entry->key == key &&
		    entry->family == family)
			return entry;
	return NULL;
}

static struct xtun_ratelimiter_net *
xtun_ratelimiter_find_account(const struct net *net)
{
	struct xtun_ratelimiter_net *account;

	lockdep_assert_held(&xtun_ratelimiter_lock);

	hash_for_each_possible(xtun_ratelimiter_nets, account, hash,
			       (unsigned long)net)
		if (account->net == net)
			return account;
	return NULL;
}

static void xtun_ratelimiter_remove(struct xtun_ratelimiter_entry *entry)
{
	struct xtun_ratelimiter_net *account = entry->account;

	lockdep_assert_held(&xtun_ratelimiter_lock);

	hlist_del_rcu(&entry->hash);
	xtun_ratelimiter_buckets--;
	/* Only writers, under the lock, use an account: no grace period. */
	if (!--account->buckets) {
		hash_del(&account->hash);
		kfree(account);
	}
	kfree_rcu(entry, rcu);
}

/*
 * Forget the buckets idle for a second; with no @work, every bucket.  A
 * bucket may be used after @now was read, so its time can be later than
 * @now: compare without subtracting, which would wrap.
 */
static void xtun_ratelimiter_gc(struct work_struct *work)
{
	const u64 now = ktime_get_coarse_boottime_ns();
	struct xtun_ratelimiter_entry *entry;
	struct hlist_head *chain;
	struct hlist_node *tmp;
	unsigned int i;

	/* A chain at a time, so that new sources do not wait for them all. */
	for (i = 0; i < xtun_ratelimiter_chains; i++) {
		chain = &xtun_ratelimiter_table[i];
		spin_lock_bh(&xtun_ratelimiter_lock);
		hlist_for_each_entry_safe(entry, tmp, chain, hash)
			if (!work || now > READ_ONCE(entry->last_time_ns) +
					   NSEC_PER_SEC)
				xtun_ratelimiter_remove(entry);
		spin_unlock_bh(&xtun_ratelimiter_lock);
		cond_resched();
	}

	if (work)
		queue_delayed_work(system_power_efficient_wq,
				   &xtun_ratelimiter_gc_work, HZ);
}

/* The source of @skb as a bucket key; false for an unknown protocol. */
static bool xtun_ratelimiter_key(struct sk_buff *skb, u64 *key, u8 *family)
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

/*
 * The time is read under the bucket's lock: one read before it could be
 * older than the time a CPU that took the lock first refilled the bucket
 * with, and the difference, negative, would wrap and fill the bucket.  A
 * time before the last refill (only a clock of the self-test's can go
 * back) refills nothing and leaves the bucket's time where it is.
 */
static bool xtun_ratelimiter_take_token(struct xtun_ratelimiter_entry *entry,
					u64 (*clock)(void))
{
	bool ret;
	u64 now;

	spin_lock(&entry->lock);
	now = clock();
	if (likely(now > entry->last_time_ns)) {
		entry->tokens = min_t(u64, XTUN_RATELIMITER_TOKEN_MAX,
				      entry->tokens + now -
				      entry->last_time_ns);
		/* The collector reads it without the lock. */
		WRITE_ONCE(entry->last_time_ns, now);
	}
	ret = entry->tokens >= XTUN_RATELIMITER_COST;
	if (ret)
		entry->tokens -= XTUN_RATELIMITER_COST;
	spin_unlock(&entry->lock);
	return ret;
}

/*
 * A new source starts with a full bucket, minus this packet, if the table
 * and its namespace's share have room.  Called with BHs off.
 */
static bool xtun_ratelimiter_add(const struct net *net, u64 key, u8 family,
				 struct hlist_head *chain,
				 u64 (*clock)(void))
{
	struct xtun_ratelimiter_net *account;
	struct xtun_ratelimiter_entry *entry;
	bool ret = false;

	spin_lock(&xtun_ratelimiter_lock);
	/* Another CPU may have added it since we looked. */
	entry = xtun_ratelimiter_find(chain, net, key, family);
	if (unlikely(entry)) {
		ret = xtun_ratelimiter_take_token(entry, clock);
		goto out;
	}

	account = xtun_ratelimiter_find_account(net);
	if (xtun_ratelimiter_buckets >= xtun_ratelimiter_max_buckets ||
	    (account && account->buckets >= xtun_ratelimiter_net_max_buckets))
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
		hash_add(xtun_ratelimiter_nets, &account->hash,
			 (unsigned long)net);
	}

	entry->net = net;
	entry->account = account;
	entry->key = key;
	entry->family = family;
	/* Read under the table's lock: no CPU can use it before. */
	entry->last_time_ns = clock();
	entry->tokens = XTUN_RATELIMITER_TOKEN_MAX - XTUN_RATELIMITER_COST;
	spin_lock_init(&entry->lock);
	hlist_add_head_rcu(&entry->hash, chain);
	account->buckets++;
	xtun_ratelimiter_buckets++;
	ret = true;
	goto out;

err_free_entry:
	kfree(entry);
out:
	spin_unlock(&xtun_ratelimiter_lock);
	return ret;
}

/* @clock: the boot-time clock, or the self-test's. */
static bool xtun_ratelimiter_check(struct sk_buff *skb, struct net *net,
				   u64 (*clock)(void))
{
	struct xtun_ratelimiter_entry *entry;
	struct hlist_head *chain;
	u8 family;
	bool ret;
	u64 key;

	if (!xtun_ratelimiter_key(skb, &key, &family))
		return false;
	chain = xtun_ratelimiter_chain(net, key, family);

	rcu_read_lock_bh();
	entry = xtun_ratelimiter_find(chain, net, key, family);
	if (likely(entry))
		ret = xtun_ratelimiter_take_token(entry, clock);
	else
		ret = xtun_ratelimiter_add(net, key, family, chain, clock);
	rcu_read_unlock_bh();
	return ret;
}

bool xtun_ratelimiter_allow(struct sk_buff *skb, struct net *net)
{
	return xtun_ratelimiter_check(skb, net, ktime_get_coarse_boottime_ns);
}

static void xtun_ratelimiter_bound(unsigned int max_buckets,
				   unsigned int net_max_buckets)
{
	spin_lock_bh(&xtun_ratelimiter_lock);
	xtun_ratelimiter_max_buckets = max_buckets;
	xtun_ratelimiter_net_max_buckets = net_max_buckets;
	spin_unlock_bh(&xtun_ratelimiter_lock);
}

static void xtun_ratelimiter_bound_default(void)
{
	unsigned int max_buckets = xtun_ratelimiter_chains *
				   XTUN_RATELIMITER_BUCKETS_PER_CHAIN;

	xtun_ratelimiter_bound(max_buckets, max_buckets / XTUN_RATELIMITER_NET_SHARES);
}

#ifdef XTUN_DEBUG
/* For the self-test: a clock of its own, and a clean table afterwards. */
static u64 xtun_ratelimiter_test_time;

static u64 xtun_ratelimiter_test_clock(void)
{
	return READ_ONCE(xtun_ratelimiter_test_time);
}

bool xtun_ratelimiter_allow_at(struct sk_buff *skb, struct net *net, u64 now)
{
	WRITE_ONCE(xtun_ratelimiter_test_time, now);
	return xtun_ratelimiter_check(skb, net, xtun_ratelimiter_test_clock);
}

void xtun_ratelimiter_forget_all(void)
{
	xtun_ratelimiter_gc(NULL);
}

/* Bounds a self-test reaches in a few packets; both 0: the real ones. */
void xtun_ratelimiter_set_bounds(unsigned int max_buckets,
				 unsigned int net_max_buckets)
{
	if (!max_buckets && !net_max_buckets)
		xtun_ratelimiter_bound_default();
	else
		xtun_ratelimiter_bound(max_buckets, net_max_buckets);
}
#endif

/* Allocates the table; the collector starts with xtun_ratelimiter_start(). */
int __init xtun_ratelimiter_init(void)
{
	u64 chains = ((u64)totalram_pages() << PAGE_SHIFT) / SZ_128K;

	chains = clamp_t(u64, chains, XTUN_RATELIMITER_CHAINS_MIN,
			 XTUN_RATELIMITER_CHAINS_MAX);
	xtun_ratelimiter_chains = roundup_pow_of_two((unsigned long)chains);
	xtun_ratelimiter_table = kvcalloc(xtun_ratelimiter_chains,
					  sizeof(*xtun_ratelimiter_table),
					  GFP_KERNEL);
	if (!xtun_ratelimiter_table)
		return -ENOMEM;
	get_random_bytes(&xtun_ratelimiter_hash_key,
			 sizeof(xtun_ratelimiter_hash_key));
	xtun_ratelimiter_bound_default();
	INIT_DELAYED_WORK(&xtun_ratelimiter_gc_work, xtun_ratelimiter_gc);
	return 0;
}

void __init xtun_ratelimiter_start(void)
{
	queue_delayed_work(system_power_efficient_wq, &xtun_ratelimiter_gc_work, HZ);
}

/* Nothing may use the limiter any more. */
void xtun_ratelimiter_uninit(void)
{
	cancel_delayed_work_sync(&xtun_ratelimiter_gc_work);
	xtun_ratelimiter_gc(NULL);	/* forget every bucket */
	kvfree(xtun_ratelimiter_table);
	xtun_ratelimiter_table = NULL;
}
