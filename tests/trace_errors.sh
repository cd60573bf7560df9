# Every class of bad input: one clear line on stderr, the right exit status.
. "$(dirname "$0")/lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace

# Usage errors: status 2.
expect_error 2 "required: probe" "$TRACE"
expect_error 2 "argument -p/--pid: invalid value: 'abc'" "$TRACE" -p abc x
expect_error 2 "argument -M: expected one argument" "$TRACE" -M
expect_error 2 "unrecognized option '--bogus'" "$TRACE" --bogus x
expect_error 2 "must be a power of two" "$TRACE" -b 3 x
expect_error 2 "only one of -p and -L" "$TRACE" -p 1 -L 1 x
expect_error 2 "should be specified with -A" "$TRACE" -A x
expect_error 2 "invalid value: '0'" "$TRACE" -Z 0 x
pass "usage errors"

# Malformed specs.
expect_error 1 "probe type must be '', 'p', 't', 'r', or 'u', but got 'x'" "$TRACE" 'x:c:malloc'
expect_error 1 "unmatched parenthesis in predicate" "$TRACE" 'p:c:malloc (arg1 == 1 "%d", arg1'
expect_error 1 "2 conversions but 1 argument" "$TRACE" 'p:c:malloc "%d %d", arg1'
expect_error 1 "unsupported conversion '%q'" "$TRACE" 'p:c:malloc "%q", arg1'
expect_error 1 "expected a format string" "$TRACE" 'p:c:malloc %d, arg1'
expect_error 1 "can't have a function signature" "$TRACE" 't:sched:sched_switch(int a)'
expect_error 1 "';' is not allowed" "$TRACE" 'p:c:malloc "%d", arg1; }'
expect_error 1 "comments are not allowed" "$TRACE" 'p:c:malloc "%d", arg1 /* x'
expect_error 1 "unbalanced parentheses" "$TRACE" 'p:c:malloc "%d", (arg1'
expect_error 1 "string literals are only allowed" "$TRACE" 'p:c:malloc "%s", "x"'
expect_error 1 "error in probe .*': ';' is not allowed in a signature" "$TRACE" 'p:c:malloc(int a; int b) "%d", a'
expect_error 1 "unknown special variable '\\\$foo'" "$TRACE" 'p:c:malloc "%d", $foo'
expect_error 1 "retval is only available in return probes" "$TRACE" 'p:c:malloc "%d", retval'
pass "malformed specs"

# Expression errors point into the spec with a caret, as bpftrace's do.
"$TRACE" 'p:c:malloc "%d", arg1 <% 1 %>' >/dev/null 2>"$WORK/caret.err" && fail "a digraph was accepted"
grep -v 'warning:' "$WORK/caret.err" >"$WORK/caret.msg" || true
printf '%s\n' "trace: error in probe 'p:c:malloc \"%d\", arg1 <% 1 %>': digraph '<%' is not allowed in an expression" \
	'  p:c:malloc "%d", arg1 <% 1 %>' '                        ^~' | diff - "$WORK/caret.msg" >&2 ||
	fail "the error does not point at the digraph"
expect_error 1 "'\\?\\?' is not allowed in an expression \\(trigraphs\\)" "$TRACE" 'p:c:malloc "%d", arg1 ??= 1'
expect_error 1 "'\\\\' is not allowed in an expression" "$TRACE" $'p:c:malloc "%d", arg1 \\\r+ 1'
expect_error 1 "line breaks are not allowed in an expression" "$TRACE" $'p:c:malloc "%d", arg1\r+ 1'
# Identifiers reach clang whole (they were cut at 63 characters).
long=sk_$(printf 'x%.0s' $(seq 90))_total
expect_error 1 "use of undeclared identifier '$long'" "$TRACE" "p:c:malloc \"%d\", $long"
pass "carets, trigraphs, backslash-CR, long identifiers"

# Things that do not exist.
expect_error 1 "unknown tracepoint 'syscalls:nosuch'" "$TRACE" 't:syscalls:nosuch'
expect_error 1 "unknown tracepoint category 'nocat'" "$TRACE" 't:nocat:x'
expect_error 1 "has no field 'bogus' \(fields: __syscall_nr, dfd, filename, flags, mode\)" \
	"$TRACE" 't:syscalls:sys_enter_openat "%s", args->bogus'
expect_error 1 "function 'nosuchfunc' not found in .*libc" "$TRACE" 'p:c:nosuchfunc'
expect_error 1 "can't find library or binary 'nosuchlib'" "$TRACE" 'p:nosuchlib:foo'
expect_error 1 "USDT probe nosuch not found in $TARGET" "$TRACE" "u:$TARGET:nosuch"
expect_error 1 "arg3 does not exist" "$TRACE" "u:$TARGET:ping \"%d\", arg3"
expect_error 1 "kernel function 'nosuchfn_cbcc' not found" "$TRACE" 'nosuchfn_cbcc'
nopid=$(free_pid)
expect_error 1 "process $nopid does not exist" "$TRACE" -p "$nopid" 'p:c:malloc'
expect_error 1 "cannot open cgroup '/nonexistent'" "$TRACE" -c /nonexistent 't:syscalls:sys_enter_getppid'
pass "missing tracepoints, fields, functions, libraries, USDT probes, processes"

# A uprobe offset must start an instruction of the function (one inside an
# instruction corrupts the program; BCC accepts it, bpftrace refuses). The
# target's cbcc_add as objdump decodes it: its second instruction and size.
mapfile -t insns < <(objdump -d --no-show-raw-insn "$TARGET" |
	awk '/<cbcc_add>:$/ { f = 1; next } f && /^$/ { exit } f { sub(":", "", $1); print $1 }')
[ "${#insns[@]}" -ge 2 ] || fail "cannot decode cbcc_add with objdump"
second=$(printf '%x' $((0x${insns[1]} - 0x${insns[0]})))
size=$(printf '%x' $(($(nm -S "$TARGET" | awk '$4 == "cbcc_add" { print "0x" $2 }'))))
expect_error 1 "offset \\+0x1 is inside an instruction of cbcc_add: the nearest instructions start at \\+0x0 and \\+0x$second \\(--unsafe probes it anyway\\)" \
	"$TRACE" "p:$TARGET:cbcc_add+0x1"
expect_error 1 "offset \\+0x$size is beyond the end of cbcc_add \\($((0x$size)) bytes" "$TRACE" "p:$TARGET:cbcc_add+0x$size"
expect_error 1 "error in probe .*: offset \\+0x1 is inside an instruction of cbcc_add" "$CBCC_BIN/argdist" -C "p:$TARGET:cbcc_add+1()"
"$TRACE" --unsafe --ebpf "p:$TARGET:cbcc_add+0x1" >"$WORK/unsafe.c" 2>"$WORK/unsafe.err" ||
	fail "--unsafe: the offset was refused: $(cat "$WORK/unsafe.err")"
"$TRACE" --ebpf "p:c:malloc+0x1" >/dev/null 2>"$WORK/malloc1.err" && fail "p:c:malloc+0x1 was accepted"
assert_grep "$WORK/malloc1.err" "offset \\+0x1 is inside an instruction of malloc"
pass "uprobe offsets inside an instruction or past the function are refused (--unsafe allows them)"

# -I: header names go into #include lines, files by their resolved path,
# which is what is checked (a symlink's target may hold a quote and a newline).
mkdir -p "$WORK/hdr"$'/a"b\nc' "$WORK/hdr/ok"
echo '#define CBCC_VAL 7' >"$WORK/hdr/ok/real.h"
cp "$WORK/hdr/ok/real.h" "$WORK/hdr"$'/a"b\nc/real.h'
ln -s "$WORK/hdr"$'/a"b\nc/real.h' "$WORK/hdr/bad.h"
ln -s "$WORK/hdr/ok/real.h" "$WORK/hdr/good.h"
expect_error 1 "header '$WORK/hdr/bad.h' given with -I is '$WORK/hdr/a\"b\?c/real.h', a path that cannot be #included" \
	"$TRACE" -I "$WORK/hdr/bad.h" 't:syscalls:sys_enter_getppid "%d", CBCC_VAL'
expect_error 1 "invalid header name 'linux/\.\./\.\./etc/passwd' for -I" \
	"$TRACE" -I linux/../../etc/passwd 't:syscalls:sys_enter_getppid'
expect_error 1 "invalid header name 'a\"b\?' for -I" "$TRACE" -I $'a"b\r' 't:syscalls:sys_enter_getppid'
"$TRACE" --ebpf -I "$WORK/hdr/good.h" 't:syscalls:sys_enter_getppid "%d", CBCC_VAL' >"$WORK/inc.out" ||
	fail "-I through a symlink to a plain path"
assert_count "$WORK/inc.out" "^#include \"$WORK/hdr/ok/real.h\"\$" 1
pass "-I: names and resolved paths checked"

# Errors from clang: one line, the diagnostics only with -v.
expect_error 1 "compiling the BPF program failed: use of undeclared identifier 'nosuchvar'" \
	"$TRACE" 'p:c:malloc "%d", nosuchvar'
"$TRACE" -v 'p:c:malloc "%d", nosuchvar' >"$WORK/v.out" 2>"$WORK/v.err" && fail "-v: should fail"
assert_grep "$WORK/v.err" "error: use of undeclared identifier 'nosuchvar'"
pass "compiler errors"

# Not root: a clear message (run as nobody when possible).
if command -v setpriv >/dev/null; then
	expect_error 1 "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$TRACE" 'p:c:malloc'
	pass "not root"
fi

# Missing kernel headers, when types are to come from them (with BTF they are
# not needed: tests/no_headers.sh): an empty module directory in a private
# mount namespace.
if command -v unshare >/dev/null; then
	CBCC_KERNEL_TYPES=headers expect_error 1 "kernel headers not found: /lib/modules/.*/build is missing" \
		unshare -m sh -c "mount -t tmpfs none /lib/modules && exec \"\$0\" \"\$@\"" "$TRACE" 'p:c:malloc'
	pass "missing kernel headers"
fi
assert_no_leftovers
