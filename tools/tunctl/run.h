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

#define CMD_MAX_ARGS	24

struct cmd {
	int argc;
	char *argv[CMD_MAX_ARGS + 1];	/* NULL-terminated */
	bool too_long;			/* an argument did not fit: never run */
	size_t used;
	char store[512];		/* the arguments' text */
};

/* Start a command line with @program (found in PATH). */
void cmd_init(struct cmd *c, const char *program);

/* Append one argument, formatted. */
void cmd_add(struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "ip -4" or "ip -6" for @family. */
void cmd_ip(struct cmd *c, int family);
/* "ip -4|-6 OBJECT add WHAT dev IFNAME": an address or a route of a device. */
void cmd_ip_add_dev(struct cmd *c, int family, const char *object,
		    const char *what, const char *ifname);

/* "ip -4 route add 10.0.0.0/24 dev xtun0", for messages. */
void cmd_to_str(const struct cmd *c, char *buf, size_t size);

/*
 * Run @c and wait for it.  On failure prints
 * "xtunctl: CONTEXT: 'COMMAND' failed (exit N)" and returns
 * XTUNCTL_EKERNEL; else XTUNCTL_OK.
 */
int cmd_run(const struct cmd *c, const char *context);

/*
 * Run @c with its standard output in @out (NUL-terminated, cut at @size - 1
 * bytes).  For questions such as "ip route get": the answer "no" is a
 * failing command, so nothing is printed and standard error is discarded.
 * Returns true when it exited with status 0.
 */
bool cmd_capture(const struct cmd *c, char *out, size_t size);

/*
 * Run @hook, with every "%i" replaced by @ifname, as "/bin/sh -c HOOK".
 * @what names it in the failure message ("PostUp").  Returns an xtunctl
 * exit status.
 */
int hook_run(const char *context, const char *what, const char *hook,
	     const char *ifname);

#endif /* _XTUNCTL_RUN_H */
