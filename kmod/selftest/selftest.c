// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the self-tests at module load (XTUN_DEBUG=1 builds only).
 *
 * The random operations come from one seed, printed with the result, so
 * that a failure can be repeated with "modprobe xtun selftest_seed=SEED".
 */

#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rcupdate.h>

#include "selftest.h"

static ulong selftest_seed;
module_param(selftest_seed, ulong, 0444);
MODULE_PARM_DESC(selftest_seed,
		 "seed of the load-time self-tests (0: a random one); debug builds only");

struct sk_buff *__init xtun_selftest_ip_skb(u16 family)
{
	unsigned int len = family == AF_INET ? sizeof(struct iphdr) :
					       sizeof(struct ipv6hdr);
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	skb_put_zero(skb, len);
	if (family == AF_INET) {
		skb->protocol = htons(ETH_P_IP);
		ip_hdr(skb)->version = 4;
		ip_hdr(skb)->ihl = 5;
	} else {
		skb->protocol = htons(ETH_P_IPV6);
		ipv6_hdr(skb)->version = 6;
	}
	return skb;
}

/* @str is IPv6 when it has a colon; @addr gets 16 bytes either way. */
bool __init xtun_selftest_parse_addr(const char *str, u16 *family, u8 addr[16])
{
	memset(addr, 0, 16);
	if (strchr(str, ':')) {
		*family = AF_INET6;
		return in6_pton(str, -1, addr, -1, NULL) == 1;
	}
	*family = AF_INET;
	return in4_pton(str, -1, addr, -1, NULL) == 1;
}

struct xtun_selftest {
	const char *name;
	bool (*run)(struct rnd_state *rnd);
};

static const struct xtun_selftest xtun_selftests[] __initconst = {
	{ "allowedips", xtun_selftest_allowedips },
	{ "replay", xtun_selftest_replay },
	{ "ratelimiter", xtun_selftest_ratelimiter },
	{ "low_order", xtun_selftest_low_order },
};

int __init xtun_selftests_run(void)
{
	u64 start = ktime_get_ns(), t;
	unsigned int i, len = 0;
	struct rnd_state rnd;
	bool passed = true;
	char times[96];

	if (!selftest_seed)
		selftest_seed = get_random_u64() ?: 1;

	for (i = 0; i < ARRAY_SIZE(xtun_selftests); i++) {
		/* The same seed for each, so that each repeats on its own. */
		prandom_seed_state(&rnd, selftest_seed);
		t = ktime_get_ns();
		if (!xtun_selftests[i].run(&rnd)) {
			pr_err("xtun: self-test %s failed (selftest_seed=%lu)\n",
			       xtun_selftests[i].name, selftest_seed);
			passed = false;
		}
		len += scnprintf(times + len, sizeof(times) - len, "%s %llu, ",
				 xtun_selftests[i].name,
				 div_u64(ktime_get_ns() - t, NSEC_PER_MSEC));
	}
	if (!passed) {
		/* The module is freed next: no callback of it may be pending. */
		rcu_barrier();
		return -ENOTRECOVERABLE;
	}

	pr_info("xtun: self-tests passed in %llu ms (%sselftest_seed=%lu)\n",
		div_u64(ktime_get_ns() - start, NSEC_PER_MSEC), times,
		selftest_seed);
	return 0;
}
