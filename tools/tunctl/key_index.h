/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_KEY_INDEX_H
#define _XTUNCTL_KEY_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/xtun.h>

/*
 * Public keys of an array of peers, sorted, so that finding one of N peers
 * by key costs O(log N) and comparing two peer lists O(N log N): a
 * 100,000-peer config compared peer by peer took minutes.  The index
 * points into the caller's array, which must not move while it is used.
 */
struct key_index {
	const uint8_t **keys;	/* sorted by key, then by position */
	size_t n;
	const char *base;	/* the indexed array */
	size_t size;		/* of one element */
	size_t offset;		/* of the key in an element */
};

/*
 * Index the keys at @offset in the @n elements of @size bytes at @base.
 * False on ENOMEM, with @ix empty (finding nothing).
 */
bool key_index_build(struct key_index *ix, const void *base, size_t n,
		     size_t size, size_t offset);

/* key_index_of(ix, array, n, member): index array[0..n)'s key @member. */
#define key_index_of(ix, array, n, member)				\
	key_index_build((ix), (array), (n), sizeof(*(array)),		\
			offsetof(__typeof__(*(array)), member))

void key_index_free(struct key_index *ix);

/* The element holding @key (the first, should several), or NULL. */
const void *key_index_find(const struct key_index *ix,
			   const uint8_t key[XTUN_KEY_LEN]);

/* The position in the array of the @i-th key in sorted order. */
size_t key_index_pos(const struct key_index *ix, size_t i);

/*
 * The position of the first element whose key an earlier element already
 * has, or SIZE_MAX when every key is unique.
 */
size_t key_index_first_repeat(const struct key_index *ix);

#endif /* _XTUNCTL_KEY_INDEX_H */
