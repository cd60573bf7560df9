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
#include "strbuf.h"
#include "syms.h"
#include "stackcount.h"
#include "sysenv.h"
#include "wcplan.h"
#include "wildcard.h"

#define FOREVER 99999999L
#define MAX_FRAMES 127

static struct env {
	struct cli_common common; /* --no-cache, --json, --prometheus */
	long pid, cpu, interval, duration;
	long prom_stacks; /* --prometheus-stacks */
	bool timestamp, regexp, offset, perpid, kernel_only, user_only, verbose, delimited;
	bool folded, debug;
	const char *pattern;
} env = {.cpu = -1, .prom_stacks = 1000};

struct counter {
	struct wc_pattern pat;
	struct wc_list probes;
	char **fn_names;     /* per match: USDT probes' and fentry programs' names */
	char *shared;	     /* the program attached to everything else */
	struct wc_plan plan; /* how each match attaches */
	struct cbcc_bpf bpf;
	struct syms *syms;
	struct cbcc_map counts;
	struct map_interval interval; /* keeps the totals under --prometheus */
	int stacks_fd, stack_pid_fd;
	int attached;
	bool kstack, ustack, delimiter;
	struct json json;	    /* --json: the interval's line */
	uint64_t lost;		    /* perf buffer: new processes not heard of */
	struct prom_exporter *prom; /* --prometheus */
	struct prom_family *events;
	/* the folded lines of the last scrape, by key: each stack is
	 * symbolized once (libbcc stats files for every address) */
	struct map_snapshot folded_keys;
	char **folded;
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

static void parse_args(int argc, char **argv)
{
	enum { OPT_DEBUG = 256, OPT_PROM_STACKS };
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
		switch (c) {
		case 'p':
			env.pid = cli_number_arg("-p/--pid", optarg, CLI_PID);
			break;
		case 'c':
			env.cpu = cli_number_arg("-c/--cpu", optarg, CLI_CPU);
			break;
		case 'i':
			env.interval = cli_number_arg("-i/--interval", optarg, CLI_SECONDS);
			break;
		case 'D':
			env.duration = cli_number_arg("-D/--duration", optarg, CLI_SECONDS);
			break;
		case 'T':
			env.timestamp = true;
			break;
		case 'r':
			env.regexp = true;
			break;
		case 's':
			env.offset = true;
			break;
		case 'P':
			env.perpid = true;
			break;
		case 'K':
			env.kernel_only = true;
			break;
		case 'U':
			env.user_only = true;
			break;
		case 'v':
			env.verbose = true;
			break;
		case 'd':
			env.delimited = true;
			break;
		case 'f':
			env.folded = true;
			break;
		case OPT_DEBUG:
			env.debug = true;
			break;
		case OPT_PROM_STACKS:
			env.prom_stacks = cli_int_arg("--prometheus-stacks", optarg, 1);
			break;
		default:
			cli_common_option(c, argv, &env.common);
		}
	}
	if (optind >= argc)
		cli_usage_exit("the following arguments are required: pattern%s", "");
	if (argc - optind > 1)
		cli_usage_exit("unrecognized arguments: %s", argv[optind + 1]);
	if (env.kernel_only && env.user_only)
		cli_usage_exit("-K and -U are mutually exclusive; both stacks are the default%s",
			       "");
	if (env.common.json && env.folded)
		cli_usage_exit("--json and -f cannot be used together%s", "");
	env.pattern = argv[optind];
	cli_common_done(&env.common);
	if (env.duration && !env.interval)
		env.interval = env.duration;
	if (!env.interval)
		env.interval = FOREVER;
	if (env.pid)
		env.perpid = true;
}

static void die(struct counter *c, const char *msg)
{
	if (stop) { /* a signal cut the work short: nothing to report */
		if (c)
			rt_close(&c->bpf);
		exit(0);
	}
	fprintf(stderr, "stackcount: %s\n", msg);
	fflush(stdout);
	if (c)
		rt_close(&c->bpf);
	exit(1);
}

static char *generate(struct counter *c)
{
	struct stack_opts o = {env.cpu, env.perpid, c->kstack, c->ustack};
	struct cbcc_err err;
	char *src = countgen_stackcount(&c->pat, &c->probes, c->fn_names, c->shared, &c->plan, &o,
					&err),
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
		.tool = "stackcount",
		.verbose = env.debug,
	};
	struct cbcc_err err;

	if (wc_find_probes(&c->bpf, env.pattern, env.regexp, (pid_t)env.pid, "cbcc_stack_", &c->pat,
			   &c->probes, &c->fn_names, &err))
		die(c, err.msg);
	c->shared = xstrdup(c->fn_names[0]);
	if (wc_plan(&c->pat, &c->probes, &o, c->fn_names, &c->plan, &err))
		die(c, err.msg);
}

/* Every match runs the shared program, except fentry ones (their own). USDT
 * probes attach through libbcc with their own (fn_names). */
static void attach_all(struct counter *c)
{
	char **single = xcalloc(c->probes.n, sizeof(char *));
	struct wc_progs progs = {single, c->shared, NULL, NULL};
	struct cbcc_err err;
	int rc;

	for (int i = 0; i < c->probes.n; i++)
		single[i] = wc_plan_is(&c->plan, i, WC_FENTRY) ? c->fn_names[i] : c->shared;
	rc = wc_attach_all(&c->bpf, &c->pat, &c->probes, &c->plan, &progs, (pid_t)env.pid,
			   "stackcount", &c->attached, &err);
	free(single);
	if (rc)
		die(c, err.msg);
}

static void on_seen(void *cookie, void *data, int size)
{
	struct counter *c = cookie;
	uint32_t pid;

	if (size < (int)sizeof(pid))
		return;
	memcpy(&pid, data, sizeof(pid));
	syms_prepare(c->syms, (int)pid);
}

static void on_lost(void *cookie, uint64_t lost)
{
	struct counter *c = cookie;

	c->lost += lost;
}

static void setup(struct counter *c)
{
	struct cbcc_config cfg = {.self_tgid = (uint32_t)getpid(), .tgid = (uint32_t)env.pid};
	struct cbcc_err err;
	int zero = 0, fd = rt_table_fd(&c->bpf, CBCC_CONFIG_TABLE, &err);

	if (fd < 0 || bpf_update_elem(fd, &zero, &cfg, 0) < 0)
		die(c, "cannot configure the BPF program's filters");
	if (map_open(&c->bpf, STACKCOUNT_COUNTS_TABLE, &c->counts, &err))
		die(c, err.msg);
	c->interval.keep = c->prom != NULL;
	c->stacks_fd = rt_table_fd(&c->bpf, STACKCOUNT_STACKS_TABLE, &err);
	c->stack_pid_fd = rt_table_fd(&c->bpf, STACKCOUNT_PID_TABLE, &err);
	if (c->stacks_fd < 0 || c->stack_pid_fd < 0)
		die(c, err.msg);
	c->syms = syms_new();
	if (env.pid)
		syms_prepare(c->syms, (int)env.pid);
	if (c->ustack &&
	    rt_open_perf(&c->bpf, STACKCOUNT_EVENTS_TABLE, on_seen, on_lost, c, 8, &err))
		die(c, err.msg);
}

struct entry {
	struct cbcc_stack_key key;
	uint64_t count;
};

static int by_count(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->count < y->count ? -1 : x->count > y->count;
}

/* The addresses of a stack, leaf first; for user stacks the caller saved at
 * function entry goes right after the leaf. */
static int stack_frames(struct counter *c, int id, uint64_t caller, uint64_t *ips)
{
	uint64_t raw[MAX_FRAMES];
	int n = 0;

	if (id < 0)
		return 0;
	memset(raw, 0, sizeof(raw));
	if (bpf_lookup_elem(c->stacks_fd, &id, raw) < 0)
		return 0;
	for (int i = 0; i < MAX_FRAMES && raw[i]; i++) {
		ips[n++] = raw[i];
		if (i == 0 && caller)
			ips[n++] = caller;
	}
	return n;
}

/* A kernel stack, read the same whether kprobe or fentry saw it. */
static int kernel_frames(struct counter *c, int id, uint64_t *ips)
{
	return syms_trim_bpf_frames(c->syms, ips, stack_frames(c, id, 0, ips), false);
}

static void frame_name(struct counter *c, int pid, uint64_t addr, struct strbuf *out)
{
	syms_format(c->syms, pid, addr, false, env.offset, out);
}

static int symbol_pid(struct counter *c, const struct cbcc_stack_key *k)
{
	uint32_t pid = STACKCOUNT_NO_PID;
	int32_t id = k->ustack;

	if (k->tgid != STACKCOUNT_NO_PID)
		return (int)k->tgid;
	if (bpf_lookup_elem(c->stack_pid_fd, &id, &pid) < 0)
		return -1;
	return (int)pid;
}

/* The stack as -f shows it: "comm;outermost;...;innermost". */
static void folded_line(struct counter *c, const struct entry *e, struct strbuf *line)
{
	uint64_t kips[MAX_FRAMES + 1], uips[MAX_FRAMES + 1];
	int nk = kernel_frames(c, e->key.kstack, kips);
	int nu = stack_frames(c, e->key.ustack, e->key.caller, uips);
	int pid = symbol_pid(c, &e->key);

	sb_appendn(line, e->key.comm, strnlen(e->key.comm, sizeof(e->key.comm)));
	for (int i = nu - 1; i >= 0; i--) {
		sb_append(line, ";");
		frame_name(c, pid, uips[i], line);
	}
	if (c->delimiter)
		sb_append(line, ";-");
	for (int i = nk - 1; i >= 0; i--) {
		sb_append(line, ";");
		frame_name(c, -1, kips[i], line);
	}
}

static void print_folded(struct counter *c, const struct entry *e)
{
	struct strbuf line = STRBUF_INIT;

	folded_line(c, e, &line);
	printf("%s %llu\n", sb_str(&line), (unsigned long long)e->count);
	sb_free(&line);
}

/* A frame as a line of the stack shows it, without the indent. */
static void frame_text(struct counter *c, int pid, uint64_t addr, struct strbuf *out)
{
	if (env.verbose)
		sb_printf(out, "%-16llx ", (unsigned long long)addr);
	frame_name(c, pid, addr, out);
}

static void print_frame(struct counter *c, int pid, uint64_t addr)
{
	struct strbuf line = STRBUF_INIT;

	sb_append(&line, "  ");
	frame_text(c, pid, addr, &line);
	puts(sb_str(&line));
	sb_free(&line);
}

static void print_stack(struct counter *c, const struct entry *e)
{
	uint64_t kips[MAX_FRAMES + 1], uips[MAX_FRAMES + 1];
	int nk = kernel_frames(c, e->key.kstack, kips);
	int nu = stack_frames(c, e->key.ustack, e->key.caller, uips);
	int pid = symbol_pid(c, &e->key);

	for (int i = 0; i < nk; i++)
		print_frame(c, -1, kips[i]);
	if (c->delimiter)
		printf("    --\n");
	for (int i = 0; i < nu; i++)
		print_frame(c, pid, uips[i]);
	if (!env.pid && e->key.tgid != STACKCOUNT_NO_PID)
		printf("    %.16s [%u]\n", e->key.comm, e->key.tgid);
	printf("    %llu\n\n", (unsigned long long)e->count);
}

static void json_frames(struct counter *c, const char *key, int pid, const uint64_t *ips, int n)
{
	struct strbuf frame = STRBUF_INIT;

	json_array(&c->json, key);
	for (int i = 0; i < n; i++) {
		sb_reset(&frame);
		frame_text(c, pid, ips[i], &frame);
		json_str(&c->json, NULL, sb_str(&frame));
	}
	json_close(&c->json);
	sb_free(&frame);
}

/* One stack of the --json line: count, pid and comm (-P), kernel and user frames. */
static void json_stack(struct counter *c, const struct entry *e)
{
	uint64_t kips[MAX_FRAMES + 1], uips[MAX_FRAMES + 1];
	int nk = kernel_frames(c, e->key.kstack, kips);
	int nu = stack_frames(c, e->key.ustack, e->key.caller, uips);
	int pid = symbol_pid(c, &e->key);

	json_object(&c->json, NULL);
	json_u64(&c->json, "count", e->count);
	if (e->key.tgid != STACKCOUNT_NO_PID) {
		json_u64(&c->json, "pid", e->key.tgid);
		json_strn(&c->json, "comm", e->key.comm, strnlen(e->key.comm, sizeof(e->key.comm)));
	}
	if (c->kstack)
		json_frames(c, "kernel", -1, kips, nk);
	if (c->ustack)
		json_frames(c, "user", pid, uips, nu);
	json_close(&c->json);
}

static void print_json(struct counter *c, const struct entry *all, int n)
{
	output_json_begin(&c->json);
	json_array(&c->json, "stacks");
	for (int i = 0; i < n; i++)
		json_stack(c, &all[i]);
	json_end(&c->json);
	json_print(&c->json);
}

/* The stacks of a snapshot of the counts (n of them, at least one slot). */
static struct entry *entries(const struct counter *c, const struct map_snapshot *snap)
{
	struct entry *all = xcalloc(snap->n ? snap->n : 1, sizeof(*all));

	for (size_t i = 0; i < snap->n; i++) {
		memcpy(&all[i].key, snap->keys + i * c->counts.key_size, sizeof(all[i].key));
		memcpy(&all[i].count, snap->values + i * c->counts.value_size, sizeof(uint64_t));
	}
	return all;
}

/* Prints the stacks counted since the last call, least frequent first. */
static void print_counts(struct counter *c)
{
	struct map_snapshot snap;
	struct entry *all;
	int n;

	map_interval_read(&c->counts, &c->interval, &snap);
	all = entries(c, &snap);
	n = (int)snap.n;
	map_snapshot_free(&snap);
	if (n > 1)
		qsort(all, n, sizeof(*all), by_count);
	if (env.common.json) {
		print_json(c, all, n);
		free(all);
		return;
	}
	if (!env.folded)
		printf("\n");
	if (env.timestamp) {
		char hms[16];

		output_hms(hms);
		printf("%-8s\n", hms);
	}
	for (int i = 0; i < n; i++)
		(env.folded ? print_folded : print_stack)(c, &all[i]);
	free(all);
}

static void wait_interval(struct counter *c)
{
	uint64_t end = output_monotonic_ns() + (uint64_t)env.interval * 1000000000ull;

	while (!stop && output_monotonic_ns() < end) {
		if (c->ustack)
			rt_poll_fd(&c->bpf, 50, prom_fd(c->prom));
		if (output_wait_fd(c->ustack ? 0 : 100, !env.common.quiet, prom_fd(c->prom)))
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
		if (exiting && !env.folded)
			fputs("Detaching...\n",
			      env.common.json || env.common.quiet ? stderr : stdout);
		if (!output_flush() || exiting)
			break;
	}
}

/* The folded lines of snap's stacks (sorted by key): those of the last
 * scrape again, new ones (and any with an [unknown] frame) symbolized. */
static char **fold_all(struct counter *c, const struct map_snapshot *snap, const struct entry *all)
{
	char **lines = xcalloc(snap->n ? snap->n : 1, sizeof(char *));
	size_t ks = c->counts.key_size, old = 0;

	for (size_t i = 0; i < snap->n; i++) {
		const char *key = snap->keys + i * ks;
		struct strbuf line = STRBUF_INIT;
		int cmp = -1;

		while (old < c->folded_keys.n &&
		       (cmp = memcmp(c->folded_keys.keys + old * ks, key, ks)) < 0)
			free(c->folded[old++]);
		if (old < c->folded_keys.n && cmp == 0 && !strstr(c->folded[old], "[unknown]")) {
			lines[i] = c->folded[old++];
			continue;
		}
		folded_line(c, &all[i], &line);
		lines[i] = sb_steal(&line);
	}
	while (old < c->folded_keys.n)
		free(c->folded[old++]);
	free(c->folded);
	return lines;
}

/* --prometheus: every stack's total, as its -f line (split by process
 * under -P). */
static void collect(void *ctx, struct prom_stats *stats)
{
	struct counter *c = ctx;
	struct strbuf comm = STRBUF_INIT;
	struct map_snapshot snap;
	struct entry *all;

	map_snapshot_read(&c->counts, &snap);
	map_snapshot_sort(&c->counts, &snap);
	all = entries(c, &snap);
	c->folded = fold_all(c, &snap, all);
	for (size_t i = 0; i < snap.n; i++) {
		char pid[16];
		const char *stack_only[] = {NULL}, *per_pid[] = {pid, NULL, NULL};

		sb_reset(&comm);
		sb_appendn(&comm, all[i].key.comm,
			   strnlen(all[i].key.comm, sizeof(all[i].key.comm)));
		snprintf(pid, sizeof(pid), "%u", all[i].key.tgid);
		/* without -P the comm is empty: no ';' before the outermost frame */
		stack_only[0] = per_pid[2] =
			c->folded[i] + (c->folded[i][0] && !all[i].key.comm[0]);
		per_pid[1] = sb_str(&comm);
		prom_add(c->events, env.perpid ? per_pid : stack_only, all[i].count);
	}
	free(all);
	map_snapshot_free(&c->folded_keys);
	c->folded_keys = snap;
	sb_free(&comm);
	stats->probes_attached = (uint64_t)c->attached;
	stats->lost_events = c->lost;
}

static void start_exporter(struct counter *c)
{
	static const char *const stack_only[] = {"stack"}, *const per_pid[] = {"pid", "comm",
									       "stack"};
	static const char *const other[] = {"", "", "[other]"};
	char *help = xasprintf(
		"Events of %s counted per stack (folded as stackcount -f prints it).", env.pattern);
	struct cbcc_err err;

	c->events =
		prom_family_new(prom_registry(c->prom), PROM_COUNTER, "cbcc_stackcount_events",
				help, env.perpid ? per_pid : stack_only, env.perpid ? 3 : 1, &err);
	free(help);
	if (!c->events)
		die(c, err.msg);
	prom_family_limit(c->events, (size_t)env.prom_stacks, env.perpid ? other : other + 2);
	if (prom_start(c->prom, collect, c, &err))
		die(c, err.msg);
}

static void free_counter(struct counter *c)
{
	prom_close(c->prom);
	rt_close_announced(&c->bpf);
	syms_free(c->syms);
	free_strv(c->fn_names, c->probes.n);
	free(c->shared);
	wc_plan_free(&c->plan);
	wc_list_free(&c->probes);
	wc_pattern_free(&c->pat);
	json_free(&c->json);
	map_interval_free(&c->interval);
	free_strv(c->folded, (int)c->folded_keys.n);
	map_snapshot_free(&c->folded_keys);
}

int main(int argc, char **argv)
{
	static struct counter c;
	struct cbcc_err err;
	char warning[512];
	char *src;

	cli_init("stackcount", usage_text, help_text);
	parse_args(argc, argv);
	c.kstack = !env.user_only;
	c.ustack = !env.kernel_only;
	c.delimiter = env.delimited && !env.kernel_only && !env.user_only;
	signals_install(&stop);
	if (env.common.prometheus &&
	    prom_open(env.common.prometheus, "stackcount", &c.prom, &err)) /* before attaching */
		die(NULL, err.msg);
	if (sysenv_check_tracing(env.pid, warning, sizeof(warning), &err))
		die(NULL, err.msg);
	if (*warning)
		fprintf(stderr, "stackcount: warning: %s\n", warning);
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
	setup(&c);
	attach_all(&c);
	if (c.prom && !stop)
		start_exporter(&c);
	if (!stop) {
		/* folded and JSON output stay machine-readable: the banner goes to stderr */
		fprintf(env.folded || env.common.json || env.common.quiet ? stderr : stdout,
			"Tracing %d functions for \"%s\"... Hit Ctrl-C to end.\n", c.probes.n,
			env.pattern);
		if (output_flush())
			run_loop(&c);
	}
	free_counter(&c);
	return 0;
}
