# --cgroupmap and --mntnsmap of execsnoop and opensnoop (BCC's container
# filters, its docs/special_filtering.md): a pinned hash map holds one mount
# namespace or one cgroup, and only the processes in it are shown. The test
# runs in a private mount namespace with its own bpffs for the pinned maps.
# Without arguments: mount namespaces and bad maps. With --cgroup: the cgroup
# filter, which needs a new cgroup (a change to the machine), so
# tests/vm/kernel_tools.sh runs it in the test VM only.
if [ "$(id -u)" = 0 ] && [ -z "${CBCC_PRIVATE_MNTNS:-}" ]; then
	exec env CBCC_PRIVATE_MNTNS=1 unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_bpf
ES=$CBCC_BIN/execsnoop
OS=$CBCC_BIN/opensnoop
BPFFS=$WORK/bpffs
mkdir "$BPFFS"
mount -t bpf bpf "$BPFFS" || fail "cannot mount a bpffs in a private mount namespace"
command -v bpftool >/dev/null || fail "bpftool missing: run scripts/setup.sh"

# le_hex N: N as the 8 bytes of a little-endian u64, for bpftool's "key hex".
le_hex() { printf '%016x' "$1" | sed 's/../& /g' | tr ' ' '\n' | grep . | tac | tr '\n' ' '; }

# new_set NAME VALUE_SIZE ID: a pinned hash map $BPFFS/NAME holding key ID.
new_set() {
	bpftool map create "$BPFFS/$1" type hash key 8 value "$2" entries 128 name "$1" flags 0 ||
		fail "bpftool cannot create the map $1"
	bpftool map update pinned "$BPFFS/$1" key hex $(le_hex "$3") value hex $(printf '00 %.0s' $(seq "$2")) any ||
		fail "bpftool cannot update the map $1"
}

# check_opensnoop OPTION MAP INSIDE_PID: opensnoop with OPTION MAP while the
# waiting target INSIDE_PID (in the map's namespace or cgroup) and a target
# outside open a file each: only the inside one shows.
check_opensnoop() {
	local opt=$1 map=$2 in=$3
	start_tracer "os$opt" "$OS" "$opt" "$map"
	"$TARGET" open "$WORK/outside"
	kill -USR1 "$in"
	wait "$in" || fail "the target inside failed"
	stop_tracer
	assert_count "$WORK/os$opt.out" "^$in +target +[0-9]+ +0 $WORK/inside\$" 1
	assert_no_grep "$WORK/os$opt.out" "outside"
	grep -qvE "^\$|^PID |^$in " "$WORK/os$opt.out" &&
		fail "opensnoop $opt showed another process: $(grep -vE "^PID |^$in " "$WORK/os$opt.out" | head -3)"
	assert_no_leftovers
}

# check_execsnoop OPTION MAP INSIDE_PID [CMD...]: execsnoop with OPTION MAP
# (then CMD runs, once it is attached) while the waiting target INSIDE_PID (in
# the map's namespace or cgroup) execs /bin/true 3 times and a target outside
# twice: only the 3 inside show.
check_execsnoop() {
	local opt=$1 map=$2 in=$3
	shift 3
	start_tracer "es$opt" "$ES" "$opt" "$map"
	[ $# = 0 ] || "$@" || fail "$*"
	"$TARGET" execs 2
	kill -USR1 "$in"
	wait "$in" || fail "the target inside failed"
	stop_tracer
	assert_count "$WORK/es$opt.out" "^true +[0-9]+ +$in +0 /bin/true cbcc-exec-burst\$" 3
	assert_count "$WORK/es$opt.out" '^[a-z]' 3
	assert_no_leftovers
}

if [ "${1:-}" != --cgroup ]; then
	echo x >"$WORK/inside"
	unshare -m --propagation private "$TARGET" --wait open "$WORK/inside" >"$WORK/in.out" 2>&1 &
	in=$!
	wait_target_ready "$WORK/in.out"
	ino=$(stat -Lc %i "/proc/$in/ns/mnt")
	[ "$ino" != "$(stat -Lc %i /proc/self/ns/mnt)" ] || fail "unshare -m gave no new mount namespace"
	new_set mntns 4 "$ino"
	check_opensnoop --mntnsmap "$BPFFS/mntns" "$in"
	pass "opensnoop --mntnsmap: only the opens of the process in the map's mount namespace"

	unshare -m --propagation private "$TARGET" --wait execs 3 >"$WORK/in.out" 2>&1 &
	in=$!
	wait_target_ready "$WORK/in.out"
	# its namespace enters the map while execsnoop runs: that counts at once
	check_execsnoop --mntnsmap "$BPFFS/mntns" "$in" bpftool map update pinned "$BPFFS/mntns" \
		key hex $(le_hex "$(stat -Lc %i "/proc/$in/ns/mnt")") value hex 00 00 00 00 any
	pass "execsnoop --mntnsmap: only the execs in the map's mount namespace, added while it ran"

	# Bad maps: one line naming the option and the path, status 1.
	expect_error 1 "^opensnoop: --mntnsmap '$WORK/none': cannot open the pinned map: No such file or directory\$" \
		"$OS" --mntnsmap "$WORK/none"
	echo x >"$WORK/plain"
	expect_error 1 "^execsnoop: --cgroupmap '$WORK/plain': cannot open the pinned map: " "$ES" --cgroupmap "$WORK/plain"
	expect_error 1 "^execsnoop: --mntnsmap '$BPFFS/wide': not a hash map of 8-byte keys and 4-byte values, as BCC uses \\(it has map type 1, 8-byte keys, 8-byte values\\)\$" \
		bash -c "bpftool map create '$BPFFS/wide' type hash key 8 value 8 entries 8 name wide flags 0 && exec '$ES' --mntnsmap '$BPFFS/wide'"
	expect_error 1 "^opensnoop: --cgroupmap '$BPFFS/arr': not a hash map of 8-byte keys and 8-byte values, as BCC uses \\(it has map type 2, 4-byte keys, 8-byte values\\)\$" \
		bash -c "bpftool map create '$BPFFS/arr' type array key 4 value 8 entries 8 name arr && exec '$OS' --cgroupmap '$BPFFS/arr'"
	expect_error 1 "^opensnoop: --cgroupmap '$BPFFS/noprealloc': the map cannot be used: Invalid argument \\(made with flags other than 0\\?\\)\$" \
		bash -c "bpftool map create '$BPFFS/noprealloc' type hash key 8 value 8 entries 8 name np flags 1 && exec '$OS' --cgroupmap '$BPFFS/noprealloc'"
	assert_no_leftovers
	pass "missing, non-map, wrongly shaped and wrongly flagged maps: one error line each"
	exit 0
fi

# --cgroup: a new cgroup (v2) with one waiting target in it; opensnoop only.
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$CG" ]; then
	CG=$WORK/cgroup2
	mkdir "$CG"
	mount -t cgroup2 none "$CG" || fail "cannot mount cgroup2"
fi
mkdir "$CG/cbcc-test-$$"
trap 'rmdir "$CG/cbcc-test-$$" 2>/dev/null; cleanup' EXIT
id=$(stat -c %i "$CG/cbcc-test-$$") # a cgroup2 directory's inode number is the cgroup id
new_set cgroups 8 "$id"
echo x >"$WORK/inside"
"$TARGET" --wait open "$WORK/inside" >"$WORK/in.out" 2>&1 &
in=$!
echo "$in" >"$CG/cbcc-test-$$/cgroup.procs"
wait_target_ready "$WORK/in.out"
check_opensnoop --cgroupmap "$BPFFS/cgroups" "$in"
pass "opensnoop --cgroupmap: only the opens of the process in the map's cgroup"
# (execsnoop's filter is the same code, tested above with --mntnsmap: a
# compile under emulation is saved)
