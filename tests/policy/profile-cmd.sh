#!/bin/bash
# tests/policy: `jail profile list|show|check|explain|compile`.
#   - every file in bad/ is refused by `check` with the message in bad/expected,
#     which names file:line:column;
#   - the shipped profiles check, show reads back as the same program, explain names
#     the rule that decides;
#   - `compile` writes a raw sock_filter program that bwrap --seccomp accepts and
#     enforces (run as an unprivileged user).
# JAIL, JAIL_PROFILE_PATH, top_srcdir, top_builddir come from TESTS_ENVIRONMENT.
. "${top_srcdir:?run through make check}/tests/integration/lib.sh"

[ -x "${JAIL:-}" ] || bail_out "JAIL is not set to the built jail binary (run through make check)"
[ -n "${JAIL_PROFILE_PATH:-}" ] || bail_out "JAIL_PROFILE_PATH is not set (run through make check)"
profiles=$top_srcdir/profiles
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jail-profile-cmd.XXXXXX") || bail_out "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT
# A cache of our own, so a user's cache neither helps nor hurts.
export XDG_CACHE_HOME=$tmp/cache

# --- bad input: one file per error class ------------------------------------------

cd "$top_srcdir/tests/policy" || bail_out "cd tests/policy"
declare -A expected=()
while IFS=$'\t' read -r file want; do
	case $file in '#'* | '') continue ;; esac
	expected[$file]=$want
done <bad/expected

for file in bad/*.yaml; do
	if [ -z "${expected[$file]:-}" ]; then
		ok 1 "$file has an expected message in bad/expected"
		continue
	fi
	err=$("$JAIL" profile check "$file" 2>&1 >/dev/null)
	rc=$?
	is "$rc" 1 "check $file fails with status 1" || diag "$err"
	like "$err" "^jail: .*$(printf '%s' "${expected[$file]}" | sed 's/[][\.*^$()+?{}|]/\\&/g')" \
		"check $file: ${expected[$file]}"
done
for file in "${!expected[@]}"; do
	[ -f "$file" ] || ok 1 "bad/expected names $file, which does not exist"
done

# Too large: generated, not stored. A valid start, then a comment past 1 MiB.
{ echo "name: huge"; head -c 1100000 /dev/zero | tr '\0' '#'; echo; } >"$tmp/huge.yaml"
err=$("$JAIL" profile check "$tmp/huge.yaml" 2>&1)
like "$err" "huge.yaml: too large \(1100012 bytes; a profile is at most 1 MiB\)" \
	"check refuses a file over 1 MiB"

# Several files: each is reported, the status is the failure's.
out=$("$JAIL" profile check "$profiles/default.yaml" bad/bad-size.yaml 2>&1)
rc=$?
is "$rc" 1 "check GOOD BAD fails"
like "$out" "default.yaml: ok .*bad/bad-size.yaml:3:11:" "... and reports both files"

# --- the shipped profiles -----------------------------------------------------------

for f in default cc script build syscall-groups; do
	out=$("$JAIL" profile check "$profiles/$f.yaml" 2>&1)
	is "$?" 0 "check $f.yaml passes" || diag "$out"
done
out=$("$JAIL" profile list 2>&1)
for p in default cc script build; do
	like "$out" "(^| )$p +$profiles/$p.yaml" "list shows $p"
done
unlike "$out" "syscall-groups" "list does not show the groups file as a profile"

out=$("$JAIL" profile show default)
is "$?" 0 "show default"
unlike "$out" "HOME" "default sets no HOME (the runtime gives the job its home path)"
out=$("$JAIL" profile show cc)
like "$out" "^# resolved from: $profiles/default.yaml -> $profiles/cc.yaml" \
	"show cc names the chain default -> cc"
out=$("$JAIL" profile show build)
like "$out" '- "/var/lib/dpkg"' \
	"show build: the host's dpkg database is visible (dpkg-checkbuilddeps reads it)"

# show prints a profile that reads back as the same policy: compile both, compare.
for p in default cc script build; do
	"$JAIL" profile show "$p" >"$tmp/shown-$p.yaml" &&
		"$JAIL" profile compile "$tmp/shown-$p.yaml" -o "$tmp/shown-$p.bpf" &&
		"$JAIL" profile compile "$p" -o "$tmp/$p.bpf"
	cmp -s "$tmp/shown-$p.bpf" "$tmp/$p.bpf"
	ok $? "show $p reads back as the same seccomp program"
done

# --- explain --------------------------------------------------------------------------

# The rule's position is that of its syscall name, on the line before its args.
tiocsti_line=$(awk '/syscall: ioctl/ { l = NR } /value: TIOCSTI/ { print l; exit }' \
	"$profiles/default.yaml")
out=$("$JAIL" profile explain default ioctl TIOCSTI)
is "$?" 0 "explain default ioctl TIOCSTI"
like "$out" "decided by: conditional deny at $profiles/default.yaml:$tiocsti_line:[0-9]+ " \
	"explain names the TIOCSTI rule (default.yaml line $tiocsti_line)"
like "$out" "result: errno EPERM .*compiled program agrees: errno EPERM" \
	"explain: errno EPERM, and the compiled program agrees"
out=$("$JAIL" profile explain default ioctl 0x100005412)
like "$out" "conditional deny at $profiles/default.yaml:$tiocsti_line:.*result: errno EPERM" \
	"explain: TIOCSTI with high bits set is the same rule"
out=$("$JAIL" profile explain default ioctl 0x5401)
like "$out" "decided by: allow entry '@default' .*result: allow" "explain: TCGETS is allowed"
out=$("$JAIL" profile explain default ptrace)
like "$out" "decided by: deny entry '@debug' \(@debug\) at $profiles/default.yaml:" \
	"explain ptrace: the @debug deny entry"
out=$("$JAIL" profile explain cc socket AF_INET)
like "$out" "default-action .*no conditional allow matches.*result: errno EPERM" \
	"explain cc socket AF_INET: no allow matches, default action"
out=$("$JAIL" profile explain default clone3)
like "$out" "result: errno ENOSYS" "explain clone3: ENOSYS"
out=$("$JAIL" profile explain default frobnicate 2>&1)
is "$?" 1 "explain of an unknown syscall fails"
like "$out" "unknown syscall 'frobnicate'" "... and says why"

# --- compile, and bwrap --seccomp ---------------------------------------------------

"$JAIL" profile compile cc -o "$tmp/cc.bpf"
is "$?" 0 "compile cc -o cc.bpf"
size=$(stat -c %s "$tmp/cc.bpf")
insns=$("$JAIL" profile check "$profiles/cc.yaml" | sed -n 's/.*, \([0-9]*\) instructions)$/\1/p')
is "$size" $((insns * 8)) "cc.bpf is $insns sock_filter entries of 8 bytes"
"$JAIL" profile compile cc -o - >"$tmp/cc-stdout.bpf"
cmp -s "$tmp/cc.bpf" "$tmp/cc-stdout.bpf"
ok $? "compile -o - writes the same program to stdout"
"$JAIL" profile compile cc >/dev/null 2>&1
is "$?" 2 "compile without -o is a usage error"
"$JAIL" profile compile no-such-profile -o "$tmp/x.bpf" 2>/dev/null
is "$?" 1 "compile of a missing profile fails"

probe=$top_builddir/tests/policy/sc-probe
if ! have bwrap; then
	skip "bwrap --seccomp accepts the compiled program" "bwrap is not installed"
elif [ "$(id -u)" -eq 0 ]; then
	skip "bwrap --seccomp accepts the compiled program" \
		"running as root; bwrap must be tried as an unprivileged user"
elif ! err=$(bwrap --ro-bind / / true 2>&1); then
	skip "bwrap --seccomp accepts the compiled program" "bwrap cannot run here: $err"
else
	out=$(bwrap --ro-bind / / --dev /dev --seccomp 3 -- /bin/echo accepted 3<"$tmp/cc.bpf" 2>&1)
	is "$out" accepted "bwrap --seccomp FD accepts cc.bpf and runs a program under it"
	out=$(bwrap --ro-bind / / --dev /dev --seccomp 3 -- "$probe" ptrace socket_inet \
		socket_unix fork exec 3<"$tmp/cc.bpf" 2>&1)
	is "$(val ptrace "$out")" EPERM "under bwrap with cc.bpf: ptrace is refused"
	is "$(val socket_inet "$out")" EPERM "under bwrap with cc.bpf: an inet socket is refused"
	is "$(val socket_unix "$out"):$(val fork "$out"):$(val exec "$out")" ok:ok:ok \
		"under bwrap with cc.bpf: unix socket, fork, exec work"
	head -c 12 "$tmp/cc.bpf" >"$tmp/torn.bpf"
	bwrap --ro-bind / / --seccomp 3 -- /bin/true 3<"$tmp/torn.bpf" >/dev/null 2>&1
	isnt "$?" 0 "bwrap refuses a torn program (so its acceptance above means something)"
fi

# --- the cache is keyed by what the program is made of ------------------------------
# A warm cache must not hand back the old program once the groups file (or the profile)
# changes: drop getpid from @default in a copy and compile again.
cdir=$tmp/cachekey
mkdir -p "$cdir/profiles"
cp "$profiles"/*.yaml "$cdir/profiles/"
JAIL_PROFILE_PATH=$cdir/profiles "$JAIL" profile compile cc -o "$cdir/a.bpf"
JAIL_PROFILE_PATH=$cdir/profiles "$JAIL" profile compile cc -o "$cdir/a2.bpf"
cmp -s "$cdir/a.bpf" "$cdir/a2.bpf"
ok $? "cache: a second compile of the same inputs gives the same program"
# Same length, so only the bytes tell the two files apart.
sed -i 's/\bgetpid, /        /' "$cdir/profiles/syscall-groups.yaml"
JAIL_PROFILE_PATH=$cdir/profiles "$JAIL" profile compile cc -o "$cdir/b.bpf"
JAIL_PROFILE_PATH=$cdir/profiles JAIL_SECCOMP_CACHE=0 "$JAIL" profile compile cc -o "$cdir/b-fresh.bpf"
! cmp -s "$cdir/a.bpf" "$cdir/b.bpf"
ok $? "cache: after the groups file changed, the program changed"
cmp -s "$cdir/b.bpf" "$cdir/b-fresh.bpf"
ok $? "cache: ... and it is the one a compile without the cache gives"

done_testing
