/* trace: attach to functions, tracepoints and USDT probes and print a
 * message per event. Command line and output as BCC's trace. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codegen.h"
#include "drain.h"
#include "filters.h"
#include "json.h"
#include "output.h"
#include "signals.h"
#include "spec.h"
#include "strbuf.h"
#include "syms.h"
#include "tprobe.h"

#define DEFAULT_PAGES 1024 /* per CPU: BCC's 64 drops events in bursts */

static struct env {
	int pages;
	long tgid, tid, uid;
	bool verbose, ebpf, include_self;
	int string_size;
	long max_events;
	bool timestamp, unix_ts, time;
	bool print_cpu, bin_cmp, kstack, ustack, address, aggregate;
	const char *cgroup, *name, *msg_filter;
	const char *sym_files; /* -s: comma-separated */
	char **includes;
	int nincludes;
	struct cli_common common; /* --no-cache, --json, --kprobe/--fentry */
} env = {.pages = DEFAULT_PAGES, .tgid = 0, .tid = 0, .uid = -1, .string_size = 80};

struct agg {
	char *text;
	unsigned long count;
};

struct tracer {
	struct tprobe *probes;
	int nprobes;
	struct cbcc_bpf bpf;
	struct probe_env penv;
	struct syms *syms;
	struct tprobe_stacks stacks; /* -K, -U */
	uint64_t first_ts;
	double first_real;
	unsigned long events;
	unsigned long long lost;
	struct strbuf line;
	struct strbuf shown; /* a piece of line with control bytes escaped */
	struct json json;    /* --json: the event's line */
	struct agg *agg;
	int nagg;
	bool max_reached; /* -M: the rest is not printed */
	struct drain drain;
};

static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage: trace [-h] [-b BUFFER_PAGES] [-p PID] [-L TID] [--uid UID] [-v]\n"
	"             [-Z STRING_SIZE] [-S] [-M MAX_EVENTS] [-t] [-u] [-T] [-C]\n"
	"             [-c CGROUP_PATH] [-n NAME] [-f MSG_FILTER] [-B]\n"
	"             [-s SYM_FILE_LIST] [-K] [-U] [-a] [-I header] [-A] [--ebpf]\n"
	"             [--no-cache] [--kprobe | --fentry]\n"
	"             [--json] [--unsafe]\n"
	"             probe [probe ...]\n";

static const char help_text[] =
	"\nAttach to functions and print trace messages.\n\n"
	"positional arguments:\n"
	"  probe                 probe specifier (see examples)\n\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  --version             show the version and exit\n"
	"  -b BUFFER_PAGES, --buffer-pages BUFFER_PAGES\n"
	"                        number of pages per CPU for the perf buffer (default: 1024)\n"
	"  -p PID, --pid PID     id of the process to trace (optional)\n"
	"  -L TID, --tid TID     id of the thread to trace (optional)\n"
	"  --uid UID             id of the user to trace (optional)\n"
	"  -v, --verbose         print resulting BPF program code before executing\n"
	"  -Z STRING_SIZE, --string-size STRING_SIZE\n"
	"                        maximum size to read from strings (default: 80)\n"
	"  -S, --include-self    do not filter trace's own pid from the trace\n"
	"  -M MAX_EVENTS, --max-events MAX_EVENTS\n"
	"                        number of events to print before quitting\n"
	"  -t, --timestamp       print timestamp column (offset from trace start)\n"
	"  -u, --unix-timestamp  print UNIX timestamp instead of offset from trace start, requires "
	"-t\n"
	"  -T, --time            print time column\n"
	"  -C, --print_cpu       print CPU id\n"
	"  -c CGROUP_PATH, --cgroup-path CGROUP_PATH\n"
	"                        cgroup path\n"
	"  -n NAME, --name NAME  only print process names containing this name\n"
	"  -f MSG_FILTER, --msg-filter MSG_FILTER\n"
	"                        only print the msg of event containing this string\n"
	"  -B, --bin_cmp         allow to use STRCMP with binary values\n"
	"  -s SYM_FILE_LIST, --sym_file_list SYM_FILE_LIST\n"
	"                        comma separated list of symbol files to use for symbol\n"
	"                        resolution\n"
	"  -K, --kernel-stack    output kernel stack trace\n"
	"  -U, --user-stack      output user stack trace\n"
	"  -a, --address         print virtual address in stacks\n"
	"  -I header, --include header\n"
	"                        additional header files to include in the BPF program\n"
	"                        as either full path, or relative to current working directory,\n"
	"                        or relative to default kernel header search path\n"
	"                        (satisfied by the kernel's own types where it has BTF)\n"
	"  -A, --aggregate       aggregate amount of each trace (requires -M)\n"
	"  --ebpf                print the generated BPF program and exit\n"
	"  --no-cache            compile with clang even when the program cache has this program\n"
	"  --kprobe              attach kernel functions with kprobes/kretprobes\n"
	"  --fentry              attach kernel functions with fentry/fexit (default when\n"
	"                        the kernel supports it; -v says which was chosen)\n"
	"  --json                print one JSON object per event (JSON Lines) instead of\n"
	"                        columns\n"
	"  --unsafe              allow a uprobe offset (lib:func+OFF) that does not start\n"
	"                        an instruction of the function (it corrupts the program)\n"
	"\nEXAMPLES:\n\n"
	"trace do_sys_openat2\n"
	"        Trace the open syscall and print a default trace message when entered\n"
	"trace 'do_sys_openat2 \"%s\", arg2'\n"
	"        Trace the open syscall and print the filename being opened\n"
	"trace 't:syscalls:sys_enter_openat \"%s\", args->filename'\n"
	"        Trace the openat syscall tracepoint and print the filename\n"
	"trace 'sys_read (arg3 > 20000) \"read %d bytes\", arg3'\n"
	"        Trace the read syscall and print a message for reads >20000 bytes\n"
	"trace 'r::do_sys_openat2 \"%llx\", retval'\n"
	"        Trace the return from the open syscall and print the return value\n"
	"trace 'c:open (arg2 == 42) \"%s %d\", arg1, arg2'\n"
	"        Trace the open() call from libc only if the flags (arg2) argument is 42\n"
	"trace 'c:malloc \"size = %d\", arg1'\n"
	"        Trace malloc calls and print the size being allocated\n"
	"trace 'p:c:write (arg1 == 1) \"writing %d bytes to STDOUT\", arg3'\n"
	"        Trace the write() call from libc to monitor writes to STDOUT\n"
	"trace 'r:c:malloc (retval) \"allocated = %x\", retval'\n"
	"        Trace returns from malloc and print non-NULL allocated buffers\n"
	"trace 't:block:block_rq_complete \"sectors=%d\", args->nr_sector'\n"
	"        Trace the block_rq_complete kernel tracepoint and print # of tx sectors\n"
	"trace 'u:pthread:pthread_create (arg4 != 0)'\n"
	"        Trace the USDT probe pthread_create when its 4th argument is non-zero\n"
	"trace -I 'net/sock.h' 'udpv6_sendmsg(struct sock *sk) (sk->sk_dport == 13568)'\n"
	"        Trace udpv6 sendmsg calls only if socket's destination port is 53\n"
	"trace -I 'linux/fs_struct.h' 'mntns_install \"users = %d\", $task->fs->users'\n"
	"        Trace the number of users accessing the file system of the current task\n"
	"trace -s /lib/x86_64-linux-gnu/libc.so.6,/bin/ping 'p:c:inet_pton' -U\n"
	"        Trace inet_pton system call and use the specified libraries/executables for\n"
	"        symbol resolution.\n";

static char **parse_args(int argc, char **argv, int *nprobes)
{
	enum { OPT_UID = 256, OPT_EBPF };
	static const struct option longopts[] = {
		{"buffer-pages", required_argument, 0, 'b'},
		{"pid", required_argument, 0, 'p'},
		{"tid", required_argument, 0, 'L'},
		{"uid", required_argument, 0, OPT_UID},
		{"verbose", no_argument, 0, 'v'},
		{"string-size", required_argument, 0, 'Z'},
		{"include-self", no_argument, 0, 'S'},
		{"max-events", required_argument, 0, 'M'},
		{"timestamp", no_argument, 0, 't'},
		{"unix-timestamp", no_argument, 0, 'u'},
		{"time", no_argument, 0, 'T'},
		{"print_cpu", no_argument, 0, 'C'},
		{"cgroup-path", required_argument, 0, 'c'},
		{"name", required_argument, 0, 'n'},
		{"msg-filter", required_argument, 0, 'f'},
		{"bin_cmp", no_argument, 0, 'B'},
		{"sym_file_list", required_argument, 0, 's'},
		{"kernel-stack", no_argument, 0, 'K'},
		{"user-stack", no_argument, 0, 'U'},
		{"address", no_argument, 0, 'a'},
		{"include", required_argument, 0, 'I'},
		{"aggregate", no_argument, 0, 'A'},
		{"ebpf", no_argument, 0, OPT_EBPF},
		{"no-cache", no_argument, 0, CLI_OPT_NO_CACHE},
		{"unsafe", no_argument, 0, CLI_OPT_UNSAFE},
		{"kprobe", no_argument, 0, CLI_OPT_KPROBE},
		{"fentry", no_argument, 0, CLI_OPT_FENTRY},
		{"json", no_argument, 0, CLI_OPT_JSON},
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:p:L:vZ:SM:tuTCc:n:f:Bs:KUaI:Ah", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'b':
			env.pages = (int)cli_number_arg("-b/--buffer-pages", optarg, CLI_PAGES);
			break;
		case 'p':
			env.tgid = cli_number_arg("-p/--pid", optarg, CLI_PID);
			break;
		case 'L':
			env.tid = cli_number_arg("-L/--tid", optarg, CLI_PID);
			break;
		case OPT_UID:
			env.uid = cli_number_arg("--uid", optarg, CLI_UID);
			break;
		case 'v':
			env.verbose = true;
			break;
		case 'Z':
			env.string_size = (int)cli_range_arg("-Z/--string-size", optarg, 1, 4096);
			break;
		case 'S':
			env.include_self = true;
			break;
		case 'M':
			env.max_events = cli_number_arg("-M/--max-events", optarg, CLI_COUNT);
			break;
		case 't':
			env.timestamp = true;
			break;
		case 'u':
			env.unix_ts = true;
			break;
		case 'T':
			env.time = true;
			break;
		case 'C':
			env.print_cpu = true;
			break;
		case 'c':
			env.cgroup = optarg;
			break;
		case 'n':
			env.name = optarg;
			break;
		case 'f':
			env.msg_filter = optarg;
			break;
		case 'B':
			env.bin_cmp = true;
			break;
		case 's':
			env.sym_files = optarg;
			break;
		case 'K':
			env.kstack = true;
			break;
		case 'U':
			env.ustack = true;
			break;
		case 'a':
			env.address = true;
			break;
		case 'I':
			env.includes = xrealloc(env.includes, (env.nincludes + 1) * sizeof(char *));
			env.includes[env.nincludes++] = optarg;
			break;
		case 'A':
			env.aggregate = true;
			break;
		case OPT_EBPF:
			env.ebpf = true;
			break;
		default:
			cli_common_option(c, argv, &env.common);
		}
	}
	if (env.tgid && env.tid)
		cli_usage_exit("only one of -p and -L may be specified%s", "");
	if (env.aggregate && env.common.json)
		cli_usage_exit("--json and -A/--aggregate cannot be used together%s", "");
	if (env.aggregate && !env.max_events)
		cli_usage_exit("-M/--max-events should be specified with -A/--aggregate%s", "");
	if (optind >= argc)
		cli_usage_exit("the following arguments are required: probe%s", "");
	*nprobes = argc - optind;
	return argv + optind;
}

static void die(struct tracer *t, const char *msg)
{
	fprintf(stderr, "%s: %s\n", cli_tool_name(), msg);
	fflush(stdout);
	if (t)
		rt_close(&t->bpf);
	exit(1);
}

/* Parse, resolve and lay out every probe. */
static void build_probes(struct tracer *t, char **texts, int n)
{
	struct cbcc_err err;

	t->probes = xcalloc(n, sizeof(struct tprobe));
	for (int i = 0; i < n; i++, t->nprobes++)
		if (tprobe_build(&t->probes[i], texts[i], i + 1, &t->penv, env.string_size, &err))
			die(t, err.msg);
}

static char *generate(struct tracer *t)
{
	struct gen_opts o = {
		.includes = env.includes,
		.nincludes = env.nincludes,
		.cgroup = env.cgroup != NULL,
		.bin_cmp = env.bin_cmp,
		.string_size = env.string_size,
		.kstack = env.kstack,
		.ustack = env.ustack,
		.ustack_build_id = env.sym_files != NULL,
	};
	struct cbcc_err err;
	char *src = tprobes_generate(t->probes, t->nprobes, &o, &t->bpf, &err);

	if (!src)
		die(t, err.msg);
	return src;
}

static void configure_filters(struct tracer *t)
{
	struct cbcc_filters f = {
		.self_tgid = env.include_self ? 0 : getpid(),
		.tgid = env.tgid,
		.tid = env.tid,
		.uid = env.uid,
	};
	struct cbcc_err err;

	if (filters_configure(&t->bpf, &f, &err))
		die(t, err.msg);
	if (env.cgroup && filters_set_cgroup(&t->bpf, env.cgroup, &err))
		die(t, err.msg);
}

/* Appends s to t->line with its control bytes escaped. */
static void append_shown(struct tracer *t, const char *s)
{
	sb_append_escaped(&t->line, s, strlen(s));
}

static void format_stack(struct tracer *t, const struct tprobe *p, int stack_id, int pid)
{
	struct strbuf frames[TPROBE_MAX_FRAMES] = {0};
	size_t n = tprobe_stack_frames(p, &t->stacks, stack_id, pid, "%16llx ", frames);

	if (stack_id < 0)
		sb_printf(&t->line, "        %d\n", stack_id);
	for (size_t i = 0; i < n; i++) {
		sb_append(&t->line, "        ");
		append_shown(t, sb_str(&frames[i]));
		sb_append(&t->line, "\n");
		sb_free(&frames[i]);
	}
}

/* --json: the frames as an array of strings ("0x... sym" with -a). */
static void json_stack(struct tracer *t, const struct tprobe *p, const char *key, int stack_id,
		       int pid)
{
	struct strbuf frames[TPROBE_MAX_FRAMES] = {0};
	size_t n = tprobe_stack_frames(p, &t->stacks, stack_id, pid, "%llx ", frames);

	json_array(&t->json, key);
	for (size_t i = 0; i < n; i++) {
		json_str(&t->json, NULL, sb_str(&frames[i]));
		sb_free(&frames[i]);
	}
	json_close(&t->json);
}

static void format_time(struct tracer *t, uint64_t ts)
{
	char buf[64];

	if (!env.timestamp && !env.time)
		return;
	if (env.timestamp) {
		double off = (double)(ts - t->first_ts) * 1e-9;

		snprintf(buf, sizeof(buf), "%.6f", env.unix_ts ? off + t->first_real : off);
	} else {
		output_hms(buf);
	}
	if (env.unix_ts)
		sb_printf(&t->line, "%-17.17s ", buf);
	else
		sb_printf(&t->line, "%-8.8s ", buf);
}

/* Builds the message of one event into msg (and with --json, the typed
 * values into t->json); false when -f filters it out. */
static bool format_message(struct tracer *t, const struct tprobe *p, const char *data,
			   const struct cbcc_event_hdr *h, struct strbuf *msg)
{
	const struct fmt *f = &p->spec.fmt;
	struct fmt_value *vals = xcalloc(f->nconv + 1, sizeof(*vals));
	struct strbuf *texts = xcalloc(f->nconv + 1, sizeof(*texts));

	tprobe_decode(p, data, (int)h->tgid, env.string_size, t->syms, vals, texts);
	fmt_render(f, vals, msg);
	if (env.common.json) {
		json_str(&t->json, "message", sb_str(msg));
		tprobe_json_args(p, vals, &t->json);
	}
	for (int i = 0; i < f->nconv; i++)
		sb_free(&texts[i]);
	free(texts);
	free(vals);
	return !env.msg_filter || strstr(sb_str(msg), env.msg_filter);
}

static void aggregate(struct tracer *t, const char *text)
{
	for (int i = 0; i < t->nagg; i++)
		if (!strcmp(t->agg[i].text, text)) {
			t->agg[i].count++;
			return;
		}
	t->agg = xrealloc(t->agg, (t->nagg + 1) * sizeof(*t->agg));
	t->agg[t->nagg].text = xstrdup(text);
	t->agg[t->nagg++].count = 1;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void print_aggregate(struct tracer *t)
{
	if (t->nagg > 1) /* t->agg is NULL without events */
		qsort(t->agg, t->nagg, sizeof(*t->agg), by_count_desc);
	for (int i = 0; i < t->nagg; i++)
		printf("%s-->COUNT %lu\n\n", t->agg[i].text, t->agg[i].count);
}

/* --json: the fields every event has, before its message and values. */
static void json_event_start(struct tracer *t, const struct tprobe *p,
			     const struct cbcc_event_hdr *h, const char *comm)
{
	double off = (double)(h->ts - t->first_ts) * 1e-9;
	char hms[16];

	output_hms(hms);
	json_begin(&t->json);
	json_fixed(&t->json, "timestamp", t->first_real + off, 6);
	json_fixed(&t->json, "offset", off, 9);
	json_str(&t->json, "time", hms);
	json_u64(&t->json, "cpu", h->cpu);
	json_u64(&t->json, "pid", h->tgid);
	json_u64(&t->json, "tid", h->pid);
	json_u64(&t->json, "uid", h->uid);
	json_str(&t->json, "comm", comm);
	json_str(&t->json, "probe", p->spec.raw);
	json_str(&t->json, "func", p->func);
}

static void json_event_end(struct tracer *t, const struct tprobe *p, const struct cbcc_event_hdr *h)
{
	if (env.kstack)
		json_stack(t, p, "kstack", h->kstack, -1);
	if (env.ustack)
		json_stack(t, p, "ustack", h->ustack, (int)h->tgid);
	json_end(&t->json);
	json_print(&t->json);
}

static void on_event(void *cookie, void *data, int size)
{
	struct tracer *t = cookie;
	struct cbcc_event_hdr h;
	struct strbuf msg = STRBUF_INIT;
	const struct tprobe *p;
	char comm[17];

	if (t->max_reached || size < TRACE_EVENT_HDR_SIZE)
		return;
	memcpy(&h, data, sizeof(h));
	if ((int)h.probe >= t->nprobes || (size_t)size < t->probes[h.probe].size)
		return;
	p = &t->probes[h.probe];
	memcpy(comm, h.comm, 16);
	comm[16] = '\0';
	if (env.name && !strstr(comm, env.name))
		return;
	if (env.common.json)
		json_event_start(t, p, &h, comm);
	if (!format_message(t, p, data, &h, &msg)) {
		sb_free(&msg);
		return;
	}
	if (env.common.json) {
		sb_free(&msg); /* its text is in the JSON line */
		json_event_end(t, p, &h);
		goto counted;
	}
	sb_reset(&t->line);
	format_time(t, h.ts);
	if (env.print_cpu)
		sb_printf(&t->line, "%-3u ", h.cpu);
	sb_printf(&t->line, "%-7u %-7u ", h.tgid, h.pid);
	sb_reset(&t->shown);
	sb_append_escaped(&t->shown, comm, strlen(comm));
	sb_printf(&t->line, "%-15s %-16s ", sb_str(&t->shown), p->func);
	append_shown(t, sb_str(&msg));
	sb_append(&t->line, "\n");
	sb_free(&msg);
	if (env.kstack)
		format_stack(t, p, h.kstack, -1);
	if (env.ustack)
		format_stack(t, p, h.ustack, (int)h.tgid);
	if (env.aggregate)
		aggregate(t, sb_str(&t->line));
	else {
		fputs(sb_str(&t->line), stdout);
		if (env.kstack || env.ustack)
			fputc('\n', stdout);
	}
counted:
	t->probes[h.probe].hits++;
	t->events++;
	if (env.max_events && t->events >= (unsigned long)env.max_events)
		t->max_reached = true;
}

static void on_lost(void *cookie, uint64_t lost)
{
	struct tracer *t = cookie;

	t->lost += lost;
	fprintf(stderr, "Possibly lost %llu samples\n", (unsigned long long)lost);
}

static void attach_all(struct tracer *t)
{
	struct cbcc_err err;
	int n = 0;

	for (int i = 0; i < t->nprobes; i++)
		n += tprobe_nprogs(&t->probes[i]);
	if (rt_check_fds(n, n, true, &err))
		die(t, err.msg);
	for (int i = 0; i < t->nprobes && !stop; i++)
		if (tprobe_attach(&t->probes[i], &t->penv, &err))
			die(t, err.msg);
	if (!stop && rt_usdt_attach(&t->bpf, &err))
		die(t, err.msg);
}

/* -s: the files whose build IDs resolve user stacks. */
static void add_sym_files(struct tracer *t)
{
	char *list = env.sym_files ? xstrdup(env.sym_files) : NULL, *save = NULL;
	struct cbcc_err err;

	for (char *f = list ? strtok_r(list, ",", &save) : NULL; f; f = strtok_r(NULL, ",", &save))
		if (syms_add_build_id_file(t->syms, f, &err)) {
			char msg[700];

			snprintf(msg, sizeof(msg), "-s/--sym_file_list: %s", err.msg);
			free(list);
			die(t, msg);
		}
	free(list);
}

static void print_header(struct tracer *t)
{
	bool trivial = true;

	for (int i = 0; i < t->nprobes; i++)
		trivial = trivial && !t->probes[i].spec.format;
	if (env.common.json) {
		fprintf(stderr, "Tracing %d probe%s as JSON lines... Hit Ctrl-C to end.\n",
			t->nprobes, t->nprobes == 1 ? "" : "s");
		return;
	}
	if (env.timestamp || env.time)
		printf(env.unix_ts ? "%-17s " : "%-8s ", "TIME");
	if (env.print_cpu)
		printf("%-3s ", "CPU");
	printf("%-7s %-7s %-15s %-16s %s\n", "PID", "TID", "COMM", "FUNC", trivial ? "" : "-");
}

static void run_loop(struct tracer *t)
{
	while (!stop && !t->max_reached) {
		if (rt_poll(&t->bpf, 100) < 0 && !stop)
			die(t, "polling the perf buffer failed");
		if (output_reader_gone())
			break;
	}
}

static void check_system(struct tracer *t)
{
	struct cbcc_err err;
	char warning[512];

	if (sysenv_check_tracing(env.tgid, warning, sizeof(warning), &err))
		die(t, err.msg);
	if (*warning)
		fprintf(stderr, "%s: warning: %s\n", cli_tool_name(), warning);
}

/* -v: kernel functions that never fired. */
static void hint_silent_probes(const struct tracer *t)
{
	for (int i = 0; i < t->nprobes; i++) {
		char *hint = tprobe_silent_hint(&t->probes[i]);

		if (hint)
			fprintf(stderr, "%s: %s\n", cli_tool_name(), hint);
		free(hint);
	}
}

static void free_tracer(struct tracer *t)
{
	rt_close(&t->bpf);
	for (int i = 0; i < t->nprobes; i++)
		tprobe_free(&t->probes[i]);
	free(t->probes);
	for (int i = 0; i < t->nagg; i++)
		free(t->agg[i].text);
	free(t->agg);
	syms_free(t->syms);
	sb_free(&t->line);
	sb_free(&t->shown);
	json_free(&t->json);
	probe_env_free(&t->penv);
	free(env.includes);
}

int main(int argc, char **argv)
{
	static struct tracer t;
	struct cbcc_err err;
	int nprobes;
	char **texts;

	cli_init("trace", usage_text, help_text);
	texts = parse_args(argc, argv, &nprobes);
	char *src;

	signals_install(&stop);
	if (!env.ebpf)
		check_system(&t);
	probe_env_init(&t.penv, &t.bpf, (pid_t)env.tgid, env.common.unsafe, env.ebpf,
		       env.common.kfunc, env.verbose);
	t.syms = syms_new();
	add_sym_files(&t);
	build_probes(&t, texts, nprobes);
	src = generate(&t);
	if (env.ebpf)
		fputs(src, stdout);
	else if (env.verbose)
		fputs(src, env.common.json ? stderr : stdout); /* --json: stdout holds JSON only */
	if (env.ebpf) {
		free(src);
		free_tracer(&t);
		return 0;
	}
	fflush(stdout);
	t.bpf.no_cache = env.common.no_cache;
	if (rt_compile(&t.bpf, src, env.verbose, &err)) {
		free(src);
		die(&t, err.msg);
	}
	free(src);
	configure_filters(&t); /* before any probe can fire */
	attach_all(&t);
	if (env.kstack) /* BPF frames are told by their kallsyms names */
		syms_prepare(t.syms, -1);
	t.stacks.syms = t.syms;
	t.stacks.address = env.address;
	t.stacks.fd = (env.kstack || (env.ustack && !env.sym_files))
			      ? rt_table_fd(&t.bpf, TRACE_STACKS_TABLE, &err)
			      : -1;
	t.stacks.build_id_fd =
		env.ustack && env.sym_files ? rt_table_fd(&t.bpf, TRACE_USTACKS_TABLE, &err) : -1;
	if (env.ustack && env.tgid)
		syms_prepare(t.syms, (int)env.tgid);
	t.first_ts = output_monotonic_ns();
	{
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		t.first_real = (double)now.tv_sec + now.tv_nsec * 1e-9;
	}
	if (rt_open_perf(&t.bpf, TRACE_EVENTS_TABLE, on_event, on_lost, &t, env.pages, &err))
		die(&t, err.msg);
	drain_arm(&t.drain, &t.bpf, &stop);
	if (!stop) {
		print_header(&t);
		if (output_flush())
			run_loop(&t);
		if (stop && !t.max_reached) /* a signal: print what is buffered */
			drain_finish(&t.drain, cli_tool_name());
	}
	if (env.aggregate)
		print_aggregate(&t);
	output_flush();
	rt_close(&t.bpf);
	if (env.verbose)
		hint_silent_probes(&t);
	if (t.lost)
		fprintf(stderr, "trace: %llu events lost in total\n", t.lost);
	free_tracer(&t);
	return 0;
}
