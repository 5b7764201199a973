// SPDX-License-Identifier: GPL-2.0
/*
 * Keys: xtunctl genkey, genpsk and pubkey, and the base64 text form that
 * WireGuard uses, so "wg pubkey" and "xtunctl pubkey" agree on every key.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curve25519.h"
#include "key.h"
#include "parse.h"
#include "xtunctl.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[XTUN_KEY_LEN])
{
	uint32_t v;
	int i, o = 0;

	/* 10 groups of 3 bytes, then 2 bytes padded with one '='. */
	for (i = 0; i + 3 <= XTUN_KEY_LEN; i += 3) {
		v = (uint32_t)key[i] << 16 | key[i + 1] << 8 | key[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	v = (uint32_t)key[30] << 16 | key[31] << 8;
	out[o++] = b64_alphabet[(v >> 18) & 63];
	out[o++] = b64_alphabet[(v >> 12) & 63];
	out[o++] = b64_alphabet[(v >> 6) & 63];
	out[o++] = '=';
	out[o] = '\0';
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64_alphabet, c) : NULL;

	return p ? (int)(p - b64_alphabet) : -1;
}

bool key_from_base64(uint8_t key[XTUN_KEY_LEN], const char *in)
{
	uint32_t v = 0;
	int i, d, o = 0;

	if (strlen(in) != KEY_B64_LEN || in[KEY_B64_LEN - 1] != '=')
		return false;
	for (i = 0; i < KEY_B64_LEN - 1; i++) {
		d = b64_value(in[i]);
		if (d < 0)
			return false;
		v = v << 6 | (uint32_t)d;
		if (i % 4 == 3) {
			key[o++] = v >> 16;
			key[o++] = v >> 8;
			key[o++] = v;
			v = 0;
		}
	}
	/* 43 characters: 10 full groups, then 3 characters = 18 bits of
	 * which the last 2 must be zero in the canonical encoding.
	 */
	if (v & 3)
		return false;
	key[o++] = v >> 10;
	key[o++] = v >> 2;
	return o == XTUN_KEY_LEN;
}

static int no_arguments(int argc, const char *usage)
{
	if (argc > 1) {
		fprintf(stderr, "Usage: %s %s\n", prog, usage);
		return XTUNCTL_EUSAGE;
	}
	return XTUNCTL_OK;
}

/* Like wg(8): a key written to a file others can read deserves a word. */
static void warn_if_world_readable(void)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IRWXO))
		fprintf(stderr, "Warning: writing a secret key to a file others can read; "
			"consider umask 077\n");
}

static int print_random_key(bool clamp)
{
	char text[KEY_B64_LEN + 1];
	uint8_t key[XTUN_KEY_LEN];

	if (getrandom(key, sizeof(key), 0) != sizeof(key)) {
		fprintf(stderr, "%s: getrandom: %s\n", prog, strerror(errno));
		return XTUNCTL_EKERNEL;
	}
	if (clamp)
		curve25519_clamp(key);
	warn_if_world_readable();
	key_to_base64(text, key);
	puts(text);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(text, sizeof(text));
	return XTUNCTL_OK;
}

int cmd_genkey(int argc, char **argv)
{
	(void)argv;
	return no_arguments(argc, "genkey") ?: print_random_key(true);
}

int cmd_genpsk(int argc, char **argv)
{
	(void)argv;
	return no_arguments(argc, "genpsk") ?: print_random_key(false);
}

bool key_read(FILE *f, uint8_t key[XTUN_KEY_LEN])
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

int cmd_pubkey(int argc, char **argv)
{
	char text[KEY_B64_LEN + 1];
	uint8_t private_key[XTUN_KEY_LEN];
	uint8_t public_key[XTUN_KEY_LEN];
	int ret;

	(void)argv;
	ret = no_arguments(argc, "pubkey < PRIVATE-KEY-FILE");
	if (ret)
		return ret;
	if (!key_read(stdin, private_key)) {
		fprintf(stderr, "%s: pubkey: standard input is not a base64 key "
			"(44 characters, as from 'xtunctl genkey')\n", prog);
		return XTUNCTL_EUSAGE;
	}
	curve25519_public(public_key, private_key);
	key_to_base64(text, public_key);
	puts(text);
	explicit_bzero(private_key, sizeof(private_key));
	return XTUNCTL_OK;
}
