# Every golden program (tests/golden/*.bpf.c, which test_golden proves the
# generators write from fixed facts and trace_golden from the live system,
# and tests/golden/fixed/*.bpf.c, from fixed facts only)
# parsed by clang -fsyntax-only as libbcc parses it: its exported headers
# (bpf.h, bpf_workaround.h, helpers.h, taken from the installed libbcc, which
# embeds them), the kernel headers it finds under /lib/modules/$(uname
# -r)/{build,source} with its flags, and the tracepoint argument structs its
# rewriter adds, written here from tests/golden/CATEGORY.EVENT.format. No root,
# BPF or tracefs. A copy with one line broken must fail.
. "$(dirname "$0")/lib.sh"
set -o pipefail
: "${GOLDEN:?GOLDEN: the tests/golden directory}"
VIRT=$WORK/virtual
KB=/lib/modules/$(uname -r)/build
KS=/lib/modules/$(uname -r)/source
LIBBCC=$(ldconfig -p | awk '/libbcc\.so\.0 /{ print $NF; exit }')
[ -r "$LIBBCC" ] || fail "libbcc.so.0 not found"
[ -d "$KB/include" ] && [ -d "$KS/include" ] || fail "no kernel headers under $KB and $KS"

# libbcc's exported headers: each a NUL-terminated string in the library,
# found by a line only it holds.
mkdir -p "$VIRT/bcc"
python3 - "$LIBBCC" "$VIRT/bcc" <<'EOF' || fail "cannot extract libbcc's headers from $LIBBCC"
import sys
data = open(sys.argv[1], "rb").read()
for name, needle in (("bpf.h", b"#ifndef _UAPI__LINUX_BPF_H__"),
                     ("bpf_workaround.h", b"#ifndef __HAVE_BUILTIN_BSWAP16__\n#define"),
                     ("helpers.h", b"#ifndef __BPF_HELPERS_H")):
    if data.count(needle) != 1:
        sys.exit(f"{name}: {data.count(needle)} copies of its marker")
    i = data.index(needle)
    start, end = data.rfind(b"\0", 0, i) + 1, data.index(b"\0", i)
    while not (data[start] in b"\n\t" or 0x20 <= data[start] < 0x7f):
        start += 1  # alignment bytes before the string
    open(f"{sys.argv[2]}/{name}", "wb").write(data[start:end])
EOF

# tp_structs PROGRAM: libbcc's struct tracepoint__CAT__EVENT for each one used
tp_structs() {
	local tp cat ev format
	for tp in $(grep -o 'tracepoint__[A-Za-z0-9_]*' "$1" | sort -u); do
		tp=${tp#tracepoint__}
		cat=${tp%%__*}
		ev=${tp#*__}
		format=$GOLDEN/$cat.$ev.format
		[ -r "$format" ] || { echo "no $cat.$ev.format in $GOLDEN" >&2 && return 1; }
		echo "struct tracepoint__${cat}__$ev {"
		echo "	u64 __do_not_use__;"
		awk '/field:/ && !/field:[^;]* common_/ {
			sub(/.*field:/, ""); sub(/;.*/, ";")
			if ($1 == "__data_loc") { n = $NF; sub(/\[.*/, "", n); $0 = "int data_loc_" n }
			print "\t" $0 }' "$format"
		echo "};"
	done
}

# parse PROGRAM: libbcc's parse of it, with its warning flags; a call of an
# undeclared function, which C allows and a BPF load refuses, is an error
parse() {
	tp_structs "$1" >"$1.tp.h" || return 1
	clang -fsyntax-only -Wno-deprecated-declarations -Wno-gnu-variable-sized-type-not-at-end \
		-Wno-pragma-once-outside-header -Wno-address-of-packed-member \
		-Wno-unknown-warning-option -Wno-unused-value -Wno-pointer-sign \
		-Werror=implicit-function-declaration -nostdinc -isystem "$(clang -print-resource-dir)/include" \
		-isystem "$VIRT" -I"$KS/arch/x86/include" -I"$KB/arch/x86/include/generated" \
		-I"$KS/include" -I"$KB/include" -I"$KS/arch/x86/include/uapi" \
		-I"$KB/arch/x86/include/generated/uapi" -I"$KS/include/uapi" \
		-I"$KB/include/generated/uapi" -include "$KS/include/linux/kconfig.h" \
		-include "$VIRT/bcc/bpf.h" -include "$VIRT/bcc/bpf_workaround.h" \
		-include "$VIRT/bcc/helpers.h" -D__BPF_TRACING__ -D__KERNEL__ \
		'-DKBUILD_MODNAME="bcc"' -O2 -include "$1.tp.h" -x c "$1"
}

n=0
for golden in "$GOLDEN"/*.bpf.c "$GOLDEN"/fixed/*.bpf.c; do
	name=$(basename "$golden")
	cp "$golden" "$WORK/$name" || fail "cannot copy $golden"
	parse "$WORK/$name" 2>"$WORK/$name.err" ||
		fail "$name does not parse: $(head -c 2000 "$WORK/$name.err")"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no golden programs in $GOLDEN"

# the check can fail: a statement of a probe function cut in half
broken=$WORK/broken.bpf.c
awk '/^int probe_/ { f = 1 } f && /;$/ && !done { sub(/;$/, ""); done = 1 } { print }' \
	"$GOLDEN/trace_tp_string.bpf.c" >"$broken"
cmp -s "$broken" "$GOLDEN/trace_tp_string.bpf.c" && fail "the broken copy is not broken"
if parse "$broken" 2>"$WORK/broken.err"; then
	fail "a golden program with a statement cut still parses"
fi
assert_grep "$WORK/broken.err" "error: expected ';'" "clang's error for the cut statement"
pass "$n golden programs parse as libbcc parses them; a broken one does not"
