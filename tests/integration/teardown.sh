#!/bin/bash
# Nothing leaks to the host when jail is killed with SIGKILL at any point of the setup:
# JAIL_TEST_PAUSE_AT=STEP makes jail (or its child, init or job) print
# "jail: test: paused at STEP" and sleep there; we SIGKILL jail itself and then look for
# processes, mounts and files it left behind.
#
# Processes are found by a marker: jail gets `--setenv JAIL_TEST_MARK=<marker>`, which is
# in its argv, and the clones of jail (the sandbox's init, the job before exec) keep that
# argv; the job's own command line carries the marker too.
. "$(dirname "$0")/lib.sh"
integ_setup

steps="parent:plan parent:cgroup parent:clone parent:maps child:maps child:mounts
child:loopback child:hostname child:fork job:exec init:wait parent:job"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/jail/skel

host_mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sort
}

# What the run could leave behind as files: anything named after the step's marker in
# the host's /tmp (the job writes "$mark" files into its own /tmp and /var/tmp), and
# half-built skeletons. Not a listing of all of /tmp: make check runs scripts in
# parallel and the machine may be shared, so other entries come and go meanwhile.
host_files() {
	find /tmp /var/tmp -mindepth 1 -maxdepth 1 -name "*${mark:-none}*" 2>/dev/null | sort
	find "$cache" -mindepth 1 -maxdepth 1 -name '.build-*' 2>/dev/null | sort
}

# Warm the skeleton cache, so that a kill during the first step is not a kill during
# the first skeleton build of this user (that case is covered by skel's own cleanup).
jrun -- true

for step in $steps; do
	mark=$(new_marker)
	errf=$WORK/stderr.$step
	mounts_before=$(host_mounts)
	files_before=$(host_files)
	# init:wait and parent:job come after the job: it must end by itself. Elsewhere it
	# runs long, so that a kill that lands after the step still finds it running.
	case $step in
	init:wait | parent:job) job_secs=0.1 ;;
	*) job_secs=30 ;;
	esac
	env JAIL_TEST_PAUSE_AT="$step" "$JAIL" run -w "$WORK" --setenv "JAIL_TEST_MARK=$mark" \
		-- sh -c "touch /tmp/$mark /var/tmp/$mark; sleep $job_secs; : $mark" 2>"$errf" &
	jpid=$!
	wait_paused "$step" "$errf" "$jpid" 60
	ok $? "$step: jail pauses there" || diag "stderr: $(cat "$errf")"
	kill -KILL "$jpid" 2>/dev/null
	{ wait "$jpid"; } 2>/dev/null
	wait_gone "$mark" 30
	ok $? "$step: SIGKILL to jail leaves no process behind" ||
		diag "$(ps -o pid,ppid,stat,args -p "$(procs_with "$mark" | tr '\n' ',' | sed 's/,$//')" 2>&1)"
	is "$(host_mounts)" "$mounts_before" "$step: no mount appeared on the host"
	is "$(host_files)" "$files_before" "$step: no file left in the host's /tmp or the skeleton cache"
done

done_testing
