/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_PARSE_H
#define _XTUNCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "base64.h"

/*
 * Command line arguments.  Each parse_* function returns XTUNCTL_OK, or
 * prints what is wrong, naming the argument, and returns XTUNCTL_EUSAGE.
 */

/*
 * "NAME VALUE" options after a command's positional arguments.  Each may be
 * given once; @parse stores the value in @ctx.
 */
struct option_spec {
	const char *name;
	int (*parse)(const char *value, void *ctx);
};

int parse_options(int argc, char **argv, const struct option_spec *opts,
		  unsigned int n_opts, void *ctx);

/*
 * Print "xtunctl: invalid WHAT 'ARG': REASON"; returns XTUNCTL_EUSAGE.  While
 * @parse_where is set ("FILE:LINE: KEY" for a config file), the message says
 * where the argument came from: "xtunctl: WHERE: invalid ...".
 */
extern const char *parse_where;
int parse_invalid(const char *what, const char *arg, const char *reason);

/* @s without the white space around it (cut off in place). */
char *parse_trim(char *s);

/*
 * Whole seconds from the environment variable @name, @def when it is unset
 * or empty; with @infinity also "infinity", for -1.
 */
int parse_env_seconds(const char *name, long def, bool infinity, long *out);

int parse_ifname(const char *arg);
int parse_public_key(const char *arg, uint8_t key[XTUN_KEY_LEN]);
/*
 * Read one key from @f: its base64 form, white space around it allowed, as
 * written by genkey or "wg genkey".  Unlike the others, false on anything
 * else, and it prints nothing.
 */
bool parse_key_stream(FILE *f, uint8_t key[XTUN_KEY_LEN]);
/* A base64 key read from @path ("/dev/stdin" works); @what names it. */
int parse_key_file(const char *what, const char *path,
		   uint8_t key[XTUN_KEY_LEN]);
/* 0..65535, or with @allow_off also "off" for 0. */
int parse_u16(const char *what, const char *arg, bool allow_off, uint16_t *out);
/* Decimal, 0x hexadecimal, or "off" for 0. */
int parse_fwmark(const char *arg, uint32_t *out);
/* IPV4:PORT, [IPV6]:PORT or HOSTNAME:PORT (first address it resolves to). */
int parse_endpoint(const char *arg, union inet_sockaddr *out);
/* HOST:PORT checked and split; the host is not looked up. */
int parse_endpoint_host(const char *arg, char *host, size_t size,
			uint16_t *port);
/*
 * getaddrinfo() of @host with @flags (AI_NUMERICHOST: addresses only):
 * the first address, with @port, in @out.  Returns 0 or an EAI_* code,
 * EAI_FAMILY for a name with neither IPv4 nor IPv6 addresses;
 * endpoint_lookup_error() says it in words.
 */
int endpoint_lookup(const char *host, uint16_t port, int flags,
		    union inet_sockaddr *out);
const char *endpoint_lookup_error(int ret);
/* ADDR[/CIDR]; without CIDR the prefix is one address.  @what names it. */
int parse_prefix(const char *what, const char *arg, struct ip_prefix *out);

#endif /* _XTUNCTL_PARSE_H */
