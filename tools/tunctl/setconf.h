/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SETCONF_H
#define _XTUNCTL_SETCONF_H

#include "config_file.h"
#include "genl.h"
#include "state.h"

/*
 * setconf: make the file's settings the device's whole configuration
 * (setconf.c).  Call setconf_skip_own_key() first.  Returns an xtunctl
 * exit status, having printed why on failure.
 */
int setconf_apply(struct genl_session *g, const char *ifname,
		  const struct config *config);

/*
 * Leave out, with a note on stderr, each peer that has the device's own
 * public key, as wg does: one peer list can then serve every node of a
 * mesh.  @dev: the device's state when the config keeps its private key
 * (addconf, syncconf), else NULL.  Returns how many were left out.
 */
size_t setconf_skip_own_key(struct config *config, const struct dev_state *dev);

#endif /* _XTUNCTL_SETCONF_H */
