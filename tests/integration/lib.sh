# Shared helpers for the integration tests (bash, TAP). Sourced, not run.
#
# Each test script: . lib.sh; integ_setup; assertions; done_testing.
# integ_setup checks the preconditions (not root, user namespaces work, jail and the
# probe are built), creates $WORK (the jail's work dir, removed at exit) and copies the
# probe into it as $WORK/probe, so it is reachable inside the sandbox whatever the build
# dir is. The plan is printed at the end (TAP allows it), from the number of tests run.

set -u

tap_n=0
tap_failed=0
WORK=
_integ_cleanups=()

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	local status=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=$((tap_failed + 1))
	fi
	return "$status"
}

diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do echo "#   $line"; done
}

# is GOT WANT DESCRIPTION
is() {
	local got=$1 want=$2
	shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		diag "got:      '$got'" "expected: '$want'"
		return 1
	fi
}

# isnt GOT UNWANTED DESCRIPTION
isnt() {
	local got=$1 unwanted=$2
	shift 2
	if [ "$got" != "$unwanted" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		diag "got '$got', which it must not be"
		return 1
	fi
}

# like GOT ERE DESCRIPTION (GOT's lines are joined with spaces first)
like() {
	local got=$1 re=$2
	shift 2
	if printf '%s' "$got" | tr '\n' ' ' | grep -Eq -- "$re"; then
		ok 0 "$*"
	else
		ok 1 "$*"
		diag "got:   '$got'" "match: /$re/"
		return 1
	fi
}

# unlike GOT ERE DESCRIPTION (GOT's lines are joined with spaces first)
unlike() {
	local got=$1 re=$2
	shift 2
	if printf '%s' "$got" | tr '\n' ' ' | grep -Eq -- "$re"; then
		ok 1 "$*"
		diag "got:          '$got'" "must not match: /$re/"
		return 1
	fi
	ok 0 "$*"
}

# skip DESCRIPTION REASON: one assertion that cannot be made here. Under
# JAIL_TESTS_MUST_WORK=1 it fails instead: CI has everything.
skip() {
	tap_n=$((tap_n + 1))
	if [ "${JAIL_TESTS_MUST_WORK:-0}" = 1 ]; then
		echo "not ok $tap_n - $1 (cannot run: $2; JAIL_TESTS_MUST_WORK=1)"
		tap_failed=$((tap_failed + 1))
	else
		echo "ok $tap_n - $1 # SKIP $2"
	fi
}

# skip_all REASON: the whole script cannot run here (fails under JAIL_TESTS_MUST_WORK=1).
skip_all() {
	if [ "${JAIL_TESTS_MUST_WORK:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - preconditions: $1 (JAIL_TESTS_MUST_WORK=1, so this is a failure)"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 99
}

# Failures are in the TAP stream; a nonzero exit would count each failing script once
# more, as an ERROR, in the driver's summary.
done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] || echo "# $tap_failed of $tap_n failed"
	exit 0
}

# have CMD: the tool exists on the host.
have() {
	command -v "$1" >/dev/null 2>&1
}

integ_cleanup() {
	local i
	for ((i = ${#_integ_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_integ_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		chmod -R u+rwX "$WORK" 2>/dev/null || true
		rm -rf "$WORK" 2>/dev/null || true
	fi
}

# at_exit SHELL-CODE: run at exit, last registered first.
at_exit() {
	_integ_cleanups+=("$1")
}

integ_setup() {
	if [ -z "${JAIL:-}" ] || [ ! -x "$JAIL" ]; then
		bail_out "JAIL is not set to the built jail binary (run through make check)"
	fi
	if [ -z "${JAIL_PROBE:-}" ] || [ ! -x "$JAIL_PROBE" ]; then
		bail_out "JAIL_PROBE is not set to the built probe (run through make check)"
	fi
	if [ "$(id -u)" -eq 0 ]; then
		skip_all "running as root: these tests check rootless behaviour; run make check as an unprivileged user with a subordinate id range"
	fi
	if ! have unshare; then
		skip_all "unshare (util-linux) is not installed: cannot tell whether user namespaces work"
	fi
	local err
	if ! err=$(unshare --user --map-root-user true 2>&1); then
		skip_all "user namespaces are not available to this user: $err"
	fi
	trap integ_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/jail-integ.XXXXXX") || bail_out "mktemp -d failed"
	WORK=$(cd "$WORK" && pwd -P)
	cp "$JAIL_PROBE" "$WORK/probe" || bail_out "cannot copy the probe into $WORK"
	cd "$WORK" || bail_out "cd $WORK"
}

# jrun ARGS...: jail run -w $WORK ARGS..., from $WORK. Sets OUT (stdout), ERR (stderr)
# and RC (exit status). Not in a subshell, so the three stay set.
OUT=
ERR=
RC=0
jrun() {
	local errf
	errf=$(mktemp "${TMPDIR:-/tmp}/jail-integ-err.XXXXXX")
	OUT=$(cd "$WORK" && "$JAIL" run -w "$WORK" "$@" 2>"$errf")
	RC=$?
	ERR=$(cat "$errf")
	rm -f "$errf"
}

# split_opts WORDS... -- REST...: WORDS into the array OPTS, REST into the array REST.
split_opts() {
	OPTS=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		OPTS+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	REST=("$@")
}

# jprobe JAIL-OPTIONS... -- SECTIONS...: jrun with the probe as the command.
jprobe() {
	split_opts "$@"
	jrun "${OPTS[@]}" -- "$WORK/probe" "${REST[@]}"
}

# val KEY TEXT: the value of the last "KEY=" line in TEXT (empty if none).
val() {
	printf '%s\n' "$2" | awk -v k="$1=" 'index($0, k) == 1 { v = substr($0, length(k) + 1); f = 1 } END { if (f) print v }'
}

# has_key KEY TEXT: TEXT has a "KEY=" line.
has_key() {
	printf '%s\n' "$2" | awk -v k="$1=" 'index($0, k) == 1 { f = 1 } END { exit !f }'
}

# The host's inode of a namespace of this shell.
host_ns() {
	readlink "/proc/self/ns/$1" | tr -cd '0-9'
}

# A unique marker for argv/env: tests find their processes on the host by it.
new_marker() {
	echo "jailmark$$x$RANDOM$RANDOM$(date +%N)"
}

# procs_with MARKER: pids of host processes whose command line contains MARKER
# (pgrep itself and this shell's subshells excluded).
procs_with() {
	pgrep -f -- "$1" 2>/dev/null | grep -vx "$$" || true
}

# wait_paused STEP ERRFILE PID [TRIES]: wait (TRIES x 50 ms, default 100) until jail,
# started with JAIL_TEST_PAUSE_AT=STEP and stderr to ERRFILE, says it paused there;
# fails early if PID exits first.
wait_paused() {
	local step=$1 errf=$2 pid=$3 tries=${4:-100}
	for _ in $(seq "$tries"); do
		grep -q "jail: test: paused at $step\$" "$errf" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# wait_gone MARKER [TENTHS]: wait until no process carries MARKER; true if none left.
wait_gone() {
	local i
	for ((i = 0; i < ${2:-30}; i++)); do
		[ -z "$(procs_with "$1")" ] && return 0
		sleep 0.1
	done
	[ -z "$(procs_with "$1")" ]
}
