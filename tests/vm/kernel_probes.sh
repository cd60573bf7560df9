# Kernel-function probes, live: runs INSIDE the test VM (tests/vm_kernel.sh
# boots it), whose Debian 6.1 kernel has kprobes, fentry and BTF.
# Every check runs once per attach method the tools offer (kprobe, fentry).
. "$(dirname "$0")/../lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace
# A BCC compile takes ~25 s under emulation (~50 s the first time).
export CBCC_ATTACH_WAIT=${CBCC_ATTACH_WAIT:-300}

# The attach methods to test, each forced by its option (--kprobe, --fentry).
METHODS="kprobe fentry"
for m in $METHODS; do
	"$TRACE" "--$m" --ebpf do_sys_openat2 >/dev/null 2>"$WORK/method.err" ||
		fail "trace --$m is not available: $(head -1 "$WORK/method.err")"
done

# start_trace NAME METHOD ARGS...: runs trace --METHOD, output in $WORK/NAME-METHOD.out.
start_trace() {
	local name=$1 m=$2
	shift 2
	start_tracer "$name-$m" "$TRACE" "--$m" "$@"
}

# by_time FILE: the lines of FILE (trace -t output) ordered by timestamp.
by_time() { grep -E '^[0-9]+\.[0-9]+ ' "$1" | sort -s -n -k1,1; }

# Entry and return of do_sys_openat2: the unique path, then its fd (3).
check_openat2() {
	local m=$1 path="/tmp/cbcc-vm-open-$$-$1" out
	: >"$path"
	start_trace open "$m" -t 'do_sys_openat2 "%s", arg2' 'r::do_sys_openat2 "ret=%d", retval'
	"$TARGET" open "$path"
	stop_tracer
	out=$WORK/open-$m.out
	assert_grep "$out" '^TIME +PID +TID +COMM +FUNC +-$' "header"
	assert_count "$out" " target +do_sys_openat2 +$path\$" 1
	by_time "$out" | grep ' target ' | grep -A1 -- " $path\$" | tail -1 >"$WORK/open-$m.ret"
	assert_grep "$WORK/open-$m.ret" ' target +do_sys_openat2 +ret=3$' "the return after the open of $path"
	pass "$m: do_sys_openat2 entry prints the user-space path, its return the fd"
}

# A string argument read from kernel memory: the struct filename's name.
check_kernel_string() {
	local m=$1 path="/tmp/cbcc-vm-kstr-$$-$1"
	: >"$path"
	start_trace kstr "$m" 'do_filp_open(int dfd, struct filename *pathname) "%s", pathname->name'
	"$TARGET" open "$path"
	stop_tracer
	assert_count "$WORK/kstr-$m.out" " target +do_filp_open +$path\$" 1
	pass "$m: %s of a kernel pointer prints the string"
}

# A signature parameter with a kernel struct from -I: the loopback address.
check_tcp_connect() {
	local m=$1
	start_trace tcp "$m" 'tcp_connect(struct sock *sk) "%x", sk->sk_daddr' -I net/sock.h
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>/dev/null || true
	stop_tracer
	assert_grep "$WORK/tcp-$m.out" ' tcp_connect +100007f$'
	pass "$m: tcp_connect(struct sock *sk) prints sk->sk_daddr of 127.0.0.1"
}

# The tcp_connect one-liner with its types from elsewhere than the kernel's
# BTF (the default, above): from the installed headers (they match this
# kernel), and from BTF with the headers hidden (a private mount namespace, no
# program cache).
check_tcp_connect_types() {
	local hide='mount -t tmpfs none "/lib/modules/$(uname -r)" &&
		for d in /usr/src/linux-headers-*; do mount -t tmpfs none "$d" || exit 1; done &&
		[ ! -e "/lib/modules/$(uname -r)/build" ] && exec "$0" "$@"'
	CBCC_KERNEL_TYPES=headers start_tracer tcp-headers "$TRACE" --kprobe \
		'tcp_connect(struct sock *sk) "%x", sk->sk_daddr' -I net/sock.h
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>/dev/null || true
	stop_tracer
	assert_grep "$WORK/tcp-headers.out" ' tcp_connect +100007f$'
	start_tracer tcp-hidden unshare -m --propagation private sh -c "$hide" "$TRACE" --kprobe \
		--no-cache 'tcp_connect(struct sock *sk) "%x", sk->sk_daddr' -I net/sock.h
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>/dev/null || true
	stop_tracer
	assert_grep "$WORK/tcp-hidden.out" ' tcp_connect +100007f$'
	pass "tcp_connect(struct sock *sk): sk->sk_daddr from the headers' types, and from BTF without headers"
}

# Kernel stacks (-K -a) at the entry and the return of vfs_read (6 reads):
# from fentry/fexit the BPF trampoline's frames are dropped, so they read as
# a kprobe's (the function first) and a kretprobe's (its caller first).
check_kstack() {
	local m=$1 out
	start_waiting_target reads
	start_trace kstack "$m" -K -a -p "$TARGET_PID" 'vfs_read "n=%d", arg3' 'r::vfs_read "r=%d", retval'
	go_target
	out=$WORK/kstack-$m.out
	# symbolizing the first kernel stack takes over a second under emulation
	wait_lines "$out" ' target +vfs_read +[nr]=' 12
	stop_tracer
	assert_count "$out" ' target +vfs_read +n=10000$' 3
	assert_count "$out" ' target +vfs_read +r=10000$' 3
	# each entry's stack starts at vfs_read, each return's at ksys_read
	assert_count "$out" '^        [0-9a-f]{16} vfs_read\+0x[0-9a-f]+ \[kernel\]$' 6
	assert_count "$out" '^        [0-9a-f]{16} ksys_read\+0x[0-9a-f]+ \[kernel\]$' 12
	assert_no_grep "$out" "$BPF_FRAME_RE"
	awk '/ target +vfs_read /{ sub(/^[0-9]+ +[0-9]+ +/, ""); print; getline; print }' "$out" |
		sort | uniq -c >"$WORK/kstack-$m.cmp"
	pass "$m: trace -K: vfs_read's kernel stacks at entry and return"
}

for m in $METHODS; do
	check_kstack "$m"
	check_openat2 "$m"
	check_kernel_string "$m"
	check_tcp_connect "$m"
	assert_no_leftovers
done
check_tcp_connect_types
assert_no_leftovers

# Identical output either way (apart from pids and the timestamps).
for name in open kstr tcp; do
	for m in $METHODS; do
		# the test's own lines: the target's opens, bash's connect (other
		# processes, e.g. the VM's shell, open files at random times)
		grep -E ' target .*(cbcc-vm|ret=3$)| bash .*100007f$' "$WORK/$name-$m.out" |
			sed -E 's/^[0-9]+\.[0-9]+ +//; s/^[0-9]+ +[0-9]+ +//; s/-(kprobe|fentry)$//' |
			sort -u >"$WORK/$name-$m.cmp"
	done
done
for name in open kstr tcp kstack; do # kstack's were made by check_kstack
	cmp -s "$WORK/$name-kprobe.cmp" "$WORK/$name-fentry.cmp" ||
		fail "$name: kprobe and fentry output differ: $(diff "$WORK/$name-kprobe.cmp" "$WORK/$name-fentry.cmp" | head -5)"
done
pass "kprobe and fentry print the same lines and kernel stacks"

# Without --kprobe/--fentry, -v says fentry was chosen (this kernel has it);
# the program is the one the fentry run above put in the program cache.
start_tracer auto "$TRACE" -v -t 'do_sys_openat2 "%s", arg2' 'r::do_sys_openat2 "ret=%d", retval'
for _ in $(seq 600); do grep -q 'program cache' "$WORK/auto.err" && break; sleep 0.1; done
stop_tracer
assert_grep "$WORK/auto.err" '^trace: do_sys_openat2 "%s", arg2: fentry \(kernel BTF describes .do_sys_openat2. and a test fentry program loaded\)$'
assert_grep "$WORK/auto.err" '^trace: r::do_sys_openat2 "ret=%d", retval: fexit \('
assert_grep "$WORK/auto.err" 'program cache hit'
pass "-v: fentry/fexit chosen by default on this kernel, program cache warm"

# do_sys_open is inlined on this kernel: its probe attaches but never fires,
# and -v names the replacement at exit.
READY_RE='^PID' start_tracer inlined "$TRACE" -v 'do_sys_open "%s", arg2'
"$TARGET" open "/tmp/cbcc-vm-inlined-$$"
stop_tracer
assert_grep "$WORK/inlined.err" '^trace: do_sys_open "%s", arg2: no event seen; the function may be inlined into its callers on this kernel \(try do_sys_openat2\)$'
pass "-v: a silent kernel function probe gets a hint at exit"

. "$(dirname "$0")/kernel_tools.sh"
