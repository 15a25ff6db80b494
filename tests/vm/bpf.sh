#!/bin/bash
# The BPF extras in a user-mode-linux guest (TAP): egress allowlist, device policy,
# exec audit failing closed without BTF, SIGKILL leaving nothing attached. They need
# root and a cgroup v2 job cgroup, and must never be attached to a host cgroup: the
# cases (tests/vm/bpf-guest.sh) run as the guest's root through scripts/vm-check
# --root, in one boot; the host user needs no privilege for it.
# Without the extras built, checks that asking for them fails closed and stops there.
set -u

: "${JAIL:?}" "${top_srcdir:?}" "${top_builddir:?}"
export VMT_BIN=$top_builddir/tests/vm
must_work=${JAIL_TESTS_MUST_WORK:-0}
n=0
emit() {
	n=$((n + 1))
	case $1 in ok) echo "ok $n - $2" ;; *) echo "not ok $n - $2" ;; esac
}

out=$("$JAIL" run --exec-audit -- true 2>&1)
rc=$?
if echo "$out" | grep -q 'built without libbpf'; then
	[ $rc = 125 ] && emit ok "built without the BPF extras: --exec-audit fails closed (125)" ||
		emit fail "built without the BPF extras: --exec-audit fails closed (exit $rc)"
	echo "1..$n # the BPF extras are not built: nothing more to test"
	exit 0
fi
if [ ! -x "$VMT_BIN/netprobe" ]; then
	echo "1..0 # SKIP $VMT_BIN/netprobe is not built (make check builds it)"
	exit 0
fi

start=$(date +%s.%N)
work=$(mktemp -d "$top_builddir/tests/vm/bpf.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
"$top_srcdir/scripts/vm-check" -v --root --mem 768M --timeout 400 --expose "$work" \
	--env VMT_BIN -- bash "$top_srcdir/tests/vm/bpf-guest.sh" >"$work/out" 2>"$work/err"
rc=$?
if [ $rc = 77 ]; then
	why=$(sed -n 's/^vm-check: SKIP: //p' "$work/err")
	if [ "$must_work" = 1 ]; then
		emit fail "the guest boots (JAIL_TESTS_MUST_WORK=1: $why)"
		echo "1..$n"
	else
		echo "1..0 # SKIP $why"
	fi
	exit 0
fi
finished=0
while IFS= read -r line; do
	case $line in
	"ok - "*) emit ok "${line#ok - }" ;;
	"not ok - "*) emit fail "${line#not ok - }" ;;
	"done bpf") finished=1 ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$work/out"
[ $finished = 1 ] && emit ok "the guest's cases ran to their end" ||
	{ emit fail "the guest's cases ran to their end (exit $rc)"; sed 's/^/#   /' "$work/err"; }
grep '^vm-check: kernel' "$work/err" | sed 's/^/# /'
echo "1..$n"
echo "# BPF VM tier: run time $(awk -v a="$start" -v b="$(date +%s.%N)" \
	'BEGIN { printf "%.1f", b - a }') s"
exit 0
