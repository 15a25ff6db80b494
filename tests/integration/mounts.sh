#!/bin/bash
# Filesystem: the tmpfs root (read-only), the toolchain overlays (writable inside, the
# host unchanged, --keep-upper), symlinks kept, the work dir, --bind/--ro-bind/--tmpfs,
# a fresh /proc, the minimal /dev, an empty /tmp and $HOME, and what must stay hidden.
. "$(dirname "$0")/lib.sh"
integ_setup

mark=$(new_marker)
home=$(getent passwd "$(id -un)" | cut -d: -f6)
home=${home:-$HOME}

# --- root and toolchain ---------------------------------------------------------------
jprobe -- mounts write /jail-integ-root paths /bin /sbin /lib /lib32 /lib64 /libx32
out=$OUT
is "$RC" 0 "the probe runs with the default options"
like "$(val mount./ "$out")" '^tmpfs ro,' "/ is a read-only tmpfs"
is "$(val write./jail-integ-root "$out")" EROFS "creating a file in / fails with EROFS"
like "$(val mount./usr "$out")|$(val mount./etc "$out")" '^overlay rw,.*\|overlay rw,' \
	"/usr and /etc are writable overlayfs mounts"
want= got=
for d in /bin /sbin /lib /lib32 /lib64 /libx32; do
	if [ -L "$d" ]; then
		want+="$d->$(readlink "$d") "
	elif [ -d "$d" ]; then
		want+="$d=overlay "
	else
		want+="$d=absent "
	fi
	case $(val "path.$d" "$out") in
	symlink) got+="$d->? " ;;
	dir) got+="$d=$(val "mount.$d" "$out" | cut -d' ' -f1) " ;;
	*) got+="$d=$(val "path.$d" "$out") " ;;
	esac
done
# Targets of the symlinks, read inside.
links=$(for d in /bin /sbin /lib /lib32 /lib64 /libx32; do [ -L "$d" ] && echo "$d"; done)
if [ -n "$links" ]; then
	jrun -- sh -c 'for d; do printf "%s->%s\n" "$d" "$(readlink "$d")"; done' sh $links
	for l in $OUT; do
		got=${got/"${l%%->*}->? "/"$l "}
	done
fi
is "$got" "$want" "toolchain dirs: symlinks on the host are the same symlinks inside, dirs are overlays"

# --- writes into /usr stay inside; --keep-upper gets them -----------------------------
name=jail-integ-$mark
jrun -- sh -c "echo hello > /usr/bin/$name && cat /usr/bin/$name"
is "$RC:$OUT" 0:hello "the job can write /usr/bin/$name"
[ ! -e "/usr/bin/$name" ]
ok $? "the host's /usr/bin/$name does not exist afterwards"

keep=$WORK/keep
jrun --keep-upper "$keep" -- sh -c "echo kept > /usr/bin/$name && echo etc > /etc/$name && rm /etc/passwd"
is "$RC" 0 "--keep-upper: the run succeeds"
is "$(cat "$keep/usr/bin/$name" 2>&1)|$(cat "$keep/etc/$name" 2>&1)" "kept|etc" \
	"--keep-upper: DIR receives the files the job wrote in /usr and /etc"
deleted=no
[ "$(stat -c %F:%t:%T "$keep/etc/passwd" 2>/dev/null)" = "character special file:0:0" ] && deleted=whiteout
grep -qx /etc/passwd "$keep/.jail-deleted" 2>/dev/null && deleted=listed
like "$deleted" '^(whiteout|listed)$' "--keep-upper: a deleted file is recorded (whiteout or .jail-deleted)"
[ ! -e "$keep/usr/bin/sh" ] && [ ! -e "$keep/etc/group" ]
ok $? "--keep-upper: files the job did not change are not copied"
[ ! -e "/usr/bin/$name" ] && [ ! -e "/etc/$name" ] && [ -s /etc/passwd ]
ok $? "--keep-upper: the host's /usr and /etc are still unchanged"

# A package build replaces whole directories: removing one that comes from the host's
# layer must work inside (and leave the host's alone).
victim=$(find /usr/share/doc -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)
# Removing a directory that comes from a lower layer makes overlayfs write an opaque
# marker, a user.* xattr in the tmpfs upper layer: tmpfs has those since Linux 6.6.
jrun -- python3 -c 'import os; open("/tmp/x", "w"); os.setxattr("/tmp/x", "user.t", b"1")'
tmpfs_user_xattr=$RC
if [ "$tmpfs_user_xattr" != 0 ]; then
	why="tmpfs on Linux $(uname -r) has no user.* xattrs (6.6+), so a rootless overlay cannot hide a lower directory"
	skip "rm -r of a host directory in /usr" "$why"
	skip "  the host's directory is still there" "$why"
elif [ -n "$victim" ]; then
	jrun -- sh -c "rm -rf '$victim' && mkdir '$victim' && ls -A '$victim'"
	is "$RC:$ERR:$OUT" "0::" "rm -r of a host directory in /usr ($victim) and mkdir again: works, and it is empty"
	[ -d "$victim" ]
	ok $? "  the host's $victim is still there"
else
	skip "rm -r of a host directory in /usr" "/usr/share/doc has no subdirectory here"
	skip "  the host's directory is still there" "/usr/share/doc has no subdirectory here"
fi

# --- work dir -------------------------------------------------------------------------
jprobe -- cwd write "$WORK/from-inside"
is "$(val cwd "$OUT")" "$WORK" "-w DIR is the job's cwd"
is "$(val "write.$WORK/from-inside" "$OUT"):$(cat "$WORK/from-inside" 2>&1)" ok:x \
	"-w DIR is bound read-write: the host sees what the job wrote"
OUT=$(cd "$WORK" && "$JAIL" run -- "$WORK/probe" cwd 2>&1)
is "$(val cwd "$OUT")" "$WORK" "without -w, the current directory is the work dir"
jprobe --ro-workdir -- write "$WORK/ro-attempt"
is "$(val "write.$WORK/ro-attempt" "$OUT")" EROFS "--ro-workdir: the work dir is read-only"

# --- --bind, --ro-bind, --tmpfs ----------------------------------------------------------
src=$(mktemp -d "${TMPDIR:-/tmp}/jail-integ-bind.XXXXXX")
at_exit "rm -rf '$src'"
echo from-host >"$src/host-file"
jprobe --bind "$src:/mnt/rw" --ro-bind "$src:/mnt/ro" --tmpfs /mnt/t -- \
	write /mnt/rw/new /mnt/ro/new2 /mnt/t/new3 list /mnt/ro /mnt/t mounts
out=$OUT
is "$(val write./mnt/rw/new "$out"):$(cat "$src/new" 2>&1)" ok:x "--bind: the job writes through to the host"
is "$(val write./mnt/ro/new2 "$out")" EROFS "--ro-bind: a write fails with EROFS"
[ ! -e "$src/new2" ]
ok $? "--ro-bind: nothing reached the host"
like "$(val list./mnt/ro "$out")" '(^|,)host-file(,|$)' "--ro-bind: the host's files are readable"
like "$(val mount./mnt/t "$out")" '^tmpfs rw' "--tmpfs: DST is a tmpfs"
is "$(val write./mnt/t/new3 "$out"):$(val list./mnt/t "$out")" "ok:new3" "--tmpfs: it starts empty and is writable"

# --- /proc, /dev, /tmp, $HOME and what is hidden -----------------------------------------
hostmark=$(mktemp "/tmp/jail-integ-marker.XXXXXX")
at_exit "rm -f '$hostmark' '/tmp/inside-$mark' '/var/tmp/inside-$mark'"
first=${WORK#/tmp/}
first=${first%%/*}
jprobe -- list /proc /dev /tmp /var /sys /sys/devices /sys/devices/system /home "$home" \
	paths "$hostmark" /run /root /var/tmp /sys/devices/system/cpu/online /sys/class /sys/fs \
	"$home/.cache" write /dev/null /tmp/inside-$mark /var/tmp/inside-$mark /dev/created mounts env
out=$OUT
is "$(val list./proc "$out" | tr , '\n' | grep -E '^[0-9]+$' | tr '\n' ' ')" "1 2 " \
	"/proc is the sandbox's: it shows only init (1) and the job (2)"
# Every mount point is one jail made: nothing of the old root stays attached.
extra=$(printf '%s\n' "$out" | sed -n 's/^mount\.\([^=]*\)=.*/\1/p' | sort -u | while read -r m; do
	case $m in
	/ | /usr | /etc | /opt | /bin | /sbin | /lib | /lib32 | /lib64 | /libx32 | /proc | /dev | /dev/* | \
		/tmp | /var/tmp | /sys/devices/system/cpu | "$home" | "$WORK") ;;
	*) echo "$m" ;;
	esac
done)
is "$extra" "" "no mount point but the ones jail makes (the old root is detached)"
is "$(val list./dev "$out")" "fd,full,null,ptmx,pts,random,shm,stderr,stdin,stdout,tty,urandom,zero" \
	"/dev holds only the minimal set"
is "$(val write./dev/null "$out"):$(val write./dev/created "$out")" ok:EROFS \
	"/dev/null is writable, /dev itself is read-only"
is "$(val "path.$hostmark" "$out")" absent "a file in the host's /tmp is not visible"
case $WORK in
/tmp/*) want_tmp=$first ;;
*) want_tmp= ;;
esac
is "$(val list./tmp "$out")" "$want_tmp" "/tmp holds nothing of the host's (only the way to the work dir)"
is "$(val write./tmp/inside-$mark "$out")" ok "/tmp is writable inside"
[ ! -e /tmp/inside-$mark ] && [ ! -e /var/tmp/inside-$mark ]
ok $? "what the job wrote in /tmp and /var/tmp is not in the host's"
is "$(val env.HOME "$out"):$(val "list.$home" "$out")" "$home:" "\$HOME is the caller's home path, and empty"
like "$(val "mount.$home" "$out")" '^tmpfs ' "\$HOME is a tmpfs, not the caller's real home"
if [ -e "$home/.cache" ]; then
	is "$(val "path.$home/.cache" "$out")" absent "the caller's real \$HOME/.cache is not visible"
else
	skip "the caller's real home is not visible" "$home/.cache does not exist on the host"
fi
is "$(val list./home "$out")" "${home#/home/}" "/home holds only the (empty) home of the caller"
is "$(val path./run "$out"):$(val path./root "$out")" absent:absent "/run and /root are not visible"
is "$(val list./var "$out"):$(val path./var/tmp "$out"):$(val write./var/tmp/inside-$mark "$out")" \
	"tmp:dir:ok" "/var holds only a writable /var/tmp"
is "$(val list./sys "$out")/$(val list./sys/devices "$out")/$(val list./sys/devices/system "$out")" \
	"devices/system/cpu" "/sys holds only /sys/devices/system/cpu"
is "$(val path./sys/devices/system/cpu/online "$out"):$(val path./sys/class "$out"):$(val path./sys/fs "$out")" \
	"file:absent:absent" "/sys/devices/system/cpu is readable, /sys/class and /sys/fs are not there"

# --- a compiler call -------------------------------------------------------------------
if have gcc; then
	printf 'int hello(void) { return 42; }\n' >"$WORK/hello.c"
	jrun -- gcc -c hello.c
	is "$RC" 0 "jail run -- gcc -c hello.c succeeds"
	is "$(head -c 4 "$WORK/hello.o" 2>/dev/null | od -An -c | tr -d ' ')" '177ELF' \
		"hello.o is an ELF object in the host's work dir"
else
	skip "jail run -- gcc -c hello.c" "gcc is not installed"
	skip "hello.o in the work dir" "gcc is not installed"
fi

done_testing
