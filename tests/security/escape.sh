#!/bin/bash
# The escape program (tests/security/escape.c) under every shipped profile: one TAP
# assertion per attempt and profile, none may say ESCAPED. What only the host can see
# (a daemon still running, a file in the host's /tmp, a connection the host listener
# logged, the host process signalled) is judged here after jail has exited.
#
# script and build declare cgroup limits that fail closed on a host without a
# delegated cgroup v2 tree: they run with --best-effort here (the VM tier covers the
# limits). build also gets --rlimit nofile=1024: its nofile 65536 is above the hard
# limit of many CI users, and raising a hard limit needs privilege outside the sandbox.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
integ_setup
. "$here/lib-sec.sh"
sec_host_setup

profiles=("default" "cc" "script --best-effort" "build --best-effort --rlimit nofile=1024")

# The terminal runs: script(1) (util-linux) gives the job's caller a pty as its
# controlling terminal, the case of TIOCSTI and TIOCLINUX.
ttys=("" 1)
if ! have script || ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	skip "runs with a controlling terminal" "script(1) cannot allocate a pty here"
	ttys=("")
fi

for prof in "${profiles[@]}"; do
	pname=${prof%% *}
	for tty in "${ttys[@]}"; do
		SEC_TTY=$tty
		sec_new_run
		out=$WORK/out.$pname${tty:+.tty}
		# shellcheck disable=SC2086 # $prof is a profile name and its options
		sec_run "$out" "$JAIL" run -w "$WORK" -p $prof -- "$WORK/escape" "${ESCAPE_ARGS[@]}"
		rc=$?
		is "$rc" 0 "$pname${tty:+ (tty)}: escape ran to the end under jail" ||
			diag "stderr: $(head -c 2000 "$out.err")"
		sec_host_checks "$out"
		n=$(grep -cE '^(CONTAINED|ESCAPED|N/A) ' "$out")
		ok "$([ "$n" -ge 150 ] && echo 0 || echo 1)" "$pname${tty:+ (tty)}: $n attempts reported" ||
			diag "$(tail -5 "$out")"
		while read -r verdict cls name detail; do
			case $verdict in
			CONTAINED) ok 0 "$pname${tty:+ (tty)}: $cls $name: $detail" ;;
			N/A) ok 0 "$pname${tty:+ (tty)}: $cls $name # SKIP $detail" ;;
			ESCAPED) ok 1 "$pname${tty:+ (tty)}: $cls $name: ESCAPED: $detail" ;;
			esac
		done < <(grep -E '^(CONTAINED|ESCAPED|N/A) ' "$out")
	done
done

# --keep-upper brings what the job changed outside the work dir back to the host: it must
# come back as the caller's plain files. Round 1 leaves a setuid program and a symlink to
# the host home; round 2, into the same directory, writes through that symlink.
dest=$WORK/kept
for prof in "default" "build --best-effort --rlimit nofile=1024"; do
	pname=${prof%% *}
	rm -rf "$dest"
	mark=$(new_marker)
	for round in 1 2; do
		# shellcheck disable=SC2086
		(cd "$WORK" && "$JAIL" run -w "$WORK" -p $prof --keep-upper "$dest" -- sh -c '
			cp /bin/true /usr/bin/jail-sec-suid && chmod 6755 /usr/bin/jail-sec-suid
			if [ "$1" = 1 ]; then ln -s "$2" /usr/lib/jail-sec-link
			else mkdir -p /usr/lib/jail-sec-link && echo x >/usr/lib/jail-sec-link/"$3"; fi
			' sh "$round" "$SEC_CANARY_DIR" "$mark") >/dev/null 2>&1
	done
	is "$(find "$dest" -perm /6000 2>/dev/null)" "" "$pname: --keep-upper leaves no set-id file on the host"
	is "$(find "$dest" ! -user "$(id -u)" 2>/dev/null)" "" "$pname: --keep-upper files all belong to the caller"
	[ ! -e "$SEC_CANARY_DIR/$mark" ]
	ok $? "$pname: --keep-upper does not write through a symlink it copied earlier"
done

# --report FILE in the work dir: the job swaps FILE for a symlink to a host file before
# jail writes the report. The host file must stay as it was.
target=$SEC_CANARY_DIR/report-target
echo original >"$target"
(cd "$WORK" && "$JAIL" run -w "$WORK" --report "$WORK/report.json" -- sh -c \
	'rm -f "$1"; ln -s "$2" "$1"' sh "$WORK/report.json" "$target") >/dev/null 2>&1
is "$(cat "$target")" original "--report: jail does not write through a symlink the job planted"

# The binaries the job could see through /proc/*/exe are unchanged (runc CVE-2019-5736).
cmp -s "$ESCAPE" "$WORK/escape"
ok $? "the escape binary in the work dir is unchanged"

done_testing
