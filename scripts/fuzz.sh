#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS
# (default 60) from its seed corpus, with the dictionary of injection bytes
# (tests/fuzz/inject.dict), after replaying every saved regression input. A
# crash fails the run; its input is kept under tests/fuzz/regressions.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCBCC_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
status=0
for bin in build-fuzz/fuzz/fuzz_*; do
	name=${bin##*/fuzz_}
	seeds=tests/fuzz/corpus/$name
	regress=tests/fuzz/regressions/$name
	work=$(mktemp -d)
	if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
		"$bin" "$regress"/* >"$work/regress.log" 2>&1 || { echo "fuzz $name: a regression input crashes again"; tail -30 "$work/regress.log"; status=1; }
	fi
	mkdir -p "$regress"
	if "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$regress/" \
		-dict=tests/fuzz/inject.dict -max_len=512 "$work" "$seeds" >"$work/log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
		echo "fuzz $name: ${runs:-?} executions in ${secs} s, no crash"
	else
		echo "fuzz $name: CRASH (input saved in $regress):"
		grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$work/log" | head -20
		status=1
	fi
	rm -rf "$work"
done
exit $status
