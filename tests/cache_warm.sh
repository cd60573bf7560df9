# Every live scenario twice against one fresh cache: cold (clang), then warm.
# Each run asserts its exact values, so the cache must not change behaviour;
# the warm run must reuse stored programs (a hit touches its entry). Programs
# that embed run-time values (e.g. USDT argument code of a given pid) may
# legitimately be compiled again, so new entries are reported, not failed.
. "$(dirname "$0")/lib.sh"
need_bpf
export CBCC_CACHE_DIR="$WORK/cache"
dir=$(dirname "$0")
stamps() { find "$CBCC_CACHE_DIR" -name '*.prog' -printf '%f %T@\n' 2>/dev/null | sort; }
for script in "$dir"/*_live.sh; do
	name=$(basename "$script" .sh)
	stamps >"$WORK/start"
	sleep 1
	bash "$script" >"$WORK/$name.cold.log" 2>&1 || fail "$name failed cold: $(grep -m1 -A3 '^FAIL' "$WORK/$name.cold.log")"
	stamps >"$WORK/before"
	# The programs this scenario uses: those its cold run created or touched.
	used=$(join -a 2 "$WORK/start" "$WORK/before" | awk 'NF == 2 || $2 != $3' | wc -l)
	sleep 1 # so a hit's new modification time differs
	bash "$script" >"$WORK/$name.warm.log" 2>&1 || fail "$name failed warm: $(grep -m1 -A3 '^FAIL' "$WORK/$name.warm.log")"
	stamps >"$WORK/after"
	new=$(join -v 2 <(cut -d' ' -f1 "$WORK/before") <(cut -d' ' -f1 "$WORK/after") | wc -l)
	hits=$(join "$WORK/before" "$WORK/after" | awk '$2 != $3' | wc -l)
	if [ "$used" -gt 0 ] && [ "$hits" = 0 ]; then
		fail "$name: the warm run reused none of the $used programs its cold run stored"
	fi
	pass "$name cold and warm ($hits programs reused, $new compiled again)"
done
