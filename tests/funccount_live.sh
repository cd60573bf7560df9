# Live tests of funccount: real probes on the real kernel, exact counts.
. "$(dirname "$0")/lib.sh"
need_bpf
FC=$CBCC_BIN/funccount
# A private copy: uprobes other tools hold on the shared binary cannot interfere.
cp "$TARGET" "$WORK/target"
TARGET=$WORK/target

# -d: one tracepoint, -p on a target making a known number of calls.
start_waiting_target getppid 77
start_tracer tp "$FC" -d 3 -p "$TARGET_PID" 't:syscalls:sys_enter_getppid'
go_target
wait_tracer
assert_grep "$WORK/tp.out" '^Tracing 1 functions for "t:syscalls:sys_enter_getppid"\.\.\. Hit Ctrl-C to end\.$'
assert_grep "$WORK/tp.out" '^FUNC                                    COUNT$'
assert_count "$WORK/tp.out" '^syscalls:sys_enter_getppid +77$' 1
assert_count "$WORK/tp.out" '^Detaching\.\.\.$' 1
pass "-d and -p on a tracepoint: exact count"

# --json with -i 1 -d 3: three JSON lines on stdout, the banner on stderr; the
# 77 calls summed over the intervals.
start_waiting_target getppid 77
READY_ERR_RE='Hit Ctrl-C' start_tracer json "$FC" --json -i 1 -d 3 -p "$TARGET_PID" 't:syscalls:sys_enter_getp*'
go_target
wait_tracer
assert_grep "$WORK/json.err" '^Tracing [0-9]+ functions for "t:syscalls:sys_enter_getp\*"'
assert_grep "$WORK/json.err" '^Detaching\.\.\.$'
check_json "$WORK/json.out" <<'PY' || fail "--json output is not what was expected"
assert len(objs) == 3, objs
total = 0
for o in objs:
	assert sorted(o) == ["functions", "time", "timestamp"], o
	for f in o["functions"]:
		assert sorted(f) == ["count", "func"] and f["func"] == "syscalls:sys_enter_getppid", o
		total += f["count"]
assert total == 77, total
PY
pass "--json: one object per interval, exact count"

# table NAME: the summary of NAME.out (FUNC header to Detaching) in NAME.tab.
table() { sed -n '/^FUNC /,/^Detaching/p' "$WORK/$1.out" >"$WORK/$1.tab"; }

# Syscall tracepoints are counted by number through raw_syscalls when the
# kernel headers' system call table is there (tests/no_headers.sh hides it:
# then one tracepoint each, and -D says why).
SYSCALL_TABLE=/lib/modules/$(uname -r)/build/arch/x86/include/generated/asm/syscalls_64.h
# by_number FILE: checks -D's line on the syscall path in FILE.
by_number() {
	if [ -r "$SYSCALL_TABLE" ]; then
		assert_grep "$1" '^funccount: [0-9]+ syscall tracepoints by syscall number \(numbers from .*syscalls_64\.h and cbcc.s list of later system calls\): [0-9]+ through raw_syscalls:sys_enter, [0-9]+ through raw_syscalls:sys_exit$'
	else
		assert_grep "$1" '^funccount: [0-9]+ syscall tracepoints: one tracepoint each \(no system call table in the kernel headers \(.*syscalls_64\.h\)\)$'
	fi
}

# A wildcard over several syscall tracepoints, ascending counts: by default
# one raw_syscalls program counts them by syscall number (-D says so).
start_waiting_target getppid 5
READY_RE='^Tracing' start_tracer wild "$FC" -D -p "$TARGET_PID" 't:syscalls:sys_enter_get*pid'
go_target
stop_tracer
assert_grep "$WORK/wild.out" '^Tracing [0-9]+ functions for "t:syscalls:sys_enter_get\*pid"'
assert_count "$WORK/wild.out" '^syscalls:sys_enter_getppid +5$' 1
assert_count "$WORK/wild.out" '^syscalls:sys_enter_getpid ' 0
by_number "$WORK/wild.err"
[ -r "$SYSCALL_TABLE" ] && assert_grep "$WORK/wild.err" ': [0-9]+ through raw_syscalls:sys_enter, 0 through raw_syscalls:sys_exit$'
pass "tracepoint wildcard"

# Every syscall tracepoint, entries and exits: exactly the target's system
# calls after --wait (the sigwait's return, 7 getppid, exit_group), nothing
# for any other number.
start_waiting_target getppid 7
READY_RE='^Tracing' start_tracer all "$FC" -D -p "$TARGET_PID" 't:syscalls:sys_*'
go_target
stop_tracer
table all
by_number "$WORK/all.err"
assert_count "$WORK/all.tab" '^syscalls:' 4
assert_count "$WORK/all.tab" '^syscalls:sys_exit_rt_sigtimedwait +1$' 1
assert_count "$WORK/all.tab" '^syscalls:sys_enter_getppid +7$' 1
assert_count "$WORK/all.tab" '^syscalls:sys_exit_getppid +7$' 1
assert_count "$WORK/all.tab" '^syscalls:sys_enter_exit_group +1$' 1
pass "t:syscalls:sys_* through raw_syscalls: the target's system calls, exactly"

# on_both_paths NAME TARGET-ARGS... -- PATTERN: funccount -D -p on a waiting
# target, by default (NAME-multi) and with one probe each (--no-multi,
# NAME-single); their summaries, in NAME-{multi,single}.tab, are the same.
on_both_paths() {
	local name=$1 mode flag targs=()
	shift
	while [ "$1" != -- ]; do
		targs+=("$1")
		shift
	done
	for mode in multi single; do
		flag=
		[ "$mode" = single ] && flag=--no-multi
		start_waiting_target "${targs[@]}"
		READY_RE='^Tracing' start_tracer "$name-$mode" "$FC" -D $flag -p "$TARGET_PID" "$2"
		go_target
		stop_tracer
		table "$name-$mode"
	done
	cmp -s "$WORK/$name-multi.tab" "$WORK/$name-single.tab" ||
		fail "$2: the default path and --no-multi differ: $(diff "$WORK/$name-multi.tab" "$WORK/$name-single.tab")"
}

# The same summary with one tracepoint each (--no-multi), whose detach is
# announced: "Detaching N probes..." for the N attached.
on_both_paths get getppid 3 -- 't:syscalls:sys_*_get*'
assert_count "$WORK/get-multi.tab" '^syscalls:sys_(enter|exit)_getppid +3$' 2
assert_grep "$WORK/get-single.err" '^funccount: [0-9]+ syscall tracepoints: one tracepoint each \(--no-multi\)$'
n=$(sed -n 's/^Tracing \([0-9]*\) functions.*/\1/p' "$WORK/get-single.out")
[ "$n" -ge 10 ] || fail "'t:syscalls:sys_*_get*' matched only $n tracepoints"
assert_count "$WORK/get-single.err" "^Detaching $n probes\.\.\.\$" 1
# by default: the tracepoints whose numbers the table lacks, and the two
# raw_syscalls ones, are the probes detached one by one
want=1 # without the table: one tracepoint each
if [ -r "$SYSCALL_TABLE" ]; then
	singles=$(count_lines "$WORK/get-multi.err" 'its own tracepoint')
	want=$((singles + 2 >= 10 ? 1 : 0))
fi
assert_count "$WORK/get-multi.err" '^Detaching [0-9]+ probes' "$want"
pass "raw_syscalls and --no-multi print the same counts; a slow detach is announced"

# libc wildcard with IFUNCs: strlen N times, strcmp 2N times plus target's
# 10 compares of its mode argument after --wait; one uprobe_multi link, or
# one uprobe each (--no-multi), the same counts.
on_both_paths libc strs 6 -- 'c:str*'
assert_count "$WORK/libc-multi.tab" '^strlen +6$' 1
assert_count "$WORK/libc-multi.tab" '^strcmp +22$' 1
assert_grep "$WORK/libc-multi.err" '^funccount: [0-9]+ functions of .*libc\.so\.6: one uprobe_multi link$'
assert_grep "$WORK/libc-single.err" '^funccount: [0-9]+ functions of .*libc\.so\.6: one uprobe each \(--no-multi\)$'
assert_no_grep "$WORK/libc-multi.err" '^Detaching [0-9]+ probes'
pass "c:str* counts strlen and strcmp, through uprobe_multi and one uprobe each"

# The target's own functions, with -r.
start_waiting_target calls 9
start_tracer own "$FC" -p "$TARGET_PID" "$TARGET:cbcc_*"
go_target
stop_tracer
assert_count "$WORK/own.out" '^cbcc_add +9$' 1
assert_count "$WORK/own.out" '^cbcc_greet +1$' 1
assert_grep "$WORK/own.out" '^cbcc_greet +1$'
awk '/^FUNC/ {f=1; next} f && /^cbcc/ {print $1}' "$WORK/own.out" | tr '\n' ' ' | grep -q '^cbcc_greet cbcc_add $' ||
	fail "counts not in ascending order"
start_waiting_target calls 4
start_tracer re "$FC" -r -p "$TARGET_PID" "$TARGET:cbcc_(add|gr)"
go_target
stop_tracer
assert_grep "$WORK/re.out" '^Tracing 2 functions'
assert_count "$WORK/re.out" '^cbcc_add +4$' 1
pass "target functions by wildcard and -r, ascending"

# BCC's pattern semantics: only '*' is rewritten (to '.*'), so a bracket
# class and '?' keep their regex meaning: cbcc_add and cbcc_greet, not cbcc_sleep.
start_waiting_target calls 2
start_tracer class "$FC" -p "$TARGET_PID" "$TARGET:cbcc_[a-g]d?[a-z]*"
go_target
stop_tracer
assert_grep "$WORK/class.out" '^Tracing 2 functions for'
assert_count "$WORK/class.out" '^cbcc_add +2$' 1
assert_count "$WORK/class.out" '^cbcc_greet +1$' 1
pass "bracket classes and '?' in a pattern are regular expression syntax, as in BCC"

# USDT probes by wildcard.
start_waiting_target usdt 3
start_tracer usdt "$FC" -p "$TARGET_PID" "u:$TARGET:pi*"
go_target
stop_tracer
assert_count "$WORK/usdt.out" '^ping +3$' 1
pass "USDT wildcard"

# -i with -T: interval summaries with a time line; Ctrl-C ends with a last one.
start_tracer ivl "$FC" -T -i 1 't:syscalls:sys_enter_getppid'
wait_lines "$WORK/ivl.out" '^FUNC ' 3 "funccount -i 1 summaries"
stop_tracer
[ "$(count_lines "$WORK/ivl.out" '^FUNC ')" -ge 3 ] || fail "-i 1: fewer than 3 summaries"
assert_grep "$WORK/ivl.out" '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
pass "-i and -T"

# Signals and a closed stdout: exit 0, nothing left behind.
for sig in TERM HUP; do
	start_tracer sig "$FC" "$TARGET:cbcc_*"
	stop_tracer "$sig"
	assert_no_leftovers
done
rc=0
(set -o pipefail; timeout 60 "$FC" "$TARGET:cbcc_*" 2>/dev/null | head -1 >/dev/null) || rc=$? # a hang fails (124)
[ "$rc" = 0 ] || fail "funccount | head exited $rc"
assert_no_leftovers
pass "signals, closed stdout"

# A libc function whose first instruction the kernel cannot uprobe (ENOTSUPP:
# the AVX2 rawmemchr variants start with a VEX-encoded instruction) is
# skipped with a warning instead of failing the whole pattern (BCC gives
# up); a uprobe_multi link is split until the culprits are found. Only this
# process's libc is probed.
for mode in multi single; do
	flag=
	[ "$mode" = single ] && flag=--no-multi
	start_waiting_target calls 1
	rc=0
	timeout -s KILL 120 "$FC" $flag -d 1 -p "$TARGET_PID" 'c:*rawmemchr*' >"$WORK/skip-$mode.out" 2>"$WORK/skip-$mode.err" </dev/null || rc=$?
	kill "$TARGET_PID" 2>/dev/null
	wait "$TARGET_PID" 2>/dev/null
	[ "$rc" = 0 ] || fail "funccount $flag on c:*rawmemchr* exited $rc: $(grep -v warning: "$WORK/skip-$mode.err" | head -2)"
	assert_grep "$WORK/skip-$mode.out" '^Tracing [0-9]+ functions for "c:\*rawmemchr\*"'
	assert_grep "$WORK/skip-$mode.err" '^funccount: warning: skipping __rawmemchr_avx2: cannot attach uprobe to .*libc.*\+0x[0-9a-f]+: the kernel cannot put a uprobe on the instruction there \(ENOTSUPP\)$'
	grep -o 'skipping [^:]*' "$WORK/skip-$mode.err" >"$WORK/skip-$mode.names"
	assert_no_leftovers
done
cmp -s "$WORK/skip-multi.names" "$WORK/skip-single.names" ||
	fail "uprobe_multi and one uprobe each skip different functions: $(diff "$WORK/skip-multi.names" "$WORK/skip-single.names")"
pass "functions the kernel cannot uprobe are skipped with a warning, on either path"
