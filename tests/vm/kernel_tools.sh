# Kernel functions in argdist, funccount and stackcount, inside the test VM.
# Sourced by tests/vm/kernel_probes.sh (lib.sh already loaded); a tool that
# has not been built fails its check.

has_tool() { [ -x "$CBCC_BIN/$1" ]; }

# last_interval NAME: the last "[HH:MM:SS]" block of NAME.out into NAME.last.
last_interval() {
	awk '/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$/ { buf = "" } { buf = buf $0 "\n" }
		END { printf "%s", buf }' "$WORK/$1.out" >"$WORK/$1.last"
}

# with_waiting_target NAME MODE -- TOOL ARGS...: TOOL on a waiting target in
# MODE (@PID@ in ARGS is its pid), the target run, SIGINT (the tools print
# their last counts then).
with_waiting_target() {
	local name=$1 mode=$2 a args=()
	shift 3
	start_waiting_target "$mode"
	for a in "$@"; do args+=("${a//@PID@/$TARGET_PID}"); done
	start_tracer "$name" "${args[@]}"
	go_target
	stop_tracer
	last_interval "$name"
}

# Return values of vfs_read: 100, 2x1000, 3x10000 bytes (and the dynamic
# loader's read of libc's ELF header, 832 bytes); kprobes and fexit alike.
if has_tool argdist; then
	for m in kprobe fentry; do
		with_waiting_target "argdist-$m" reads -- "$CBCC_BIN/argdist" "--$m" -c -i 2 -p @PID@ -H 'r::vfs_read()'
		last=$WORK/argdist-$m.last
		assert_count "$last" '^        64 -> 127        : 1 ' 1
		assert_count "$last" '^       512 -> 1023       : [23] ' 1
		assert_count "$last" '^      8192 -> 16383      : 3 ' 1
		pass "$m: argdist -H 'r::vfs_read()': histogram of the return values"
	done
	# $latency needs the entry probe too: fentry for it, and for the second
	# return probe of vfs_read a kretprobe (one fexit program per function).
	READY_RE='^\[' with_waiting_target argdist-lat reads -- "$CBCC_BIN/argdist" -v -c -i 2 -p @PID@ \
		-C 'r::vfs_read():int:$retval>=8192' -H 'r::vfs_read():u64:$latency'
	err=$WORK/argdist-lat.err
	assert_grep "$err" '^argdist: r::vfs_read\(\):int:\$retval>=8192: fexit \(kernel BTF describes'
	assert_grep "$err" '^argdist: r::vfs_read\(\):u64:\$latency \(entry\): fentry \('
	assert_grep "$err" '^argdist: r::vfs_read\(\):u64:\$latency: kprobe \(another probe already'
	assert_count "$WORK/argdist-lat.last" $'^\t3          \\$retval>=8192 = 1$' 1
	assert_grep "$WORK/argdist-lat.last" '^ +[0-9]+ -> [0-9]+ +: [1-9]'
	pass "argdist: fexit for the first probe of vfs_read, kretprobe for the second, -v says so"
else
	fail "argdist has not been built: its kernel-function check cannot run"
fi

# --cgroupmap of opensnoop needs a cgroup of its own: made here, in the
# throw-away VM (tests/containers.sh --cgroup).
if has_tool opensnoop; then
	bash "$(dirname "$0")/../containers.sh" --cgroup >"$WORK/containers.log" 2>&1 ||
		fail "--cgroupmap: $(grep -v ': warning: ' "$WORK/containers.log" | tail -20)"
	grep '^ok: ' "$WORK/containers.log"
else
	fail "opensnoop has not been built: its kernel-function check cannot run"
fi

# vfs_write: 3 writes to stdout and 5 to a pipe; kprobes and fentry alike.
# Without either option several kernel functions would share one
# kprobe_multi link, which this kernel refuses (Debian's 6.1 is built
# without CONFIG_FPROBE): -D says so, and fentry attaches each, except the
# compiler's clones such as vfs_kern_mount.part.0 (matched as BCC matches
# them), whose names are no C identifiers (a fentry program is named after
# its function): kprobes; --fentry refuses them, so it gets a pattern
# without them.
if has_tool funccount; then
	for m in kprobe fentry default; do
		args=("--$m" 'vfs_*')
		[ "$m" = fentry ] && args=(--fentry -r 'vfs_[a-z_]+$')
		[ "$m" = default ] && args=(-D 'vfs_*')
		READY_RE='^Tracing' with_waiting_target "funccount-$m" writes -- "$CBCC_BIN/funccount" -p @PID@ "${args[@]}"
		assert_grep "$WORK/funccount-$m.out" '^FUNC +COUNT$' "header"
		assert_count "$WORK/funccount-$m.out" '^vfs_write +8$' 1
		pass "$m: funccount ${args[*]}: vfs_write called 8 times"
	done
	err=$WORK/funccount-default.err
	part="vfs_[a-z_]+\\.part\\.[0-9]+"
	assert_count "$err" '^funccount: kprobe_multi not used: the kernel refused a test kprobe_multi link: Operation not supported$' 1
	assert_grep "$err" '^funccount: vfs_write: fentry \(kernel BTF describes .vfs_write. and a test fentry program loaded\)$'
	assert_grep "$err" "^funccount: $part: kprobe \\('$part' is not a C identifier\\)\$"
	assert_grep "$err" '^Detaching [0-9]+ probes\.\.\.$'
	expect_error 1 "^funccount: cannot use fentry for kernel function '$part' \\(--fentry\\): '$part' is not a C identifier" \
		"$CBCC_BIN/funccount" --fentry 'vfs_*'
	pass "funccount 'vfs_*': kprobe_multi refused by this kernel, -D says so; fentry for each function, kprobes for the .part clones"

	# 32-bit system calls (int $0x80) do not fire syscalls:* tracepoints, so
	# the raw_syscalls program skips them too: the target's 5 32-bit getppid
	# calls (number 64, semget's in the 64-bit table) count nowhere, its one
	# 64-bit getppid once.
	start_waiting_target int80 5
	READY_RE='^Tracing' start_tracer int80 "$CBCC_BIN/funccount" -D -p "$TARGET_PID" 't:syscalls:sys_enter_(semget|getppid)'
	go_target
	stop_tracer
	assert_grep "$WORK/int80.err" ': 2 through raw_syscalls:sys_enter, 0 through raw_syscalls:sys_exit$'
	assert_count "$WORK/int80.out" '^syscalls:sys_enter_getppid +1$' 1
	assert_no_grep "$WORK/int80.out" '^syscalls:sys_enter_semget '
	pass "funccount through raw_syscalls ignores 32-bit system calls, as the syscall tracepoints do"
else
	fail "funccount has not been built: its kernel-function check cannot run"
fi

# Kernel stacks of vfs_read (6 reads), with offsets and addresses: a fentry
# program's stacks lose the BPF trampoline's frames and read as a kprobe's.
# 'vfs_rea*' also matches vfs_readv and vfs_readlink: one fentry program each.
if has_tool stackcount; then
	for m in kprobe fentry; do
		# --debug prints the program first: ready once the banner is out
		READY_RE='^Tracing' with_waiting_target "stackcount-$m" reads -- "$CBCC_BIN/stackcount" "--$m" --debug \
			-K -s -v -p @PID@ 'vfs_rea*'
		out=$WORK/stackcount-$m.out
		sed -n '/^Tracing 3 functions for "vfs_rea\*"/,$p' "$out" >"$WORK/stackcount-$m.cmp"
		out=$WORK/stackcount-$m.cmp
		assert_grep "$out" '^  [0-9a-f]{16} vfs_read\+0x[0-9a-f]+$' "the probed function, first"
		assert_grep "$out" '^  [0-9a-f]{16} ksys_read\+0x[0-9a-f]+$' "its caller"
		assert_count "$out" '^    6$' 1
		assert_no_grep "$out" "$BPF_FRAME_RE"
		assert_count "$WORK/stackcount-$m.err" "^stackcount: vfs_read: $m \\(forced by --$m\\)$" 1
		pass "$m: stackcount -K -s -v 'vfs_rea*' prints vfs_read's kernel stack"
	done
	cmp -s "$WORK/stackcount-kprobe.cmp" "$WORK/stackcount-fentry.cmp" ||
		fail "stackcount: kprobe and fentry stacks differ: $(diff "$WORK/stackcount-kprobe.cmp" "$WORK/stackcount-fentry.cmp" | head -8)"
	pass "stackcount: kprobe and fentry print the same stacks, offsets and addresses"

	start_tracer stackcount "$CBCC_BIN/stackcount" ktime_get
	"$TARGET" sleep 50 # its timer alone calls ktime_get
	stop_tracer
	assert_grep "$WORK/stackcount.out" '^  ktime_get$' "the probed function"
	assert_grep "$WORK/stackcount.out" '^    [0-9]+$' "a count"
	assert_no_grep "$WORK/stackcount.out" "$BPF_FRAME_RE"
	pass "stackcount ktime_get (fentry by default) prints kernel stacks"
else
	fail "stackcount has not been built: its kernel-function check cannot run"
fi
