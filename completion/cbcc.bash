# bash completion for cbcc's tools: options (read from the tool's -h),
# tracepoints after "t:", library functions after "lib:" and "p:lib:"/"r:lib:".
_cbcc_tracepoints() {
	local f
	for f in /sys/kernel/tracing/available_events /sys/kernel/debug/tracing/available_events; do
		[ -r "$f" ] && { sed 's/^/t:/' "$f"; return; }
	done
}

_cbcc_library_path() {
	local lib=$1
	case $lib in
	*/*) echo "$lib" ;;
	*) ldconfig -p 2>/dev/null | awk -v l="lib$lib.so" '$1 == l || index($1, l ".") == 1 { print $NF; exit }' ;;
	esac
}

_cbcc_functions() { # PREFIX LIB
	local path
	path=$(_cbcc_library_path "$2")
	[ -r "$path" ] || return
	nm -D --defined-only "$path" 2>/dev/null | awk -v p="$1" '$2 ~ /^[TtWi]$/ { sub(/@.*/, "", $3); print p $3 }'
}

_cbcc_complete() {
	local cur=${COMP_WORDS[COMP_CWORD]} tool=${COMP_WORDS[0]} opts
	COMPREPLY=()
	if [[ $cur == -* ]]; then
		opts=$("$tool" -h 2>/dev/null | grep -oE '(^|[ ,[])--?[A-Za-z][-A-Za-z_]*' | tr -d ' ,[' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return
	fi
	# bash splits words at ':' by default: complete the whole spec
	_get_comp_words_by_ref -n : cur 2>/dev/null || true
	case $cur in
	t:*) mapfile -t COMPREPLY < <(_cbcc_tracepoints | grep -F -- "$cur" | grep "^$cur") ;;
	[pr]:?*:*)
		local lib=${cur#?:}
		lib=${lib%%:*}
		mapfile -t COMPREPLY < <(_cbcc_functions "${cur:0:2}$lib:" "$lib" | grep "^$cur") ;;
	[!:]*:*)
		local lib=${cur%%:*}
		mapfile -t COMPREPLY < <(_cbcc_functions "$lib:" "$lib" | grep "^$cur") ;;
	esac
	type __ltrim_colon_completions >/dev/null 2>&1 && __ltrim_colon_completions "$cur"
}

complete -F _cbcc_complete trace argdist funccount stackcount tplist execsnoop opensnoop
