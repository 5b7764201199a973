// SPDX-License-Identifier: GPL-2.0
/*
 * The buffer of show's output (see outbuf.h).
 */

#include <stdarg.h>
#include <stdio.h>

#include "outbuf.h"

struct outbuf outbuf;

void out_flush(void)
{
	fwrite(outbuf.data, 1, outbuf.len, stdout);
	outbuf.len = 0;
}

/* Formatted in place when it fits in what is left, else flushed first. */
void out_printf(const char *fmt, ...)
{
	size_t room = OUTBUF_SIZE - outbuf.len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(outbuf.data + outbuf.len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		outbuf.len += n;
		return;
	}
	out_flush();
	va_start(ap, fmt);
	if ((size_t)n < OUTBUF_SIZE)
		outbuf.len = vsnprintf(outbuf.data, OUTBUF_SIZE, fmt, ap);
	else
		vprintf(fmt, ap);
	va_end(ap);
}
