# One door to libbcc: only lib/runtime/runtime*.c include libbcc's headers (<bcc/...>).
# No BPF needed.
set -o pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
found=$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]bcc/' lib/*/*.[ch] tools/*.[ch] |
	grep -vE '^lib/runtime/runtime[^/]*\.c$')
rc=$?
[ "$rc" -le 1 ] || { echo "FAIL: cannot search the sources (status $rc)"; exit 1; }
if [ -n "$found" ]; then
	echo "FAIL: libbcc headers included outside lib/runtime/runtime*.c (use lib/runtime/runtime.h):"
	echo "$found"
	exit 1
fi
n=$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]bcc/' lib/runtime/runtime*.c | wc -l)
[ "$n" -ge 1 ] || { echo "FAIL: no lib/runtime/runtime*.c includes libbcc: is this the source tree?"; exit 1; }
echo "PASS: only lib/runtime/runtime*.c ($n files) include <bcc/...>"
