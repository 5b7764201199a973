/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_RUN_H
#define _XTUNCTL_RUN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Running other programs for "up" and "down": ip(8) with an argument
 * vector and no shell, so that no address or name is ever parsed twice,
 * and the config file's hooks with /bin/sh -c, as wg-quick(8) runs them.
 * A program's own error messages go to our standard error unchanged.
 */

#define CMDLINE_MAX_ARGS	24

struct cmdline {
	int argc;
	char *argv[CMDLINE_MAX_ARGS + 1];	/* NULL-terminated */
	bool too_long;			/* an argument did not fit: never run */
	size_t used;
	char store[512];		/* the arguments' text */
};

/* Start a command line with @program (found in PATH). */
void cmdline_init(struct cmdline *c, const char *program);

/* Append one argument, formatted. */
void cmdline_add(struct cmdline *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "ip -4" or "ip -6" for @family. */
void cmdline_ip(struct cmdline *c, int family);
/* "ip -4|-6 OBJECT add WHAT dev IFNAME": an address or a route of a device. */
void cmdline_ip_add_dev(struct cmdline *c, int family, const char *object,
			const char *what, const char *ifname);

/* "ip -4 route add 10.0.0.0/24 dev xtun0", for messages. */
void cmdline_to_str(const struct cmdline *c, char *buf, size_t size);

/*
 * Run @c and wait for it.  On failure prints
 * "xtunctl: CONTEXT: 'COMMAND' failed (exit N)" and returns
 * XTUNCTL_EKERNEL; else XTUNCTL_OK.
 */
int cmdline_run(const struct cmdline *c, const char *context);

/*
 * Run @c with its standard output in @out (NUL-terminated, cut at @size - 1
 * bytes).  For questions such as "ip route get": the answer "no" is a
 * failing command, so nothing is printed and standard error is discarded.
 * Returns true when it exited with status 0.
 */
bool cmdline_capture(const struct cmdline *c, char *out, size_t size);

/*
 * Run @hook, with every "%i" replaced by @ifname, as "/bin/sh -c HOOK".
 * @what names it in the failure message ("PostUp").  Returns an xtunctl
 * exit status.
 */
int hook_run(const char *context, const char *what, const char *hook,
	     const char *ifname);

#endif /* _XTUNCTL_RUN_H */
