# Live tests of execsnoop: known programs with known arguments, exact columns.
. "$(dirname "$0")/lib.sh"
need_bpf
ES=$CBCC_BIN/execsnoop
tag="cbcc-es-$$"

# run_sh NAME SCRIPT: /bin/sh runs SCRIPT (a child of this shell, so its PPID
# is $$); its pid is left in $WORK/NAME.pid.
run_sh() {
	/bin/sh -c "echo \$\$ >$WORK/$1.pid; $2" >/dev/null 2>&1 || true
}

# Default columns; a successful exec shows the new program's name, a failed
# one (with -x) the old name and the error.
start_tracer basic "$ES" -x
run_sh ok "exec /bin/echo 'a b' c $tag"
run_sh bad "exec /nonexistent-$tag x"
stop_tracer
ok=$(cat "$WORK/ok.pid") bad=$(cat "$WORK/bad.pid")
assert_grep "$WORK/basic.out" '^PCOMM +PID +PPID +RET ARGS$' "header"
assert_count "$WORK/basic.out" "^sh +$ok +$$ +0 /bin/sh -c echo .* exec /bin/echo 'a b' c $tag\$" 1
assert_count "$WORK/basic.out" "^echo +$ok +$$ +0 /bin/echo a b c $tag\$" 1
assert_count "$WORK/basic.out" "^sh +$bad +$$ +-2 /nonexistent-$tag x\$" 1
assert_no_leftovers
pass "exec lines with PPID, RET and arguments; -x shows the failed exec"

# Control bytes in arguments and in the process name (a symlink named with an
# escape character) are printed escaped, with -q too.
ln -s /bin/echo "$WORK/"$'e\x1bcho'
start_tracer ctl "$ES" -q
run_sh c "exec $WORK/"$'e\x1bcho'" '"$'a\nb\x1b[1m\tc'"' $tag"
stop_tracer
assert_count "$WORK/ctl.out" "^e\\\\x1bcho +$(cat "$WORK/c.pid") +$$ +0 \"$WORK/e\\\\x1bcho\" \"a\\\\nb\\\\x1b\\[1m\\\\tc\" \"$tag\"\$" 1
LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$WORK/ctl.out" && fail "a control byte reached execsnoop's output"
pass "control bytes in arguments and process names are escaped"

# Without -x failed execs are not shown; -q quotes (escaping quotes).
start_tracer quote "$ES" -q
run_sh q "exec /bin/echo 'say \"hi\"' 'a b' $tag"
run_sh bad2 "exec /nonexistent-$tag y"
stop_tracer
q=$(cat "$WORK/q.pid")
assert_count "$WORK/quote.out" "^echo +$q +$$ +0 \"/bin/echo\" \"say \\\\\"hi\\\\\"\" \"a b\" \"$tag\"\$" 1
assert_no_grep "$WORK/quote.out" "^\"/nonexistent-$tag\" \"y\"|  -2 \"/nonexistent"
pass "-q quotes arguments; failed execs hidden without -x"

# --max-args and long arguments: truncation is marked with "...".
long=$(printf 'x%.0s' $(seq 200))
start_tracer max "$ES" --max-args 3
run_sh m "exec /bin/echo 1 2 3 4 $tag"
run_sh m3 "exec /bin/echo 1 $tag"
run_sh l "exec /bin/echo $long $tag"
stop_tracer
assert_count "$WORK/max.out" "^echo +$(cat "$WORK/m.pid") +$$ +0 /bin/echo 1 2 ...\$" 1
assert_count "$WORK/max.out" "^echo +$(cat "$WORK/m3.pid") +$$ +0 /bin/echo 1 $tag\$" 1
assert_count "$WORK/max.out" "^echo +$(cat "$WORK/l.pid") +$$ +0 /bin/echo $(printf 'x%.0s' $(seq 124))\\.\\.\\. $tag\$" 1
pass "--max-args and long arguments are cut with ..."

# -n (name regex), -l (argument regex), -U, -T and -t columns.
start_tracer name "$ES" -n '^ech' -U
start_name=$TRACER_PID
run_sh n1 "exec /bin/echo $tag"
run_sh n2 "exec /bin/true $tag"
stop_tracer
assert_grep "$WORK/name.out" '^UID   PCOMM +PID +PPID +RET ARGS$' "-U header"
assert_count "$WORK/name.out" "^0 +echo +$(cat "$WORK/n1.pid") +$$ +0 /bin/echo $tag\$" 1
assert_no_grep "$WORK/name.out" "true $tag"
start_tracer line "$ES" -l "ue $tag-l\$" -T -t
run_sh l1 "exec /bin/true $tag-l"
run_sh l2 "exec /bin/echo $tag-l2"
stop_tracer
assert_grep "$WORK/line.out" '^TIME     TIME\(s\) PCOMM +PID +PPID +RET ARGS$' "-T -t header"
assert_count "$WORK/line.out" "^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+\\.[0-9]{3} +true +$(cat "$WORK/l1.pid") +$$ +0 /bin/true $tag-l\$" 1
assert_no_grep "$WORK/line.out" "$tag-l2"
pass "-n, -l filters; -U, -T, -t columns"

# -P: only children of the given parent.
start_tracer ppid "$ES" -P $$
run_sh p1 "exec /bin/echo $tag-p"
/bin/sh -c "/bin/sh -c 'exec /bin/echo $tag-grandchild'; true" >/dev/null
stop_tracer
assert_count "$WORK/ppid.out" "^echo +$(cat "$WORK/p1.pid") +$$ +0 /bin/echo $tag-p\$" 1
assert_no_grep "$WORK/ppid.out" "^echo .* /bin/echo $tag-grandchild\$"
pass "-P filters on the parent"

# --exit: the run time until the process exits.
start_tracer exit "$ES" --exit
run_sh e "exec /bin/sleep 0.3"
stop_tracer
assert_grep "$WORK/exit.out" '^PCOMM +PID +PPID +RET +EXIT\(ms\) ARGS$' "--exit header"
ms=$(grep -E "^sleep +$(cat "$WORK/e.pid") +$$ +0 +[0-9.]+ /bin/sleep 0.3\$" "$WORK/exit.out" | awk '{print $5}')
[ -n "$ms" ] || fail "--exit: no line for sleep 0.3"
awk -v ms="$ms" 'BEGIN { exit !(ms >= 300 && ms < 60000) }' || fail "--exit: run time $ms ms"
pass "--exit shows the run time ($ms ms)"

# SIGTERM and a closed stdout both end with status 0.
start_tracer term "$ES"
stop_tracer TERM
( "$ES"; echo $? >"$WORK/pipe.rc" ) 2>/dev/null | head -n 1 >"$WORK/pipe.txt" &
for _ in $(seq 600); do [ -s "$WORK/pipe.txt" ] && break; sleep 0.1; done
for _ in $(seq 600); do
	[ -s "$WORK/pipe.rc" ] && break
	/bin/true
	sleep 0.1
done
[ "$(cat "$WORK/pipe.rc" 2>/dev/null)" = 0 ] || fail "closed stdout: status $(cat "$WORK/pipe.rc" 2>/dev/null)"
assert_no_leftovers
pass "SIGTERM and a closed stdout exit 0"
