#!/bin/bash
# Processes and the rest of the isolation: pid namespace and its init, the tree dying
# with the job, signals, --timeout; network, uts, ipc and cgroup namespaces; the new
# session (no controlling tty, no TIOCSTI); fds; the environment allowlist; rlimits.
. "$(dirname "$0")/lib.sh"
integ_setup

# --- pid namespace ---------------------------------------------------------------------
jprobe -- pid
is "$(val pid "$OUT"):$(val ppid "$OUT")" 2:1 "the job is pid 2, a child of the namespace's init"
is "$(val pid1.comm "$OUT")" jail-init "pid 1 is jail's init, not the job"
is "$(val pid1.environ "$OUT")" EACCES "pid 1 is not dumpable: its environ cannot be opened"
# The job runs as soon as it has exec'd (init sleeps until then): init must be named and
# not dumpable before it starts the job, not after. Held at its first step after the
# start (JAIL_TEST_PAUSE_AT=child:fork), init must already look that way to the job.
rm -f "$WORK/pid1.seen"
env JAIL_TEST_PAUSE_AT=child:fork "$JAIL" run -w "$WORK" -- sh -c '
	if cat /proc/1/environ >/dev/null 2>&1; then e=readable; else e=closed; fi
	echo "$(cat /proc/1/comm):$e" >pid1.tmp && mv pid1.tmp pid1.seen
	sleep 30' 2>/dev/null &
jpid=$!
for _ in $(seq 100); do
	[ -f "$WORK/pid1.seen" ] && break
	sleep 0.1
done
kill -KILL "$jpid" 2>/dev/null
wait "$jpid" 2>/dev/null
is "$(cat "$WORK/pid1.seen" 2>/dev/null)" jail-init:closed \
	"with init held right after starting the job, pid 1 is already jail-init and closed"

# A background process the job leaves behind dies with the job.
mark=$(new_marker)
start=$(date +%s)
jrun -- sh -c "sh -c 'sleep 30; echo $mark' >/dev/null 2>&1 & sleep 0.3; kill -0 \$! && echo alive"
is "$RC:$OUT" 0:alive "a background process of the job runs while the job does"
is "$(procs_with "$mark")" "" "it is gone by the time jail has exited (no host process with its marker)"
[ $(($(date +%s) - start)) -lt 10 ]
ok $? "jail does not wait for it"

# The same for one the job has disowned (double fork: reparented to the sandbox's init),
# held deterministically: init paused right after its kill-and-reap (init:reaped), before
# it tells jail the job's status. The orphan must be gone already; init skips the kill
# only when it has no child left at all.
# The marker goes in as two halves, so only the orphan carries it, not jail's argv.
mark=$(new_marker)
errf=$(mktemp "${TMPDIR:-/tmp}/jail-integ-err.XXXXXX")
(cd "$WORK" && exec env JAIL_TEST_PAUSE_AT=init:reaped "$JAIL" run -w "$WORK" -- \
	sh -c '(sh -c "sleep 30; echo $0$1" >/dev/null 2>&1 &); sleep 0.3' \
	"${mark:0:8}" "${mark:8}") 2>"$errf" &
jpid=$!
wait_paused init:reaped "$errf" "$jpid"
ok $? "init reaches init:reaped after a job that double-forked" || diag "$(cat "$errf")"
is "$(procs_with "$mark")" "" "the orphan is already dead and reaped when init reports the job's end"
kill -KILL "$jpid" 2>/dev/null
wait "$jpid" 2>/dev/null
rm -f "$errf"
wait_gone "$mark" 20

# SIGTERM to jail reaches the job: a job that traps it reports it; one that does not dies.
rm -f "$WORK/ready" "$WORK/term"
mark=$(new_marker)
(cd "$WORK" && exec "$JAIL" run -w "$WORK" -- sh -c \
	"trap 'echo got-term > term; exit 7' TERM; touch ready; while :; do sleep 0.1; done; : $mark") &
jpid=$!
for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
kill -TERM "$jpid"
{ wait "$jpid"; } 2>/dev/null
rc=$?
is "$rc:$(cat "$WORK/term" 2>&1)" 7:got-term "SIGTERM to jail is forwarded to the job (its trap runs, its status is passed on)"

rm -f "$WORK/ready"
(cd "$WORK" && exec "$JAIL" run -w "$WORK" -- sh -c "touch ready; sleep 30; : $mark") &
jpid=$!
for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
kill -TERM "$jpid"
{ wait "$jpid"; } 2>/dev/null
is "$?" 143 "a job killed by the forwarded SIGTERM: jail exits 143"
wait_gone "$mark" 20
ok $? "after SIGTERM no process of the job is left"

# --timeout: 124 and the whole tree dead, background processes included.
mark=$(new_marker)
start=$(date +%s)
jrun --timeout 1s -- sh -c "sh -c 'sleep 30; echo $mark' >/dev/null 2>&1 & sleep 30; echo $mark"
elapsed=$(($(date +%s) - start))
is "$RC" 124 "--timeout 1s: exit 124"
like "$ERR" 'timeout' "--timeout: the message says it timed out"
[ "$elapsed" -lt 10 ]
ok $? "--timeout 1s: jail returns promptly (${elapsed}s)"
wait_gone "$mark" 20
ok $? "--timeout: no process of the job's tree is left"

# --- network, uts, ipc, cgroup --------------------------------------------------------------
jprobe -- net hostname cgroup
out=$OUT
is "$(val net.count "$out"):$(val net.lo "$out")" 1:up "the network namespace has only lo, and it is up"
is "$(val hostname "$out")" jail "the hostname is jail"
is "$(val cgroup.unified "$out")" / "cgroup namespace: /proc/self/cgroup shows 0::/"
bad=$(printf '%s\n' "$out" | grep '^cgroup\.line=' | grep -v ':/$')
is "$bad" "" "cgroup namespace: every hierarchy's path is / inside"

host_hostname=$(uname -n)
jprobe --hostname build-box -- hostname
is "$(val hostname "$OUT")" build-box "--hostname sets the hostname inside"
is "$(uname -n)" "$host_hostname" "the host's hostname is unchanged"

if have ipcmk && shm=$(ipcmk -M 4096 2>/dev/null | grep -o '[0-9]\+$'); then
	at_exit "ipcrm -m '$shm'"
	jrun -- cat /proc/sysvipc/shm
	hits=$(printf '%s\n' "$OUT" | awk -v id="$shm" '$2 == id' | wc -l)
	is "$(awk -v id="$shm" '$2 == id' /proc/sysvipc/shm | wc -l)" 1 "control: the host lists its SysV shm segment $shm"
	is "$RC:$hits" 0:0 "ipc namespace: the host's SysV shm segment $shm is not visible"
else
	skip "control: the host lists its SysV shm segment" "ipcmk (util-linux) cannot create a segment"
	skip "ipc namespace: the host's SysV shm segment is not visible" "ipcmk (util-linux) cannot create a segment"
fi

# --- session and terminal ----------------------------------------------------------------
if have script; then
	ctl=$(cd "$WORK" && script -qec "$WORK/probe tty" /dev/null </dev/null 2>&1 | tr -d '\r')
	in=$(cd "$WORK" && script -qec "'$JAIL' run -w '$WORK' -- '$WORK/probe' tty pid" /dev/null \
		</dev/null 2>&1 | tr -d '\r')
	is "$(val tty.devtty "$ctl")" ok "control: under script, a process can open /dev/tty"
	is "$(val tty.isatty0 "$in")" 1 "under script, the job's stdin is the terminal"
	is "$(val tty.devtty "$in")" ENXIO "the job has no controlling terminal (open /dev/tty: ENXIO)"
	is "$(val tty.tiocsti "$in")" EPERM "TIOCSTI on the caller's terminal fails with EPERM"
	is "$(val tty.sid "$in"):$(val tty.pgrp "$in")" "$(val pid "$in"):$(val pid "$in")" \
		"the job leads its own session and process group"
else
	for t in "control: /dev/tty" "job stdin is the terminal" "no controlling terminal" \
		"TIOCSTI fails" "own session"; do
		skip "$t" "script (bsdutils) is not installed"
	done
fi

# --- fds ---------------------------------------------------------------------------------
exec 5</dev/null 7>"$WORK/fd7"
[ -e /proc/$$/fd/5 ] && [ -e /proc/$$/fd/7 ]
ok $? "control: the test shell has fds 5 and 7 open"
jprobe -- fds
exec 5<&- 7>&-
is "$(val fds "$OUT")" 0,1,2 "the job sees only fds 0, 1 and 2"

# --- environment ---------------------------------------------------------------------------
OUT=$(cd "$WORK" && env JAIL_INTEG_SECRET=hunter2 SSH_AUTH_SOCK=/tmp/agent.sock \
	PATH="/opt/integ/bin:$PATH" TERM=integ-term LANG=C.UTF-8 LC_CTYPE=C LC_INTEG=x TZ=UTC \
	MYPFX_A=1 MYPFX_B=2 "$JAIL" run -w "$WORK" --setenv FOO=bar --setenv TZ=Europe/Paris \
	--keep-env MYPFX_* -- "$WORK/probe" env 2>&1)
is "$(val env.JAIL_INTEG_SECRET "$OUT")$(val env.SSH_AUTH_SOCK "$OUT")" "" \
	"a secret variable and SSH_AUTH_SOCK of the caller are not passed"
is "$(val env.PATH "$OUT")|$(val env.TERM "$OUT")|$(val env.LANG "$OUT")|$(val env.LC_CTYPE "$OUT")|$(val env.LC_INTEG "$OUT")" \
	"/opt/integ/bin:$PATH|integ-term|C.UTF-8|C|x" "PATH, TERM, LANG and LC_* are kept"
is "$(val env.FOO "$OUT"):$(val env.TZ "$OUT")" bar:Europe/Paris "--setenv sets a variable and overrides a kept one (TZ)"
is "$(val env.MYPFX_A "$OUT"):$(val env.MYPFX_B "$OUT")" 1:2 "--keep-env NAME* keeps the caller's variables with that prefix"
n=$(printf '%s\n' "$OUT" | grep -c '^env\.')
is "$n" 12 "nothing else: PATH TERM LANG LC_CTYPE LC_INTEG TZ FOO MYPFX_A MYPFX_B HOME USER LOGNAME"
OUT=$(cd "$WORK" && env JAIL_INTEG_SECRET=hunter2 TZ=UTC "$JAIL" run -w "$WORK" \
	--keep-env JAIL_INTEG_SECRET -- "$WORK/probe" env 2>&1)
is "$(val env.JAIL_INTEG_SECRET "$OUT"):$(val env.TZ "$OUT")" hunter2:UTC "--keep-env NAME keeps one variable; TZ is kept"

# --- rlimits -------------------------------------------------------------------------------
jprobe --rlimit nofile=64 --rlimit nproc=512:1024 --rlimit core=0 -- rlimits
is "$(val rlimit.nofile "$OUT")|$(val rlimit.nproc "$OUT")|$(val rlimit.core "$OUT")" \
	"64:64|512:1024|0:0" "--rlimit sets soft and hard limits (nofile=64, nproc=512:1024, core=0)"

# Above the caller's hard limit: no user namespace can raise it (build.yaml asks for
# nofile 65536). Refused before anything runs, or lowered to it under --best-effort.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then
	skip "--rlimit nofile above the hard limit" "the hard limit of nofile is unlimited here"
	skip "--best-effort lowers it to the hard limit" "the hard limit of nofile is unlimited here"
else
	jprobe --rlimit "nofile=$((hard + 1))" -- rlimits
	is "$RC" 125 "--rlimit nofile=$((hard + 1)) above the hard limit $hard: exit 125"
	like "$ERR" "cannot raise the hard limit nofile" "... and says why" || diag "$ERR"
	jprobe --best-effort --rlimit "nofile=$((hard + 1))" -- rlimits
	is "$RC:$(val rlimit.nofile "$OUT")" "0:$hard:$hard" "--best-effort lowers it to the hard limit" ||
		diag "$ERR"
fi

done_testing
