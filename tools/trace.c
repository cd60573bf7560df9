/* trace: attach to functions, tracepoints and USDT probes and print a
 * message per event. Command line and output as BCC's trace. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>

#include "cli.h"
#include "signals.h"
#include "trace_engine.h"
#include "util.h"

#define DEFAULT_PAGES 1024 /* per CPU: BCC's 64 drops events in bursts */

static struct trace_opts env = {.pages = DEFAULT_PAGES, .uid = -1, .string_size = 80};

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

int main(int argc, char **argv)
{
	int nprobes, rc;
	char **texts;

	cli_init("trace", usage_text, help_text);
	texts = parse_args(argc, argv, &nprobes);
	signals_install(&stop);
	rc = trace_main(&env, texts, nprobes, &stop);
	free(env.includes);
	return rc;
}
