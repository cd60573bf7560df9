/* argdist: trace a function and display a distribution of its parameter
 * values as a histogram or frequency count. Command line and output as
 * BCC's argdist. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "argcodegen.h"
#include "argspec.h"
#include "cli.h"
#include "filters.h"
#include "hist.h"
#include "json.h"
#include "kfunc.h"
#include "maps.h"
#include "output.h"
#include "probe.h"
#include "prom.h"
#include "signals.h"
#include "strbuf.h"
#include "sysenv.h"

static struct env {
	long pid, tid;
	int string_size;
	long interval, duration, count, top;
	bool verbose, cumulative, ebpf;
	char **includes;
	int nincludes;
	char **count_specs, **hist_specs;
	int ncount, nhist;
	struct cli_common common; /* --no-cache, --json, --kprobe/--fentry, --prometheus */
} env = {.string_size = 80, .interval = 1, .top = -1};

struct probe {
	struct argdist_spec spec;
	struct argdist_gen_probe gen;
	char *fn_name;
	char *enter_name;	 /* entry probe of $entry()/$latency, or NULL */
	char *prog, *enter_prog; /* their fentry/fexit programs, when used */
	char kfunc_why[320];	 /* why a kernel function got kprobes */
	struct resolved_probe res;
	struct cbcc_map map; /* NAME_hash (-C) or NAME_hist (-H) */
	struct cbcc_map sum; /* -H: NAME_sum, the sum of the values */
	size_t *offsets;     /* of each value in a -C key */
	char **display;	     /* each expression as shown in the output */
	/* --prometheus: the maps keep their totals; intervals are differences */
	struct map_interval interval;	 /* -C */
	uint64_t shown[HIST_LOG2_SLOTS]; /* -H: the totals at the last interval */
	struct prom_family *metric;
};

struct argdist {
	struct probe *probes;
	int nprobes;
	struct cbcc_bpf bpf;
	struct cbcc_map dropped;
	struct strbuf out;
	struct json json; /* --json: the interval's line */
	struct kfunc_plan plan;
	struct prom_exporter *prom; /* --prometheus */
	uint64_t *drops_shown;	    /* with it: the drop totals at the last interval */
};

static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage: argdist [-h] [-p PID] [-t TID] [-z STRING_SIZE] [-i INTERVAL]\n"
	"               [-d DURATION] [-n COUNT] [-v] [-c] [-T TOP]\n"
	"               [-H specifier] [-C specifier] [-I header] [--ebpf]\n"
	"               [--no-cache] [--json] [--kprobe | --fentry] [--unsafe]\n"
	"               [--prometheus [HOST]:PORT] [--quiet]\n";

static const char help_text[] =
	"\nTrace a function and display a summary of its parameter values.\n\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  --version             show the version and exit\n"
	"  -p PID, --pid PID     id of the process to trace (optional)\n"
	"  -t TID, --tid TID     id of the thread to trace (optional)\n"
	"  -z STRING_SIZE, --string-size STRING_SIZE\n"
	"                        maximum string size to read from char* arguments\n"
	"  -i INTERVAL, --interval INTERVAL\n"
	"                        output interval, in seconds (default 1 second)\n"
	"  -d DURATION, --duration DURATION\n"
	"                        total duration of trace, in seconds\n"
	"  -n COUNT, --number COUNT\n"
	"                        number of outputs\n"
	"  -v, --verbose         print resulting BPF program code before executing\n"
	"  -c, --cumulative      do not clear histograms and freq counts at each\n"
	"                        interval\n"
	"  -T TOP, --top TOP     number of top results to show (not applicable to\n"
	"                        histograms)\n"
	"  -H specifier, --histogram specifier\n"
	"                        probe specifier to capture histogram of (see examples\n"
	"                        below)\n"
	"  -C specifier, --count specifier\n"
	"                        probe specifier to capture count of (see examples\n"
	"                        below)\n"
	"  -I header, --include header\n"
	"                        additional header files to include in the BPF program\n"
	"                        as either full path, or relative to current working\n"
	"                        directory, or relative to default kernel header search\n"
	"                        path (satisfied by the kernel's own types where it has\n"
	"                        BTF)\n"
	"  --ebpf                print the generated BPF program and exit\n"
	"  --no-cache            compile with clang even when the program cache has this program\n"
	"  --kprobe              attach kernel functions with kprobes/kretprobes\n"
	"  --fentry              attach kernel functions with fentry/fexit (default when\n"
	"                        the kernel supports it; -v says which was chosen)\n"
	"  --json                print each interval as one JSON object per line\n"
	"  --unsafe              allow a uprobe offset (lib:func+OFF) that does not start\n"
	"                        an instruction of the function (it corrupts the program)\n"
	/* --prometheus, --quiet */ CLI_HELP_PROMETHEUS "\n"
	"Probe specifier syntax:\n"
	"        "
	"{p,r,t,u}:{[library],category}:function(signature):type[,type...]:expr[,expr...][:filter]]"
	"[#label]\n"
	"Where:\n"
	"        p,r,t,u    -- probe at function entry, function exit, kernel\n"
	"                      tracepoint, or USDT probe\n"
	"                      in exit probes: can use $retval, $entry(param), $latency\n"
	"        library    -- the library that contains the function\n"
	"                      (leave empty for kernel functions)\n"
	"        category   -- the category of the kernel tracepoint (e.g. net, sched)\n"
	"        function   -- the function name to trace (or tracepoint name)\n"
	"        signature  -- the function's parameters, as in the C header\n"
	"        type       -- the type of the expression to collect (supports multiple)\n"
	"        expr       -- the expression to collect (supports multiple)\n"
	"        filter     -- the filter that is applied to collected values\n"
	"        label      -- the label for this probe in the resulting output\n"
	"\n"
	"EXAMPLES:\n"
	"\n"
	"argdist -H 'p::__kmalloc(u64 size):u64:size'\n"
	"        Print a histogram of allocation sizes passed to kmalloc\n"
	"\n"
	"argdist -p 1005 -C 'p:c:malloc(size_t size):size_t:size:size==16'\n"
	"        Print a frequency count of how many times process 1005 called malloc\n"
	"        with an allocation size of 16 bytes\n"
	"\n"
	"argdist -C 'r:c:gets():char*:(char*)$retval#snooped strings'\n"
	"        Snoop on all strings returned by gets()\n"
	"\n"
	"argdist -H 'r::__kmalloc(size_t size):u64:$latency/$entry(size)#ns per byte'\n"
	"        Print a histogram of nanoseconds per byte from kmalloc allocations\n"
	"\n"
	"argdist -C 'p::__kmalloc(size_t sz, gfp_t flags):size_t:sz:flags&GFP_ATOMIC'\n"
	"        Print frequency count of kmalloc allocation sizes that have GFP_ATOMIC\n"
	"\n"
	"argdist -p 1005 -C 'p:c:write(int fd):int:fd' -T 5\n"
	"        Print frequency counts of how many times writes were issued to a\n"
	"        particular file descriptor number, in process 1005, but only show\n"
	"        the top 5 busiest fds\n"
	"\n"
	"argdist -p 1005 -H 'r:c:read()'\n"
	"        Print a histogram of results (sizes) returned by read() in process 1005\n"
	"\n"
	"argdist -C 'r::__vfs_read():u32:$PID:$latency > 100000'\n"
	"        Print frequency of reads by process where the latency was >0.1ms\n"
	"\n"
	"argdist -H 'r::__vfs_read(void *file, void *buf, size_t count):size_t:\n"
	"            $entry(count):$latency > 1000000'\n"
	"        Print a histogram of read sizes that were longer than 1ms\n"
	"\n"
	"argdist -H \\\n"
	"        'p:c:write(int fd, const void *buf, size_t count):size_t:count:fd==1'\n"
	"        Print a histogram of buffer sizes passed to write() across all\n"
	"        processes, where the file descriptor was 1 (STDOUT)\n"
	"\n"
	"argdist -C 'p:c:fork()#fork calls'\n"
	"        Count fork() calls in libc across all processes\n"
	"        Can also use funccount.py, which is easier and more flexible\n"
	"\n"
	"argdist -H 't:block:block_rq_complete():u32:args->nr_sector'\n"
	"        Print histogram of number of sectors in completing block I/O requests\n"
	"\n"
	"argdist -C 't:irq:irq_handler_entry():int:args->irq'\n"
	"        Aggregate interrupts by interrupt request (IRQ)\n"
	"\n"
	"argdist --json -C 't:irq:irq_handler_entry():int:args->irq'\n"
	"        The same as JSON Lines, one object per interval\n"
	"\n"
	"argdist --prometheus :9435 -H 'r::vfs_read():u32:$latency#read latency'\n"
	"        Serve the latency of vfs_read() as the Prometheus histogram\n"
	"        cbcc_argdist_read_latency_seconds at http://127.0.0.1:9435/metrics\n"
	"\n"
	"argdist -C 'u:pthread:pthread_start():u64:arg2' -p 1337\n"
	"        Print frequency of function addresses used as a pthread start function,\n"
	"        relying on the USDT pthread_start probe in process 1337\n"
	"\n"
	"argdist -H 'p:c:sleep(u32 seconds):u32:seconds' \\\n"
	"        -H 'p:c:nanosleep(struct timespec *req):long:req->tv_nsec'\n"
	"        Print histograms of sleep() and nanosleep() parameter values\n"
	"\n"
	"argdist -p 2780 -z 120 \\\n"
	"        -C 'p:c:write(int fd, char* buf, size_t len):char*:buf:fd==1'\n"
	"        Spy on writes to STDOUT performed by process 2780, up to a string size\n"
	"        of 120 characters\n"
	"\n"
	"argdist -I 'kernel/sched/sched.h' \\\n"
	"        -C 'p::__account_cfs_rq_runtime(struct cfs_rq "
	"*cfs_rq):s64:cfs_rq->runtime_remaining'\n"
	"        Trace on the cfs scheduling runqueue remaining runtime. The struct cfs_rq is "
	"defined\n"
	"        in kernel/sched/sched.h which is in kernel source tree and not in kernel-devel\n"
	"        package.  So this command needs to run at the kernel source tree root directory\n"
	"        so that the added header file can be found by the compiler.\n";

static void append(char ***v, int *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = s;
}

static void parse_args(int argc, char **argv)
{
	enum { OPT_EBPF = 256 };
	static const struct option longopts[] = {
		{"pid", required_argument, 0, 'p'},
		{"tid", required_argument, 0, 't'},
		{"string-size", required_argument, 0, 'z'},
		{"interval", required_argument, 0, 'i'},
		{"duration", required_argument, 0, 'd'},
		{"number", required_argument, 0, 'n'},
		{"verbose", no_argument, 0, 'v'},
		{"cumulative", no_argument, 0, 'c'},
		{"top", required_argument, 0, 'T'},
		{"histogram", required_argument, 0, 'H'},
		{"count", required_argument, 0, 'C'},
		{"include", required_argument, 0, 'I'},
		{"ebpf", no_argument, 0, OPT_EBPF},
		{"no-cache", no_argument, 0, CLI_OPT_NO_CACHE},
		{"unsafe", no_argument, 0, CLI_OPT_UNSAFE},
		{"json", no_argument, 0, CLI_OPT_JSON},
		{"kprobe", no_argument, 0, CLI_OPT_KPROBE},
		{"fentry", no_argument, 0, CLI_OPT_FENTRY},
		CLI_LONGOPTS_PROMETHEUS,
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:t:z:i:d:n:vcT:H:C:I:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			env.pid = cli_number_arg("-p/--pid", optarg, CLI_PID);
			break;
		case 't':
			env.tid = cli_number_arg("-t/--tid", optarg, CLI_PID);
			break;
		case 'z':
			env.string_size =
				(int)cli_range_arg("-z/--string-size", optarg, 1, ARGDIST_MAX_KEY);
			break;
		case 'i':
			env.interval = cli_number_arg("-i/--interval", optarg, CLI_SECONDS);
			break;
		case 'd':
			env.duration = cli_number_arg("-d/--duration", optarg, CLI_SECONDS);
			break;
		case 'n':
			env.count = cli_number_arg("-n/--number", optarg, CLI_COUNT);
			break;
		case 'v':
			env.verbose = true;
			break;
		case 'c':
			env.cumulative = true;
			break;
		case 'T':
			env.top = cli_int_arg("-T/--top", optarg, 0);
			break;
		case 'H':
			append(&env.hist_specs, &env.nhist, optarg);
			break;
		case 'C':
			append(&env.count_specs, &env.ncount, optarg);
			break;
		case 'I':
			append(&env.includes, &env.nincludes, optarg);
			break;
		case OPT_EBPF:
			env.ebpf = true;
			break;
		default:
			cli_common_option(c, argv, &env.common);
		}
	}
	if (optind < argc)
		cli_usage_exit("unrecognized arguments: %s (probes are given with -C or -H)",
			       argv[optind]);
	if (env.ncount + env.nhist == 0)
		cli_usage_exit("at least one specifier is required (-C or -H)%s", "");
	cli_common_done(&env.common);
}

__attribute__((format(printf, 2, 3))) static void die(struct argdist *a, const char *fmt, ...)
{
	va_list ap;

	fputs("argdist: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stdout);
	if (a)
		rt_close(&a->bpf);
	exit(1);
}

/* Tracepoint fields named in the expressions and the filter must exist. */
static int check_tp_refs(struct probe *p, struct cbcc_err *err)
{
	const struct probe_loc *l = &p->spec.loc;
	int rc = 0;

	if (l->type != PROBE_TRACEPOINT)
		return 0;
	if (p->spec.filter) {
		struct expr_src src = {p->spec.filter, p->spec.raw, p->spec.filter_off};

		rc = expr_check_tp_fields(&src, l->category, l->function, p->res.fields,
					  p->res.nfields, err);
	}
	for (int i = 0; i < p->spec.nexprs && !rc; i++) {
		struct expr_src src = {p->spec.exprs[i], p->spec.raw, p->spec.expr_offs[i]};

		rc = expr_check_tp_fields(&src, l->category, l->function, p->res.fields,
					  p->res.nfields, err);
	}
	return rc;
}

/* Kernel functions: fentry/fexit when it works, else kprobes; the entry
 * probe of $latency/$entry() is chosen on its own. */
static void choose_kfunc(struct argdist *a, struct probe *p)
{
	struct kfunc_choice c;
	struct cbcc_err err;

	if (p->enter_name) {
		struct probe_loc entry = p->spec.loc;
		char *what = xasprintf("%s (entry)", p->spec.raw);
		int rc;

		entry.type = PROBE_ENTRY;
		rc = kfunc_plan_probe(&a->plan, &entry, what, &c, &p->enter_prog, &err);
		free(what);
		if (rc)
			die(a, "error in probe '%s': %s", p->spec.raw, err.msg);
		p->gen.nargs = c.nargs;
	}
	if (kfunc_plan_probe(&a->plan, &p->spec.loc, p->spec.raw, &c, &p->prog, &err))
		die(a, "error in probe '%s': %s", p->spec.raw, err.msg);
	if (c.fentry)
		p->gen.nargs = c.nargs;
	else
		snprintf(p->kfunc_why, sizeof(p->kfunc_why), "%s", c.why);
}

static void build_probe(struct argdist *a, struct probe *p, const char *text,
			enum argdist_kind kind, int n)
{
	struct cbcc_err err;
	size_t key_size;

	if (argdist_spec_parse(text, kind, &p->spec, &err))
		die(a, "error parsing probe '%s': %s", text, err.msg);
	key_size = argdist_key_layout(&p->spec, env.string_size, NULL);
	if (kind == ARGDIST_COUNT && key_size > ARGDIST_MAX_KEY)
		die(a,
		    "error in probe '%s': its key needs %zu bytes, more than the %d the BPF stack "
		    "allows; use a smaller -z",
		    text, key_size, ARGDIST_MAX_KEY);
	p->offsets = xcalloc(p->spec.nexprs, sizeof(size_t));
	argdist_key_layout(&p->spec, env.string_size, p->offsets);
	p->display = xcalloc(p->spec.nexprs, sizeof(char *));
	for (int i = 0; i < p->spec.nexprs; i++)
		p->display[i] = argdist_display_expr(p->spec.exprs[i]);
	p->fn_name = codegen_fn_name(&p->spec.loc, n);
	if (p->spec.needs_entry)
		p->enter_name = xasprintf("%s_enter", p->fn_name);
	if (probe_resolve(&a->bpf, &p->spec.loc, (pid_t)env.pid, p->fn_name, env.common.unsafe,
			  &p->res, &err) ||
	    check_tp_refs(p, &err))
		die(a, "error in probe '%s': %s", text, err.msg);
	if (probe_loc_is_kernel_function(&p->spec.loc) && !(env.ebpf && !env.common.kfunc))
		choose_kfunc(a, p); /* --ebpf alone: the portable kprobe program */
	p->gen.spec = &p->spec;
	p->gen.fn_name = p->fn_name;
	p->gen.prog = p->prog;
	p->gen.enter_prog = p->enter_prog;
	p->gen.usdt_argtypes = p->res.usdt_argtypes;
	p->gen.nusdt_args = p->res.nusdt_args;
}

/* BCC's order: every -C probe, then every -H probe. */
static void build_probes(struct argdist *a)
{
	a->nprobes = env.ncount + env.nhist;
	a->probes = xcalloc(a->nprobes, sizeof(struct probe));
	for (int i = 0; i < env.ncount; i++)
		build_probe(a, &a->probes[i], env.count_specs[i], ARGDIST_COUNT, i + 1);
	for (int i = 0; i < env.nhist; i++)
		build_probe(a, &a->probes[env.ncount + i], env.hist_specs[i], ARGDIST_HIST,
			    env.ncount + i + 1);
}

static char *generate(struct argdist *a)
{
	struct gen_opts o = {
		.includes = env.includes,
		.nincludes = env.nincludes,
		.string_size = env.string_size,
	};
	struct argdist_gen_probe *gp = xcalloc(a->nprobes, sizeof(*gp));
	struct cbcc_err err;
	char *src, *usdt, *all;

	for (int i = 0; i < a->nprobes; i++)
		gp[i] = a->probes[i].gen;
	src = codegen_argdist(gp, a->nprobes, &o, &err);
	free(gp);
	if (!src)
		die(a, "%s", err.msg);
	usdt = rt_usdt_genargs(&a->bpf);
	all = xasprintf("%s%s", usdt, src);
	free(usdt);
	free(src);
	return all;
}

static void attach_all(struct argdist *a)
{
	struct cbcc_err err;
	int n = a->nprobes;

	for (int i = 0; i < a->nprobes; i++)
		n += a->probes[i].enter_name != NULL;
	if (rt_check_fds(n, n, false, &err))
		die(a, "%s", err.msg);
	for (int i = 0; i < a->nprobes && !stop; i++) {
		struct probe *p = &a->probes[i];
		int rc = 0;

		if (p->enter_name) {
			struct probe_loc entry = p->spec.loc;

			entry.type = PROBE_ENTRY;
			rc = p->enter_prog ? kfunc_attach(&a->bpf, p->enter_prog, &err)
					   : probe_attach(&a->bpf, &entry, &p->res, p->enter_name,
							  (pid_t)env.pid, &err);
		}
		if (!rc)
			rc = p->prog ? kfunc_attach(&a->bpf, p->prog, &err)
				     : probe_attach(&a->bpf, &p->spec.loc, &p->res, p->fn_name,
						    (pid_t)env.pid, &err);
		if (rc) {
			kfunc_explain(&err, env.common.kfunc, &p->spec.loc, p->kfunc_why);
			die(a, "error in probe '%s': %s", p->spec.raw, err.msg);
		}
	}
	if (!stop && rt_usdt_attach(&a->bpf, &err))
		die(a, "%s", err.msg);
}

static void open_maps(struct argdist *a)
{
	struct cbcc_err err;
	struct cbcc_filters f = {.self_tgid = getpid(), .tgid = env.pid, .tid = env.tid, .uid = -1};

	if (filters_configure(&a->bpf, &f, &err) ||
	    map_open(&a->bpf, "cbcc_dropped", &a->dropped, &err))
		die(a, "%s", err.msg);
	for (int i = 0; i < a->nprobes; i++) {
		struct probe *p = &a->probes[i];
		char *name = xasprintf("%s_%s", p->fn_name,
				       p->spec.kind == ARGDIST_HIST ? "hist" : "hash");
		char *sum = xasprintf("%s_sum", p->fn_name);
		int rc = map_open(&a->bpf, name, &p->map, &err);

		if (!rc && p->spec.kind == ARGDIST_HIST)
			rc = map_open(&a->bpf, sum, &p->sum, &err);
		free(name);
		free(sum);
		if (rc)
			die(a, "%s", err.msg);
		p->interval.keep = a->prom != NULL;
	}
	if (a->prom)
		a->drops_shown = xcalloc((size_t)a->nprobes, sizeof(uint64_t));
}

/* Value i of key; a string as it is (raw: a Prometheus label value, which
 * the exporter escapes) or with control bytes escaped (for a terminal). */
static void format_value(const struct probe *p, int i, const char *key, bool raw,
			 struct strbuf *out)
{
	const char *v = key + p->offsets[i];
	uint64_t num;

	if (argdist_type_is_string(p->spec.types[i])) {
		size_t n = strnlen(v, (size_t)env.string_size);

		if (raw)
			sb_appendn(out, v, n);
		else
			sb_append_escaped(out, v, n);
		return;
	}
	memcpy(&num, v, sizeof(num));
	if (argdist_type_is_signed(p->spec.types[i]))
		sb_printf(out, "%lld", (long long)num);
	else
		sb_printf(out, "%llu", (unsigned long long)num);
}

static void format_key(const struct probe *p, const char *key, struct strbuf *out)
{
	if (p->spec.default_expr && p->spec.loc.type != PROBE_RETURN) {
		sb_append(out, "total calls");
		return;
	}
	if (p->spec.default_expr) {
		sb_append(out, "retval = ");
		format_value(p, 0, key, false, out);
		return;
	}
	for (int i = 0; i < p->spec.nexprs; i++) {
		sb_printf(out, "%s%s = ", i ? ", " : "", p->display[i]);
		format_value(p, i, key, false, out);
	}
}

struct row {
	const char *key;
	uint64_t count;
};

/* Ascending by count, as BCC sorts; ties in key order so output is stable. */
static int by_count(const void *x, const void *y, void *key_size)
{
	const struct row *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return memcmp(a->key, b->key, *(size_t *)key_size);
}

/* A -C key's values for --json: one value bare, a tuple as an array, none
 * when the probe counts calls. */
static void json_key(struct json *j, const struct probe *p, const char *key)
{
	if (p->spec.default_expr && p->spec.loc.type != PROBE_RETURN)
		return;
	if (p->spec.nexprs > 1)
		json_array(j, "key");
	for (int i = 0; i < p->spec.nexprs; i++) {
		const char *name = p->spec.nexprs > 1 ? NULL : "key", *v = key + p->offsets[i];
		uint64_t num;

		if (argdist_type_is_string(p->spec.types[i])) {
			json_strn(j, name, v, strnlen(v, (size_t)env.string_size));
			continue;
		}
		memcpy(&num, v, sizeof(num));
		if (argdist_type_is_signed(p->spec.types[i]))
			json_i64(j, name, (int64_t)num);
		else
			json_u64(j, name, num);
	}
	if (p->spec.nexprs > 1)
		json_close(j);
}

static void display_count(struct argdist *a, struct probe *p)
{
	struct map_snapshot snap;
	struct row *rows;
	size_t first = 0;

	if (env.cumulative)
		map_snapshot_read(&p->map, &snap);
	else
		map_interval_read(&p->map, &p->interval, &snap);
	rows = xcalloc(snap.n ? snap.n : 1, sizeof(*rows));
	for (size_t i = 0; i < snap.n; i++) {
		rows[i].key = snap.keys + i * p->map.key_size;
		memcpy(&rows[i].count, snap.values + i * p->map.value_size, sizeof(uint64_t));
	}
	qsort_r(rows, snap.n, sizeof(*rows), by_count, &p->map.key_size);
	if (env.top > 0 && snap.n > (size_t)env.top)
		first = snap.n - (size_t)env.top;
	if (env.common.json)
		json_array(&a->json, "entries");
	else
		sb_printf(&a->out, "%s\n\t%-10s %s\n", p->spec.label ? p->spec.label : p->spec.raw,
			  "COUNT", "EVENT");
	for (size_t i = first; i < snap.n; i++) {
		if (env.common.json) {
			json_object(&a->json, NULL);
			json_key(&a->json, p, rows[i].key);
			json_u64(&a->json, "count", rows[i].count);
			json_close(&a->json);
			continue;
		}
		sb_printf(&a->out, "\t%-10llu ", (unsigned long long)rows[i].count);
		format_key(p, rows[i].key, &a->out);
		sb_append(&a->out, "\n");
	}
	if (env.common.json)
		json_close(&a->json);
	free(rows);
	map_snapshot_free(&snap);
}

static void display_hist(struct argdist *a, struct probe *p)
{
	uint64_t vals[HIST_LOG2_SLOTS];
	const char *label = p->spec.label;

	if (!label)
		label = p->spec.default_expr ? "retval" : p->display[0];
	if (env.cumulative)
		map_array_read_u64(&p->map, vals, HIST_LOG2_SLOTS);
	else
		map_array_read_since_u64(&p->map, vals, HIST_LOG2_SLOTS, a->prom ? p->shown : NULL);
	if (env.common.json)
		hist_log2_json(&a->json, "buckets", vals, HIST_LOG2_SLOTS);
	else
		hist_log2_format(&a->out, vals, HIST_LOG2_SLOTS, label);
}

/* A full -C map cannot take new values: say how many were not counted. */
static void report_drops(struct argdist *a, const uint64_t *drops)
{
	for (int i = 0; i < a->nprobes; i++)
		if (drops[i])
			fprintf(stderr,
				"argdist: warning: probe '%s': %llu values not counted, its map is "
				"full (%zu entries)\n",
				a->probes[i].spec.raw, (unsigned long long)drops[i],
				a->probes[i].map.max_entries);
}

static void display_probe(struct argdist *a, struct probe *p)
{
	if (p->spec.kind == ARGDIST_HIST)
		display_hist(a, p);
	else
		display_count(a, p);
}

static void print_json(struct argdist *a, const uint64_t *drops)
{
	struct json *j = &a->json;

	output_json_begin(j);
	json_array(j, "probes");
	for (int i = 0; i < a->nprobes; i++) {
		struct probe *p = &a->probes[i];

		json_object(j, NULL);
		json_str(j, "spec", p->spec.raw);
		if (p->spec.label)
			json_str(j, "label", p->spec.label);
		json_str(j, "kind", p->spec.kind == ARGDIST_HIST ? "histogram" : "counts");
		display_probe(a, p);
		json_u64(j, "dropped", drops[i]);
		json_close(j);
	}
	json_end(j);
	json_print(j);
}

static void print_interval(struct argdist *a)
{
	uint64_t *drops = xcalloc(a->nprobes, sizeof(uint64_t));
	char hms[16];

	map_array_read_since_u64(&a->dropped, drops, a->nprobes, a->drops_shown);
	if (env.common.json) {
		print_json(a, drops);
	} else {
		output_hms(hms);
		sb_reset(&a->out);
		sb_printf(&a->out, "[%s]\n", hms);
		for (int i = 0; i < a->nprobes; i++)
			display_probe(a, &a->probes[i]);
		fputs(sb_str(&a->out), stdout);
	}
	report_drops(a, drops);
	free(drops);
}

/* Sleeps one interval, answering scrapes; false when a signal cut it short. */
static bool sleep_interval(struct argdist *a)
{
	uint64_t now, end = output_monotonic_ns() + (uint64_t)env.interval * 1000000000ull;

	while (!stop && (now = output_monotonic_ns()) < end) {
		output_wait_fd((int)((end - now) / 1000000) + 1, false, prom_fd(a->prom));
		prom_serve(a->prom);
	}
	return !stop;
}

static void run_loop(struct argdist *a)
{
	long printed = 0, seconds = 0;

	for (;;) {
		bool whole = sleep_interval(a);

		if (!env.common.quiet)
			print_interval(a); /* after a signal too: the last, partial interval */
		if (!output_flush() || !whole)
			break;
		printed++;
		seconds += env.interval;
		if ((env.count && printed >= env.count) ||
		    (env.duration && seconds >= env.duration))
			break;
	}
}

static void check_system(void)
{
	struct cbcc_err err;
	char warning[512];

	if (sysenv_check_tracing(env.pid, warning, sizeof(warning), &err))
		die(NULL, "%s", err.msg);
	if (*warning)
		fprintf(stderr, "argdist: warning: %s\n", warning);
	if (env.tid && kill((pid_t)env.tid, 0) < 0 && errno == ESRCH)
		die(NULL, "thread %ld does not exist", env.tid);
}

/* --prometheus: a -C probe's counts, one label per expression. */
static void collect_counts(struct probe *p)
{
	int nlabels = p->spec.default_expr && p->spec.loc.type != PROBE_RETURN ? 0 : p->spec.nexprs;
	struct strbuf *vals = xcalloc((size_t)p->spec.nexprs, sizeof(*vals));
	const char **ptrs = xcalloc((size_t)p->spec.nexprs, sizeof(char *));
	struct map_snapshot snap;

	map_snapshot_read(&p->map, &snap);
	for (size_t k = 0; k < snap.n; k++) {
		const char *key = snap.keys + k * p->map.key_size;
		uint64_t count;

		for (int i = 0; i < nlabels; i++) {
			sb_reset(&vals[i]);
			format_value(p, i, key, true, &vals[i]);
			ptrs[i] = sb_str(&vals[i]);
		}
		memcpy(&count, snap.values + k * p->map.value_size, sizeof(count));
		prom_add(p->metric, ptrs, count);
	}
	map_snapshot_free(&snap);
	for (int i = 0; i < p->spec.nexprs; i++)
		sb_free(&vals[i]);
	free(vals);
	free(ptrs);
}

/* --prometheus: a -H probe's histogram and sum. */
static void collect_hist(struct probe *p)
{
	uint64_t slots[HIST_LOG2_SLOTS], sum;

	map_array_read_u64(&p->map, slots, HIST_LOG2_SLOTS);
	map_array_read_u64(&p->sum, &sum, 1);
	prom_add_hist(p->metric, NULL, slots, sum, argdist_type_is_signed(p->spec.types[0]));
}

static void collect(void *ctx, struct prom_stats *stats)
{
	struct argdist *a = ctx;
	uint64_t *drops = xcalloc((size_t)a->nprobes, sizeof(uint64_t));

	map_array_read_u64(&a->dropped, drops, a->nprobes);
	for (int i = 0; i < a->nprobes; i++) {
		struct probe *p = &a->probes[i];

		if (p->spec.kind == ARGDIST_HIST)
			collect_hist(p);
		else
			collect_counts(p);
		stats->lost_events += drops[i];
	}
	free(drops);
	stats->probes_attached = (uint64_t)a->nprobes;
}

/* A -H probe of $latency: nanoseconds, exposed in seconds. */
static bool in_seconds(const struct probe *p)
{
	return p->spec.kind == ARGDIST_HIST && !strcmp(p->spec.exprs[0], "$latency");
}

/* cbcc_argdist_NAME: NAME from the probe's label, else its function (and,
 * for -H, its expression), "_seconds" for $latency. */
static char *metric_name(const struct probe *p)
{
	char *text = p->spec.label ? xstrdup(p->spec.label)
		     : p->spec.kind == ARGDIST_COUNT
			     ? xstrdup(p->spec.loc.function)
			     : xasprintf("%s %s", p->spec.loc.function, p->display[0]);
	char *base = prom_name(text), *name;
	size_t len;

	free(text);
	if (!base)
		base = xstrdup("probe");
	len = strlen(base);
	if (p->spec.kind == ARGDIST_COUNT && len > 6 && !strcmp(base + len - 6, "_total"))
		base[len - 6] = '\0'; /* the counter's suffix comes anyway */
	if (in_seconds(p)) {
		text = prom_seconds_name(base);
		free(base);
		base = text;
	}
	name = xasprintf("cbcc_argdist_%s", base);
	free(base);
	return name;
}

static void declare_metric(struct argdist *a, struct probe *p, int number)
{
	bool hist = p->spec.kind == ARGDIST_HIST;
	char *name = metric_name(p), **labels = NULL;
	char *help = xasprintf(hist ? "argdist -H '%s': distribution of its value%s."
				    : "argdist -C '%s': calls per value of its expressions.",
			       p->spec.raw, in_seconds(p) ? " in seconds" : "");
	struct cbcc_err err;
	int nlabels = 0;

	if (!hist && !(p->spec.default_expr && p->spec.loc.type != PROBE_RETURN)) {
		/* one label per expression; none when the probe counts calls */
		nlabels = p->spec.nexprs;
		labels = prom_label_names((const char *const *)p->display, nlabels);
	}
	for (int attempt = 0; !p->metric && attempt < 2; attempt++) {
		if (attempt) { /* the name is taken: number it */
			char *numbered = xasprintf("%s_%d", name, number);

			free(name);
			name = numbered;
		}
		p->metric = prom_family_new(prom_registry(a->prom),
					    hist ? PROM_HISTOGRAM : PROM_COUNTER, name, help,
					    (const char *const *)labels, nlabels, &err);
	}
	if (!p->metric)
		die(a, "--prometheus: probe '%s': %s", p->spec.raw, err.msg);
	if (in_seconds(p))
		prom_family_decimals(p->metric, 9);
	free_strv(labels, nlabels);
	free(name);
	free(help);
}

static void start_exporter(struct argdist *a)
{
	struct cbcc_err err;

	for (int i = 0; i < a->nprobes; i++)
		declare_metric(a, &a->probes[i], i + 1);
	if (prom_start(a->prom, collect, a, &err))
		die(a, "%s", err.msg);
}

static void free_argdist(struct argdist *a)
{
	prom_close(a->prom);
	rt_close(&a->bpf);
	for (int i = 0; i < a->nprobes; i++) {
		struct probe *p = &a->probes[i];

		for (int e = 0; e < p->spec.nexprs && p->display; e++)
			free(p->display[e]);
		free(p->display);
		argdist_spec_free(&p->spec);
		free(p->fn_name);
		free(p->enter_name);
		free(p->prog);
		free(p->enter_prog);
		free(p->offsets);
		map_interval_free(&p->interval);
		resolved_probe_free(&p->res);
	}
	free(a->probes);
	free(a->drops_shown);
	sb_free(&a->out);
	json_free(&a->json);
	kfunc_plan_free(&a->plan);
	free(env.includes);
	free(env.count_specs);
	free(env.hist_specs);
}

int main(int argc, char **argv)
{
	static struct argdist a;
	struct cbcc_err err;
	char *src;

	cli_init("argdist", usage_text, help_text);
	parse_args(argc, argv);
	signals_install(&stop);
	if (env.common.prometheus && !env.ebpf &&
	    prom_open(env.common.prometheus, "argdist", &a.prom, &err)) /* before attaching */
		die(NULL, "%s", err.msg);
	if (!env.ebpf)
		check_system();
	a.plan = (struct kfunc_plan){
		.method = env.common.kfunc, .tool = "argdist", .verbose = env.verbose};
	build_probes(&a);
	src = generate(&a);
	if (env.ebpf)
		fputs(src, stdout);
	else if (env.verbose)
		fputs(src, env.common.json ? stderr : stdout); /* --json: stdout holds JSON only */
	fflush(stdout);
	if (env.ebpf) {
		free(src);
		free_argdist(&a);
		return 0;
	}
	a.bpf.no_cache = env.common.no_cache;
	if (rt_compile(&a.bpf, src, env.verbose, &err)) {
		free(src);
		die(&a, "%s", err.msg);
	}
	free(src);
	open_maps(&a);
	attach_all(&a);
	if (a.prom && !stop)
		start_exporter(&a);
	if (!stop)
		run_loop(&a);
	output_flush();
	free_argdist(&a);
	return 0;
}
