// SPDX-License-Identifier: GPL-2.0
/*
 * Keys: xtunctl genkey, genpsk and pubkey.  Their text form is base64.c's.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "curve25519.h"
#include "key.h"
#include "parse.h"
#include "xtunctl.h"

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
	if (!parse_key_stream(stdin, private_key)) {
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
