/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receiver indices: the random 32-bit numbers that handshake and data
 * messages carry, so a received message finds its handshake or session
 * without trying every peer.
 */
#ifndef _XTUN_INDEX_H
#define _XTUN_INDEX_H

#include <linux/hashtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct xtun_peer;

enum xtun_index_type {
	XTUN_INDEX_HANDSHAKE = 1U << 0,
	XTUN_INDEX_KEYPAIR = 1U << 1,
};

struct xtun_index_entry {
	struct xtun_peer *peer;
	struct hlist_node index_hash;
	__le32 index;
	enum xtun_index_type type;
};

/* Readers use RCU; @lock serialises writers. */
struct xtun_index_table {
	DECLARE_HASHTABLE(hashtable, 13);
	spinlock_t lock;	/* writers of hashtable */
};

struct xtun_index_table *xtun_index_table_alloc(void);
__le32 xtun_index_insert(struct xtun_index_table *table,
			 struct xtun_index_entry *entry);
bool xtun_index_replace(struct xtun_index_table *table,
			struct xtun_index_entry *old,
			struct xtun_index_entry *new);
void xtun_index_remove(struct xtun_index_table *table,
		       struct xtun_index_entry *entry);
struct xtun_index_entry *xtun_index_lookup(struct xtun_index_table *table,
					   const enum xtun_index_type type_mask,
					   const __le32 index,
					   struct xtun_peer **peer);

#endif /* _XTUN_INDEX_H */
