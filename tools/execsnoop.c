/* execsnoop: trace new processes via exec() syscalls, on the syscall
 * tracepoints. Command line and output as BCC's execsnoop. */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "cli.h"
#include "exec_print.h"
#include "execsnoop.h"
#include "filters.h"
#include "signals.h"
#include "snoop.h"

#define MAX_ARGS_LIMIT 250 /* the event must fit a 32 KiB per-CPU scratch value */
#define PAGES 256

static struct env {
	bool time, timestamp, fails, quote, print_uid, ebpf, exit_times;
	struct cli_common common; /* --no-cache */
	long uid, ppid, max_args;
	const char *name, *line;
	const char *cgroupmap, *mntnsmap;
	regex_t name_re, line_re;
} env = {.uid = -1, .max_args = 20};

static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage: execsnoop [-h] [-T] [-t] [-x] [--cgroupmap CGROUPMAP]\n"
	"                 [--mntnsmap MNTNSMAP] [-u USER] [-q] [-n NAME] [-l LINE] [-U]\n"
	"                 [--max-args MAX_ARGS] [-P PPID] [--exit] [--ebpf] [--no-cache]\n";

static const char help_text[] =
	"\nTrace exec() syscalls\n\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  --version             show the version and exit\n"
	"  -T, --time            include time column on output (HH:MM:SS)\n"
	"  -t, --timestamp       include timestamp on output\n"
	"  -x, --fails           include failed exec()s\n"
	"  --cgroupmap CGROUPMAP\n"
	"                        trace cgroups in this BPF map only\n"
	"  --mntnsmap MNTNSMAP   trace mount namespaces in this BPF map only\n"
	"  -u USER, --uid USER   trace this UID only\n"
	"  -q, --quote           Add quotemarks (\") around arguments.\n"
	"  -n NAME, --name NAME  only print commands matching this name (regex), any arg\n"
	"  -l LINE, --line LINE  only print commands where arg contains this line (regex)\n"
	"  -U, --print-uid       print UID column\n"
	"  --max-args MAX_ARGS   maximum number of arguments parsed and displayed, defaults to 20\n"
	"  -P PPID, --ppid PPID  trace this parent PID only\n"
	"  --exit                add an EXIT(ms) column: run time of each program until its\n"
	"                        process exits (lines wait for the exit)\n"
	"  --ebpf                print the BPF program and exit\n"
	"  --no-cache            compile with clang even when the program cache has this program\n"
	"\nexamples:\n"
	"    ./execsnoop                      # trace all exec() syscalls\n"
	"    ./execsnoop -x                   # include failed exec()s\n"
	"    ./execsnoop --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    ./execsnoop --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    ./execsnoop -T                   # include time (HH:MM:SS)\n"
	"    ./execsnoop -P 181               # only trace new processes whose parent PID is 181\n"
	"    ./execsnoop -U                   # include UID\n"
	"    ./execsnoop -u 1000              # only trace UID 1000\n"
	"    ./execsnoop -u user              # get user UID and trace only them\n"
	"    ./execsnoop -t                   # include timestamps\n"
	"    ./execsnoop -q                   # add \"quotemarks\" around arguments\n"
	"    ./execsnoop -n main              # only print command lines containing \"main\"\n"
	"    ./execsnoop -l tpkg              # only print command where arguments contains "
	"\"tpkg\"\n"
	"    ./execsnoop --exit               # include each program's run time until exit\n";

static void compile_regex(regex_t *re, const char *opt, const char *text)
{
	char msg[600];

	if (!regcomp(re, text, REG_EXTENDED | REG_NOSUB))
		return;
	snprintf(msg, sizeof(msg), "argument %s: invalid regular expression: '%%s'", opt);
	cli_usage_exit(msg, text);
}

static void parse_args(int argc, char **argv)
{
	enum { OPT_MAX_ARGS = 256, OPT_EBPF, OPT_EXIT, OPT_CGROUPMAP, OPT_MNTNSMAP };
	static const struct option longopts[] = {
		{"time", no_argument, 0, 'T'},
		{"timestamp", no_argument, 0, 't'},
		{"fails", no_argument, 0, 'x'},
		{"uid", required_argument, 0, 'u'},
		{"quote", no_argument, 0, 'q'},
		{"name", required_argument, 0, 'n'},
		{"line", required_argument, 0, 'l'},
		{"print-uid", no_argument, 0, 'U'},
		{"max-args", required_argument, 0, OPT_MAX_ARGS},
		{"ppid", required_argument, 0, 'P'},
		{"exit", no_argument, 0, OPT_EXIT},
		{"ebpf", no_argument, 0, OPT_EBPF},
		{"no-cache", no_argument, 0, CLI_OPT_NO_CACHE},
		{"cgroupmap", required_argument, 0, OPT_CGROUPMAP},
		{"mntnsmap", required_argument, 0, OPT_MNTNSMAP},
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":Ttxu:qn:l:UP:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			env.time = true;
			break;
		case 't':
			env.timestamp = true;
			break;
		case 'x':
			env.fails = true;
			break;
		case 'u':
			if (!snoop_parse_uid(optarg, &env.uid))
				cli_usage_exit(
					"argument -u/--uid: '%s' is not valid UID or user entry",
					optarg);
			break;
		case 'q':
			env.quote = true;
			break;
		case 'n':
			env.name = optarg;
			compile_regex(&env.name_re, "-n/--name", optarg);
			break;
		case 'l':
			env.line = optarg;
			compile_regex(&env.line_re, "-l/--line", optarg);
			break;
		case 'U':
			env.print_uid = true;
			break;
		case OPT_MAX_ARGS:
			env.max_args = cli_range_arg("--max-args", optarg, 1, MAX_ARGS_LIMIT);
			break;
		case 'P':
			env.ppid = cli_number_arg("-P/--ppid", optarg, CLI_PID);
			break;
		case OPT_EXIT:
			env.exit_times = true;
			break;
		case OPT_EBPF:
			env.ebpf = true;
			break;
		case OPT_CGROUPMAP:
			env.cgroupmap = optarg;
			break;
		case OPT_MNTNSMAP:
			env.mntnsmap = optarg;
			break;
		default:
			cli_common_option(c, argv, &env.common);
		}
	}
	if (optind < argc)
		cli_usage_exit("unrecognized arguments: %s", argv[optind]);
}

/* Field offsets of task_struct in the running kernel, for the parent pid. */
static int configure(struct cbcc_bpf *b, void *cookie, struct cbcc_err *err)
{
	struct snoop_config cfg = {
		.ppid = (uint32_t)env.ppid,
		.fails = env.fails,
		.exit_times = env.exit_times,
	};
	struct cbcc_filters f = {.self_tgid = getpid(), .uid = env.uid};
	struct kbtf *btf = kbtf_load(NULL, err);
	long parent = kbtf_member_offset(btf, "task_struct", "real_parent");
	long tgid = kbtf_member_offset(btf, "task_struct", "tgid");

	kbtf_free(btf);
	if (parent > 0 && tgid > 0) {
		cfg.real_parent_off = (uint64_t)parent;
		cfg.tgid_off = (uint64_t)tgid;
	} else if (env.ppid) {
		return cbcc_errf(err, "-P/--ppid needs the kernel's BTF (/sys/kernel/btf/vmlinux) "
				      "to find parent pids");
	}
	exec_printer_start(cookie);
	if (snoop_set_config(b, "snoop_config", &cfg, err) || filters_configure(b, &f, err))
		return -1;
	return 0;
}

static void on_event(void *cookie, void *data, int size)
{
	exec_print_event(cookie, data, size);
}

static void print_header(void *cookie)
{
	exec_print_header(cookie);
}

static void finish(void *cookie)
{
	exec_printer_finish(cookie);
	if (env.name)
		regfree(&env.name_re);
	if (env.line)
		regfree(&env.line_re);
}

int main(int argc, char **argv)
{
	static const struct snoop_tp tps[] = {
		{"execsnoop_enter_execve", "syscalls", "sys_enter_execve", false},
		{"execsnoop_exit_execve", "syscalls", "sys_exit_execve", false},
		{"execsnoop_enter_execveat", "syscalls", "sys_enter_execveat", true},
		{"execsnoop_exit_execveat", "syscalls", "sys_exit_execveat", true},
		{"execsnoop_process_exit", "sched", "sched_process_exit", false},
	};
	static struct exec_printer s;
	char argsize[16], maxargs[16];
	struct tvar vars[] = {{"ARGSIZE", argsize}, {"MAXARGS", maxargs}};
	struct snoop_tool tool = {
		.name = "execsnoop",
		.template = "execsnoop.c",
		.vars = vars,
		.nvars = ARRAY_SIZE(vars),
		.pages = PAGES,
		.tps = tps,
		.cookie = &s,
		.on_event = on_event,
		.configure = configure,
		.header = print_header,
		.finish = finish,
	};

	cli_init("execsnoop", usage_text, help_text);
	parse_args(argc, argv);
	signals_install(&stop);
	exec_printer_init(&s, &(struct exec_print_opts){
				      .time = env.time,
				      .timestamp = env.timestamp,
				      .quote = env.quote,
				      .print_uid = env.print_uid,
				      .exit_times = env.exit_times,
				      .name_re = env.name ? &env.name_re : NULL,
				      .line_re = env.line ? &env.line_re : NULL,
			      });
	snprintf(argsize, sizeof(argsize), "%d", ARGSIZE);
	snprintf(maxargs, sizeof(maxargs), "%ld", env.max_args);
	tool.ebpf = env.ebpf;
	tool.no_cache = env.common.no_cache;
	tool.cgroupmap = env.cgroupmap;
	tool.mntnsmap = env.mntnsmap;
	tool.ntps = env.exit_times ? 5 : 4; /* the process exits only for --exit */
	return snoop_main(&tool, &stop);
}
