# The compiled-program cache: hits, a miss for each key component and for
# changed -I headers, damaged entries (also with a valid checksum: recompiled
# and replaced), unusable and untrusted directories, planted symlinks and
# FIFOs, concurrent writers, LRU eviction, invalid settings, and identical
# output cold and warm.
. "$(dirname "$0")/lib.sh"
need_bpf
TRACE=$CBCC_BIN/trace
export CBCC_CACHE_DIR="$WORK/cache"
READY_RE='^PID' # -v prints the program before the header
SPEC="p:$TARGET:cbcc_add \"a=%d b=%d\", arg1, arg2"

# run NAME [ENV=VALUE...] [CMD...]: trace -v -M 3 on cbcc_add (run by CMD,
# which execs its last arguments, when given), output without pids.
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
entry=$(ls "$CBCC_CACHE_DIR"/*.prog) # the entry of SPEC's program
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
# Components a test cannot change for real are faked through hooks that only
# test builds have (cmake -DCBCC_TEST_HOOKS=ON); a release build ignores them.
if [ "$CBCC_TEST_HOOKS" = 1 ]; then
	for comp in kernel libbcc build_id cflags cpus; do
		upper=$(echo "$comp" | tr a-z A-Z)
		run "fake_$comp" "CBCC_CACHE_FAKE_$upper=changed"
		cache_says "fake_$comp" "miss: $comp changed"
		run "back_$comp"
		cache_says "back_$comp" "miss: $comp changed"
	done
	pass "miss when kernel, libbcc, kernel build id, flags or CPUs change"
else
	run fake_ignored CBCC_CACHE_FAKE_KERNEL=changed CBCC_CACHE_FAKE_LIBBCC=changed
	cache_says fake_ignored 'program cache hit'
	pass "the CBCC_CACHE_FAKE_* test hooks are not in this (release) build"
fi

# -I headers, and what they include, are part of the key by their contents.
printf '#include "inner.h"\n' >"$WORK/val.h"
printf '#define CBCC_VAL 1111\n' >"$WORK/inner.h"
header_run() { # NAME EXPECTED_VALUE
	start_tracer "$1" "$TRACE" -v -I "$WORK/val.h" -M 1 "p:$TARGET:cbcc_add \"v=%d\", CBCC_VAL"
	"$TARGET" calls 1
	wait_tracer
	assert_grep "$WORK/$1.out" "cbcc_add +v=$2\$"
}
header_run hdr_cold 1111
cache_says hdr_cold 'miss: no entry'
header_run hdr_warm 1111
cache_says hdr_warm 'hit'
printf '#define CBCC_VAL 2222\n' >"$WORK/inner.h"
header_run hdr_changed 2222
cache_says hdr_changed "miss: $WORK/inner.h changed"
header_run hdr_again 2222
cache_says hdr_again 'hit'
pass "a change in an -I header or a header it includes is a miss"

# Where kernel types come from is part of the key: the kernel's BTF (the
# default here) or the kernel header tree, whose key files' modification times
# count only then. A changed key file is a copy of it with another
# modification time mounted over it in a private mount namespace (the
# machine's tree, which other runs use, is not touched). The entry is the
# source's: switching replaces it.
hdr=$(readlink -f "/lib/modules/$(uname -r)/build")/include/config/kernel.release
cp "$hdr" "$WORK/kernel.release"
touch -d '2001-01-01' "$WORK/kernel.release"
over_hdr=(unshare -m --propagation private
	sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$WORK/kernel.release" "$hdr")
run btf_hdr_touched "${over_hdr[@]}"
cache_says btf_hdr_touched 'hit'
run types_headers CBCC_KERNEL_TYPES=headers
cache_says types_headers 'miss: types changed'
run headers CBCC_KERNEL_TYPES=headers "${over_hdr[@]}"
cache_says headers 'miss: headers changed'
run headers_hit CBCC_KERNEL_TYPES=headers "${over_hdr[@]}"
cache_says headers_hit 'hit'
cmp -s "$WORK/cold.lines" "$WORK/headers_hit.lines" || fail "output with the headers' types differs"
run types_btf
cache_says types_btf 'miss: types changed'
# libbcc's own environment (another kernel tree for the headers, which a
# compile with BTF types replaces by its own) is in the key.
run kernel_source BCC_KERNEL_SOURCE=/nonexistent
cache_says kernel_source 'miss: libbcc_env changed'
cmp -s "$WORK/cold.lines" "$WORK/kernel_source.lines" || fail "output with BCC_KERNEL_SOURCE set differs"
run types_btf_again
cache_says types_btf_again 'miss: libbcc_env changed'
run types_btf_hit
cache_says types_btf_hit 'hit'
pass "miss when the types' source changes, or the header tree they come from"

# Damaged entries are detected, ignored and rebuilt.
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

# Entries with a valid checksum that do not work: a function or a map
# missing, code cut short. The run works anyway and the entry is replaced.
for damage in rename-func "rename-map cbcc_events" cut; do
	python3 "$(dirname "$0")/cache_entry.py" ${damage%% *} "$entry" ${damage#* }
	run damaged
	cache_says damaged 'program cache hit'
	cache_says damaged 'entry unusable \((a function is missing|a map is missing|the kernel refused its code)\), compiling'
	cmp -s "$WORK/cold.lines" "$WORK/damaged.lines" || fail "output with a damaged entry ($damage) differs"
	run replaced
	cache_says replaced 'hit'
	assert_no_grep "$WORK/replaced.err" 'unusable' "the run after the replacement ($damage)"
done
pass "entries that do not load are compiled again and replaced"

# An unusable cache directory: the tool works and warns once.
run unwritable CBCC_CACHE_DIR=/dev/null/cbcc
cache_says unwritable 'warning: program cache not written: cannot create /dev/null/cbcc: /dev/null: Not a directory'
[ "$(grep -c 'program cache not written' "$WORK/unwritable.err")" = 1 ] || fail "warned more than once"
cmp -s "$WORK/cold.lines" "$WORK/unwritable.lines" || fail "output without a cache differs"
pass "unwritable cache dir: works, warns once"

# Planted symlinks are not followed: the directory, and an entry's name.
mkdir -m 700 "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/link"
run symlinked CBCC_CACHE_DIR="$WORK/link"
cache_says symlinked "cannot use $WORK/link: $WORK/link is a symlink"
[ -z "$(ls "$WORK/elsewhere")" ] || fail "wrote through a symlinked cache dir"
run symlinked_parent CBCC_CACHE_DIR="$WORK/link/cache"
cache_says symlinked_parent "cannot use $WORK/link/cache: $WORK/link is a symlink"
[ -z "$(ls "$WORK/elsewhere")" ] || fail "wrote through a symlinked parent of the cache dir"
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

# Directories on the way that others control: nothing is created or read
# there ($WORK itself lies in /tmp, which is sticky: that is allowed).
mkdir "$WORK/others"
chown 65534 "$WORK/others"
run others_dir CBCC_CACHE_DIR="$WORK/others/a/b/cache"
cache_says others_dir "cannot use $WORK/others/a/b/cache: $WORK/others is owned by another user"
[ -z "$(ls -A "$WORK/others")" ] || fail "created $(ls -A "$WORK/others") in another user's directory"
mkdir "$WORK/open"
chmod 777 "$WORK/open"
run open_dir CBCC_CACHE_DIR="$WORK/open/cache"
cache_says open_dir "cannot use $WORK/open/cache: $WORK/open is writable by others"
[ -z "$(ls -A "$WORK/open")" ] || fail "created $(ls -A "$WORK/open") in a directory others can write"
cmp -s "$WORK/cold.lines" "$WORK/open_dir.lines" || fail "output without a trusted cache differs"
pass "directories others own or can write are not used"

# A FIFO at an entry's name does not block the tool; it is replaced.
mkdir -m 700 "$WORK/fifo"
mkfifo "$WORK/fifo/$(basename "$entry")"
CBCC_ATTACH_WAIT=30 run fifo CBCC_CACHE_DIR="$WORK/fifo"
cache_says fifo 'miss: entry is not a regular file'
[ -f "$WORK/fifo/$(basename "$entry")" ] || fail "the FIFO was not replaced by an entry"
pass "a FIFO at an entry's name"

# Invalid settings are errors naming them.
for v in -1 0 abc 1048577 99999999999999999999; do
	expect_error 1 "CBCC_CACHE_MAX_MB: invalid value '$v' \(a size in MB from 1 to 1048576\)" \
		env CBCC_CACHE_MAX_MB="$v" "$TRACE" -M 1 "$SPEC"
done
for v in relative/cache /var/../tmp/cache; do
	expect_error 1 "CBCC_CACHE_DIR: invalid value '$v' \(an absolute path without '..' is needed\)" \
		env CBCC_CACHE_DIR="$v" "$TRACE" -M 1 "$SPEC"
done
pass "invalid CBCC_CACHE_MAX_MB and CBCC_CACHE_DIR values"

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
