#!/bin/bash
# The root-only BPF extras, seen by an ordinary user: asking for them fails closed
# (exit 125, "needs root", or "built without libbpf" when jail was built without them),
# before anything runs; --best-effort runs without them, with a warning and
# not_enforced in the report. The profile key and the shipped build-farm profile.
# (As root: tests/root/execaudit.sh on the host, tests/vm/bpf.sh in a guest.)
. "$(dirname "$0")/lib.sh"
integ_setup

why='needs root|built without libbpf'
profiles=${JAIL_PROFILE_PATH:?}

out=$("$JAIL" run --exec-audit -- "$WORK/probe" 2>&1)
rc=$?
is "$rc" 125 "--exec-audit as an ordinary user: exit 125"
like "$out" "exec_audit: ($why)" "... naming the cause"
like "$out" "run jail as root|rebuild" "... and the fix"

cat >"$WORK/bpf.yaml" <<'YAML'
name: t-bpf
extends: default
bpf:
  egress: ["192.0.2.0/24:443"]
  devices: ["c 1:3 rw"]
YAML
marker=$WORK/ran
out=$("$JAIL" run -p "$WORK/bpf.yaml" -- /bin/sh -c "touch $marker" 2>&1)
rc=$?
is "$rc" 125 "a profile with bpf: egress and devices as an ordinary user: exit 125"
like "$out" "bpf egress, devices: ($why)" "... naming both and the cause"
[ ! -e "$marker" ]
ok $? "... and the job did not run"

out=$("$JAIL" run -p "$WORK/bpf.yaml" --exec-audit --best-effort --report "$WORK/r.json" \
	-- /bin/sh -c "touch $marker" 2>&1)
rc=$?
is "$rc" 0 "--best-effort: the job runs"
[ -e "$marker" ]
ok $? "... really"
like "$out" "warning: --best-effort: running without bpf egress, devices, exec_audit" \
	"... with a warning naming what is not enforced"
r=$(tr -d '\n' <"$WORK/r.json")
like "$r" '"bpf": {"requested": \["egress", "devices", "exec_audit"\], "enforced": \[\], "not_enforced": \["egress", "devices", "exec_audit"\]' \
	"the report's bpf object: requested, none enforced, all not_enforced"
like "$r" '"egress_rules": 1, .*"device_rules": 1, .*"exec": null' "... rule counts, no exec list"

out=$("$JAIL" profile show build-farm 2>&1)
like "$out" 'bpf: # root only' "jail profile show build-farm prints the bpf section"
like "$out" 'exec_audit: true' "... with exec_audit"
like "$out" '"c 1:3 rw", "c 1:5 rw", "c 1:7 rw", "c 1:8 rw", "c 1:9 rw", "c 5:0 rw", "c 5:2 rw", "c 136:\* rw"' \
	"... and the device list of jail's /dev"
out=$("$JAIL" profile check "$profiles/build-farm.yaml" 2>&1)
like "$out" 'build-farm.yaml: ok' "build-farm.yaml checks"

done_testing
