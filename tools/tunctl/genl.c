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

#include "genl.h"
#include "xtunctl.h"

/* One request/reply exchange and the kernel's verdict on it. */
struct exchange {
	mnl_cb_t cb;		/* called for each reply message, may be NULL */
	void *data;
	int error;		/* negative errno, 0 for success */
	char msg[256];		/* extended-ack message, may be empty */
	uint32_t offset;	/* of the attribute the kernel blamed */
	bool has_offset;
};

static int parse_ack_tlv(const struct nlattr *attr, void *data)
{
	struct exchange *x = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(x->msg, sizeof(x->msg), "%s", mnl_attr_get_str(attr));
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
		x->offset = mnl_attr_get_u32(attr);
		x->has_offset = true;
	}
	return MNL_CB_OK;
}

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
		x->error = *(int *)mnl_nlmsg_get_payload(nlh);
		off = sizeof(int);
	} else {
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
			x->error = -EBADMSG;
			return MNL_CB_ERROR;
		}
		x->error = err->error;
		off = sizeof(*err);
		/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, parse_ack_tlv, x);

	return x->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct exchange *x = data;

	return x->cb ? x->cb(nlh, x->data) : MNL_CB_OK;
}

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
		x->error = -errno;
		return -1;
	}

	do {
		len = mnl_socket_recvfrom(g->nl, rbuf, sizeof(rbuf));
		if (len < 0) {
			x->error = -errno;
			return -1;
		}
		ret = mnl_cb_run2(rbuf, len, nlh->nlmsg_seq, portid, data_cb, x,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_ERROR && !x->error)
		x->error = errno ? -errno : -EPROTO;
	return ret == MNL_CB_ERROR ? -1 : 0;
}

static void report(const struct exchange *x, const char *what)
{
	if (x->msg[0])
		fprintf(stderr, "Error: %s\n", x->msg);
	else
		fprintf(stderr, "Error: %s: %s\n", what, strerror(-x->error));
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;
	uint16_t *family = data;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			*family = mnl_attr_get_u16(attr);
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
	struct exchange x = { .cb = family_cb, .data = &g->family };
	struct nlmsghdr *nlh;

	nlh = put_genl_header(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XTUN_GENL_NAME);
	if (genl_exchange(g, nlh, &x) == 0 && g->family)
		return XTUNCTL_OK;

	if (x.error == -ENOENT)
		fprintf(stderr, "Error: the kernel has no xtun support: "
			"the xtun module is not loaded and could not be loaded\n");
	else
		report(&x, "resolving the xtun netlink family");
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
	report(&x, "talking to the xtun module");
	return XTUNCTL_EKERNEL;
}

int genl_try(struct genl_session *g, struct nlmsghdr *nlh,
		  struct genl_error *err)
{
	struct exchange x = { 0 };
	int ret;

	ret = genl_exchange(g, nlh, &x);
	memset(err, 0, sizeof(*err));
	err->error = x.error;
	memcpy(err->msg, x.msg, sizeof(err->msg));
	err->offset = x.offset;
	err->has_offset = x.has_offset;
	return ret;
}

void genl_report(const struct genl_error *err)
{
	if (err->msg[0])
		fprintf(stderr, "Error: %s\n", err->msg);
	else
		fprintf(stderr, "Error: talking to the xtun module: %s\n",
			strerror(-err->error));
}

int genl_dump(struct genl_session *g, struct nlmsghdr *nlh,
		   mnl_cb_t cb, void *data)
{
	struct exchange x = { .cb = cb, .data = data };
	int ret;

	if (genl_exchange(g, nlh, &x) == 0)
		return XTUNCTL_OK;
	/* libmnl stops at a message with NLM_F_DUMP_INTR with errno EINTR. */
	if (x.error != -EINTR) {
		report(&x, "talking to the xtun module");
		return XTUNCTL_EKERNEL;
	}
	genl_close(g);
	ret = genl_open(g);
	return ret ?: GENL_DUMP_INTERRUPTED;
}
