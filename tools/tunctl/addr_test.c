// SPDX-License-Identifier: GPL-2.0
/*
 * addr_test: prefix_to_str() and put_decimal() of addr.c against
 * inet_ntop() and snprintf(), on the host, without a kernel.
 * selftests/xtunctl.sh runs it.
 *
 * Prefixes are formatted by hand there, so every octet value in every
 * place, every prefix length, every arrangement of zero and non-zero IPv6
 * groups (where "::" goes, and the dotted IPv4 tail of mapped and
 * compatible addresses), random IPv6 prefixes and short buffers are
 * compared with the library's text.  Exits 0 when all agree, else 1 with a
 * line per difference.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "xtunctl.h"

static unsigned int failures;

static void compare(const struct ip_prefix *p, size_t size)
{
	char want[PREFIX_STRLEN], got[PREFIX_STRLEN], addr[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, addr, sizeof(addr));
	snprintf(want, size, "%s/%u", addr, p->cidr);
	memset(got, 'x', sizeof(got));
	prefix_to_str(got, size, p);
	if (strcmp(got, want) && failures++ < 20)
		fprintf(stderr, "addr_test: '%s' for '%s' (buffer of %zu)\n",
			got, want, size);
}

/*
 * Each of the 256 arrangements of zero and non-zero groups, the non-zero
 * ones of every hexadecimal width, and with a sixth group of ffff.
 */
static void compare_ipv6_zero_runs(void)
{
	static const unsigned int values[] = { 0x1, 0xffff, 0xab, 0x1000, 0xf0d };
	struct ip_prefix p = { .family = AF_INET6, .cidr = 128 };
	unsigned int zeros, g, v, w;

	for (zeros = 0; zeros < 256; zeros++) {
		for (v = 0; v < 2 * ARRAY_LEN(values); v++) {
			for (g = 0; g < 8; g++) {
				w = zeros & 1 << g ? 0 : values[(g + v) % ARRAY_LEN(values)];
				if (g == 5 && v >= ARRAY_LEN(values) && w)
					w = 0xffff;
				p.addr[2 * g] = w >> 8;
				p.addr[2 * g + 1] = w;
			}
			compare(&p, PREFIX_STRLEN);
		}
	}
}

static void compare_decimal(uint64_t v)
{
	char want[21], got[21];

	snprintf(want, sizeof(want), "%" PRIu64, v);
	*put_decimal(got, v) = '\0';
	if (strcmp(got, want) && failures++ < 20)
		fprintf(stderr, "addr_test: '%s' for %s\n", got, want);
}

int main(void)
{
	struct ip_prefix p = { .family = AF_INET };
	unsigned int v, place, i;

	for (place = 0; place < 4; place++) {
		for (v = 0; v < 256; v++) {
			memset(p.addr, place * 61, 4);
			p.addr[place] = v;
			p.cidr = v % 33;
			compare(&p, PREFIX_STRLEN);
		}
	}
	memset(p.addr, 255, 4);
	for (p.cidr = 0; p.cidr <= 32; p.cidr++)
		for (v = 1; v <= 20; v++)
			compare(&p, v);
	compare_ipv6_zero_runs();
	/* Each power of ten and its neighbours, up to the largest value. */
	for (i = 0; i < 20; i++) {
		uint64_t ten = 1;

		for (v = 0; v < i; v++)
			ten *= 10;
		compare_decimal(ten - 1);
		compare_decimal(ten);
		compare_decimal(ten + 1);
	}
	compare_decimal(UINT64_MAX);
	p.family = AF_INET6;
	for (p.cidr = 0; p.cidr <= 128; p.cidr++)
		for (v = 1; v <= 50; v++)
			compare(&p, v);
	srand(1);
	for (i = 0; i < 10000; i++) {
		for (v = 0; v < 16; v++)
			p.addr[v] = rand() % 3 ? 0 : rand();
		p.cidr = rand() % 129;
		compare(&p, PREFIX_STRLEN);
	}
	if (failures)
		return 1;
	printf("addr_test: prefixes and numbers read as inet_ntop and printf write them\n");
	return 0;
}
