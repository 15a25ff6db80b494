#!/bin/bash
# Bad input at the command line: every `jail run` option with missing, empty, huge,
# negative, non-numeric, control-character and path-traversing values; bind sources that
# are symlinks, missing, or swapped for a symlink while jail starts; destinations outside
# the root; broken profiles (truncated, deeply nested, gigantic, binary, recursive
# extends, a FIFO). Each one: exit 125 with a "jail: ..." message, or (for a value that
# is valid after all) a normal run; never a crash (a signal, exit >= 128), never a hang,
# never a partial sandbox, nothing left on the host.
#
# NUL: argv strings end at the first NUL, so a value with an embedded NUL cannot reach
# jail; what can is its prefix (the kernel cuts the string there) and values with other
# control characters, \x01 and a newline, which are tested instead.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
integ_setup

T=10 # seconds: any single jail that takes longer is hung

host_mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sort
}
mounts_before=$(host_mounts)
mark=$(new_marker)

# run_bad DESCRIPTION EXPECT ARGS...: jail run ARGS... -- true (EXPECT: 125, or any for
# "0 or 125"). Asserts the exit status, the message and the absence of a crash.
run_bad() {
	local what expect=$2 errf
	what=$(printf '%s' "$1" | tr -c '[:print:]' '?') # one TAP line, whatever the value
	shift 2
	errf=$WORK/err
	OUT=$(cd "$WORK/cwd" && timeout -s KILL $T "$JAIL" run "$@" 2>"$errf")
	RC=$?
	ERR=$(cat "$errf")
	if [ "$RC" -ge 126 ]; then
		ok 1 "$what: no crash or hang"
		diag "exit $RC (137: hung and killed after ${T}s; other >= 128: a signal)" "stderr: ${ERR:0:400}"
		return
	fi
	case $expect in
	125) is "$RC" 125 "$what: exit 125" || diag "stderr: ${ERR:0:400}" ;;
	*)
		ok "$([ "$RC" = 0 ] || [ "$RC" = 125 ] && echo 0 || echo 1)" "$what: exit 0 or 125 (got $RC)" ||
			diag "stderr: ${ERR:0:400}"
		;;
	esac
	if [ "$RC" = 125 ]; then
		# One clear message: starts with "jail: ", and not a parser's stack dump.
		like "$(printf '%s' "$ERR" | head -1)" '^jail: .{8,}' "$what: says why" ||
			diag "stderr: ${ERR:0:400}"
	fi
}

mkdir -p "$WORK/cwd" "$WORK/src"
echo "public$mark" >"$WORK/src/f"
huge=$(head -c 100000 /dev/zero | tr '\0' x)
hugenum=$(head -c 5000 /dev/zero | tr '\0' 9)
ctrl=$'1\x012'
nl=$'12\n34'
trav=../../../../../../../../etc/passwd

# --- every option: missing value (last on the command line) -------------------------------
value_opts="-p -w --map --bind --ro-bind --tmpfs --keep-upper --scratch-size --setenv
--keep-env --rlimit --timeout --hostname --report --memory --memory-high --swap --cpus
--cpu-weight --pids --io-read-bps --io-write-bps --io-weight"
for o in $value_opts; do
	run_bad "$o (no value)" 125 "$o"
	like "$ERR" "needs a value|no command" "$o (no value): names the problem"
done
run_bad "unknown option" 125 --no-such-option -- true
run_bad "no command" 125 -w "$WORK/cwd"
run_bad "empty command" 125 -w "$WORK/cwd" -- ""

# --- numeric options: every bad value is refused ------------------------------------------
for o in --scratch-size --memory --memory-high --swap --cpus --cpu-weight --pids --io-weight \
	--timeout; do
	for v in "" "-1" "abc" "$hugenum" "$ctrl" "$nl" "1e999" "0x" "18446744073709551616" "$trav"; do
		run_bad "$o '${v:0:24}'" 125 -w "$WORK/cwd" "$o" "$v" -- true
	done
done
for o in --io-read-bps --io-write-bps; do
	for v in "" "=" "/dev/null=" "/dev/null=-1" "/dev/null=abc" "x=$hugenum" "$trav" "=10M"; do
		run_bad "$o '${v:0:24}'" 125 -w "$WORK/cwd" --best-effort "$o" "$v" -- true
	done
done
for v in "" "nofile" "nofile=" "nofile=-1" "nofile=abc" "nofile=$hugenum" "bogus=1" \
	"nofile=2:1" "$ctrl" "=1" "nofile=1:$hugenum"; do
	run_bad "--rlimit '${v:0:24}'" 125 -w "$WORK/cwd" --rlimit "$v" -- true
done
for v in "" "-1" "abc" "$huge" "SELF" "self " "subuid$ctrl"; do
	run_bad "--map '${v:0:24}'" 125 -w "$WORK/cwd" --map "$v" -- true
done

# --- string and path options --------------------------------------------------------------
# Empty is refused everywhere; the rest may be valid (a hostname "-1") or not.
for o in -p -w --bind --ro-bind --tmpfs --keep-upper --setenv --keep-env --hostname --report; do
	run_bad "$o ''" 125 -w "$WORK/cwd" "$o" "" -- true
	for v in "-1" "abc" "$huge" "$ctrl" "$nl" "$trav"; do
		case $o in
		-w) args=("$o" "$v") ;;
		*) args=(-w "$WORK/cwd" "$o" "$v") ;;
		esac
		run_bad "$o '${v:0:24}'" any "${args[@]}" -- true
	done
done
run_bad "--hostname of 65 characters" 125 -w "$WORK/cwd" --hostname "$(printf '%065d' 0)" -- true
run_bad "--setenv without =" 125 -w "$WORK/cwd" --setenv NAME -- true
run_bad "--setenv =value" 125 -w "$WORK/cwd" --setenv =value -- true
run_bad "--keep-env NAME=x" 125 -w "$WORK/cwd" --keep-env NAME=x -- true
run_bad "-p ../../etc/passwd (not a profile)" 125 -w "$WORK/cwd" -p ../../../../../../etc/passwd -- true
run_bad "-w that does not exist" 125 -w "$WORK/nonexistent" -- true
run_bad "-w a file" 125 -w "$WORK/src/f" -- true
run_bad "--report in a missing dir" 125 -w "$WORK/cwd" --report "$WORK/none/r.json" -- true
run_bad "--report a directory" 125 -w "$WORK/cwd" --report "$WORK/src" -- true

# --- bind sources and destinations --------------------------------------------------------
run_bad "--bind missing source" 125 -w "$WORK/cwd" --bind "$WORK/nonexistent:/mnt" -- true
like "$ERR" "nonexistent" "--bind missing source: the message names the path"
run_bad "--ro-bind missing source" 125 -w "$WORK/cwd" --ro-bind "$WORK/nonexistent" -- true
run_bad "--bind over /" 125 -w "$WORK/cwd" --bind "$WORK/src:/" -- true
run_bad "--bind over /../.." 125 -w "$WORK/cwd" --bind "$WORK/src:/../.." -- true
run_bad "--tmpfs over /" 125 -w "$WORK/cwd" --tmpfs / -- true
run_bad "--tmpfs over /../../.." 125 -w "$WORK/cwd" --tmpfs /../../.. -- true
run_bad "--bind relative destination" 125 -w "$WORK/cwd" --bind "$WORK/src:../../etc" -- true
run_bad "--bind destination through /proc/self/root" 125 -w "$WORK/cwd" \
	--bind "$WORK/src:/proc/self/root/etc" -- true

# A destination that climbs out is refused ('..' is not accepted in a destination), and
# the host's path of that name is left alone.
hostdst=/tmp/jailsec-dst-$mark
run_bad "--ro-bind SRC:/../../..DST" 125 -w "$WORK/cwd" --ro-bind "$WORK/src:/../../..$hostdst" \
	-- cat "$hostdst/f"
unlike "$OUT" "public$mark" "--ro-bind SRC:/../../..DST: the job did not run"
[ ! -e "$hostdst" ]
ok $? "--ro-bind SRC:/../../..DST: nothing created at DST on the host"
run_bad "--tmpfs /tmp/../../..DST" 125 -w "$WORK/cwd" --tmpfs "/tmp/../../..$hostdst" -- true
[ ! -e "$hostdst" ]
ok $? "--tmpfs /tmp/../../..DST: nothing created at DST on the host"

# A bind source that is a symlink: jail binds only what the user named. The link could
# have been planted by an earlier job in a directory it could write.
secret=$(mktemp -d "${TMPDIR:-/tmp}/jail-integ-secret.XXXXXX")
at_exit "rm -rf '$secret'"
echo "secret$mark" >"$secret/f"
ln -s "$secret" "$WORK/link"
run_bad "--ro-bind SYMLINK" 125 -w "$WORK/cwd" --ro-bind "$WORK/link:/mnt" -- cat /mnt/f
unlike "$OUT" "secret$mark" "--ro-bind SYMLINK: the job does not see the link's target"
like "$ERR" "symbolic link|symlink" "--ro-bind SYMLINK: the message says it is a symlink"

# jail's own directories are never the job's to write: a work dir, --bind or --keep-upper
# that holds its cache or a profile directory (or lies inside one) would let a job plant
# policy for later runs: a file in a skeleton of /usr, a weaker cached filter or profile.
own=$(mktemp -d "${TMPDIR:-/tmp}/jail-integ-own.XXXXXX")
at_exit "rm -rf '$own'"
mkdir -p "$own/cache/jail" "$own/profiles" "$own/proj"
saved_cache=${XDG_CACHE_HOME-unset} saved_path=$JAIL_PROFILE_PATH
export XDG_CACHE_HOME=$own/cache JAIL_PROFILE_PATH=$own/profiles:$JAIL_PROFILE_PATH
run_bad "-w holding jail's cache" 125 -w "$own/cache" -- true
like "$ERR" "write access to $own/cache/jail, jail's cache" "... the message names the cache"
run_bad "-w inside jail's cache" 125 -w "$own/cache/jail" -- true
run_bad "--bind holding jail's cache" 125 -w "$WORK/cwd" --bind "$own/cache:/mnt" -- true
run_bad "--keep-upper inside jail's cache" 125 -w "$WORK/cwd" --keep-upper "$own/cache/jail/up" -- true
[ ! -e "$own/cache/jail/up" ]
ok $? "... refused before --keep-upper's directory is made"
run_bad "-w inside a profile directory" 125 -w "$own/profiles" -- true
like "$ERR" "profile search path" "... the message names the profile search path"
ln -s "$own" "$own.l"
at_exit "rm -f '$own.l'"
run_bad "--bind of both through a symlinked parent" 125 -w "$WORK/cwd" --bind "$own.l/.:/mnt" -- true
like "$ERR" "jail: --bind $own.l(/.)? would give" "... seen through the link"
run_bad "-w beside them" 0 -w "$own/proj" --bind "$own/proj:/mnt" -- true
is "$RC" 0 "a work dir beside the cache and the profiles runs (bound twice, too)"
if [ "$saved_cache" = unset ]; then unset XDG_CACHE_HOME; else export XDG_CACHE_HOME=$saved_cache; fi
export JAIL_PROFILE_PATH=$saved_path

# Check and use apart: swap a directory for a symlink to the secret in a loop while jail
# starts again and again. The job must never see the secret. (Not -w: a work dir named
# through a symlink is resolved once, by realpath, on purpose: `-w ~/proj` with proj a
# link is ordinary use.)
race() {
	local d=$1 sec=$2
	cd "$d" || exit 1
	while :; do
		mv -T racy racy.pub 2>/dev/null
		ln -s "$sec" racy.tmp && mv -T racy.tmp racy
		rm -f racy
		mv -T racy.pub racy 2>/dev/null
	done
}
mkdir -p "$WORK/race/racy"
echo "public$mark" >"$WORK/race/racy/f"
race "$WORK/race" "$secret" &
racer=$!
at_exit "kill $racer"
seen=0 public=0 refused=0 crashed=0
for i in $(seq 150); do
	out=$(cd "$WORK/cwd" && timeout -s KILL $T "$JAIL" run -w "$WORK/cwd" \
		--ro-bind "$WORK/race/racy:/mnt/r" -- cat /mnt/r/f 2>/dev/null)
	rc=$?
	[ "$rc" -ge 126 ] && [ "$rc" != 126 ] && [ "$rc" != 127 ] && crashed=$((crashed + 1))
	case $out in
	*secret*) seen=$((seen + 1)) ;;
	*public*) public=$((public + 1)) ;;
	*) refused=$((refused + 1)) ;;
	esac
done
kill "$racer" 2>/dev/null
wait "$racer" 2>/dev/null
diag "symlink race: 150 runs: $public saw the directory," \
	"$refused were refused, $seen saw the secret"
is "$seen" 0 "symlink swap race: the job never sees the secret behind the symlink"
is "$crashed" 0 "symlink swap race: jail never crashed or hung"
ok "$([ "$public" -gt 0 ] && echo 0 || echo 1)" "symlink swap race: some runs did bind the directory (the race ran)"

# --- broken profiles ----------------------------------------------------------------------
P=$WORK/profiles
mkdir -p "$P"
prof_src=${top_srcdir:?run through make check}/profiles/default.yaml
# Cut inside the toolchain's flow sequence: "toolchain: [/usr, /bi" and nothing after.
sed -n '1,/toolchain:/p' "$prof_src" | sed '$ s/\(toolchain: \[[^,]*, \/bi\).*/\1/' >"$P/truncated.yaml"
grep -q 'toolchain: \[[^]]*$' "$P/truncated.yaml" || bail_out "could not truncate $prof_src"
# Cut mid-key and mid-string: "name: default\ndescrip".
printf 'name: default\ndescription: "strict base' >"$P/truncated2.yaml"
head -c 4096 /dev/urandom >"$P/binary.yaml"
: >"$P/empty.yaml"
printf 'name: nul\n\0description: x\n' >"$P/nul.yaml"
{
	printf 'name: nested\nx: '
	head -c 100000 /dev/zero | tr '\0' '['
	head -c 100000 /dev/zero | tr '\0' ']'
	printf '\n'
} >"$P/nested.yaml"
{
	printf 'name: nestedmap\n'
	for i in $(seq 2000); do printf '%*sk%d:\n' "$i" '' "$i"; done
} >"$P/nestedmap.yaml"
{
	printf 'name: gigantic\ndescription: "'
	head -c 3000000 /dev/zero | tr '\0' a
	printf '"\n'
} >"$P/gigantic.yaml"
{
	printf 'name: manykeys\nextends: default\nenv:\n  set:\n'
	for i in $(seq 4000); do printf '    V%d: x\n' "$i"; done
} >"$P/manykeys.yaml"
{
	printf 'name: laughs\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
	prev=a
	for i in b c d e f g h i j; do
		printf '%s: &%s [' "$i" "$i"
		for _ in 1 2 3 4 5 6 7 8; do printf '*%s,' "$prev"; done
		printf '*%s]\n' "$prev"
		prev=$i
	done
} >"$P/laughs.yaml"
printf 'name: self\nextends: self\n' >"$P/self.yaml"
printf 'name: loopa\nextends: loopb\n' >"$P/loopa.yaml"
printf 'name: loopb\nextends: loopa\n' >"$P/loopb.yaml"
printf 'name: c0\nextends: default\n' >"$P/c0.yaml"
for i in $(seq 1 300); do printf 'name: c%d\nextends: c%d\n' "$i" $((i - 1)) >"$P/c$i.yaml"; done
printf 'name: travext\nextends: ../../../../../../etc/passwd\n' >"$P/travext.yaml"
mkfifo "$P/fifo.yaml"
mkdir -p "$P/dir.yaml"
for f in truncated truncated2 binary empty nul nested nestedmap gigantic laughs self loopa \
	travext fifo dir; do
	run_bad "-p $f.yaml" 125 -w "$WORK/cwd" -p "$P/$f.yaml" -- true
done
JAIL_PROFILE_PATH=$P:$top_srcdir/profiles run_bad "-p c300 (300 levels of extends)" any \
	-w "$WORK/cwd" -p c300 -- true
JAIL_PROFILE_PATH=$P:$top_srcdir/profiles run_bad "-p loopa (extends loop by name)" 125 \
	-w "$WORK/cwd" -p loopa -- true
run_bad "-p manykeys.yaml (4000 variables)" any -w "$WORK/cwd" -p "$P/manykeys.yaml" -- true
run_bad "-p /dev/zero" 125 -w "$WORK/cwd" -p /dev/zero -- true

# --- nothing left behind --------------------------------------------------------------------
wait_gone "$mark" 30
ok $? "no process of these runs is left"
is "$(host_mounts)" "$mounts_before" "no mount appeared on the host"
left=$(find /tmp -maxdepth 1 -user "$(id -u)" -name "*$mark*" 2>/dev/null)
is "$left" "" "nothing with this run's marker in the host's /tmp"

done_testing
