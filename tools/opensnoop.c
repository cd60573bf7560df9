/* opensnoop: trace open(), openat() and openat2() on the syscall
 * tracepoints. Command line and output as BCC's opensnoop. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "filters.h"
#include "opensnoop.h"
#include "output.h"
#include "signals.h"
#include "snoop.h"
#include "strbuf.h"
#include "sysenv.h"

#define DEFAULT_PAGES 1024 /* per CPU: BCC's 64 drops events in bursts */

static struct env {
	bool timestamp, print_uid, failed, extended, full_path, ebpf;
	struct cli_common common; /* --no-cache */
	long pid, tid, uid, duration, pages;
	const char *name;
	const char *cgroupmap, *mntnsmap;
	unsigned flags_mask;
	bool has_flag_filter;
} env = {.uid = -1, .pages = DEFAULT_PAGES};

struct snoop {
	uint64_t first_ts;
	struct strbuf shown; /* a column with its control bytes escaped */
};

static volatile sig_atomic_t stop;

static const struct {
	const char *name;
	unsigned value;
} open_flags[] = {
	{"O_RDONLY", O_RDONLY},	    {"O_WRONLY", O_WRONLY},	  {"O_RDWR", O_RDWR},
	{"O_ACCMODE", O_ACCMODE},   {"O_CREAT", O_CREAT},	  {"O_EXCL", O_EXCL},
	{"O_NOCTTY", O_NOCTTY},	    {"O_TRUNC", O_TRUNC},	  {"O_APPEND", O_APPEND},
	{"O_NONBLOCK", O_NONBLOCK}, {"O_NDELAY", O_NDELAY},	  {"O_DSYNC", O_DSYNC},
	{"O_SYNC", O_SYNC},	    {"O_RSYNC", O_RSYNC},	  {"O_ASYNC", O_ASYNC},
	{"O_DIRECT", O_DIRECT},	    {"O_LARGEFILE", O_LARGEFILE}, {"O_DIRECTORY", O_DIRECTORY},
	{"O_NOFOLLOW", O_NOFOLLOW}, {"O_NOATIME", O_NOATIME},	  {"O_CLOEXEC", O_CLOEXEC},
	{"O_PATH", O_PATH},	    {"O_TMPFILE", O_TMPFILE},
};

static const char usage_text[] =
	"usage: opensnoop [-h] [-T] [-U] [-x] [-p PID] [-t TID]\n"
	"                 [--cgroupmap CGROUPMAP] [--mntnsmap MNTNSMAP] [-u UID]\n"
	"                 [-d DURATION] [-n NAME] [-e] [-f FLAG_FILTER] [-F]\n"
	"                 [-b BUFFER_PAGES] [--ebpf] [--no-cache]\n";

static const char help_text[] =
	"\nTrace open() syscalls\n\n"
	"options:\n"
	"  -h, --help            show this help message and exit\n"
	"  --version             show the version and exit\n"
	"  -T, --timestamp       include timestamp on output\n"
	"  -U, --print-uid       print UID column\n"
	"  -x, --failed          only show failed opens\n"
	"  -p PID, --pid PID     trace this PID only\n"
	"  -t TID, --tid TID     trace this TID only\n"
	"  --cgroupmap CGROUPMAP\n"
	"                        trace cgroups in this BPF map only\n"
	"  --mntnsmap MNTNSMAP   trace mount namespaces in this BPF map only\n"
	"  -u UID, --uid UID     trace this UID only\n"
	"  -d DURATION, --duration DURATION\n"
	"                        total duration of trace in seconds\n"
	"  -n NAME, --name NAME  only print process names containing this name\n"
	"  -e, --extended_fields\n"
	"                        show extended fields\n"
	"  -f FLAG_FILTER, --flag_filter FLAG_FILTER\n"
	"                        filter on flags argument (e.g., O_WRONLY)\n"
	"  -F, --full-path       show full path for an open file with relative path\n"
	"  -b BUFFER_PAGES, --buffer-pages BUFFER_PAGES\n"
	"                        size of the perf ring buffer (must be a power of two number of\n"
	"                        pages and defaults to 1024)\n"
	"  --ebpf                print the BPF program and exit\n"
	"  --no-cache            compile with clang even when the program cache has this program\n"
	"\nexamples:\n"
	"    ./opensnoop                        # trace all open() syscalls\n"
	"    ./opensnoop -T                     # include timestamps\n"
	"    ./opensnoop -U                     # include UID\n"
	"    ./opensnoop -x                     # only show failed opens\n"
	"    ./opensnoop -p 181                 # only trace PID 181\n"
	"    ./opensnoop -t 123                 # only trace TID 123\n"
	"    ./opensnoop --cgroupmap mappath    # only trace cgroups in this BPF map\n"
	"    ./opensnoop --mntnsmap mappath     # only trace mount namespaces in the map\n"
	"    ./opensnoop -u 1000                # only trace UID 1000\n"
	"    ./opensnoop -d 10                  # trace for 10 seconds only\n"
	"    ./opensnoop -n main                # only print process names containing \"main\"\n"
	"    ./opensnoop -e                     # show extended fields\n"
	"    ./opensnoop -f O_WRONLY -f O_RDWR  # only print calls for writing\n"
	"    ./opensnoop -F                     # show full path for an open file with relative "
	"path\n";

static void add_flag_filter(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(open_flags); i++)
		if (!strcmp(open_flags[i].name, name)) {
			env.flags_mask |= open_flags[i].value;
			env.has_flag_filter = true;
			return;
		}
	cli_usage_exit("argument -f/--flag_filter: bad flag: '%s'", name);
}

static void parse_args(int argc, char **argv)
{
	enum { OPT_EBPF = 256, OPT_CGROUPMAP, OPT_MNTNSMAP };
	static const struct option longopts[] = {
		{"timestamp", no_argument, 0, 'T'},
		{"print-uid", no_argument, 0, 'U'},
		{"failed", no_argument, 0, 'x'},
		{"pid", required_argument, 0, 'p'},
		{"tid", required_argument, 0, 't'},
		{"uid", required_argument, 0, 'u'},
		{"duration", required_argument, 0, 'd'},
		{"name", required_argument, 0, 'n'},
		{"extended_fields", no_argument, 0, 'e'},
		{"flag_filter", required_argument, 0, 'f'},
		{"full-path", no_argument, 0, 'F'},
		{"buffer-pages", required_argument, 0, 'b'},
		{"ebpf", no_argument, 0, OPT_EBPF},
		{"no-cache", no_argument, 0, CLI_OPT_NO_CACHE},
		{"cgroupmap", required_argument, 0, OPT_CGROUPMAP},
		{"mntnsmap", required_argument, 0, OPT_MNTNSMAP},
		CLI_LONGOPTS_END,
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":TUxp:t:u:d:n:ef:Fb:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			env.timestamp = true;
			break;
		case 'U':
			env.print_uid = true;
			break;
		case 'x':
			env.failed = true;
			break;
		case 'p':
			env.pid = cli_number_arg("-p/--pid", optarg, CLI_PID);
			break;
		case 't':
			env.tid = cli_number_arg("-t/--tid", optarg, CLI_PID);
			break;
		case 'u':
			if (!snoop_parse_uid(optarg, &env.uid))
				cli_usage_exit(
					"argument -u/--uid: '%s' is not valid UID or user entry",
					optarg);
			break;
		case 'd':
			env.duration = cli_number_arg("-d/--duration", optarg, CLI_SECONDS);
			break;
		case 'n':
			env.name = optarg;
			break;
		case 'e':
			env.extended = true;
			break;
		case 'f':
			add_flag_filter(optarg);
			break;
		case 'F':
			env.full_path = true;
			break;
		case 'b':
			env.pages = cli_number_arg("-b/--buffer-pages", optarg, CLI_PAGES);
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
	if (env.tid)
		env.pid = 0; /* TID trumps PID, as in BCC */
}

static int configure(struct cbcc_bpf *b, void *cookie, struct cbcc_err *err)
{
	struct snoop_config cfg = {.flags_mask = env.flags_mask, .failed_only = env.failed};
	struct cbcc_filters f = {
		.self_tgid = getpid(),
		.tgid = env.pid,
		.tid = env.tid,
		.uid = env.uid,
	};

	(void)cookie;

	/* -f O_RDONLY (0) matches nothing in BCC; keep that */
	if (env.has_flag_filter && !env.flags_mask)
		cfg.flags_mask = 0x80000000u;
	if (snoop_set_config(b, "snoop_config", &cfg, err) || filters_configure(b, &f, err))
		return -1;
	return 0;
}

/* -F: the directory a relative path starts from, read from /proc now; empty
 * when the process has gone. */
static void base_dir(const struct open_event *e, char *dir, size_t size)
{
	char link[64];
	ssize_t n;

	if (e->dfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%u/task/%u/cwd", e->pid, e->tid);
	else
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", e->pid, e->dfd);
	n = readlink(link, dir, size - 1);
	if (n < 0 && e->dfd == AT_FDCWD) {
		snprintf(link, sizeof(link), "/proc/%u/cwd", e->pid);
		n = readlink(link, dir, size - 1);
	}
	dir[n > 0 ? n : 0] = '\0';
}

/* The path as printed: with -F from the process's directory, control bytes
 * escaped. */
static void format_path(const struct open_event *e, const char *path, struct strbuf *out)
{
	char dir[PATH_MAX] = "";

	if (env.full_path && path[0] && path[0] != '/')
		base_dir(e, dir, sizeof(dir));
	if (dir[0]) {
		sb_append_escaped(out, dir, strlen(dir));
		if (strcmp(dir, "/"))
			sb_append(out, "/");
	}
	sb_append_escaped(out, path, strlen(path));
}

static void on_event(void *cookie, void *data, int size)
{
	struct snoop *s = cookie;
	struct open_event e;
	char comm[17], path[PATH_SIZE + 1];
	int fd = -1, err = 0;

	if ((size_t)size < sizeof(e))
		return;
	memcpy(&e, data, sizeof(e));
	snprintf(comm, sizeof(comm), "%.16s", e.comm);
	if (env.name && !strstr(comm, env.name))
		return;
	/* perf records are only 4-byte aligned: no struct pointer into data */
	snprintf(path, sizeof(path), "%.*s", size - (int)sizeof(e),
		 (const char *)data + offsetof(struct open_event, path));
	if (!s->first_ts)
		s->first_ts = e.ts / 1000 * 1000;
	if (e.ret >= 0)
		fd = e.ret;
	else
		err = -e.ret;
	if (env.timestamp)
		printf("%-14.9f", (double)((e.ts / 1000 * 1000) - s->first_ts) * 1e-9);
	if (env.print_uid)
		printf("%-6u", e.uid);
	sb_reset(&s->shown);
	sb_append_escaped(&s->shown, comm, strlen(comm));
	printf("%-6u %-16s %4d %3d ", env.tid ? e.tid : e.pid, sb_str(&s->shown), fd, err);
	if (env.extended)
		printf("%08o ", e.flags);
	sb_reset(&s->shown);
	format_path(&e, path, &s->shown);
	puts(sb_str(&s->shown));
}

static void print_header(void *cookie)
{
	(void)cookie;
	if (env.timestamp)
		printf("%-14s", "TIME(s)");
	if (env.print_uid)
		printf("%-6s", "UID");
	printf("%-6s %-16s %4s %3s ", env.tid ? "TID" : "PID", "COMM", "FD", "ERR");
	if (env.extended)
		printf("%-9s", "FLAGS");
	printf("PATH\n");
}

static void finish(void *cookie)
{
	struct snoop *s = cookie;

	sb_free(&s->shown);
}

int main(int argc, char **argv)
{
	static const struct snoop_tp tps[] = {
		{"opensnoop_enter_open", "syscalls", "sys_enter_open", true},
		{"opensnoop_exit_open", "syscalls", "sys_exit_open", true},
		{"opensnoop_enter_openat", "syscalls", "sys_enter_openat", false},
		{"opensnoop_exit_openat", "syscalls", "sys_exit_openat", false},
		{"opensnoop_enter_openat2", "syscalls", "sys_enter_openat2", true},
		{"opensnoop_exit_openat2", "syscalls", "sys_exit_openat2", true},
	};
	static struct snoop s;
	char size[16];
	struct tvar vars[] = {{"PATH_SIZE", size}};
	struct snoop_tool tool = {
		.name = "opensnoop",
		.template = "opensnoop.c",
		.vars = vars,
		.nvars = ARRAY_SIZE(vars),
		.tps = tps,
		.ntps = ARRAY_SIZE(tps),
		.cookie = &s,
		.on_event = on_event,
		.configure = configure,
		.header = print_header,
		.finish = finish,
	};

	cli_init("opensnoop", usage_text, help_text);
	parse_args(argc, argv);
	signals_install(&stop);
	snprintf(size, sizeof(size), "%d", PATH_SIZE);
	tool.ebpf = env.ebpf;
	tool.no_cache = env.common.no_cache;
	tool.cgroupmap = env.cgroupmap;
	tool.mntnsmap = env.mntnsmap;
	tool.pid = env.tid ? env.tid : env.pid;
	tool.duration = (double)env.duration;
	tool.pages = (int)env.pages;
	return snoop_main(&tool, &stop);
}
