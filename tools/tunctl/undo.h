/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_UNDO_H
#define _XTUNCTL_UNDO_H

#include <stdio.h>

#include "run.h"

/*
 * What "xtunctl up" did, as a log of how to undo it: the state file
 * /run/xtun/IFNAME.state.  Each step of "up" appends its record as soon as
 * the step has succeeded, and the record is on file before the next step
 * starts, so "xtunctl down" can undo a run of "up" that failed or was
 * killed, and needs neither the config file nor anything else.  Records
 * are tab-separated fields, one per line:
 *
 *   netns     DEV:INODE      the network namespace "up" ran in
 *   postdown  HOOK           a PostDown hook, %i kept
 *   predown   HOOK           a PreDown hook
 *   undo      ip ARG...      an ip(8) command that undoes one step
 *
 * Undoing runs the PreDown hooks in file order, then the undo commands
 * last first, then the PostDown hooks in file order.
 */

#define XTUN_STATE_DIR	"/run/xtun"
/* "/run/xtun/IFNAME.netns-INODE.state" */
#define XTUN_STATE_PATH_LEN	(sizeof(XTUN_STATE_DIR) + 64)

struct undo_log {
	char path[XTUN_STATE_PATH_LEN];
	FILE *f;
};

/*
 * Create the state file of @ifname.  When it exists already, says so and
 * returns XTUNCTL_EUSAGE: the device is up, or an earlier "up" was cut
 * short and "down" has to clean up first.
 */
int undo_log_create(struct undo_log *log, const char *context,
		    const char *ifname);

/* Record @c as the undoing of the step just done. */
int undo_log_cmd(struct undo_log *log, const char *context,
		 const struct cmdline *c);

/* Record a hook that undoing runs: @kind is "predown" or "postdown". */
int undo_log_hook(struct undo_log *log, const char *context,
		  const char *kind, const char *hook);

void undo_log_close(struct undo_log *log);

/* Close and remove the state file: nothing was done. */
void undo_log_discard(struct undo_log *log);

/*
 * Undo what the state file of @ifname records, then remove it.  Returns
 * XTUNCTL_EUSAGE, having done nothing, when there is no state file or it
 * was written in another network namespace; XTUNCTL_EKERNEL when a record
 * could not be undone (the others still are, and the file is removed, so
 * that the device can be brought up again); else XTUNCTL_OK.
 */
int undo_log_replay(const char *context, const char *ifname);

#endif /* _XTUNCTL_UNDO_H */
