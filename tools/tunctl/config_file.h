/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_CONFIG_FILE_H
#define _XTUNCTL_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev_change.h"
#include "peer_change.h"
#include "parse.h"

/*
 * A configuration file in WireGuard's INI format (wg(8), wg-quick(8)):
 *
 *   [Interface]  PrivateKey ListenPort FwMark
 *                and for "up" only: Address MTU Table DNS SaveConfig
 *                PreUp PostUp PreDown PostDown
 *   [Peer]       PublicKey PresharedKey Endpoint AllowedIPs
 *                PersistentKeepalive
 *
 * and xtun's own PrivateKeyFile and PresharedKeyFile (as systemd-networkd
 * has them; wg rejects them).  Keys and section names are
 * case-insensitive, '#' starts a comment, and AllowedIPs, Address and the
 * hooks may be repeated.  The up-only keys are accepted everywhere, so one
 * file serves "up" and "syncconf".
 */

/* Table = ...: where "up" puts the routes to the peers' allowed IPs. */
enum config_table {
	CONFIG_TABLE_AUTO,	/* main, or full-tunnel rules for a /0 */
	CONFIG_TABLE_OFF,	/* no routes */
	CONFIG_TABLE_ID,	/* the table config->table_id */
};

enum config_hook {
	CONFIG_PRE_UP,
	CONFIG_POST_UP,
	CONFIG_PRE_DOWN,
	CONFIG_POST_DOWN,
	CONFIG_N_HOOKS,
};

struct config_strings {
	char **v;
	size_t n;
};

/* Where a peer and its allowed IPs are in the file, for messages. */
struct config_origin {
	unsigned int line;		/* of its [Peer] */
	unsigned int *aip_lines;	/* of each of its allowed IPs */
};

/* An Endpoint = HOST:PORT whose host is a name, resolved after reading. */
struct config_name {
	size_t peer;			/* index in config->peers */
	unsigned int line;		/* of the Endpoint key */
	char *endpoint;			/* as written */
};

struct config {
	const char *path;		/* as given, for messages */
	struct dev_change dev;		/* has_* set for keys present */
	struct peer_change *peers;	/* cmd is XTUN_CMD_NEW_PEER */
	struct config_origin *origins;	/* one for each of @peers */
	size_t n_peers;
	struct config_name *names;	/* see config_resolve.h */
	size_t n_names;

	/* up-only keys */
	struct ip_prefix *addresses;	/* cidr as written (or /32, /128) */
	size_t n_addresses;
	uint32_t mtu;			/* 0: derive it */
	enum config_table table;
	uint32_t table_id;
	struct config_strings hooks[CONFIG_N_HOOKS];	/* as written, %i kept */
	bool has_dns, has_save_config;
};

/*
 * Read @path ("-" for standard input) into @config, then resolve the
 * endpoints given as names (config_resolve.h).  On error, prints
 * "xtunctl: PATH:LINE: KEY: what is wrong" and returns XTUNCTL_EUSAGE;
 * @config then holds nothing to free.  A prefix under two [Peer] sections
 * is an error; a file holding a secret key that group or others may read
 * earns a warning.
 */
int config_read(struct config *config, const char *path);

/* Frees and wipes the keys. */
void config_free(struct config *config);

/* config_check.c */

/*
 * Refuse a prefix that two peers of @config claim, naming the file, the
 * line of the later one and both peers; XTUNCTL_EUSAGE then.
 */
int config_check_prefixes(const struct config *config);

/*
 * Warn when @fd, the file @path that holds a @what ("private key"), can be
 * read by group or others.
 */
void config_warn_readable(int fd, const char *path, const char *what);

#endif /* _XTUNCTL_CONFIG_FILE_H */
