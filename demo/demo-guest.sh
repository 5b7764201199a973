#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, run inside the VM (demo/run.sh): two sites joined by xtun, built the way an
# operator would (README, "Quick start: a site-to-site link": a config file
# per site and "xtunctl up"), every command printed before it runs.
#
#   lan-a                site-a                    site-b                lan-b
#   192.168.10.2 --- 192.168.10.1             192.168.20.1 --- 192.168.20.2
#                    wan0 192.0.2.1 ~~ WAN ~~ 192.0.2.2 wan0
#                    xtun0 10.99.0.1 <=======> 10.99.0.2 xtun0
#
# Each LAN is a namespace with one host in it, routed through its site's
# gateway.  The gateways reach each other over the "WAN" veth only; the LANs
# reach each other only through the tunnel.  Fails (non-zero) when a ping
# across does not get through or iperf3 cannot run.

set -eu
XTUNCTL=${XTUNCTL:-${XTUN_REPO:-$(cd "$(dirname "$0")/.." && pwd)}/tools/tunctl/xtunctl}
# Shown as plain "xtunctl", as an operator would type it.
PATH=$(dirname "$XTUNCTL"):$PATH
KEYS=$(mktemp -d /tmp/xtun-demo.XXXXXX)
NAMESPACES="lan-a site-a site-b lan-b"

cleanup() {
	local ns

	for ns in $NAMESPACES; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$KEYS"
}
trap cleanup EXIT

say() {
	echo
	echo "### $*"
}

# step CMD...: print the command the way it would be typed, then run it.
step() {
	local word line="\$"

	for word; do
		case "$word" in
		*[[:space:]\$\"\'\<\>\|\;\&]*) line+=" '$word'" ;;
		*) line+=" $word" ;;
		esac
	done
	echo "$line"
	"$@"
}

die() {
	echo
	echo "demo: FAILED: $*"
	exit 1
}

# site NAME CMD...: run CMD in namespace NAME, shown as "ip netns exec".
site() {
	local ns=$1

	shift
	step ip netns exec "$ns" "$@"
}

# Wait up to ~10 s for a TCP listener on PORT in namespace NS.
wait_for_listener() {
	local ns=$1 port=$2

	for _ in $(seq 100); do
		ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

topology() {
	sed -n '/^#   lan-a/,/^#  *xtun0/p' "$0" | sed 's/^#//'
}

build_networks() {
	say "The network: two sites, each a gateway with a LAN behind it"
	topology
	for ns in $NAMESPACES; do
		step ip netns add "$ns"
		ip -n "$ns" link set lo up
	done

	say "The WAN between the two gateways"
	step ip -n site-a link add wan0 type veth peer name wan0 netns site-b
	step ip -n site-a address add 192.0.2.1/24 dev wan0
	step ip -n site-b address add 192.0.2.2/24 dev wan0
	step ip -n site-a link set wan0 up
	step ip -n site-b link set wan0 up

	say "A LAN behind each gateway, with one host that routes through it"
	step ip -n site-a link add lan0 type veth peer name eth0 netns lan-a
	step ip -n site-a address add 192.168.10.1/24 dev lan0
	step ip -n site-a link set lan0 up
	step ip -n lan-a address add 192.168.10.2/24 dev eth0
	step ip -n lan-a link set eth0 up
	step ip -n lan-a route add default via 192.168.10.1
	step ip -n site-b link add lan0 type veth peer name eth0 netns lan-b
	step ip -n site-b address add 192.168.20.1/24 dev lan0
	step ip -n site-b link set lan0 up
	step ip -n lan-b address add 192.168.20.2/24 dev eth0
	step ip -n lan-b link set eth0 up
	step ip -n lan-b route add default via 192.168.20.1
	site site-a sysctl -qw net.ipv4.ip_forward=1
	site site-b sysctl -qw net.ipv4.ip_forward=1

	say "Without a tunnel the LANs cannot reach each other"
	if ip netns exec lan-a ping -c 1 -W 1 192.168.20.2 >/dev/null 2>&1; then
		die "lan-a reaches lan-b without the tunnel; the demo proves nothing"
	fi
	echo "(no route from lan-a to 192.168.20.2, as expected)"
}

make_keys() {
	say "Keys: each site makes its own private key and publishes the public key"
	step modprobe xtun
	step modinfo -F version xtun
	step xtunctl version
	step cd "$KEYS"
	step umask 077
	for site in site-a site-b; do
		echo "\$ xtunctl genkey > $site.key"
		xtunctl genkey >"$site.key"
	done
	step ls -l
	echo "\$ xtunctl pubkey < site-a.key"
	A_PUB=$(xtunctl pubkey <site-a.key)
	echo "$A_PUB"
	echo "\$ xtunctl pubkey < site-b.key"
	B_PUB=$(xtunctl pubkey <site-b.key)
	echo "$B_PUB"
}

# configure_site NS OWN_KEY TUNNEL_ADDR PEER_PUB PEER_WAN PEER_TUNNEL PEER_LAN:
# the site's config file, as the README's quick start writes it, and
# "xtunctl up".  Each site keeps its file in a directory of its own here;
# on a real server it is /etc/xtun/xtun0.conf and "xtunctl up xtun0".
configure_site() {
	local ns=$1 key=$2 addr=$3 peer=$4 wan=$5 tun=$6 lan=$7
	local conf="$KEYS/$ns/xtun0.conf"

	say "$ns: its config file, and xtunctl up"
	mkdir -p "$KEYS/$ns"
	cat > "$conf" <<-EOF
	[Interface]
	PrivateKey = $(cat "$key")
	ListenPort = 51820
	Address = $addr/24

	[Peer]
	PublicKey = $peer
	Endpoint = $wan:51820
	AllowedIPs = $tun/32, $lan
	EOF
	echo "\$ cat $conf"
	sed 's/^PrivateKey = .*/PrivateKey = (the contents of '"$key"')/' "$conf"
	site "$ns" xtunctl up "$conf"
	step ip -n "$ns" route show dev xtun0
}
ping_across() {
	say "Ping across the tunnel: gateway to gateway, then LAN host to LAN host"
	site site-a ping -c 3 -i 0.5 -W 5 10.99.0.2 ||
		die "site-a cannot ping site-b's tunnel address"
	site lan-a ping -c 3 -i 0.5 -W 5 192.168.20.2 ||
		die "the host in lan-a cannot ping the host in lan-b"
	site lan-b ping -c 3 -i 0.5 -W 5 192.168.10.2 ||
		die "the host in lan-b cannot ping the host in lan-a"
}

iperf_across() {
	say "Throughput: iperf3 from lan-a to lan-b for 3 seconds"
	if ! command -v iperf3 >/dev/null; then
		die "iperf3 is not installed (selftests/vm/deps.sh installs it)"
	fi
	site lan-b iperf3 --server --one-off --daemon
	wait_for_listener lan-b 5201 || die "the iperf3 server did not start"
	site lan-a iperf3 --client 192.168.20.2 --time 3 --format m ||
		die "iperf3 across the tunnel failed"
}

show_state() {
	say "What each gateway sees"
	site site-a xtunctl show
	echo
	site site-b xtunctl show
	echo
	site site-a xtunctl show xtun0 dump
	step ip -n site-a -s link show xtun0
	site site-a xtunctl showconf xtun0
}

take_down() {
	say "xtunctl down undoes what up did"
	site site-a xtunctl down "$KEYS/site-a/xtun0.conf"
	site site-b xtunctl down "$KEYS/site-b/xtun0.conf"
	if ip -n site-a link show xtun0 >/dev/null 2>&1; then
		die "xtun0 is still there after xtunctl down"
	fi
	echo "(xtun0 is gone from both sites)"
}

main() {
	build_networks
	make_keys
	configure_site site-a site-a.key 10.99.0.1 "$B_PUB" \
		192.0.2.2 10.99.0.2 192.168.20.0/24
	configure_site site-b site-b.key 10.99.0.2 "$A_PUB" \
		192.0.2.1 10.99.0.1 192.168.10.0/24
	ping_across
	iperf_across
	show_state
	take_down
	echo
	echo "demo: OK: two sites joined by xtun, ping and iperf3 across"
}

main
