# Nothing from outside becomes code: a shared library whose ELF symbol names
# and USDT notes carry '*/', line breaks, CR, backslash-CR and #define lines
# (tests/progs/hostile.c, patched here), and trace format strings and argdist
# labels carrying the same. Each tool must count the calls exactly and
# generate a program with none of those bytes in it.
. "$(dirname "$0")/lib.sh"
need_bpf
set -o pipefail
LIB=$WORK/libhostile.so
cp "$HOSTILE" "$LIB"
# Placeholder names of the library -> hostile bytes (padded with Z).
python3 - "$LIB" <<'PY' || fail "patching the hostile library"
import sys
path = sys.argv[1]
data = open(path, "rb").read()
def placeholder(what, length):
    head = b"cbcc_hostile_" + what + b"_"
    return head + b"x" * (length - len(head))
payloads = {
    placeholder(b"sym_A", 96): b"A*/\n#define cbcc_count(s) cbcc_count(0+0)\n/*",
    placeholder(b"sym_B", 96): b"B*/\r#define cbcc_count(s) cbcc_count(0+0)\r/*",
    placeholder(b"sym_C", 96): b"C*\\\r/\r#define cbcc_skip(a, b) 1\r/*",
    placeholder(b"sym_D", 96): b"D\" ?? \\ <% %> %: $ @ \x01\x7f",
    placeholder(b"prov_A", 64): b"Q*/\r#define cbcc_skip(a, b) 1\r/*",
    placeholder(b"probe_A", 64): b"P*/\n#define cbcc_count(s) cbcc_count(0+0)\n/*",
    placeholder(b"prov_B", 64): b"R*/\n#define bpf_usdt_readarg(a, b, c) (*(c) = 4242)\n/*",
}
for old, new in payloads.items():
    assert data.count(old) >= 1, old
    data = data.replace(old, new.ljust(len(old), b"Z"))
open(path, "wb").write(data)
PY

# count_for FILE PREFIX: the number ending the one line that starts with PREFIX.
count_for() {
	P=$2 awk 'index($0, ENVIRON["P"]) == 1 { print $NF; n++ } END { exit n != 1 }' "$1" ||
		fail "$1: not one line starting with '$2'"
}

# The #define lines of the templates and contract headers (fixed text).
grep -h '^#define' "$(dirname "$0")"/../templates/*.[ch] | grep -vF '{{' | sort -u >"$WORK/defines"
[ -s "$WORK/defines" ] || fail "no #define in templates/"

# No line of a generated program (FILE, up to a "Tracing" line) comes from
# outside: no #define but the templates', no CR, none of the payloads' text.
assert_clean_source() {
	local src=$1.src defines
	sed '/^Tracing /,$d' "$1" >"$src"
	grep -q '^int ' "$src" || fail "$1 holds no program"
	defines=$(grep -a '^#define' "$src" | grep -vxFf "$WORK/defines" || true)
	[ -z "$defines" ] || fail "$1: injected: $defines"
	assert_no_grep "$src" $'\r' "$1 (a CR)"
	assert_no_grep "$src" 'cbcc_count\(0\+0\)|4242|0x4e5750|cbcc-secret' "$1 (payload text)"
}

# run_on_target NAME N TOOL ARGS...: a waiting target that calls hostile_run(N)
# in the library, the tool on it (@PID@ is the target's pid), stopped after.
run_on_target() {
	local name=$1 n=$2 a args=()
	shift 2
	start_waiting_target hostile "$LIB" "$n"
	for a in "$@"; do args+=("${a//@PID@/$TARGET_PID}"); done
	start_tracer "$name" "${args[@]}"
	go_target
	stop_tracer
}

# funccount: every hostile symbol counted on its own line (names shown with
# escapes), and the -D program clean. Before, A's name redefined cbcc_count
# and every count landed on one line.
READY_RE='^Tracing' run_on_target fc 7 "$CBCC_BIN/funccount" -D -p @PID@ "$LIB:*"
assert_clean_source "$WORK/fc.out"
[ "$(count_for "$WORK/fc.out" 'A*/\n#define cbcc_count(s) cbcc_count(0+0)\n/*Z')" = 7 ] || fail "symbol A"
[ "$(count_for "$WORK/fc.out" 'B*/\r#define cbcc_count(s) cbcc_count(0+0)\r/*Z')" = 14 ] || fail "symbol B"
[ "$(count_for "$WORK/fc.out" 'C*\\r/\r#define cbcc_skip(a, b) 1\r/*Z')" = 21 ] || fail "symbol C"
[ "$(count_for "$WORK/fc.out" 'D" ?? \ <% %> %: $ @ \x01\x7fZ')" = 28 ] || fail "symbol D"
[ "$(count_for "$WORK/fc.out" 'hostile_run ')" = 1 ] || fail "hostile_run"
pass "funccount counts symbols named with */, line breaks, CR and #define; nothing injected"

READY_RE='^Tracing' run_on_target fcu 7 "$CBCC_BIN/funccount" -D -p @PID@ "u:$LIB:*"
assert_clean_source "$WORK/fcu.out"
[ "$(count_for "$WORK/fcu.out" 'P*/\n#define cbcc_count(s) cbcc_count(0+0)\n/*Z')" = 7 ] || fail "USDT probe P"
[ "$(count_for "$WORK/fcu.out" 'hping ')" = 14 ] || fail "USDT probe hping"
pass "funccount counts USDT probes with hostile provider and probe names; nothing injected"

# stackcount: the stacks of the four symbols (7 + 14 + 21 + 28 calls) and of
# the two USDT probes (7 + 14), with the --debug programs clean.
sum_counts() { awk '/^ +[0-9]+$/ { s += $1 } END { print s + 0 }' "$1"; }
READY_RE='^Tracing' run_on_target sc 7 "$CBCC_BIN/stackcount" --debug -U -p @PID@ -r "$LIB:^[A-D]"
assert_clean_source "$WORK/sc.out"
assert_grep "$WORK/sc.out" '^Tracing 4 functions'
[ "$(sum_counts "$WORK/sc.out")" = 70 ] || fail "stackcount: $(sum_counts "$WORK/sc.out") calls, not 70"
READY_RE='^Tracing' run_on_target scu 7 "$CBCC_BIN/stackcount" --debug -U -p @PID@ "u:$LIB:*"
assert_clean_source "$WORK/scu.out"
[ "$(sum_counts "$WORK/scu.out")" = 21 ] || fail "stackcount USDT: $(sum_counts "$WORK/scu.out") probes, not 21"
pass "stackcount counts the stacks of hostile symbols and USDT probes; nothing injected"

# trace: a format string closing the spec's comment with *\<CR>/ and starting
# a #define on the next (CR) line made COMM print PWN; the USDT probe's hostile
# provider must not reach the argument reader (4242).
fmt=$'v=%d x*\\\r/\r#define bpf_get_current_comm(a, b) __builtin_memcpy(a, &(u64){0x4e5750}, 4)\r/*'
spec="u:$LIB:hping \"$fmt\", arg1"
"$CBCC_BIN/trace" --ebpf "$spec" >"$WORK/trace.c" 2>"$WORK/trace.err" || fail "trace --ebpf failed"
assert_clean_source "$WORK/trace.c"
run_on_target tr 7 "$CBCC_BIN/trace" -p @PID@ "$spec"
assert_count "$WORK/tr.out" '^[0-9]+ +[0-9]+ +target +hping +v=[0-9]+ x' 14
assert_no_grep "$WORK/tr.out" 'PWN|v=4242'
[ "$(grep -ao 'v=[0-9]*' "$WORK/tr.out" | sort -u | wc -l)" = 14 ] || fail "trace: not v=0..13"
pass "trace: a format string with *\\<CR>/ and #define stays text"

# argdist: a #label doing the same redefined cbcc_skip (all counts vanished)
# or included a file (its lines shown by -v).
printf 'cbcc-secret-marker\n' >"$WORK/secret.h"
label=$'x*\\\r/\r#define cbcc_skip(a, b) 1\r#include "'"$WORK/secret.h"$'"\r/*'
"$CBCC_BIN/argdist" --ebpf -C "u:$LIB:hping():int:arg1 & 1#$label" >"$WORK/argdist.c" 2>"$WORK/argdist.err" ||
	fail "argdist --ebpf failed"
assert_clean_source "$WORK/argdist.c"
READY_RE='^\[[0-9]' run_on_target ad 7 "$CBCC_BIN/argdist" -v -c -i 1 -p @PID@ -C "u:$LIB:hping():int:arg1 & 1#$label"
assert_no_grep "$WORK/ad.out" 'cbcc-secret-marker'
assert_no_grep "$WORK/ad.err" 'cbcc-secret-marker'
assert_count "$WORK/ad.out" $'^\t7 +arg1 & 1 = [01]$' 2
pass "argdist: a #label with *\\<CR>/, #define and #include stays text"

# Types and expressions are token lists: no digraph, no comment, no '/'.
expect_error 1 "'/' is not allowed in a type" "$CBCC_BIN/argdist" -C "u:$LIB:hping():u64*/:arg1"
expect_error 1 "digraph '<%' is not allowed in an expression" \
	"$CBCC_BIN/argdist" -C "u:$LIB:hping():u64:arg1 <% 1 %>"
expect_error 1 "digraph '%:' is not allowed in an expression" \
	"$CBCC_BIN/trace" "u:$LIB:hping \"%d\", arg1 %: 1"
pass "types and expressions refuse digraphs and comment ends"
assert_no_leftovers
