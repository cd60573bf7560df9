# Kernel-function probes, live, in a throw-away VM booted with Debian's 6.1
# kernel (kprobes, fentry, BTF; it matches the installed headers): the
# machines' own kernel cannot run them. One boot runs tests/vm/kernel_probes.sh.
. "$(dirname "$0")/lib.sh"
VM=$(cd "$(dirname "$0")/vm" && pwd)

need_vm() {
	local why= rel
	rel=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1 | sed 's|.*/linux-headers-||')
	command -v qemu-system-x86_64 >/dev/null || why="qemu-system-x86_64 missing"
	[ -n "$rel" ] && [ -r "/boot/vmlinuz-$rel" ] || why="${why:+$why, }no readable /boot/vmlinuz matching the headers"
	command -v busybox >/dev/null || [ -x /bin/busybox ] || why="${why:+$why, }busybox missing"
	if [ -n "$why" ]; then
		[ "${CI:-}" = true ] && fail "test VM unavailable in CI ($why): run scripts/setup.sh"
		echo "skip: test VM unavailable ($why; scripts/setup.sh installs it)"
		exit $SKIP
	fi
}

need_vm
# Compiled programs outlive the VM: later runs (the sanitizer build's) skip clang.
export CBCC_CACHE_DIR=${CBCC_VM_CACHE:-$(cd "$VM/../.." && pwd)/build/vm}/program-cache
mkdir -p "$CBCC_CACHE_DIR"
chmod 700 "$CBCC_CACHE_DIR" # the cache wants a private directory

run_vm() {
	"$VM/run-in-vm" --timeout "${CBCC_VM_TIMEOUT:-900}" --rw-dir "$CBCC_CACHE_DIR" -- \
		bash "$VM/kernel_probes.sh" 2>&1 | tee "$WORK/vm.log"
	return "${PIPESTATUS[0]}"
}

rc=0
run_vm || rc=$?
[ "$rc" = 0 ] || fail "the tests in the VM failed (status $rc)"
pass "kernel-function probes in the VM"
