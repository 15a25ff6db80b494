#!/bin/bash
# The cgroup half of the SIGKILL faults: in a user-mode-linux guest with a delegated
# cgroup v2 tree (scripts/vm-check), jail runs `-p script` (memory, cpu, pids limits:
# a job cgroup is created) and is SIGKILLed at each step; afterwards no process and no
# job cgroup directory (jail-PID-RANDOM.job) may remain. The host has hybrid cgroups,
# so faults.sh cannot check this there.
#
# usage: vm-faults.sh            (host: boots the guest through scripts/vm-check)
#        vm-faults.sh --guest    (inside the guest, as the delegated uid)
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" != --guest ]; then
	. "$here/../integration/lib.sh"
	[ -n "${JAIL:-}" ] || bail_out "JAIL is not set (run through make check)"
	[ "$(id -u)" -ne 0 ] || skip_all "running as root: run as the unprivileged test user"
	exec "${top_srcdir:-$here/../..}/scripts/vm-check" --timeout 600 -- "$here/vm-faults.sh" --guest
fi

. "$here/../integration/lib.sh"
WORK=$(mktemp -d /tmp/jail-integ.XXXXXX) || bail_out "mktemp"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || bail_out "cd $WORK"

# The delegated subtree jail uses: our own cgroup, and its parent (jail moves itself
# into a leaf next to the job cgroups).
base=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
base=${base%/jail.leaf}
job_cgroups() {
	find "$base" -maxdepth 3 -type d -name 'jail-*.job' 2>/dev/null | sort
}

"$JAIL" run -w "$WORK" -p script -- true
is "$?" 0 "-p script runs in the guest (limits enforced, no --best-effort)"
is "$(job_cgroups)" "" "no job cgroup after a normal run"

# A cut of faults.sh's steps (process creation is slow in UML: ~12 s a step).
steps=${VM_FAULT_STEPS:-"parent:clone child:mounts job:exec init:wait parent:reap parent:finish"}
for step in $steps; do
	mark=$(new_marker)
	errf=$WORK/err.$step
	case $step in
	init:wait | init:exit | parent:*) job='sleep 0.2' ;;
	*) job='sleep 30' ;;
	esac
	[ "$step" = parent:cgroup ] || [ "$step" = parent:clone ] || [ "$step" = parent:maps ] &&
		job='sleep 30'
	env JAIL_TEST_PAUSE_AT="$step" "$JAIL" run -w "$WORK" -p script --setenv "M=$mark" \
		-- sh -c "$job; : $mark" 2>"$errf" &
	jpid=$!
	wait_paused "$step" "$errf" "$jpid" 200
	ok $? "kill at $step: paused" || diag "$(cat "$errf")"
	kill -KILL "$jpid" 2>/dev/null
	wait "$jpid" 2>/dev/null
	wait_gone "$mark" 50
	ok $? "kill at $step: no process left"
	# DESIGN.md: no cgroup directory survives a SIGKILL. jail's janitor (sandbox/run.c)
	# sees jail die, kills what is left in the job cgroup and removes it.
	for _ in $(seq 100); do
		left=$(job_cgroups)
		[ -z "$left" ] && break
		sleep 0.1
	done
	is "$left" "" "kill at $step: no job cgroup directory left"
done
done_testing
