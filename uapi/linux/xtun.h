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
 *              the problem, and nothing is changed: a request is checked
 *              completely before any of it is applied.
 * Secrets:     private keys and preshared keys are write-only.  The kernel
 *              reports the public key derived from the private key, and
 *              whether a peer has a preshared key, never the keys themselves.
 *
 * Selecting a device
 * ------------------
 * Commands that act on one device take XTUN_DEVICE_A_IFINDEX or
 * XTUN_DEVICE_A_IFNAME.  When both are given they must name the same device.
 * A device that exists but is not of link kind "xtun" is refused with
 * EOPNOTSUPP; a device that does not exist with ENODEV.
 *
 * Consistency of dumps
 * --------------------
 * Every successful SET_DEVICE, NEW_PEER, SET_PEER and DEL_PEER increments
 * the device's generation (XTUN_DEVICE_A_GENERATION); a peer's endpoint
 * moving by roaming does not.  A dump that spans several messages carries
 * NLM_F_DUMP_INTR on a message when, after the dump began, the
 * configuration of an xtun device of the dumping network namespace
 * changed, or an xtun device appeared in or left that namespace (created,
 * deleted, renamed or moved); userspace should then dump again.  Changes
 * in other namespaces do not interrupt it.
 *
 * A dump resumes from where its previous message ended by stable keys:
 * the next device by ifindex, the next peer by the order in which the
 * device's peers were created, a peer's next allowed IP by the order in
 * which the peer got them.  A device, peer or allowed IP removed mid-dump
 * is skipped without losing or repeating the others.
 *
 * Batched configuration
 * ---------------------
 * SET_DEVICE may carry XTUN_DEVICE_A_PEERS, an array of peers to add,
 * change or remove (see XTUN_CMD_SET_DEVICE).  A kernel before this
 * addition refuses the attribute ("Unsupported attribute", EINVAL, with
 * the attribute's offset) before changing anything; userspace may then
 * fall back to NEW_PEER, SET_PEER and DEL_PEER.
 *
 * Large devices in dumps
 * ----------------------
 * GET_DEVICE dump splits a device with many peers, and a peer with many
 * allowed IPs, across messages.  Every message starts with the device's
 * XTUN_DEVICE_A_IFINDEX and XTUN_DEVICE_A_IFNAME; the first message of a
 * device also carries the device's own attributes.  A peer continued in the
 * next message repeats its XTUN_PEER_A_PUBLIC_KEY there, followed by the
 * rest of its allowed IPs.  Userspace merges by ifindex and public key.
 *
 * Notifications
 * -------------
 * Two multicast groups announce changes as they happen, each to the
 * listeners in the device's own network namespace only; joining a group
 * needs CAP_NET_ADMIN in the user namespace that owns that network
 * namespace, as the commands do.
 *   XTUN_MCGRP_CONFIG ("config"): DEVICE_CHANGE_NTF, PEER_NEW_NTF,
 *	PEER_CHANGE_NTF and PEER_DEL_NTF, for changes made through this
 *	family (a device's deletion is announced by rtnetlink only).
 *   XTUN_MCGRP_PEERS ("peers"): HANDSHAKE_NTF, ENDPOINT_CHANGE_NTF,
 *	SESSION_EXPIRE_NTF and PEER_UNREACHABLE_NTF, for what the peers'
 *	traffic does.
 * Every notification carries XTUN_DEVICE_A_IFINDEX and XTUN_DEVICE_A_IFNAME.
 * Each group is rate-limited per network namespace (the
 * module parameter notify_rate, notifications a second): a notification
 * that follows some the limit held back carries their number in
 * XTUN_DEVICE_A_NTF_MISSED.  The notifications of group "peers" are also
 * limited per peer (notify_peer_rate), so that one peer that hand-shakes
 * or roams in a loop cannot use up its group's rate: the next one about
 * that peer carries the number held back in XTUN_DEVICE_A_NTF_PEER_MISSED.
 * Listeners that must not miss anything dump the device after such a gap.
 */
#ifndef _UAPI_LINUX_XTUN_H
#define _UAPI_LINUX_XTUN_H

#define XTUN_GENL_NAME		"xtun"
#define XTUN_GENL_VERSION	1

#define XTUN_MCGRP_CONFIG	"config"
#define XTUN_MCGRP_PEERS	"peers"

#define XTUN_KEY_LEN		32	/* Curve25519 keys and preshared keys */

/**
 * enum xtun_cmd - generic netlink commands of the "xtun" family
 * @XTUN_CMD_UNSPEC: unused
 * @XTUN_CMD_GET_DEVICE: read the state of xtun devices.
 *	do:   select one device (see "Selecting a device"); the reply carries
 *	      the device attributes and all its peers in one message.  A
 *	      device too large for one message is refused with EMSGSIZE;
 *	      use dump for devices with many peers.
 *	dump: without a device selector, every xtun device in the requester's
 *	      network namespace; with a selector, only that device.  Devices,
 *	      peers and allowed IPs are split across messages as needed.
 * @XTUN_CMD_SET_DEVICE: change a device.  Takes a device selector and any
 *	of XTUN_DEVICE_A_PRIVATE_KEY, _LISTEN_PORT, _FWMARK, _FLAGS, _PEERS.
 *	With XTUN_DEVICE_F_REPLACE_PEERS every peer is removed first.  A
 *	private key equal to a peer's public key removes that peer.  Changing
 *	the private key ends every session (the peers hand-shake again).
 *	XTUN_DEVICE_A_PEERS lists peers, applied in order after the device's
 *	own settings: a peer the device does not have is added (as NEW_PEER,
 *	unless XTUN_PEER_F_UPDATE_ONLY), one it has is changed (as SET_PEER),
 *	and XTUN_PEER_F_REMOVE removes one.  A public key may appear only
 *	once per request.  A peer with the device's own (new) public key is
 *	skipped, as WireGuard skips it, so that one list of peers serves
 *	every node of a mesh.  The whole request is checked before anything
 *	is applied: a malformed peer, a duplicate, a listen port in use, more
 *	peers or allowed IPs than the device may have refuse the request
 *	with nothing changed, and the extended ack points into the offending
 *	peer.  Only a failure to allocate memory can stop a request partway:
 *	the peers before the failing one stay applied, the failing peer is as
 *	it was, the rest is not applied, and the device's generation moves.
 *	NEW_PEER refuses the device's own key (below).
 * @XTUN_CMD_NEW_PEER: add a peer.  Takes a device selector and one nested
 *	XTUN_DEVICE_A_PEER with XTUN_PEER_A_PUBLIC_KEY and optionally
 *	_PRESHARED_KEY, _ENDPOINT, _PERSISTENT_KEEPALIVE, _ALLOWEDIPS.
 *	EEXIST when the device already has a peer with that public key,
 *	EINVAL when the public key is the device's own or of low order (a
 *	point whose shared secret is zero with any private key, such as 32
 *	zero bytes: no handshake with it can succeed).
 * @XTUN_CMD_SET_PEER: change an existing peer (ENOENT if there is none).
 *	Same attributes as NEW_PEER, plus XTUN_PEER_A_FLAGS.  Attributes not
 *	given are left unchanged; 32 zero bytes of XTUN_PEER_A_PRESHARED_KEY
 *	remove the preshared key.
 * @XTUN_CMD_DEL_PEER: remove a peer.  Takes a device selector and a nested
 *	XTUN_DEVICE_A_PEER with XTUN_PEER_A_PUBLIC_KEY only.  Its sessions and
 *	queued packets are dropped at once.  ENOENT if there is no such peer.
 * @XTUN_CMD_DEVICE_CHANGE_NTF: notification (config): a SET_DEVICE changed
 *	the device's private key, listen port or firewall mark.  Carries
 *	XTUN_DEVICE_A_PUBLIC_KEY (absent without a private key),
 *	_LISTEN_PORT and _FWMARK as they now are.
 * @XTUN_CMD_PEER_NEW_NTF: notification (config): a peer was added.
 * @XTUN_CMD_PEER_CHANGE_NTF: notification (config): a peer was changed.
 * @XTUN_CMD_PEER_DEL_NTF: notification (config): a peer was removed, by
 *	DEL_PEER, by SET_DEVICE (XTUN_PEER_F_REMOVE, XTUN_DEVICE_F_REPLACE_PEERS)
 *	or because the device's new private key is the peer's.
 * @XTUN_CMD_HANDSHAKE_NTF: notification (peers): a handshake with the
 *	peer completed; XTUN_PEER_A_ENDPOINT is where the peer is now.
 * @XTUN_CMD_ENDPOINT_CHANGE_NTF: notification (peers): an authenticated
 *	packet came from another address or port than the peer's endpoint
 *	(roaming), which is now XTUN_PEER_A_ENDPOINT.
 * @XTUN_CMD_SESSION_EXPIRE_NTF: notification (peers): the peer's session
 *	ended without a successor: no new handshake for 3 * REJECT_AFTER_TIME
 *	(540 s, its keys are forgotten), the device's private key changed,
 *	or the system was about to sleep or was restored from a snapshot.
 *	The next packet to the peer hand-shakes again.
 * @XTUN_CMD_PEER_UNREACHABLE_NTF: notification (peers): handshakes with the
 *	peer were retried for REKEY_ATTEMPT_TIME (90 s) with no answer and the
 *	device gave up, dropping the packets queued for the peer;
 *	XTUN_PEER_A_ENDPOINT is the endpoint that did not answer.  Once per
 *	such series: the next packet to the peer starts a new one.
 * Peer notifications carry the peer in XTUN_DEVICE_A_PEER.
 * @__XTUN_CMD_MAX: one more than the last value, for the _MAX below
 */
enum xtun_cmd {
	XTUN_CMD_UNSPEC,
	XTUN_CMD_GET_DEVICE,
	XTUN_CMD_SET_DEVICE,
	XTUN_CMD_NEW_PEER,
	XTUN_CMD_SET_PEER,
	XTUN_CMD_DEL_PEER,
	XTUN_CMD_DEVICE_CHANGE_NTF,
	XTUN_CMD_PEER_NEW_NTF,
	XTUN_CMD_PEER_CHANGE_NTF,
	XTUN_CMD_PEER_DEL_NTF,
	XTUN_CMD_HANDSHAKE_NTF,
	XTUN_CMD_ENDPOINT_CHANGE_NTF,
	XTUN_CMD_SESSION_EXPIRE_NTF,
	XTUN_CMD_PEER_UNREACHABLE_NTF,

	__XTUN_CMD_MAX
};

#define XTUN_CMD_MAX (__XTUN_CMD_MAX - 1)

/**
 * enum xtun_device_flag - bits of XTUN_DEVICE_A_FLAGS
 * @XTUN_DEVICE_F_REPLACE_PEERS: SET_DEVICE removes every peer before
 *	applying the rest of the request.
 */
enum xtun_device_flag {
	XTUN_DEVICE_F_REPLACE_PEERS = 1U << 0,
};

#define XTUN_DEVICE_F_ALL	(XTUN_DEVICE_F_REPLACE_PEERS)

/**
 * enum xtun_device_attr - attributes of a device, top level of a message
 * @XTUN_DEVICE_A_UNSPEC: unused
 * @XTUN_DEVICE_A_IFINDEX: u32, interface index; never 0.
 * @XTUN_DEVICE_A_IFNAME: NUL-terminated string of at most IFNAMSIZ - 1
 *	characters, interface name.
 * @XTUN_DEVICE_A_PRIVATE_KEY: binary, XTUN_KEY_LEN bytes, write-only.
 *	SET_DEVICE: the device's Curve25519 private key; all zeros removes it
 *	(the device then neither sends nor accepts handshakes).
 * @XTUN_DEVICE_A_PUBLIC_KEY: binary, XTUN_KEY_LEN bytes, read-only:
 *	the public key of the private key; absent when no key is set.
 * @XTUN_DEVICE_A_FLAGS: u32, enum xtun_device_flag bits (SET_DEVICE).
 * @XTUN_DEVICE_A_LISTEN_PORT: u16, UDP port the device listens on, for
 *	IPv4 and IPv6.  0 in SET_DEVICE picks a free port, which the device
 *	keeps across down and up (unless another socket took it meanwhile);
 *	a port change on a down device takes effect when it goes up.
 *	GET_DEVICE reports the port in use, or while the device is down the
 *	one it will use (0 when none was chosen yet).
 * @XTUN_DEVICE_A_FWMARK: u32, mark given to the device's encapsulated
 *	packets; 0 means none.
 * @XTUN_DEVICE_A_GENERATION: u32, read-only, see "Consistency of dumps".
 * @XTUN_DEVICE_A_PEERS: nested array (GET_DEVICE replies and SET_DEVICE
 *	requests): each element is a nest of enum xtun_peer_attr; the
 *	element's own type is its index and carries no meaning.
 * @XTUN_DEVICE_A_PEER: nest of enum xtun_peer_attr: the peer that a
 *	NEW_PEER, SET_PEER or DEL_PEER request is about, or that a peer
 *	notification announces (its XTUN_PEER_A_PUBLIC_KEY, and its
 *	XTUN_PEER_A_ENDPOINT when it has one).
 * @XTUN_DEVICE_A_NTF_MISSED: u32, notifications only: how many
 *	notifications of the same group and namespace the rate limit held
 *	back since the previous one that was sent.
 * @XTUN_DEVICE_A_NTF_PEER_MISSED: u32, notifications of group "peers" only:
 *	how many notifications about the same peer the peer's own rate limit
 *	held back since the previous one about it that was sent.
 * @__XTUN_DEVICE_A_MAX: one more than the last value, for the _MAX below
 */
enum xtun_device_attr {
	XTUN_DEVICE_A_UNSPEC,
	XTUN_DEVICE_A_IFINDEX,
	XTUN_DEVICE_A_IFNAME,
	XTUN_DEVICE_A_PRIVATE_KEY,
	XTUN_DEVICE_A_PUBLIC_KEY,
	XTUN_DEVICE_A_FLAGS,
	XTUN_DEVICE_A_LISTEN_PORT,
	XTUN_DEVICE_A_FWMARK,
	XTUN_DEVICE_A_GENERATION,
	XTUN_DEVICE_A_PEERS,
	XTUN_DEVICE_A_PEER,
	XTUN_DEVICE_A_NTF_MISSED,
	XTUN_DEVICE_A_NTF_PEER_MISSED,

	__XTUN_DEVICE_A_MAX
};

#define XTUN_DEVICE_A_MAX (__XTUN_DEVICE_A_MAX - 1)

/**
 * enum xtun_peer_flag - bits of XTUN_PEER_A_FLAGS
 * @XTUN_PEER_F_REPLACE_ALLOWEDIPS: SET_PEER, or a peer of SET_DEVICE's
 *	XTUN_DEVICE_A_PEERS, removes all of the peer's allowed IPs before
 *	applying XTUN_PEER_A_ALLOWEDIPS.
 * @XTUN_PEER_F_UPDATE_ONLY: SET_DEVICE peers only: change the peer if the
 *	device has it, and skip it (no error) if not; never add it.
 * @XTUN_PEER_F_REMOVE: SET_DEVICE peers only: remove the peer, skipped if
 *	the device does not have it.  The peer then carries nothing but
 *	XTUN_PEER_A_PUBLIC_KEY and this flag.
 */
enum xtun_peer_flag {
	XTUN_PEER_F_REPLACE_ALLOWEDIPS = 1U << 0,
	XTUN_PEER_F_UPDATE_ONLY = 1U << 1,
	XTUN_PEER_F_REMOVE = 1U << 2,
};

/* The flags of SET_PEER; SET_DEVICE's peers take XTUN_PEER_F_ALL. */
#define XTUN_PEER_F_SET_PEER	(XTUN_PEER_F_REPLACE_ALLOWEDIPS)
#define XTUN_PEER_F_ALL		(XTUN_PEER_F_REPLACE_ALLOWEDIPS | \
				 XTUN_PEER_F_UPDATE_ONLY | XTUN_PEER_F_REMOVE)

/**
 * enum xtun_peer_attr - attributes of a peer, inside XTUN_DEVICE_A_PEER or
 *	an element of XTUN_DEVICE_A_PEERS
 * @XTUN_PEER_A_UNSPEC: unused
 * @XTUN_PEER_A_PUBLIC_KEY: binary, XTUN_KEY_LEN bytes; identifies the peer.
 *	Required in every peer request.
 * @XTUN_PEER_A_PRESHARED_KEY: binary, XTUN_KEY_LEN bytes, write-only; all
 *	zeros means none.
 * @XTUN_PEER_A_HAS_PRESHARED_KEY: flag, read-only: the peer has a
 *	preshared key.
 * @XTUN_PEER_A_FLAGS: u32, enum xtun_peer_flag bits (SET_PEER, SET_DEVICE).
 * @XTUN_PEER_A_ENDPOINT: binary, a struct sockaddr_in (AF_INET) or struct
 *	sockaddr_in6 (AF_INET6): where the peer is reached.  Port 0, and
 *	unspecified (0.0.0.0/8, ::), broadcast or multicast addresses are
 *	refused.  The endpoint moves to
 *	the source of the peer's latest authenticated packet (roaming).
 * @XTUN_PEER_A_PERSISTENT_KEEPALIVE: u16, seconds between keepalives sent
 *	while the link is otherwise idle; 0 (the default) disables them.
 * @XTUN_PEER_A_LAST_HANDSHAKE: u64, read-only, nanoseconds since the Unix
 *	epoch (CLOCK_REALTIME) of the latest completed handshake; 0 if none.
 * @XTUN_PEER_A_RX_BYTES: u64, read-only, decrypted inner bytes received
 *	(WireGuard's rx bytes are XTUN_PEER_A_LINK_RX_BYTES).
 * @XTUN_PEER_A_TX_BYTES: u64, read-only, inner bytes sent encrypted
 *	(WireGuard's tx bytes are XTUN_PEER_A_LINK_TX_BYTES).
 * @XTUN_PEER_A_RX_PACKETS: u64, read-only, data packets received.
 * @XTUN_PEER_A_TX_PACKETS: u64, read-only, data packets sent.
 * @XTUN_PEER_A_DROP_REPLAY: u64, read-only, data packets dropped because
 *	their counter was already seen or is too old for the replay window.
 * @XTUN_PEER_A_DROP_AUTH: u64, read-only, data packets that failed
 *	authentication with the session their receiver index named.
 * @XTUN_PEER_A_DROP_SOURCE: u64, read-only, decrypted packets dropped
 *	because their inner source address is not in the peer's allowed IPs.
 * @XTUN_PEER_A_DROP_NO_SESSION: u64, read-only, packets for this peer
 *	dropped for want of a usable session (queue full, handshake gave up,
 *	keys expired).
 * @XTUN_PEER_A_ALLOWEDIPS: nested array of nests of enum xtun_allowedip_attr:
 *	inner addresses this peer may send from and that are routed to it.
 *	NEW_PEER and SET_PEER add each entry (or remove it, see
 *	XTUN_ALLOWEDIP_A_FLAGS); a prefix that belonged to another peer of
 *	the device moves to this one.  Host bits below the prefix length are
 *	ignored.
 * @XTUN_PEER_A_PAD: padding for 64-bit attributes.
 * @XTUN_PEER_A_LINK_RX_BYTES: u64, read-only, bytes of UDP payload accepted
 *	from the peer: handshake messages, keepalives and whole data messages,
 *	as WireGuard counts rx bytes.  A data message counts once it is
 *	authenticated and its inner source is allowed.
 * @XTUN_PEER_A_LINK_TX_BYTES: u64, read-only, bytes of UDP payload sent to
 *	the peer: handshake messages, keepalives and data messages, as
 *	WireGuard counts tx bytes.
 * @XTUN_PEER_A_LINK_RX_PACKETS: u64, read-only, the UDP datagrams of
 *	XTUN_PEER_A_LINK_RX_BYTES.
 * @XTUN_PEER_A_LINK_TX_PACKETS: u64, read-only, the UDP datagrams of
 *	XTUN_PEER_A_LINK_TX_BYTES.
 * @__XTUN_PEER_A_MAX: one more than the last value, for the _MAX below
 */
enum xtun_peer_attr {
	XTUN_PEER_A_UNSPEC,
	XTUN_PEER_A_PUBLIC_KEY,
	XTUN_PEER_A_PRESHARED_KEY,
	XTUN_PEER_A_HAS_PRESHARED_KEY,
	XTUN_PEER_A_FLAGS,
	XTUN_PEER_A_ENDPOINT,
	XTUN_PEER_A_PERSISTENT_KEEPALIVE,
	XTUN_PEER_A_LAST_HANDSHAKE,
	XTUN_PEER_A_RX_BYTES,
	XTUN_PEER_A_TX_BYTES,
	XTUN_PEER_A_RX_PACKETS,
	XTUN_PEER_A_TX_PACKETS,
	XTUN_PEER_A_DROP_REPLAY,
	XTUN_PEER_A_DROP_AUTH,
	XTUN_PEER_A_DROP_SOURCE,
	XTUN_PEER_A_DROP_NO_SESSION,
	XTUN_PEER_A_ALLOWEDIPS,
	XTUN_PEER_A_PAD,
	XTUN_PEER_A_LINK_RX_BYTES,
	XTUN_PEER_A_LINK_TX_BYTES,
	XTUN_PEER_A_LINK_RX_PACKETS,
	XTUN_PEER_A_LINK_TX_PACKETS,

	__XTUN_PEER_A_MAX
};

#define XTUN_PEER_A_MAX (__XTUN_PEER_A_MAX - 1)

/**
 * enum xtun_allowedip_flag - bits of XTUN_ALLOWEDIP_A_FLAGS
 * @XTUN_ALLOWEDIP_F_REMOVE: remove this prefix from the peer instead of
 *	adding it (a prefix the peer does not have is ignored).
 */
enum xtun_allowedip_flag {
	XTUN_ALLOWEDIP_F_REMOVE = 1U << 0,
};

#define XTUN_ALLOWEDIP_F_ALL	(XTUN_ALLOWEDIP_F_REMOVE)

/**
 * enum xtun_allowedip_attr - one allowed-IPs prefix
 * @XTUN_ALLOWEDIP_A_UNSPEC: unused
 * @XTUN_ALLOWEDIP_A_FAMILY: u16, AF_INET or AF_INET6 (others: EAFNOSUPPORT).
 * @XTUN_ALLOWEDIP_A_ADDR: binary, 4 bytes (AF_INET) or 16 (AF_INET6),
 *	network byte order.
 * @XTUN_ALLOWEDIP_A_CIDR: u8, prefix length, at most 32 or 128.
 * @XTUN_ALLOWEDIP_A_FLAGS: u32, enum xtun_allowedip_flag bits (requests).
 * @__XTUN_ALLOWEDIP_A_MAX: one more than the last value, for the _MAX below
 */
enum xtun_allowedip_attr {
	XTUN_ALLOWEDIP_A_UNSPEC,
	XTUN_ALLOWEDIP_A_FAMILY,
	XTUN_ALLOWEDIP_A_ADDR,
	XTUN_ALLOWEDIP_A_CIDR,
	XTUN_ALLOWEDIP_A_FLAGS,

	__XTUN_ALLOWEDIP_A_MAX
};

#define XTUN_ALLOWEDIP_A_MAX (__XTUN_ALLOWEDIP_A_MAX - 1)

/**
 * enum xtun_link_attr - rtnetlink: IFLA_INFO_DATA of an xtun link
 *
 * Read-only, in RTM_NEWLINK replies and notifications (what "ip -d link
 * show" asks for), so that tools that know rtnetlink only see the
 * device's settings; the configuration itself goes through the generic
 * netlink family.  Not part of the family's spec.
 *
 * @IFLA_XTUN_UNSPEC: not an attribute
 * @IFLA_XTUN_LISTEN_PORT: u16, the UDP port in use, or while the device is
 *	down the one it will use (0: none chosen yet)
 * @IFLA_XTUN_FWMARK: u32, the mark of the device's UDP packets (0: none)
 * @IFLA_XTUN_PEERS: u32, how many peers the device has
 * @__IFLA_XTUN_MAX: one more than the last value, for the _MAX below
 */
enum xtun_link_attr {
	IFLA_XTUN_UNSPEC,
	IFLA_XTUN_LISTEN_PORT,
	IFLA_XTUN_FWMARK,
	IFLA_XTUN_PEERS,

	__IFLA_XTUN_MAX
};

#define IFLA_XTUN_MAX (__IFLA_XTUN_MAX - 1)

#endif /* _UAPI_LINUX_XTUN_H */
