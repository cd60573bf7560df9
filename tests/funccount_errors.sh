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
expect_error 1 "process 2147483646 does not exist" "$FC" -p 2147483646 'c:malloc'
pass "bad patterns"

if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	expect_error 1 "this kernel has no kprobe support \(CONFIG_KPROBES is off\)" "$FC" 'vfs_read*'
	assert_no_leftovers
	pass "kernel functions: expanded, then the no-kprobes message"
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
