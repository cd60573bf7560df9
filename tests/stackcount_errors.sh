# stackcount: bad input gives one clear line and the right status.
. "$(dirname "$0")/lib.sh"
need_bpf
SC=$CBCC_BIN/stackcount

expect_error 2 "required: pattern" "$SC"
expect_error 2 "-K and -U are mutually exclusive" "$SC" -K -U c:malloc
expect_error 2 "--json and -f cannot be used together" "$SC" --json -f c:malloc
expect_error 2 "argument -D/--duration: invalid value: 'x'" "$SC" -D x c:malloc
expect_error 1 "type must be 'p', 't', or 'u'" "$SC" 'q:c:malloc'
expect_error 1 "no functions matched by pattern 'nosuchfn_\*'" "$SC" 'c:nosuchfn_*'
expect_error 1 "no tracepoints matched" "$SC" 't:sched:nosuch'
expect_error 1 "process 2147483646 does not exist" "$SC" -p 2147483646 c:malloc
expect_error 2 "--fentry: stackcount attaches kernel functions with kprobes only" "$CBCC_BIN/stackcount" --fentry ktime_get
pass "usage errors and bad patterns"
