/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * xtun: encrypting layer-3 tunnel device, generic netlink interface.
 *
 * This header is the contract between the xtun kernel module and userspace
 * (xtunctl, or any other tool).  It only ever grows: commands and attributes
 * are appended, never renumbered or given a new meaning.
 *
 * Family:      XTUN_GENL_NAME ("xtun"), version XTUN_GENL_VERSION.
 * Permissions: every command needs CAP_NET_ADMIN in the user namespace that
 *              owns the network namespace of the requesting socket; devices
 *              are looked up in that network namespace only.
 * Validation:  strict.  Unknown attributes, wrong lengths and out-of-range
 *              values are rejected with an extended-ack message that names
 *              the problem, and nothing is changed.
 *
 * Selecting a device
 * ------------------
 * Commands that act on one device take XTUN_DEVICE_A_IFINDEX or
 * XTUN_DEVICE_A_IFNAME.  When both are given they must name the same device.
 * A device that exists but is not of link kind "xtun" is refused with
 * EOPNOTSUPP; a device that does not exist with ENODEV.
 */
#ifndef _UAPI_LINUX_XTUN_H
#define _UAPI_LINUX_XTUN_H

#define XTUN_GENL_NAME		"xtun"
#define XTUN_GENL_VERSION	1

/**
 * enum xtun_cmd - generic netlink commands of the "xtun" family
 * @XTUN_CMD_UNSPEC: unused
 * @XTUN_CMD_GET_DEVICE: read the state of xtun devices.
 *	do:   select one device (see "Selecting a device"); the reply carries
 *	      the device attributes listed in enum xtun_device_attr.
 *	dump: without a device selector, one message per xtun device in the
 *	      requester's network namespace; with a selector, only that device.
 */
enum xtun_cmd {
	XTUN_CMD_UNSPEC,
	XTUN_CMD_GET_DEVICE,

	__XTUN_CMD_MAX
};

#define XTUN_CMD_MAX (__XTUN_CMD_MAX - 1)

/**
 * enum xtun_device_attr - attributes of a device, top level of a message
 * @XTUN_DEVICE_A_UNSPEC: unused
 * @XTUN_DEVICE_A_IFINDEX: u32, interface index; never 0.
 * @XTUN_DEVICE_A_IFNAME: NUL-terminated string of at most IFNAMSIZ - 1
 *	characters, interface name.
 */
enum xtun_device_attr {
	XTUN_DEVICE_A_UNSPEC,
	XTUN_DEVICE_A_IFINDEX,
	XTUN_DEVICE_A_IFNAME,

	__XTUN_DEVICE_A_MAX
};

#define XTUN_DEVICE_A_MAX (__XTUN_DEVICE_A_MAX - 1)

#endif /* _UAPI_LINUX_XTUN_H */
