/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place the xtun version is written down, for both trees: the
 * module's MODULE_VERSION (through kmod/version.h), xtunctl --version, and
 * dkms.conf's PACKAGE_VERSION and the Makefile's, which read the line below
 * with sed.  Keep it one line of this form.
 */
#ifndef _UAPI_XTUN_VERSION_H
#define _UAPI_XTUN_VERSION_H

#define XTUN_VERSION "0.1.0"

#endif /* _UAPI_XTUN_VERSION_H */
