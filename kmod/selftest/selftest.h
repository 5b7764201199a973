/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-tests of the data structures whose bugs the wire cannot show, each
 * checked against a slow reference that is plainly right.  Built only with
 * XTUN_DEBUG=1 (kmod/Kbuild); they run at module load, before anything is
 * registered, and the module refuses to load when one fails.
 */
#ifndef _XTUN_SELFTEST_H
#define _XTUN_SELFTEST_H

#include <linux/prandom.h>
#include <linux/skbuff.h>

#ifdef XTUN_DEBUG
int xtun_selftests_run(void);

/* Each returns true when it passed, after printing what failed otherwise. */
bool xtun_selftest_allowedips(struct rnd_state *rnd);
bool xtun_selftest_replay(struct rnd_state *rnd);
bool xtun_selftest_ratelimiter(struct rnd_state *rnd);
bool xtun_selftest_low_order(struct rnd_state *rnd);

/* Helpers shared by the tests. */
struct sk_buff *xtun_selftest_ip_skb(u16 family);
bool xtun_selftest_parse_addr(const char *str, u16 *family, u8 addr[16]);
#else
static inline int xtun_selftests_run(void)
{
	return 0;
}
#endif

#endif /* _XTUN_SELFTEST_H */
