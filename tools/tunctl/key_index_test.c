// SPDX-License-Identifier: GPL-2.0
/*
 * key_index_test: key_index.c against a linear search, on the host,
 * without a kernel.  selftests/xtunctl.sh runs it.
 *
 * Peers of random keys, some repeated, are indexed; every key of the array
 * must be found at the first element that has it, keys that are not there
 * must not be found, and the first repeat must be the one a scan from the
 * start finds.  Exits 0 when all hold, else 1 with a line per failure.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key_index.h"

struct peer {
	int other;			/* the key is not the first member */
	uint8_t key[XTUN_KEY_LEN];
};

static unsigned int failures;

static void fail(const char *what, size_t n, size_t i)
{
	if (failures++ < 20)
		fprintf(stderr, "key_index_test: %zu peers, #%zu: %s\n", n, i, what);
}

static size_t linear_find(const struct peer *p, size_t n, const uint8_t *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(p[i].key, key, XTUN_KEY_LEN))
			return i;
	return SIZE_MAX;
}

static size_t linear_first_repeat(const struct peer *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (linear_find(p, i, p[i].key) != SIZE_MAX)
			return i;
	return SIZE_MAX;
}

static void random_key(uint8_t key[XTUN_KEY_LEN])
{
	size_t i;

	for (i = 0; i < XTUN_KEY_LEN; i++)
		key[i] = rand();
	key[0] &= 0x0f;		/* many shared first bytes */
}

static void check(size_t n, unsigned int repeats)
{
	struct peer *p = calloc(n ?: 1, sizeof(*p));
	uint8_t absent[XTUN_KEY_LEN];
	const struct peer *found;
	struct key_index ix;
	size_t i;

	for (i = 0; i < n; i++)
		random_key(p[i].key);
	for (i = 0; n > 1 && i < repeats; i++)
		memcpy(p[rand() % n].key, p[rand() % n].key, XTUN_KEY_LEN);
	if (!key_index_of(&ix, p, n, key)) {
		fail("out of memory", n, 0);
		free(p);
		return;
	}
	for (i = 0; i < n; i++) {
		found = key_index_find(&ix, p[i].key);
		if (found != &p[linear_find(p, n, p[i].key)])
			fail("not found at its first element", n, i);
	}
	for (i = 0; i < 100; i++) {
		random_key(absent);
		absent[0] |= 0xf0;	/* no random_key() has these bits */
		if (key_index_find(&ix, absent))
			fail("found a key the array does not have", n, i);
	}
	if (key_index_first_repeat(&ix) != linear_first_repeat(p, n))
		fail("first repeat differs from a scan's", n, 0);
	key_index_free(&ix);
	free(p);
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 17, 1000 };
	size_t i;

	srand(1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		check(sizes[i], 0);
		check(sizes[i], 1);
		check(sizes[i], 5);
	}
	if (failures)
		return 1;
	printf("key_index_test: finds every key at its first peer, and only those\n");
	return 0;
}
