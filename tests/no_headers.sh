# Every tool's live checks with no kernel headers at all: in a private mount
# namespace, empty directories hide /lib/modules/$(uname -r) and the kernel
# header trees under /usr/src, so kernel types come from the kernel's BTF
# alone (lib/system/ktypes.h). The live scripts run unchanged (kernel_types.sh knows
# the headers are gone: CBCC_HEADERS_HIDDEN=1), with a program cache of their
# own, emptied first, so that every program is compiled here. Registered for
# the normal build only (CI time; the sanitizer build runs the same scripts
# with the headers in place).
. "$(dirname "$0")/lib.sh"
need_bpf
HERE=$(cd "$(dirname "$0")" && pwd)
[ -r /sys/kernel/btf/vmlinux ] || fail "no kernel BTF (/sys/kernel/btf/vmlinux)"
command -v unshare >/dev/null || fail "unshare (util-linux) is needed"

hide=()
for d in "/lib/modules/$(uname -r)" /usr/src/linux-headers-*; do
	[ -d "$d" ] && hide+=("$d")
done
[ ${#hide[@]} -gt 0 ] || fail "nothing to hide: no kernel headers installed"
export CBCC_CACHE_DIR
CBCC_CACHE_DIR=$(cd "$CBCC_BIN/.." && pwd)/no-headers-cache
rm -rf "$CBCC_CACHE_DIR"
mkdir -m 700 "$CBCC_CACHE_DIR"

# In the namespace: hide, check that the headers are gone, run the scripts.
# shellcheck disable=SC2016
unshare -m --propagation private bash -c '
	here=$1
	shift
	for d in "$@"; do
		mount -t tmpfs -o ro,size=4k cbcc-no-headers "$d" || exit 1
	done
	for d in "/lib/modules/$(uname -r)/build" "/lib/modules/$(uname -r)/source"; do
		if [ -e "$d" ]; then echo "FAIL: $d is still there" >&2; exit 1; fi
	done
	if ls /usr/src/linux-headers-*/include >/dev/null 2>&1; then
		echo "FAIL: a header tree is still visible under /usr/src" >&2
		exit 1
	fi
	echo "ok: kernel headers hidden: $*"
	for t in trace_live argdist_live funccount_live stackcount_live execsnoop_live \
		opensnoop_live tplist_live kernel_types; do
		echo "== $t, without kernel headers"
		CBCC_HEADERS_HIDDEN=1 bash "$here/$t.sh" || { echo "FAIL: $t without kernel headers" >&2; exit 1; }
	done
' no-headers "$HERE" "${hide[@]}" || fail "the live checks failed without kernel headers"
[ -n "$(ls "$CBCC_CACHE_DIR")" ] || fail "nothing was compiled into $CBCC_CACHE_DIR"
rm -rf "$CBCC_CACHE_DIR"
pass "every tool's live checks pass with kernel types from BTF alone"
