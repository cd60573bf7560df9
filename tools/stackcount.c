/* stackcount: count the distinct kernel and user stacks that lead to
 * functions, tracepoints and USDT probes. Command line and output as
 * BCC's stackcount. */
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "countgen.h"
#include "json.h"
#include "output.h"
#include "pattern.h"
#include "signals.h"
#include "stackcount.h"
#include "stacks.h"
#include "strbuf.h"

static struct pattern_opts env = {.cpu = -1};
static struct stack_env {
	long prom_stacks; /* --prometheus-stacks */
	bool offset, perpid, kernel_only, user_only, verbose, delimited, folded;
} st = {.prom_stacks = 1000};

struct counter {
	struct pattern p; /* the probes, their counts, the exporter */
	struct stack_reader stacks;
	struct map_interval interval; /* keeps the totals under --prometheus */
	bool kstack, ustack;
	struct json json; /* --json: the interval's line */
	uint64_t lost;	  /* perf buffer: new processes not heard of */
	struct prom_family *events;
	struct stack_folds folds; /* --prometheus: the last scrape's */
};

static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage: stackcount [-h] [-p PID] [-c CPU] [-i INTERVAL] [-D DURATION] [-T]\n"
	"                  [-r] [-s] [-P] [-K] [-U] [-v] [-d] [-f] [--debug] [--json]\n"
	"                  [--no-multi] [--kprobe | --fentry] [--prometheus [HOST]:PORT]\n"
	"                  [--quiet] [--prometheus-stacks N]\n"
	"                  pattern\n";

static const char help_text[] =
	"\nCount events and their stack traces\n\n"
	"positional arguments:\n"
	"  pattern               search expression for events\n\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  --version             show the version and exit\n"
	"  --no-cache            compile with clang even when the program cache has this program\n"
	"  --no-multi            attach one probe per match (no uprobe_multi or\n"
	"                        kprobe_multi link; --debug says which is used)\n"
	"  --kprobe              attach kernel functions with kprobes\n"
	"  --fentry              attach kernel functions with fentry (default when the\n"
	"                        kernel supports it; the stacks are the same either way)\n"
	"  -p PID, --pid PID     trace this PID only\n"
	"  -c CPU, --cpu CPU     trace this CPU only\n"
	"  -i INTERVAL, --interval INTERVAL\n"
	"                        summary interval, seconds\n"
	"  -D DURATION, --duration DURATION\n"
	"                        total duration of trace, seconds\n"
	"  -T, --timestamp       include timestamp on output\n"
	"  -r, --regexp          use regular expressions. Default is \"*\" wildcards only.\n"
	"  -s, --offset          show address offsets\n"
	"  -P, --perpid          display stacks separately for each process\n"
	"  -K, --kernel-stacks-only\n"
	"                        kernel stack only\n"
	"  -U, --user-stacks-only\n"
	"                        user stack only\n"
	"  -v, --verbose         show raw addresses\n"
	"  -d, --delimited       insert delimiter between kernel/user stacks\n"
	"  -f, --folded          output folded format\n"
	"  --debug               print BPF program before starting (for debugging purposes)\n"
	"  --json                print each summary as one JSON object per line\n"
	/* --prometheus, --quiet */ CLI_HELP_PROMETHEUS "  --prometheus-stacks N\n"
	"                        with --prometheus: serve at most N stacks (default\n"
	"                        1000), the rest summed into stack=\"[other]\"\n"
	"\nexamples:\n"
	"    ./stackcount submit_bio         # count kernel stack traces for submit_bio\n"
	"    ./stackcount -d ip_output       # include a user/kernel stack delimiter\n"
	"    ./stackcount -s ip_output       # show symbol offsets\n"
	"    ./stackcount -sv ip_output      # show offsets and raw addresses (verbose)\n"
	"    ./stackcount 'tcp_send*'        # count stacks for funcs matching tcp_send*\n"
	"    ./stackcount -r '^tcp_send.*'   # same as above, using regular expressions\n"
	"    ./stackcount -Ti 5 ip_output    # output every 5 seconds, with timestamps\n"
	"    ./stackcount -p 185 ip_output   # count ip_output stacks for PID 185 only\n"
	"    ./stackcount -c 1 put_prev_entity   # count put_prev_entity stacks for CPU 1 only\n"
	"    ./stackcount -p 185 c:malloc    # count stacks for malloc in PID 185\n"
	"    ./stackcount t:sched:sched_fork # count stacks for sched_fork tracepoint\n"
	"    ./stackcount -p 185 u:node:*    # count stacks for all USDT probes in node\n"
	"    ./stackcount -K t:sched:sched_switch   # kernel stacks only\n"
	"    ./stackcount -U t:sched:sched_switch   # user stacks only\n"
	"    ./stackcount --json -p 185 c:malloc    # JSON Lines, one object per summary\n"
	"    ./stackcount --prometheus :9437 --quiet -U c:malloc\n"
	"                                    # serve malloc's stacks to Prometheus\n";

enum { OPT_DEBUG = 256, OPT_PROM_STACKS };

/* stackcount's own options */
static void stack_option(int c, char **argv)
{
	switch (c) {
	case 'D':
		env.duration = cli_number_arg("-D/--duration", optarg, CLI_SECONDS);
		break;
	case 's':
		st.offset = true;
		break;
	case 'P':
		st.perpid = true;
		break;
	case 'K':
		st.kernel_only = true;
		break;
	case 'U':
		st.user_only = true;
		break;
	case 'v':
		st.verbose = true;
		break;
	case 'd':
		st.delimited = true;
		break;
	case 'f':
		st.folded = true;
		break;
	case OPT_DEBUG:
		env.debug = true;
		break;
	case OPT_PROM_STACKS:
		st.prom_stacks = cli_int_arg("--prometheus-stacks", optarg, 1);
		break;
	default:
		cli_common_option(c, argv, &env.common);
	}
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"pid", required_argument, 0, 'p'},
		{"cpu", required_argument, 0, 'c'},
		{"interval", required_argument, 0, 'i'},
		{"duration", required_argument, 0, 'D'},
		{"timestamp", no_argument, 0, 'T'},
		{"regexp", no_argument, 0, 'r'},
		{"offset", no_argument, 0, 's'},
		{"perpid", no_argument, 0, 'P'},
		{"kernel-stacks-only", no_argument, 0, 'K'},
		{"user-stacks-only", no_argument, 0, 'U'},
		{"verbose", no_argument, 0, 'v'},
		{"delimited", no_argument, 0, 'd'},
		{"folded", no_argument, 0, 'f'},
		{"debug", no_argument, 0, OPT_DEBUG},
		{"json", no_argument, 0, CLI_OPT_JSON},
		{"no-cache", no_argument, 0, CLI_OPT_NO_CACHE},
		{"no-multi", no_argument, 0, CLI_OPT_NO_MULTI},
		{"kprobe", no_argument, 0, CLI_OPT_KPROBE},
		{"fentry", no_argument, 0, CLI_OPT_FENTRY},
		{"prometheus-stacks", required_argument, 0, OPT_PROM_STACKS},
		CLI_LONGOPTS_PROMETHEUS,
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:c:i:D:TrsPKUvdfh", longopts, NULL)) != -1) {
		if (!pattern_option(c, optarg, &env))
			stack_option(c, argv);
	}
	pattern_positional(argc, argv, &env);
	if (st.kernel_only && st.user_only)
		cli_usage_exit("-K and -U are mutually exclusive; both stacks are the default%s",
			       "");
	if (env.common.json && st.folded)
		cli_usage_exit("--json and -f cannot be used together%s", "");
	pattern_options_done(&env);
	if (env.pid)
		st.perpid = true;
}

static char *generate(void *cookie, struct pattern *p, struct cbcc_err *err)
{
	struct counter *c = cookie;
	struct stack_opts o = {env.cpu, st.perpid, c->kstack, c->ustack};

	return countgen_stackcount(&p->pat, &p->probes, p->fn_names, p->first_fn, &p->plan, &o,
				   err);
}

static void on_seen(void *cookie, void *data, int size)
{
	struct counter *c = cookie;
	uint32_t pid;

	if (size < (int)sizeof(pid))
		return;
	memcpy(&pid, data, sizeof(pid));
	syms_prepare(c->stacks.syms, (int)pid);
}

static void on_lost(void *cookie, uint64_t lost)
{
	struct counter *c = cookie;

	c->lost += lost;
}

static int configure(void *cookie, struct pattern *p, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct counter *c = cookie;

	c->interval.keep = p->prom != NULL;
	return stacks_open(&c->stacks, b, (pid_t)env.pid, err);
}

static void print_json(struct counter *c, const struct stack_count *all, int n)
{
	output_json_begin(&c->json);
	json_array(&c->json, "stacks");
	for (int i = 0; i < n; i++)
		stacks_json(&c->stacks, &c->json, &all[i], c->kstack, c->ustack);
	json_end(&c->json);
	json_print(&c->json);
}

/* Prints the stacks counted since the last call, least frequent first. */
static void print_stacks(void *cookie, struct pattern *p)
{
	struct counter *c = cookie;
	struct map_snapshot snap;
	struct stack_count *all;
	int n;

	map_interval_read(&p->counts, &c->interval, &snap);
	all = stacks_counts(&c->p.counts, &snap);
	n = (int)snap.n;
	map_snapshot_free(&snap);
	stacks_sort_by_count(all, n);
	if (env.common.json) {
		print_json(c, all, n);
		free(all);
		return;
	}
	if (!st.folded)
		printf("\n");
	if (env.timestamp) {
		char hms[16];

		output_hms(hms);
		printf("%-8s\n", hms);
	}
	for (int i = 0; i < n; i++)
		if (st.folded)
			stacks_print_folded(&c->stacks, &all[i]);
		else
			stacks_print(&c->stacks, &all[i], !env.pid);
	free(all);
}

/* --prometheus: every stack's total, as its -f line (split by process
 * under -P). */
static void collect(void *ctx, struct prom_stats *stats)
{
	struct counter *c = ctx;
	struct strbuf comm = STRBUF_INIT;
	struct map_snapshot snap;
	struct stack_count *all;
	char **folded;

	map_snapshot_read(&c->p.counts, &snap);
	map_snapshot_sort(&c->p.counts, &snap);
	all = stacks_counts(&c->p.counts, &snap);
	folded = stacks_fold_all(&c->stacks, &c->folds, &snap, c->p.counts.key_size);
	for (size_t i = 0; i < snap.n; i++) {
		char pid[16];
		const char *stack_only[] = {NULL}, *per_pid[] = {pid, NULL, NULL};

		sb_reset(&comm);
		sb_appendn(&comm, all[i].key.comm,
			   strnlen(all[i].key.comm, sizeof(all[i].key.comm)));
		snprintf(pid, sizeof(pid), "%u", all[i].key.tgid);
		/* without -P the comm is empty: no ';' before the outermost frame */
		stack_only[0] = per_pid[2] = folded[i] + (folded[i][0] && !all[i].key.comm[0]);
		per_pid[1] = sb_str(&comm);
		prom_add(c->events, st.perpid ? per_pid : stack_only, all[i].count);
	}
	free(all); /* snap is c->folds' now */
	sb_free(&comm);
	stats->probes_attached = (uint64_t)c->p.attached;
	stats->lost_events = c->lost;
}

static int export_stacks(void *cookie, struct pattern *p, struct cbcc_err *err)
{
	static const char *const stack_only[] = {"stack"}, *const per_pid[] = {"pid", "comm",
									       "stack"};
	static const char *const other[] = {"", "", "[other]"};
	struct counter *c = cookie;
	char *help = xasprintf(
		"Events of %s counted per stack (folded as stackcount -f prints it).", env.pattern);

	c->events = prom_family_new(prom_registry(p->prom), PROM_COUNTER, "cbcc_stackcount_events",
				    help, st.perpid ? per_pid : stack_only, st.perpid ? 3 : 1, err);
	free(help);
	if (!c->events)
		return -1;
	prom_family_limit(c->events, (size_t)st.prom_stacks, st.perpid ? other : other + 2);
	return prom_start(p->prom, collect, c, err);
}

static void free_stacks(void *cookie)
{
	struct counter *c = cookie;

	stacks_close(&c->stacks);
	json_free(&c->json);
	map_interval_free(&c->interval);
	stacks_folds_free(&c->folds);
}

int main(int argc, char **argv)
{
	static struct counter c;
	struct pattern_tool tool = {
		.name = "stackcount",
		.fn_prefix = "cbcc_stack_",
		.counts_table = STACKCOUNT_COUNTS_TABLE,
		.o = &env,
		.one_prog = true,
		.on_event = on_seen,
		.on_lost = on_lost,
		.cookie = &c,
		.generate = generate,
		.configure = configure,
		.exporter = export_stacks,
		.print = print_stacks,
		.finish = free_stacks,
	};

	cli_init("stackcount", usage_text, help_text);
	parse_args(argc, argv);
	c.kstack = !st.user_only;
	c.ustack = !st.kernel_only;
	c.stacks.offset = st.offset;
	c.stacks.verbose = st.verbose;
	c.stacks.delimiter = st.delimited && !st.kernel_only && !st.user_only;
	/* folded and JSON output stay machine-readable: the banner goes to stderr */
	tool.banner_stderr = st.folded;
	tool.no_detach_line = st.folded;
	tool.perf_table = c.ustack ? STACKCOUNT_EVENTS_TABLE : NULL; /* new processes' symbols */
	signals_install(&stop);
	return pattern_main(&tool, &c.p, &stop);
}
