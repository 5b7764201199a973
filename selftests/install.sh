#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What "make install" gives an operator besides the module: xtunctl, its man
# page, bash completion and the xtun@.service unit, and that the unit's
# commands bring a tunnel up, reload it and take it down.
#
#   namespace "a": xtun device from /etc/xtun/NAME.conf (the guest's /etc
#   is a scratch overlay), one peer that is never reached

source "$(dirname "$0")/lib.sh"
require_cmd make

UNIT=tools/tunctl/systemd/xtun@.service
MAN=$XTUN_REPO/man/xtunctl.8

# The commands "xtunctl help" lists, in its order.
commands() {
	"$XTUNCTL" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

tools_install_puts_every_file_in_place() {
	local dest unit

	dest=$(tmp_dir)
	check_ok make -s -C "$XTUN_REPO" tools-install DESTDIR="$dest" PREFIX=/usr
	for f in usr/sbin/xtunctl usr/share/man/man8/xtunctl.8 \
		usr/share/bash-completion/completions/xtunctl \
		lib/systemd/system/xtun@.service \
		lib/systemd/system/xtun-reresolve@.service \
		lib/systemd/system/xtun-reresolve@.timer; do
		[ -s "$dest/$f" ] || fail "make tools-install did not install /$f"
	done
	[ -x "$dest/usr/sbin/xtunctl" ] || fail "xtunctl is not executable"
	check_ok "$dest/usr/sbin/xtunctl" version
	unit=$(cat "$dest/lib/systemd/system/xtun@.service")
	check_match "$unit" '^ExecStart=/usr/sbin/xtunctl up %i$' "the unit's ExecStart"
	check_match "$unit" '^ExecStop=/usr/sbin/xtunctl down %i$' "the unit's ExecStop"
	check_match "$unit" '^ExecReload=/usr/sbin/xtunctl syncconf %i /etc/xtun/%i.conf$' \
		"the unit's ExecReload"
	check_match "$unit" '^RemainAfterExit=yes$' "the unit stays active after up"
	check_match "$(cat "$dest/lib/systemd/system/xtun-reresolve@.service")" \
		'^ExecStart=/usr/sbin/xtunctl reresolve %i /etc/xtun/%i.conf$' \
		"the re-resolve unit's ExecStart"
	# Another SBINDIR is what the unit runs.
	check_ok make -s -C "$XTUN_REPO" tools-install DESTDIR="$dest/alt" PREFIX=/opt/xtun
	check_match "$(cat "$dest/alt/lib/systemd/system/xtun@.service")" \
		'^ExecStart=/opt/xtun/sbin/xtunctl up %i$' "the unit with PREFIX=/opt/xtun"
}

# unit_cmd KEY NAME: the unit's KEY= command line for instance NAME, with
# the xtunctl under test.
unit_cmd() {
	sed -n "s/^$1=//p" "$XTUN_REPO/$UNIT" |
		sed "s|%i|$2|g; s|/usr/sbin/xtunctl|$XTUNCTL|"
}

the_unit_brings_a_tunnel_up_reloads_and_takes_it_down() {
	local ns name conf t0 p1 p2

	xtun_load
	ns=$(ns_new a)
	name=xt$$
	conf=/etc/xtun/$name.conf
	[ ! -e "$conf" ] || fail "$conf exists already"
	mkdir -p /etc/xtun
	# Removed however the test ends (the guest's /etc is scratch anyway).
	trap "rm -f '$conf'" EXIT
	p1=$("$XTUNCTL" genkey | "$XTUNCTL" pubkey)
	p2=$("$XTUNCTL" genkey | "$XTUNCTL" pubkey)
	cat > "$conf" <<-EOF
	[Interface]
	PrivateKey = $("$XTUNCTL" genkey)
	ListenPort = 51870
	Address = 10.240.0.1/24
	MTU = 1380
	[Peer]
	PublicKey = $p1
	AllowedIPs = 10.240.1.0/24
	EOF
	chmod 600 "$conf"

	check_ok ip netns exec "$ns" sh -c "$(unit_cmd ExecStart "$name")"
	check_match "$(ip -n "$ns" -o link show dev "$name")" "mtu 1380 .*state (UNKNOWN|UP)" \
		"the device after ExecStart"
	check_match "$(ip -n "$ns" -o route show dev "$name")" '^10.240.1.0/24' \
		"the route after ExecStart"

	# Reload: a new peer, the first untouched.
	printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.240.2.0/24\n' "$p2" >> "$conf"
	check_ok ip netns exec "$ns" sh -c "$(unit_cmd ExecReload "$name")"
	check_eq "$(ip netns exec "$ns" "$XTUNCTL" show "$name" peers | sort)" \
		"$(printf '%s\n' "$p1" "$p2" | sort)" "the peers after ExecReload"

	check_ok ip netns exec "$ns" sh -c "$(unit_cmd ExecStop "$name")"
	check_fails ip -n "$ns" link show dev "$name"
}

man_page_covers_every_command_and_section() {
	local cmd section

	[ -s "$MAN" ] || fail "no man page at man/xtunctl.8"
	for cmd in $(commands); do
		grep -qE "^\.B[IR]? \"?(xtunctl )?$cmd\b" "$MAN" ||
			fail "the man page does not document '$cmd'"
	done
	[ "$(commands | wc -l)" -ge 14 ] || fail "xtunctl help lists only: $(commands | paste -sd' ')"
	for section in SYNOPSIS DESCRIPTION COMMANDS "CONFIGURATION FILE" \
		"OUTPUT FORMAT" "JSON FORMAT" "DUMP FORMAT" "EXIT STATUS" FILES EXAMPLES; do
		grep -q "^\.SH \"\?$section\"\?\$" "$MAN" || fail "no $section section"
	done
	if command -v man >/dev/null; then
		run env MANWIDTH=80 man --warnings -l "$MAN"
		[ "$RC" = 0 ] || fail "man cannot render the page: $OUT"
		check_no_match "$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)" . \
			"man's warnings"
	fi
}

ktap_run_tests \
	tools_install_puts_every_file_in_place \
	the_unit_brings_a_tunnel_up_reloads_and_takes_it_down \
	man_page_covers_every_command_and_section
