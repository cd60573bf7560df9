# execsnoop and opensnoop: every class of bad input gives one clear line on
# stderr and the right exit status.
. "$(dirname "$0")/lib.sh"
need_bpf
ES=$CBCC_BIN/execsnoop
OS=$CBCC_BIN/opensnoop

# Usage errors: status 2.
expect_error 2 "execsnoop: error: unrecognized option '--bogus'" "$ES" --bogus
expect_error 2 "unrecognized arguments: extra" "$ES" extra
expect_error 2 "argument --max-args: invalid value: '0'" "$ES" --max-args 0
expect_error 2 "argument --max-args: invalid value: '1000' \(1 to 250\)" "$ES" --max-args 1000
expect_error 2 "argument --max-args: expected one argument" "$ES" --max-args
expect_error 2 "argument -u/--uid: 'no-such-user-cbcc' is not valid UID or user entry" "$ES" -u no-such-user-cbcc
expect_error 2 "argument -n/--name: invalid regular expression: '\('" "$ES" -n '('
expect_error 2 "argument -l/--line: invalid regular expression: '\[a'" "$ES" -l '[a'
expect_error 2 "argument -P/--ppid: invalid value: 'abc'" "$ES" -P abc
expect_error 2 "argument --cgroupmap: expected one argument" "$ES" --cgroupmap
expect_error 2 "argument --mntnsmap: expected one argument" "$OS" --mntnsmap
expect_error 2 "opensnoop: error: argument -f/--flag_filter: bad flag: 'O_BOGUS'" "$OS" -f O_BOGUS
expect_error 2 "argument -b/--buffer-pages: invalid value: '3' \(must be a power of two\)" "$OS" -b 3
expect_error 2 "argument -d/--duration: invalid value: 'soon'" "$OS" -d soon
expect_error 2 "argument -p/--pid: invalid value: '-5'" "$OS" -p -5
expect_error 2 "argument -t: expected one argument" "$OS" -t
expect_error 2 "argument -u/--uid: 'x y' is not valid UID or user entry" "$OS" -u 'x y'
pass "usage errors"

# Things that do not exist, and missing privileges: status 1.
nopid=$(free_pid)
expect_error 1 "opensnoop: process $nopid does not exist" "$OS" -p "$nopid"
expect_error 1 "opensnoop: process $((nopid - 1)) does not exist" "$OS" -t $((nopid - 1))
if command -v setpriv >/dev/null; then
	expect_error 1 "^execsnoop: .*root" setpriv --reuid=65534 --regid=65534 --clear-groups "$ES"
	expect_error 1 "^opensnoop: .*root" setpriv --reuid=65534 --regid=65534 --clear-groups "$OS"
fi
pass "missing processes and privileges"

# --ebpf prints the program without tracing; -h exits 0.
"$ES" --ebpf --max-args 7 >"$WORK/es.c" || fail "execsnoop --ebpf failed"
assert_grep "$WORK/es.c" '^#define MAXARGS 7$'
"$OS" --ebpf >"$WORK/os.c" || fail "opensnoop --ebpf failed"
assert_grep "$WORK/os.c" 'int opensnoop_exit_openat2'
"$ES" -h >"$WORK/es.help" && grep -q '^usage: execsnoop' "$WORK/es.help" || fail "execsnoop -h"
"$OS" -h >"$WORK/os.help" && grep -q '^usage: opensnoop' "$WORK/os.help" || fail "opensnoop -h"
pass "--ebpf and -h"
