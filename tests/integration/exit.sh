#!/bin/bash
# Exit statuses (the job's, 128+N, 124, 125, 126, 127), the messages for bad command
# lines, and the --report JSON.
. "$(dirname "$0")/lib.sh"
integ_setup

# --- the job's status ---------------------------------------------------------------------
jrun -- sh -c 'echo out; echo err >&2; exit 3'
is "$RC|$OUT|$ERR" "3|out|err" "the job's exit status and output pass through (exit 3)"
jrun -- true
is "$RC:$ERR" "0:" "a successful job: exit 0, nothing on stderr"
jrun -- sh -c 'kill -KILL $$'
is "$RC" 137 "a job killed by SIGKILL: 128+9"
jrun -- sh -c 'kill -SEGV $$'
is "$RC" 139 "a job killed by SIGSEGV: 128+11"

# --- jail's own failures -------------------------------------------------------------------
: >"$WORK/not-executable"
chmod 644 "$WORK/not-executable"
jrun -- ./not-executable
is "$RC" 126 "a command that is not executable: 126"
like "$ERR" 'not-executable' "  and the message names it"
jrun -- jail-integ-no-such-command
is "$RC" 127 "a command not in PATH: 127"
like "$ERR" "jail-integ-no-such-command.*PATH" "  and the message names it and PATH"
jrun -- /jail-integ/no/such/file
is "$RC" 127 "a path that does not exist inside: 127"

# Each bad value: exit 125, a message naming the option, and the job never ran.
while IFS='|' read -r option value; do
	rm -f "$WORK/ran"
	jrun "$option" "$value" -- touch ran
	named=no
	case $ERR in *"$option"*) named=yes ;; esac
	[ -e "$WORK/ran" ] && named=ran
	is "$RC:$named" 125:yes "$option '$value': exit 125, the message names $option, nothing ran" ||
		diag "stderr: $ERR"
done <<'EOF'
--timeout|ten seconds
--timeout|0
--rlimit|nofile=many
--rlimit|bogus=1
--map|everyone
--setenv|NOEQUALSIGN
--bind|/jail-integ/no/such/dir
--ro-bind|/jail-integ/no/such/dir:/mnt
--hostname|
EOF
jrun --jail-integ-no-such-option -- true
is "$RC" 125 "an unknown option: exit 125"
like "$ERR" '--jail-integ-no-such-option' "  and the message names it"
jrun --timeout
is "$RC" 125 "an option without its value: exit 125"

# --- --report --------------------------------------------------------------------------------
# json FILE EXPR: EXPR over the parsed report d, printed as JSON.
json() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(eval(sys.argv[2], {"d": d})))' "$@" 2>&1
}

if have python3; then
	r=$WORK/report.json
	jrun --report "$r" -- sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done; exit 3'
	is "$RC" 3 "--report: the job's status is still jail's exit status"
	is "$(json "$r" '[d["exit_code"], d["status"], d["job_exit"], d["signal"]]')" \
		'[3, "exited", 3, null]' "--report: exit_code, status, job_exit, signal"
	is "$(json "$r" 'd["options"]["workdir"]')" "\"$WORK\"" "--report: options.workdir"
	is "$(json "$r" 'd["time"]["wall_s"] > 0 and d["time"]["wall_s"] < 60')" true "--report: time.wall_s is a plausible number"
	is "$(json "$r" 'd["time"]["user_s"] + d["time"]["system_s"] > 0')" true \
		"--report: user_s/system_s count the job's CPU time (a busy loop)"
	jrun --report "$r" -- sh -c 'kill -KILL $$'
	is "$(json "$r" '[d["exit_code"], d["status"], d["signal"]]')" '[137, "signaled", 9]' \
		"--report of a killed job: exit_code 137, status signaled, signal 9"
	jrun --report "$r" --timeout 300ms -- sleep 10
	is "$(json "$r" '[d["exit_code"], d["status"], d["timed_out"], d["options"]["timeout_ms"]]')" \
		'[124, "timeout", true, 300]' "--report of a timeout: exit_code 124, status timeout"
	jrun --report "$r" -- jail-integ-no-such-command
	is "$(json "$r" '[d["exit_code"], d["status"], "jail-integ-no-such-command" in (d["error"] or "")]')" \
		'[127, "jail-error", true]' "--report of a command not found: 127, jail-error, the error text"
	leftovers=$(find "$WORK" -maxdepth 1 -name 'report.json.tmp*' | wc -l)
	is "$leftovers" 0 "--report leaves no temporary file"
else
	for t in status exit_code workdir wall_s user_s signaled timeout jail-error tmp; do
		skip "--report: $t" "python3 is not installed"
	done
fi

done_testing
