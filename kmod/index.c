// SPDX-License-Identifier: GPL-2.0
/*
 * Receiver indices.  Each handshake and session gets a random index that is
 * unique within the device; the peer puts it into every message it sends
 * us, so receive finds the right keys in one hash lookup.
 */

#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "index.h"
#include "peer.h"

struct xtun_index_table *xtun_index_table_alloc(void)
{
	/* One per device, which whoever creates devices pays for. */
	struct xtun_index_table *table = kvmalloc(sizeof(*table),
						  GFP_KERNEL_ACCOUNT);

	if (!table)
		return NULL;
	hash_init(table->hashtable);
	spin_lock_init(&table->lock);
	return table;
}

static struct hlist_head *xtun_index_bucket(struct xtun_index_table *table,
					    const __le32 index)
{
	/* The index is random already; no need to hash it again. */
	return &table->hashtable[(__force u32)index &
				 (HASH_SIZE(table->hashtable) - 1)];
}

static bool xtun_index_in_use(struct xtun_index_table *table, __le32 index)
{
	struct xtun_index_entry *existing;

	hlist_for_each_entry_rcu(existing, xtun_index_bucket(table, index),
				 index_hash)
		if (existing->index == index)
			return true;
	return false;
}

/* Give @entry a fresh random index (replacing any it had) and return it. */
__le32 xtun_index_insert(struct xtun_index_table *table,
			 struct xtun_index_entry *entry)
{
	__le32 index;

	xtun_index_remove(table, entry);

	rcu_read_lock_bh();
	for (;;) {
		index = (__force __le32)get_random_u32();
		if (xtun_index_in_use(table, index))
			continue;

		spin_lock_bh(&table->lock);
		/* Someone may have taken it between the check and the lock. */
		if (xtun_index_in_use(table, index)) {
			spin_unlock_bh(&table->lock);
			continue;
		}
		entry->index = index;
		hlist_add_head_rcu(&entry->index_hash,
				   xtun_index_bucket(table, index));
		spin_unlock_bh(&table->lock);
		break;
	}
	rcu_read_unlock_bh();
	return index;
}

/* @new takes over @old's index; false if @old was not in the table. */
bool xtun_index_replace(struct xtun_index_table *table,
			struct xtun_index_entry *old,
			struct xtun_index_entry *new)
{
	bool ret;

	spin_lock_bh(&table->lock);
	ret = !hlist_unhashed(&old->index_hash);
	if (unlikely(!ret))
		goto out;

	new->index = old->index;
	hlist_replace_rcu(&old->index_hash, &new->index_hash);

	/*
	 * @old may be reinserted at once (a new handshake of the same peer),
	 * while readers may still walk past it: keep its next pointer valid,
	 * mark it unhashed for us.
	 */
	INIT_HLIST_NODE(&old->index_hash);
out:
	spin_unlock_bh(&table->lock);
	return ret;
}

void xtun_index_remove(struct xtun_index_table *table,
		       struct xtun_index_entry *entry)
{
	spin_lock_bh(&table->lock);
	hlist_del_init_rcu(&entry->index_hash);
	spin_unlock_bh(&table->lock);
}

/*
 * Find the entry for @index of one of the types in @type_mask.  Returns it
 * with a reference on its peer in *@peer, or NULL.
 */
struct xtun_index_entry *xtun_index_lookup(struct xtun_index_table *table,
					   const enum xtun_index_type type_mask,
					   const __le32 index,
					   struct xtun_peer **peer)
{
	struct xtun_index_entry *iter, *entry = NULL;

	rcu_read_lock_bh();
	hlist_for_each_entry_rcu_bh(iter, xtun_index_bucket(table, index),
				    index_hash) {
		if (iter->index == index) {
			if (likely(iter->type & type_mask))
				entry = iter;
			break;
		}
	}
	if (likely(entry)) {
		*peer = xtun_peer_get_maybe_zero(entry->peer);
		if (unlikely(!*peer))
			entry = NULL;
	}
	rcu_read_unlock_bh();
	return entry;
}
