// SPDX-License-Identifier: GPL-2.0
/*
 * Growing arrays (see array.h): every reader of the kernel's replies and of
 * config files appends to arrays the same way.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

#define ARRAY_MIN_ROOM	4

/* The room an array of @n elements has: 0, or a power of two >= 4. */
static size_t room_for(size_t n)
{
	size_t room = ARRAY_MIN_ROOM;

	if (!n)
		return 0;
	while (room < n && room <= SIZE_MAX / 2)
		room *= 2;
	return room;
}

bool array_grow_room(void **array, size_t n, size_t size)
{
	size_t room = room_for(n);
	void *p;

	if (n >= room) {
		room = room ? room * 2 : ARRAY_MIN_ROOM;
		/* reallocarray() refuses a product that overflows (ENOMEM). */
		p = reallocarray(*array, room, size);
		if (!p) {
			errno = ENOMEM;
			return false;
		}
		*array = p;
	}
	memset((char *)*array + n * size, 0, size);
	return true;
}
