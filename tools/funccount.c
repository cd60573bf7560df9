/* funccount: count calls of functions, tracepoints and USDT probes matching
 * a pattern. Command line and output as BCC's funccount. */
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bcc/libbpf.h>

#include "cli.h"
#include "countgen.h"
#include "json.h"
#include "kfunc.h"
#include "maps.h"
#include "output.h"
#include "prelude.h"
#include "prom.h"
#include "runtime.h"
#include "signals.h"
#include "sysenv.h"
#include "wcplan.h"
#include "wildcard.h"

#define FOREVER 99999999L /* BCC's interval when none is given */

static struct env {
	long pid;
	long interval, duration;
	long cpu;
	bool timestamp, regexp, debug;
	const char *pattern;
	struct cli_common
		common; /* --no-cache, --json, --no-multi, --kprobe/--fentry, --prometheus */
} env = {.cpu = -1};

struct counter {
	struct wc_pattern pat;
	struct wc_list probes;
	char **fn_names;     /* per probe attached alone (and USDT): its function */
	struct wc_plan plan; /* how each probe attaches */
	struct cbcc_bpf bpf;
	struct cbcc_map counts; /* a total per probe, never reset */
	uint64_t *shown;	/* the totals at the last summary */
	int attached;
	struct json json;	    /* --json: the interval's line */
	struct prom_exporter *prom; /* --prometheus */
	struct prom_family *calls;
};

static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage: funccount [-h] [-p PID] [-i INTERVAL] [-d DURATION] [-T] [-r] [-D]\n"
	"                 [-c CPU] [--json] [--no-multi] [--kprobe | --fentry]\n"
	"                 [--prometheus [HOST]:PORT] [--quiet]\n"
	"                 pattern\n";

static const char help_text[] =
	"\nCount functions, tracepoints, and USDT probes\n\n"
	"positional arguments:\n"
	"  pattern               search expression for events\n\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  --version             show the version and exit\n"
	"  --no-cache            compile with clang even when the program cache has this program\n"
	"  -p PID, --pid PID     trace this PID only\n"
	"  -i INTERVAL, --interval INTERVAL\n"
	"                        summary interval, seconds\n"
	"  -d DURATION, --duration DURATION\n"
	"                        total duration of trace, seconds\n"
	"  -T, --timestamp       include timestamp on output\n"
	"  -r, --regexp          use regular expressions. Default is \"*\" wildcards only.\n"
	"  -D, --debug           print BPF program before starting (for debugging purposes)\n"
	"  -c CPU, --cpu CPU     trace this CPU only\n"
	"  --json                print each summary as one JSON object per line\n"
	"  --no-multi            attach one probe per match (no uprobe_multi or\n"
	"                        kprobe_multi link, no raw_syscalls program; -D says\n"
	"                        which is used)\n"
	"  --kprobe              attach kernel functions with kprobes\n"
	"  --fentry              attach kernel functions with fentry (default when the\n"
	"                        kernel supports it; -D says which was chosen)\n"
	/* --prometheus, --quiet */ CLI_HELP_PROMETHEUS "\nexamples:\n"
	"    ./funccount 'vfs_*'             # count kernel fns starting with \"vfs\"\n"
	"    ./funccount -r '^vfs.*'         # same as above, using regular expressions\n"
	"    ./funccount -Ti 5 'vfs_*'       # output every 5 seconds, with timestamps\n"
	"    ./funccount -d 10 'vfs_*'       # trace for 10 seconds only\n"
	"    ./funccount -p 185 'vfs_*'      # count vfs calls for PID 181 only\n"
	"    ./funccount t:sched:sched_fork  # count calls to the sched_fork tracepoint\n"
	"    ./funccount -p 185 u:node:gc*   # count all GC USDT probes in node, PID 185\n"
	"    ./funccount c:malloc            # count all malloc() calls in libc\n"
	"    ./funccount go:os.*             # count all \"os.*\" calls in libgo\n"
	"    ./funccount -p 185 go:os.*      # count all \"os.*\" calls in libgo, PID 185\n"
	"    ./funccount ./test:read*        # count \"read*\" calls in the ./test binary\n"
	"    ./funccount -c 1 'vfs_*'        # count vfs calls on CPU 1 only\n"
	"    ./funccount --json -i 1 t:sched:sched_fork  # JSON Lines, every second\n"
	"    ./funccount --prometheus :9436 --quiet 't:syscalls:sys_enter_*'\n"
	"                                    # serve syscall counts to Prometheus\n";

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"pid", required_argument, 0, 'p'},
		{"interval", required_argument, 0, 'i'},
		{"duration", required_argument, 0, 'd'},
		{"timestamp", no_argument, 0, 'T'},
		{"regexp", no_argument, 0, 'r'},
		{"debug", no_argument, 0, 'D'},
		{"cpu", required_argument, 0, 'c'},
		{"no-cache", no_argument, 0, CLI_OPT_NO_CACHE},
		{"json", no_argument, 0, CLI_OPT_JSON},
		{"no-multi", no_argument, 0, CLI_OPT_NO_MULTI},
		{"kprobe", no_argument, 0, CLI_OPT_KPROBE},
		{"fentry", no_argument, 0, CLI_OPT_FENTRY},
		CLI_LONGOPTS_PROMETHEUS,
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:i:d:TrDc:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			env.pid = cli_number_arg("-p/--pid", optarg, CLI_PID);
			break;
		case 'i':
			env.interval = cli_number_arg("-i/--interval", optarg, CLI_SECONDS);
			break;
		case 'd':
			env.duration = cli_number_arg("-d/--duration", optarg, CLI_SECONDS);
			break;
		case 'T':
			env.timestamp = true;
			break;
		case 'r':
			env.regexp = true;
			break;
		case 'D':
			env.debug = true;
			break;
		case 'c':
			env.cpu = cli_number_arg("-c/--cpu", optarg, CLI_CPU);
			break;
		default:
			cli_common_option(c, argv, &env.common);
		}
	}
	if (optind >= argc)
		cli_usage_exit("the following arguments are required: pattern%s", "");
	if (argc - optind > 1)
		cli_usage_exit("unrecognized arguments: %s", argv[optind + 1]);
	env.pattern = argv[optind];
	cli_common_done(&env.common);
	if (env.duration && !env.interval)
		env.interval = env.duration;
	if (!env.interval)
		env.interval = FOREVER;
}

static void die(struct counter *c, const char *msg)
{
	if (stop) { /* a signal cut the work short: nothing to report */
		if (c)
			rt_close(&c->bpf);
		exit(0);
	}
	fprintf(stderr, "funccount: %s\n", msg);
	fflush(stdout);
	if (c)
		rt_close(&c->bpf);
	exit(1);
}

static char *generate(struct counter *c)
{
	struct cbcc_err err;
	char *src = countgen_funccount(&c->pat, &c->probes, c->fn_names, &c->plan, env.cpu, &err),
	     *usdt, *all;

	if (!src)
		die(c, err.msg);
	usdt = rt_usdt_genargs(&c->bpf);
	all = xasprintf("%s%s", usdt, src);
	free(usdt);
	free(src);
	return all;
}

static void find_probes(struct counter *c)
{
	struct wc_plan_opts o = {
		.kfunc = env.common.kfunc,
		.no_multi = env.common.no_multi,
		.by_syscall_nr = true,
		.tool = "funccount",
		.verbose = env.debug,
	};
	struct cbcc_err err;

	if (wc_find_probes(&c->bpf, env.pattern, env.regexp, (pid_t)env.pid, "cbcc_count_", &c->pat,
			   &c->probes, &c->fn_names, &err) ||
	    wc_plan(&c->pat, &c->probes, &o, c->fn_names, &c->plan, &err))
		die(c, err.msg);
}

static void attach_all(struct counter *c)
{
	struct wc_progs progs = {c->fn_names, COUNTGEN_MULTI_FN, COUNTGEN_SYS_ENTER_FN,
				 COUNTGEN_SYS_EXIT_FN};
	struct cbcc_err err;

	if (wc_attach_all(&c->bpf, &c->pat, &c->probes, &c->plan, &progs, (pid_t)env.pid,
			  "funccount", &c->attached, &err))
		die(c, err.msg);
}

static void configure(struct counter *c)
{
	struct cbcc_config cfg = {.self_tgid = (uint32_t)getpid(), .tgid = (uint32_t)env.pid};
	struct cbcc_err err;
	int zero = 0, fd = rt_table_fd(&c->bpf, CBCC_CONFIG_TABLE, &err);

	if (fd < 0 || bpf_update_elem(fd, &zero, &cfg, 0) < 0)
		die(c, "cannot configure the BPF program's filters");
	if (map_open(&c->bpf, "cbcc_counts", &c->counts, &err) ||
	    wc_plan_configure(&c->bpf, &c->plan, &err))
		die(c, err.msg);
	c->shown = xcalloc((size_t)c->probes.n, sizeof(uint64_t));
}

struct row {
	int slot;
	uint64_t count;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return x->slot - y->slot;
}

static void print_json(struct counter *c, const struct row *rows, int n)
{
	struct json *j = &c->json;

	output_json_begin(j);
	json_array(j, "functions");
	for (int i = 0; i < n; i++) {
		json_object(j, NULL);
		json_str(j, "func", c->probes.m[rows[i].slot].name);
		json_u64(j, "count", rows[i].count);
		json_close(j);
	}
	json_end(j);
	json_print(j);
}

/* Prints the counts since the last call (the map keeps the totals). */
static void print_counts(struct counter *c)
{
	struct row *rows = xcalloc(c->probes.n, sizeof(*rows));
	struct name_count *now = xcalloc(c->probes.n, sizeof(*now));
	int n = 0;

	map_read_probe_counts(&c->counts, &c->probes, now);
	for (int i = 0; i < c->probes.n; i++) {
		if (now[i].count > c->shown[i]) {
			rows[n].slot = i;
			rows[n++].count = now[i].count - c->shown[i];
		}
		c->shown[i] = now[i].count;
	}
	free(now);
	if (n > 1)
		qsort(rows, n, sizeof(*rows), by_count);
	if (env.common.json) {
		print_json(c, rows, n);
		free(rows);
		return;
	}
	printf("\n");
	if (env.timestamp) {
		char hms[16];

		output_hms(hms);
		printf("%-8s\n", hms);
	}
	printf("%-36s %8s\n", "FUNC", "COUNT");
	for (int i = 0; i < n; i++) {
		struct strbuf name = STRBUF_INIT;

		sb_append_escaped(&name, c->probes.m[rows[i].slot].name,
				  strlen(c->probes.m[rows[i].slot].name));
		printf("%-36s %8llu\n", sb_str(&name), (unsigned long long)rows[i].count);
		sb_free(&name);
	}
	free(rows);
}

/* Sleeps until the interval ends or a signal arrives. */
static void wait_interval(struct counter *c)
{
	uint64_t end = output_monotonic_ns() + (uint64_t)env.interval * 1000000000ull;

	while (!stop) {
		uint64_t now = output_monotonic_ns();

		if (now >= end)
			break;
		if (output_wait_fd(
			    (int)((end - now) / 1000000 > 200 ? 200 : (end - now) / 1000000 + 1),
			    !env.common.quiet, prom_fd(c->prom)))
			stop = SIGPIPE;
		prom_serve(c->prom);
	}
}

static void run_loop(struct counter *c)
{
	long seconds = 0;

	for (;;) {
		bool exiting;

		wait_interval(c);
		if (!stop)
			seconds += env.interval;
		exiting = stop || (env.duration && seconds >= env.duration);
		if (!env.common.quiet)
			print_counts(c);
		if (exiting)
			fputs("Detaching...\n",
			      env.common.json || env.common.quiet ? stderr : stdout);
		if (!output_flush() || exiting)
			break;
	}
}

/* --prometheus: the calls of every probe, read at each scrape. */
static void collect(void *ctx, struct prom_stats *stats)
{
	struct counter *c = ctx;
	struct name_count *now = xcalloc(c->probes.n, sizeof(*now));

	map_read_probe_counts(&c->counts, &c->probes, now);
	for (int i = 0; i < c->probes.n; i++)
		prom_add(c->calls, &now[i].name, now[i].count);
	free(now);
	stats->probes_attached = (uint64_t)c->attached;
}

static void start_exporter(struct counter *c)
{
	static const char *const labels[] = {"func"};
	char *help = xasprintf("Calls of each function, tracepoint or USDT probe matching %s.",
			       env.pattern);
	struct cbcc_err err;

	c->calls = prom_family_new(prom_registry(c->prom), PROM_COUNTER, "cbcc_funccount_calls",
				   help, labels, 1, &err);
	free(help);
	if (!c->calls || prom_start(c->prom, collect, c, &err))
		die(c, err.msg);
}

static void free_counter(struct counter *c)
{
	prom_close(c->prom);
	rt_close_announced(&c->bpf);
	free_strv(c->fn_names, c->probes.n);
	wc_plan_free(&c->plan);
	wc_list_free(&c->probes);
	wc_pattern_free(&c->pat);
	json_free(&c->json);
	free(c->shown);
}

int main(int argc, char **argv)
{
	static struct counter c;
	struct cbcc_err err;
	char warning[512];
	char *src;

	cli_init("funccount", usage_text, help_text);
	parse_args(argc, argv);
	signals_install(&stop);
	if (env.common.prometheus &&
	    prom_open(env.common.prometheus, "funccount", &c.prom, &err)) /* before attaching */
		die(NULL, err.msg);
	if (sysenv_check_tracing(env.pid, warning, sizeof(warning), &err))
		die(NULL, err.msg);
	if (*warning)
		fprintf(stderr, "funccount: warning: %s\n", warning);
	c.bpf.verbose = env.debug; /* libbcc's own messages, from the first call on */
	find_probes(&c);
	src = generate(&c);
	if (env.debug)
		fputs(src, env.common.json ? stderr : stdout); /* --json: stdout holds JSON only */
	fflush(stdout);
	c.bpf.no_cache = env.common.no_cache;
	if (rt_compile(&c.bpf, src, env.debug, &err)) {
		free(src);
		die(&c, err.msg);
	}
	free(src);
	configure(&c);
	attach_all(&c);
	if (c.prom && !stop)
		start_exporter(&c);
	if (!stop) {
		fprintf(env.common.json || env.common.quiet ? stderr : stdout,
			"Tracing %d functions for \"%s\"... Hit Ctrl-C to end.\n", c.probes.n,
			env.pattern);
		if (output_flush())
			run_loop(&c);
	}
	free_counter(&c);
	return 0;
}
