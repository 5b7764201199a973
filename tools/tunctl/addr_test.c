// SPDX-License-Identifier: GPL-2.0
/*
 * addr_test: prefix_to_str() of addr.c against inet_ntop() and
 * snprintf(), on the host, without a kernel.  selftests/xtunctl.sh runs it.
 *
 * IPv4 prefixes are formatted by hand there, so every octet value in every
 * place, every prefix length, random IPv6 prefixes and short buffers are
 * compared with the library's text.  Exits 0 when all agree, else 1 with a
 * line per difference.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

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
	p.family = AF_INET6;
	srand(1);
	for (i = 0; i < 10000; i++) {
		for (v = 0; v < 16; v++)
			p.addr[v] = rand() % 3 ? 0 : rand();
		p.cidr = rand() % 129;
		compare(&p, PREFIX_STRLEN);
	}
	if (failures)
		return 1;
	printf("addr_test: prefixes read as inet_ntop writes them\n");
	return 0;
}
