// SPDX-License-Identifier: GPL-2.0
/*
 * xtun: an encrypting layer-3 tunnel device.
 *
 * Module entry points only.  The device is in device.c, configuration in
 * netlink.c, peers in peer.c, the protocol in noise.c, cookie.c and
 * timers.c, the data path in send.c, receive.c and socket.c, cryptokey
 * routing in allowedips.c.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "netlink.h"
#include "noise.h"
#include "ratelimiter.h"
#include "selftest/selftest.h"
#include "version.h"

static int __init xtun_mod_init(void)
{
	int ret;

	/* The rate limiter's table is tested in place: it comes first. */
	ret = xtun_ratelimiter_init();
	if (ret)
		return ret;

	/*
	 * XTUN_DEBUG=1 builds only.  Nothing may use what is under test yet,
	 * and the rate limiter's collector must not run: the test keeps a
	 * clock of its own.
	 */
	ret = xtun_selftests_run();
	if (ret)
		goto err_uninit_ratelimiter;

	xtun_noise_init();
	xtun_ratelimiter_start();

	ret = xtun_device_init();
	if (ret)
		goto err_uninit_ratelimiter;

	ret = xtun_nl_init();
	if (ret)
		goto err_uninit_device;

	pr_info("xtun " XTUN_VERSION " loaded\n");
	return 0;

err_uninit_device:
	xtun_device_uninit();
err_uninit_ratelimiter:
	xtun_ratelimiter_uninit();
	return ret;
}

static void __exit xtun_mod_exit(void)
{
	/* Stop configuration first so nobody looks up a dying device. */
	xtun_nl_uninit();
	xtun_device_uninit();
	xtun_ratelimiter_uninit();
	/* Sessions and peers are freed by RCU callbacks in this module. */
	rcu_barrier();
}

module_init(xtun_mod_init);
module_exit(xtun_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtun: in-kernel encrypting layer-3 tunnel");
MODULE_AUTHOR("The xtun developers");
MODULE_VERSION(XTUN_VERSION);
MODULE_ALIAS_RTNL_LINK(XTUN_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(XTUN_GENL_NAME);
