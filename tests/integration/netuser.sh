#!/bin/bash
# network: user (pasta) and its egress allowlist, rootless, touching no outside address.
#
# Topology, all made by this test as the unprivileged user:
#   outer user+net namespace ("the host", where jail and pasta run): lo, veth-h with
#     198.51.100.1/24 and 2001:db8:1::1/64, default routes to the server namespace;
#     servers on 127.0.0.1 ("host loopback") and on [::]/0.0.0.0 ("host services")
#   server namespace: veth-s 198.51.100.2/24, 2001:db8:1::2/64; on lo 192.0.2.10,
#     192.0.2.20, 192.0.2.53, 2001:db8:2::10; HTTP-ish TCP servers and UDP echo servers
# jail runs in the outer namespace as the caller's uid (a nested user namespace maps it),
# never as uid 0. The job's client (python3) reports per destination: ok, or the errno
# name and how long the attempt took.
. "${top_srcdir:?run through make check}/tests/integration/lib.sh"

# integ_setup changes directory: re-run ourselves by an absolute path.
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
if [ "${1:-}" != --inner ]; then
	integ_setup
	for tool in pasta python3 ip nsenter; do
		have "$tool" ||
			skip_all "$tool is not installed (scripts/install-deps installs passt, python3, iproute2)"
	done
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
		skip_all "/dev/net/tun is not read-write for $(id -un): pasta cannot make its tap $(
			)(as root: chmod 0666 /dev/net/tun, as udev does)"
	err=$(unshare -U --map-user="$(id -u)" --map-group="$(id -g)" true 2>&1) ||
		skip_all "unshare --map-user does not work here (util-linux >= 2.38 needed): $err"
	err=$(unshare -Urn ip link add t0 type veth peer name t1 2>&1) ||
		skip_all "cannot make a veth pair in a user-owned network namespace: $err"
	JAIL_UID=$(id -u) JAIL_GID=$(id -g) unshare -Urn --kill-child -- "$BASH" "$self" --inner "$WORK"
	exit $?
fi

# ---- inside the outer namespaces (uid 0 there) -----------------------------------------
WORK=$2
cd "$WORK" || bail_out "cd $WORK"
trap 'for p in ${pids:-}; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT
pids=

cat >"$WORK/serve.py" <<'EOF'
import socket, sys, threading
def tcp(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6 and addr == "::":
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((addr, port)); s.listen(16)
    while True:
        c, _ = s.accept()
        try:
            c.recv(1024)
            body = "served-by %s %s %d\n" % (sys.argv[1], addr, port)
            c.sendall(("HTTP/1.0 200 OK\r\n\r\n" + body).encode())
        finally:
            c.close()
def udp(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((addr, port))
    while True:
        d, peer = s.recvfrom(2048); s.sendto(b"echo " + d, peer)
for spec in sys.argv[2:]:
    proto, addr, port = spec.split(",")
    serve = tcp if proto == "tcp" else udp
    threading.Thread(target=serve, args=(addr, int(port)), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
EOF
cat >"$WORK/client.py" <<'EOF'
import errno, socket, sys, time
for spec in sys.argv[1:]:
    proto, addr, port = spec.split(",")
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    t0 = time.monotonic()
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.settimeout(3)
    try:
        if proto == "tcp":
            s.connect((addr, int(port))); s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            reply = s.recv(1024).decode()
            res = "ok" if "served-by" in reply else "bad-reply"
            if "served-by host" in reply: res = "HOST"
        else:
            s.sendto(b"ping", (addr, int(port)))
            res = "ok" if s.recv(64) == b"echo ping" else "bad-reply"
    except socket.timeout:
        res = "timeout"
    except OSError as e:
        res = errno.errorcode.get(e.errno, str(e.errno))
    print("%s,%s,%s=%s %d" % (proto, addr, port, res, (time.monotonic() - t0) * 1000), flush=True)
EOF

ip link set lo up
ip link add veth-h type veth peer name veth-s || bail_out "veth"
unshare -n sleep 1000 &
S=$!
pids="$pids $S"
sleep 0.1
ip link set veth-s netns "$S" || bail_out "move veth-s"
ip addr add 198.51.100.1/24 dev veth-h
ip addr add 2001:db8:1::1/64 dev veth-h nodad
ip link set veth-h up
ip route add default via 198.51.100.2
ip -6 route add default via 2001:db8:1::2
nsenter -t "$S" -n sh -e -c '
	ip link set lo up; ip link set veth-s up
	ip addr add 198.51.100.2/24 dev veth-s; ip addr add 2001:db8:1::2/64 dev veth-s nodad
	for a in 192.0.2.10 192.0.2.20 192.0.2.53; do ip addr add $a/32 dev lo; done
	ip addr add 2001:db8:2::10/128 dev lo
	ip -6 route add default via 2001:db8:1::1' || bail_out "configure the server namespace"
start_server() { # NAME NETNS-PID|- SPECS...
	local name=$1 ns=$2 fifo
	shift 2
	fifo=$WORK/ready.$name
	mkfifo "$fifo"
	if [ "$ns" = - ]; then
		python3 "$WORK/serve.py" "$name" "$@" >"$fifo" &
	else
		nsenter -t "$ns" -n python3 "$WORK/serve.py" "$name" "$@" >"$fifo" &
	fi
	pids="$pids $!"
	read -r -t 10 line <"$fifo" && [ "$line" = ready ] || bail_out "server $name did not start"
}
start_server server "$S" tcp,192.0.2.10,8000 tcp,192.0.2.10,8001 tcp,192.0.2.20,8000 \
	tcp,2001:db8:2::10,8000 tcp,2001:db8:2::10,8001 tcp,198.51.100.2,8000 \
	udp,192.0.2.10,8000 udp,192.0.2.10,8001 udp,192.0.2.53,53 tcp,192.0.2.53,53
start_server host - tcp,127.0.0.1,8081 tcp,::1,8081 tcp,::,8083 tcp,198.51.100.1,8082

# jnet OPTIONS... -- CLIENT-SPECS...: the client in jail -p default, as the caller's uid.
jnet() {
	split_opts "$@"
	jrun_user -p default "${OPTS[@]}" -- python3 "$WORK/client.py" "${REST[@]}"
}
jrun_user() {
	local errf=$WORK/err.$$
	OUT=$(unshare -U --map-user="$JAIL_UID" --map-group="$JAIL_GID" -- \
		"$JAIL" run -w "$WORK" "$@" 2>"$errf")
	RC=$?
	ERR=$(cat "$errf")
}
res() { val "$1" "$OUT" | cut -d' ' -f1; }
ms() { val "$1" "$OUT" | cut -d' ' -f2; }
# unreachable SPEC DESCRIPTION: fails at once with ENETUNREACH or EHOSTUNREACH.
unreachable() {
	like "$(res "$1")" '^E(NET|HOST)UNREACH$' "$2: unreachable" || diag "$ERR"
	[ -n "$(ms "$1")" ] && [ "$(ms "$1")" -lt 1000 ]
	ok $? "$2: fails in $(ms "$1") ms (< 1 s)"
}

host_specs="tcp,127.0.0.1,8081 tcp,::1,8081 tcp,169.254.1.1,8081 tcp,169.254.1.1,8083
	tcp,198.51.100.1,8082 tcp,198.51.100.1,8083 tcp,2001:db8:1::1,8083"
check_host_blocked() { # MODE-DESCRIPTION
	local s
	for s in tcp,127.0.0.1,8081 tcp,::1,8081; do
		is "$(res "$s")" ECONNREFUSED "$1: $s is the job's own loopback, not the host's"
	done
	for s in tcp,169.254.1.1,8081 tcp,169.254.1.1,8083 tcp,198.51.100.1,8083 \
		tcp,2001:db8:1::1,8083; do
		unreachable "$s" "$1: host via $s"
	done
}

# --- no allow list: everything but the host ---------------------------------------------
# shellcheck disable=SC2086
jnet --net user -- tcp,192.0.2.10,8000 tcp,192.0.2.20,8000 tcp,2001:db8:2::10,8000 \
	udp,192.0.2.10,8001 $host_specs
is "$RC" 0 "--net user runs" || diag "$ERR"
is "$(res tcp,192.0.2.10,8000)" ok "allow-all: 192.0.2.10:8000 answers"
is "$(res tcp,192.0.2.20,8000)" ok "allow-all: 192.0.2.20:8000 answers"
is "$(res tcp,2001:db8:2::10,8000)" ok "allow-all: [2001:db8:2::10]:8000 answers (IPv6)"
is "$(res udp,192.0.2.10,8001)" ok "allow-all: UDP to 192.0.2.10:8001 is echoed"
is "$(res tcp,198.51.100.1,8082)" EHOSTUNREACH "allow-all: the host's own address is unreachable"
check_host_blocked "allow-all"

# --- an allow list with ports ------------------------------------------------------------
# shellcheck disable=SC2086
jnet --net user --net-allow 192.0.2.10:8000 --net-allow '[2001:db8:2::10]:8000' \
	--net-allow 198.51.100.0/24 -- \
	tcp,192.0.2.10,8000 udp,192.0.2.10,8000 tcp,192.0.2.10,8001 udp,192.0.2.10,8001 \
	tcp,192.0.2.20,8000 tcp,2001:db8:2::10,8000 tcp,2001:db8:2::10,8001 \
	tcp,198.51.100.2,8000 $host_specs
is "$RC" 0 "--net-allow runs" || diag "$ERR"
is "$(res tcp,192.0.2.10,8000)" ok "allowed 192.0.2.10:8000 (TCP) answers"
is "$(res udp,192.0.2.10,8000)" ok "allowed 192.0.2.10:8000 (UDP sendto) is echoed"
unreachable tcp,192.0.2.10,8001 "a port not allowed on an allowed address (TCP connect)"
unreachable udp,192.0.2.10,8001 "a port not allowed on an allowed address (UDP sendto)"
unreachable tcp,192.0.2.20,8000 "an address not allowed"
is "$(res tcp,2001:db8:2::10,8000)" ok "allowed [2001:db8:2::10]:8000 answers"
unreachable tcp,2001:db8:2::10,8001 "IPv6: a port not allowed"
is "$(res tcp,198.51.100.2,8000)" ok "allowed 198.51.100.0/24 reaches 198.51.100.2"
unreachable tcp,198.51.100.1,8082 "198.51.100.0/24 does not take in the host's 198.51.100.1"
check_host_blocked "allowlist"

# --- the host's address named exactly ---------------------------------------------------
jnet --net user --net-allow 198.51.100.1:8082 -- tcp,198.51.100.1,8082 tcp,198.51.100.1,8083
is "$(res tcp,198.51.100.1,8082)" HOST \
	"allow 198.51.100.1:8082 (the host's address, exactly) reaches it"
unreachable tcp,198.51.100.1,8083 "... but only on that port"

# --- DNS ---------------------------------------------------------------------------------
jnet --net user --net-allow 192.0.2.10:8000 --dns 192.0.2.53 -- udp,192.0.2.53,53 \
	tcp,192.0.2.53,53 tcp,192.0.2.53,8000
is "$(res udp,192.0.2.53,53)" ok "--dns 192.0.2.53: UDP port 53 is routable though not allowed"
is "$(res tcp,192.0.2.53,53)" ok "--dns 192.0.2.53: TCP port 53 too"
unreachable tcp,192.0.2.53,8000 "--dns opens port 53 only"
jrun_user -p default --net user --dns 192.0.2.53 --dns 2001:db8:2::53 -- cat /etc/resolv.conf
is "$(grep -v '^#' <<<"$OUT" | tr '\n' ' ')" "nameserver 192.0.2.53 nameserver 2001:db8:2::53 " \
	"resolv.conf lists exactly the --dns servers"
jrun_user -p default --net user -- cat /etc/resolv.conf
is "$(grep -c nameserver <<<"$OUT")" 0 "without --dns, resolv.conf has no nameserver"
jrun_user -p default --net user -- python3 -c '
import socket, time
t = time.monotonic()
try:
    socket.getaddrinfo("example.org", 80); print("resolved")
except OSError as e:
    print("failed %d" % ((time.monotonic() - t) * 1000))'
like "$OUT" '^failed [0-9]+$' "without --dns, a lookup fails" &&
	{ [ "${OUT#failed }" -lt 1000 ]; ok $? "... in ${OUT#failed } ms (< 1 s)"; }

# --- the job cannot undo the routing -----------------------------------------------------
jrun_user -p default --net user -- sh -c 'ip route del unreachable default
	ip -6 route del unreachable default; ip rule del prio 10000
	ip route add default via 169.254.1.1 dev jail0 onlink; grep CapBnd /proc/self/status'
like "$ERR$OUT" "Operation not permitted" "ip route del/add in the job: EPERM"
unlike "$OUT$ERR" "RTNETLINK answers: (No such|File exists)" \
	"... for every change, none got through"
like "$OUT" "CapBnd:[[:space:]]+0+$" "the job's bounding set is empty (no net_admin, no net_raw)"
cat >"$WORK/netcaps.yaml" <<'EOF'
name: netcaps
extends: default
network: user
capabilities:
  keep: [net_admin]
EOF
jrun_user -p "$WORK/netcaps.yaml" -- true
is "$RC" 125 "a profile keeping net_admin with network: user: 125"
like "$ERR" "net_admin cannot be kept with network: user" "... and says why"

# --- pasta's lifetime ----------------------------------------------------------------------
pasta_of() { # JAIL-PID: pasta's pid among jail's children, by its arguments
	local c
	for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | grep -q -- "--netns /proc/" && echo "$c"
	done
}
gone() { # PID: not there, or a zombie waiting for its reaper
	local i
	for i in $(seq 50); do
		[ -e "/proc/$1" ] || return 0
		[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.1
	done
	return 1
}
find_pasta() { # JAIL-PID
	local i p
	for i in $(seq 100); do
		p=$(pasta_of "$1")
		[ -n "$p" ] && { echo "$p"; return; }
		sleep 0.05
	done
}
unshare -U --map-user="$JAIL_UID" --map-group="$JAIL_GID" -- \
	"$JAIL" run -w "$WORK" -p default --net user -- sleep 2 2>/dev/null &
jpid=$!
ppid_=$(find_pasta "$jpid")
isnt "$ppid_" "" "pasta runs as a child of jail during the job"
wait "$jpid"
is "$?" 0 "the job ends normally"
gone "${ppid_:-0}"
ok $? "pasta ($ppid_) is gone after the run"
unshare -U --map-user="$JAIL_UID" --map-group="$JAIL_GID" -- \
	"$JAIL" run -w "$WORK" -p default --net user -- sleep 30 2>/dev/null &
jpid=$!
ppid_=$(find_pasta "$jpid")
isnt "$ppid_" "" "pasta runs during a long job"
kill -KILL "$jpid"
wait "$jpid" 2>/dev/null
gone "${ppid_:-0}"
ok $? "SIGKILL of jail: pasta ($ppid_) dies with it"

# --- failures ------------------------------------------------------------------------------
JAIL_PASTA=/nonexistent jrun_user -p default --net user -- true
is "$RC" 125 "JAIL_PASTA=/nonexistent: 125"
like "$ERR" "apt-get install passt" "... naming apt-get install passt"
OUT=$(unshare -U --map-user="$JAIL_UID" --map-group="$JAIL_GID" -- env PATH=/nonexistent \
	"$JAIL" run -w "$WORK" -p default --net user -- /bin/true 2>&1)
is "$?" 125 "pasta not in PATH: 125"
like "$OUT" "needs pasta \(not found in PATH\).*apt-get install passt" \
	"... naming apt-get install passt"
JAIL_PASTA=/bin/false jrun_user -p default --net user -- true
is "$RC" 125 "pasta that exits at once: 125"
like "$ERR" "pasta exited with status 1" "... and says so"
jrun_user -p default --net-allow 192.0.2.10 -- true
is "$RC" 125 "--net-allow without --net user: 125"

# --- report and timing ----------------------------------------------------------------------
jrun_user -p default --net user --net-allow 192.0.2.0/24:443 --dns 192.0.2.53 \
	--report "$WORK/report.json" --debug-timing -- true
is "$RC" 0 "--report with --net user" || diag "$ERR"
like "$(cat "$WORK/report.json" 2>/dev/null)" \
	'"network": \{"mode": "user", "allow": \["192.0.2.0/24:443"\], "dns": \["192.0.2.53"\]\}' \
	"the report's network object"
like "$ERR" "timing: net .*timing: +network " "--debug-timing has the network steps"

done_testing
