#!/bin/bash
# compare.sh: run the escape program bare, under bubblewrap with its strictest flags and
# under jail with each shipped profile, and write the table of escapes per class into
# tests/security/README.md (between the "table:" markers). Not part of make check: the
# anchors (bare escapes many, bwrap some) are a comparison, not a pass/fail.
#
# usage: make -C BUILDDIR tests/security/escape jail
#        runuser -u jailtest -- env JAIL=BUILDDIR/jail top_builddir=BUILDDIR \
#            JAIL_PROFILE_PATH=SRCDIR/profiles SRCDIR/tests/security/compare.sh [README]
# Each runner is run once without and once with a terminal (script(1)); a class's count
# is the escapes over both runs.
JAIL_PROBE=${JAIL_PROBE:-/bin/true}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
integ_setup
. "$here/lib-sec.sh"
sec_host_setup
readme=${1:-$here/README.md}

bwrap_flags=(--unshare-all --die-with-parent --new-session --ro-bind / / --dev /dev
	--proc /proc --tmpfs /tmp --cap-drop ALL)
runners=(bare bwrap default cc "script --best-effort" "build --best-effort --rlimit nofile=1024")
classes=(caller hostdata services kernel persistence)
declare -A esc total

for r in "${runners[@]}"; do
	name=${r%% *}
	for tty in "" 1; do
		SEC_TTY=$tty
		sec_new_run
		out=$WORK/cmp.$name${tty:+.tty}
		case $name in
		bare) sec_run "$out" "$WORK/escape" "${ESCAPE_ARGS[@]}" ;;
		bwrap)
			if ! have bwrap; then
				echo "compare: bwrap is not installed" >&2
				continue
			fi
			# The work dir is bound read-write, as jail does (--tmpfs /tmp hides it).
			sec_run "$out" bwrap "${bwrap_flags[@]}" --bind "$WORK" "$WORK" --chdir "$WORK" \
				-- "$WORK/escape" \
				"${ESCAPE_ARGS[@]}"
			;;
		*)
			# shellcheck disable=SC2086
			sec_run "$out" "$JAIL" run -w "$WORK" -p $r -- "$WORK/escape" "${ESCAPE_ARGS[@]}"
			;;
		esac
		sec_host_checks "$out"
		for c in "${classes[@]}"; do
			e=$(grep -cE "^ESCAPED $c " "$out")
			t=$(grep -cE "^(ESCAPED|CONTAINED) $c " "$out")
			esc[$name.$c]=$((${esc[$name.$c]:-0} + e))
			total[$name.$c]=$((${total[$name.$c]:-0} + t))
		done
	done
done

table=$WORK/table.md
{
	printf '| class |'
	for r in "${runners[@]}"; do printf ' %s |' "${r%% *}"; done
	printf '\n|---|'
	for _ in "${runners[@]}"; do printf -- '---|'; done
	printf '\n'
	for c in "${classes[@]}" all; do
		printf '| %s |' "$c"
		for r in "${runners[@]}"; do
			n=${r%% *}
			if [ "$c" = all ]; then
				e=0 t=0
				for k in "${classes[@]}"; do
					e=$((e + ${esc[$n.$k]:-0}))
					t=$((t + ${total[$n.$k]:-0}))
				done
			else
				e=${esc[$n.$c]:-0} t=${total[$n.$c]:-0}
			fi
			printf ' %s / %s |' "$e" "$t"
		done
		printf '\n'
	done
	printf '\nCells: escaped / attempts judged (N/A left out), over one run without and one with\n'
	printf 'a terminal. Generated %s on %s (kernel %s) by tests/security/compare.sh.\n' \
		"$(date -u +%Y-%m-%d)" "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")" "$(uname -r)"
	printf '\nThe attempts that got out, by runner and class:\n\n'
	for r in "${runners[@]}"; do
		r=${r%% *}
		cat "$WORK/cmp.$r" "$WORK/cmp.$r.tty" 2>/dev/null | grep '^ESCAPED' |
			awk -v r="$r" '{ if (!seen[$2 " " $3]++) l[$2] = l[$2] (l[$2] ? ", " : "") $3 }
				END { for (c in l) print "- " r ", " c ": " l[c] }' | sort
	done
} >"$table"
cat "$table"

if [ -w "$readme" ]; then
	awk -v t="$table" '
		/^<!-- table:begin -->/ { print; while ((getline l < t) > 0) print l; skip = 1; next }
		/^<!-- table:end -->/ { skip = 0 }
		!skip { print }' "$readme" >"$WORK/readme.new" && cat "$WORK/readme.new" >"$readme"
	echo "compare: table written to $readme" >&2
fi
done_testing
