# tplist: tracepoints with fields, USDT probes of a binary and a process.
. "$(dirname "$0")/lib.sh"
need_bpf
TP=$CBCC_BIN/tplist

"$TP" 'sched:sched_sw*' >"$WORK/tp.out" || fail "tplist failed"
assert_count "$WORK/tp.out" '^sched:sched_switch$' 1
assert_no_grep "$WORK/tp.out" '^syscalls:'
"$TP" -v 'sched:sched_switch' >"$WORK/v.out"
assert_grep "$WORK/v.out" '^    char prev_comm\[16\];$'
assert_grep "$WORK/v.out" '^    pid_t next_pid;$'
assert_no_grep "$WORK/v.out" 'common_'
# Filters are shell wildcards (BCC's fnmatch), not funccount's regular
# expressions: '?' one character, '.' literal.
"$TP" 'sched:sched_sw?tch' >"$WORK/q.out"
assert_count "$WORK/q.out" '.' 1
assert_count "$WORK/q.out" '^sched:sched_switch$' 1
"$TP" 'sched:sched_sw.tch' >"$WORK/dot.out"
assert_count "$WORK/dot.out" '.' 0
pass "tracepoints and their fields; fnmatch filters"

"$TP" -l "$TARGET" >"$WORK/u.out"
assert_count "$WORK/u.out" "^$TARGET cbcc:ping\$" 1
"$TP" -vv -l "$TARGET" 'cbcc:*' >"$WORK/uv.out"
assert_grep "$WORK/uv.out" '^cbcc:ping \[sema 0x0\]$'
assert_grep "$WORK/uv.out" '^    argument #1 4 signed   bytes @ '
assert_grep "$WORK/uv.out" '^    argument #2 8 unsigned bytes @ '
"$TP" -v -l "$TARGET" >"$WORK/u1.out"
assert_grep "$WORK/u1.out" '^  2 argument\(s\)$'
pass "USDT probes of a binary"

# The listing of BCC's tplist, line for line: tracepoints in tracefs order
# (not sorted), with their fields; USDT probes under the path as the user
# gave it (relative, or a symlink), not the file it leads to.
"$TP" >"$WORK/all.out"
tplist-bpfcc >"$WORK/all.bcc" 2>&1 || fail "tplist-bpfcc failed: $(head -3 "$WORK/all.bcc")"
cmp -s "$WORK/all.out" "$WORK/all.bcc" || fail "tplist and tplist-bpfcc list tracepoints differently: $(diff "$WORK/all.out" "$WORK/all.bcc" | head -6)"
sort -c "$WORK/all.out" 2>/dev/null && fail "the tracefs order here is sorted: the order is not tested"
"$TP" -v 'sched:*' >"$WORK/v.out"
tplist-bpfcc -v 'sched:*' >"$WORK/v.bcc"
cmp -s "$WORK/v.out" "$WORK/v.bcc" || fail "tplist -v differs from BCC's: $(diff "$WORK/v.out" "$WORK/v.bcc" | head -6)"
ln -s "$TARGET" "$WORK/tlink"
"$TP" -l "$WORK/tlink" >"$WORK/link.out"
assert_count "$WORK/link.out" "^$WORK/tlink cbcc:ping\$" 1
(cd "$(dirname "$TARGET")" && "$TP" -l ./"$(basename "$TARGET")") >"$WORK/rel.out"
assert_count "$WORK/rel.out" "^\./$(basename "$TARGET") cbcc:ping\$" 1
pass "tracefs order, fields and USDT paths as BCC's tplist prints them"

start_waiting_target usdt 1
"$TP" -p "$TARGET_PID" 'cbcc:*' >"$WORK/p.out"
go_target
assert_grep "$WORK/p.out" ' cbcc:ping$'
pass "USDT probes of a process"

expect_error 2 "invalid value: 'x'" "$TP" -p x
expect_error 1 "can't find library or binary 'nosuchlib'" "$TP" -l nosuchlib
rc=0
(set -o pipefail; "$TP" | head -1 >/dev/null) || rc=$? # tplist's status, not head's
[ "$rc" = 0 ] || fail "tplist | head exited $rc"
pass "errors, closed stdout"
