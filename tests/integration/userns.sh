#!/bin/bash
# Identity: the user namespace and its maps (self, subuid, with and without --root),
# ownership of files written in the work dir as the host sees it, the clear errors for a
# missing subordinate range or a missing newuidmap, capabilities, no_new_privs, and the
# namespaces being new ones.
. "$(dirname "$0")/lib.sh"
integ_setup

me_uid=$(id -u)
me_gid=$(id -g)
me_name=$(id -un)

# "a b c" lines of a /proc/PID/[ug]id_map with the column padding squeezed out.
squeeze() {
	printf '%s\n' "$1" | awk 'NF { $1 = $1; print }'
}

# The first range of the caller in /etc/sub[ug]id, as "START COUNT" (the rule jail uses).
subrange() {
	awk -F: -v n="$me_name" -v i="$2" '($1 == n || $1 == i) && $3 > 0 { print $2, $3; exit }' \
		"$1" 2>/dev/null
}

# --- map self (the default) ---------------------------------------------------------
jprobe -- id caps ns
out=$OUT
is "$RC" 0 "self map: the probe runs"
is "$(val uid "$out"):$(val gid "$out")" "$me_uid:$me_gid" "self map: uid/gid inside are the caller's"
groups_ok=0
for g in $(val groups "$out" | tr , ' '); do
	[ "$g" = "$me_gid" ] || [ "$g" = 65534 ] || groups_ok=1
done
ok "$groups_ok" "self map: supplementary groups are only the caller's gid or the overflow gid ($(val groups "$out"))"
is "$(val cap.eff "$out")/$(val cap.prm "$out")" 0000000000000000/0000000000000000 \
	"no capabilities effective or permitted by default"
is "$(val cap.bnd "$out")" 0000000000000000 "bounding set is empty by default"
is "$(val cap.inh "$out")/$(val cap.amb "$out")" 0000000000000000/0000000000000000 \
	"no inheritable or ambient capabilities by default"
is "$(val nonewprivs "$out")" 1 "no_new_privs is set"
for ns in user mnt pid net ipc uts cgroup; do
	inside=$(val "ns.$ns" "$out")
	host=$(host_ns "$ns")
	[[ $inside =~ ^[0-9]+$ ]] && [ "$inside" != "$host" ]
	ok $? "$ns namespace is a new one (inside $inside, host $host)"
done

jrun -- sh -c 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; cat /proc/self/setgroups'
is "$(squeeze "$OUT")" "$(printf '%s\n' "$me_uid $me_uid 1" -- "$me_gid $me_gid 1" -- deny)" \
	"self map: uid_map and gid_map map the caller to itself only, setgroups is denied"

# --- map self --root ----------------------------------------------------------------
jprobe --root -- id caps
is "$(val uid "$OUT"):$(val gid "$OUT")" 0:0 "--root: uid/gid 0 inside"
# chown, dac_override, dac_read_search, fowner, fsetid, kill, setgid, setuid, setfcap
is "$(val cap.bnd "$OUT")" 00000000800000ff "--root: bounding set is the file-ownership set"
is "$(val cap.eff "$OUT")" 00000000800000ff "--root: those capabilities are effective"

rm -f "$WORK/owned"
jrun --root -- sh -c 'touch owned && chown 0:0 owned && cat /proc/self/uid_map'
is "$RC:$(squeeze "$OUT")" "0:0 $me_uid 1" "--root --map self: uid 0 inside is the caller (chown 0:0 works)"
is "$(stat -c %u:%g "$WORK/owned")" "$me_uid:$me_gid" "--root --map self: the file is the caller's on the host"
jrun --root -- chown 1000:1000 owned
isnt "$RC" 0 "--root --map self: chown to an unmapped id fails (only one id is mapped)"

# --- map subuid ---------------------------------------------------------------------
read -r sub_u sub_un <<<"$(subrange /etc/subuid "$me_uid")"
read -r sub_g sub_gn <<<"$(subrange /etc/subgid "$me_gid")"
if [ -z "${sub_u:-}" ] || [ -z "${sub_g:-}" ]; then
	why="$me_name has no range in /etc/subuid or /etc/subgid"
elif ! have newuidmap || ! have newgidmap; then
	why="newuidmap/newgidmap are not installed (package uidmap)"
else
	why=
fi
if [ -n "$why" ]; then
	for t in "subuid --root: uid map" "subuid --root: chown 1000:1000 inside" \
		"subuid --root: ownership on the host" "subuid: uid inside" \
		"subuid: uid map keeps the caller" "subuid: ownership on the host"; do
		skip "$t" "$why"
	done
else
	count=$((sub_un < 65535 ? sub_un : 65535))
	rm -f "$WORK/sub"
	jrun --map subuid --root -- sh -c 'cat /proc/self/uid_map; touch sub && chown 1000:1000 sub && stat -c %u:%g sub'
	is "$(squeeze "$(printf '%s\n' "$OUT" | head -n 2)")" \
		"$(printf '%s\n' "0 $me_uid 1" "1 $sub_u $count")" \
		"subuid --root: 0 inside is the caller, 1.. are the subordinate range"
	is "$RC:$(printf '%s\n' "$OUT" | tail -n 1)" 0:1000:1000 "subuid --root: chown 1000:1000 works inside"
	is "$(stat -c %u:%g "$WORK/sub" 2>&1)" "$((sub_u + 999)):$((sub_g + 999))" \
		"subuid --root: on the host the file belongs to the subordinate ids"

	rm -f "$WORK/kept"
	jrun --map subuid -- sh -c 'id -u; cat /proc/self/uid_map; touch kept'
	is "$RC:$(printf '%s\n' "$OUT" | head -n 1)" "0:$me_uid" "subuid without --root: the job keeps the caller's uid"
	mapped=$(printf '%s\n' "$OUT" | tail -n +2 | awk '{ n += $3 } $1 == $2 && $1 == '"$me_uid"' { self = 1 } END { print n, self + 0 }')
	is "$mapped" "$((count + 1)) 1" "subuid without --root: the caller maps to itself, plus the whole range"
	is "$(stat -c %u "$WORK/kept" 2>&1)" "$me_uid" "subuid without --root: a new file is the caller's on the host"
fi

# --- errors: a user without a range, no newuidmap --------------------------------------
# The lookup is by name and uid in /etc/subuid: in a user namespace of our own where we
# are uid 4242 (no passwd entry, no range), jail must refuse before creating anything.
if unshare --user --map-user=4242 --map-group=4242 true 2>/dev/null; then
	err=$(cd "$WORK" && unshare --user --map-user=4242 --map-group=4242 \
		"$JAIL" run -w "$WORK" --map subuid -- true 2>&1)
	rc=$?
	is "$rc" 125 "subuid without a range: exit 125"
	like "$err" 'no subordinate range.*4242.*/etc/subuid' "subuid without a range: the message names the id and /etc/subuid"
else
	skip "subuid without a range: exit 125" "unshare --map-user is not supported"
	skip "subuid without a range: message" "unshare --map-user is not supported"
fi

# jail is a static binary and does not load NSS modules itself: a uid that is not in
# /etc/passwd is looked up with getent. systemd's NSS module makes up "nobody" (65534)
# when /etc/passwd lacks it; the subuid error names the user that lookup found.
if grep -q '^passwd:.*systemd' /etc/nsswitch.conf 2>/dev/null &&
	unshare --user --map-user=65534 --map-group=65534 true 2>/dev/null; then
	grep -v '^[^:]*:[^:]*:65534:' /etc/passwd >"$WORK/passwd.no-nobody"
	err=$(cd "$WORK" && unshare --user --map-root-user --mount sh -c \
		'mount --bind "$1" /etc/passwd && exec unshare --user --map-user=65534 --map-group=65534 "$2" run -w "$3" --map subuid -- true' \
		sh "$WORK/passwd.no-nobody" "$JAIL" "$WORK" 2>&1)
	like "$err" 'no subordinate range for user nobody \(uid/gid 65534\)' \
		"a user only an NSS module knows (not in /etc/passwd) is found, through getent"
else
	skip "user known only to NSS" "no systemd NSS module in /etc/nsswitch.conf, or no unshare --map-user"
fi

# No newuidmap: hide it behind a non-executable file in a mount namespace of our own.
: >"$WORK/not-a-helper"
chmod 644 "$WORK/not-a-helper"
helper=$(command -v newuidmap || echo /usr/bin/newuidmap)
if [ -e "$helper" ]; then
	err=$(cd "$WORK" && unshare --user --map-root-user --mount sh -c \
		'mount --bind "$1" "$2" && exec "$3" run -w "$4" --map subuid -- true' sh \
		"$WORK/not-a-helper" "$helper" "$JAIL" "$WORK" 2>&1)
	rc=$?
	is "$rc" 125 "subuid without newuidmap: exit 125"
	like "$err" 'newuidmap' "subuid without newuidmap: the message names newuidmap"
else
	jrun --map subuid -- true
	is "$RC" 125 "subuid without newuidmap: exit 125"
	like "$ERR" 'newuidmap' "subuid without newuidmap: the message names newuidmap"
fi

done_testing
