// SPDX-License-Identifier: GPL-2.0
/*
 * Allowed IPs as one path-compressed binary trie per address family; see
 * allowedips.h for the structure, what each operation costs and the locking.
 *
 * Keys are kept as two host-order 64-bit words, the address's first bit
 * the highest bit of the first word (an IPv4 address fills the top half of
 * it), so that comparing a prefix costs two masked XORs.
 */

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "allowedips.h"
#include "peer.h"

/**
 * struct xtun_aip_node - one prefix in a trie
 * @child: the longer prefixes below, by the bit after this prefix
 * @peer: the owner, or NULL for a branch point (which has two children)
 * @parent: the node above, NULL for the root; writers only
 * @peer_entry: entry in @peer's list; writers only
 * @key: the prefix, host bits zero (see the top of this file)
 * @cidr: its length
 * @family: AF_INET or AF_INET6
 * @seq: when it joined @peer's list, from the table's counter; writers only
 * @rcu: frees the node after the readers that may still see it
 */
struct xtun_aip_node {
	struct xtun_aip_node __rcu *child[2];
	struct xtun_peer __rcu *peer;
	struct xtun_aip_node *parent;
	struct hlist_node peer_entry;
	u64 key[2];
	u8 cidr;
	u16 family;
	u64 seq;
	struct rcu_head rcu;
};

static unsigned int xtun_aip_bits(u16 family)
{
	return family == AF_INET ? 32 : 128;
}

/* The bits of key word @word (0 or 1) that a prefix of @cidr bits covers. */
static u64 xtun_aip_mask(unsigned int cidr, unsigned int word)
{
	int bits = (int)cidr - 64 * (int)word;

	if (bits <= 0)
		return 0;
	if (bits >= 64)
		return ~0ULL;
	return ~0ULL << (64 - bits);
}

/* @addr is in network byte order; bits beyond @cidr are cleared. */
static void xtun_aip_make_key(u64 key[2], u16 family, const u8 *addr,
			      unsigned int cidr)
{
	__be64 words[2];
	__be32 addr4;

	if (family == AF_INET) {
		memcpy(&addr4, addr, sizeof(addr4));
		key[0] = (u64)be32_to_cpu(addr4) << 32;
		key[1] = 0;
	} else {
		memcpy(words, addr, sizeof(words));
		key[0] = be64_to_cpu(words[0]);
		key[1] = be64_to_cpu(words[1]);
	}
	key[0] &= xtun_aip_mask(cidr, 0);
	key[1] &= xtun_aip_mask(cidr, 1);
}

/* The node's prefix in network byte order, 16 bytes (IPv4 uses 4). */
static void xtun_aip_node_addr(const struct xtun_aip_node *node, u8 addr[16])
{
	__be64 words[2] = {
		cpu_to_be64(node->key[0]),
		cpu_to_be64(node->key[1]),
	};

	memcpy(addr, words, sizeof(words));
}

/* Bit @bit of @key, counting from the address's first bit; @bit < 128. */
static unsigned int xtun_aip_bit(const u64 key[2], unsigned int bit)
{
	return (key[bit / 64] >> (63 - bit % 64)) & 1;
}

/* Whether @key lies in @node's prefix. */
static bool xtun_aip_covers(const struct xtun_aip_node *node, const u64 key[2])
{
	return !((key[0] ^ node->key[0]) & xtun_aip_mask(node->cidr, 0)) &&
	       !((key[1] ^ node->key[1]) & xtun_aip_mask(node->cidr, 1));
}

/* How many leading bits @a and @b have in common. */
static unsigned int xtun_aip_common_bits(const u64 a[2], const u64 b[2])
{
	u64 diff = a[0] ^ b[0];

	if (diff)
		return 64 - fls64(diff);
	diff = a[1] ^ b[1];
	return diff ? 128 - fls64(diff) : 128;
}

void xtun_allowedips_init(struct xtun_allowedips *table, struct mutex *lock)
{
	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
	table->lock = lock;
	table->prefixes = 0;
	table->seq = 0;
}

static struct xtun_aip_node __rcu **
xtun_aip_root(struct xtun_allowedips *table, u16 family)
{
	return family == AF_INET ? &table->root4 : &table->root6;
}

static struct xtun_aip_node *xtun_aip_get(struct xtun_allowedips *table,
					  struct xtun_aip_node __rcu **slot)
{
	return rcu_dereference_protected(*slot, lockdep_is_held(table->lock));
}

static struct xtun_peer *xtun_aip_owner(struct xtun_allowedips *table,
					struct xtun_aip_node *node)
{
	return rcu_dereference_protected(node->peer,
					 lockdep_is_held(table->lock));
}

/* The pointer that leads to @node: its parent's child, or the root. */
static struct xtun_aip_node __rcu **
xtun_aip_slot(struct xtun_allowedips *table, struct xtun_aip_node *node)
{
	struct xtun_aip_node *parent = node->parent;

	if (!parent)
		return xtun_aip_root(table, node->family);
	return &parent->child[rcu_access_pointer(parent->child[1]) == node];
}

/* --- a peer's list of its nodes ------------------------------------------ */

/*
 * Append: a list is in ascending order of @seq, which a walk resumes by
 * (xtun_allowedips_walk_peer()).
 */
static void xtun_aip_link(struct xtun_allowedips *table,
			  struct xtun_peer *peer, struct xtun_aip_node *node)
{
	struct xtun_aip_peer *list = &peer->allowedips;

	node->seq = ++table->seq;

	if (list->last)
		hlist_add_behind(&node->peer_entry, list->last);
	else
		hlist_add_head(&node->peer_entry, &list->nodes);
	list->last = &node->peer_entry;
}

/* Also right for a node that waits on another list (see the update). */
static void xtun_aip_unlink(struct xtun_peer *peer, struct xtun_aip_node *node)
{
	struct xtun_aip_peer *list = &peer->allowedips;
	struct hlist_node *entry = &node->peer_entry;

	if (list->last == entry)
		list->last = entry->pprev == &list->nodes.first ? NULL :
			     container_of(entry->pprev, struct hlist_node, next);
	hlist_del_init(entry);
}

static void xtun_aip_set_owner(struct xtun_allowedips *table,
			       struct xtun_aip_node *node,
			       struct xtun_peer *peer, bool replace)
{
	struct xtun_peer *owner = xtun_aip_owner(table, node);

	/* Under @replace the peer's earlier nodes wait on another list. */
	if (owner == peer && !replace)
		return;
	if (owner)
		xtun_aip_unlink(owner, node);
	else
		table->prefixes++;
	xtun_aip_link(table, peer, node);
	rcu_assign_pointer(node->peer, peer);
}

/* --- nodes reserved before a change, so that it cannot fail --------------- */

static void xtun_aip_release(struct hlist_head *spare)
{
	struct xtun_aip_node *node;
	struct hlist_node *tmp;

	hlist_for_each_entry_safe(node, tmp, spare, peer_entry)
		kfree(node);
	INIT_HLIST_HEAD(spare);
}

static int xtun_aip_reserve(struct hlist_head *spare, unsigned int n)
{
	struct xtun_aip_node *node;

	while (n--) {
		/* The peers' owner chose how many: charge their cgroup. */
		node = kmalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);
		if (!node) {
			xtun_aip_release(spare);
			return -ENOMEM;
		}
		hlist_add_head(&node->peer_entry, spare);
	}
	return 0;
}

/* A reserved node for the prefix @key/@cidr, not yet in a trie. */
static struct xtun_aip_node *xtun_aip_take(struct hlist_head *spare,
					   u16 family, const u64 key[2],
					   unsigned int cidr,
					   struct xtun_aip_node *parent)
{
	struct xtun_aip_node *node;

	node = hlist_entry(spare->first, struct xtun_aip_node, peer_entry);
	hlist_del(&node->peer_entry);
	memset(node, 0, sizeof(*node));
	node->key[0] = key[0] & xtun_aip_mask(cidr, 0);
	node->key[1] = key[1] & xtun_aip_mask(cidr, 1);
	node->cidr = cidr;
	node->family = family;
	node->parent = parent;
	return node;
}

/* --- changing a trie ------------------------------------------------------ */

/*
 * Give @peer the prefix @key/@cidr, adding a node for it (and a branch
 * point above it) from @spare when there is none.  New nodes are complete
 * before one pointer store makes them visible.
 */
static void xtun_aip_insert(struct xtun_allowedips *table, u16 family,
			    const u64 key[2], unsigned int cidr,
			    struct xtun_peer *peer, bool replace,
			    struct hlist_head *spare)
{
	struct xtun_aip_node __rcu **slot = xtun_aip_root(table, family);
	struct xtun_aip_node *node, *parent = NULL, *leaf, *fork;
	unsigned int common = 0;

	while ((node = xtun_aip_get(table, slot))) {
		common = min3(xtun_aip_common_bits(key, node->key), cidr,
			      (unsigned int)node->cidr);
		if (common < node->cidr)
			break;	/* the new prefix leaves the path above @node */
		if (node->cidr == cidr) {
			xtun_aip_set_owner(table, node, peer, replace);
			return;
		}
		parent = node;
		slot = &node->child[xtun_aip_bit(key, node->cidr)];
	}

	leaf = xtun_aip_take(spare, family, key, cidr, parent);
	xtun_aip_set_owner(table, leaf, peer, false);
	if (!node) {
		rcu_assign_pointer(*slot, leaf);
		return;
	}
	if (common == cidr) {
		/* The new prefix contains @node's: it goes above @node. */
		RCU_INIT_POINTER(leaf->child[xtun_aip_bit(node->key, cidr)],
				 node);
		node->parent = leaf;
		rcu_assign_pointer(*slot, leaf);
		return;
	}
	/* The two prefixes part at bit @common: a branch point holds both. */
	fork = xtun_aip_take(spare, family, key, common, parent);
	RCU_INIT_POINTER(fork->child[xtun_aip_bit(key, common)], leaf);
	RCU_INIT_POINTER(fork->child[xtun_aip_bit(node->key, common)], node);
	leaf->parent = fork;
	node->parent = fork;
	rcu_assign_pointer(*slot, fork);
}

/* The node of exactly @key/@cidr (@key's host bits zero), or NULL. */
static struct xtun_aip_node *xtun_aip_find(struct xtun_allowedips *table,
					   u16 family, const u64 key[2],
					   unsigned int cidr)
{
	struct xtun_aip_node *node;

	node = xtun_aip_get(table, xtun_aip_root(table, family));
	while (node && node->cidr < cidr && xtun_aip_covers(node, key))
		node = xtun_aip_get(table,
				    &node->child[xtun_aip_bit(key, node->cidr)]);
	if (node && node->cidr == cidr && xtun_aip_covers(node, key))
		return node;
	return NULL;
}

/* Put @node's only child, or nothing, in its place; free it after readers. */
static void xtun_aip_splice(struct xtun_allowedips *table,
			    struct xtun_aip_node *node)
{
	struct xtun_aip_node *child;

	child = xtun_aip_get(table, &node->child[0]) ?:
		xtun_aip_get(table, &node->child[1]);
	if (child)
		child->parent = node->parent;
	rcu_assign_pointer(*xtun_aip_slot(table, node), child);
	kfree_rcu(node, rcu);
}

/*
 * @node has no peer any more: unless it still branches, take it out, and
 * then its parent if that was a branch point and is left with one child.
 */
static void xtun_aip_prune(struct xtun_allowedips *table,
			   struct xtun_aip_node *node)
{
	struct xtun_aip_node *parent;

	while (node && !xtun_aip_owner(table, node) &&
	       !(rcu_access_pointer(node->child[0]) &&
		 rcu_access_pointer(node->child[1]))) {
		parent = node->parent;
		xtun_aip_splice(table, node);
		node = parent;
	}
}

static void xtun_aip_remove_node(struct xtun_allowedips *table,
				 struct xtun_aip_node *node)
{
	xtun_aip_unlink(xtun_aip_owner(table, node), node);
	RCU_INIT_POINTER(node->peer, NULL);
	table->prefixes--;
	xtun_aip_prune(table, node);
}

static void xtun_aip_apply(struct xtun_allowedips *table,
			   struct xtun_peer *peer, bool replace,
			   const struct xtun_aip_change *change,
			   struct hlist_head *spare)
{
	struct xtun_aip_node *node;
	u64 key[2];

	xtun_aip_make_key(key, change->family, change->addr, change->cidr);
	if (!change->remove) {
		xtun_aip_insert(table, change->family, key, change->cidr, peer,
				replace, spare);
		return;
	}
	/* Only the owner removes a prefix. */
	node = xtun_aip_find(table, change->family, key, change->cidr);
	if (node && xtun_aip_owner(table, node) == peer)
		xtun_aip_remove_node(table, node);
}

/*
 * An administrator's bound on the prefixes of one device, below the one
 * the module is built with.  Lowering it while a request is applied can
 * stop that request partway, as running out of memory does.
 */
static unsigned int max_allowedips __read_mostly =
	XTUN_MAX_ALLOWEDIPS_PER_DEVICE;
module_param(max_allowedips, uint, 0644);
MODULE_PARM_DESC(max_allowedips,
		 "allowed IPs one device may hold (at most 2097152)");

bool xtun_allowedips_room(unsigned int prefixes, unsigned int n_add)
{
	unsigned int max = min_t(unsigned int, READ_ONCE(max_allowedips),
				 XTUN_MAX_ALLOWEDIPS_PER_DEVICE);

	return prefixes <= max && n_add <= max - prefixes;
}

/* Counts the additions, each of which may need two nodes. */
static int xtun_aip_check(const struct xtun_aip_change *changes,
			  unsigned int n_changes, unsigned int *n_add)
{
	unsigned int i;

	*n_add = 0;
	for (i = 0; i < n_changes; i++) {
		if ((changes[i].family != AF_INET &&
		     changes[i].family != AF_INET6) ||
		    changes[i].cidr > xtun_aip_bits(changes[i].family))
			return -EINVAL;
		if (!changes[i].remove)
			(*n_add)++;
	}
	return 0;
}

/*
 * Apply @changes for @peer in order, after taking all of its prefixes away
 * when @replace.  All or nothing: the nodes are allocated first, and a
 * failure leaves the table as it was.
 *
 * Under @replace, the prefixes the peer had are not taken away first: they
 * wait on a list of their own, the changes take back the ones they add
 * again, and only the rest go at the end.  So a prefix the peer keeps is
 * never missing for a lookup, not even for an instant.
 */
int xtun_allowedips_update(struct xtun_allowedips *table,
			   struct xtun_peer *peer, bool replace,
			   const struct xtun_aip_change *changes,
			   unsigned int n_changes)
{
	struct xtun_aip_node *node;
	struct hlist_node *tmp;
	unsigned int i, n_add;
	HLIST_HEAD(spare);
	HLIST_HEAD(old);
	int ret;

	lockdep_assert_held(table->lock);

	ret = xtun_aip_check(changes, n_changes, &n_add);
	if (ret)
		return ret;
	/*
	 * An upper bound: neither the removals nor additions of prefixes
	 * that exist already are subtracted.  Under @replace the old
	 * prefixes do stay until the end, so they count.
	 */
	if (!xtun_allowedips_room(table->prefixes, n_add))
		return -ENOSPC;
	ret = xtun_aip_reserve(&spare, 2 * n_add);
	if (ret)
		return ret;

	/* Nothing fails from here on. */
	if (replace) {
		hlist_move_list(&peer->allowedips.nodes, &old);
		peer->allowedips.last = NULL;
	}
	for (i = 0; i < n_changes; i++)
		xtun_aip_apply(table, peer, replace, &changes[i], &spare);
	hlist_for_each_entry_safe(node, tmp, &old, peer_entry)
		xtun_aip_remove_node(table, node);

	xtun_aip_release(&spare);
	return 0;
}

void xtun_allowedips_remove_by_peer(struct xtun_allowedips *table,
				    struct xtun_peer *peer)
{
	struct xtun_aip_node *node;
	struct hlist_node *tmp;

	lockdep_assert_held(table->lock);

	hlist_for_each_entry_safe(node, tmp, &peer->allowedips.nodes,
				  peer_entry)
		xtun_aip_remove_node(table, node);
}

/* --- freeing a whole trie ------------------------------------------------- */

static struct xtun_aip_node *xtun_aip_first_leaf(struct xtun_allowedips *table,
						 struct xtun_aip_node *node)
{
	struct xtun_aip_node *child;

	while ((child = xtun_aip_get(table, &node->child[0]) ?:
			xtun_aip_get(table, &node->child[1])))
		node = child;
	return node;
}

/*
 * Unpublish the trie, then free every node after readers, children before
 * parents.  Readers still inside see it whole: no pointer in it changes.
 * Only pointer values are compared once a node is handed to kfree_rcu().
 */
static void xtun_aip_free_trie(struct xtun_allowedips *table,
			       struct xtun_aip_node __rcu **root)
{
	struct xtun_aip_node *node, *parent, *right;
	struct xtun_peer *peer;

	node = xtun_aip_get(table, root);
	if (!node)
		return;
	RCU_INIT_POINTER(*root, NULL);

	node = xtun_aip_first_leaf(table, node);
	for (;;) {
		parent = node->parent;
		peer = xtun_aip_owner(table, node);
		if (peer) {	/* its list goes with the whole trie */
			INIT_HLIST_HEAD(&peer->allowedips.nodes);
			peer->allowedips.last = NULL;
		}
		kfree_rcu(node, rcu);
		if (!parent)
			return;
		right = xtun_aip_get(table, &parent->child[1]);
		node = right && right != node ? xtun_aip_first_leaf(table, right) :
						parent;
	}
}

void xtun_allowedips_free(struct xtun_allowedips *table)
{
	lockdep_assert_held(table->lock);

	xtun_aip_free_trie(table, &table->root4);
	xtun_aip_free_trie(table, &table->root6);
	table->prefixes = 0;
}

/* --- reading -------------------------------------------------------------- */

/* The node that @pos names, if it is still where it was; else NULL. */
static struct xtun_aip_node *xtun_aip_at(struct xtun_allowedips *table,
					 const struct xtun_aip_pos *pos)
{
	struct xtun_aip_node *node;
	u64 key[2];

	if (!pos->seq || (pos->family != AF_INET && pos->family != AF_INET6) ||
	    pos->cidr > xtun_aip_bits(pos->family))
		return NULL;
	xtun_aip_make_key(key, pos->family, pos->addr, pos->cidr);
	node = xtun_aip_find(table, pos->family, key, pos->cidr);
	/* A node that left a list and joined one again has a new @seq. */
	if (!node || node->seq != pos->seq || !xtun_aip_owner(table, node))
		return NULL;
	return node;
}

struct xtun_peer *xtun_allowedips_peer_at(struct xtun_allowedips *table,
					  const struct xtun_aip_pos *pos)
{
	struct xtun_aip_node *node;

	lockdep_assert_held(table->lock);

	node = xtun_aip_at(table, pos);
	return node ? xtun_aip_owner(table, node) : NULL;
}

/* @peer's first node at @pos or after it, NULL when there is none. */
static struct xtun_aip_node *xtun_aip_resume(struct xtun_allowedips *table,
					     struct xtun_peer *peer,
					     const struct xtun_aip_pos *pos)
{
	struct xtun_aip_node *node = xtun_aip_at(table, pos);

	if (node && xtun_aip_owner(table, node) == peer)
		return node;
	/* The first walk, or that prefix left the list meanwhile. */
	hlist_for_each_entry(node, &peer->allowedips.nodes, peer_entry)
		if (node->seq >= pos->seq)
			return node;
	return NULL;
}

int xtun_allowedips_walk_peer(struct xtun_allowedips *table,
			      struct xtun_peer *peer, struct xtun_aip_pos *pos,
			      int (*fn)(void *ctx, u16 family, const u8 *addr,
					u8 cidr),
			      void *ctx)
{
	struct xtun_aip_node *node;
	u8 addr[16];
	int ret;

	lockdep_assert_held(table->lock);

	node = xtun_aip_resume(table, peer, pos);
	hlist_for_each_entry_from(node, peer_entry) {
		xtun_aip_node_addr(node, addr);
		ret = fn(ctx, node->family, addr, node->cidr);
		if (ret) {
			pos->seq = node->seq;
			memcpy(pos->addr, addr, sizeof(pos->addr));
			pos->family = node->family;
			pos->cidr = node->cidr;
			return ret;
		}
	}
	return 0;
}

/* Under rcu_read_lock_bh(): the owner of the longest prefix holding @key. */
static struct xtun_peer *xtun_aip_lookup(struct xtun_aip_node *node,
					 const u64 key[2])
{
	struct xtun_peer *found = NULL, *peer;

	while (node && xtun_aip_covers(node, key)) {
		peer = rcu_dereference_bh(node->peer);
		if (peer)
			found = peer;
		if (node->cidr >= xtun_aip_bits(node->family))
			break;
		node = rcu_dereference_bh(node->child[xtun_aip_bit(key, node->cidr)]);
	}
	return found;
}

/* Returns the peer with a reference, or NULL. */
static struct xtun_peer *xtun_allowedips_lookup(struct xtun_allowedips *table,
						u16 family, const u8 *addr)
{
	struct xtun_peer *peer;
	u64 key[2];

	xtun_aip_make_key(key, family, addr, xtun_aip_bits(family));
	rcu_read_lock_bh();
	peer = xtun_aip_lookup(rcu_dereference_bh(*xtun_aip_root(table, family)),
			       key);
	peer = xtun_peer_get_maybe_zero(peer);
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
