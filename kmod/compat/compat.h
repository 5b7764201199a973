/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every xtun source file.  The driver is written against
 * the newest kernel API we support; this file bridges to older kernels.
 * Decisions come from the XTUN_HAVE_* macros that kmod/Kbuild sets by probing
 * the target kernel's headers, because distributions backport features and a
 * version number alone does not tell what a kernel has.
 */
#ifndef _XTUN_COMPAT_H
#define _XTUN_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>

/* 6.11 turned the NETIF_F_LLTX feature bit into the dev->lltx flag. */
static inline void xtun_dev_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/* 6.2 embedded a struct genl_info in the dump state. */
static inline struct nlattr **xtun_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef XTUN_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _XTUN_COMPAT_H */
