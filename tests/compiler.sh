# libbcc.so.0 (libbcc's clang frontend, with clang and LLVM) is loaded only to
# compile a program: never for -h, --version, bad input, tplist or a program
# cache hit (the dynamic loader's own log says which files it loaded). A
# missing or incompatible libbcc.so.0 is one error line.
. "$(dirname "$0")/lib.sh"
need_bpf
export CBCC_CACHE_DIR="$WORK/cache"
TOOLS="trace argdist funccount stackcount tplist execsnoop opensnoop"
GETPPID='t:syscalls:sys_enter_getppid'

# ld_log NAME: the environment that has the loader log the files it loads
# in $WORK/NAME.ld.* ("env $(ld_log NAME) CMD...")
ld_log() {
	echo "LD_DEBUG=files LD_DEBUG_OUTPUT=$WORK/$1.ld"
}
# compiler_files NAME: the compiler's libraries the run NAME loaded.
compiler_files() {
	cat "$WORK/$1".ld.* | grep -oE 'file=[^ ]*(libbcc\.so|libLLVM|libclang)[^ ]*' | sort -u
}
no_compiler() { # NAME WHAT
	local files
	ls "$WORK/$1".ld.* >/dev/null 2>&1 || fail "$2: no loader log"
	files=$(compiler_files "$1")
	[ -z "$files" ] || fail "$2 loaded the compiler: $(echo $files)"
}

for t in $TOOLS; do
	env $(ld_log "help_$t") "$CBCC_BIN/$t" -h >"$WORK/help_$t.out" || fail "$t -h failed"
	no_compiler "help_$t" "$t -h"
	env $(ld_log "version_$t") "$CBCC_BIN/$t" --version >"$WORK/version_$t.out" || fail "$t --version failed"
	no_compiler "version_$t" "$t --version"
done
pass "-h and --version do not load the compiler"

# Only the exporting tools (argdist, funccount, stackcount) link the HTTP
# server's library (and GnuTLS behind it); the others start without it.
http_lib() { grep -qE 'file=[^ ]*libmicrohttpd' "$WORK/help_$1".ld.*; }
for t in trace tplist execsnoop opensnoop; do
	if http_lib "$t"; then fail "$t loads libmicrohttpd: only the exporting tools need it"; fi
done
for t in argdist funccount stackcount; do
	http_lib "$t" || fail "$t -h did not load libmicrohttpd: the check above sees nothing"
done
pass "only argdist, funccount and stackcount load libmicrohttpd"

bad_input() { # NAME STATUS REGEX TOOL ARGS...
	local name=$1
	shift
	expect_error "$1" "$2" env $(ld_log "$name") "$CBCC_BIN/$3" "${@:4}"
	no_compiler "$name" "bad input to $3"
}
bad_input bad_trace 1 "unknown tracepoint category" trace 't:nosuchcat:nosuch'
bad_input bad_trace_opt 2 "invalid value" trace -p x "$GETPPID"
bad_input bad_argdist 1 "argdist: " argdist -C 'x:nosuch:thing()'
bad_input bad_funccount 1 "no tracepoints matched" funccount 't:sched:nosuch*'
bad_input bad_stackcount 1 "no tracepoints matched" stackcount 't:sched:nosuch*'
bad_input bad_tplist 2 "invalid value" tplist -p x
bad_input bad_execsnoop 2 "unrecognized option" execsnoop --bogus
bad_input bad_opensnoop 2 "invalid value" opensnoop -p -5
pass "bad input does not load the compiler"

env $(ld_log tplist_tp) "$CBCC_BIN/tplist" 'sched:*' >"$WORK/tplist_tp.out" || fail "tplist failed"
assert_grep "$WORK/tplist_tp.out" '^sched:sched_switch$'
no_compiler tplist_tp "tplist"
env $(ld_log tplist_usdt) "$CBCC_BIN/tplist" -l "$TARGET" >"$WORK/tplist_usdt.out" || fail "tplist -l failed"
assert_grep "$WORK/tplist_usdt.out" 'cbcc:ping$'
no_compiler tplist_usdt "tplist -l"
pass "tplist does not load the compiler"

# Each tracing tool twice: the miss compiles (and so loads the compiler: the
# check sees it when it is there), the hit does not.
run_tool() { # NAME TOOL ARGS...
	local name=$1 tool=$2
	shift 2
	case $tool in
	argdist) ;; # prints nothing until its first interval
	funccount | stackcount) READY_RE='Hit Ctrl-C' ;;
	esac
	READY_RE=${READY_RE:-} start_tracer "$name" env $(ld_log "$name") "$CBCC_BIN/$tool" "$@"
	stop_tracer
	READY_RE=
}
while read -r tool args; do
	eval "set -- $args"
	run_tool "cold_$tool" "$tool" "$@"
	[ -n "$(compiler_files "cold_$tool")" ] || fail "$tool: the compile did not load libbcc.so.0"
	assert_grep "$WORK/cold_$tool.ld".* 'file=libbcc\.so\.0 .*dynamically loaded'
	run_tool "warm_$tool" "$tool" "$@"
	no_compiler "warm_$tool" "$tool on a cache hit"
done <<EOF
trace $GETPPID
argdist -i 1 -C '$GETPPID()'
funccount $GETPPID
stackcount $GETPPID
execsnoop
opensnoop
EOF
pass "cache hits of every tool do not load the compiler; misses do"

# A missing, foreign or other version's libbcc.so.0: one line, status 1.
lib=$(readlink -f "$(ldconfig -p | awk '/libbcc\.so\.0 /{ print $NF; exit }')")
bpflib=$(readlink -f "$(ldconfig -p | awk '/libbcc_bpf\.so\.0 /{ print $NF; exit }')")
[ -f "$lib" ] && [ -f "$bpflib" ] || fail "libbcc.so.0 or libbcc_bpf.so.0 not found by ldconfig"
over_lib() { # FILE CMD...: CMD with FILE mounted over libbcc.so.0 (private mount namespace)
	unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
		sh "$1" "$lib" "${@:2}"
}
expect_error 1 "^trace: cannot load the BPF compiler \(libbcc\.so\.0\): .*libbcc\.so\.0: file too short$" \
	over_lib /dev/null "$CBCC_BIN/trace" --no-cache -M 1 "$GETPPID"
expect_error 1 "^trace: libbcc\.so\.0 is not compatible with cbcc: it has no bpf_module_create_c_from_string$" \
	over_lib "$bpflib" "$CBCC_BIN/trace" --no-cache -M 1 "$GETPPID"
mkdir "$WORK/other-bcc"
cp "$lib" "$WORK/other-bcc/libbcc.so.0.99.0"
ln -s libbcc.so.0.99.0 "$WORK/other-bcc/libbcc.so.0"
expect_error 1 "^funccount: $WORK/other-bcc/libbcc\.so\.0\.99\.0 is libbcc 0\.99\.0 but cbcc was built for libbcc 0\.26" \
	env LD_LIBRARY_PATH="$WORK/other-bcc" "$CBCC_BIN/funccount" --no-cache -d 1 "$GETPPID"
pass "missing, foreign and other versions of libbcc.so.0"
assert_no_leftovers
