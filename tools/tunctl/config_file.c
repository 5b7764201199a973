// SPDX-License-Identifier: GPL-2.0
/*
 * Reading configuration files in WireGuard's INI format (see config_file.h).
 *
 * The whole file is parsed and checked before anything is sent to the
 * kernel, so a mistake on line 40 changes nothing on the device.  Every
 * error names the file, the line and the key.  What concerns the file as
 * a whole (a prefix under two peers, who may read its keys) is checked in
 * config_check.c.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/xtun.h>

#include "array.h"
#include "config_file.h"
#include "config_resolve.h"
#include "key_index.h"
#include "xtunctl.h"

/* Where the reader is, for messages. */
struct config_reader {
	struct config *config;
	const char *path;
	unsigned int line;
	const char *key;		/* the key being read, or NULL */
	enum { SECTION_NONE, SECTION_INTERFACE, SECTION_PEER } section;
	unsigned int section_line;
	unsigned long seen;		/* single-valued keys of this section */
	bool peer_has_public_key;
	bool has_private_key_literal;	/* PrivateKey in the file itself */
	bool has_preshared_key_literal;
	char where[512];		/* "PATH:LINE: KEY" */
};

static int config_error(struct config_reader *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:%u: ", prog, r->path, r->line);
	if (r->key)
		fprintf(stderr, "%s: ", r->key);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return XTUNCTL_EUSAGE;
}

static struct peer_change *current_peer(struct config_reader *r)
{
	return &r->config->peers[r->config->n_peers - 1];
}

static struct config_origin *current_origin(struct config_reader *r)
{
	return &r->config->origins[r->config->n_peers - 1];
}

/* --- values -------------------------------------------------------------- */

/*
 * A secret key's value is never repeated in a message: the file may be
 * shown to others with the error.
 */
static int read_secret_key(struct config_reader *r, const char *value,
			   uint8_t key[XTUN_KEY_LEN])
{
	if (!key_from_base64(key, value))
		return config_error(r, "not a base64 key (44 characters, as from 'xtunctl genkey')");
	return XTUNCTL_OK;
}

/*
 * The file a *KeyFile key names: as written when absolute, else relative
 * to the directory of the configuration file (of the current directory
 * for standard input), so that a file and its keys can move together.
 */
static int read_key_file(struct config_reader *r, const char *value,
			 const char *what, uint8_t key[XTUN_KEY_LEN])
{
	const char *slash = strrchr(r->path, '/');
	char path[4096];
	int n, fd, ret;

	if (value[0] == '/' || !slash || !strcmp(r->path, "<stdin>"))
		n = snprintf(path, sizeof(path), "%s", value);
	else
		n = snprintf(path, sizeof(path), "%.*s/%s",
			     (int)(slash - r->path), r->path, value);
	if (n < 0 || (size_t)n >= sizeof(path))
		return config_error(r, "the path is too long");
	ret = parse_key_file(what, path, key);
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		config_warn_readable(fd, path, what);
		close(fd);
	}
	return XTUNCTL_OK;
}

/* "A, B,C": each entry parsed by parse_prefix() and appended. */
static int read_prefix_list(struct config_reader *r, char *value,
			    const char *what, struct ip_prefix **list,
			    size_t *n)
{
	char *entry;

	while ((entry = strsep(&value, ","))) {
		entry = parse_trim(entry);
		if (!*entry)
			return config_error(r, "empty entry in the list");
		if (!array_grow(*list, *n))
			return config_error(r, "out of memory");
		if (parse_prefix(what, entry, &(*list)[*n]))
			return XTUNCTL_EUSAGE;
		(*n)++;
	}
	return XTUNCTL_OK;
}

/* MTU: what an IPv4 link must carry at least, up to what a device can. */
static int read_mtu(struct config_reader *r, const char *value)
{
	uint16_t mtu;

	if (parse_u16("MTU", value, false, &mtu))
		return XTUNCTL_EUSAGE;
	if (mtu < 576)
		return config_error(r, "%u is below 576, the least an IPv4 link must carry", mtu);
	r->config->mtu = mtu;
	return XTUNCTL_OK;
}

/* A table name from iproute2's rt_tables, as "ip route ... table NAME" takes. */
static bool lookup_table_name(const char *name, uint32_t *id)
{
	static const char *const files[] = {
		"/etc/iproute2/rt_tables", "/usr/share/iproute2/rt_tables",
	};
	char line[256], tname[128];
	unsigned long v;
	bool found = false;
	size_t i;
	FILE *f;

	for (i = 0; i < ARRAY_LEN(files) && !found; i++) {
		f = fopen(files[i], "r");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f))
			if (sscanf(line, "%lu %127s", &v, tname) == 2 &&
			    !strcmp(tname, name) && v && v <= UINT32_MAX) {
				*id = v;
				found = true;
			}
		fclose(f);
	}
	return found;
}

static int read_table(struct config_reader *r, const char *value)
{
	struct config *config = r->config;
	unsigned long v;
	char *end;

	if (!strcasecmp(value, "off")) {
		config->table = CONFIG_TABLE_OFF;
		return XTUNCTL_OK;
	}
	if (!strcasecmp(value, "auto")) {
		config->table = CONFIG_TABLE_AUTO;
		return XTUNCTL_OK;
	}
	config->table = CONFIG_TABLE_ID;
	if (isdigit((unsigned char)value[0])) {
		errno = 0;
		v = strtoul(value, &end, 10);
		if (*end || errno || !v || v > UINT32_MAX)
			return config_error(r, "'%s' is not a routing table number (1 to 4294967295)",
					    value);
		config->table_id = v;
		return XTUNCTL_OK;
	}
	if (!lookup_table_name(value, &config->table_id))
		return config_error(r, "no routing table named '%s' in /etc/iproute2/rt_tables; use a number, 'auto' or 'off'",
				    value);
	return XTUNCTL_OK;
}

static int add_hook(struct config_reader *r, enum config_hook hook,
		    const char *value)
{
	struct config_strings *s = &r->config->hooks[hook];
	char *copy = strdup(value);

	if (!copy || !array_grow(s->v, s->n)) {
		free(copy);
		return config_error(r, "out of memory");
	}
	s->v[s->n++] = copy;
	return XTUNCTL_OK;
}

/* --- keys ---------------------------------------------------------------- */

/*
 * One handler per key.  @once: the key may be given only once per section
 * (AllowedIPs, Address and the hooks accumulate, as in wg-quick).
 */
struct config_key {
	const char *name;
	int section;
	bool once;
	int (*read)(struct config_reader *r, char *value);
};

/* PrivateKey and PrivateKeyFile: one of them, once. */
static int has_private_key_already(struct config_reader *r)
{
	if (!r->config->dev.has_private_key)
		return XTUNCTL_OK;
	return config_error(r, "the [Interface] has a private key already; give PrivateKey or PrivateKeyFile, once");
}

static int key_private_key(struct config_reader *r, char *value)
{
	int ret = has_private_key_already(r);

	if (ret)
		return ret;
	r->config->dev.has_private_key = true;
	r->has_private_key_literal = true;
	return read_secret_key(r, value, r->config->dev.private_key);
}

static int key_private_key_file(struct config_reader *r, char *value)
{
	int ret = has_private_key_already(r);

	if (ret)
		return ret;
	r->config->dev.has_private_key = true;
	return read_key_file(r, value, "private key",
			     r->config->dev.private_key);
}

static int key_listen_port(struct config_reader *r, char *value)
{
	r->config->dev.has_listen_port = true;
	return parse_u16("ListenPort", value, false, &r->config->dev.listen_port);
}

static int key_fwmark(struct config_reader *r, char *value)
{
	r->config->dev.has_fwmark = true;
	return parse_fwmark(value, &r->config->dev.fwmark);
}

static int key_address(struct config_reader *r, char *value)
{
	return read_prefix_list(r, value, "address", &r->config->addresses,
				&r->config->n_addresses);
}

static int key_mtu(struct config_reader *r, char *value)
{
	return read_mtu(r, value);
}

static int key_table(struct config_reader *r, char *value)
{
	return read_table(r, value);
}

static int key_pre_up(struct config_reader *r, char *value)
{
	return add_hook(r, CONFIG_PRE_UP, value);
}

static int key_post_up(struct config_reader *r, char *value)
{
	return add_hook(r, CONFIG_POST_UP, value);
}

static int key_pre_down(struct config_reader *r, char *value)
{
	return add_hook(r, CONFIG_PRE_DOWN, value);
}

static int key_post_down(struct config_reader *r, char *value)
{
	return add_hook(r, CONFIG_POST_DOWN, value);
}

static int key_dns(struct config_reader *r, char *value)
{
	(void)value;
	r->config->has_dns = true;
	return XTUNCTL_OK;
}

static int key_save_config(struct config_reader *r, char *value)
{
	(void)value;
	r->config->has_save_config = true;
	return XTUNCTL_OK;
}

static int key_public_key(struct config_reader *r, char *value)
{
	r->peer_has_public_key = true;
	return parse_public_key(value, current_peer(r)->public_key);
}

static int has_preshared_key_already(struct config_reader *r)
{
	if (!current_peer(r)->has_preshared_key)
		return XTUNCTL_OK;
	return config_error(r, "the [Peer] has a preshared key already; give PresharedKey or PresharedKeyFile, once");
}

static int key_preshared_key(struct config_reader *r, char *value)
{
	int ret = has_preshared_key_already(r);

	if (ret)
		return ret;
	current_peer(r)->has_preshared_key = true;
	r->has_preshared_key_literal = true;
	return read_secret_key(r, value, current_peer(r)->preshared_key);
}

static int key_preshared_key_file(struct config_reader *r, char *value)
{
	int ret = has_preshared_key_already(r);

	if (ret)
		return ret;
	current_peer(r)->has_preshared_key = true;
	return read_key_file(r, value, "preshared key",
			     current_peer(r)->preshared_key);
}

/*
 * An address is taken at once; a name waits for config_resolve(), which
 * retries names that do not resolve yet, all together.
 */
static int key_endpoint(struct config_reader *r, char *value)
{
	struct peer_change *peer = current_peer(r);
	struct config *config = r->config;
	char host[NI_MAXHOST];
	struct config_name *n;
	uint16_t port;
	int ret;

	ret = parse_endpoint_host(value, host, sizeof(host), &port);
	if (ret)
		return ret;
	if (!endpoint_lookup(host, port, AI_NUMERICHOST, &peer->endpoint)) {
		peer->has_endpoint = true;
		return XTUNCTL_OK;
	}
	if (!array_grow(config->names, config->n_names))
		return config_error(r, "out of memory");
	n = &config->names[config->n_names];
	n->endpoint = strdup(value);
	if (!n->endpoint)
		return config_error(r, "out of memory");
	n->peer = config->n_peers - 1;
	n->line = r->line;
	config->n_names++;
	return XTUNCTL_OK;
}

static int key_allowed_ips(struct config_reader *r, char *value)
{
	struct config_origin *origin = current_origin(r);
	struct peer_change *peer = current_peer(r);
	size_t i, before = peer->n_allowedips;
	unsigned int *lines;
	int ret;

	/* "AllowedIPs =" with nothing is allowed: no prefixes. */
	if (!*value)
		return XTUNCTL_OK;
	ret = read_prefix_list(r, value, "allowed-ips entry",
			       &peer->allowedips, &peer->n_allowedips);
	if (ret)
		return ret;
	/* Where each came from, for config_check_prefixes(). */
	lines = realloc(origin->aip_lines,
			peer->n_allowedips * sizeof(*lines));
	if (!lines)
		return config_error(r, "out of memory");
	origin->aip_lines = lines;
	for (i = before; i < peer->n_allowedips; i++)
		lines[i] = r->line;
	return XTUNCTL_OK;
}

static int key_keepalive(struct config_reader *r, char *value)
{
	current_peer(r)->has_keepalive = true;
	return parse_u16("PersistentKeepalive", value, true,
			 &current_peer(r)->keepalive);
}

static const struct config_key config_keys[] = {
	{ "PrivateKey",		SECTION_INTERFACE, true,  key_private_key },
	{ "PrivateKeyFile",	SECTION_INTERFACE, true,  key_private_key_file },
	{ "ListenPort",		SECTION_INTERFACE, true,  key_listen_port },
	{ "FwMark",		SECTION_INTERFACE, true,  key_fwmark },
	{ "Address",		SECTION_INTERFACE, false, key_address },
	{ "MTU",		SECTION_INTERFACE, true,  key_mtu },
	{ "Table",		SECTION_INTERFACE, true,  key_table },
	{ "PreUp",		SECTION_INTERFACE, false, key_pre_up },
	{ "PostUp",		SECTION_INTERFACE, false, key_post_up },
	{ "PreDown",		SECTION_INTERFACE, false, key_pre_down },
	{ "PostDown",		SECTION_INTERFACE, false, key_post_down },
	{ "DNS",		SECTION_INTERFACE, false, key_dns },
	{ "SaveConfig",		SECTION_INTERFACE, true,  key_save_config },
	{ "PublicKey",		SECTION_PEER,	   true,  key_public_key },
	{ "PresharedKey",	SECTION_PEER,	   true,  key_preshared_key },
	{ "PresharedKeyFile",	SECTION_PEER,	   true,  key_preshared_key_file },
	{ "Endpoint",		SECTION_PEER,	   true,  key_endpoint },
	{ "AllowedIPs",		SECTION_PEER,	   false, key_allowed_ips },
	{ "PersistentKeepalive", SECTION_PEER,	   true,  key_keepalive },
};

static int read_key(struct config_reader *r, char *name, char *value)
{
	const struct config_key *k;
	unsigned long bit;
	int ret;

	for (k = config_keys; k < config_keys + ARRAY_LEN(config_keys); k++)
		if (!strcasecmp(name, k->name))
			break;
	r->key = name;
	if (k == config_keys + ARRAY_LEN(config_keys))
		return config_error(r, "unknown key");
	r->key = k->name;
	if (r->section == SECTION_NONE)
		return config_error(r, "outside of a section; put it under [Interface] or [Peer]");
	if (k->section != (int)r->section)
		return config_error(r, "belongs in the %s section",
				    k->section == SECTION_PEER ? "[Peer]" : "[Interface]");
	bit = 1UL << (k - config_keys);
	if (k->once && (r->seen & bit))
		return config_error(r, "given twice in this section");
	r->seen |= bit;
	if (!*value && k->read != key_allowed_ips)
		return config_error(r, "has no value");

	snprintf(r->where, sizeof(r->where), "%s:%u: %s", r->path, r->line,
		 k->name);
	parse_where = r->where;
	ret = k->read(r, value);
	parse_where = NULL;
	return ret;
}

/* --- sections ------------------------------------------------------------ */

/* The peer that ends here is complete (check_unique_peers() follows). */
static int finish_peer(struct config_reader *r)
{
	if (r->section != SECTION_PEER)
		return XTUNCTL_OK;
	/* An error here is about the section, wherever the reader is. */
	r->key = NULL;
	if (!r->peer_has_public_key) {
		r->line = r->section_line;
		return config_error(r, "[Peer] has no PublicKey");
	}
	return XTUNCTL_OK;
}

/*
 * Refuse a public key given twice, naming the first [Peer] in the file
 * that repeats an earlier one.  Sorting, not comparing each peer with the
 * ones before it: that took 28 s of a 100,000-peer file.
 */
static int check_unique_peers(struct config_reader *r)
{
	struct config *config = r->config;
	struct key_index ix;
	size_t dup;

	if (!key_index_of(&ix, config->peers, config->n_peers, public_key)) {
		r->key = NULL;
		return config_error(r, "out of memory");
	}
	dup = key_index_first_repeat(&ix);
	key_index_free(&ix);
	if (dup == SIZE_MAX)
		return XTUNCTL_OK;
	r->key = NULL;
	r->line = config->origins[dup].line;
	return config_error(r, "[Peer] has the same PublicKey as an earlier one");
}

static int read_section(struct config_reader *r, char *line)
{
	char *end = strchr(line, ']');
	int ret;

	r->key = NULL;
	if (!end || parse_trim(end + 1)[0])
		return config_error(r, "expected a section name like [Peer]");
	*end = '\0';
	line = parse_trim(line + 1);
	ret = finish_peer(r);
	if (ret)
		return ret;
	r->seen = 0;
	r->peer_has_public_key = false;
	r->section_line = r->line;
	if (!strcasecmp(line, "Interface")) {
		r->section = SECTION_INTERFACE;
		return XTUNCTL_OK;
	}
	if (!strcasecmp(line, "Peer")) {
		if (!array_grow(r->config->peers, r->config->n_peers) ||
		    !array_grow(r->config->origins, r->config->n_peers))
			return config_error(r, "out of memory");
		r->config->origins[r->config->n_peers].line = r->line;
		r->config->peers[r->config->n_peers++].cmd = XTUN_CMD_NEW_PEER;
		r->section = SECTION_PEER;
		return XTUNCTL_OK;
	}
	return config_error(r, "unknown section [%s]; expected [Interface] or [Peer]",
			    line);
}

static int read_line(struct config_reader *r, char *line)
{
	char *hash, *eq;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	line = parse_trim(line);
	if (!*line)
		return XTUNCTL_OK;
	if (*line == '[')
		return read_section(r, line);
	eq = strchr(line, '=');
	if (!eq) {
		r->key = NULL;
		return config_error(r, "expected 'Key = Value' or a [Section]");
	}
	*eq = '\0';
	return read_key(r, parse_trim(line), parse_trim(eq + 1));
}

static int read_stream(struct config_reader *r, FILE *f)
{
	size_t size = 0;
	char *line = NULL;
	ssize_t len;
	int ret = XTUNCTL_OK;

	while (!ret && (len = getline(&line, &size, f)) >= 0) {
		r->line++;
		if (memchr(line, '\0', len)) {
			r->key = NULL;
			ret = config_error(r, "the file is not text");
			break;
		}
		ret = read_line(r, line);
	}
	if (!ret && ferror(f)) {
		r->key = NULL;
		ret = config_error(r, "reading: %s", strerror(errno));
	}
	if (!ret)
		ret = finish_peer(r);
	if (!ret)
		ret = check_unique_peers(r);
	/* Key material may be in the line buffer. */
	if (line)
		explicit_bzero(line, size);
	free(line);
	return ret;
}

int config_read(struct config *config, const char *path)
{
	struct config_reader r = { .config = config };
	bool is_stdin = !strcmp(path, "-");
	FILE *f;
	int ret;

	memset(config, 0, sizeof(*config));
	r.path = is_stdin ? "<stdin>" : path;
	config->path = r.path;
	f = is_stdin ? stdin : fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open config file '%s': %s\n",
			prog, path, strerror(errno));
		return XTUNCTL_EUSAGE;
	}
	ret = read_stream(&r, f) ?: config_check_prefixes(config);
	if (!ret && !is_stdin && r.has_private_key_literal)
		config_warn_readable(fileno(f), path, "private key");
	else if (!ret && !is_stdin && r.has_preshared_key_literal)
		config_warn_readable(fileno(f), path, "preshared key");
	if (!is_stdin)
		fclose(f);
	if (!ret)
		ret = config_resolve(config);
	if (ret)
		config_free(config);
	return ret;
}

void config_free(struct config *config)
{
	size_t i, j;

	for (i = 0; i < config->n_peers; i++) {
		free(config->peers[i].allowedips);
		free(config->origins[i].aip_lines);
	}
	free(config->origins);
	if (config->peers)
		explicit_bzero(config->peers,
			       config->n_peers * sizeof(*config->peers));
	free(config->peers);
	for (i = 0; i < config->n_names; i++)
		free(config->names[i].endpoint);
	free(config->names);
	free(config->addresses);
	for (i = 0; i < CONFIG_N_HOOKS; i++) {
		for (j = 0; j < config->hooks[i].n; j++)
			free(config->hooks[i].v[j]);
		free(config->hooks[i].v);
	}
	explicit_bzero(config, sizeof(*config));
}
