# Live tests of opensnoop: opens of known paths with exact FD/ERR/PATH columns.
. "$(dirname "$0")/lib.sh"
need_bpf
OS=$CBCC_BIN/opensnoop
known="$WORK/known-file"
missing="$WORK/missing-file"
echo data >"$known"
mkdir "$WORK/dir"
echo rel >"$WORK/dir/rel-file"

# run_sh NAME SCRIPT: /bin/sh runs SCRIPT; its pid is left in $WORK/NAME.pid.
run_sh() {
	/bin/sh -c "echo \$\$ >$WORK/$1.pid; $2" >/dev/null 2>&1 || true
}

# An existing path opens with an fd, a missing one fails with ERR 2 (ENOENT).
start_tracer basic "$OS"
run_sh c "exec cat $known $missing"
stop_tracer
c=$(cat "$WORK/c.pid")
assert_grep "$WORK/basic.out" '^PID    COMM               FD ERR PATH$' "header"
assert_count "$WORK/basic.out" "^$c +cat +[0-9]+ +0 $known\$" 1
assert_count "$WORK/basic.out" "^$c +cat +-1 +2 $missing\$" 1
fd=$(grep -E "^$c +cat +[0-9]+ +0 $known\$" "$WORK/basic.out" | awk '{print $3}')
[ "$fd" -ge 3 ] || fail "fd of $known is $fd"
assert_no_leftovers
pass "existing path -> fd $fd, missing path -> ERR 2"

# Control bytes in a path and in a process name (the target run through a
# symlink named with an escape character) are printed escaped.
ctl="$WORK/"$'ctl\nfile\x1b[7m'
echo x >"$ctl"
ln -s "$TARGET" "$WORK/"$'t\x1bgt'
start_tracer ctl "$OS" -n gt
"$WORK/"$'t\x1bgt' open "$ctl"
stop_tracer
assert_count "$WORK/ctl.out" "^[0-9]+ +t\\\\x1bgt +[0-9]+ +0 $WORK/ctl\\\\nfile\\\\x1b\\[7m\$" 1
LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$WORK/ctl.out" && fail "a control byte reached opensnoop's output"
pass "control bytes in paths and process names are escaped"

# -x: only failed opens; -n: only process names containing NAME.
start_tracer failed "$OS" -x -n cat
run_sh x "exec cat $known $missing"
run_sh x2 "exec /bin/sh -c ': <$missing'"
stop_tracer
x=$(cat "$WORK/x.pid")
assert_count "$WORK/failed.out" "^$x +cat +-1 +2 $missing\$" 1
assert_no_grep "$WORK/failed.out" " $known\$"
assert_no_grep "$WORK/failed.out" "^[0-9]+ +sh "
pass "-x shows only failed opens, -n only matching names"

# -p: only the chosen process (blocked on a fifo until the tracer runs).
mkfifo "$WORK/go"
/bin/sh -c "read x <$WORK/go; read y <$known; cat $known >/dev/null" &
p=$!
start_tracer pid "$OS" -p "$p"
cat "$known" >/dev/null
echo go >"$WORK/go"
wait "$p"
stop_tracer
assert_count "$WORK/pid.out" " $known\$" 1
assert_count "$WORK/pid.out" "^$p +sh +[0-9]+ +0 $known\$" 1
pass "-p filters on the process"

# -F: a relative path is shown from the process's working directory; the
# process stays alive (blocked on a fifo) until the tracer has printed it.
mkfifo "$WORK/go2" "$WORK/hold"
(cd "$WORK/dir" && exec /bin/sh -c "echo \$\$ >$WORK/f.pid; read a <$WORK/go2; read x <rel-file; read y <$WORK/hold") &
hold=$!
start_tracer full "$OS" -F
echo go >"$WORK/go2"
for _ in $(seq 100); do grep -q " $WORK/dir/rel-file\$" "$WORK/full.out" && break; sleep 0.1; done
stop_tracer
echo go >"$WORK/hold"
wait "$hold"
f=$(cat "$WORK/f.pid")
assert_count "$WORK/full.out" "^$f +sh +[0-9]+ +0 $WORK/dir/rel-file\$" 1
pass "-F shows the full path of a relative open"

# -e: the flags column; -f: only opens with one of the flags.
start_tracer flags "$OS" -e -f O_WRONLY -f O_RDWR
run_sh w ": >$WORK/written; cat $known >/dev/null"
stop_tracer
w=$(cat "$WORK/w.pid")
assert_grep "$WORK/flags.out" '^PID    COMM               FD ERR FLAGS    PATH$' "-e header"
assert_count "$WORK/flags.out" "^$w +sh +[0-9]+ +0 00001101 $WORK/written\$" 1
assert_no_grep "$WORK/flags.out" " $known\$"
pass "-e prints flags, -f filters on them"

# -T, -U and -t (TID column) and -d (stops by itself, status 0).
start_tracer cols "$OS" -T -U -d 2
run_sh t "exec cat $known"
wait_tracer
t=$(cat "$WORK/t.pid")
assert_grep "$WORK/cols.out" '^TIME\(s\)       UID   PID    COMM               FD ERR PATH$' "-T -U header"
assert_count "$WORK/cols.out" "^[0-9]+\\.[0-9]{9} +0 +$t +cat +[0-9]+ +0 $known\$" 1
start_tracer tid "$OS" -t $$
stop_tracer TERM
assert_grep "$WORK/tid.out" '^TID    COMM               FD ERR PATH$' "-t header"
assert_no_leftovers
pass "-T, -U, -t columns; -d and SIGTERM exit 0"
