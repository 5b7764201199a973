/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_GENL_H
#define _XTUNCTL_GENL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#include "extack.h"

/*
 * A generic netlink session with the xtun family.  All functions that talk
 * to the kernel print what went wrong (the kernel's extended-ack message as
 * "Error: ...") and return an xtunctl exit status.
 */
/* Large enough for a whole dump message: the kernel fills up to 32 KiB. */
#define GENL_SESSION_BUFSIZE 32768

struct genl_session {
	struct mnl_socket *nl;
	uint16_t family;
	/* Multicast group ids; 0 when the module has no such group. */
	uint32_t mcgrp_config, mcgrp_peers;
	uint32_t seq;
	char buf[GENL_SESSION_BUFSIZE];
};

int genl_open(struct genl_session *g);
void genl_close(struct genl_session *g);

/* Start a request for command @cmd of the xtun family in g->buf. */
struct nlmsghdr *genl_msg(struct genl_session *g, uint8_t cmd, uint16_t flags);

/* Send @nlh and feed every reply message to @cb until the kernel is done. */
int genl_talk(struct genl_session *g, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data);

/*
 * A request without replies, printing nothing: 0 on success, else -1 with
 * @err filled in.  genl_report() prints it as genl_talk() would.
 */
int genl_try(struct genl_session *g, struct nlmsghdr *nlh,
	     struct genl_error *err);
void genl_report(const struct genl_error *err, const struct nlmsghdr *request);

/*
 * genl_dump() returns this, and prints nothing, when the kernel marked
 * the dump NLM_F_DUMP_INTR: the configuration changed while it was read and
 * what @cb saw may be inconsistent.  The session has been reopened, since the
 * rest of the old dump may still be queued on the old socket; build the
 * request again and retry.
 */
#define GENL_DUMP_INTERRUPTED	(-1)

/* genl_talk() for a request with NLM_F_DUMP. */
int genl_dump(struct genl_session *g, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data);

/*
 * Open a session, run @fn in it and close it again: what a command does
 * that makes its requests in one session.  Returns what @fn returned, or
 * the failure to open (printed).
 */
int genl_run(int (*fn)(struct genl_session *g, void *ctx), void *ctx);

#endif /* _XTUNCTL_GENL_H */
