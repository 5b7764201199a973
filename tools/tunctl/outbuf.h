/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_OUTBUF_H
#define _XTUNCTL_OUTBUF_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/*
 * The output of show and showconf, gathered in a buffer of its own and
 * written to stdout in large pieces (outbuf.c).  A dump of 100,000 peers
 * is four million short strings; stdio's fputs() spent about 120
 * instructions on each, these spend a copy.  Whatever is written here
 * reaches stdout at out_flush(), which show_print() calls before it
 * returns: nothing else may write to stdout in between.
 */

#define OUTBUF_SIZE	65536

struct outbuf {
	size_t len;
	char data[OUTBUF_SIZE];
};

extern struct outbuf outbuf;

/* Write what the buffer holds to stdout. */
void out_flush(void);
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void out_write(const char *s, size_t n)
{
	if (n > OUTBUF_SIZE - outbuf.len) {
		out_flush();
		if (n > OUTBUF_SIZE) {
			fwrite(s, 1, n, stdout);
			return;
		}
	}
	memcpy(outbuf.data + outbuf.len, s, n);
	outbuf.len += n;
}

static inline void out_puts(const char *s)
{
	out_write(s, strlen(s));
}

static inline void out_putc(char c)
{
	if (outbuf.len == OUTBUF_SIZE)
		out_flush();
	outbuf.data[outbuf.len++] = c;
}

#endif /* _XTUNCTL_OUTBUF_H */
