/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_ARRAY_H
#define _XTUNCTL_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Arrays that grow one element at a time: a pointer and a count, nothing
 * else.  The room allocated follows from the count (the next power of two,
 * at least 4), so appending N elements costs O(N) without a capacity
 * field beside every count.
 */

/*
 * Make room for element @n of *@array, elements of @size bytes, and zero
 * it; the caller then counts it.  False with errno ENOMEM, *@array as it
 * was.  Use array_grow().
 */
bool array_grow_room(void **array, size_t n, size_t size);

/* array_grow(ptr, n): room for ptr[n], zeroed. */
#define array_grow(ptr, n) \
	array_grow_room((void **)&(ptr), (n), sizeof(*(ptr)))

#endif /* _XTUNCTL_ARRAY_H */
