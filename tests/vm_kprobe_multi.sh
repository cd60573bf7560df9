# kprobe_multi links, live, in a throw-away VM booted with Debian 12's 6.12
# kernel (scripts/setup.sh unpacks it under /var/cache/cbcc/vm-kernel-6.12):
# neither our machines' kernel (no kprobes) nor the 6.1 kernel of
# tests/vm_kernel.sh (no CONFIG_FPROBE) has them. One boot runs
# tests/vm/kprobe_multi.sh.
. "$(dirname "$0")/lib.sh"
VM=$(cd "$(dirname "$0")/vm" && pwd)
VMK=/var/cache/cbcc/vm-kernel-6.12

kernel=$(ls "$VMK"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
if [ -z "$kernel" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	[ "${CI:-}" = true ] && fail "the 6.12 test VM is unavailable in CI: run scripts/setup.sh"
	echo "skip: no 6.12 kernel under $VMK or no qemu (scripts/setup.sh installs them)"
	exit $SKIP
fi
export CBCC_VM_KERNEL=$kernel CBCC_VM_MODULES=$VMK/lib/modules
# Compiled programs outlive the VM: later runs (the sanitizer build's) skip clang.
export CBCC_CACHE_DIR=${CBCC_VM_CACHE:-$(cd "$VM/../.." && pwd)/build/vm}/program-cache-6.12
mkdir -p "$CBCC_CACHE_DIR"
chmod 700 "$CBCC_CACHE_DIR"
rc=0
"$VM/run-in-vm" --timeout "${CBCC_VM_TIMEOUT:-900}" --rw-dir "$CBCC_CACHE_DIR" -- \
	bash "$VM/kprobe_multi.sh" 2>&1 | tee "$WORK/vm.log" || rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "the tests in the 6.12 VM failed (status $rc)"
assert_grep "$WORK/vm.log" '^ok: funccount .vfs_\*.: vfs_write 8 times through one kprobe_multi link'
pass "kprobe_multi links in the 6.12 VM"
