/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/xtun.yaml */
/* by scripts/xtunctl-names-gen.py */

#ifndef _XTUNCTL_NETLINK_GEN_H
#define _XTUNCTL_NETLINK_GEN_H

#include <stdbool.h>

/* The attribute sets of the spec; a request's top level is the first. */
enum nl_set {
	NL_SET_DEVICE,
	NL_SET_PEER,
	NL_SET_ALLOWEDIP,
	NL_N_SETS,
	NL_SET_UNKNOWN = NL_N_SETS,
};

/* An attribute that holds a nest of @set, or an array (@array) of them. */
struct nl_nest {
	unsigned int type;
	enum nl_set set;
	bool array;
};

struct nl_set_info {
	const char *const *names;	/* by attribute type; NULL: none */
	unsigned int max;
	const struct nl_nest *nests;
	unsigned int n_nests;
};

extern const struct nl_set_info nl_sets[NL_N_SETS];

#endif /* _XTUNCTL_NETLINK_GEN_H */
