/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_UPDOWN_H
#define _XTUNCTL_UPDOWN_H

#include <net/if.h>
#include <stdint.h>

#include "config_file.h"
#include "run.h"
#include "undo.h"

/* One run of "xtunctl up": the device, its config and the undo log. */
struct updown {
	char ifname[IF_NAMESIZE];
	char context[IF_NAMESIZE + 8];	/* "up xtun0", for messages */
	struct config config;
	struct undo_log log;
	uint32_t fwmark;		/* of a full tunnel, once chosen */
};

/* "ip -4" or "ip -6" for @family. */
void cmd_ip(struct cmd *c, int family);
/* "ip -4|-6 OBJECT add WHAT dev IFNAME": an address or a route of a device. */
void cmd_ip_add_dev(struct cmd *c, int family, const char *object,
		    const char *what, const char *ifname);

/*
 * Run @c; once it succeeded, record @undo (NULL: nothing to record).  If
 * the record cannot be written, @undo is run at once: nothing done may be
 * left unrecorded.
 */
int updown_step(struct updown *u, const struct cmd *c, const struct cmd *undo);

/* The MTU "up" gives the device when the config has none (mtu.c). */
unsigned int mtu_derive(const struct config *config);

/* The routes to the peers' allowed IPs and full-tunnel rules (route.c). */
int up_routes(struct updown *u);

#endif /* _XTUNCTL_UPDOWN_H */
