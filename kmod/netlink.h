/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUN_NETLINK_H
#define _XTUN_NETLINK_H

#include <uapi/linux/xtun.h>

int xtun_genl_init(void);
void xtun_genl_uninit(void);

#endif /* _XTUN_NETLINK_H */
