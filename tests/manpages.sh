# Every option a tool's -h lists is documented in its man page, and every
# tool has one (no BPF needed).
. "$(dirname "$0")/lib.sh"
MAN=$(cd "$(dirname "$0")/../man/man8" && pwd)
for tool in "$CBCC_BIN"/*; do
	name=$(basename "$tool")
	page=$MAN/$name.8
	[ -f "$page" ] || fail "$name has no man page ($page)"
	# man source without font escapes and backslashes: "\fB\-\-json\fR" -> "--json"
	sed -E 's/\\f[BIRP]//g; s/\\-/-/g' "$page" >"$WORK/$name.txt"
	# the usage and options part of -h, not its examples
	"$tool" -h >"$WORK/$name.full" || fail "$name -h failed"
	awk 'tolower($0) ~ /^ *examples:?$/ { exit } { print }' "$WORK/$name.full" >"$WORK/$name.help"
	opts=$(grep -oE '(^|[ ,[])--?[A-Za-z][-A-Za-z_]*' "$WORK/$name.help" | tr -d ' ,[' | sort -u)
	[ -n "$opts" ] || fail "$name -h lists no options"
	for opt in $opts; do
		grep -qE -- "(^|[^-A-Za-z_])$opt([^-A-Za-z_]|\$)" "$WORK/$name.txt" ||
			fail "$name: option $opt of -h is missing from $name.8"
	done
done
pass "every option of every tool's -h is in its man page"
