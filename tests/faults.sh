# Fault tests: the traced process or binary goes away, signals arrive in every
# phase, stdout closes, several tools share one probe, the perf buffer
# overflows, the memlock limit is zero. Every tool runs under a timeout,
# exits with an exact status and leaves nothing behind in tracefs.
. "$(dirname "$0")/lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace
ARGDIST=$CBCC_BIN/argdist
FC=$CBCC_BIN/funccount
SC=$CBCC_BIN/stackcount
ES=$CBCC_BIN/execsnoop
OS=$CBCC_BIN/opensnoop
# A private copy: uprobes other tools hold on the shared binary cannot interfere.
cp "$TARGET" "$WORK/target"
TARGET=$WORK/target

declare -A JOB TOOL

# bg NAME CMD...: runs CMD in the background under `timeout -s KILL 60`,
# output in $WORK/NAME.out/.err. JOB[NAME] is the pid to wait for (timeout
# passes the tool's status on, or gives 137 for a hang), TOOL[NAME] the
# tool's own pid, the one to signal.
bg() {
	local name=$1 t=
	shift
	: >"$WORK/$name.out" # not a previous run's output for wait_ready (lib.sh launch_tracer)
	: >"$WORK/$name.err"
	timeout -s KILL $((${CBCC_ATTACH_WAIT:-60} + 60)) "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
	JOB[$name]=$!
	BG_PIDS+=($!)
	for _ in $(seq 500); do
		t=$(pgrep -P "${JOB[$name]}") && break
		sleep 0.01
	done
	[ -n "$t" ] || fail "$name did not start"
	BG_PIDS+=("$t") # killing timeout alone would leave the tool running
	TOOL[$name]=$t
}

# wait_ready NAME [REGEX]: waits until NAME.out has a line (matching REGEX):
# the header or banner a tool prints once everything is attached.
wait_ready() {
	for _ in $(seq 600); do
		grep -qE -- "${2:-.}" "$WORK/$1.out" 2>/dev/null && return 0
		kill -0 "${JOB[$1]}" 2>/dev/null || fail "$1 exited before it was ready"
		sleep 0.05
	done
	fail "$1 not ready within 30 s"
}

# wait_handler NAME: waits until the tool has installed its SIGINT handler
# (a background job of a script starts with SIGINT ignored, so a signal
# sent earlier would be lost).
wait_handler() {
	local cgt
	for _ in $(seq 1000); do
		cgt=$(awk '/^SigCgt:/ {print $2}' "/proc/${TOOL[$1]}/status" 2>/dev/null)
		[ -n "$cgt" ] && (((0x$cgt & 2) != 0)) && return 0
		sleep 0.005
	done
	fail "$1 installed no SIGINT handler within 5 s"
}

# expect_exit NAME STATUS [WHAT]: waits for NAME and checks its exit status.
expect_exit() {
	local rc=0
	wait "${JOB[$1]}" || rc=$?
	[ "$rc" = "$2" ] || fail "${3:-$1} exited with status $rc, expected $2"
}

# stop NAME [SIG]: signals NAME (SIGINT by default) and checks it exits 0.
stop() {
	kill -"${2:-INT}" "${TOOL[$1]}"
	expect_exit "$1" 0 "$1 after SIG${2:-INT}"
}

# alive NAME WHY: NAME is still running.
alive() { kill -0 "${TOOL[$1]}" 2>/dev/null || fail "$1 exited $2"; }

# assert_clean NAME: NAME.err has no crash report and nothing else but
# warnings and lost-event notes.
assert_clean() {
	grep -qiE 'sanitizer|runtime error|segmentation|core dumped|abort|double free|traceback' "$WORK/$1.err" &&
		fail "$1 crashed: $(head -5 "$WORK/$1.err")"
	grep -qvE '^$|^[a-z]+: warning: |^Possibly lost [0-9]+ samples$|^[a-z]+: [0-9]+ events lost in total$|^Detaching [0-9]+ probes\.\.\.$' \
		"$WORK/$1.err" && fail "$1: unexpected stderr: $(head -5 "$WORK/$1.err")"
	return 0
}

# waiting_target ARGS...: start_waiting_target, the target killed on exit.
waiting_target() {
	start_waiting_target "$@"
	BG_PIDS+=("$TARGET_PID")
}

# last_block NAME: argdist's last interval ("[HH:MM:SS]" and what follows).
last_block() {
	awk '/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$/ { buf = "" } { buf = buf $0 "\n" }
		END { printf "%s", buf }' "$WORK/$1.out" >"$WORK/$1.last"
}

# 1. The traced process exits mid-trace: the tools keep running (like BCC)
# and exit 0 on SIGINT; what they saw before the exit is exact.
waiting_target calls 5
pid=$TARGET_PID
bg gone_trace "$TRACE" -p "$pid" "p:$TARGET:cbcc_add \"%d\", arg1"
wait_ready gone_trace '^PID'
go_target
wait_lines "$WORK/gone_trace.out" " cbcc_add " 5 gone_trace
sleep 0.3 # three of trace's 100 ms polls after its process exited: time to (wrongly) exit
alive gone_trace "when its process did"
stop gone_trace
for i in 0 1 2 3 4; do
	assert_count "$WORK/gone_trace.out" "^$pid +$pid +target +cbcc_add +$i\$" 1
done
assert_count "$WORK/gone_trace.out" " cbcc_add " 5
assert_clean gone_trace
assert_no_leftovers

waiting_target calls 7
pid=$TARGET_PID
bg gone_argdist "$ARGDIST" -c -i 1 -p "$pid" -C "p:$TARGET:cbcc_add():u32:\$PID"
wait_ready gone_argdist '^\[' # the first interval: attached
go_target
# the next interval after the exit shows all 7 calls
wait_lines "$WORK/gone_argdist.out" $'^\t7 +\\$PID = '"$pid"'$' 1 gone_argdist
alive gone_argdist "when its process did"
stop gone_argdist
last_block gone_argdist
assert_count "$WORK/gone_argdist.last" $'^\t7          \\$PID = '"$pid"'$' 1
assert_count "$WORK/gone_argdist.last" $'^\t[0-9]' 1
assert_clean gone_argdist
assert_no_leftovers
pass "the traced process exits: trace and argdist keep running, exit 0 on SIGINT, exact counts"

# 2. The probed binary is deleted or replaced while traced: the uprobe stays
# on the old file, which the running process still executes; the tools keep
# running and exit 0.
copy=$WORK/copy
cp "$TARGET" "$copy"
TARGET=$copy waiting_target calls 3
pid=$TARGET_PID
bg del_trace "$TRACE" "p:$copy:cbcc_add \"%d\", arg1"
bg del_fc "$FC" "$copy:cbcc_add"
wait_ready del_trace '^PID'
wait_ready del_fc '^Tracing 1 functions'
rm "$copy"
go_target
wait_lines "$WORK/del_trace.out" " cbcc_add " 3 del_trace
alive del_trace "after its binary was deleted"
stop del_trace
stop del_fc
assert_count "$WORK/del_trace.out" "^$pid +$pid +copy +cbcc_add +[012]\$" 3
assert_count "$WORK/del_trace.out" " cbcc_add " 3
assert_count "$WORK/del_fc.out" '^cbcc_add +3$' 1
assert_clean del_trace
assert_clean del_fc
assert_no_leftovers

cp "$TARGET" "$copy"
TARGET=$copy waiting_target calls 4
pid=$TARGET_PID
bg repl "$TRACE" "p:$copy:cbcc_add \"%d\", arg1"
wait_ready repl '^PID'
cp "$TARGET" "$copy.new"
mv "$copy.new" "$copy"
"$copy" calls 6 >/dev/null || fail "the replacement binary does not run"
go_target
stop repl
assert_count "$WORK/repl.out" "^$pid +$pid +copy +cbcc_add +[0-3]\$" 4
assert_count "$WORK/repl.out" " cbcc_add " 4 # none from the new file
assert_clean repl
assert_no_leftovers
rm "$copy"

# Deleted before the tool starts: one clear line, status 1.
expect_error 1 "^trace: error in probe 'p:$copy:cbcc_add': can't find library or binary '$copy'\$" \
	"$TRACE" "p:$copy:cbcc_add"
expect_error 1 "^argdist: error in probe 'p:$copy:cbcc_add\(\)': can't find library or binary '$copy'\$" \
	"$ARGDIST" -C "p:$copy:cbcc_add()"
expect_error 1 "^funccount: can't find library or binary '$copy'\$" "$FC" "$copy:cbcc_add"
expect_error 1 "^stackcount: can't find library or binary '$copy'\$" "$SC" "$copy:cbcc_add"
assert_no_leftovers
pass "binary deleted or replaced while traced: exit 0, the old file still traced; deleted before: one error line"

# 3. SIGINT, SIGTERM and SIGHUP in every phase: status 0, nothing left.
# In the compile (--no-cache; 0.05 or 0.15 s after the handler is
# installed): nothing was attached, so nothing is printed.
for sig in INT TERM HUP; do
	for d in 0.05 0.15; do
		bg comp_trace "$TRACE" --no-cache "p:$TARGET:cbcc_add" "r:$TARGET:cbcc_add"
		wait_handler comp_trace
		sleep "$d"
		stop comp_trace "$sig"
		[ -s "$WORK/comp_trace.out" ] && fail "trace printed after SIG$sig in the compile"
		assert_clean comp_trace
		assert_no_leftovers
	done
	bg comp_argdist "$ARGDIST" --no-cache -C "p:$TARGET:cbcc_add():int:arg1"
	wait_handler comp_argdist
	sleep 0.1
	stop comp_argdist "$sig"
	[ -s "$WORK/comp_argdist.out" ] && fail "argdist printed after SIG$sig in the compile"
	assert_clean comp_argdist
	assert_no_leftovers
done
pass "SIGINT/SIGTERM/SIGHUP in the compile: exit 0, nothing attached, nothing left"

# In the planning: funccount resolving 700-odd libc functions (~0.5 s) and
# stackcount too, signalled 0.1 s after the handler is installed: they stop
# there, print nothing and exit 0.
for sig in INT TERM; do
	for tool in "$FC" "$SC"; do
		bg plan "$tool" --no-cache 'c:[a-g]*'
		wait_handler plan
		sleep 0.1
		stop plan "$sig"
		[ -s "$WORK/plan.out" ] && fail "$(basename "$tool") printed after SIG$sig in the planning"
		assert_clean plan
		assert_no_leftovers
	done
done
pass "SIGINT/SIGTERM in the planning of a pattern: exit 0, nothing printed, nothing left"

# signal_after_attached NAME SIG K: sends SIG to NAME once it holds K perf
# event fds (K tracepoints attached); prints how many it saw.
signal_after_attached() {
	python3 - "${TOOL[$1]}" "$2" "$3" <<'PY'
import os, signal, sys, time
pid, sig, k = int(sys.argv[1]), getattr(signal, "SIG" + sys.argv[2]), int(sys.argv[3])
fds = "/proc/%d/fd" % pid
end = time.time() + int(os.environ.get("CBCC_ATTACH_WAIT", "60"))
while time.time() < end:
    n = 0
    for f in os.listdir(fds):
        try:
            n += os.readlink(fds + "/" + f) == "anon_inode:[perf_event]"
        except OSError:
            pass
    if n >= k:
        os.kill(pid, sig)
        print(n)
        sys.exit(0)
sys.exit(1)
PY
}

# In the attach: funccount on the 360 syscall entry tracepoints one by one
# (--no-multi), signalled once 1, 60 and 120 are attached (the kernel takes
# tens of ms to release each attached tracepoint, so few are used); it stops
# attaching at once.
seen=
for run in INT:1 TERM:60 HUP:120; do
	sig=${run%:*} k=${run#*:}
	bg attach "$FC" --no-cache --no-multi 't:syscalls:sys_enter_*'
	n=$(signal_after_attached attach "$sig" "$k") || fail "funccount never attached $k tracepoints"
	expect_exit attach 0 "funccount after SIG$sig with $n tracepoints attached"
	assert_no_grep "$WORK/attach.out" '^Tracing' "funccount's output after SIG$sig in the attach"
	assert_clean attach
	assert_no_leftovers
	seen="$seen SIG$sig:$n"
done
pass "SIGINT/SIGTERM/SIGHUP in the attach (signal:tracepoints attached$seen): exit 0, nothing left"

# While printing a busy stream of events: exit 0, every line whole.
for sig in INT TERM HUP; do
	waiting_target getppid 1000000000
	pid=$TARGET_PID
	bg busy "$TRACE" -p "$pid" 't:syscalls:sys_enter_getppid'
	wait_ready busy '^PID'
	kill -USR1 "$pid"
	wait_lines "$WORK/busy.out" ' sys_enter_getppid $' 100 busy
	stop busy "$sig"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	[ "$(count_lines "$WORK/busy.out" ' sys_enter_getppid $')" -ge 100 ] || fail "busy: too few events"
	assert_count "$WORK/busy.out" '^PID +TID +COMM +FUNC +$' 1
	grep -qvE "^\$|^PID +TID +COMM +FUNC +\$|^$pid +$pid +target +sys_enter_getppid \$" "$WORK/busy.out" &&
		fail "trace printed a broken line after SIG$sig"
	assert_clean busy
	assert_no_leftovers
done
pass "SIGINT/SIGTERM/SIGHUP while printing: exit 0, whole lines"

# 4. stdout is a pipe whose reader exits after the first line; no events
# come, so each tool must notice the closed pipe while idle, and end by
# itself with status 0. (trace is checked last, below.)
waiting_target calls 1
idle=$TARGET_PID
# closed_stdout NAME TOOL ARGS...: TOOL ARGS | head -1, exit 0 within 5 s.
closed_stdout() {
	local name=$1
	shift
	(
		set -o pipefail
		rc=0
		timeout -s KILL 30 "$@" 2>"$WORK/$name.err" </dev/null | head -1 >"$WORK/$name.out" || rc=$?
		echo "$rc" >"$WORK/$name.rc"
	) &
	for _ in $(seq 600); do [ -s "$WORK/$name.out" ] && break; sleep 0.05; done
	[ -s "$WORK/$name.out" ] || fail "$name printed nothing"
	for _ in $(seq 50); do [ -s "$WORK/$name.rc" ] && break; sleep 0.1; done
	[ -s "$WORK/$name.rc" ] || fail "$name still running 5 s after its reader exited"
	wait $!
	[ "$(cat "$WORK/$name.rc")" = 0 ] || fail "$name | head -1 exited $(cat "$WORK/$name.rc")"
	assert_clean "$name"
	assert_no_leftovers
}
closed_stdout pipe_argdist "$ARGDIST" -i 1 -p "$idle" -C "p:$TARGET:cbcc_add():int:arg1"
assert_grep "$WORK/pipe_argdist.out" '^\[[0-9:]{8}\]$'
closed_stdout pipe_funccount "$FC" -p "$idle" "$TARGET:cbcc_add"
assert_grep "$WORK/pipe_funccount.out" '^Tracing 1 functions'
closed_stdout pipe_stackcount "$SC" -p "$idle" "$TARGET:cbcc_add"
assert_grep "$WORK/pipe_stackcount.out" '^Tracing 1 functions'
closed_stdout pipe_execsnoop "$ES" -n '^cbcc-no-such-command$'
assert_grep "$WORK/pipe_execsnoop.out" '^PCOMM +PID +PPID +RET ARGS$'
closed_stdout pipe_opensnoop "$OS" -p "$idle"
assert_grep "$WORK/pipe_opensnoop.out" '^PID +COMM +FD ERR PATH$'
kill -KILL "$idle"
wait "$idle" 2>/dev/null
pass "closed stdout ends argdist, funccount, stackcount, execsnoop, opensnoop: exit 0"

# 5. Five tools at once on one probe of one process making N calls: each
# reports exactly N.
N=500
waiting_target calls $N
pid=$TARGET_PID
bg five_t1 "$TRACE" -p "$pid" "p:$TARGET:cbcc_add \"%d\", arg1"
bg five_t2 "$TRACE" -p "$pid" "p:$TARGET:cbcc_add"
bg five_ad "$ARGDIST" -c -i 1 -p "$pid" -C "p:$TARGET:cbcc_add():u32:\$PID"
bg five_fc "$FC" -p "$pid" "$TARGET:cbcc_add"
bg five_sc "$SC" -U -p "$pid" "$TARGET:cbcc_add"
wait_ready five_t1 '^PID'
wait_ready five_t2 '^PID'
wait_ready five_ad '^\['
wait_ready five_fc '^Tracing'
wait_ready five_sc '^Tracing'
go_target
for n in five_t1 five_t2 five_ad five_fc five_sc; do stop $n; done
assert_count "$WORK/five_t1.out" "^$pid +$pid +target +cbcc_add +[0-9]+\$" $N
assert_count "$WORK/five_t1.out" "^$pid +$pid +target +cbcc_add +$((N - 1))\$" 1
assert_count "$WORK/five_t2.out" "^$pid +$pid +target +cbcc_add +\$" $N
last_block five_ad
assert_count "$WORK/five_ad.last" $'^\t'"$N"' +\$PID = '"$pid"'$' 1
assert_count "$WORK/five_fc.out" "^cbcc_add +$N\$" 1
assert_count "$WORK/five_sc.out" "^    $N\$" 1
assert_count "$WORK/five_sc.out" '^    [0-9]+$' 1
for n in five_t1 five_t2 five_ad five_fc five_sc; do assert_clean $n; done
assert_no_leftovers
pass "trace x2, argdist, funccount, stackcount on one probe: each counts exactly $N"

# 6. Perf buffer overflow: with one page per CPU a burst of calls loses
# events; what is printed plus what trace reports lost is every call.
N=200000
waiting_target calls $N
pid=$TARGET_PID
bg burst "$TRACE" -b 1 -p "$pid" "p:$TARGET:cbcc_add"
wait_ready burst '^PID'
go_target
stop burst
printed=$(count_lines "$WORK/burst.out" "^$pid +$pid +target +cbcc_add +\$")
lost=$(sed -n 's/^trace: \([0-9]*\) events lost in total$/\1/p' "$WORK/burst.err")
notes=$(awk '/^Possibly lost [0-9]+ samples$/ { n += $3 } END { print n + 0 }' "$WORK/burst.err")
[ "${lost:-0}" -gt 0 ] || fail "-b 1: no events lost of $N (printed $printed)"
[ "$lost" = "$notes" ] || fail "lost total $lost != the sum of the 'Possibly lost' notes $notes"
[ $((printed + lost)) = $N ] || fail "printed $printed + lost $lost = $((printed + lost)), expected $N"
assert_clean burst
assert_no_leftovers
pass "-b 1 overflow: $printed printed + $lost lost = $N"

# 7. RLIMIT_MEMLOCK of 0 (soft and hard): kernels since 5.11 charge BPF
# memory to the memory cgroup, so there the tool must work; older ones must
# fail with status 1 and one line naming the limit.
kver=$(uname -r)
kmajor=${kver%%.*}
kminor=${kver#*.}
kminor=${kminor%%[!0-9]*}
MEMLOCK_WANT=fails
[ "$kmajor" -gt 5 ] || { [ "$kmajor" = 5 ] && [ "$kminor" -ge 11 ]; } && MEMLOCK_WANT=works
# memlock_case NAME READY_REGEX TOOL ARGS...: the tool under `ulimit -l 0` on
# a waiting target calling cbcc_add 3 times; sets MEMLOCK to works/fails.
memlock_case() {
	local name=$1 ready=$2 rc=0
	shift 2
	waiting_target calls 3
	bg "$name" bash -c 'ulimit -l 0 && exec "$@"' memlock "$1" -p "$TARGET_PID" "${@:2}"
	for _ in $(seq 600); do
		grep -qE -- "$ready" "$WORK/$name.out" 2>/dev/null && break
		kill -0 "${JOB[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	if grep -qE -- "$ready" "$WORK/$name.out"; then
		go_target
		expect_exit "$name" 0 "$name under ulimit -l 0"
		assert_clean "$name"
		MEMLOCK=works
	else
		kill -KILL "$TARGET_PID"
		wait "$TARGET_PID" 2>/dev/null
		wait "${JOB[$name]}" || rc=$?
		[ "$rc" = 1 ] || fail "$name under ulimit -l 0 exited $rc, expected 0 or 1"
		grep -vE '^[a-z]+: warning: ' "$WORK/$name.err" >"$WORK/$name.msg"
		[ "$(wc -l <"$WORK/$name.msg")" = 1 ] || fail "$name under ulimit -l 0: not one error line"
		assert_grep "$WORK/$name.msg" 'memlock|RLIMIT_MEMLOCK|ulimit -l' "$name's error under ulimit -l 0"
		MEMLOCK=fails
	fi
	assert_no_leftovers
}
memlock_case ml_trace '^PID' "$TRACE" -M 3 "p:$TARGET:cbcc_add \"%d\", arg1"
ml_trace=$MEMLOCK
[ "$MEMLOCK" = "$MEMLOCK_WANT" ] || fail "ulimit -l 0 on Linux $kver: trace $MEMLOCK, expected it $MEMLOCK_WANT"
if [ "$MEMLOCK" = works ]; then
	for i in 0 1 2; do assert_count "$WORK/ml_trace.out" " target +cbcc_add +$i\$" 1; done
fi
# argdist: -n 2 ends after the second interval; the first says it is attached.
memlock_case ml_argdist '^\[' "$ARGDIST" -c -i 1 -n 2 -C "p:$TARGET:cbcc_add():int:arg1"
[ "$MEMLOCK" = "$ml_trace" ] || fail "ulimit -l 0: trace $ml_trace but argdist $MEMLOCK"
if [ "$MEMLOCK" = works ]; then
	last_block ml_argdist
	for i in 0 1 2; do assert_count "$WORK/ml_argdist.last" $'^\t1          arg1 = '$i'$' 1; done
fi
pass "ulimit -l 0: trace and argdist $MEMLOCK"

# 4b. trace with a closed stdout and no events: it must notice while idle too
# (trace_live.sh checks the case where events keep coming). Last, as it
# fails until trace's run loop polls stdout like the other tools.
waiting_target calls 1
idle=$TARGET_PID
closed_stdout pipe_trace "$TRACE" -p "$idle" "p:$TARGET:cbcc_add"
assert_grep "$WORK/pipe_trace.out" '^PID +TID +COMM +FUNC +$'
kill -KILL "$idle"
wait "$idle" 2>/dev/null
pass "closed stdout ends an idle trace: exit 0"
