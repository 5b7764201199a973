/* SPDX-License-Identifier: GPL-2.0 */
/* XTUN_VERSION lives beside the ABI, where xtunctl reads it too. */
#ifndef _XTUN_VERSION_H
#define _XTUN_VERSION_H

#include <uapi/linux/xtun_version.h>

#endif /* _XTUN_VERSION_H */
