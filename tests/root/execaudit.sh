#!/bin/bash
# Root-only tests on the host (TAP), run by `make check-root` as root after the
# unprivileged `make check` (scripts/check does both):
#   - root mode: the job runs in root's subordinate range, never as host uid 0 or with
#     host gid 0; --map self is refused; root-only files stay unreadable;
#   - exec audit (CO-RE tp_btf program, needs kernel BTF): the report lists what the
#     job executed, with argv0 and times inside the run, and nothing from outside the
#     job even while the host execs concurrently; the 10,000-entry cap;
#   - SIGKILL of jail mid-run leaves no BPF program or link;
#   - the host's cgroup2 tree is the same after all of it (hybrid hosts: jail makes no
#     job cgroup there, and egress/devices fail closed with the reason).
# Nothing here attaches to a host cgroup: egress and device policy are tested in a
# user-mode-linux guest (tests/vm/bpf.sh).
set -u

: "${JAIL:?}" "${top_srcdir:?}" "${top_builddir:?}"
n=0
failed=0
ok() {
	local st=$1
	shift
	n=$((n + 1))
	if [ "$st" -eq 0 ]; then echo "ok $n - $*"; else echo "not ok $n - $*"; failed=$((failed + 1)); fi
	return "$st"
}
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (make check-root, as root)"
	exit 0
fi
if "$JAIL" run --exec-audit -- true 2>&1 | grep -q 'built without libbpf'; then
	echo "1..0 # SKIP jail was built without the BPF extras"
	exit 0
fi
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
W=$(mktemp -d /tmp/jail-root.XXXXXX) || exit 99
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
printf 'root:300000:65536\n' >"$W/subid"
export JAIL_SUBUID_FILE=$W/subid JAIL_SUBGID_FILE=$W/subid
J() { "$JAIL" run -w "$W" "$@"; }
cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
cg2_tree() { [ -n "$cg2" ] && find "$cg2" -xdev 2>/dev/null | sort | md5sum; }
cg2_before=$(cg2_tree)

# --- root mode ---
out=$(J -- /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g;
	sed -n "s/^Groups:[[:space:]]*//p" /proc/self/status' 2>&1)
want="         0     300000      65536
         0     300000      65536
1000
1000
"
[ "$out" = "$(printf '%s' "$want")" ]
ok $? "as root the job runs as uid/gid 1000 of root's range 300000+65536, no supplementary group" ||
	diag "$out"
out=$(J -- /bin/sh -c 'echo "$USER $HOME"; touch "$HOME/x" /tmp/x && echo writable' 2>&1)
[ "$out" = "build /home/build
writable" ]
ok $? "... as user build, with a writable \$HOME and /tmp" || diag "$out"
out=$(J --root -- /bin/sh -c 'id -u; head -n1 /proc/self/uid_map' 2>&1)
[ "$(echo $out)" = "0 0 300000 65536" ]
ok $? "--root as root: uid 0 inside is 300000 outside" || diag "$out"
echo secret >"$W/root-only" && chmod 600 "$W/root-only"
out=$(J --root --ro-bind "$W/root-only:/tmp/ro" -- /bin/cat /tmp/ro 2>&1)
rc=$?
[ $rc != 0 ] && ! echo "$out" | grep -q secret
ok $? "a host root 0600 file stays unreadable to the job's root" || diag "$out"
out=$(J --map self -- true 2>&1)
rc=$?
[ $rc = 125 ] && echo "$out" | grep -q -- '--map self as root'
ok $? "--map self as root: exit 125 with the reason" || diag "exit $rc: $out"

# --- egress/devices on a host without a unified cgroup v2: fail closed, nothing made ---
if grep -q ' - cgroup cgroup ' /proc/self/mountinfo; then
	printf 'name: t\nextends: default\nbpf:\n  devices: ["c 1:3 rw"]\n' >"$W/dev.yaml"
	out=$(J -p "$W/dev.yaml" -- true 2>&1)
	rc=$?
	[ $rc = 125 ] && echo "$out" | grep -q 'hybrid'
	ok $? "hybrid host: bpf devices fail closed naming the hybrid cgroups" || diag "exit $rc: $out"
fi

# --- exec audit ---
cat >"$W/marker-$$" <<'SH'
#!/bin/sh
exit 0
SH
chmod 755 "$W/marker-$$"
# The host execs a program of a unique name all through the run: it must not appear.
( for _ in $(seq 300); do "$W/marker-$$"; done ) &
host_loop=$!
t0=$(date +%s.%N)
out=$(J --exec-audit --report "$W/r.json" -- /bin/sh -c \
	'/bin/true; ls / >/dev/null; env printf x >/dev/null; uname >/dev/null' 2>&1)
rc=$?
t1=$(date +%s.%N)
wait $host_loop
[ $rc = 0 ]
ok $? "a job with --exec-audit runs (exit $rc)" || diag "$out"
python3 - "$W/r.json" "$t0" "$t1" "marker-$$" >"$W/check.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t0, t1, marker = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
b = r["bpf"]
ex = b["exec"]
got = [(e["path"], e["argv0"]) for e in ex]
print("# exec:", got)
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
check(b["enforced"] == ["exec_audit"] and b["not_enforced"] == [], "report: exec_audit enforced")
check(got[:1] == [("/bin/sh", "/bin/sh")], "the first exec is the job's /bin/sh, argv0 /bin/sh")
names = [p.rsplit("/", 1)[-1] for p, _ in got]
check(names[1:] == ["true", "ls", "env", "printf", "uname"],
      "then true, ls, env, printf (through env), uname, in order")
check([a for _, a in got[1:]] == ["/bin/true", "ls", "env", "printf", "uname"],
      "argv0 of each as the job passed it")
check(all(t0 <= e["time"] <= t1 for e in ex) and
      all(ex[i]["time"] <= ex[i + 1]["time"] for i in range(len(ex) - 1)),
      "times are seconds since the epoch, within the run window, in order")
check(all(e["pid"] >= 1 for e in ex) and ex[0]["pid"] == 2,
      "pids are the job's own (the job is pid 2, after the sandbox's init)")
check(not any(marker in e["path"] for e in ex),
      "nothing from outside the job (the host's concurrent execs are absent)")
check(b["exec_dropped"] == 0, "exec_dropped 0")
PY
while IFS= read -r line; do
	case $line in
	"ok - "*) ok 0 "${line#ok - }" ;;
	"not ok - "*) ok 1 "${line#not ok - }" ;;
	*) echo "$line" ;;
	esac
done <"$W/check.out"

# The cap: 10,100 execs of true and the shell: 10,000 kept, the rest counted.
t0=$(date +%s.%N)
J --exec-audit --report "$W/cap.json" -- /bin/sh -c \
	'i=0; while [ $i -lt 10100 ]; do /bin/true; i=$((i + 1)); done' >/dev/null 2>&1
t1=$(date +%s.%N)
kept=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["bpf"]; print(len(b["exec"]), b["exec_dropped"])' "$W/cap.json" 2>&1)
[ "$kept" = "10000 101" ]
ok $? "10,101 execs: 10,000 in the report, exec_dropped 101 (got: $kept)"
diag "10,101 execs under --exec-audit: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"

# --- SIGKILL mid-run: no program or link survives ---
progs() { "$BPFTOOL" prog list 2>/dev/null | grep -c 'name jail_'; }
links() { "$BPFTOOL" link list 2>/dev/null | grep -c '^[0-9]*:'; }
p0=$(progs)
l0=$(links)
"$JAIL" run -w "$W" --exec-audit -- sleep 31.7 >/dev/null 2>&1 &
jpid=$!
for _ in $(seq 100); do [ "$(progs)" -gt "$p0" ] && break; sleep 0.05; done
p1=$(progs)
l1=$(links)
kill -KILL $jpid
wait $jpid 2>/dev/null
for _ in $(seq 100); do [ "$(progs)" = "$p0" ] && [ "$(links)" = "$l0" ] && break; sleep 0.05; done
p2=$(progs)
l2=$(links)
diag "jail_* programs before/during/after SIGKILL: $p0/$p1/$p2; links $l0/$l1/$l2"
[ "$p1" -gt "$p0" ] && [ "$l1" -gt "$l0" ]
ok $? "during the run the exec audit program and its link are loaded"
[ "$p2" = "$p0" ] && [ "$l2" = "$l0" ]
ok $? "after SIGKILL of jail: no program or link left"
for _ in $(seq 40); do pgrep -fx "sleep 31.7" >/dev/null || break; sleep 0.05; done
pgrep -fx "sleep 31.7" >/dev/null
[ $? != 0 ]
ok $? "after SIGKILL of jail: the job is gone"

[ "$(cg2_tree)" = "$cg2_before" ]
ok $? "the host's cgroup2 tree ($cg2) is unchanged by the root runs"

echo "1..$n"
exit 0
