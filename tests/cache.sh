# The compiled-program cache: hits, a miss for each key component, damaged
# entries, unusable directories, planted symlinks, concurrent writers, LRU
# eviction, and identical output cold and warm.
. "$(dirname "$0")/lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace
export CBCC_CACHE_DIR="$WORK/cache"
READY_RE='^PID' # -v prints the program before the header
SPEC="p:$TARGET:cbcc_add \"a=%d b=%d\", arg1, arg2"

# run NAME [ENV=VALUE...]: trace -v -M 3 on cbcc_add, output without pids.
run() {
	local name=$1
	shift
	start_waiting_target calls 3
	start_tracer "$name" env "$@" "$TRACE" -v -M 3 -p "$TARGET_PID" "$SPEC"
	go_target
	wait_tracer
	sed -n '/^PID /,$p' "$WORK/$name.out" | awk '{ $1 = $2 = ""; print }' >"$WORK/$name.lines"
}
cache_says() { # NAME REGEX
	grep -qE -- "$2" "$WORK/$1.err" || fail "$1: stderr lacks /$2/: $(grep cache "$WORK/$1.err")"
}
entries() { find "$CBCC_CACHE_DIR" -name '*.prog' | wc -l; }

run cold
cache_says cold 'program cache miss: no entry, compiling'
[ "$(entries)" = 1 ] || fail "cold run stored $(entries) entries"
[ "$(stat -c %a "$CBCC_CACHE_DIR")" = 700 ] || fail "cache dir mode $(stat -c %a "$CBCC_CACHE_DIR")"
run warm
cache_says warm 'program cache hit \(clang skipped\)'
cmp -s "$WORK/cold.lines" "$WORK/warm.lines" || fail "warm output differs: $(diff "$WORK/cold.lines" "$WORK/warm.lines" | tr "\n" " ")"
assert_count "$WORK/warm.lines" 'cbcc_add a=[0-9]+ b=[0-9]+$' 3
pass "cold miss, warm hit, same output"

start_tracer nocache "$TRACE" -v --no-cache -M 1 "$SPEC"
"$TARGET" calls 1
wait_tracer
assert_no_grep "$WORK/nocache.err" 'program cache' "--no-cache stderr"
pass "--no-cache bypasses the cache"

# A changed source is another entry; each key component is checked.
start_tracer other "$TRACE" -v -M 1 "p:$TARGET:cbcc_add \"other=%d\", arg1"
"$TARGET" calls 1
wait_tracer
cache_says other 'miss: no entry'
for comp in kernel libbcc build_id cflags cpus; do
	upper=$(echo "$comp" | tr a-z A-Z)
	run "fake_$comp" "CBCC_CACHE_FAKE_$upper=changed"
	cache_says "fake_$comp" "miss: $comp changed"
	run "back_$comp"
	cache_says "back_$comp" "miss: $comp changed"
done
pass "miss when kernel, libbcc, kernel build id, flags or CPUs change"

# Where kernel types come from is part of the key: the kernel's BTF (the
# default here) or the kernel header tree, whose key files' modification times
# count only then (a real change of one). The entry is the source's: switching
# replaces it.
hdr=$(readlink -f "/lib/modules/$(uname -r)/build")/include/config/kernel.release
touch -r "$hdr" "$WORK/hdr-stamp"
touch "$hdr"
run btf_hdr_touched
cache_says btf_hdr_touched 'hit'
run types_headers CBCC_KERNEL_TYPES=headers
cache_says types_headers 'miss: types changed'
touch -r "$WORK/hdr-stamp" "$hdr"
run headers CBCC_KERNEL_TYPES=headers
cache_says headers 'miss: headers changed'
run headers_hit CBCC_KERNEL_TYPES=headers
cache_says headers_hit 'hit'
cmp -s "$WORK/cold.lines" "$WORK/headers_hit.lines" || fail "output with the headers' types differs"
run types_btf
cache_says types_btf 'miss: types changed'
pass "miss when the types' source changes, or the header tree they come from"

# Damaged entries are detected, ignored and rebuilt.
entry=$(ls -t "$CBCC_CACHE_DIR"/*.prog | head -1)
size=$(stat -c %s "$entry")
printf '\377' | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run corrupt
cache_says corrupt 'miss: corrupt entry \(checksum mismatch\)'
cmp -s "$WORK/cold.lines" "$WORK/corrupt.lines" || fail "output after a corrupt entry differs"
truncate -s $((size / 3)) "$entry"
run truncated
cache_says truncated 'miss: corrupt entry \(truncated\)'
run rebuilt
cache_says rebuilt 'hit'
pass "corrupt and truncated entries are rebuilt"

# An unusable cache directory: the tool works and warns once.
run unwritable CBCC_CACHE_DIR=/dev/null/cbcc
cache_says unwritable 'warning: program cache not written: cannot create /dev/null/cbcc'
[ "$(grep -c 'program cache not written' "$WORK/unwritable.err")" = 1 ] || fail "warned more than once"
cmp -s "$WORK/cold.lines" "$WORK/unwritable.lines" || fail "output without a cache differs"
pass "unwritable cache dir: works, warns once"

# Planted symlinks are not followed: the directory, and an entry's name.
mkdir -m 700 "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/link"
run symlinked CBCC_CACHE_DIR="$WORK/link"
cache_says symlinked 'is not a private directory .*symlink'
[ -z "$(ls "$WORK/elsewhere")" ] || fail "wrote through a symlinked cache dir"
echo secret >"$WORK/victim"
rm -f "$CBCC_CACHE_DIR"/*.prog
run plant_first
planted=$(ls "$CBCC_CACHE_DIR"/*.prog)
rm "$planted"
ln -s "$WORK/victim" "$planted"
run planted
cache_says planted 'miss: cannot read entry'
[ "$(cat "$WORK/victim")" = secret ] || fail "a planted symlink was followed"
[ -L "$planted" ] && fail "the planted symlink was not replaced"
pass "symlinks planted in the cache are not followed"

# Concurrent writers: all succeed, and the entry is whole afterwards.
export CBCC_CACHE_DIR="$WORK/concurrent"
pids=()
for i in 1 2 3 4; do
	"$TRACE" -M 1 't:syscalls:sys_enter_getppid' >"$WORK/conc$i.out" 2>&1 &
	pids+=($!)
done
for _ in $(seq 600); do
	n=0
	for i in 1 2 3 4; do [ -s "$WORK/conc$i.out" ] && grep -q '^PID' "$WORK/conc$i.out" && n=$((n + 1)); done
	[ $n = 4 ] && break
	sleep 0.1
done
"$TARGET" getppid 10
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent run failed"; done
"$TRACE" -v -M 1 't:syscalls:sys_enter_getppid' >"$WORK/after.out" 2>"$WORK/after.err" &
TRACER_PID=$!
for _ in $(seq 300); do grep -q '^PID' "$WORK/after.out" && break; sleep 0.1; done
"$TARGET" getppid 10
wait_tracer
cache_says after 'hit'
[ -z "$(ls -A "$CBCC_CACHE_DIR" | grep -v '\.prog$')" ] || fail "temporary files left: $(ls -A "$CBCC_CACHE_DIR")"
pass "concurrent writers"

# LRU eviction: old entries go first when the bound is exceeded.
export CBCC_CACHE_DIR="$WORK/lru"
mkdir -m 700 "$CBCC_CACHE_DIR"
for i in 1 2 3; do
	head -c 1048576 /dev/zero >"$CBCC_CACHE_DIR/000000000000000$i.prog"
	touch -d "2020-01-0$i" "$CBCC_CACHE_DIR/000000000000000$i.prog"
done
run lru CBCC_CACHE_MAX_MB=2
[ ! -e "$CBCC_CACHE_DIR/0000000000000001.prog" ] || fail "oldest entry not evicted"
[ ! -e "$CBCC_CACHE_DIR/0000000000000002.prog" ] || fail "second oldest entry not evicted"
[ -e "$CBCC_CACHE_DIR/0000000000000003.prog" ] || fail "a recent entry was evicted"
[ "$(entries)" = 2 ] || fail "expected the new entry and the newest old one, got $(entries)"
pass "least recently used entries are evicted"
assert_no_leftovers
