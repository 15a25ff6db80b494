#!/bin/bash
# The quota cases, run as an unprivileged uid in a cgroup v2 hierarchy where the cgroup
# D=$VM_CHECK_CGROUP is delegated to it (a user-mode-linux guest booted by
# scripts/vm-check, or a host that has delegation). Started by quotas.sh, which numbers
# the results: each case prints "ok - ..." or "not ok - ...", diagnostics start with
# "#", and the last line of a group is "done GROUP" (a group cut short is a failure).
#
# usage: guest.sh GROUP...   groups: limits, concurrent, nodeleg
#
# Every scenario runs in a cgroup of its own below D, as if started with
# `systemd-run --user --scope -p Delegate=yes jail run ...`, so that what jail leaves
# behind in it can be checked; the script itself lives in D/shell.
#
# Processes cost 20-45 ms each in the guest: waits use `read -t` on a FIFO, not sleep.
set -u

JAIL=${JAIL:?}
BIN=${VMT_BIN:?}
D=${VM_CHECK_CGROUP:?}
DISK=${VM_CHECK_DISK:-}
DELEGATED=${VM_CHECK_DELEGATED:-cpu io memory pids}
W=$(mktemp -d "${TMPDIR:-/tmp}/vmt.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

mkfifo "$W/.nap" && exec 9<>"$W/.nap"
nap() { read -r -t "$1" -u 9 _ || true; }
# wait_for PATH SECONDS
wait_for() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		[ -e "$1" ] && return 0
		nap 0.05
	done
	return 1
}
now() { local u; read -r u _ </proc/uptime; echo "$u"; }
# A number from the report JSON: jnum KEY FILE
jnum() { sed -n "s/.*\"$1\": \([0-9][0-9]*\).*/\1/p" "$2" | head -n 1; }
# within VALUE LOW HIGH (decimals allowed)
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

# jail run with the helpers visible at their build path and $W as the work dir.
J_ARGS=("$JAIL" run --ro-bind "$BIN" -w "$W")
J() { "${J_ARGS[@]}" "$@"; }
# inscope NAME J ARGS...: jail run ARGS in the cgroup D/NAME (created), as if started
# by systemd-run --scope -p Delegate=yes: jail is the only process there.
inscope() {
	local cg=$D/$1
	shift
	[ "$1" = J ] && shift && set -- "${J_ARGS[@]}" "$@"
	mkdir -p "$cg" || return 99
	# Not the barrier's write end (fd 3): jail would hold it open for the job.
	(echo "$BASHPID" >"$cg/cgroup.procs" && exec 3>&- 9>&- "$@")
}
# bg_inscope NAME J ARGS...: the same in the background; JPID is jail's pid.
bg_inscope() {
	local cg=$D/$1
	shift
	[ "$1" = J ] && shift && set -- "${J_ARGS[@]}" "$@"
	mkdir -p "$cg" || return 99
	(echo "$BASHPID" >"$cg/cgroup.procs" && exec 3>&- 9>&- "$@") &
	JPID=$!
}
jobs_in() { local d n=0; for d in "$1"/jail-*.job; do [ -d "$d" ] && n=$((n + 1)); done; echo $n; }
children_of() { local d n=0; for d in "$1"/*/; do [ -d "$d" ] && n=$((n + 1)); done; echo $n; }
# The job cgroup of the one jail running in scope $1.
job_of() { local d; for d in "$1"/jail-*.job; do [ -d "$d" ] && echo "$d"; done | head -n 1; }
# A scope is left clean when nothing jail made remains: it can then be removed.
scope_clean() {
	local cg=$D/$1
	[ "$(children_of "$cg")" = 0 ] && rmdir "$cg" 2>/dev/null
}

# The script leaves D for D/shell, so that D may enable controllers for the scopes.
setup() {
	local p ctl=
	mkdir -p "$D/shell" || return 1
	for p in $(cat "$D/cgroup.procs"); do
		echo "$p" >"$D/shell/cgroup.procs" 2>/dev/null
	done
	for p in $DELEGATED; do ctl="$ctl +$p"; done
	echo "$ctl" >"$D/cgroup.subtree_control" || return 1
	# libseccomp needs 15-40 s of CPU in UML to compile the default profile (the host's
	# cache is keyed by the jail binary's inode, which hostfs does not keep): once here,
	# without limits, then every case hits the cache.
	local t0=$(now)
	J -- true || return 1
	echo "# seccomp cache warmed in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s"
	return 0
}

# reap PID: wait for a background jail, at most 60 s (a hung jail must not hang the
# tier: vm-check's own timeout is the last resort).
reap() {
	local i
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$1" 2>/dev/null || break
		nap 0.05
	done
	kill -0 "$1" 2>/dev/null && { diag "pid $1 still running after 60 s: killed"; kill -KILL "$1"; }
	wait "$1"
}

# --- limits: each limit is written, enforced and reported -------------------------------

# The files of a job cgroup while the job waits at a FIFO barrier.
case_files() {
	local out rc job v
	rm -f "$W/go"; mkfifo "$W/go" && exec 3<>"$W/go"
	bg_inscope files J --memory 64M --memory-high 48M --cpus 0.5 --cpu-weight 50 --pids 32 \
		${DISK:+--io-write-bps "$DISK=2M"} --report "$W/files.json" \
		-- sh -c "exec 4<$W/go; : >$W/files.ready; read x <&4 || :" >"$W/files.out" 2>&1
	local jail_pid=$JPID
	if ! wait_for "$W/files.ready" 30; then
		exec 3>&-
		reap $jail_pid
		fail "a job with limits starts"
		diag "$(cat "$W/files.out")"
		return
	fi
	job=$(job_of "$D/files")
	check $? "the job runs in its own cgroup below the scope ($job)"
	for v in "memory.max 67108864" "memory.high 50331648" "memory.swap.max 0" \
		"memory.oom.group 1" "cpu.max 50000 100000" "cpu.weight 50" "pids.max 32"; do
		out=$(cat "$job/${v%% *}" 2>&1)
		check "$([ "$out" = "${v#* }" ]; echo $?)" "--memory/--cpus/... write ${v%% *} = ${v#* }" \
			"got: $out"
	done
	if [ -n "$DISK" ]; then
		local dev
		dev=$(stat -L -c '%t %T' "$DISK" | { read -r ma mi; echo "$((16#$ma)):$((16#$mi))"; })
		out=$(cat "$job/io.max")
		check "$(case $out in "$dev rbps=max wbps=2097152 "*) echo 0 ;; *) echo 1 ;; esac)" \
			"--io-write-bps $DISK=2M writes io.max for its disk $dev" "got: $out"
	fi
	# jail itself stays out of the job: it must survive cgroup.kill and not be charged.
	grep -qx "$jail_pid" "$job/cgroup.procs"
	check $((!$?)) "jail itself is not in the job cgroup"
	grep -qx "$jail_pid" "$D/files/jail.leaf/cgroup.procs"
	check $? "jail moved itself into the leaf jail.leaf (no-internal-process rule)"
	exec 3>&-
	reap $jail_pid
	rc=$?
	check $rc "the job ends normally (exit $rc)" "$(cat "$W/files.out")"
	check "$([ ! -e "$job" ]; echo $?)" "the job cgroup is removed at the end"
	scope_clean files
	check $? "nothing jail made is left in the scope (leaf removed, controllers off)" \
		"$(ls -R "$D/files" 2>&1 | head -n 20)"
	rm -f "$W/go"
}

# --swap: memory.swap.max is what was asked, read by a job that waits at a barrier.
case_swap() {
	local job out jail_pid
	rm -f "$W/go"; mkfifo "$W/go" && exec 3<>"$W/go"
	bg_inscope swap J --memory 32M --swap 16M -- sh -c "exec 4<$W/go; : >$W/swap.ready; read x <&4 || :" \
		>"$W/swap.out" 2>&1
	jail_pid=$JPID
	if wait_for "$W/swap.ready" 30; then
		job=$(job_of "$D/swap")
		out=$(cat "$job/memory.swap.max")
		check "$([ "$out" = 16777216 ]; echo $?)" "--swap 16M writes memory.swap.max 16777216" \
			"got: $out"
	else
		fail "--swap: the job starts"
		diag "$(cat "$W/swap.out")"
	fi
	exec 3>&-
	reap $jail_pid
	rm -f "$W/go"
	scope_clean swap
}

case_oom() {
	local rc kills oom peak group
	inscope oom J --memory 50M --report "$W/oom.json" --stats -- "$BIN/alloc" 200 \
		>"$W/oom.out" 2>&1
	rc=$?
	check "$([ $rc = 137 ]; echo $?)" "a 200 MiB allocation under --memory 50M is killed (exit $rc)" \
		"$(tail -n 5 "$W/oom.out")"
	! grep -q 'all 200 MiB touched' "$W/oom.out"
	check $? "the allocation did not complete"
	kills=$(jnum memory_oom_kill "$W/oom.json")
	oom=$(jnum memory_oom "$W/oom.json")
	peak=$(jnum memory_peak_bytes "$W/oom.json")
	group=$(jnum memory_oom_group_kill "$W/oom.json")
	check "$([ "${kills:-0}" -ge 1 ]; echo $?)" "the report counts the OOM kill (memory_oom_kill $kills)" \
		"$(grep '"cgroup"' "$W/oom.json")"
	check "$([ "${oom:-0}" -ge 1 ]; echo $?)" "the report counts the OOM event (memory_oom $oom)"
	# memory.oom.group=1: one OOM kill took the whole job (init, shell, allocator).
	check "$([ "$group" = 1 ]; echo $?)" \
		"one OOM killed the whole job (memory_oom_group_kill $group, processes killed $kills)"
	check "$(within "${peak:-0}" 40000000 52428800; echo $?)" \
		"memory peak is at the limit, not above (memory_peak_bytes $peak)"
	grep -q 'oom kills [1-9]' "$W/oom.out"
	check $? "--stats prints the OOM kills" "$(grep 'stats:' "$W/oom.out")"
	echo "# measured: oom: exit $rc, memory_oom_kill $kills, memory_oom_group_kill $group," \
		"memory_oom $oom, peak $peak bytes"
	scope_clean oom
	check $? "nothing is left in the scope after an OOM kill" "$(ls -R "$D/oom" 2>&1 | head)"
}

case_cpu() {
	local rc usage base thr thr_usec spun
	# The sandbox's own start (mounts, shell) runs in the job cgroup too, throttled
	# like the job: measured alone first, and taken off.
	inscope cpu J --cpus 0.2 --report "$W/cpu0.json" -- true >"$W/cpu0.out" 2>&1
	base=$(jnum cpu_usage_usec "$W/cpu0.json")
	inscope cpu J --cpus 0.2 --report "$W/cpu.json" -- "$BIN/spin" 2 >"$W/cpu.out" 2>&1
	rc=$?
	check $rc "a 2 s spin under --cpus 0.2 runs" "$(cat "$W/cpu.out")"
	usage=$(jnum cpu_usage_usec "$W/cpu.json")
	thr=$(jnum cpu_nr_throttled "$W/cpu.json")
	thr_usec=$(jnum cpu_throttled_usec "$W/cpu.json")
	spun=$(sed -n 's/^spin: cpu_usec \([0-9]*\).*/\1/p' "$W/cpu.out")
	# 0.2 of 2 s is 0.4 s. UML's scheduler tick is 10 ms, and a period's quota can be
	# overrun by up to a tick: 20-30 ms per 100 ms, 0.4-0.6 s; on a loaded host UML's
	# tick accounting adds more (0.64-0.73 s measured). Unlimited: ~2 s. The
	# cgroup also paid for the sandbox's start (0.1-0.6 s in UML, tick-sampled, so the
	# difference of two runs is too noisy to test on its own).
	check "$(within "${usage:-0}" 300000 1600000; echo $?)" \
		"cpu.max 0.2: the job cgroup used ~0.4 s + the start, not 2 s (cpu_usage_usec $usage; start alone $base)"
	check "$(within "${spun:-0}" 250000 900000; echo $?)" \
		"the spinner itself got ~0.4 s of CPU (cpu_usec $spun)"
	check "$([ "${thr:-0}" -ge 10 ] && [ "${thr_usec:-0}" -ge 1000000 ]; echo $?)" \
		"the report shows the throttling (nr_throttled $thr, throttled_usec $thr_usec)"
	echo "# measured: cpu: 2 s spin at --cpus 0.2: spinner cpu $spun usec; cgroup" \
		"cpu_usage_usec $usage (start alone $base), nr_throttled $thr, throttled_usec $thr_usec"
	scope_clean cpu
}

case_pids() {
	local rc peak before after out
	before=$(ls -d /proc/[0-9]* | wc -l)
	inscope pids J --pids 16 --report "$W/pids.json" -- "$BIN/forkbomb" 2 >"$W/pids.out" 2>&1
	rc=$?
	check $rc "a fork bomb under --pids 16 ends (exit $rc)" "$(cat "$W/pids.out")"
	grep -q 'errno EAGAIN' "$W/pids.out"
	check $? "fork failed with EAGAIN: $(grep forkbomb: "$W/pids.out")"
	peak=$(jnum pids_peak "$W/pids.json")
	check "$([ "$peak" = 16 ]; echo $?)" "pids.peak is the limit (pids_peak $peak)"
	after=$(ls -d /proc/[0-9]* | wc -l)
	check "$([ "$after" -le $((before + 2)) ]; echo $?)" \
		"no bomb process is left ($before processes before, $after after)"
	out=$(J -- echo still-usable 2>&1)
	check "$([ "$out" = still-usable ]; echo $?)" "the machine stays usable: the next jail runs" \
		"$out"
	echo "# measured: fork bomb: $(grep forkbomb: "$W/pids.out"), pids_peak $peak"
	scope_clean pids
}

case_io() {
	local rc secs free bytes
	if [ -z "$DISK" ]; then
		skip "io.max limits an O_DIRECT write" "no block device of ours (VM_CHECK_DISK)"
		return
	fi
	free=$(inscope io J --bind "$DISK" -- "$BIN/dwrite" "$DISK" 4 2>&1)
	check $? "an unlimited 4 MiB O_DIRECT write to $DISK works: $free"
	inscope io J --bind "$DISK" --io-write-bps "$DISK=1M" --report "$W/io.json" \
		-- "$BIN/dwrite" "$DISK" 4 >"$W/io.out" 2>&1
	rc=$?
	check $rc "a 4 MiB O_DIRECT write under --io-write-bps $DISK=1M completes" "$(cat "$W/io.out")"
	secs=$(sed -n 's/^dwrite: bytes [0-9]* seconds \([0-9.]*\)/\1/p' "$W/io.out")
	check "$(within "${secs:-0}" 2.8 6; echo $?)" "io.max 1 MiB/s makes it take ~4 s (${secs} s)"
	bytes=$(jnum io_write_bytes "$W/io.json")
	check "$([ "${bytes:-0}" -ge 4194304 ]; echo $?)" "the report counts the bytes (io_write_bytes $bytes)"
	echo "# measured: io: 4 MiB O_DIRECT at 1 MiB/s: ${secs} s (unlimited: ${free#dwrite: })," \
		"io_write_bytes $bytes"
	scope_clean io
}

# io.weight needs the BFQ scheduler or blk-iocost; UML has neither: fail closed.
case_io_weight() {
	local rc out
	if [ -e "$D/io.weight" ]; then
		skip "--io-weight fails closed without io.weight" "this kernel has io.weight"
		return
	fi
	out=$(inscope iow J --io-weight 200 -- true 2>&1)
	rc=$?
	check "$([ $rc = 125 ]; echo $?)" "--io-weight without io.weight fails closed (exit $rc)" "$out"
	echo "$out" | grep -q 'io.weight'
	check $? "the message names io.weight: $(echo "$out" | head -n 1)"
	out=$(inscope iow J --io-weight 200 --best-effort --report "$W/iow.json" -- true 2>&1)
	rc=$?
	check $rc "--io-weight --best-effort runs without it" "$out"
	echo "$out" | grep -q 'warning'
	check $? "... with a warning" "$out"
	grep -q '"not_enforced": \["io.weight"\]' "$W/iow.json"
	check $? "... and the report lists io.weight as not_enforced" "$(grep '"cgroup"' "$W/iow.json")"
	scope_clean iow
	check $? "a failed setup leaves nothing in the scope" "$(ls -R "$D/iow" 2>&1 | head)"
}

# limits: in a profile map to the same files.
case_profile() {
	local prof=${VMT_PROFILES:?} jail_pid job v out
	# $prof/vmt-limits.yaml, written by quotas.sh:
	# memory 40M, memory-high 30M, cpus 0.3, cpu-weight 25, pids 8.
	rm -f "$W/go"; mkfifo "$W/go" && exec 3<>"$W/go"
	JAIL_PROFILE_PATH=$prof:${JAIL_PROFILE_PATH:-} bg_inscope prof J -p vmt-limits \
		-- sh -c "exec 4<$W/go; : >$W/prof.ready; read x <&4 || :" >"$W/prof.out" 2>&1
	jail_pid=$JPID
	if wait_for "$W/prof.ready" 60; then
		job=$(job_of "$D/prof")
		for v in "memory.max 41943040" "memory.high 31457280" "memory.swap.max 0" \
			"cpu.max 30000 100000" "cpu.weight 25" "pids.max 8"; do
			out=$(cat "$job/${v%% *}" 2>&1)
			check "$([ "$out" = "${v#* }" ]; echo $?)" \
				"profile limits: write ${v%% *} = ${v#* }" "got: $out"
		done
	else
		fail "a profile with limits: the job starts"
		diag "$(cat "$W/prof.out")"
	fi
	exec 3>&-
	reap $jail_pid
	rm -f "$W/go"
	scope_clean prof
}

# sigkill_run NAME: start a jail with a limit in scope NAME that waits at the barrier;
# sets jail_pid, job (its cgroup), job_pids (the job's processes).
sigkill_run() {
	rm -f "$W/go" "$W/$1.ready"; mkfifo "$W/go" && exec 3<>"$W/go"
	bg_inscope "$1" J --memory 50M -- sh -c "exec 4<$W/go; : >$W/$1.ready; read x <&4 || :" \
		>"$W/$1.out" 2>&1
	jail_pid=$JPID
	if ! wait_for "$W/$1.ready" 30; then
		diag "$(cat "$W/$1.out")"
		return 1
	fi
	job=$(job_of "$D/$1")
	job_pids=$(cat "$job/cgroup.procs")
}
# gone PIDS...: how many of them still run.
alive_of() { local p n=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo $n; }

# SIGKILL of jail mid-run: no process survives, and jail's janitor (a child in its own
# session that waits for jail's end) removes the job cgroup and the leaf. If the janitor
# is killed too, the next run removes the stale job cgroup.
case_sigkill() {
	local jail_pid job job_pids janitor p rc
	if ! sigkill_run kill; then
		fail "SIGKILL: the job starts"
		exec 3>&-
		return
	fi
	kill -KILL $jail_pid
	reap $jail_pid 2>/dev/null
	# The kernel kills the sandbox's init (PDEATHSIG), then the pid namespace; the
	# janitor then tears down: allow 10 s on a loaded host.
	for ((p = 0; p < 200; p++)); do
		[ -e "$job" ] || [ "$(alive_of $job_pids)" != 0 ] || break
		[ -e "$job" ] || break
		nap 0.05
	done
	exec 3>&-
	check "$([ -n "$job_pids" ] && [ "$(alive_of $job_pids)" = 0 ]; echo $?)" \
		"SIGKILL of jail: none of the job's processes survive ($(echo $job_pids))"
	check "$([ ! -e "$job" ]; echo $?)" "... and its job cgroup is removed ($(basename "$job"))"
	scope_clean kill
	check $? "... and nothing is left in the scope" "$(ls -R "$D/kill" 2>&1 | head)"

	if ! sigkill_run kill2; then
		fail "SIGKILL of jail and janitor: the job starts"
		exec 3>&-
		return
	fi
	janitor=
	for p in $(cat /proc/$jail_pid/task/$jail_pid/children 2>/dev/null); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = jail-janitor ] && janitor=$p
	done
	[ -n "$janitor" ] && kill -KILL "$janitor"
	kill -KILL $jail_pid
	reap $jail_pid 2>/dev/null
	for ((p = 0; p < 200; p++)); do
		[ "$(alive_of $job_pids $janitor)" = 0 ] && break
		nap 0.05
	done
	exec 3>&-
	check "$([ "$(alive_of $job_pids)" = 0 ]; echo $?)" \
		"SIGKILL of jail and its janitor (${janitor:-none found}): no job process survives"
	check "$([ -d "$job" ]; echo $?)" "... the job cgroup stays, stale ($(basename "$job"))"
	# The user's next run: from where jail left the processes of this cgroup (the leaf;
	# the scope itself may hold none while it enables controllers).
	inscope kill2/jail.leaf J --memory 50M -- true
	rc=$?
	check $rc "the next run in the same cgroup works"
	check "$([ ! -e "$job" ]; echo $?)" "... and removed the stale job cgroup"
	scope_clean kill2
	check $? "... and left nothing in the scope" "$(ls -R "$D/kill2" 2>&1 | head)"
	rm -f "$W/go"
}

# --- concurrent: 50 jails at once in one delegated cgroup -------------------------------
# As a CI runner with Delegate=yes starts them: one launcher process in D/conc forks 50
# jails at once. The first to get the D lock moves the launcher (and any jail not yet
# there) into the leaf; jails forked after that are born in it.
case_concurrent() {
	local n=50 i t0 t1 ok_limits=0 bad=0 job mem pids rc failed=0
	rm -f "$W/go"; mkfifo "$W/go" && exec 3<>"$W/go"
	mkdir -p "$D/conc"
	t0=$(now)
	(
		echo "$BASHPID" >"$D/conc/cgroup.procs" || exit 99
		exec 3>&- 9>&-
		for ((i = 0; i < n; i++)); do
			{
				"${J_ARGS[@]}" --memory $((20 + i))M --pids $((10 + i)) \
					--report "$W/c$i.json" \
					-- sh -c "exec 4<$W/go; : >$W/c$i.ready; read x <&4 || :" \
					>"$W/c$i.out" 2>&1
				echo $? >"$W/c$i.rc"
			} &
		done
		wait
	) &
	local launcher=$!
	for ((i = 0; i < n; i++)); do
		wait_for "$W/c$i.ready" 240 && continue
		diag "jail $i is not running: $(cat "$W/c$i.out" "$W/c$i.rc" 2>&1)"
		break
	done
	t1=$(now)
	for job in "$D"/conc/jail-*.job; do
		[ -d "$job" ] || continue
		mem=$(cat "$job/memory.max")
		pids=$(cat "$job/pids.max")
		# Job i asked for (20+i) MiB and 10+i pids: each pair must match one job.
		if [ $((mem / 1048576 - 20)) = $((pids - 10)) ] && [ $((mem % 1048576)) = 0 ]; then
			ok_limits=$((ok_limits + 1))
		else
			bad=$((bad + 1))
			diag "$job: memory.max $mem pids.max $pids"
		fi
	done
	check "$([ $ok_limits = $n ] && [ $bad = 0 ]; echo $?)" \
		"$n concurrent jails each run in their own cgroup with their own limits ($ok_limits)"
	exec 3>&-
	reap "$launcher"
	for ((i = 0; i < n; i++)); do
		rc=$(cat "$W/c$i.rc" 2>/dev/null)
		[ "$rc" = 0 ] || { failed=$((failed + 1)); diag "jail $i: exit $rc: $(cat "$W/c$i.out")"; }
	done
	check $failed "all $n exit 0"
	check "$(jobs_in "$D/conc")" "all $n job cgroups are removed"
	# The launcher was in the leaf until its end, so the last jail left the leaf; a run
	# of the same user tidies up (the leaf is then its own and empty).
	inscope conc/jail.leaf J --memory 20M -- true
	scope_clean conc
	check $? "nothing is left in the shared cgroup after the next run" \
		"$(ls -R "$D/conc" 2>&1 | head)"
	echo "# measured: $n concurrent jails: all running after $(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.1f", b - a }') s, all done after $(awk -v a="$t0" -v b="$(now)" \
		'BEGIN { printf "%.1f", b - a }') s"
	rm -f "$W/go"
}

# --- nodeleg: a controller that is not delegated -----------------------------------------
# D/nd-CONTROLLER enables every delegated controller but CONTROLLER for its children:
# for a jail in D/nd-CONTROLLER/scope that is the state systemd leaves a user@.service
# in when Delegate= lacks it (the scope's cgroup.controllers does not offer it).
# (vm-check --delegate shapes the same one level up, for the whole guest.)
# case_nodeleg CONTROLLER FILE OPTION...
case_nodeleg() {
	local ctl=$1 file=$2 rc out c on=
	shift 2
	mkdir -p "$D/nd-$ctl"
	for c in $DELEGATED; do [ "$c" = "$ctl" ] || on="$on +$c"; done
	echo "$on" >"$D/nd-$ctl/cgroup.subtree_control" || { fail "set up $D/nd-$ctl"; return; }
	local ctl_scope=nd-$ctl/scope
	mkdir -p "$D/$ctl_scope"
	if grep -qw "$ctl" "$D/$ctl_scope/cgroup.controllers"; then
		fail "the $ctl controller is not offered in $D/$ctl_scope"
		return
	fi
	out=$(inscope "$ctl_scope" J "$@" -- true 2>&1)
	rc=$?
	check "$([ $rc = 125 ]; echo $?)" "$* without the $ctl controller fails closed (exit $rc)" "$out"
	echo "$out" | grep -q "the $ctl controller"
	check $? "the message names the $ctl controller" "$out"
	echo "$out" | grep -qF "$D/$ctl_scope"
	check $? "the message names the directory" "$out"
	if [ "$ctl" = io ]; then
		echo "$out" | grep -q 'Delegate=.*io'
	else
		echo "$out" | grep -qF 'systemd-run --user --scope -p Delegate=yes'
	fi
	check $? "the message says how to get $ctl delegated" "$out"
	out=$(inscope "$ctl_scope" J "$@" --best-effort --report "$W/nd.json" -- echo ran 2>&1)
	rc=$?
	check "$([ $rc = 0 ] && echo "$out" | grep -qx ran; echo $?)" \
		"with --best-effort the job runs (exit $rc)" "$out"
	echo "$out" | grep -q "warning: --best-effort: running without $file"
	check $? "... with a warning naming $file" "$out"
	grep -q "\"not_enforced\": \[\"$file\"\]" "$W/nd.json"
	check $? "... and the report lists $file as not_enforced" "$(grep '"cgroup"' "$W/nd.json")"
	scope_clean "$ctl_scope"
	check $? "... and nothing is left in the scope" "$(ls -R "$D/$ctl_scope" 2>&1 | head)"
	# What is delegated still works next to what is not.
	if [ "$ctl" = io ]; then
		out=$(inscope "$ctl_scope" J --memory 50M --pids 20 -- echo ran 2>&1)
	else
		out=$(inscope "$ctl_scope" J --pids 20 --cpus 0.5 -- echo ran 2>&1)
	fi
	check "$([ "$out" = ran ]; echo $?)" "the delegated controllers still work" "$out"
	scope_clean "$ctl_scope"
	rmdir "$D/nd-$ctl"
}

setup || { fail "set up the delegated cgroup $D"; exit 1; }
for group in "$@"; do
	case $group in
	limits)
		case_files
		case_swap
		case_oom
		case_cpu
		case_pids
		case_io
		case_io_weight
		case_profile
		case_sigkill
		;;
	concurrent) case_concurrent ;;
	nodeleg)
		case_nodeleg io io.max --io-write-bps "${DISK:-/dev/ubdb}=1M"
		case_nodeleg memory memory.max --memory 50M
		;;
	case_*) "$group" ;; # one case, while working on it
	*) fail "unknown group $group"; continue ;;
	esac
	echo "done $group"
done
