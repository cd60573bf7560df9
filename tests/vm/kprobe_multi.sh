# kprobe_multi links, live: runs INSIDE the test VM booted with Debian 12's
# 6.12 kernel (tests/vm_kprobe_multi.sh), which has them (CONFIG_FPROBE).
# funccount 'vfs_*' counts through one kprobe_multi link by default and
# through one kprobe each with --no-multi: exact counts both ways.
. "$(dirname "$0")/../lib.sh"
need_bpf
export CBCC_ATTACH_WAIT=${CBCC_ATTACH_WAIT:-300} # a compile under emulation
FC=$CBCC_BIN/funccount
[ -x "$FC" ] || fail "funccount has not been built"

# vfs_write: 3 writes to stdout and 5 to a pipe (tests/progs/target.c writes).
for m in multi single; do
	args=(-D)
	[ "$m" = single ] && args=(-D --kprobe --no-multi)
	start_waiting_target writes
	READY_RE='^Tracing' start_tracer "fc-$m" "$FC" "${args[@]}" -p "$TARGET_PID" 'vfs_*'
	go_target
	stop_tracer
	out=$WORK/fc-$m.out err=$WORK/fc-$m.err
	assert_grep "$out" '^Tracing [0-9]+ functions for "vfs_\*"'
	assert_count "$out" '^vfs_write +8$' 1
	if [ "$m" = multi ]; then
		assert_grep "$err" '^funccount: [0-9]+ kernel functions: one kprobe_multi link$'
		assert_count "$err" '^Detaching [0-9]+ probes\.\.\.$' 0
	else
		assert_count "$err" 'kprobe_multi link' 0
		assert_grep "$err" '^funccount: vfs_write: kprobe'
		assert_grep "$err" '^Detaching [0-9]+ probes\.\.\.$'
	fi
done
pass "funccount 'vfs_*': vfs_write 8 times through one kprobe_multi link and through one kprobe each (--no-multi)"
