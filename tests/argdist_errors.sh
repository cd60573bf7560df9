# Every class of bad input to argdist: one clear line on stderr, the right exit status.
. "$(dirname "$0")/lib.sh"
need_bpf
A=$CBCC_BIN/argdist

# Usage errors: status 2.
expect_error 2 "at least one specifier is required" "$A"
expect_error 2 "argument -p/--pid: invalid value: 'abc'" "$A" -p abc -C 'p:c:malloc()'
expect_error 2 "argument -i: expected one argument" "$A" -C 'p:c:malloc()' -i
expect_error 2 "unrecognized option '--bogus'" "$A" --bogus
expect_error 2 "argument -z/--string-size: invalid value: '0'" "$A" -z 0 -C 'p:c:malloc()'
expect_error 2 "argument -z/--string-size: invalid value: '1000' \(1 to 400\)" "$A" -z 1000 -C 'p:c:malloc()'
expect_error 2 "argument -n/--number: invalid value: '-1'" "$A" -n -1 -C 'p:c:malloc()'
expect_error 2 "unrecognized arguments: p:c:malloc\(\)" "$A" 'p:c:malloc()'
pass "usage errors"

# Malformed specifiers.
bad() { # REGEX SPEC: the spec given with -C must fail with REGEX
	expect_error 1 "error parsing probe '.*': $1" "$A" -C "$2"
}
bad "at least the probe type, library, and function signature must be specified" 'p:c'
bad "extraneous ':'-separated parts detected" 'p:c:malloc():a:b:c:d'
bad "probe type must be 'p', 'r', 't', or 'u' but got 'x'" 'x:c:malloc()'
bad "function signature 'malloc' has an invalid format" 'p:c:malloc'
bad "no exprs specified" 'p:c:malloc(size_t s):size_t'
bad "no expr types specified" 'p:c:malloc(size_t s)::s'
bad "mismatched # of exprs and types \(2 types, 1 exprs\)" 'p:c:malloc(size_t s):int,int:s'
bad '\$entry\(\) and \$latency are only available in return probes' 'p:c:malloc(size_t s):u64:$latency'
bad "tracepoint and USDT probes can't have a function signature" 't:syscalls:sys_enter_read(int x):int:x'
expect_error 1 "histograms can only have 1 expr" "$A" -H 'p:c:malloc(size_t s):int,int:s,s'
expect_error 1 "histograms must have expr" "$A" -H 'p:c:malloc()'
expect_error 1 "histograms need a number, not a string" "$A" -H 'p:c:malloc(char *s):char*:s'
expect_error 1 "';' is not allowed in a signature" "$A" -C 'p:c:malloc(int a; int b):int:a'
expect_error 1 "';' is not allowed in a type" "$A" -C 'p:c:malloc(int a):int;:a'
expect_error 1 "its key needs 608 bytes, more than the 400 the BPF stack allows; use a smaller -z" \
	"$A" -z 300 -C 'p:c:write(int fd, char *b):char*,char*:b,b'
pass "malformed specifiers"

# Bad expressions: named with the probe they are in.
expect_error 1 "error in probe 'r:c:malloc.*\\\$entry\(x\): no such parameter in the signature 'size_t s'" \
	"$A" -C 'r:c:malloc(size_t s):u64:$entry(x)'
expect_error 1 "';' is not allowed in an expression" "$A" -C 'p:c:malloc(size_t s):u64:s; }'
expect_error 1 "comments are not allowed" "$A" -C 'p:c:malloc(size_t s):u64:s:s /* x'
expect_error 1 "unknown special variable '\\\$foo'" "$A" -C 'p:c:malloc(size_t s):u64:$foo'
expect_error 1 "retval is only available in return probes" "$A" -C 'p:c:malloc(size_t s):u64:$retval'
expect_error 1 "string literals are only allowed" "$A" -C 'p:c:malloc(size_t s):u64:s:s == "x"'
expect_error 1 "digraph '<%' is not allowed in an expression" "$A" -C 'p:c:malloc(size_t s):u64:s <% 1 %>'
expect_error 1 "'/' is not allowed in a type" "$A" -C 'p:c:malloc(size_t s):u64*/:s'
"$A" -H 't:syscalls:sys_exit_read():long:args->ret:args->nope > 1' >/dev/null 2>"$WORK/caret.err" &&
	fail "an unknown field was accepted"
grep -v 'warning:' "$WORK/caret.err" | tail -2 >"$WORK/caret.msg" || true
printf '%s\n' '  t:syscalls:sys_exit_read():long:args->ret:args->nope > 1' \
	'                                                  ^~~~' | diff - "$WORK/caret.msg" >&2 ||
	fail "the error does not point at the field"
pass "bad expressions"

# Things that do not exist.
expect_error 1 "unknown tracepoint 'syscalls:nosuch'" "$A" -C 't:syscalls:nosuch()'
expect_error 1 "has no field 'bogus'" "$A" -H 't:syscalls:sys_exit_read():long:args->bogus'
expect_error 1 "has no field 'nope'" "$A" -C 't:syscalls:sys_exit_read():long:args->ret:args->nope > 1'
expect_error 1 "function 'nosuchfunc' not found in .*libc" "$A" -C 'p:c:nosuchfunc()'
expect_error 1 "can't find library or binary 'nosuchlib'" "$A" -C 'p:nosuchlib:foo()'
expect_error 1 "USDT probe nosuch not found in $TARGET" "$A" -C "u:$TARGET:nosuch()"
expect_error 1 "arg3 does not exist" "$A" -C "u:$TARGET:ping():int:arg3"
expect_error 1 "kernel function 'nosuchfn_cbcc' not found" "$A" -C 'p::nosuchfn_cbcc()'
nopid=$(free_pid)
expect_error 1 "process $nopid does not exist" "$A" -p "$nopid" -C 'p:c:malloc()'
expect_error 1 "thread $nopid does not exist" "$A" -t "$nopid" -C 'p:c:malloc()'
pass "missing tracepoints, fields, functions, libraries, USDT probes, processes"

# Errors from clang: one line, the diagnostics only with -v.
expect_error 1 "compiling the BPF program failed: use of undeclared identifier 'nosuchvar'" \
	"$A" -C 'p:c:malloc(size_t s):u64:nosuchvar'
"$A" -v -C 'p:c:malloc(size_t s):u64:nosuchvar' >"$WORK/v.out" 2>"$WORK/v.err" && fail "-v: should fail"
assert_grep "$WORK/v.err" "error: use of undeclared identifier 'nosuchvar'"
pass "compiler errors"

if command -v setpriv >/dev/null; then
	expect_error 1 "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$A" -C 'p:c:malloc()'
	pass "not root"
fi
assert_no_leftovers
