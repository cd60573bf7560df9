# Generated BPF source against golden files: tests/golden/NAME.args holds the
# command line (one argument per line), NAME.bpf.c the expected --ebpf output.
# UPDATE_GOLDEN=1 rewrites the golden files instead, names the ones that
# changed and reports the test skipped: it has checked nothing (in CI, a failure).
. "$(dirname "$0")/lib.sh"
need_bpf
update=${UPDATE_GOLDEN:-}
[ "$update" = 1 ] && [ "${CI:-}" = true ] && fail "UPDATE_GOLDEN=1 in CI: the golden files would not be checked"
n=0
changed=0
for args in "$GOLDEN"/*.args; do
	name=$(basename "$args" .args)
	mapfile -t argv <"$args"
	"$CBCC_BIN/${argv[0]}" --ebpf "${argv[@]:1}" >"$WORK/$name.c" 2>"$WORK/$name.err" ||
		fail "$name: --ebpf failed: $(cat "$WORK/$name.err")"
	n=$((n + 1))
	if [ "$update" = 1 ]; then
		cmp -s "$GOLDEN/$name.bpf.c" "$WORK/$name.c" && continue
		cp "$WORK/$name.c" "$GOLDEN/$name.bpf.c" || fail "cannot write $GOLDEN/$name.bpf.c"
		echo "updated: $name.bpf.c"
		changed=$((changed + 1))
		continue
	fi
	diff -u "$GOLDEN/$name.bpf.c" "$WORK/$name.c" >"$WORK/$name.diff" ||
		fail "$name: generated source differs from golden: $(head -40 "$WORK/$name.diff")"
done
[ "$n" -gt 0 ] || fail "no golden cases found in $GOLDEN"
if [ "$update" = 1 ]; then
	echo "skip: UPDATE_GOLDEN=1 rewrote $changed of $n golden files; nothing was checked"
	exit $SKIP
fi
pass "$n generated programs match their golden files"
