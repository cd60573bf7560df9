# Live tests of argdist: real probes on the real kernel, exact counts and buckets
# (run_argdist in lib.sh).
. "$(dirname "$0")/lib.sh"
need_bpf
ARGDIST=$CBCC_BIN/argdist

# -C on libc write(fd): 3 writes to fd 1, 5 to the pipe, ascending by count.
run_argdist writes writes "" -- -c -p @PID@ -C 'p:c:write(int fd):int:fd'
last=$WORK/writes.last
assert_grep "$last" '^p:c:write\(int fd\):int:fd$' "spec line"
assert_grep "$last" $'^\tCOUNT      EVENT$' "table header"
assert_count "$last" $'^\t3          fd = 1$' 1
assert_count "$last" $'^\t5          fd = [0-9]+$' 1
assert_count "$last" $'^\t[0-9]' 2
[ "$(grep -n 'fd = 1$' "$last" | cut -d: -f1)" -lt "$(grep -n $'^\t5 ' "$last" | cut -d: -f1)" ] ||
	fail "counts not sorted ascending"
pass "-C counts write() per fd"

# -T 1: only the busiest fd.
run_argdist top writes "" -- -c -T 1 -p @PID@ -C 'p:c:write(int fd):int:fd'
assert_count "$WORK/top.last" $'^\t[0-9]' 1
assert_count "$WORK/top.last" $'^\t5          fd = [0-9]+$' 1
pass "-T 1 keeps the top entry"

# -H on a tracepoint with a filter, -p on the target: reads of 100, 2x1000, 3x10000 bytes.
# (The pid stays out of the specifier so the generated program is the same on
# every run and the program cache can serve it.)
run_argdist reads reads "" -- -c -p @PID@ -H 't:syscalls:sys_exit_read():long:args->ret:$PID > 1'
last=$WORK/reads.last
assert_grep "$last" '^     args->ret           : count     distribution$' "histogram header"
assert_count "$last" '^        64 -> 127        : 1        \|\*{13} {27}\|$' 1
assert_count "$last" '^       512 -> 1023       : 2        \|\*{26} {14}\|$' 1
assert_count "$last" '^      8192 -> 16383      : 3        \|\*{40}\|$' 1
assert_count "$last" ' : [1-9]' 3
pass "-H tracepoint histogram with a filter"

# $latency of cbcc_sleep(50): 50 ms lands in the 2^25..2^26-1 ns bucket.
run_argdist lat sleep 50 -- -c -p @PID@ -H "r:$TARGET:cbcc_sleep():u64:\$latency"
assert_grep "$WORK/lat.last" '^     \$latency            : count     distribution$'
assert_count "$WORK/lat.last" '^  33554432 -> 67108863   : 1        \|\*{40}\|$' 1
assert_count "$WORK/lat.last" ' : [1-9]' 1
pass "\$latency histogram"

# $entry(param), $retval, a tuple key and a label.
run_argdist entry calls 3 -- -c -p @PID@ \
	-C "r:$TARGET:cbcc_add(int a, int b):int,int:\$entry(b),\$retval#sums" \
	-C "p:$TARGET:cbcc_greet():u32:\$PID"
last=$WORK/entry.last
assert_grep "$last" '^sums$' "label"
assert_count "$last" $'^\t1          \\$PID = '"$TARGET_PID"'$' 1
for i in 0 1 2; do
	assert_count "$last" $'^\t1          b = '$((2 * i))', \$retval = '$((3 * i))'$' 1
done
pass "\$entry(), \$retval, \$PID, tuple keys, labels"

# String keys (-z caps them), filters, default expressions, a second -C and -H.
run_argdist strs calls 6 -- -c -z 5 -p @PID@ -C "p:$TARGET:cbcc_greet(char *name):char*:name" \
	-C "p:$TARGET:cbcc_add(int a, int b):int:a:a >= 3" -C "p:$TARGET:cbcc_add()" \
	-H "r:$TARGET:cbcc_add()"
last=$WORK/strs.last
assert_count "$last" $'^\t1          name = hello$' 1
assert_count "$last" $'^\t1          a = [345]$' 3
assert_count "$last" $'^\t1          a = ' 3
assert_count "$last" $'^\t6          total calls$' 1
assert_grep "$last" '^     retval              : count     distribution$'
assert_count "$last" '^         0 -> 1          : 1 ' 1
assert_count "$last" '^         8 -> 15         : 3 ' 1
pass "string keys with -z, filters, default expressions, several probes"

# --json: one JSON object per interval, nothing else on stdout; typed keys
# (string, tuple, none for call counts), labels, histogram buckets.
run_argdist json calls 6 -- --json -c -z 5 -p @PID@ -C "p:$TARGET:cbcc_greet(char *name):char*:name" \
	-C "r:$TARGET:cbcc_add(int a, int b):int,int:\$entry(b),\$retval#sums" -C "p:$TARGET:cbcc_add()" \
	-H "r:$TARGET:cbcc_add():int:\$retval"
[ "$(count_lines "$WORK/json.out" '')" -ge 2 ] || fail "--json: fewer than 2 intervals"
check_json "$WORK/json.out" "$TARGET" <<'PY' || fail "--json output is not what was expected"
t = args[0]
for o in objs:
	assert sorted(o) == ["probes", "time", "timestamp"], o
	assert [p["spec"] for p in o["probes"]] == [
		f"p:{t}:cbcc_greet(char *name):char*:name", f"r:{t}:cbcc_add(int a, int b):int,int:$entry(b),$retval#sums",
		f"p:{t}:cbcc_add()", f"r:{t}:cbcc_add():int:$retval"], o
greet, sums, calls, hist = objs[-1]["probes"]
assert greet == {"spec": greet["spec"], "kind": "counts", "entries": [{"key": "hello", "count": 1}], "dropped": 0}, greet
assert sums["label"] == "sums" and sums["kind"] == "counts" and sums["dropped"] == 0, sums
assert sums["entries"] == [{"key": [2 * i, 3 * i], "count": 1} for i in range(6)], sums
assert calls["entries"] == [{"count": 6}] and "label" not in calls, calls
assert hist["kind"] == "histogram" and "entries" not in hist, hist
assert hist["buckets"] == [{"low": 0, "high": 1, "count": 1}, {"low": 2, "high": 3, "count": 1},
	{"low": 4, "high": 7, "count": 1}, {"low": 8, "high": 15, "count": 3}], hist
PY
pass "--json: typed keys, labels, buckets, one object per interval"

# A string key with control bytes is printed escaped: a newline cannot break
# the table, an escape sequence cannot reach the terminal.
start_waiting_target greet $'a\nb\x1b[31m'
start_tracer ctl "$ARGDIST" -i 1 -c -p "$TARGET_PID" -C "p:$TARGET:cbcc_greet(char *name):char*:name"
go_target
stop_tracer
assert_count "$(last_block ctl)" $'^\t1          name = a\\\\nb\\\\x1b\\[31m$' 1
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$WORK/ctl.out" && fail "a control byte reached argdist's output"
pass "control bytes in string keys are escaped"

# USDT arguments.
run_argdist usdt usdt 3 -- -c -p @PID@ -C "u:$TARGET:ping():int:arg1"
for i in 0 1 2; do
	assert_count "$WORK/usdt.last" $'^\t1          arg1 = '$i'$' 1
done
pass "USDT probe arguments"

# Without -c each interval starts from zero: the 3 writes to fd 1 are counted once.
start_waiting_target writes
start_tracer clear "$ARGDIST" -i 1 -p "$TARGET_PID" -C 'p:c:write(int fd):int:fd'
go_target
wait_lines "$WORK/clear.out" '^\[' 3 "argdist -i 1 intervals"
stop_tracer
total=$(awk -F'\t' '/fd = 1$/ { split($2, f, " "); s += f[1] } END { print s + 0 }' "$WORK/clear.out")
[ "$total" = 3 ] || fail "without -c: fd 1 counted $total times over all intervals, expected 3"
[ "$(count_lines "$WORK/clear.out" '^\[')" -ge 3 ] || fail "expected at least 3 intervals"
assert_count "$(last_block clear)" $'^\t[0-9]' 0
pass "counts are cleared every interval without -c"

# -n 2 and -d 2: exit 0 on their own after two intervals.
start_tracer n "$ARGDIST" -i 1 -n 2 -C 't:syscalls:sys_enter_getppid()'
wait_tracer
assert_count "$WORK/n.out" '^\[[0-9:]{8}\]$' 2
start_tracer d "$ARGDIST" -d 2 -C 't:syscalls:sys_enter_getppid()'
wait_tracer
assert_count "$WORK/d.out" '^\[[0-9:]{8}\]$' 2
pass "-n and -d exit 0 after two intervals"

# A full map is reported: 11000 distinct keys, 10240 fit.
run_argdist full calls 11000 -- -c -T 1 -p @PID@ -C "p:$TARGET:cbcc_add(int a):int:a"
assert_grep "$WORK/full.err" "argdist: warning: probe 'p:$TARGET:cbcc_add\(int a\):int:a': 760 values not counted, its map is full \(10240 entries\)"
pass "a full map is reported with the number of lost values"

# Signals: exit 0, no probe left behind.
for sig in TERM HUP INT; do
	start_tracer sig "$ARGDIST" -i 1 -C "p:$TARGET:cbcc_add()" -H "r:$TARGET:cbcc_sleep():u64:\$latency"
	stop_tracer "$sig"
	assert_no_leftovers
done
pass "SIGTERM/SIGHUP/SIGINT exit 0, no leftover probes"

# A closed stdout ends argdist cleanly at its next interval.
rc=0
(set -o pipefail; timeout 60 "$ARGDIST" -i 1 -C 't:syscalls:sys_enter_getppid()' 2>"$WORK/pipe.err" |
	head -1 >"$WORK/pipe.out") || rc=$? # argdist's status (a hang: 124), not head's
[ "$rc" = 0 ] || fail "argdist | head exited $rc"
assert_grep "$WORK/pipe.out" '^\[[0-9:]{8}\]$'
assert_no_leftovers
pass "closed stdout ends argdist cleanly"

# Kernel functions. Without kprobes (our machines): generated and
# verifier-loaded, then a clear attach error. With kprobes (the test VM's
# kernel): vfs_read's kretprobe with its entry companion sees the target's
# reads of 100, 2x1000, 3x10000 bytes.
if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	expect_error 1 "error in probe 'r::vfs_read\(\)': this kernel has no kprobe support \(CONFIG_KPROBES is off\)" \
		"$ARGDIST" -H 'r::vfs_read()'
	expect_error 1 "no kprobe support" "$ARGDIST" \
		-H 'r::vfs_read(void *file, void *buf, size_t count):size_t:$entry(count):$latency > 1000'
	assert_no_leftovers
	pass "kernel function probe fails with the no-kprobes message"
else
	run_argdist kreads reads "" -- -c --kprobe -p @PID@ \
		-H 'r::vfs_read(void *file, void *buf, size_t count):size_t:$entry(count)'
	last=$WORK/kreads.last
	assert_count "$last" '^        64 -> 127        : 1        \|\*{13} {27}\|$' 1
	assert_count "$last" '^       512 -> 1023       : 2        \|\*{26} {14}\|$' 1
	assert_count "$last" '^      8192 -> 16383      : 3        \|\*{40}\|$' 1
	assert_count "$last" ' : [1-9]' 3
	assert_no_leftovers
	pass "kernel function kretprobe with \$entry: the histogram of read sizes"
fi
