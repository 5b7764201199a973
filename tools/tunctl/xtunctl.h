/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_H
#define _XTUNCTL_H

/* Exit status, documented in xtunctl(8). */
enum {
	XTUNCTL_OK		= 0,
	XTUNCTL_EUSAGE		= 1,	/* bad arguments or configuration */
	XTUNCTL_EKERNEL		= 2,	/* the kernel refused or failed */
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

extern const char *prog;

int cmd_show(int argc, char **argv);
int cmd_dev(int argc, char **argv);
int cmd_peer(int argc, char **argv);
int cmd_setconf(int argc, char **argv);
int cmd_addconf(int argc, char **argv);
int cmd_syncconf(int argc, char **argv);
int cmd_reresolve(int argc, char **argv);
int cmd_showconf(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

#endif /* _XTUNCTL_H */
