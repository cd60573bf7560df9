# `cmake --install` to a temporary prefix gives tools that work without the
# source tree (templates are embedded) and their man pages.
. "$(dirname "$0")/lib.sh"
need_bpf
prefix="$WORK/prefix"
cmake --install "$CBCC_BIN/.." --prefix "$prefix" >"$WORK/install.out" 2>&1 || fail "cmake --install failed"
[ -x "$prefix/sbin/trace" ] || fail "trace not installed"
for tool in "$CBCC_BIN"/*; do
	name=$(basename "$tool")
	[ -x "$prefix/sbin/$name" ] || fail "$name not installed"
	[ -f "$prefix/share/man/man8/$name.8" ] || fail "$name.8 not installed"
	[ -f "$prefix/share/bash-completion/completions/$name" ] || fail "$name completion not installed"
done
# the completion offers the tool's own options and tracepoint names
comp=$(bash -c "source '$prefix/share/bash-completion/completions/trace'
	COMP_WORDS=('$prefix/sbin/trace' --no-c); COMP_CWORD=1; _cbcc_complete; echo \"\${COMPREPLY[*]}\"
	COMP_WORDS=(trace t:sched:sched_switc); COMP_CWORD=1; _cbcc_complete; echo \"\${COMPREPLY[*]}\"")
grep -q -- '--no-cache' <<<"$comp" || fail "completion lacks --no-cache: $comp"
grep -q 't:sched:sched_switch' <<<"$comp" || fail "completion lacks t:sched:sched_switch: $comp"
(cd / && "$prefix/sbin/trace" --ebpf 't:syscalls:sys_enter_getppid' >"$WORK/ebpf.out" 2>&1) ||
	fail "installed trace failed"
assert_grep "$WORK/ebpf.out" 'int probe_sys_enter_getppid_1\(struct tracepoint__syscalls__sys_enter_getppid \*args\)'
pass "installed trace works without the source tree"
