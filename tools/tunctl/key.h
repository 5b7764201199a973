/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_KEY_H
#define _XTUNCTL_KEY_H

/* xtunctl genkey, genpsk and pubkey (key.c); keys as text are base64.h's. */
int cmd_genkey(int argc, char **argv);
int cmd_genpsk(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);

#endif /* _XTUNCTL_KEY_H */
