#!/bin/bash
# The quota tier (TAP). cgroup v2 limits can only be proved where a cgroup v2 subtree is
# delegated to the test uid. This host-side driver:
#   - on a host without delegation (hybrid or v1: the development and CI machines),
#     checks that asking for a limit fails closed here, then runs the cases
#     (tests/vm/guest.sh) in one user-mode-linux guest through scripts/vm-check,
#     with cpu io memory pids delegated to the test uid and a disk for io.max;
#   - on a host that has delegation (e.g. under systemd-run --user --scope -p
#     Delegate=yes make check), runs the cases directly (no disk: io.max is skipped).
# A guest that cannot boot here is a skip with the reason, and a failure when
# JAIL_TESTS_MUST_WORK=1 (CI). Prints the tier's run time and the measured figures.
set -u

: "${JAIL:?}" "${top_srcdir:?}" "${top_builddir:?}"
vm_check=$top_srcdir/scripts/vm-check
guest=$top_srcdir/tests/vm/guest.sh
export VMT_BIN=$top_builddir/tests/vm
must_work=${JAIL_TESTS_MUST_WORK:-0}

n=0
failed=0
emit() {
	n=$((n + 1))
	case $1 in
	ok) echo "ok $n - $2" ;;
	*) echo "not ok $n - $2"; failed=$((failed + 1)) ;;
	esac
}
# Renumber the guest's "ok - ..." lines; "done GROUP" marks a group that ran to its end.
relay() {
	local out=$1 line group
	shift
	for group in "$@"; do : >"$out.want.$group"; done
	while IFS= read -r line; do
		case $line in
		"ok - "*) emit ok "${line#ok - }" ;;
		"not ok - "*) emit fail "${line#not ok - }" ;;
		"done "*) rm -f "$out.want.${line#done }" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"$out"
	for group in "$@"; do
		if [ -e "$out.want.$group" ]; then
			emit fail "the $group cases ran to their end"
			rm -f "$out.want.$group"
		fi
	done
}

start=$(date +%s.%N)
for h in alloc spin forkbomb dwrite; do
	if [ ! -x "$VMT_BIN/$h" ]; then
		echo "1..0 # SKIP $VMT_BIN/$h is not built (make check builds it)"
		exit 0
	fi
done
work=$(mktemp -d "$top_builddir/tests/vm/run.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

# Does this process sit in a delegated cgroup v2 with all four controllers?
host_delegated() {
	local own mnt ctl c
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$own" ] && [ "$(grep -c . /proc/self/cgroup)" = 1 ] || return 1
	mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mnt" ] || return 1
	HOST_CG=$mnt${own%/}
	ctl=$(cat "$HOST_CG/cgroup.controllers" 2>/dev/null) || return 1
	for c in cpu io memory pids; do
		case " $ctl " in *" $c "*) ;; *) return 1 ;; esac
	done
	[ -w "$HOST_CG" ] && [ -w "$HOST_CG/cgroup.procs" ] && [ -w "$HOST_CG/cgroup.subtree_control" ]
}

# The profile of the profile-limits case; it only adds limits to default, so its
# seccomp program is default's, compiled once per guest.
export VMT_PROFILES=$work/profiles
mkdir -p "$VMT_PROFILES"
cat >"$VMT_PROFILES/vmt-limits.yaml" <<'EOF'
name: vmt-limits
description: the VM tier's profile with limits
extends: default
limits:
  memory: 40M
  memory-high: 30M
  cpus: 0.3
  cpu-weight: 25
  pids: 8
EOF

if host_delegated; then
	echo "# this host delegates $HOST_CG: the cases run here, no guest"
	VM_CHECK_CGROUP=$HOST_CG VM_CHECK_DELEGATED="cpu io memory pids" \
		bash "$guest" limits concurrent nodeleg >"$work/direct.out" 2>&1
	relay "$work/direct.out" limits concurrent nodeleg
else
	# Here limits cannot be enforced: jail must refuse, say why and how to fix it.
	out=$("$JAIL" run --memory 50M -- true 2>&1)
	rc=$?
	if [ $rc = 125 ] && echo "$out" | grep -q 'cannot enforce' &&
		echo "$out" | grep -q -e 'cgroup v1' -e 'not delegated' -e 'cgroup v2'; then
		emit ok "on this host (no delegated cgroup v2) --memory fails closed: exit 125"
	else
		emit fail "on this host (no delegated cgroup v2) --memory fails closed: exit $rc"
	fi
	echo "$out" | sed 's/^/#   /'

	# boot NAME VM-CHECK-OPTIONS... -- GROUPS...: one guest, in the background; its
	# results are read by report_boot. Two guests at once: the cases are mostly waits
	# and single-CPU work, and a CI machine has two CPUs.
	boot() {
		local name=$1 opts=()
		shift
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
		echo "$*" >"$work/$name.groups"
		(
			t0=$(date +%s.%N)
			"$vm_check" -v --mem 1024M --timeout 560 "${opts[@]}" --expose "$work" \
				--env VMT_BIN --env VMT_PROFILES \
				-- bash "$guest" "$@" >"$work/$name.out" 2>"$work/$name.err"
			echo "$? $t0 $(date +%s.%N)" >"$work/$name.status"
		) &
	}
	report_boot() {
		local name=$1 rc t0 t1 why
		read -r rc t0 t1 <"$work/$name.status"
		if [ "$rc" = 77 ]; then
			why=$(sed -n 's/^vm-check: SKIP: //p' "$work/$name.err")
			if [ "$must_work" = 1 ]; then
				emit fail "guest $name boots (JAIL_TESTS_MUST_WORK=1: $why)"
			else
				emit ok "guest $name # SKIP $why"
			fi
			return
		fi
		# shellcheck disable=SC2046
		relay "$work/$name.out" $(cat "$work/$name.groups")
		if [ "$rc" = 99 ]; then
			emit fail "guest $name ran to its end"
			sed 's/^/#   /' "$work/$name.err"
		else
			grep -v '^vm-check: kernel to init' "$work/$name.err" | sed 's/^/#   stderr: /'
		fi
		echo "# guest $name: $(sed -n 's/^vm-check: //p' "$work/$name.err" | tail -n 1)" \
			"(host wall $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)"
	}
	# A boot costs ~1.5 s; the first jail in a guest 15-70 s (the seccomp compile).
	boot limits --disk-size 16 -- limits
	boot concurrent -- concurrent nodeleg
	wait
	report_boot limits
	report_boot concurrent
fi

echo "1..$n"
echo "# VM tier: $n tests, $failed failed, run time $(awk -v a="$start" -v b="$(date +%s.%N)" \
	'BEGIN { printf "%.1f", b - a }') s"
exit 0
