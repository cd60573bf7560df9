/* argdist: trace a function and display a distribution of its parameter
 * values as a histogram or frequency count. Command line and output as
 * BCC's argdist. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>

#include "argdist_engine.h"
#include "argcodegen.h"
#include "cli.h"
#include "signals.h"
#include "util.h"

static struct argdist_opts env = {.string_size = 80, .interval = 1, .top = -1};

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

int main(int argc, char **argv)
{
	int rc;

	cli_init("argdist", usage_text, help_text);
	parse_args(argc, argv);
	signals_install(&stop);
	rc = argdist_main(&env, &stop);
	free(env.includes);
	free(env.count_specs);
	free(env.hist_specs);
	return rc;
}
