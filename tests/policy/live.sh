#!/bin/bash
# tests/policy: the profiles' seccomp filters as the kernel enforces them. The probe
# (tests/policy/sc-probe) makes each call inside `jail run`; it is run three ways:
#   allow-all (tests/policy/allow-all.yaml): what the kernel answers without the deny
#             rules, so an EPERM under a real profile is known to come from the filter;
#   default, cc: the shipped profiles.
# Then a compiler call under -p cc, and a profile whose deny action is kill.
# JAIL, JAIL_PROFILE_PATH, top_srcdir, top_builddir come from TESTS_ENVIRONMENT.
. "${top_srcdir:?run through make check}/tests/integration/lib.sh"

[ -x "${JAIL:-}" ] || bail_out "JAIL is not set to the built jail binary (run through make check)"
probe_bin=${top_builddir:?}/tests/policy/sc-probe
[ -x "$probe_bin" ] || bail_out "$probe_bin is not built (run through make check)"
if [ "$(id -u)" -eq 0 ]; then
	skip_all "running as root: the sandbox is rootless; run make check as an unprivileged user"
fi
if ! err=$(unshare --user --map-root-user true 2>&1); then
	skip_all "user namespaces are not available to this user: $err"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jail-policy-live.XXXXXX") || bail_out "mktemp -d failed"
WORK=$(cd "$WORK" && pwd -P)
trap 'rm -rf "$WORK"' EXIT
cp "$probe_bin" "$WORK/sc-probe" || bail_out "cannot copy the probe into $WORK"
cp "$top_srcdir/tests/policy/allow-all.yaml" "$WORK/" || bail_out "cannot copy allow-all.yaml"
cd "$WORK" || bail_out "cd $WORK"
# jail's cache outside the work dir: a job must not be able to write it (jail refuses).
CACHE=$(mktemp -d "${TMPDIR:-/tmp}/jail-policy-cache.XXXXXX") || bail_out "mktemp -d failed"
trap 'rm -rf "$WORK" "$CACHE"' EXIT
export XDG_CACHE_HOME=$CACHE
# Every run is bounded: a probe that hangs fails its test (exit 124) instead of the suite.
limit=(--timeout 120s)

run_probe() {
	jrun "${limit[@]}" -p "$1" -- "$WORK/sc-probe"
	is "$RC" 0 "probe runs under -p $1" || diag "$ERR"
}

run_probe "$WORK/allow-all.yaml"
control=$OUT
run_probe default
default=$OUT
run_probe cc
cc=$OUT

# The issue's deny list, as far as a probe can try it. Each is refused with EPERM
# (clone3 with ENOSYS, so that libc falls back to clone) in both profiles.
denied="ptrace process_vm_readv keyctl add_key request_key bpf perf_event_open userfaultfd
	io_uring_setup open_by_handle_at name_to_handle_at kexec_load finit_module mount
	umount2 fsopen open_tree pivot_root chroot unshare_user setns clone_newuser tiocsti
	tiocsti_high tioclinux personality acct swapon reboot syslog settimeofday"
for name in $denied; do
	is "$(val "$name" "$default")" EPERM \
		"default: $name -> EPERM (without the deny rules: $(val "$name" "$control"))"
	is "$(val "$name" "$cc")" EPERM "cc: $name -> EPERM"
done
is "$(val clone3 "$default"):$(val clone3 "$cc")" ENOSYS:ENOSYS "default, cc: clone3 -> ENOSYS"

# These would get something else than EPERM from the kernel here: the filter is what
# refuses them. (If one of them ever answers EPERM without the filter too, the probe
# has stopped telling the two apart, and this says so.)
for name in ptrace keyctl io_uring_setup unshare_user clone_newuser setns tiocsti \
	tiocsti_high personality open_tree name_to_handle_at clone3; do
	isnt "$(val "$name" "$control")" EPERM \
		"allow-all: $name is not refused by the kernel itself ($(val "$name" "$control"))"
done

# Ordinary work keeps running.
for name in fork thread exec socket_unix unshare_fs personality_query tcgets mmap \
	getrandom file; do
	is "$(val "$name" "$default"):$(val "$name" "$cc")" ok:ok "default, cc: $name works"
done
is "$(val socket_inet "$default"):$(val shm "$default")" ok:ok \
	"default: inet sockets and System V IPC work"
is "$(val socket_inet "$cc"):$(val shm "$cc")" EPERM:EPERM \
	"cc: inet sockets and System V IPC are refused"
is "$(val socket_packet "$default")" EPERM "default: a packet socket is refused"

# A profile can make a deny kill instead: the probe's child dies of SIGSYS.
cat >"$WORK/killer.yaml" <<'EOF'
name: killer
extends: default
seccomp:
  deny-remove: ["@debug"]
  deny:
    - syscall: ptrace
      action: kill
EOF
jrun "${limit[@]}" -p "$WORK/killer.yaml" -- "$WORK/sc-probe" ptrace fork
is "$RC" 0 "probe runs under a profile whose ptrace rule kills" || diag "$ERR"
is "$(val ptrace "$OUT")" killed:SYS "killer: ptrace kills the caller with SIGSYS"
is "$(val fork "$OUT")" ok "killer: the rest still works"

# The cache of resolved profiles, as jail run uses it: the second run is a hit and
# enforces the same filter; an edit of the profile is seen by the very next run.
printf 'name: cached\nextends: default\n' >"$WORK/cached.yaml"
jrun "${limit[@]}" --debug-timing -p "$WORK/cached.yaml" -- "$WORK/sc-probe" ptrace fork
like "$ERR" "timing: profile .*cache miss" "a profile's first run resolves it (cache miss)"
jrun "${limit[@]}" --debug-timing -p "$WORK/cached.yaml" -- "$WORK/sc-probe" ptrace fork
like "$ERR" "timing: profile .*cache hit" "the second run takes it from the cache"
is "$(val ptrace "$OUT"):$(val fork "$OUT")" EPERM:ok "... and enforces the same filter"
cp "$WORK/killer.yaml" "$WORK/cached.yaml"
jrun "${limit[@]}" --debug-timing -p "$WORK/cached.yaml" -- "$WORK/sc-probe" ptrace fork
like "$ERR" "timing: profile .*cache miss" "the profile edited: a miss"
is "$(val ptrace "$OUT")" killed:SYS "... and the edited rule is enforced at once"
jrun "${limit[@]}" --debug-timing -p "$WORK/cached.yaml" -- "$WORK/sc-probe" ptrace fork
like "$ERR" "timing: profile .*cache hit" "then a hit again"
is "$(val ptrace "$OUT")" killed:SYS "... with the edited rule"

# The issue's done-when: a compiler call under -p cc.
if ! have gcc; then
	skip "jail run -p cc -- gcc -c hello.c" "gcc is not installed"
else
	printf '#include <stdio.h>\nint main(void) { puts("hello from cc"); return 0; }\n' \
		>"$WORK/hello.c"
	jrun "${limit[@]}" -p cc -- gcc -c hello.c -o hello.o
	is "$RC" 0 "jail run -p cc -- gcc -c hello.c" || diag "$ERR"
	like "$(od -An -c -N4 "$WORK/hello.o" 2>&1)" '177 +E +L +F' "hello.o is an ELF object"
	jrun "${limit[@]}" -p cc -- gcc hello.o -o hello
	is "$RC" 0 "jail run -p cc -- gcc hello.o -o hello (links)" || diag "$ERR"
	jrun "${limit[@]}" -p default -- ./hello
	is "$OUT" "hello from cc" "the program runs under -p default"
	jrun "${limit[@]}" -p cc -- make -s -f /dev/null hello.x
	like "$ERR" "No rule to make target" "make runs under -p cc"
	# make 4.3 starts recipes with posix_spawn(POSIX_SPAWN_RESETIDS): its child calls
	# setresuid(-1, euid, -1), and a recipe fails if that is refused.
	printf 'all:\n\t@echo recipe ran\n' >"$WORK/recipe.mk"
	jrun "${limit[@]}" -p cc -- make -f recipe.mk
	is "$RC:$OUT" "0:recipe ran" "make runs a recipe under -p cc" || diag "$ERR"
fi

done_testing
