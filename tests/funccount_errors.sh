# funccount: every class of bad input gives one clear line and the right status.
. "$(dirname "$0")/lib.sh"
need_bpf
FC=$CBCC_BIN/funccount

expect_error 2 "required: pattern" "$FC"
expect_error 2 "argument -p/--pid: invalid value: 'x'" "$FC" -p x 'c:malloc'
expect_error 2 "argument -i/--interval: invalid value: '0'" "$FC" -i 0 'c:malloc'
expect_error 2 "unrecognized option '--bogus'" "$FC" --bogus 'c:malloc'
expect_error 2 "unrecognized arguments: b" "$FC" a b
pass "usage errors"

expect_error 1 "type must be 'p', 't', or 'u', but got 'x'" "$FC" 'x:c:malloc'
expect_error 1 "too many ':'-separated components" "$FC" 'p:c:malloc:x'
expect_error 1 "can't find library or binary 'nosuchlib'" "$FC" 'nosuchlib:foo*'
expect_error 1 "no functions matched by pattern 'nosuchfn_\*' in .*libc" "$FC" 'c:nosuchfn_*'
expect_error 1 "no tracepoints matched by pattern 'sched:nosuch\*'" "$FC" 't:sched:nosuch*'
expect_error 1 "no USDT probes matched by pattern 'nosuch'" "$FC" "u:$TARGET:nosuch"
expect_error 1 "no functions matched by pattern 'nosuchfn_cbcc_\*'" "$FC" 'nosuchfn_cbcc_*'
expect_error 1 "matched [0-9]+ probes, more than the maximum of 1000 allowed" "$FC" 't:*:*'
expect_error 1 "invalid regular expression" "$FC" -r 'c:str(('
nopid=$(free_pid)
expect_error 1 "process $nopid does not exist" "$FC" -p "$nopid" 'c:malloc'
pass "bad patterns"

if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	expect_error 1 "this kernel has no kprobe support \(CONFIG_KPROBES is off\), so kernel function 'vfs_read' cannot be probed; use a tracepoint \(t:\) instead \(fentry not used: " "$FC" 'vfs_read'
	# Decided once for the kernel, not per function: one test fentry program,
	# then the error, before any compiling or attaching.
	expect_error 1 "so the [0-9]+ kernel functions matched by 'tcp_\*' cannot be probed; use a tracepoint \(t:\) instead \(fentry not used: the kernel refused a test fentry program for 'tcp_[a-z0-9_]+': " "$FC" 'tcp_*'
	rc=0
	"$FC" -D 'tcp_*' >"$WORK/tcp.out" 2>"$WORK/tcp.err" || rc=$?
	[ "$rc" = 1 ] || fail "funccount -D 'tcp_*' exited $rc"
	[ "$(grep -cE '^funccount: tcp_[a-z0-9_]+: kprobe \(' "$WORK/tcp.err")" -ge 100 ] || fail "-D planned too few of 'tcp_*'"
	grep -oE "test (fentry program|one) for '[^']+'" "$WORK/tcp.err" | sed 's/.* for //' | sort -u >"$WORK/tcp.tested"
	assert_count "$WORK/tcp.tested" . 1
	assert_no_grep "$WORK/tcp.out" '^Tracing'
	assert_no_grep "$WORK/tcp.err" 'create_probe_event|program cache'
	# Leading wildcards never match the compiler's __pfx_ padding symbols.
	rc=0
	"$FC" -D '*readdir*' >/dev/null 2>"$WORK/readdir.err" || rc=$?
	[ "$rc" = 1 ] || fail "funccount -D '*readdir*' exited $rc"
	assert_grep "$WORK/readdir.err" '^funccount: [a-z_]*readdir[a-z_]*: kprobe \('
	assert_no_grep "$WORK/readdir.err" '__pfx_|__cfi_'
	assert_no_leftovers
	pass "kernel functions: one test fentry program for the kernel, then the no-kprobes message; no __pfx_ symbols"
fi

# -r: regular expressions that would make glibc's regcomp explode (found by
# fuzz_pattern) are refused like Python's re does, in one line.
expect_error 1 "multiple repeat in regular expression 'syscalls:a\*\*'" "$FC" -r 't:syscalls:a**'
expect_error 1 "unbalanced parenthesis in regular expression 'syscalls:x\)\|\(\.\*'" "$FC" -r 't:syscalls:x)|(.*'
expect_error 1 "is too large once expanded \(more than 1000 nodes\)" "$FC" -r 't:syscalls:(a{255}){255}'
# Without -r the pattern is a regular expression too (BCC's semantics), with the same refusals.
expect_error 1 "unbalanced parenthesis in regular expression 'syscalls:x\)\|\(\*'" "$FC" 't:syscalls:x)|(*'
expect_error 1 "is too large once expanded \(more than 1000 nodes\)" "$FC" 't:syscalls:(a{255}){255}*'
expect_error 1 "invalid regular expression 'c:\[a-'" "$FC" 'c:[a-'
pass "-r and patterns: pathological regular expressions are refused"
