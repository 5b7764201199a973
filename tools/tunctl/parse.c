// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing xtunctl's arguments: option lists, interface names, keys, numbers,
 * endpoints and prefixes.  Errors name the argument, so that a long command
 * line says which word is wrong.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "xtunctl.h"

const char *parse_where;

int parse_invalid(const char *what, const char *arg, const char *reason)
{
	if (parse_where)
		fprintf(stderr, "%s: %s: invalid %s '%s': %s\n",
			prog, parse_where, what, arg, reason);
	else
		fprintf(stderr, "%s: invalid %s '%s': %s\n",
			prog, what, arg, reason);
	return XTUNCTL_EUSAGE;
}

static void list_options(const struct option_spec *opts, unsigned int n_opts)
{
	unsigned int i;

	for (i = 0; i < n_opts; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", opts[i].name);
	fprintf(stderr, "\n");
}

static const struct option_spec *
find_option(const char *name, const struct option_spec *opts,
	    unsigned int n_opts)
{
	unsigned int i;

	for (i = 0; i < n_opts; i++)
		if (!strcmp(name, opts[i].name))
			return &opts[i];
	return NULL;
}

int parse_options(int argc, char **argv, const struct option_spec *opts,
		  unsigned int n_opts, void *ctx)
{
	const struct option_spec *opt;
	unsigned long seen = 0;
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		opt = find_option(argv[i], opts, n_opts);
		if (!opt) {
			fprintf(stderr, "%s: unknown option '%s'; expected one of: ",
				prog, argv[i]);
			list_options(opts, n_opts);
			return XTUNCTL_EUSAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: option '%s' needs a value\n",
				prog, argv[i]);
			return XTUNCTL_EUSAGE;
		}
		/* A repeated option is more likely a typo than an override. */
		if (seen & (1UL << (opt - opts))) {
			fprintf(stderr, "%s: option '%s' is given twice\n",
				prog, argv[i]);
			return XTUNCTL_EUSAGE;
		}
		seen |= 1UL << (opt - opts);
		ret = opt->parse(argv[i + 1], ctx);
		if (ret)
			return ret;
	}
	return XTUNCTL_OK;
}

char *parse_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);)
		*--end = '\0';
	return s;
}

int parse_env_seconds(const char *name, long def, bool infinity, long *out)
{
	const char *env = getenv(name);
	char *end;

	*out = def;
	if (!env || !*env)
		return XTUNCTL_OK;
	if (infinity && !strcmp(env, "infinity")) {
		*out = -1;
		return XTUNCTL_OK;
	}
	errno = 0;
	*out = strtol(env, &end, 10);
	if (*end || errno || *out < 0) {
		fprintf(stderr, "%s: %s '%s' is not a number of seconds%s\n",
			prog, name, env, infinity ? " or 'infinity'" : "");
		return XTUNCTL_EUSAGE;
	}
	return XTUNCTL_OK;
}

int parse_ifname(const char *arg)
{
	if (!arg[0])
		return parse_invalid("interface name", arg, "empty");
	if (strlen(arg) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: interface name '%s' is longer than %d characters\n",
			prog, arg, IF_NAMESIZE - 1);
		return XTUNCTL_EUSAGE;
	}
	return XTUNCTL_OK;
}

int parse_public_key(const char *arg, uint8_t key[XTUN_KEY_LEN])
{
	if (!key_from_base64(key, arg))
		return parse_invalid("public key", arg,
				     "not a base64 key (44 characters, as from 'xtunctl pubkey')");
	return XTUNCTL_OK;
}

bool parse_key_stream(FILE *f, uint8_t key[XTUN_KEY_LEN])
{
	char buf[128];
	size_t len;
	bool ok;

	/* A full buffer is more than a key and the white space around it. */
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = '\0';
	ok = len < sizeof(buf) - 1 && key_from_base64(key, parse_trim(buf));
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

int parse_key_file(const char *what, const char *path,
		   uint8_t key[XTUN_KEY_LEN])
{
	char name[64];
	bool ok;
	FILE *f;

	snprintf(name, sizeof(name), "%s file", what);
	f = fopen(path, "r");
	if (!f)
		return parse_invalid(name, path, strerror(errno));
	ok = parse_key_stream(f, key);
	fclose(f);
	if (!ok)
		return parse_invalid(name, path,
				     "does not hold a base64 key (44 characters, as from 'xtunctl genkey')");
	return XTUNCTL_OK;
}

/*
 * Strict unsigned number in @base: digits only (no sign, no white space, no
 * trailing text), at most @max.
 */
static bool parse_ulong(const char *arg, int base, unsigned long max,
			unsigned long *out)
{
	const char *p;

	/* strtoul() alone would take "-1", " 1" and "0x" in base 16. */
	if (!arg[0])
		return false;
	for (p = arg; *p; p++)
		if (base == 16 ? !isxdigit((unsigned char)*p) :
				 !isdigit((unsigned char)*p))
			return false;
	errno = 0;
	*out = strtoul(arg, NULL, base);
	return !errno && *out <= max;
}

int parse_u16(const char *what, const char *arg, bool allow_off, uint16_t *out)
{
	unsigned long v;

	if (allow_off && !strcmp(arg, "off")) {
		*out = 0;
		return XTUNCTL_OK;
	}
	if (!parse_ulong(arg, 10, UINT16_MAX, &v))
		return parse_invalid(what, arg, allow_off ?
				     "not a number from 0 to 65535, or 'off'" :
				     "not a number from 0 to 65535");
	*out = v;
	return XTUNCTL_OK;
}

int parse_fwmark(const char *arg, uint32_t *out)
{
	unsigned long v;
	bool ok;

	if (!strcmp(arg, "off")) {
		*out = 0;
		return XTUNCTL_OK;
	}
	/* strtoul(..., 0) would read a leading 0 as octal; nobody means that. */
	if (!strncasecmp(arg, "0x", 2))
		ok = parse_ulong(arg + 2, 16, UINT32_MAX, &v);
	else
		ok = parse_ulong(arg, 10, UINT32_MAX, &v);
	if (!ok)
		return parse_invalid("fwmark", arg,
				     "not a 32-bit number (decimal or 0x hexadecimal) or 'off'");
	*out = v;
	return XTUNCTL_OK;
}

/* Split HOST:PORT or [HOST]:PORT into @host and @port. */
static const char *split_endpoint(const char *arg, char *host, size_t size,
				  const char **port)
{
	const char *start = arg, *end;

	if (arg[0] == '[') {
		start = arg + 1;
		end = strchr(start, ']');
		if (!end || end[1] != ':')
			return "expected [ADDRESS]:PORT";
		*port = end + 2;
	} else {
		end = strrchr(arg, ':');
		if (!end)
			return "expected HOST:PORT";
		if (memchr(arg, ':', end - arg))
			return "an IPv6 address needs brackets: [ADDRESS]:PORT";
		*port = end + 1;
	}
	if (end == start)
		return "the host is empty";
	if ((size_t)(end - start) >= size)
		return "the host name is too long";
	memcpy(host, start, end - start);
	host[end - start] = '\0';
	return (*port)[0] ? NULL : "the port is missing";
}

int endpoint_lookup(const char *host, uint16_t port, int flags,
		    union inet_sockaddr *out)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
		.ai_flags = flags,
	};
	struct addrinfo *res;
	int ret;

	ret = getaddrinfo(host, NULL, &hints, &res);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	if (res->ai_family == AF_INET && res->ai_addrlen == sizeof(out->sin))
		out->sin = *(struct sockaddr_in *)res->ai_addr;
	else if (res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(out->sin6))
		out->sin6 = *(struct sockaddr_in6 *)res->ai_addr;
	freeaddrinfo(res);
	if (!out->sa.sa_family)
		return EAI_FAMILY;
	/* sin_port and sin6_port are at the same offset. */
	if (out->sa.sa_family == AF_INET)
		out->sin.sin_port = htons(port);
	else
		out->sin6.sin6_port = htons(port);
	return 0;
}

const char *endpoint_lookup_error(int ret)
{
	if (ret == EAI_SYSTEM)
		return strerror(errno);
	if (ret == EAI_FAMILY)
		return "resolves to neither IPv4 nor IPv6";
	return gai_strerror(ret);
}

int parse_endpoint_host(const char *arg, char *host, size_t size,
			uint16_t *port)
{
	const char *port_str, *why;
	unsigned long v;

	why = split_endpoint(arg, host, size, &port_str);
	if (why)
		return parse_invalid("endpoint", arg, why);
	/* The kernel refuses port 0: a peer cannot be sent to it. */
	if (!parse_ulong(port_str, 10, UINT16_MAX, &v) || !v)
		return parse_invalid("endpoint", arg,
				     "the port is not a number from 1 to 65535");
	*port = v;
	return XTUNCTL_OK;
}

int parse_endpoint(const char *arg, union inet_sockaddr *out)
{
	char host[NI_MAXHOST];
	uint16_t port;
	int ret;

	ret = parse_endpoint_host(arg, host, sizeof(host), &port);
	if (ret)
		return ret;
	ret = endpoint_lookup(host, port, 0, out);
	if (ret)
		return parse_invalid("endpoint", arg, endpoint_lookup_error(ret));
	return XTUNCTL_OK;
}

int parse_prefix(const char *what, const char *arg, struct ip_prefix *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned long cidr, max;

	memset(out, 0, sizeof(*out));
	if (len >= sizeof(addr))
		return parse_invalid(what, arg, "not an IPv4 or IPv6 address");
	memcpy(addr, arg, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return parse_invalid(what, arg, "not an IPv4 or IPv6 address");
	}
	cidr = max;
	if (slash && !parse_ulong(slash + 1, 10, max, &cidr))
		return parse_invalid(what, arg, max == 32 ?
				     "the prefix length is not a number from 0 to 32" :
				     "the prefix length is not a number from 0 to 128");
	out->cidr = cidr;
	return XTUNCTL_OK;
}
