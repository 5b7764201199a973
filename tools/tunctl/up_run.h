/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_UP_RUN_H
#define _XTUNCTL_UP_RUN_H

#include <net/if.h>
#include <stdint.h>

#include "config_file.h"
#include "run.h"
#include "undo.h"

/*
 * One run of "xtunctl up": the device, its config and the undo log, as the
 * steps of updown.c and route.c share it.
 */
struct up_run {
	char ifname[IF_NAMESIZE];
	char context[IF_NAMESIZE + 8];	/* "up xtun0", for messages */
	struct config config;
	struct undo_log log;
	uint32_t fwmark;		/* of a full tunnel, once chosen */
};

/*
 * Run @c; once it succeeded, record @undo (NULL: nothing to record).  If
 * the record cannot be written, @undo is run at once: nothing done may be
 * left unrecorded.  In updown.c, with the steps it serves.
 */
int up_run_step(struct up_run *u, const struct cmdline *c,
		const struct cmdline *undo);

#endif /* _XTUNCTL_UP_RUN_H */
