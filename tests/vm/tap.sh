# TAP output for the cases that run inside a guest (guest.sh, bpf-guest.sh); sourced.
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }
# check CONDITION-STATUS DESCRIPTION [DIAGNOSTIC...]
check() {
	local st=$1 what=$2
	shift 2
	if [ "$st" -eq 0 ]; then
		pass "$what"
	else
		fail "$what"
		[ $# -eq 0 ] || diag "$@"
	fi
}
skip() { echo "ok - $1 # SKIP $2"; }
