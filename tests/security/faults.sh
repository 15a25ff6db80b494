#!/bin/bash
# Faults: jail killed at every step, starved of space, file descriptors and memory, run
# without the pieces it needs, and run 200 times at once. After each: nothing of the job
# is left on the host (process, mount, temp file, cgroup directory), and every refusal is
# exit 125 with a message that names the cause.
#
# SIGKILL points: JAIL_TEST_PAUSE_AT=STEP (sandbox/testhook.c) makes jail, its child,
# init or the job stop at STEP; we SIGKILL jail itself there. tests/integration/
# teardown.sh covers the first dozen steps for leaks in /tmp and the skeleton cache;
# this covers all of them and adds the cgroup and exit-status checks.
#
# What needs root on the host is done in a user namespace of our own: a small tmpfs for
# the work dir (ENOSPC), user.max_user_namespaces=0 (no user namespaces). The cgroup
# directory check only has teeth where jail creates one (the VM tier, scripts/vm-check).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
integ_setup
. "$here/lib-sec.sh"
cp "$ESCAPE" "$WORK/escape" || bail_out "cannot copy escape into $WORK"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/jail/skel

host_mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sort
}

# What jail could leave in the host's /tmp, /var/tmp, /dev/shm since the stamp: entries
# of ours named like jail's (other test scripts' work dirs, jail-integ*, and scripts/bench's
# jail-bench* excepted: they may run at the same time, as may other builds, so unrelated
# new files are not counted), and half-built skeletons.
stamp=$WORK/stamp
touch "$stamp"
host_files() {
	find /tmp /var/tmp /dev/shm -mindepth 1 -maxdepth 1 -user "$(id -u)" -newer "$stamp" \
		\( -name 'jail*' -o -name '*.job' -o -name '.build-*' -o -name '*jailmark*' \) \
		! -name 'jail-integ*' ! -name 'jail-bench*' 2>/dev/null | sort
	find "$cache" -mindepth 1 -maxdepth 1 -name '.build-*' 2>/dev/null | sort
}

# Job cgroups (jail-PID-RANDOM.job) below our own cgroup, in either hierarchy.
host_cgroups() {
	local rel dir
	rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
	for dir in "/sys/fs/cgroup$rel" "/sys/fs/cgroup/unified$rel"; do
		[ -d "$dir" ] && find "$dir" -maxdepth 4 -type d -name 'jail-*.job' 2>/dev/null
	done | sort
}

snapshot() {
	echo "mounts:"
	host_mounts
	echo "files:"
	host_files
	echo "cgroups:"
	host_cgroups
}

# same_snapshot BEFORE DESCRIPTION: nothing appeared on the host since BEFORE (what
# other processes of the same user removed meanwhile is not the run's doing).
same_snapshot() {
	local added
	added=$(comm -13 <(printf '%s\n' "$1" | sort) <(snapshot | sort))
	if [ -z "$added" ]; then
		ok 0 "$2"
	else
		ok 1 "$2"
		diag "appeared: $added"
	fi
}

jrun -- true # warm the skeleton cache

# --- SIGKILL at 21 points -----------------------------------------------------------
steps="parent:plan parent:cgroup parent:clone child:start parent:maps child:maps
child:mounts child:loopback child:hostname child:fork init:start job:rlimits job:setsid
job:caps job:exec init:wait init:reaped init:exit parent:reap parent:job parent:finish"
n_steps=0
for step in $steps; do
	n_steps=$((n_steps + 1))
	mark=$(new_marker)
	errf=$WORK/stderr.$step
	before=$(snapshot)
	case $step in
	init:* | parent:reap | parent:job | parent:finish) job='sleep 0.1' ;;
	*) job='sleep 30' ;;
	esac
	[ "$step" = init:start ] && job='sleep 30'
	env JAIL_TEST_PAUSE_AT="$step" "$JAIL" run -w "$WORK" --setenv "JAIL_TEST_MARK=$mark" \
		--report "$WORK/report.$step.json" -- sh -c "$job; : $mark" 2>"$errf" &
	jpid=$!
	wait_paused "$step" "$errf" "$jpid" 100
	ok $? "kill at $step: jail pauses there" || diag "stderr: $(cat "$errf")"
	kill -KILL "$jpid" 2>/dev/null
	wait "$jpid" 2>/dev/null
	is "$?" 137 "kill at $step: jail died of the SIGKILL (not before)"
	wait_gone "$mark" 30
	ok $? "kill at $step: no process of the job is left" ||
		diag "$(ps -o pid,ppid,stat,args -p "$(procs_with "$mark" | paste -sd,)" 2>&1)"
	same_snapshot "$before" "kill at $step: no mount, temp file or cgroup dir left"
	rm -f "$WORK/report.$step.json"
done
ok "$([ "$n_steps" -ge 20 ] && echo 0 || echo 1)" "$n_steps kill points (at least 20)"

# --- ENOSPC -------------------------------------------------------------------------
before=$(snapshot)
jrun --scratch-size 1M --report "$WORK/enospc.json" -- sh -c \
	'dd if=/dev/zero of=/tmp/fill bs=64k count=64 2>&1; echo "dd=$?"'
like "$OUT" "No space left on device" "scratch ENOSPC: the job sees ENOSPC writing /tmp"
like "$OUT" "dd=[1-9]" "scratch ENOSPC: the write fails (dd exit status)"
is "$RC" 0 "scratch ENOSPC: jail passes on the job's own status"
like "$(cat "$WORK/enospc.json" 2>/dev/null)" '"status"' "scratch ENOSPC: the report is written"
jrun --scratch-size 1M -- sh -c 'dd if=/dev/zero of=/usr/fill bs=64k count=64 2>/dev/null'
isnt "$RC" 0 "scratch ENOSPC: writes to the toolchain overlay hit the same limit"
jrun --scratch-size 1M -- sh -c 'dd if=/dev/zero of=/tmp/fill bs=64k count=64 2>/dev/null; exit 3'
is "$RC" 3 "scratch ENOSPC: jail reports the job's failure as its exit status"
same_snapshot "$before" "scratch ENOSPC: nothing left on the host"
jrun --scratch-size 1M -- sh -c 'echo ok > /tmp/small && cat /tmp/small'
is "$OUT" ok "scratch ENOSPC: a job that fits still runs with the same limit"

# The work dir on a 1 MiB tmpfs, mounted in a user namespace of our own (jail runs
# nested in it: that is also a check that jail works inside a user namespace).
small=$WORK/small
mkdir -p "$small"
out=$(cd "$WORK" && unshare -Urm sh -c '
	mount -t tmpfs -o size=1m jail-sec-small "$1" || exit 90
	cd "$1" && "$2" run -w "$1" -- sh -c "dd if=/dev/zero of=fill bs=64k count=64 2>&1; echo dd=\$?"
	echo "jail=$?"
	df -k "$1" | tail -1' sh "$small" "$JAIL" 2>&1)
if printf '%s' "$out" | grep -q 'jail=' ; then
	like "$out" "No space left on device" "work dir ENOSPC: the job sees ENOSPC"
	like "$out" "dd=[1-9]" "work dir ENOSPC: the write fails"
	like "$out" "jail=0" "work dir ENOSPC: jail runs and passes the job's status on"
else
	skip "work dir ENOSPC" "cannot mount a small tmpfs in a user namespace here: $out"
fi
[ -z "$(ls -A "$small")" ]
ok $? "work dir ENOSPC: the host directory under the tmpfs is untouched"

# --- EMFILE, ENOMEM (rlimits) ---------------------------------------------------------
jrun --rlimit nofile=32 -- "$WORK/escape" fdfill
like "$OUT" "fdfill: EMFILE after 2[0-9] opens" "--rlimit nofile=32: the job gets EMFILE"
is "$RC" 0 "--rlimit nofile=32: exit status"
jrun --rlimit as=256M -- "$WORK/escape" memfill
like "$OUT" "memfill: ENOMEM after" "--rlimit as=256M: the job gets ENOMEM"
is "$RC" 0 "--rlimit as=256M: exit status"

# A limit above the caller's hard limit cannot be granted inside a user namespace: a
# refusal that says so (not a guess about user namespaces).
hard=$(ulimit -Hn)
jrun --rlimit "nofile=$((hard + 1))" -- true
is "$RC" 125 "--rlimit nofile above the hard limit ($hard): exit 125"
like "$ERR" "hard limit" "--rlimit nofile above the hard limit: the message says so"

# --- missing pieces ---------------------------------------------------------------------
# refused WHAT RE ARGS...: exit 125 and a message matching RE.
refused() {
	local what=$1 re=$2
	shift 2
	is "$RC" 125 "$what: exit 125" || diag "stderr: $ERR"
	like "$ERR" "$re" "$what: the message names the cause"
	unlike "$ERR" "Segmentation|Aborted|sanitizer" "$what: no crash"
}

JAIL_NEWUIDMAP=/nonexistent/newuidmap JAIL_NEWGIDMAP=/nonexistent/newgidmap \
	jrun --map subuid -- true
refused "no newuidmap (JAIL_NEWUIDMAP=/nonexistent)" "newuidmap.*(install|uidmap)|--map self"

nosub=$WORK/subuid.empty
: >"$nosub"
JAIL_SUBUID_FILE=$nosub JAIL_SUBGID_FILE=$nosub jrun --map subuid -- true
refused "no subuid entry (JAIL_SUBUID_FILE=empty)" "subuid.*(usermod|range)"

out=$(unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces || exit 90
	"$1" run -w "$2" -- true; echo "rc=$?"' sh "$JAIL" "$WORK" 2>&1)
case $out in
*rc=*)
	RC=$(printf '%s\n' "$out" | sed -n 's/^rc=//p')
	ERR=$out
	refused "user namespaces disabled (user.max_user_namespaces=0)" "user namespace"
	;;
*) skip "user namespaces disabled" "cannot set user.max_user_namespaces in a namespace: $out" ;;
esac

# Overlay unavailable: a toolchain directory that is itself overlay on overlay. Overlayfs
# stacks at most two deep, so jail's own overlay on top of it cannot be mounted.
out=$(unshare -Urm sh -c '
	set -e
	b=$1; mkdir -p $b/l $b/u1 $b/w1 $b/m1 $b/u2 $b/w2 $b/m2
	echo x > $b/l/file
	mount -t overlay o -o lowerdir=$b/l,upperdir=$b/u1,workdir=$b/w1 $b/m1
	mount -t overlay o -o lowerdir=$b/m1,upperdir=$b/u2,workdir=$b/w2 $b/m2
	cat > $b/p.yaml <<EOF
name: deep
extends: default
filesystem:
  toolchain: [$b/m2]
EOF
	set +e
	"$2" run -w "$3" -p $b/p.yaml -- true
	echo "rc=$?"' sh "$WORK/ovl" "$JAIL" "$WORK" 2>&1)
case $out in
*rc=*)
	RC=$(printf '%s\n' "$out" | sed -n 's/^rc=//p')
	ERR=$out
	refused "overlay cannot be mounted (stacking depth)" "overlay"
	;;
*) skip "overlay unavailable" "cannot stack overlays in a user namespace here: $out" ;;
esac

pdir=$WORK/profiles.unreadable
mkdir -p "$pdir"
cp "${top_srcdir:?run through make check}/profiles/"*.yaml "$pdir/"
chmod 000 "$pdir"
JAIL_PROFILE_PATH=$pdir jrun -p default -- true
refused "profile dir unreadable" "$pdir.*[Pp]ermission denied"
chmod 700 "$pdir"
chmod 000 "$pdir/default.yaml"
JAIL_PROFILE_PATH=$pdir jrun -p default -- true
refused "profile file unreadable" "default.yaml.*[Pp]ermission denied"
chmod 600 "$pdir/default.yaml"

# --- load: 200 jails, 8 at a time -----------------------------------------------------
mark=$(new_marker)
before=$(snapshot)
start=$(date +%s.%N)
seq 200 | xargs -P 8 -I{} sh -c \
	'cd "$2" && "$1" run -w "$2" --setenv "M=$3" -- sh -c "echo ok{}; : $3" >"$2/load.{}" 2>&1; echo "$?" >"$2/load.{}.rc"' \
	sh "$JAIL" "$WORK" "$mark"
end=$(date +%s.%N)
total=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
good=$(grep -lx 0 "$WORK"/load.*.rc 2>/dev/null | wc -l)
is "$good" 200 "load: 200 jails by 8 workers all exit 0 (total ${total}s)" ||
	diag "$(grep -Lx 0 "$WORK"/load.*.rc | head -3 | while read -r f; do cat "${f%.rc}"; done)"
outs=$(cat "$WORK"/load.[0-9]* 2>/dev/null | grep -c '^ok[0-9]*$')
is "$outs" 200 "load: every job printed its line"
diag "load: 200 jails, 8 parallel workers, ${total} s in total"
wait_gone "$mark" 30
ok $? "load: no process left"
same_snapshot "$before" "load: no mount, temp file or cgroup dir left"

done_testing
