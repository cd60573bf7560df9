# Kernel types from the running kernel's BTF (lib/system/ktypes.h), live: struct
# layouts are this kernel's whatever headers are installed (ours describe
# Debian's 6.1, the kernel is newer: through them task_struct->tgid is
# garbage), BCC's -I one-liners keep working, and CBCC_KERNEL_TYPES=headers
# still compiles against the headers. tests/no_headers.sh runs this script
# again with the headers hidden (CBCC_HEADERS_HIDDEN=1).
. "$(dirname "$0")/lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace
TASK='((struct task_struct *)bpf_get_current_task())'
[ -r /sys/kernel/btf/vmlinux ] || fail "these checks need the kernel's BTF (/sys/kernel/btf/vmlinux)"

# The one-liner of issue 14: the traced process's real pid and tgid, its
# parent's tgid (through ->real_parent) and the host name (two pointers
# deep: ->nsproxy->uts_ns); -v says where the types came from.
start_waiting_target getppid 5
READY_RE='^PID' start_tracer task "$TRACE" -v --no-cache -p "$TARGET_PID" -I linux/sched.h \
	"t:syscalls:sys_enter_getppid \"tgid=%d pid=%d ppid=%d host=%s\", $TASK->tgid, $TASK->pid, $TASK->real_parent->tgid, $TASK->nsproxy->uts_ns->name.nodename"
go_target
stop_tracer
assert_count "$WORK/task.out" '^[0-9]+ +[0-9]+ +[^ ]+ +sys_enter_getppid ' 5
assert_count "$WORK/task.out" " target +sys_enter_getppid +tgid=$TARGET_PID pid=$TARGET_PID ppid=$$ host=$(uname -n)\$" 5
assert_grep "$WORK/task.err" '^trace: kernel types: [0-9]+ named by the program, [0-9]+ bytes of C from /sys/kernel/btf/vmlinux$'
assert_no_grep "$WORK/task.err" 'warning'
pass "task_struct fields from BTF: pid, tgid, parent, host name"

# argdist -C keyed on a task_struct field: 7 calls counted under the pid.
run_argdist tgid getppid 7 -- -c -p @PID@ -C "t:syscalls:sys_enter_getppid():u32:$TASK->tgid"
assert_count "$WORK/tgid.last" $'^\t[0-9]' 1
task_re=$(printf '%s' "$TASK" | sed 's/[][\.*^$()+?{}|]/\\&/g')
assert_count "$WORK/tgid.last" $'^\t7 +'"$task_re->tgid = $TARGET_PID\$" 1
pass "argdist -C keyed on task_struct->tgid"

# A refused loopback connect from a known port: its socket goes to SYN_SENT
# in the connect call (the process's own event; the way back to CLOSE may be
# seen from another context, with the port already released). net/sock.h's
# alias macros (sk_daddr, sk_num) and a struct cast on a tracepoint field,
# with no -I at all.
connect_refused() {
	python3 -c '
import os, socket
closed = socket.socket()
closed.bind(("127.0.0.1", 0))  # bound, not listening: connects are refused
c = socket.socket()
c.bind(("127.0.0.1", 0))
c.connect_ex(closed.getsockname())
print(os.getpid(), c.getsockname()[1], flush=True)  # after the connect: its event is out
'
}
start_tracer sock "$TRACE" 't:sock:inet_sock_set_state "%x %d", ((struct sock *)args->skaddr)->sk_daddr, ((struct sock *)args->skaddr)->sk_num'
read -r pypid port < <(connect_refused)
stop_tracer
assert_count "$WORK/sock.out" "^$pypid +$pypid +python3 +inet_sock_set_state +100007f $port\$" 1
pass "inet_sock_set_state: sk_daddr 127.0.0.1 and the local port $port"

if [ "${CBCC_HEADERS_HIDDEN:-}" = 1 ]; then
	# No headers: the headers path says so in one line.
	CBCC_KERNEL_TYPES=headers expect_error 1 "kernel headers not found" \
		"$TRACE" 't:syscalls:sys_enter_getppid'
	pass "CBCC_KERNEL_TYPES=headers without headers: one clear error"
else
	# The headers path (for kernels without BTF): they still compile,
	# with the warning that they describe another kernel; -v says so.
	path="/tmp/cbcc-types-$$-unique"
	CBCC_KERNEL_TYPES=headers READY_RE='^PID' start_tracer hdr "$TRACE" -v \
		-I net/sock.h 't:syscalls:sys_enter_openat "%s", args->filename' \
		't:sock:inet_sock_set_state "%x", ((struct sock *)args->skaddr)->sk_daddr'
	"$TARGET" open "$path"
	stop_tracer
	assert_count "$WORK/hdr.out" "^[0-9]+ +[0-9]+ +target +sys_enter_openat +$path\$" 1
	assert_grep "$WORK/hdr.err" '^trace: kernel types from kernel headers \(/lib/modules/[^)]+/build\)$'
	assert_grep "$WORK/hdr.err" '^trace: warning: kernel headers are version .* but the running kernel is'
	assert_no_grep "$WORK/hdr.err" 'kernel types: [0-9]+ named'
	pass "CBCC_KERNEL_TYPES=headers compiles against the headers, with the version warning"
fi

# What BTF cannot provide, and BTF that cannot be read (a private mount
# namespace puts junk over it): one line, with the way out.
expect_error 1 "use of undeclared identifier 'FMODE_READ' \(kernel types come from BTF: .*CBCC_KERNEL_TYPES=headers" \
	"$TRACE" --no-cache 't:syscalls:sys_enter_getppid "%d", FMODE_READ'
echo junk >"$WORK/junk.btf"
expect_error 1 "kernel types from BTF: /sys/kernel/btf/vmlinux is not BTF data \(CBCC_KERNEL_TYPES=headers" \
	unshare -m --propagation private sh -c 'mount --bind "$1" /sys/kernel/btf/vmlinux && shift && exec "$@"' \
	sh "$WORK/junk.btf" "$TRACE" --no-cache 't:syscalls:sys_enter_getppid'
pass "a macro BTF lacks, and unreadable BTF: one error line naming the way out"

expect_error 1 "invalid CBCC_KERNEL_TYPES value 'bogus\?': use auto, btf or headers" \
	env CBCC_KERNEL_TYPES=$'bogus\n' "$TRACE" 't:syscalls:sys_enter_getppid'
pass "an invalid CBCC_KERNEL_TYPES is one error line"
assert_no_leftovers
