# Live tests of --prometheus (funccount, argdist, stackcount) against a real
# Prometheus server (Debian's package) scraping them every second on loopback:
# exact counters, histogram buckets, _count, _sum and histogram_quantile
# after a known workload, label escaping, promtool's checker, OpenMetrics,
# hostile clients, and bad addresses.
. "$(dirname "$0")/lib.sh"
need_bpf
for cmd in prometheus promtool curl ss; do
	if ! command -v "$cmd" >/dev/null; then
		[ "${CI:-}" = true ] && fail "$cmd missing in CI: run scripts/setup.sh"
		echo "skip: $cmd missing"
		exit $SKIP
	fi
done
FC=$CBCC_BIN/funccount
AD=$CBCC_BIN/argdist
SC=$CBCC_BIN/stackcount
# A private copy: uprobes other tools hold on the shared binary cannot interfere.
cp "$TARGET" "$WORK/target"
TARGET=$WORK/target
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; cleanup' EXIT

# 1. Bad addresses are usage errors; an address that cannot be bound fails
# before anything is compiled or attached (-v would print the program first).
expect_error 2 "^funccount: error: argument --prometheus: invalid address 'foo': expected \[HOST\]:PORT" \
	"$FC" --prometheus foo t:syscalls:sys_enter_getppid
expect_error 2 "invalid address ':99999'" "$AD" --prometheus :99999 -C 't:syscalls:sys_enter_getppid()'
expect_error 2 "invalid address '\[::1'" "$SC" --prometheus '[::1' t:syscalls:sys_enter_getppid
expect_error 2 "invalid address '::1:80'" "$FC" --prometheus ::1:80 t:syscalls:sys_enter_getppid
expect_error 2 "^argdist: error: --quiet only goes with --prometheus" "$AD" --quiet -C 't:syscalls:sys_enter_getppid()'
expect_error 2 "argument --prometheus-stacks: invalid value: '0'" "$SC" --prometheus :0 --prometheus-stacks 0 c:malloc
expect_error 1 "^argdist: cannot serve metrics on 192\.0\.2\.1:9435: Cannot assign requested address$" \
	"$AD" -v --prometheus 192.0.2.1:9435 -C "p:$TARGET:cbcc_add()"
[ -s "$WORK/err.out" ] && fail "argdist printed its program before failing to bind"
pass "bad addresses: usage errors, or one error before compiling"

# 2. The three exporters, each on a free port, on a waiting target or the
# private binary; funccount and stackcount without terminal output.
# They compile side by side, then wait until each has attached.
READY_ERR_RE='serving Prometheus metrics at'
start_waiting_target getppid 77
FC_TARGET=$TARGET_PID
launch_tracer fc "$FC" --quiet --prometheus :0 -p "$FC_TARGET" 't:syscalls:sys_enter_getp*'
FC_PID=$TRACER_PID
launch_tracer ad "$AD" -i 1 --prometheus 127.0.0.1:0 -C "p:$TARGET:cbcc_greet(char *name):char*:name" \
	-C "p:$TARGET:cbcc_add()" -H "p:$TARGET:cbcc_add(int a):int:a" \
	-H "r:$TARGET:cbcc_sleep():u64:\$latency#sleep latency ns"
AD_PID=$TRACER_PID
# (a copy of its own: argdist counts every process of $TARGET)
mkdir "$WORK/sc"
cp "$TARGET" "$WORK/sc/target"
TARGET=$WORK/sc/target start_waiting_target stacks 5
SC_TARGET=$TARGET_PID
launch_tracer sc "$SC" --quiet --prometheus :0 --prometheus-stacks 3 -U -p "$SC_TARGET" \
	"$WORK/sc/target:cbcc_add"
SC_PID=$TRACER_PID
TRACER_PID=
PIDS+=("$FC_PID" "$AD_PID" "$SC_PID" "$FC_TARGET" "$SC_TARGET")
tracer_ready fc "$FC_PID"
tracer_ready ad "$AD_PID"
tracer_ready sc "$SC_PID"
port_of() { sed -nE 's|.*serving Prometheus metrics at http://127\.0\.0\.1:([0-9]+)/metrics$|\1|p' "$WORK/$1.err"; }
FC_PORT=$(port_of fc)
AD_PORT=$(port_of ad)
SC_PORT=$(port_of sc)
[ -n "$FC_PORT" ] && [ -n "$AD_PORT" ] && [ -n "$SC_PORT" ] || fail "an exporter did not say its port"
expect_error 1 "^argdist: cannot serve metrics on 127\.0\.0\.1:$FC_PORT: Address already in use\$" \
	"$AD" -v --prometheus "127.0.0.1:$FC_PORT" -C "p:$TARGET:cbcc_add()"
[ -s "$WORK/err.out" ] && fail "argdist printed its program before failing to bind"
pass "an address in use: one error before compiling"

# expose NAME PORT [CURL ARGS...]: GET /metrics into $WORK/NAME.metrics (headers in .headers).
expose() {
	local name=$1 port=$2
	shift 2
	curl -sS --max-time 30 -D "$WORK/$name.headers" -o "$WORK/$name.metrics" "$@" \
		"http://127.0.0.1:$port/metrics" || fail "$name: GET /metrics failed"
}
# promtool's own checker (the text format), on a non-empty exposition.
check_exposition() {
	expose "$1" "$2"
	grep -q '^cbcc_build_info{tool="' "$WORK/$1.metrics" || fail "$1: no cbcc_build_info"
	promtool check metrics <"$WORK/$1.metrics" >"$WORK/$1.promtool" 2>&1 ||
		fail "$1: promtool check metrics: $(cat "$WORK/$1.promtool")"
	[ -s "$WORK/$1.promtool" ] && fail "$1: promtool check metrics complains: $(cat "$WORK/$1.promtool")"
	return 0
}

# 3. A Prometheus server scraping the three every second, its own storage.
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: funccount
    static_configs: [{targets: ['127.0.0.1:$FC_PORT']}]
  - job_name: argdist
    static_configs: [{targets: ['127.0.0.1:$AD_PORT']}]
  - job_name: stackcount
    static_configs: [{targets: ['127.0.0.1:$SC_PORT']}]
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address=127.0.0.1:0 >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
PIDS+=("$PROM_PID")
PROM=
for _ in $(seq 300); do
	PROM=$(ss -Htlnp | sed -nE "s/.* 127\.0\.0\.1:([0-9]+) .*pid=$PROM_PID,.*/\1/p" | head -1)
	[ -n "$PROM" ] && curl -sf "http://127.0.0.1:$PROM/-/ready" >/dev/null && break
	PROM=
	kill -0 "$PROM_PID" 2>/dev/null || fail "prometheus exited: $(tail -5 "$WORK/prometheus.log")"
	sleep 0.1
done
[ -n "$PROM" ] || fail "prometheus not ready within 30 s"
PROM=http://127.0.0.1:$PROM

# promql <<'PY' ... PY: runs the Python code on stdin, in which q(EXPR) is
# the instant query EXPR's result as [(labels dict, float value), ...] and
# v(EXPR) the value of its one series.
promql() {
	python3 -c '
import json, sys, urllib.parse, urllib.request
def q(expr):
	url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
	with urllib.request.urlopen(url, timeout=10) as r:
		d = json.load(r)
	assert d["status"] == "success", d
	return [(s["metric"], float(s["value"][1])) for s in d["data"]["result"]]
def v(expr):
	series = q(expr)
	assert len(series) == 1, "%s: %d series, want one: %s" % (expr, len(series), series)
	return series[0][1]
def eq(expr, want):
	got = v(expr)
	assert got == want, "%s = %s, want %s" % (expr, got, want)
try:
	exec(sys.stdin.read())
except AssertionError as e:
	sys.exit("assertion failed: %s" % e)
' "$PROM" || fail "Prometheus query results are not the workload's"
}
# scraped_after JOB TIME: waits until Prometheus has scraped JOB after TIME
# (its sample timestamps are the scrapes' start).
scraped_after() {
	local ts name pid end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		for name in fc ad sc; do
			pid=${name^^}_PID
			kill -0 "${!pid}" 2>/dev/null || fail "$name exited: $(tail -5 "$WORK/$name.err")"
		done
		ts=$(python3 -c '
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": "timestamp(up{job=\"%s\"} == 1)" % sys.argv[2]})
r = json.load(urllib.request.urlopen(url, timeout=10))["data"]["result"]
print(r[0]["value"][1] if r else 0)' "$PROM" "$1")
		python3 -c 'import sys; sys.exit(float(sys.argv[1]) <= float(sys.argv[2]))' "$ts" "$2" && return 0
		sleep 0.2
	done
	fail "prometheus did not scrape $1 after $2: $(tail -5 "$WORK/prometheus.log")"
}

# 4. The workload: 77 getppid() calls; cbcc_add(a) for a < 9 and a greeting;
# strings that need escaping; three 40 ms sleeps; 5 distinct stacks.
t0=$(date +%s.%N)
for job in funccount argdist stackcount; do scraped_after $job "$t0"; done
TARGET_PID=$FC_TARGET go_target
"$TARGET" calls 9 >/dev/null
"$TARGET" names >/dev/null
for _ in 1 2 3; do "$TARGET" sleep 40 >/dev/null; done
TARGET_PID=$SC_TARGET go_target
done_at=$(date +%s.%N)
for job in funccount argdist stackcount; do scraped_after $job "$done_at"; done

nfc=$(sed -nE 's/^Tracing ([0-9]+) functions.*/\1/p' "$WORK/fc.err")
promql <<PY
eq('cbcc_funccount_calls_total{func="syscalls:sys_enter_getppid"}', 77)
eq('cbcc_probes_attached{job="funccount"}', $nfc)
eq('count(cbcc_funccount_calls_total)', $nfc)
eq('cbcc_lost_events_total{job="funccount"}', 0)
eq('cbcc_build_info{job="funccount",tool="funccount",libbcc=~".+",version=~".+"}', 1)
PY
pass "funccount: the 77 getppid() calls, one series per tracepoint"

# cbcc_add(a) for a in 0..8: 2 in 0..1, 2 in 2..3, 4 in 4..7, 1 in 8..15.
promql <<'PY'
eq('cbcc_argdist_cbcc_add_total', 9)
for le, n in [("1", 2), ("3", 4), ("7", 8), ("15", 9), ("31", 9), ("+Inf", 9)]:
	eq('cbcc_argdist_cbcc_add_a_bucket{le="%s"}' % le, n)
eq('cbcc_argdist_cbcc_add_a_count', 9)
eq('cbcc_argdist_cbcc_add_a_sum', 36)
eq('count(cbcc_argdist_cbcc_add_a_bucket)', 64)
m = v('histogram_quantile(0.5, cbcc_argdist_cbcc_add_a_bucket)')
assert 3 < m <= 7, "median of 0..8 (%s) outside 4..7" % m
# three 40 ms sleeps: the 2^25..2^26-1 ns slot, in seconds, p99 in it
eq('cbcc_argdist_sleep_latency_seconds_bucket{le="0.033554431"}', 0)
eq('cbcc_argdist_sleep_latency_seconds_bucket{le="0.067108863"}', 3)
eq('cbcc_argdist_sleep_latency_seconds_count', 3)
s = v('cbcc_argdist_sleep_latency_seconds_sum')
assert 0.12 <= s < 3 * 0.067108863, "sum of three 40 ms sleeps: %s" % s
p99 = v('histogram_quantile(0.99, cbcc_argdist_sleep_latency_seconds_bucket)')
assert 0.033554431 < p99 <= 0.067108863, "p99 %s outside its slot" % p99
eq('cbcc_probes_attached{job="argdist"}', 4)
eq('cbcc_lost_events_total{job="argdist"}', 0)
PY
pass "argdist: counters, buckets, _count, _sum and histogram_quantile exact"

# Label values from the traced process: escaped on the way, intact in Prometheus.
promql <<'PY'
got = {m["name"]: n for m, n in q('cbcc_argdist_cbcc_greet_total')}
want = {'a"b': 1, 'c\\d': 1, 'e\nf': 1, '\\xff\\xfe': 1, 'ok': 2, 'hello-cbcc': 1}
assert got == want, got
PY
pass "argdist: label values with quotes, backslashes, newlines and bytes that are not UTF-8"

# At most 3 stacks; the 4th and 5th summed into [other]; the folded stacks
# (-f's lines) with pid and comm labels (-p implies -P).
promql <<PY
import re
series = q('cbcc_stackcount_events_total')
assert len(series) == 4, "3 stacks and [other]: %s" % series
assert sum(n for m, n in series) == 5, "5 events in all"
# (Prometheus drops the empty pid and comm labels of [other])
assert [(m, n) for m, n in series if m["stack"] == "[other]"] == [
	({"__name__": "cbcc_stackcount_events_total", "instance": "127.0.0.1:$SC_PORT",
	  "job": "stackcount", "stack": "[other]"}, 2)], series
stacks = [m for m, n in series if m["stack"] != "[other]"]
assert all(n == 1 for m, n in series if m["stack"] != "[other]"), series
assert all(m["pid"] == "$SC_TARGET" and m["comm"] == "target" for m in stacks), stacks
assert all(re.fullmatch(r"target;.*main;(do_stacks;)?(branch_[ab];){3}cbcc_add", m["stack"]) for m in stacks), stacks
assert len({m["stack"] for m in stacks}) == 3, stacks
eq('cbcc_probes_attached{job="stackcount"}', 1)
PY
pass "stackcount: folded stacks capped by --prometheus-stacks, the rest in [other]"

# promtool's checker on each exposition; OpenMetrics on request; every job
# scraped without error (Prometheus asks for OpenMetrics).
check_exposition fc "$FC_PORT"
check_exposition ad "$AD_PORT"
check_exposition sc "$SC_PORT"
assert_grep "$WORK/fc.headers" $'^Content-Type: text/plain; version=0.0.4; charset=utf-8\r$'
expose om "$AD_PORT" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'
assert_grep "$WORK/om.headers" $'^Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r$'
[ "$(tail -1 "$WORK/om.metrics")" = "# EOF" ] || fail "OpenMetrics exposition does not end with # EOF"
assert_grep "$WORK/om.metrics" '^# TYPE cbcc_argdist_cbcc_greet counter$'
assert_grep "$WORK/om.metrics" '^cbcc_argdist_cbcc_greet_total\{name="a\\"b"\} 1$'
curl -sS "$PROM/api/v1/targets" >"$WORK/targets.json"
python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["data"]["activeTargets"]
assert sorted(x["labels"]["job"] for x in t) == ["argdist", "funccount", "stackcount"], t
for x in t:
	assert x["health"] == "up" and x["lastError"] == "", x
' "$WORK/targets.json" || fail "prometheus reports scrape errors: $(cat "$WORK/targets.json")"
pass "promtool check metrics passes; OpenMetrics on request; no scrape errors"

# 5. Hostile clients on argdist's exporter while it prints every second: a
# request cut short that stalls, a garbage request line, other methods and
# paths, 50 scrapes at once during a workload; counts stay exact.
exec 7<>"/dev/tcp/127.0.0.1/$AD_PORT"
printf 'GET /metr' >&7
# raw NAME REQUEST: sends REQUEST on a new connection, the reply in $WORK/NAME.raw.
raw() {
	python3 -c '
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(os.fsencode(sys.argv[2]))
data = b""
while True:
	try:
		chunk = s.recv(65536)
	except (ConnectionResetError, socket.timeout):
		break
	if not chunk:
		break
	data += chunk
sys.stdout.buffer.write(data)
' "$AD_PORT" "$2" >"$WORK/$1.raw" || fail "$1: connection failed"
}
raw garbage $'\x01\xff GARBAGE %%% \r\n\r\n'
if [ -s "$WORK/garbage.raw" ]; then
	head -1 "$WORK/garbage.raw" | grep -qE '^HTTP/1\.[01] 400 ' ||
		fail "garbage request answered: $(head -1 "$WORK/garbage.raw")"
fi
raw post $'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'
assert_grep "$WORK/post.raw" '^HTTP/1\.1 405 '
raw nope $'GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
assert_grep "$WORK/nope.raw" '^HTTP/1\.1 404 '
raw index $'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
assert_grep "$WORK/index.raw" '^HTTP/1\.1 200 '
assert_grep "$WORK/index.raw" 'href="/metrics"'
curls=()
for i in $(seq 50); do
	curl -s --max-time 60 -o "$WORK/many$i.metrics" -w '%{http_code}\n' \
		"http://127.0.0.1:$AD_PORT/metrics" >"$WORK/many$i.code" &
	curls+=($!)
done
"$TARGET" calls 9 >/dev/null
wait "${curls[@]}"
for i in $(seq 50); do
	[ "$(cat "$WORK/many$i.code")" = 200 ] || fail "scrape $i of 50 got '$(cat "$WORK/many$i.code")'"
	# 9 calls before, 18 after: a scrape collected during them sees a count between
	v=$(sed -n 's/^cbcc_argdist_cbcc_add_total \([0-9]*\)$/\1/p' "$WORK/many$i.metrics")
	[ -n "$v" ] && [ "$v" -ge 9 ] && [ "$v" -le 18 ] ||
		fail "scrape $i of 50: cbcc_argdist_cbcc_add_total is '$v', not 9 to 18"
done
pass "50 concurrent scrapes during a workload, all answered"
done_at=$(date +%s.%N)
scraped_after argdist "$done_at"
promql <<'PY'
eq('cbcc_argdist_cbcc_add_total', 18)
eq('cbcc_argdist_cbcc_add_a_count', 18)
PY
expose again "$AD_PORT"
assert_grep "$WORK/again.metrics" '^cbcc_argdist_cbcc_add_total 18$'
pass "a stalled client, garbage, POST and unknown paths: answered or dropped, counts exact"

# 6. Every tool exits 0 on SIGINT, the stalled client still connected; no
# probe is left behind.
for pid in "$FC_PID" "$AD_PID" "$SC_PID"; do
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "exporter $pid exited $rc after SIGINT"
done
exec 7>&-
kill "$PROM_PID"
wait "$PROM_PID" 2>/dev/null
PIDS=()
assert_no_leftovers
pass "exporters exit 0 on SIGINT with a client stalled; nothing left behind"

# The terminal output goes on alongside: argdist's intervals add up to the
# workload (the maps keep their totals for the exporter); --quiet prints none.
total=$(awk -F'\t' '/total calls$/ { split($2, f, " "); s += f[1] } END { print s + 0 }' "$WORK/ad.out")
[ "$total" = 18 ] || fail "argdist's intervals count $total calls of cbcc_add, expected 18"
[ "$(count_lines "$WORK/ad.out" '^\[[0-9:]{8}\]$')" -ge 3 ] || fail "argdist printed fewer than 3 intervals"
[ -s "$WORK/fc.out" ] && fail "funccount --quiet printed: $(head -3 "$WORK/fc.out")"
[ -s "$WORK/sc.out" ] && fail "stackcount --quiet printed: $(head -3 "$WORK/sc.out")"
assert_grep "$WORK/fc.err" '^Detaching\.\.\.$'
pass "argdist's terminal intervals add up alongside; --quiet prints no summaries"
