// SPDX-License-Identifier: GPL-2.0
/*
 * One step of "xtunctl up", run and put on record (see up_run.h).
 */

#include "up_run.h"

int up_run_step(struct up_run *u, const struct cmd *c, const struct cmd *undo)
{
	int ret;

	ret = cmd_run(c, u->context);
	if (ret || !undo)
		return ret;
	ret = undo_log_cmd(&u->log, u->context, undo);
	if (ret)
		cmd_run(undo, u->context);
	return ret;
}
