# Live tests of stackcount: real stacks of a test program, exact frames.
. "$(dirname "$0")/lib.sh"
need_bpf
SC=$CBCC_BIN/stackcount
cp "$TARGET" "$WORK/target"
TARGET=$WORK/target

# -U -p on chain: the caller recovered at entry (leaf_fn) and the frames in
# order; the same through a uprobe_multi link (the default) and one uprobe
# (--no-multi), --debug saying which.
for mode in multi single; do
	flag=
	[ "$mode" = single ] && flag=--no-multi
	start_waiting_target chain
	READY_RE='^Tracing' start_tracer "chain-$mode" "$SC" --debug $flag -U -p "$TARGET_PID" c:malloc
	go_target
	stop_tracer
	out=$WORK/chain-$mode.out
	assert_grep "$out" '^Tracing 1 functions for "c:malloc"\.\.\. Hit Ctrl-C to end\.$'
	awk '/malloc$/ {f=1} f && /^  [a-z_]/ && n < 5 {print $1; n++} /^    [0-9]+$/ {f=0}' "$out" |
		tr '\n' ' ' | grep -qE '^(__libc_)?malloc leaf_fn mid_fn top_fn main $' ||
		fail "chain frames out of order: $(cat "$out")"
	assert_count "$out" '^Detaching\.\.\.$' 1
	sed -n '/^Tracing/,$p' "$out" >"$WORK/chain-$mode.stacks"
done
assert_grep "$WORK/chain-multi.err" '^stackcount: 1 function of .*libc\.so\.6: one uprobe_multi link$'
assert_grep "$WORK/chain-single.err" '^stackcount: 1 function of .*libc\.so\.6: one uprobe each \(--no-multi\)$'
cmp -s "$WORK/chain-multi.stacks" "$WORK/chain-single.stacks" ||
	fail "uprobe_multi and one uprobe print different stacks: $(diff "$WORK/chain-multi.stacks" "$WORK/chain-single.stacks")"
pass "-U -p: malloc <- leaf_fn <- mid_fn <- top_fn <- main, through uprobe_multi and one uprobe"

# -f: folded lines "comm;main;top_fn;mid_fn;leaf_fn;malloc COUNT" (-p implies -P).
start_waiting_target chain
"$SC" -f -U -D 3 -p "$TARGET_PID" c:malloc >"$WORK/fold.out" 2>"$WORK/fold.err" &
TRACER_PID=$!
for _ in $(seq 300); do grep -q '^Tracing' "$WORK/fold.err" && break; sleep 0.1; done
go_target
wait_tracer
grep -qE '^target;.*main;top_fn;mid_fn;leaf_fn;(__libc_)?malloc 1$' "$WORK/fold.out" ||
	fail "folded output: $(cat "$WORK/fold.out")"
assert_no_grep "$WORK/fold.out" '^Tracing|Detaching'
pass "-f folded output"

# --json: the same stack as an object (user frames only with -U; -p implies -P).
start_waiting_target chain
READY_ERR_RE='Hit Ctrl-C' start_tracer json "$SC" --json -U -D 3 -p "$TARGET_PID" c:malloc
go_target
wait_tracer
check_json "$WORK/json.out" "$TARGET_PID" <<'PY' || fail "--json output is not what was expected"
assert len(objs) == 1 and sorted(objs[0]) == ["stacks", "time", "timestamp"], objs
stacks = [s for s in objs[0]["stacks"] if "leaf_fn" in s["user"]]
assert len(stacks) == 1, objs
s = stacks[0]
assert sorted(s) == ["comm", "count", "pid", "user"], s
assert s["count"] == 1 and s["pid"] == int(args[0]) and s["comm"] == "target", s
assert s["user"][0] in ("malloc", "__libc_malloc") and s["user"][1:5] == ["leaf_fn", "mid_fn", "top_fn", "main"], s
PY
assert_no_grep "$WORK/json.out" 'Tracing|Detaching'
pass "--json stacks"

# -P: stacks split per process, each with its comm and pid. (Symbols of a
# process that exits within microseconds of its first event may be lost:
# only the split is checked.)
start_tracer perpid "$SC" -P -U "$TARGET:leaf_fn"
"$TARGET" chain
"$TARGET" chain
stop_tracer
assert_count "$WORK/perpid.out" '^    target \[[0-9]+\]$' 2
assert_count "$WORK/perpid.out" '^    1$' 2
pass "-P splits stacks per process"

# A tracepoint with kernel and user stacks and -d: the delimiter between them.
start_waiting_target getppid 3
start_tracer tp "$SC" -d -p "$TARGET_PID" t:syscalls:sys_enter_getppid
go_target
stop_tracer
assert_grep "$WORK/tp.out" '^    --$'
assert_grep "$WORK/tp.out" '^    3$'
pass "tracepoint, both stacks, -d delimiter"

assert_no_leftovers
