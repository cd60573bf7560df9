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

#include "cli.h"
#include "countgen.h"
#include "funccount.h"
#include "json.h"
#include "output.h"
#include "pattern.h"
#include "signals.h"

static struct pattern_opts env = {.cpu = -1};

/* What funccount counts: a total per probe, never reset. */
struct counter {
	struct pattern p;	   /* the probes, their counts, the exporter */
	uint64_t *shown;	   /* the totals at the last summary */
	struct json json;	   /* --json: the interval's line */
	struct prom_family *calls; /* --prometheus */
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
		if (pattern_option(c, optarg, &env))
			continue;
		if (c == 'd')
			env.duration = cli_number_arg("-d/--duration", optarg, CLI_SECONDS);
		else if (c == 'D')
			env.debug = true;
		else
			cli_common_option(c, argv, &env.common);
	}
	pattern_positional(argc, argv, &env);
	pattern_options_done(&env);
}

static char *generate(void *cookie, struct pattern *p, struct cbcc_err *err)
{
	(void)cookie;
	return countgen_funccount(&p->pat, &p->probes, p->fn_names, &p->plan, env.cpu, err);
}

static int configure(void *cookie, struct pattern *p, struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct counter *c = cookie;

	if (wc_plan_configure(b, &p->plan, err))
		return -1;
	c->shown = xcalloc((size_t)p->probes.n, sizeof(uint64_t));
	return 0;
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
		json_str(j, "func", c->p.probes.m[rows[i].slot].name);
		json_u64(j, "count", rows[i].count);
		json_close(j);
	}
	json_end(j);
	json_print(j);
}

/* Prints the counts since the last call (the map keeps the totals). */
static void print_counts(void *cookie, struct pattern *p)
{
	struct counter *c = cookie;
	struct row *rows = xcalloc(p->probes.n, sizeof(*rows));
	struct name_count *now = xcalloc(p->probes.n, sizeof(*now));
	int n = 0;

	map_read_probe_counts(&p->counts, &p->probes, now);
	for (int i = 0; i < p->probes.n; i++) {
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

		sb_append_escaped(&name, c->p.probes.m[rows[i].slot].name,
				  strlen(c->p.probes.m[rows[i].slot].name));
		printf("%-36s %8llu\n", sb_str(&name), (unsigned long long)rows[i].count);
		sb_free(&name);
	}
	free(rows);
}

/* --prometheus: the calls of every probe, read at each scrape. */
static void collect(void *ctx, struct prom_stats *stats)
{
	struct counter *c = ctx;
	struct name_count *now = xcalloc(c->p.probes.n, sizeof(*now));

	map_read_probe_counts(&c->p.counts, &c->p.probes, now);
	for (int i = 0; i < c->p.probes.n; i++)
		prom_add(c->calls, &now[i].name, now[i].count);
	free(now);
	stats->probes_attached = (uint64_t)c->p.attached;
}

static int start_exporter(void *cookie, struct pattern *p, struct cbcc_err *err)
{
	static const char *const labels[] = {"func"};
	struct counter *c = cookie;
	char *help = xasprintf("Calls of each function, tracepoint or USDT probe matching %s.",
			       env.pattern);

	c->calls = prom_family_new(prom_registry(p->prom), PROM_COUNTER, "cbcc_funccount_calls",
				   help, labels, 1, err);
	free(help);
	if (!c->calls || prom_start(p->prom, collect, c, err))
		return -1;
	return 0;
}

static void free_counter(void *cookie)
{
	struct counter *c = cookie;

	json_free(&c->json);
	free(c->shown);
}

int main(int argc, char **argv)
{
	static struct counter c;
	const struct pattern_tool tool = {
		.name = "funccount",
		.fn_prefix = "cbcc_count_",
		.counts_table = FUNCCOUNT_COUNTS_TABLE,
		.o = &env,
		.by_syscall_nr = true,
		.multi = COUNTGEN_MULTI_FN,
		.sys_enter = COUNTGEN_SYS_ENTER_FN,
		.sys_exit = COUNTGEN_SYS_EXIT_FN,
		.cookie = &c,
		.generate = generate,
		.configure = configure,
		.exporter = start_exporter,
		.print = print_counts,
		.finish = free_counter,
	};

	cli_init("funccount", usage_text, help_text);
	parse_args(argc, argv);
	signals_install(&stop);
	return pattern_main(&tool, &c.p, &stop);
}
