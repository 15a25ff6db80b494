#!/bin/bash
# The BPF extras' cases, run as the guest's root in a user-mode-linux guest booted by
# tests/vm/bpf.sh through scripts/vm-check --root: a throw-away kernel with its own
# cgroup2 at /sys/fs/cgroup, so nothing is ever attached to a host cgroup. Each case
# prints "ok - ..." or "not ok - ..."; the last line is "done bpf".
#
# The guest kernel (6.1) has CONFIG_CGROUP_BPF but no BTF and no tracepoints: the
# egress and device programs (UAPI contexts only) load here; the exec audit (CO-RE,
# tp_btf) cannot, and must fail closed. The exec audit itself is tested on the host
# as root (tests/root/execaudit.sh).
#
# Processes cost 20-45 ms each in the guest: few of them, waits with `read -t`.
set -u

JAIL=${JAIL:?}
BIN=${VMT_BIN:?}
: "${VM_CHECK_CGROUP:?}" # the guest has its own cgroup2 (scripts/vm-check)
W=$(mktemp -d "${TMPDIR:-/tmp}/vmbpf.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT
chmod 755 "$W" # the work dir of jobs that run as root's subordinate ids
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
mkfifo "$W/.nap" && exec 9<>"$W/.nap"
nap() { read -r -t "$1" -u 9 _ || true; }
jnum() { sed -n "s/.*\"$1\": \([0-9][0-9]*\).*/\1/p" "$2" | head -n 1; }
links() { "$BPFTOOL" link list 2>/dev/null | grep -c '^[0-9]*:'; }
progs() { "$BPFTOOL" prog list 2>/dev/null | grep -cE '^[0-9]+: (cgroup_sock_addr|cgroup_device)'; }
jobs_in() { find "$1" -maxdepth 1 -name 'jail-*.job' | wc -l; }

# Root's subordinate range for the job, and the profiles.
printf 'root:300000:65536\n' >"$W/subid"
export JAIL_SUBUID_FILE=$W/subid JAIL_SUBGID_FILE=$W/subid
cat >"$W/egress.yaml" <<'YAML'
name: vmt-egress
extends: default
bpf:
  egress: ["192.0.2.1:80", "198.51.100.0/24", "[2001:db8::1]:80"]
YAML
cat >"$W/devices.yaml" <<'YAML'
name: vmt-devices
extends: default
bpf:
  devices: ["c 1:3 rw", "c 1:8 rw", "c 1:9 rw", "c 5:0 rw", "c 5:2 rw", "c 136:* rw"]
YAML
J() { "$JAIL" run --ro-bind "$BIN" -w "$W" "$@"; }
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
CG=/sys/fs/cgroup${own%/}

# --- root mode: the job never runs as host (here: guest) root ---
out=$(J -- cat /proc/self/uid_map 2>&1)
set -- $out
check $( ([ "${1:-}" = 0 ] && [ "${2:-}" = 300000 ] && [ "${3:-}" = 65536 ]) && echo 0 || echo 1) \
	"as root the job gets root's subordinate range (uid_map 0 300000 65536)" "$out"
out=$(J --map self -- true 2>&1)
rc=$?
check $( ([ $rc = 125 ] && echo "$out" | grep -q 'map self') && echo 0 || echo 1) \
	"as root --map self is refused: exit 125" "exit $rc: $out"

# --- egress: allowed addresses reach routing (ENETUNREACH), others EPERM ---
out=$(J -p "$W/egress.yaml" --report "$W/egress.json" -- "$BIN/netprobe" \
	tcp 192.0.2.1 80  tcp 192.0.2.1 81  tcp 192.0.2.2 80  tcp 198.51.100.7 22 \
	udp 192.0.2.9 53  udp 198.51.100.9 53  tcp 127.0.0.1 9  \
	tcp 2001:db8::1 80  tcp 2001:db8::2 80  tcp ::1 9 2>&1)
rc=$?
diag "$out"
want="tcp 192.0.2.1 80 ENETUNREACH
tcp 192.0.2.1 81 EPERM
tcp 192.0.2.2 80 EPERM
tcp 198.51.100.7 22 ENETUNREACH
udp 192.0.2.9 53 EPERM
udp 198.51.100.9 53 ENETUNREACH
tcp 127.0.0.1 9 ECONNREFUSED"
check $( ([ $rc = 0 ] && [ "$(echo "$out" | head -n 7)" = "$want" ]) && echo 0 || echo 1) \
	"egress IPv4: allowed CIDR:PORT and CIDR reach routing, the rest EPERM, loopback open"
v6=$(echo "$out" | tail -n 3)
if echo "$v6" | grep -q EAFNOSUPPORT; then
	pass "egress IPv6 # SKIP no IPv6 in this guest kernel (scripts/vm-check loads ipv6.ko when /usr/lib/uml/modules has it)"
	want_denied=3
else
	check $([ "$v6" = "tcp 2001:db8::1 80 ENETUNREACH
tcp 2001:db8::2 80 EPERM
tcp ::1 9 ECONNREFUSED" ] && echo 0 || echo 1) "egress IPv6: [2001:db8::1]:80 allowed, others EPERM, ::1 open"
	want_denied=4
fi
denied=$(jnum egress_denied "$W/egress.json")
check $([ "$denied" = "$want_denied" ] && echo 0 || echo 1) \
	"the report counts the denied attempts (egress_denied $denied, want $want_denied)"
check $(grep -q '"enforced": \["egress"\]' "$W/egress.json" && echo 0 || echo 1) \
	"the report says egress was enforced"

# --- devices: /dev/null allowed, /dev/zero (c 1:5) not in the list: EPERM ---
out=$(J -p "$W/devices.yaml" --report "$W/devices.json" -- /bin/sh -c \
	'echo x >/dev/null && echo null-ok; head -c1 /dev/zero >/dev/null || echo zero-denied;
	 mknod /tmp/z c 1 5 2>&1 || echo mknod-denied' 2>&1)
diag "$out"
check $(echo "$out" | grep -q null-ok && echo 0 || echo 1) "device policy: /dev/null opens"
check $( (echo "$out" | grep -q zero-denied && echo "$out" | grep -q 'Operation not permitted') &&
	echo 0 || echo 1) "device policy: /dev/zero (not listed) fails with EPERM"
# In a user namespace the kernel refuses mknod of a real device by itself (no
# CAP_MKNOD over the initial namespace): the policy is the second wall, not the first.
check $(echo "$out" | grep -q mknod-denied && echo 0 || echo 1) "mknod c 1:5 inside fails"
n=$(jnum devices_denied "$W/devices.json")
check $([ "${n:-0}" -ge 1 ] && echo 0 || echo 1) "the report counts denied device accesses ($n)"

# --- exec audit: needs BTF and tracepoints, which this kernel lacks: fail closed ---
out=$(J --exec-audit -- true 2>&1)
rc=$?
check $( ([ $rc = 125 ] && echo "$out" | grep -q 'exec_audit') && echo 0 || echo 1) \
	"exec audit without kernel BTF fails closed: exit 125" "exit $rc: $out"
out=$(J --exec-audit --best-effort --report "$W/ea.json" -- true 2>&1)
rc=$?
check $( ([ $rc = 0 ] && grep -q '"not_enforced": \["exec_audit"\]' "$W/ea.json") && echo 0 ||
	echo 1) "--best-effort: a warning and not_enforced exec_audit in the report" "$out"

# --- SIGKILL mid-run: no link, no program, no job cgroup survives ---
before_links=$(links)
# jail itself in the background ($! of a function would be a subshell's pid)
"$JAIL" run -w "$W" -p "$W/egress.yaml" -- sleep 30 >/dev/null 2>&1 &
jpid=$!
for ((i = 0; i < 200 && $(links) < before_links + 4; i++)); do nap 0.05; done
during=$(links)
during_jobs=$(jobs_in "$CG")
kill -KILL $jpid
wait $jpid 2>/dev/null
for ((i = 0; i < 100; i++)); do
	[ "$(links)" = "$before_links" ] && [ "$(progs)" = 0 ] && [ "$(jobs_in "$CG")" = 0 ] && break
	nap 0.05
done
after=$(links)
diag "links before $before_links, during $during (job cgroups $during_jobs), after SIGKILL $after"
check $( ([ "$during" -ge $((before_links + 4)) ] && [ "$during_jobs" -ge 1 ]) && echo 0 || echo 1) \
	"during the run: 4 cgroup links on a job cgroup"
check $( ([ "$after" = "$before_links" ] && [ "$(progs)" = 0 ]) && echo 0 || echo 1) \
	"after SIGKILL of jail: no BPF link or program left" "$("$BPFTOOL" link list 2>&1)"
check $([ "$(jobs_in "$CG")" = 0 ] && echo 0 || echo 1) "after SIGKILL of jail: no job cgroup left"
echo "done bpf"
