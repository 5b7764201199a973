// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the xtun generic netlink family with libmnl: open a socket that
 * asks for extended acks, resolve the family by name, run request/reply
 * exchanges and report the kernel's own error message.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xtun.h>

#include "extack.h"
#include "genl.h"
#include "xtunctl.h"

/* One request/reply exchange and the kernel's verdict on it. */
struct exchange {
	mnl_cb_t cb;		/* called for each reply message, may be NULL */
	void *data;
	struct genl_error err;
};

/*
 * NLMSG_ERROR ends a request (error 0 is the ack); NLMSG_DONE ends a dump and
 * may carry an error too.  Both may be followed by extended-ack TLVs.
 */
static int verdict_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct exchange *x = data;
	unsigned int off;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
			return MNL_CB_STOP;
		x->err.error = *(int *)mnl_nlmsg_get_payload(nlh);
		off = sizeof(int);
	} else {
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
			x->err.error = -EBADMSG;
			return MNL_CB_ERROR;
		}
		x->err.error = err->error;
		off = sizeof(*err);
		/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	extack_parse(nlh, off, &x->err);
	return x->err.error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct exchange *x = data;

	return x->cb ? x->cb(nlh, x->data) : MNL_CB_OK;
}

/* The fallback of every message about the exchange itself. */
#define TALKING "talking to the xtun module"

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR]	= verdict_cb,
	[NLMSG_DONE]	= verdict_cb,
};

/* Send @nlh and run the replies through @x until the kernel is done. */
static int genl_exchange(struct genl_session *g, struct nlmsghdr *nlh,
			 struct exchange *x)
{
	uint32_t portid = mnl_socket_get_portid(g->nl);
	char rbuf[GENL_SESSION_BUFSIZE];
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0) {
		x->err.error = -errno;
		return -1;
	}

	do {
		len = mnl_socket_recvfrom(g->nl, rbuf, sizeof(rbuf));
		if (len < 0) {
			x->err.error = -errno;
			return -1;
		}
		ret = mnl_cb_run2(rbuf, len, nlh->nlmsg_seq, portid, data_cb, x,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_ERROR && !x->err.error)
		x->err.error = errno ? -errno : -EPROTO;
	return ret == MNL_CB_ERROR ? -1 : 0;
}

/* One element of CTRL_ATTR_MCAST_GROUPS: a group's name and its id. */
static void family_mcgrp(struct genl_session *g, const struct nlattr *nest)
{
	const char *name = NULL;
	const struct nlattr *attr;
	uint32_t id = 0;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(attr);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(attr);
	}
	if (!name)
		return;
	if (!strcmp(name, XTUN_MCGRP_CONFIG))
		g->mcgrp_config = id;
	else if (!strcmp(name, XTUN_MCGRP_PEERS))
		g->mcgrp_peers = id;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genl_session *g = data;
	const struct nlattr *grp;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			g->family = mnl_attr_get_u16(attr);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS &&
		    mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_for_each_nested(grp, attr)
				family_mcgrp(g, grp);
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *put_genl_header(struct genl_session *g, uint16_t type,
				 uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(g->buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++g->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int resolve_family(struct genl_session *g)
{
	struct exchange x = { .cb = family_cb, .data = g };
	struct nlmsghdr *nlh;

	nlh = put_genl_header(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XTUN_GENL_NAME);
	if (genl_exchange(g, nlh, &x) == 0 && g->family)
		return XTUNCTL_OK;

	if (x.err.error == -ENOENT)
		fprintf(stderr, "Error: the kernel has no xtun support: "
			"the xtun module is not loaded and could not be loaded\n");
	else
		extack_report(&x.err, nlh, "resolving the xtun netlink family");
	return XTUNCTL_EKERNEL;
}

int genl_open(struct genl_session *g)
{
	int one = 1;

	memset(g, 0, sizeof(*g));
	g->seq = (uint32_t)getpid();
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl) {
		fprintf(stderr, "Error: opening a netlink socket: %s\n",
			strerror(errno));
		return XTUNCTL_EKERNEL;
	}
	/* Best effort: old kernels just send no messages or echo the request. */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));

	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "Error: binding a netlink socket: %s\n",
			strerror(errno));
		genl_close(g);
		return XTUNCTL_EKERNEL;
	}
	if (resolve_family(g)) {
		genl_close(g);
		return XTUNCTL_EKERNEL;
	}
	return XTUNCTL_OK;
}

void genl_close(struct genl_session *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	g->nl = NULL;
	/* Requests carry private and preshared keys. */
	explicit_bzero(g->buf, sizeof(g->buf));
}

struct nlmsghdr *genl_msg(struct genl_session *g, uint8_t cmd, uint16_t flags)
{
	return put_genl_header(g, g->family, cmd, XTUN_GENL_VERSION, flags);
}

int genl_talk(struct genl_session *g, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data)
{
	struct exchange x = { .cb = cb, .data = data };

	if (genl_exchange(g, nlh, &x) == 0)
		return XTUNCTL_OK;
	extack_report(&x.err, nlh, TALKING);
	return XTUNCTL_EKERNEL;
}

int genl_try(struct genl_session *g, struct nlmsghdr *nlh,
	     struct genl_error *err)
{
	struct exchange x = { 0 };
	int ret;

	ret = genl_exchange(g, nlh, &x);
	*err = x.err;
	return ret;
}

void genl_report(const struct genl_error *err, const struct nlmsghdr *request)
{
	extack_report(err, request, TALKING);
}

int genl_dump(struct genl_session *g, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data)
{
	struct exchange x = { .cb = cb, .data = data };
	int ret;

	if (genl_exchange(g, nlh, &x) == 0)
		return XTUNCTL_OK;
	/* libmnl stops at a message with NLM_F_DUMP_INTR with errno EINTR. */
	if (x.err.error != -EINTR) {
		extack_report(&x.err, nlh, TALKING);
		return XTUNCTL_EKERNEL;
	}
	genl_close(g);
	ret = genl_open(g);
	return ret ?: GENL_DUMP_INTERRUPTED;
}

int genl_run(int (*fn)(struct genl_session *g, void *ctx), void *ctx)
{
	struct genl_session g;
	int ret;

	ret = genl_open(&g);
	if (ret)
		return ret;
	ret = fn(&g, ctx);
	genl_close(&g);
	return ret;
}
