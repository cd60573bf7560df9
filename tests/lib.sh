# Shared helpers for cbcc's shell tests. Sourced by tests/*.sh; ctest sets
# CBCC_BIN (the tools directory) and TARGET (the test program).
# pipefail: a pipeline whose status is tested fails when any part of it
# fails, so `tool | grep -q x` cannot pass on grep's status when the tool
# crashed. A reader that exits before its input ends (head, grep -q, awk's
# exit) may kill the writer with SIGPIPE (status 141): such readers get a
# file, or the whole input (`grep -q x file`, awk counting instead of head).
set -u -o pipefail

SKIP=77
WORK=$(mktemp -d /tmp/cbcc-test.XXXXXX)
TRACER_PID=
BG_PIDS=() # other background processes of the test, killed on exit (as are
# the tracer and the last waiting target)
trap 'cleanup' EXIT

cleanup() {
	local p
	for p in "$TRACER_PID" "${TARGET_PID:-}" "${BG_PIDS[@]}"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	# Sanitizer reports in captured output reach ctest, which fails on them.
	# (The pattern does not match its own text: execsnoop's tests capture
	# every command line on the machine, this grep's included.)
	grep -rsE -A12 'runtime[ ]error:|ERROR: (Address|Leak)Sanitizer' "$WORK" >&2
	rm -rf "$WORK"
}

fail() {
	echo "FAIL: $*" >&2
	for f in "$WORK"/*.out "$WORK"/*.err; do
		[ -s "$f" ] && { echo "--- $f" >&2; head -40 "$f" >&2; }
	done
	exit 1
}

pass() { echo "ok: $*"; }

# Live tests need root and tracefs; they fail rather than skip in CI.
need_bpf() {
	local why=
	[ "$(id -u)" = 0 ] || why="not root"
	[ -d /sys/kernel/debug/tracing/events ] || why="${why:+$why, }tracefs not mounted"
	[ -r /sys/kernel/btf/vmlinux ] || [ -e "/lib/modules/$(uname -r)/build" ] ||
		why="${why:+$why, }neither kernel BTF nor kernel headers"
	if [ -n "$why" ]; then
		if [ "${CI:-}" = true ]; then
			fail "BPF unavailable in CI ($why): run scripts/setup.sh"
		fi
		echo "skip: BPF unavailable ($why)"
		exit $SKIP
	fi
}

# start_tracer NAME TOOL ARGS...: runs the tool in the background with output
# in $WORK/NAME.out / .err and waits until it has printed its first line
# (the header, printed once every probe is attached), or a line matching
# $READY_RE when that is set (e.g. '^PID' after -v's program text).
start_tracer() {
	launch_tracer "$@"
	tracer_ready "$1"
}

# launch_tracer NAME TOOL ARGS...: start_tracer without the wait, for tools
# that attach side by side (then tracer_ready NAME PID for each).
launch_tracer() {
	local name=$1
	shift
	# Emptied here, not only by the redirections below: those run in the
	# child, and a wait that saw the last run's output under the same name
	# would signal a tool that has not installed its handlers yet (SIGHUP
	# kills it, SIGINT is ignored by a background job until then).
	: >"$WORK/$name.out"
	: >"$WORK/$name.err"
	"$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	TRACER_PID=$!
}

# tracer_ready NAME [PID]: waits as start_tracer does for tracer PID
# ($TRACER_PID by default).
tracer_ready() {
	local name=$1 pid=${2:-$TRACER_PID}
	for _ in $(seq $((${CBCC_ATTACH_WAIT:-60} * 10))); do
		if [ -n "${READY_ERR_RE:-}" ]; then # tools whose stdout is only data (--json)
			grep -qE -- "$READY_ERR_RE" "$WORK/$name.err" 2>/dev/null && return 0
		elif [ -n "${READY_RE:-}" ]; then
			grep -qE -- "$READY_RE" "$WORK/$name.out" 2>/dev/null && return 0
		else
			[ -s "$WORK/$name.out" ] && return 0
		fi
		kill -0 "$pid" 2>/dev/null || fail "$name: tracer exited before attaching"
		sleep 0.1
	done
	fail "$name: tracer did not attach within ${CBCC_ATTACH_WAIT:-60} s"
}

# stop_tracer [SIGNAL]: stops the tracer (SIGINT by default) and checks it
# exits 0. No wait first: on a stop signal the tools print every event still
# in their perf buffers (and report every loss) before they exit.
stop_tracer() {
	local sig=${1:-INT} rc=0
	kill -"$sig" "$TRACER_PID" 2>/dev/null
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	[ "$rc" = 0 ] || fail "tracer exited with status $rc after SIG$sig"
}

# wait_tracer: waits for a tracer that exits on its own (-M, -d) and checks status 0.
wait_tracer() {
	local rc=0
	for _ in $(seq 300); do
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TRACER_PID" 2>/dev/null && fail "tracer did not exit on its own"
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	[ "$rc" = 0 ] || fail "tracer exited with status $rc"
}

# start_waiting_target ARGS...: a target blocked until go_target, pid in TARGET_PID.
start_waiting_target() {
	"$TARGET" --wait "$@" >"$WORK/target.out" 2>&1 &
	TARGET_PID=$!
	wait_target_ready "$WORK/target.out"
}

# wait_target_ready FILE: until a target started with --wait (output in
# FILE) is ready for SIGUSR1.
wait_target_ready() {
	for _ in $(seq 100); do
		grep -q ready "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "target did not start"
}

go_target() {
	kill -USR1 "$TARGET_PID"
	wait "$TARGET_PID" || fail "target failed"
}

assert_grep() { # FILE REGEX [what]
	grep -qE -- "$2" "$1" || fail "${3:-$1} lacks /$2/"
}

# A frame of BPF code in a printed stack, as kallsyms names it (kernel
# functions such as bpf_trampoline_link_prog are ordinary frames).
BPF_FRAME_RE='bpf_prog_[0-9a-f]{16}_|bpf_trampoline_[0-9]+([+ ]|$)'

assert_no_grep() {
	grep -qE -- "$2" "$1" &&
		fail "${3:-$1} has unexpected /$2/:
$(grep -nE -B4 -A4 -- "$2" "$1" | head -30)"
	return 0
}

# last_block NAME: the last interval ("[HH:MM:SS]" and what follows) of NAME.out.
last_block() {
	awk '/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$/ { buf = "" } { buf = buf $0 "\n" }
		END { printf "%s", buf }' "$WORK/$1.out" >"$WORK/$1.last"
	echo "$WORK/$1.last"
}

# run_argdist NAME MODE ARG -- ARGDIST_ARGS...: a waiting target in MODE, argdist
# on it (@PID@ in the arguments is the target's pid), the target run, and one
# more interval so its events are printed. argdist prints nothing until its
# first interval, so start_tracer (which waits for the first output line)
# returns once the probes have been attached for a whole interval; -c keeps the
# counts so the last interval holds them all.
run_argdist() {
	local name=$1 mode=$2 arg=$3 a args=()
	shift 4
	start_waiting_target $mode $arg
	for a in "$@"; do args+=("${a//@PID@/$TARGET_PID}"); done
	start_tracer "$name" "$CBCC_BIN/argdist" -i 1 "${args[@]}"
	go_target
	sleep 1.3
	stop_tracer
	last_block "$name" >/dev/null
}

# Count of lines matching REGEX in FILE.
count_lines() { grep -cE -- "$2" "$1" 2>/dev/null || true; }

# wait_lines FILE REGEX N [WHAT]: waits until FILE has at least N lines
# matching REGEX (the tools flush their output as they poll); fails after
# CBCC_ATTACH_WAIT seconds (60; more under emulation).
wait_lines() {
	local n secs=${CBCC_ATTACH_WAIT:-60}
	for _ in $(seq $((secs * 10))); do
		n=$(count_lines "$1" "$2")
		[ "${n:-0}" -ge "$3" ] && return 0
		sleep 0.1
	done
	fail "${4:-$1}: fewer than $3 lines matching /$2/ within $secs s (got ${n:-0})"
}

assert_count() { # FILE REGEX EXPECTED
	local n
	n=$(count_lines "$1" "$2")
	[ "$n" = "$3" ] || fail "$1: expected $3 lines matching /$2/, got $n"
}

# check_json FILE [ARG...] <<'PY' ... PY: every line of FILE is one JSON
# object (read by Python's json module) with "time" (HH:MM:SS, the local time
# of "timestamp") and a float "timestamp"; the Python code on stdin then
# asserts on objs (the parsed lines) and args (the ARGs).
check_json() {
	local file=$1
	shift
	python3 -c '
import json, sys, time
objs = [json.loads(line) for line in open(sys.argv[1])]
args = sys.argv[2:]
for o in objs:
	assert isinstance(o, dict) and isinstance(o["timestamp"], float), o
	assert o["time"] == time.strftime("%H:%M:%S", time.localtime(int(o["timestamp"]))), o
exec(sys.stdin.read())
' "$file" "$@"
}

# No probe outlives its tool: no entries in the tracefs probe lists (libbcc's
# fallback when the kernel lacks the perf uprobe/kprobe PMUs), and no tool
# process still running (perf-event probes live exactly as long as it does).
assert_no_leftovers() {
	local f left
	for f in /sys/kernel/debug/tracing/uprobe_events /sys/kernel/debug/tracing/kprobe_events; do
		[ -r "$f" ] || continue
		grep -q cbcc_ "$f" && fail "leftover probe entries in $f: $(grep cbcc_ "$f")"
	done
	for _ in $(seq 50); do # a tool that was just signalled may still be closing
		left=$(pgrep -a -f "^$CBCC_BIN/" || true)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	fail "tool processes still running: $left"
}

# A pid below kernel.pid_max that no process or thread has (from the top,
# where the kernel hands out pids last).
free_pid() {
	local p
	p=$(($(cat /proc/sys/kernel/pid_max) - 1))
	while [ -e "/proc/$p" ] || [ -e "/proc/$((p - 1))" ]; do
		p=$((p - 2))
	done
	echo "$p"
}

# expect_error EXPECTED_STATUS REGEX TOOL ARGS...: one line on stderr matching REGEX.
expect_error() {
	local want=$1 re=$2 rc=0 lines
	shift 2
	# a tool that runs instead of failing is killed (exit 137), not waited for
	# (a shell function is run as it is)
	if declare -F "$1" >/dev/null; then
		"$@" >"$WORK/err.out" 2>"$WORK/err.err" </dev/null || rc=$?
	else
		timeout -s KILL "${CBCC_ATTACH_WAIT:-60}" "$@" >"$WORK/err.out" 2>"$WORK/err.err" </dev/null || rc=$?
	fi
	[ "$rc" = "$want" ] || fail "$* exited $rc, expected $want"
	grep -v '^trace: warning\|^[a-z]*: warning' "$WORK/err.err" | grep -v '^usage:\|^  ' >"$WORK/err.msg" || true
	lines=$(wc -l <"$WORK/err.msg")
	[ "$lines" = 1 ] || fail "$*: expected one error line, got $lines"
	grep -qE -- "$re" "$WORK/err.msg" || fail "$*: error '$(cat "$WORK/err.msg")' lacks /$re/"
	grep -qi 'traceback\|segmentation\|sanitizer' "$WORK/err.err" && fail "$*: crashed"
	return 0
}
