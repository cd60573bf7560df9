# Each generated program's contract (templates/*.h opening with "The
# contract of") is read by the tools, compiled into them, and by the BPF
# program. Its _Static_asserts pin every layout user space depends on: here
# each header is compiled as the BPF side reads it, for the BPF target, and
# a copy with a field added to any of its structs must fail to compile.
. "$(dirname "$0")/lib.sh"
set -o pipefail
TEMPLATES=$(cd "$(dirname "$0")/../templates" && pwd)
MULTIARCH=$(gcc -dumpmachine)

# bpf_compile FILE: compiles a contract as a BPF program includes it
bpf_compile() {
	clang -target bpf -fsyntax-only -D__BPF_TRACING__ -DMAXARGS=20 \
		-I"/usr/include/$MULTIARCH" -include linux/types.h -x c "$1"
}

n=0
for h in "$TEMPLATES"/*.h; do
	head -1 "$h" | grep -q '^/\* The contract of ' || continue
	name=$(basename "$h")
	n=$((n + 1))
	grep -q '_Static_assert' "$h" || fail "$name pins no layout with _Static_assert"
	bpf_compile "$h" 2>"$WORK/$name.err" || fail "$name does not compile for the BPF target"
	# one more field at the top of any of its structs must break an assertion
	nstructs=$(grep -c '^struct [a-z_]* {$' "$h")
	[ "$nstructs" -ge 1 ] || fail "$name declares no struct"
	for k in $(seq "$nstructs"); do
		awk -v k="$k" '{ print } /^struct [a-z_]* \{$/ && ++n == k { print "\t__u64 cbcc_test_extra;" }' \
			"$h" >"$WORK/$name"
		if bpf_compile "$WORK/$name" 2>"$WORK/$name.broken.err"; then
			fail "$name: a field added to struct $k still compiles"
		fi
		grep -qE "static[ _]assert(ion)? failed.*(changed size|moved)" "$WORK/$name.broken.err" ||
			fail "$name: struct $k changed failed otherwise: $(head -3 "$WORK/$name.broken.err")"
	done
	pass "$name"
done
[ "$n" -ge 5 ] || fail "only $n contract headers in $TEMPLATES"
