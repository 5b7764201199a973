// SPDX-License-Identifier: GPL-2.0
/*
 * A sorted index of the public keys in an array of peers (key_index.h).
 */

#include <stdlib.h>
#include <string.h>

#include "key_index.h"

static int cmp_key_ref(const void *a, const void *b)
{
	const uint8_t *const *x = a, *const *y = b;
	int d = memcmp(*x, *y, XTUN_KEY_LEN);

	if (d)
		return d;
	return *x < *y ? -1 : *x > *y;	/* array order among equal keys */
}

bool key_index_build(struct key_index *ix, const void *base, size_t n,
		     size_t size, size_t offset)
{
	size_t i;

	memset(ix, 0, sizeof(*ix));
	if (!n)
		return true;
	ix->keys = calloc(n, sizeof(*ix->keys));
	if (!ix->keys)
		return false;
	ix->base = base;
	ix->size = size;
	ix->offset = offset;
	for (i = 0; i < n; i++)
		ix->keys[i] = (const uint8_t *)ix->base + i * size + offset;
	ix->n = n;
	qsort(ix->keys, n, sizeof(*ix->keys), cmp_key_ref);
	return true;
}

void key_index_free(struct key_index *ix)
{
	free(ix->keys);
	memset(ix, 0, sizeof(*ix));
}

const void *key_index_find(const struct key_index *ix,
			   const uint8_t key[XTUN_KEY_LEN])
{
	size_t lo = 0, hi = ix->n, mid;

	/* The lower bound, so that of equal keys the first in the array. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(ix->keys[mid], key, XTUN_KEY_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ix->n || memcmp(ix->keys[lo], key, XTUN_KEY_LEN))
		return NULL;
	return ix->keys[lo] - ix->offset;
}

size_t key_index_pos(const struct key_index *ix, size_t i)
{
	return ((const char *)ix->keys[i] - ix->offset - ix->base) / ix->size;
}

size_t key_index_first_repeat(const struct key_index *ix)
{
	size_t i, pos, first = SIZE_MAX;

	for (i = 1; i < ix->n; i++) {
		if (memcmp(ix->keys[i - 1], ix->keys[i], XTUN_KEY_LEN))
			continue;
		pos = key_index_pos(ix, i);
		if (pos < first)
			first = pos;
	}
	return first;
}
