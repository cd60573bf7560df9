# Every live scenario twice against one fresh cache: cold (clang), then warm
# (cache only). Each run asserts its exact values, and the warm run must not
# compile anything new.
. "$(dirname "$0")/lib.sh"
need_bpf
export CBCC_CACHE_DIR="$WORK/cache"
dir=$(dirname "$0")
for script in "$dir"/*_live.sh; do
	name=$(basename "$script" .sh)
	bash "$script" >"$WORK/$name.cold.log" 2>&1 || fail "$name failed cold: $(tail -5 "$WORK/$name.cold.log")"
	before=$(find "$CBCC_CACHE_DIR" -name '*.prog' | sort | md5sum)
	bash "$script" >"$WORK/$name.warm.log" 2>&1 || fail "$name failed warm: $(tail -5 "$WORK/$name.warm.log")"
	after=$(find "$CBCC_CACHE_DIR" -name '*.prog' | sort | md5sum)
	[ "$before" = "$after" ] || fail "$name: the warm run compiled programs the cold run had stored"
	pass "$name cold and warm"
done
