# Limits and numbers: file descriptors (the soft limit raised to the hard
# one, a plan too big for the limit refused before attaching, tiny limits),
# a 64 KiB stack, little address space for clang, numbers out of range in
# every tool, files that are not ELF, tplist's filter and privileges.
. "$(dirname "$0")/lib.sh"
need_bpf
export CBCC_CACHE_DIR="$WORK/cache"
GETPPID='t:syscalls:sys_enter_getppid'

# bash -c "$LIMITED" N OPTION CMD...: CMD under `ulimit OPTION N` (soft and
# hard, unless OPTION says -S), with no descriptors but 0-2 (ctest may pass
# others). A script, not a function: start_tracer needs the tool's pid.
LIMITED='for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && eval "exec $fd>&-"
done
ulimit "$1" "$0" && shift && exec "$@"'
limited() {
	timeout -s KILL "${CBCC_ATTACH_WAIT:-60}" bash -c "$LIMITED" "$@"
}

# The arguments of a short run of each tracing tool.
args_of() {
	case $1 in
	trace) echo "-M 1 $GETPPID" ;;
	argdist) echo "-d 1 -C $GETPPID()" ;;
	funccount) echo "-d 1 $GETPPID" ;;
	stackcount) echo "-D 1 $GETPPID" ;;
	execsnoop) echo "" ;;
	opensnoop) echo "-d 1" ;;
	esac
}
TRACERS="trace argdist funccount stackcount execsnoop opensnoop"

# --- file descriptors ---
for n in 4 5 6 7; do
	for t in $TRACERS; do
		# shellcheck disable=SC2046
		expect_error 1 "^$t: too few file descriptors: the limit is $n \(ulimit -n\), tracing needs at least 16$" \
			limited "$n" -n "$CBCC_BIN/$t" $(args_of "$t")
	done
	limited "$n" -n "$CBCC_BIN/tplist" 'sched:sched_sw*' >"$WORK/tplist$n.out" || fail "tplist failed with ulimit -n $n"
	assert_grep "$WORK/tplist$n.out" '^sched:sched_switch$'
done
pass "ulimit -n 4..7: one line from each tool, tplist works"

# Plans that need more descriptors than the hard limit allows: refused
# before anything is attached. 30 getXXX tracepoints need ~80 (funccount
# counts them with one raw_syscalls program unless --no-multi).
many='t:syscalls:sys_enter_get*'
too_few() { echo "^$1: too few file descriptors: attaching [0-9]+ probes needs about [0-9]+, but the limit is $2 \(ulimit -n\)$"; }
expect_error 1 "$(too_few funccount 40)" limited 40 -n "$CBCC_BIN/funccount" --no-multi "$many"
expect_error 1 "$(too_few stackcount 40)" limited 40 -n "$CBCC_BIN/stackcount" "$many"
probes=()
for _ in $(seq 20); do probes+=("p:$TARGET:cbcc_add"); done
expect_error 1 "^trace: too few file descriptors: attaching 20 probes needs about [0-9]+, but the limit is 40 \(ulimit -n\)$" \
	limited 40 -n "$CBCC_BIN/trace" "${probes[@]}"
# (24: enough for its compile and maps, not for its perf buffers)
expect_error 1 "^opensnoop: too few file descriptors: attaching [0-9]+ probes needs about [0-9]+, but the limit is 24 \(ulimit -n\)$" \
	limited 24 -n "$CBCC_BIN/opensnoop"
assert_no_leftovers
pass "plans too big for the descriptor limit fail before attaching"
# Only the soft limit low: raised to the hard one, and the plan works.
limited 40 -Sn "$CBCC_BIN/funccount" -d 1 "$many" >"$WORK/soft.out" 2>"$WORK/soft.err" ||
	fail "funccount with a soft limit of 40 failed: $(cat "$WORK/soft.err")"
assert_grep "$WORK/soft.out" '^Tracing [0-9]+ functions for "t:syscalls:sys_enter_get\*"'
assert_grep "$WORK/soft.out" '^FUNC +COUNT$'
pass "the soft descriptor limit is raised to the hard one"

# --- stack and address space (not under ASan, which needs both) ---
if [ "$CBCC_SANITIZE" = 1 ]; then
	pass "ulimit -s and -v: not in the sanitizer build (ASan itself needs more)"
else
	export CBCC_CACHE_DIR="$WORK/stack-cache"
	for round in cold warm; do
		for t in argdist funccount stackcount opensnoop; do
			# shellcheck disable=SC2046
			limited 64 -s "$CBCC_BIN/$t" $(args_of "$t") >"$WORK/stack-$t.out" 2>"$WORK/stack-$t.err" ||
				fail "$t ($round) failed with ulimit -s 64: $(tail -3 "$WORK/stack-$t.err")"
		done
		start_waiting_target getppid 1
		start_tracer "stack-trace-$round" bash -c "$LIMITED" 64 -s "$CBCC_BIN/trace" -M 1 \
			-p "$TARGET_PID" "$GETPPID"
		go_target
		wait_tracer
		assert_grep "$WORK/stack-trace-$round.out" ' target +sys_enter_getppid'
		start_tracer "stack-execsnoop-$round" bash -c "$LIMITED" 64 -s "$CBCC_BIN/execsnoop"
		"$TARGET" getppid 1
		wait_lines "$WORK/stack-execsnoop-$round.out" "^target +[0-9]+ .*$TARGET getppid 1\$" 1
		stop_tracer
	done
	limited 64 -s "$CBCC_BIN/tplist" -l "$TARGET" >"$WORK/stack-tplist.out" || fail "tplist failed with ulimit -s 64"
	assert_grep "$WORK/stack-tplist.out" 'cbcc:ping$'
	pass "ulimit -s 64: every tool works, cache miss and hit"
	export CBCC_CACHE_DIR="$WORK/cache"

	expect_error 1 "^trace: compiling the BPF program failed: clang ran out of memory \(the address space is limited to 250000 KB: ulimit -v\)$" \
		limited 250000 -v "$CBCC_BIN/trace" --no-cache -M 1 "$GETPPID"
	expect_error 1 "^trace: cannot load the BPF compiler \(libbcc\.so\.0\): .* \(the address space is limited to 150000 KB: ulimit -v\)$" \
		limited 150000 -v "$CBCC_BIN/trace" --no-cache -M 1 "$GETPPID"
	pass "ulimit -v: clang out of memory, or the compiler not loadable, said so"
fi

# --- numbers: overflow and the real limits (pid_max, CPUs) ---
pidmax=$(cat /proc/sys/kernel/pid_max)
ncpu=$(getconf _NPROCESSORS_CONF)
PIDS="\(1 to $((pidmax - 1)): pids are below kernel.pid_max\)"
SECS="\(1 to 2147483647 seconds\)"
number_error() { # OPTION VALUE RANGE_REGEX TOOL ARGS...
	expect_error 2 "argument $1: invalid value: '$2' $3" "$CBCC_BIN/$4" "${@:5}"
}
big=4294967297
number_error -p/--pid $big "$PIDS" trace -p $big "$GETPPID"
number_error -p/--pid $pidmax "$PIDS" trace -p "$pidmax" "$GETPPID"
number_error -L/--tid $big "$PIDS" trace -L $big "$GETPPID"
number_error --uid 4294967295 "\(0 to 4294967294\)" trace --uid 4294967295 "$GETPPID"
number_error -b/--buffer-pages 4294967296 "\(1 to 262144 pages, a power of two\)" trace -b 4294967296 "$GETPPID"
number_error -M/--max-events 99999999999999999999 "\(at least 1\)" trace -M 99999999999999999999 "$GETPPID"
number_error -p/--pid $big "$PIDS" argdist -p $big -C "$GETPPID()"
number_error -t/--tid $big "$PIDS" argdist -t $big -C "$GETPPID()"
number_error -i/--interval 18446744074 "$SECS" argdist -i 18446744074 -C "$GETPPID()"
number_error -d/--duration 18446744074 "$SECS" argdist -d 18446744074 -C "$GETPPID()"
number_error -p/--pid $big "$PIDS" funccount -p $big "$GETPPID"
number_error -i/--interval 18446744074 "$SECS" funccount -i 18446744074 "$GETPPID"
number_error -d/--duration 18446744074 "$SECS" funccount -d 18446744074 "$GETPPID"
number_error -c/--cpu 99 "\(no such CPU; CPUs online: [0-9,-]+\)" funccount -c 99 "$GETPPID"
number_error -c/--cpu "$ncpu" "\(no such CPU; CPUs online: [0-9,-]+\)" funccount -c "$ncpu" "$GETPPID"
number_error -p/--pid $big "$PIDS" stackcount -p $big "$GETPPID"
number_error -c/--cpu 99 "\(no such CPU; CPUs online: [0-9,-]+\)" stackcount -c 99 "$GETPPID"
number_error -i/--interval 18446744074 "$SECS" stackcount -i 18446744074 "$GETPPID"
number_error -D/--duration 18446744074 "$SECS" stackcount -D 18446744074 "$GETPPID"
number_error -p/--pid $big "$PIDS" opensnoop -p $big
number_error -t/--tid $big "$PIDS" opensnoop -t $big
number_error -d/--duration 18446744074 "$SECS" opensnoop -d 18446744074
number_error -b/--buffer-pages 4294967296 "\(1 to 262144 pages, a power of two\)" opensnoop -b 4294967296
number_error -P/--ppid $big "$PIDS" execsnoop -P $big
number_error -p/--pid $big "$PIDS" tplist -p $big
for t in opensnoop execsnoop; do
	expect_error 2 "argument -u/--uid: '$big' is not valid UID or user entry" "$CBCC_BIN/$t" -u $big
done
pass "numbers out of range: pids, uids, CPUs, seconds, pages, counts"

# --- files that are not ELF ---
printf '#!/bin/sh\necho hi\n' >"$WORK/script.sh"
chmod +x "$WORK/script.sh"
head -c 4096 /dev/urandom | tr -d '\177' >"$WORK/garbage"
while read -r file why; do
	not_elf="$file is not an ELF file \($why\)"
	expect_error 1 "^trace: error in probe 'p:$file:main': $not_elf$" "$CBCC_BIN/trace" "p:$file:main"
	expect_error 1 "^trace: error in probe 'u:$file:ping': $not_elf$" "$CBCC_BIN/trace" "u:$file:ping"
	expect_error 1 "^argdist: .*$not_elf$" "$CBCC_BIN/argdist" -C "p:$file:main()"
	expect_error 1 "^funccount: $not_elf$" "$CBCC_BIN/funccount" "$file:ma*"
	expect_error 1 "^stackcount: $not_elf$" "$CBCC_BIN/stackcount" "$file:main"
	expect_error 1 "^tplist: $not_elf$" "$CBCC_BIN/tplist" -l "$file"
done <<EOF
/etc a directory
$WORK/script.sh a script: probe the interpreter it runs instead
$WORK/garbage no ELF header
/dev/null not a regular file
EOF
pass "directories, scripts and garbage given as a binary"

# --- tplist ---
expect_error 1 "^tplist: invalid filter 'bad\[regex': the '\[' at offset 3 has no closing '\]'$" \
	"$CBCC_BIN/tplist" 'bad[regex'
"$CBCC_BIN/tplist" 'sched:sched_sw[i]tch' >"$WORK/brackets.out" || fail "tplist with a bracket failed"
assert_count "$WORK/brackets.out" '^sched:sched_switch$' 1
expect_error 1 "^tplist: cannot read the tracepoints under /sys/kernel/(debug/)?tracing: Permission denied \(run as root\)$" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CBCC_BIN/tplist"
pass "tplist: an unclosed '[' in the filter, and not root"
assert_no_leftovers
