# Generated BPF source against golden files: tests/golden/NAME.args holds the
# command line (one argument per line), NAME.bpf.c the expected --ebpf output.
# UPDATE_GOLDEN=1 rewrites the golden files.
. "$(dirname "$0")/lib.sh"
need_bpf
n=0
for args in "$GOLDEN"/*.args; do
	name=$(basename "$args" .args)
	mapfile -t argv <"$args"
	"$CBCC_BIN/${argv[0]}" --ebpf "${argv[@]:1}" >"$WORK/$name.c" 2>"$WORK/$name.err" ||
		fail "$name: --ebpf failed: $(cat "$WORK/$name.err")"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$WORK/$name.c" "$GOLDEN/$name.bpf.c"
	fi
	diff -u "$GOLDEN/$name.bpf.c" "$WORK/$name.c" >"$WORK/$name.diff" ||
		fail "$name: generated source differs from golden: $(head -40 "$WORK/$name.diff")"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no golden cases found in $GOLDEN"
pass "$n generated programs match their golden files"
