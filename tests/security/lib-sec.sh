# shellcheck shell=bash
# Shared by escape.sh and compare.sh: the host side of the escape attempts. Sourced
# after tests/integration/lib.sh and integ_setup ($WORK exists, we are in it).
#
# sec_host_setup creates what the job must not reach and sets ESCAPE_ARGS, the
# arguments for `escape attack`:
#   - a canary file with a random token in a new directory of the host home
#   - the host listener (`escape serve`): TCP and UDP on 127.0.0.1, an abstract unix
#     socket, a fake SSH agent socket in /tmp/ssh-*, a fake D-Bus socket
#   - a host process (sleep) whose pid the job is told
#   - secrets in the environment: SECRET_TOKEN, SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS
# Every run gets a fresh marker (sec_new_run), which names what the job leaves behind.

ESCAPE=${JAIL_ESCAPE:-${top_builddir:-.}/tests/security/escape}
SEC_HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
SEC_HOME=${SEC_HOME:-$HOME}

sec_host_setup() {
	[ -x "$ESCAPE" ] || bail_out "escape is not built ($ESCAPE)"
	cp "$ESCAPE" "$WORK/escape" || bail_out "cannot copy escape into $WORK"
	SEC_TOKEN=canary$RANDOM$RANDOM$(date +%N)
	SEC_CANARY_DIR=$(mktemp -d "$SEC_HOME/.jail-sec.XXXXXX") || bail_out "mktemp in $SEC_HOME"
	at_exit "rm -rf '$SEC_CANARY_DIR'"
	echo "$SEC_TOKEN" >"$SEC_CANARY_DIR/canary"
	chmod 600 "$SEC_CANARY_DIR/canary"
	SEC_SOCKDIR=$(mktemp -d /tmp/ssh-jailsec.XXXXXX) || bail_out "mktemp /tmp/ssh-*"
	at_exit "rm -rf '$SEC_SOCKDIR'"
	"$ESCAPE" serve "$SEC_SOCKDIR" &
	SEC_SERVE_PID=$!
	at_exit "kill $SEC_SERVE_PID"
	for _ in $(seq 100); do
		[ -s "$SEC_SOCKDIR/serve.env" ] && break
		sleep 0.05
	done
	[ -s "$SEC_SOCKDIR/serve.env" ] || bail_out "escape serve did not start"
	SEC_TCP=$(sed -n 's/^tcp=//p' "$SEC_SOCKDIR/serve.env")
	SEC_UDP=$(sed -n 's/^udp=//p' "$SEC_SOCKDIR/serve.env")
	SEC_ABSTRACT=$(sed -n 's/^abstract=//p' "$SEC_SOCKDIR/serve.env")
	sleep 600 &
	SEC_HOST_PID=$!
	at_exit "kill $SEC_HOST_PID"
	SEC_HANDLE=$("$ESCAPE" handle "$SEC_CANARY_DIR/canary" 2>/dev/null) || SEC_HANDLE=
	export SECRET_TOKEN=secret$RANDOM$RANDOM
	export AWS_SECRET_ACCESS_KEY=$SECRET_TOKEN
	export SSH_AUTH_SOCK=$SEC_SOCKDIR/agent.sock
	export DBUS_SESSION_BUS_ADDRESS=unix:path=$SEC_SOCKDIR/bus
}

# sec_new_run: a fresh marker and the escape arguments that carry it. The caller's fds
# above 2 (opened by sec_run) are named with --fd.
sec_new_run() {
	SEC_MARK=jailsec$$x$RANDOM$(date +%N)
	ESCAPE_ARGS=(attack --host-pid "$SEC_HOST_PID" --tcp "$SEC_TCP" --udp "$SEC_UDP"
		--abstract "$SEC_ABSTRACT" --canary "$SEC_CANARY_DIR/canary" --token "$SEC_TOKEN"
		--agent "$SEC_SOCKDIR/agent.sock" --bus "$SEC_SOCKDIR/bus" --secret "$SECRET_TOKEN"
		--mark "$SEC_MARK" --fd 5 --fd 6 --fd 7 --fd 9)
	[ -n "$SEC_HANDLE" ] && ESCAPE_ARGS+=(--handle "$SEC_HANDLE")
	: >"$SEC_SOCKDIR/hits"
}

# sec_run OUTFILE CMD...: run CMD (which ends in the escape program) the way a careless
# caller would: fds 5-7 and 9 open without close-on-exec (a directory in the host home,
# the canary, a host file for appending, the host listener's log), in a directory that
# is not the work dir, with a terminal when `script` can give one. stdout to OUTFILE.
sec_run() {
	local out=$1
	shift
	(
		cd "$SEC_CANARY_DIR" || exit 1
		exec 5<"$SEC_CANARY_DIR" 6<"$SEC_CANARY_DIR/canary" 7>>"$SEC_CANARY_DIR/appendme" \
			9>>"$SEC_SOCKDIR/hits"
		if [ -n "${SEC_TTY:-}" ] && have script; then
			# script gives the command a pty as its controlling terminal; its
			# output (with \r\n) is what the command printed.
			script -qec "$(printf '%q ' "$@")" /dev/null </dev/null | tr -d '\r'
		else
			"$@" </dev/null
		fi
	) >"$out" 2>"$out.err"
}

# sec_host_checks OUTFILE: turn the CHECK lines (what only the host can see) into
# CONTAINED/ESCAPED lines appended to OUTFILE, after the job is gone.
sec_host_checks() {
	local out=$1 name found
	# A daemon that survives is an escape; it gets a moment to show up in /proc.
	sleep 0.3
	while read -r _ cls name _; do
		case $name in
		doublefork-setsid | sigignore | subreaper)
			found=$(pgrep -f -- "$SEC_MARK-$name" | tr '\n' ' ')
			if [ -n "$found" ]; then
				echo "ESCAPED $cls $name host sees pids $found after jail exited"
				kill -KILL $found 2>/dev/null
			else
				echo "CONTAINED $cls $name no process with the marker on the host"
			fi
			;;
		*)
			found=$(find /tmp /var/tmp /dev/shm "$SEC_HOME" -maxdepth 2 -name "*$SEC_MARK*" \
				2>/dev/null | tr '\n' ' ')
			if [ -n "$found" ]; then
				echo "ESCAPED $cls $name host sees $found"
				rm -f $found
			else
				echo "CONTAINED $cls $name nothing with the marker in the host's /tmp, /var/tmp, /dev/shm or home"
			fi
			;;
		esac
	done < <(grep '^CHECK ' "$out") >>"$out.host"
	cat "$out.host" >>"$out"
	rm -f "$out.host"
	# The host side of the listener saw a connection: an escape whatever the job said.
	if [ -s "$SEC_SOCKDIR/hits" ]; then
		echo "ESCAPED services host-listener-log the host listener logged: $(sort -u "$SEC_SOCKDIR/hits" | tr '\n' ' ')" >>"$out"
	else
		echo "CONTAINED services host-listener-log no connection reached the host listener" >>"$out"
	fi
	# The host process and the host's hostname are untouched.
	if kill -0 "$SEC_HOST_PID" 2>/dev/null && [ "$(ps -o stat= -p "$SEC_HOST_PID")" != T ]; then
		echo "CONTAINED caller host-pid-alive the host process is alive and running" >>"$out"
	else
		echo "ESCAPED caller host-pid-alive the host process was stopped or killed" >>"$out"
	fi
}
