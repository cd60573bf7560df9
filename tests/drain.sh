# Ctrl-C loses no event: on SIGINT a tool detaches its probes, prints every
# event still in its perf buffers and reports every loss, then exits 0; a
# second SIGINT during that drain ends it at once, saying how many events
# were left unread. The tool is stopped (SIGSTOP) while a burst of a known
# size runs, as a reader that fell behind would be, and gets SIGINT the
# moment the burst ends: every event of it is still unread then.
. "$(dirname "$0")/lib.sh"
need_bpf

# sigint_after_burst NAME MODE ARG... -- TOOL ARGS...: a waiting target in MODE
# and the tool on it (@PID@ in ARGS is the target's pid); the tool is stopped
# while the target runs, then SIGINT and SIGCONT; it must exit 0.
sigint_after_burst() {
	local name=$1 a args=() mode=() rc=0
	shift
	while [ "$1" != -- ]; do
		mode+=("$1")
		shift
	done
	shift
	start_waiting_target "${mode[@]}"
	for a in "$@"; do args+=("${a//@PID@/$TARGET_PID}"); done
	start_tracer "$name" "${args[@]}"
	kill -STOP "$TRACER_PID"
	go_target
	kill -INT "$TRACER_PID"
	kill -CONT "$TRACER_PID"
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	[ "$rc" = 0 ] || fail "$name exited with status $rc after SIGINT"
}

# assert_all_accounted NAME TOOL REGEX N: NAME.out has P lines matching REGEX,
# NAME.err says "TOOL: L events lost in total" (or nothing: L = 0), the sum of
# its "Possibly lost" notes is L, and P + L = N. Sets PRINTED and LOST.
assert_all_accounted() {
	local name=$1 tool=$2 re=$3 n=$4 notes
	PRINTED=$(count_lines "$WORK/$name.out" "$re")
	LOST=$(sed -n "s/^$tool: \\([0-9]*\\) events lost in total\$/\\1/p" "$WORK/$name.err")
	LOST=${LOST:-0}
	notes=$(awk '/^Possibly lost [0-9]+ samples$/ { n += $3 } END { print n + 0 }' "$WORK/$name.err")
	[ "$LOST" = "$notes" ] || fail "$name: lost total $LOST != the sum of the 'Possibly lost' notes $notes"
	[ $((PRINTED + LOST)) = "$n" ] || fail "$name: printed $PRINTED + lost $LOST = $((PRINTED + LOST)), expected $n"
	assert_no_grep "$WORK/$name.err" 'left unread'
	assert_no_leftovers
}

N=100000
sigint_after_burst trace getppid $N -- "$CBCC_BIN/trace" -p @PID@ 't:syscalls:sys_enter_getppid'
assert_all_accounted trace trace "^$TARGET_PID +$TARGET_PID +target +sys_enter_getppid +\$" $N
pass "trace: SIGINT after $N getppid calls: $PRINTED printed + $LOST lost = $N"

N=20000
echo x >"$WORK/opened"
sigint_after_burst opensnoop opens $N "$WORK/opened" -- "$CBCC_BIN/opensnoop" -p @PID@
assert_all_accounted opensnoop opensnoop "^$TARGET_PID +target +[0-9]+ +0 $WORK/opened\$" $N
pass "opensnoop: SIGINT after $N opens: $PRINTED printed + $LOST lost = $N"

N=1000
sigint_after_burst execsnoop execs $N -- "$CBCC_BIN/execsnoop" -P @PID@
assert_all_accounted execsnoop execsnoop "^true +[0-9]+ +$TARGET_PID +0 /bin/true cbcc-exec-burst\$" $N
pass "execsnoop: SIGINT after $N execs: $PRINTED printed + $LOST lost = $N"

# A second SIGINT while the drain is blocked writing to a reader that does not
# read (a fifo this shell holds open): trace exits 0 at once and says how many
# events it left unread.
N=100000
mkfifo "$WORK/fifo"
exec 3<>"$WORK/fifo"
start_waiting_target getppid $N
"$CBCC_BIN/trace" -p "$TARGET_PID" 't:syscalls:sys_enter_getppid' >"$WORK/fifo" 2>"$WORK/again.err" &
TRACER_PID=$!
read -r -t 60 header <&3 || fail "trace printed no header within 60 s"
[[ "$header" =~ ^PID\ +TID\ +COMM\ +FUNC ]] || fail "trace's first line: $header"
kill -STOP "$TRACER_PID"
go_target
kill -INT "$TRACER_PID"
kill -CONT "$TRACER_PID"
# The drain has filled the fifo once it holds 64 KiB (nothing was written
# there since the header): trace is blocked writing.
python3 - <<'PY' 3<&3 || fail "trace did not fill the fifo within 60 s"
import fcntl, struct, sys, termios, time
end = time.time() + 60
while time.time() < end:
    if struct.unpack("i", fcntl.ioctl(3, termios.FIONREAD, b"\0" * 4))[0] >= 65536:
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
PY
kill -INT "$TRACER_PID"
rc=0
wait "$TRACER_PID" || rc=$?
TRACER_PID=
exec 3<&-
[ "$rc" = 0 ] || fail "trace exited with status $rc after a second SIGINT"
unread=$(sed -n 's/^trace: \([0-9]*\) events left unread$/\1/p' "$WORK/again.err")
lost=$(sed -n 's/^trace: \([0-9]*\) events lost in total$/\1/p' "$WORK/again.err")
[ -n "$unread" ] && [ "$unread" -gt 0 ] || fail "no 'events left unread' after a second SIGINT: $(cat "$WORK/again.err")"
[ $((unread + ${lost:-0})) -lt $N ] || fail "unread $unread + lost ${lost:-0} is not less than $N"
assert_no_leftovers
pass "a second SIGINT ends the drain at once: $unread events left unread, ${lost:-0} lost"
