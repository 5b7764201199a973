/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place the xtun version is written down: MODULE_VERSION, xtunctl
 * --version and dkms.conf's PACKAGE_VERSION all read it from here.
 */
#ifndef _XTUN_VERSION_H
#define _XTUN_VERSION_H

#define XTUN_VERSION "0.1.0"

#endif /* _XTUN_VERSION_H */
