/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_CONFIG_RESOLVE_H
#define _XTUNCTL_CONFIG_RESOLVE_H

#include "config_file.h"

/*
 * Resolve config->names into their peers' endpoints.
 *
 * At boot a tunnel often comes up before DNS does, so a name that fails
 * for a reason that may pass (EAI_AGAIN, no network: anything but
 * EAI_NONAME, EAI_NODATA and EAI_FAIL) is tried again, with the delay
 * doubling from 1 s up to 16 s, until XTUN_RESOLVE_TIMEOUT seconds have
 * passed since the first try (default 60, under systemd's 90 s start
 * timeout; "infinity" waits for ever, 0 tries once).  All names wait
 * together, so one slow name costs the limit once, not once per peer.
 *
 * A name that still does not resolve leaves its peer without an endpoint,
 * with a warning naming the file, line, name and peer: one peer must not
 * stop a whole tunnel from coming up, and the peer can still be reached
 * when it sends first.  Returns XTUNCTL_OK, or XTUNCTL_EUSAGE for a
 * malformed XTUN_RESOLVE_TIMEOUT.
 */
int config_resolve(struct config *config);

#endif /* _XTUNCTL_CONFIG_RESOLVE_H */
