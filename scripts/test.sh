#!/usr/bin/env bash
# Runs the whole test suite: a normal build, then an AddressSanitizer +
# UndefinedBehaviorSanitizer build (live tests include a qemu VM with
# Debian's 6.1 kernel for kernel-function probes), then a bounded fuzz run
# of the parsers. Sets the machine up first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== clang-format (layout of every C source, .clang-format)"
clang-format --dry-run -Werror -style=file lib/*/*.[ch] tools/*.c tests/unit/*.c tests/fuzz/*.c tests/progs/*.c
for variant in build build-asan; do
	# the release-like build keeps the test-only hooks out (tests/cache.sh
	# checks they are absent there and uses them in the sanitizer build)
	flags=()
	[ "$variant" = build-asan ] && flags=(-DCBCC_SANITIZE=ON -DCBCC_TEST_HOOKS=ON)
	cmake -S . -B "$variant" "${flags[@]}" >/dev/null
	cmake --build "$variant" -j"$(nproc)"
	echo "== ctest ($variant)"
	# Leaks count too, except inside libbcc and the clang/LLVM it embeds.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ctest --test-dir "$variant" --output-on-failure
done
echo "== fuzzing the parsers (${FUZZ_SECONDS:-60} s each)"
FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash scripts/fuzz.sh
