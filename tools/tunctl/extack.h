/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_EXTACK_H
#define _XTUNCTL_EXTACK_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The kernel's verdict on a request: the error and the extended ack that
 * may come with it (NLMSGERR_ATTR_*).  Offsets count from the start of the
 * request's nlmsghdr.
 */
struct genl_error {
	int error;		/* negative errno, 0 for success */
	char msg[256];		/* NLMSGERR_ATTR_MSG, may be empty */
	uint32_t offset;	/* NLMSGERR_ATTR_OFFS: the attribute blamed */
	bool has_offset;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE: what is missing */
	bool has_miss_type;
	uint32_t miss_nest;	/* NLMSGERR_ATTR_MISS_NEST: where it is missing */
	bool has_miss_nest;
};

/* Fill @err from the extended-ack TLVs of @nlh, which start at @offset. */
void extack_parse(const struct nlmsghdr *nlh, unsigned int offset,
		  struct genl_error *err);

/*
 * Print @err as iproute2 prints a kernel error: "Error: MESSAGE" when the
 * kernel gave one; else, for a missing attribute, "Error: missing
 * attribute: NAME" with NAME as the family's spec calls it, looked up in
 * @request (the request refused) when the kernel names the nest; else
 * "Error: WHAT: strerror".
 */
void extack_report(const struct genl_error *err, const struct nlmsghdr *request,
		   const char *what);

#endif /* _XTUNCTL_EXTACK_H */
