# Live tests of trace: real probes on the real kernel, exact values.
. "$(dirname "$0")/lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace

# openat tracepoint: the unique path a test process opens is printed.
path="/tmp/cbcc-open-$$-unique"
start_tracer openat "$TRACE" 't:syscalls:sys_enter_openat "%s", args->filename'
"$TARGET" open "$path"
stop_tracer
assert_grep "$WORK/openat.out" '^PID +TID +COMM +FUNC +-$' "header"
assert_grep "$WORK/openat.out" "^[0-9]+ +[0-9]+ +target +sys_enter_openat +$path\$"
pass "openat tracepoint prints the path"

# A lone event is printed at once: the perf buffers wake trace every 32
# events, and the bell (templates/bell.c) for the first after a quiet spell.
# The test build's CBCC_TEST_POLL_FOREVER takes away the poll timeout that
# would otherwise deliver it within 0.1 s: without the bell, these events
# would stay unread until Ctrl-C.
if [ "$CBCC_TEST_HOOKS" = 1 ]; then
	start_tracer bell env CBCC_TEST_POLL_FOREVER=1 "$TRACE" "p:$TARGET:cbcc_add \"a=%d\", arg1"
	for n in 1 2 3; do
		"$TARGET" calls 1
		wait_lines "$WORK/bell.out" ' target +cbcc_add +a=0$' $n "lone event $n"
	done
	stop_tracer
	pass "each of three lone events is printed at once (the bell)"
fi

# A path whose page is not yet mapped in at sys_enter (BCC prints an empty
# string) is read again at sys_exit and printed.
path="/tmp/cbcc-cold-$$-unique"
start_tracer cold "$TRACE" 't:syscalls:sys_enter_openat "%s", args->filename'
"$TARGET" coldopen "$path"
stop_tracer
assert_count "$WORK/cold.out" "^[0-9]+ +[0-9]+ +target +sys_enter_openat +$path\$" 1
assert_no_grep "$WORK/cold.out" '^[0-9]+ +[0-9]+ +target +sys_enter_openat +$'
pass "a path not yet paged in at sys_enter is read at sys_exit"

# uprobe and uretprobe with arguments, return value and a string.
start_tracer up "$TRACE" "p:$TARGET:cbcc_add \"a=%d b=%d\", arg1, arg2" \
	"r:$TARGET:cbcc_add \"ret=%d\", retval" "p:$TARGET:cbcc_greet \"%s\", arg1"
"$TARGET" calls 3
stop_tracer
for i in 0 1 2; do
	assert_count "$WORK/up.out" " target +cbcc_add +a=$i b=$((2 * i))\$" 1
	assert_count "$WORK/up.out" " target +cbcc_add +ret=$((3 * i))\$" 1
done
assert_count "$WORK/up.out" " target +cbcc_greet +hello-cbcc\$" 1
pass "uprobe arguments, uretprobe return value, string argument"

# Control bytes from the traced process (a string argument, a %c value, the
# process name: the target run through a symlink named with an escape
# character) are printed escaped, never raw to the terminal.
ln -s "$TARGET" "$WORK/"$'t\x1bgt'
start_tracer ctl "$TRACE" "p:$TARGET:cbcc_greet \"%s|%c\", arg1, 27"
"$WORK/"$'t\x1bgt' greet $'l1\nl2\x1b[31m\tz\x7f'
stop_tracer
assert_count "$WORK/ctl.out" '^[0-9]+ +[0-9]+ +t\\x1bgt +cbcc_greet +l1\\nl2\\x1b\[31m\\tz\\x7f\|\\x1b$' 1
LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$WORK/ctl.out" && fail "a control byte reached trace's output"
pass "control bytes in strings, %c and process names are escaped"

# An offset that starts an instruction (objdump's second one of cbcc_add):
# every call seen, the argument still in its register, the target unharmed.
mapfile -t insns < <(objdump -d --no-show-raw-insn "$TARGET" |
	awk '/<cbcc_add>:$/ { f = 1; next } f && /^$/ { exit } f { sub(":", "", $1); print $1 }')
[ "${#insns[@]}" -ge 2 ] || fail "cannot decode cbcc_add with objdump"
second=$(printf '%x' $((0x${insns[1]} - 0x${insns[0]})))
start_tracer off "$TRACE" "p:$TARGET:cbcc_add+0x$second \"a=%d\", arg1"
"$TARGET" calls 3 || fail "the target failed under a probe at cbcc_add+0x$second"
stop_tracer
for i in 0 1 2; do
	assert_count "$WORK/off.out" " target +cbcc_add +a=$i\$" 1
done
pass "a uprobe at an instruction boundary inside the function"

# -p: only the chosen process is traced.
start_waiting_target calls 2
other_out="$WORK/other.txt"
start_tracer pid "$TRACE" -p "$TARGET_PID" "p:$TARGET:cbcc_add \"%d\", arg1"
"$TARGET" calls 5 >"$other_out"
go_target
stop_tracer
assert_count "$WORK/pid.out" " cbcc_add " 2
assert_count "$WORK/pid.out" "^$TARGET_PID +$TARGET_PID +target +cbcc_add +[01]\$" 2
pass "-p filters on the process"

# -p holds from the first probe on: trace writes its filter before it
# attaches. bpftrace stops trace at its first map update (the filter's);
# meanwhile another process enters an open of a FIFO through a path not yet
# paged in, a string a live sys_enter probe would stash for its sys_exit
# retry. The open completes once trace runs again and must not be printed.
# wait_stopped PID COMM: until process PID, named COMM, is stopped.
wait_stopped() {
	for _ in $(seq $((${CBCC_ATTACH_WAIT:-60} * 20))); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && grep -q '^State:.*T' "/proc/$1/status" && return 0
		kill -0 "$1" 2>/dev/null || fail "$2 exited instead of stopping"
		sleep 0.05
	done
	fail "$2 did not stop"
}
path="/tmp/cbcc-excl-$$-unique"
mkfifo "$WORK/fifo"
start_waiting_target open "$path"
bash -c 'kill -STOP $$ && exec "$@"' stopped "$TRACE" -p "$TARGET_PID" \
	't:syscalls:sys_enter_openat "%s", args->filename' >"$WORK/excl.out" 2>"$WORK/excl.err" &
TRACER_PID=$!
wait_stopped "$TRACER_PID" bash
probes=$(ldd "$TRACE" | awk '/libbcc/ { printf "uprobe:%s:bpf_update_elem,", $3 }')
[ -n "$probes" ] || fail "trace is not linked with libbcc"
bpftrace --unsafe -e "${probes%,} /pid == $TRACER_PID/ { signal(\"SIGSTOP\"); exit(); }
	BEGIN { printf(\"attached\\n\"); }" >"$WORK/bpftrace.log" 2>&1 &
bpftrace_pid=$!
BG_PIDS+=("$bpftrace_pid")
wait_lines "$WORK/bpftrace.log" '^attached$' 1 bpftrace
kill -CONT "$TRACER_PID"
wait_stopped "$TRACER_PID" trace
wait "$bpftrace_pid" || fail "bpftrace failed: $(cat "$WORK/bpftrace.log")"
"$TARGET" coldopen "$WORK/fifo" &
noise=$!
BG_PIDS+=("$noise") # blocked for good should the test fail
for _ in $(seq 600); do
	[ "$(cat "/proc/$noise/wchan" 2>/dev/null)" = wait_for_partner ] && break
	sleep 0.05
done
[ "$(cat "/proc/$noise/wchan")" = wait_for_partner ] || fail "the FIFO's open did not block"
kill -CONT "$TRACER_PID"
wait_lines "$WORK/excl.out" '^PID ' 1 "trace's header"
: >"$WORK/fifo"
wait "$noise" || fail "the FIFO's open failed"
go_target
stop_tracer
assert_count "$WORK/excl.out" "^$TARGET_PID +$TARGET_PID +target +sys_enter_openat +$path\$" 1
assert_no_grep "$WORK/excl.out" "fifo" "trace -p's output"
pass "-p excludes other processes from the first attached probe on"

# trace -p goes on after its process has exited (as BCC's does), and its poll
# loop makes no kill() calls (it used to probe the process after each poll,
# to no effect). Another trace watches the kill() calls of every process.
start_waiting_target calls 1
start_tracer gone "$TRACE" -p "$TARGET_PID" "p:$TARGET:cbcc_add \"%d\", arg1"
gone=$TRACER_PID
start_tracer kills "$TRACE" 't:syscalls:sys_enter_kill "%d %d", args->pid, args->sig'
BG_PIDS+=("$TRACER_PID")
TRACER_PID=$gone
go_target
wait_lines "$WORK/gone.out" ' target +cbcc_add +0$' 1 "trace -p"
stop_tracer
TRACER_PID=${BG_PIDS[-1]}
wait_lines "$WORK/kills.out" " sys_enter_kill +$gone 2\$" 1 "the kill() calls seen" # stop_tracer's SIGINT
stop_tracer
assert_no_grep "$WORK/kills.out" "^$gone +" "the kill() calls of trace -p"
pass "-p: trace runs on after its process exits, making no kill() calls"

# libc probe with a known size, and a signature parameter name.
start_waiting_target malloc 12345
start_tracer malloc "$TRACE" -p "$TARGET_PID" 'p:c:malloc(size_t size) (size == 12345) "%d", arg1' \
	'p:c:malloc(size_t size) (size == 12345) "sig=%lu", size'
go_target
stop_tracer
assert_count "$WORK/malloc.out" " target +malloc +12345\$" 1
assert_count "$WORK/malloc.out" " target +malloc +sig=12345\$" 1
pass "libc malloc probe with size"

# USDT probe of the test binary with its arguments; with a provider the FUNC
# column is provider:probe, as in BCC.
start_tracer usdt "$TRACE" "u:$TARGET:ping \"%d %s\", arg1, arg2"
"$TARGET" usdt 3
stop_tracer
start_tracer usdtp "$TRACE" "u:$TARGET:cbcc:ping \"p%d\", arg1"
"$TARGET" usdt 3
stop_tracer
for i in 0 1 2; do
	assert_count "$WORK/usdt.out" " target +ping +$i usdt-str\$" 1
	assert_count "$WORK/usdtp.out" " target +cbcc:ping +p$i\$" 1
done
pass "USDT probe arguments; FUNC is provider:probe when the provider is given"

# -M: exits by itself with status 0 after exactly N events.
start_tracer max "$TRACE" -M 3 "p:$TARGET:cbcc_add \"%d\", arg1"
"$TARGET" calls 10
wait_tracer
assert_count "$WORK/max.out" " cbcc_add " 3
pass "-M 3 exits 0 after three events"

# Predicates, STRCMP, -n, -f and the time/CPU columns.
start_tracer filt "$TRACE" -T -C -n targ -f 'b=8' "p:$TARGET:cbcc_add (arg1 >= 3) \"a=%d b=%d\", arg1, arg2" \
	"p:$TARGET:cbcc_greet (STRCMP(\"hello-cbcc\", arg1)) \"matched\"" \
	"p:$TARGET:cbcc_greet (STRCMP(\"hello\", arg1)) \"prefix\""
"$TARGET" calls 6
stop_tracer
assert_grep "$WORK/filt.out" '^TIME +CPU +PID +TID +COMM +FUNC +-$' "header with -T -C"
assert_count "$WORK/filt.out" '^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +[0-9]+ +[0-9]+ +target +cbcc_add +a=4 b=8$' 1
assert_count "$WORK/filt.out" ' cbcc_add ' 1
assert_count "$WORK/filt.out" ' cbcc_greet ' 0
pass "predicate, -n, -f, -T, -C"

start_tracer streq "$TRACE" "p:$TARGET:cbcc_greet (STRCMP(\"hello-cbcc\", arg1)) \"matched\"" \
	"p:$TARGET:cbcc_greet (STRCMP(\"hello\", arg1)) \"prefix\""
"$TARGET" calls 1
stop_tracer
assert_count "$WORK/streq.out" ' cbcc_greet +matched$' 1
assert_count "$WORK/streq.out" ' prefix$' 0
pass "STRCMP matches whole strings"

# -U: user stack of the malloc called by leaf_fn.
start_waiting_target chain
start_tracer stack "$TRACE" -U -p "$TARGET_PID" 'p:c:malloc (arg1 == 4242)'
go_target
stop_tracer
assert_grep "$WORK/stack.out" '^        mid_fn\+0x[0-9a-f]+ \[target\]$'
assert_grep "$WORK/stack.out" '^        top_fn\+0x[0-9a-f]+ \[target\]$'
assert_grep "$WORK/stack.out" '^        main\+0x[0-9a-f]+ \[target\]$'
pass "-U prints the symbolized user stack"

# -s: the user stack of a stripped binary, whose file is deleted before the
# event, is resolved through the build ID of the unstripped binary named by -s.
strip -o "$WORK/stripped" "$TARGET" || fail "strip failed"
TARGET=$WORK/stripped start_waiting_target chain
start_tracer syms "$TRACE" -U -s /lib/x86_64-linux-gnu/libc.so.6,"$TARGET" -p "$TARGET_PID" \
	'p:c:malloc (arg1 == 4242)'
rm "$WORK/stripped"
go_target
stop_tracer
assert_grep "$WORK/syms.out" "^$TARGET_PID +$TARGET_PID +stripped +malloc +\$"
assert_grep "$WORK/syms.out" '^        mid_fn\+0x[0-9a-f]+ \[target\]$'
assert_grep "$WORK/syms.out" '^        top_fn\+0x[0-9a-f]+ \[target\]$'
assert_grep "$WORK/syms.out" '^        main\+0x[0-9a-f]+ \[target\]$'
assert_no_grep "$WORK/syms.out" 'unknown'
expect_error 1 "^trace: -s/--sym_file_list: cannot read the build ID of '$WORK/none' \(no such file, or no build ID note\)\$" \
	"$TRACE" -U -s "$WORK/none" 'p:c:malloc'
echo text >"$WORK/text"
expect_error 1 "cannot read the build ID of '$WORK/text'" "$TRACE" -U -s "$TARGET,$WORK/text" 'p:c:malloc'
pass "-s: user stacks of a stripped, deleted binary resolved by build ID"

# --json: one valid JSON object per event with typed values and the stack;
# with -v the program's source goes to stderr (stdout carries only JSON).
start_waiting_target chain
READY_ERR_RE='Hit Ctrl-C' start_tracer json "$TRACE" --json -v -U -p "$TARGET_PID" \
	'p:c:malloc (arg1 == 4242) "size=%d %u %c %p", arg1, arg1, 65, arg1' \
	"r:$TARGET:leaf_fn \"done\""
go_target
stop_tracer
assert_no_grep "$WORK/json.out" '^PID' "--json output"
assert_grep "$WORK/json.err" '^BPF_PERF_OUTPUT\(cbcc_events\);$' "-v --json's standard error"
python3 - "$WORK/json.out" "$TARGET_PID" <<'PY' || fail "--json output is not what was expected"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
pid = int(sys.argv[2])
assert len(events) == 2, events
m = [e for e in events if e["func"] == "malloc"][0]
assert m["pid"] == pid and m["tid"] == pid and m["comm"] == "target", m
assert m["message"] == "size=4242 4242 A 0x1092", m
assert m["args"] == [{"type": "signed", "value": 4242}, {"type": "unsigned", "value": 4242},
                     {"type": "char", "value": "A"},
                     {"type": "pointer", "value": "0x1092", "address": 4242}], m["args"]
assert any(f.startswith("mid_fn+0x") and f.endswith(" [target]") for f in m["ustack"]), m
assert any(f.startswith("main+0x") for f in m["ustack"]), m
assert isinstance(m["timestamp"], float) and isinstance(m["offset"], float), m
r = [e for e in events if e["func"] == "leaf_fn"][0]
assert r["args"] == [] and r["message"] == "done" and r["probe"].startswith("r:"), r
PY
pass "--json prints one typed JSON object per event"
expect_error 2 "--json and -A/--aggregate cannot be used together" "$TRACE" --json -A -M 1 t:sched:sched_switch

# Signals: SIGTERM and SIGHUP exit 0 and leave no probe behind.
for sig in TERM HUP INT; do
	start_tracer sig "$TRACE" "p:$TARGET:cbcc_add" "r:$TARGET:cbcc_add"
	stop_tracer "$sig"
	assert_no_leftovers
done
pass "SIGTERM/SIGHUP/SIGINT exit 0, no leftover probes"

# A closed stdout ends the tracer cleanly: head exits after the header and
# one event; getppid calls go on (from attach time on, whenever that is) until
# trace has exited. The status is trace's (pipefail; head's is 0).
rc=0
(set -o pipefail; "$TRACE" 't:syscalls:sys_enter_getppid' 2>"$WORK/pipe.err" | head -2 >"$WORK/pipe.out") &
pipe_job=$!
for _ in $(seq 600); do
	kill -0 $pipe_job 2>/dev/null || break
	"$TARGET" getppid 1000
	sleep 0.1
done
kill -0 $pipe_job 2>/dev/null && fail "trace kept running after its reader closed"
wait $pipe_job || rc=$?
[ "$rc" = 0 ] || fail "trace | head exited $rc"
assert_count "$WORK/pipe.out" ' sys_enter_getppid +$' 1
assert_no_leftovers
pass "closed stdout ends trace cleanly"

# Kernel functions. Without kprobes (our machines): generated and
# verifier-loaded, then a clear attach error. With kprobes (the test VM's
# kernel, where tests/vm/kernel_probes.sh checks much more): the kprobe and
# kretprobe print the path opened and its fd.
if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	expect_error 1 "error in probe 'do_sys_openat2 \"%s\", arg2': this kernel has no kprobe support \(CONFIG_KPROBES is off\)" \
		"$TRACE" 'do_sys_openat2 "%s", arg2'
	expect_error 1 "no kprobe support" "$TRACE" 'r::do_sys_openat2 "%d", retval'
	assert_no_leftovers
	pass "kernel function probe fails with the no-kprobes message"
else
	path=$WORK/kprobe-open
	: >"$path"
	start_waiting_target open "$path"
	start_tracer kfn "$TRACE" --kprobe -p "$TARGET_PID" 'do_sys_openat2 "%s", arg2' \
		'r::do_sys_openat2 "ret=%d", retval'
	go_target
	stop_tracer
	assert_count "$WORK/kfn.out" "^$TARGET_PID +$TARGET_PID +target +do_sys_openat2 +$path\$" 1
	assert_count "$WORK/kfn.out" "^$TARGET_PID +$TARGET_PID +target +do_sys_openat2 +ret=3\$" 1
	assert_count "$WORK/kfn.out" ' do_sys_openat2 ' 2
	assert_no_leftovers
	pass "kernel function kprobe and kretprobe print the path and the fd"
fi
