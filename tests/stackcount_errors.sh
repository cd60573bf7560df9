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
nopid=$(free_pid)
expect_error 1 "process $nopid does not exist" "$SC" -p "$nopid" c:malloc
expect_error 2 "only one of --kprobe and --fentry may be specified" "$SC" --kprobe --fentry ktime_get
pass "usage errors and bad patterns"

# Our machines' kernel has neither kprobes nor fentry (the VM test runs both).
if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	expect_error 1 "cannot use fentry for kernel function 'ktime_get' \(--fentry\): " "$SC" --fentry ktime_get
	expect_error 1 "no kprobe support .*\(fentry not used: " "$SC" ktime_get
	expect_error 1 "no kprobe support \(CONFIG_KPROBES is off\)" "$SC" --kprobe ktime_get
	pass "kernel functions on a kernel without kprobes and fentry: why, for each method"
fi
