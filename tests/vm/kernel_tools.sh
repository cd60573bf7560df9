# Kernel functions in argdist, funccount and stackcount, inside the test VM.
# Sourced by tests/vm/kernel_probes.sh (lib.sh already loaded); each check
# runs only when the tool has been built.

has_tool() { [ -x "$CBCC_BIN/$1" ]; }

# last_interval NAME: the last "[HH:MM:SS]" block of NAME.out into NAME.last.
last_interval() {
	awk '/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$/ { buf = "" } { buf = buf $0 "\n" }
		END { printf "%s", buf }' "$WORK/$1.out" >"$WORK/$1.last"
}

# with_waiting_target NAME MODE -- TOOL ARGS...: TOOL on a waiting target in
# MODE (@PID@ in ARGS is its pid), the target run, one more interval.
with_waiting_target() {
	local name=$1 mode=$2 a args=()
	shift 3
	start_waiting_target "$mode"
	for a in "$@"; do args+=("${a//@PID@/$TARGET_PID}"); done
	start_tracer "$name" "${args[@]}"
	go_target
	sleep 2.5
	stop_tracer
	last_interval "$name"
}

# Return values of vfs_read: 100, 2x1000, 3x10000 bytes (and the dynamic
# loader's read of libc's ELF header, 832 bytes).
if has_tool argdist; then
	with_waiting_target argdist reads -- "$CBCC_BIN/argdist" -c -i 2 -p @PID@ -H 'r::vfs_read()'
	last=$WORK/argdist.last
	assert_count "$last" '^        64 -> 127        : 1 ' 1
	assert_count "$last" '^       512 -> 1023       : [23] ' 1
	assert_count "$last" '^      8192 -> 16383      : 3 ' 1
	pass "argdist -H 'r::vfs_read()': histogram of the return values"
else
	echo "note: argdist not built, its kernel-function check not run"
fi

# vfs_write: 3 writes to stdout and 5 to a pipe.
if has_tool funccount; then
	with_waiting_target funccount writes -- "$CBCC_BIN/funccount" -p @PID@ 'vfs_*'
	assert_grep "$WORK/funccount.out" '^FUNC +COUNT$' "header"
	assert_count "$WORK/funccount.out" '^vfs_write +8$' 1
	pass "funccount 'vfs_*': vfs_write called 8 times"
else
	echo "note: funccount not built, its kernel-function check not run"
fi

if has_tool stackcount; then
	start_tracer stackcount "$CBCC_BIN/stackcount" ktime_get
	"$TARGET" sleep 50
	sleep 2
	stop_tracer
	assert_grep "$WORK/stackcount.out" '^  ktime_get$' "the probed function"
	assert_grep "$WORK/stackcount.out" '^    [0-9]+$' "a count"
	pass "stackcount ktime_get prints kernel stacks"
else
	echo "note: stackcount not built, its kernel-function check not run"
fi
