/* Command-line pieces every tool shares: argparse-style error messages for
 * bad options and option values, and the options every tool treats alike
 * (the checks before tracing are sysenv_check_tracing in sysenv.h). */
#ifndef CBCC_CLI_H
#define CBCC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "kfunc.h"
#include "util.h"

/* The running tool: its name and -h texts, set once by main. */
void cli_init(const char *tool, const char *usage, const char *help);
/* The running tool's name ("cbcc" before cli_init): the one source of it
 * for messages. */
const char *cli_tool_name(void);

/* Prints "TOOL: error: MSG (see TOOL -h)" to stderr, MSG being fmt with
 * arg, and exits with status 2. */
__attribute__((noreturn)) void cli_usage_exit(const char *fmt, const char *arg);
/* Parses the value of option opt (e.g. "-p/--pid") as an integer in
 * [min, max]; on junk or a value out of range fills err with "argument OPT:
 * invalid value: 'ARG'" and, for a number out of range, the range. */
int cli_range(const char *opt, const char *arg, long min, long max, long *out,
	      struct cbcc_err *err);
/* cli_range, exiting through cli_usage_exit on junk. */
long cli_range_arg(const char *opt, const char *arg, long min, long max);
/* cli_range up to LONG_MAX. */
long cli_int_arg(const char *opt, const char *arg, long min);

/* The numbers options hold, each checked against its real range. */
enum cli_number {
	CLI_PID,     /* a process or thread: 1 .. kernel.pid_max - 1 */
	CLI_UID,     /* a user id: 0 .. 4294967294 ((uid_t)-1 is no user) */
	CLI_CPU,     /* a CPU of this machine that is online */
	CLI_SECONDS, /* an interval or duration: 1 .. CLI_MAX_SECONDS */
	CLI_COUNT,   /* a number of events or lines: 1 .. LONG_MAX */
	CLI_PAGES,   /* perf buffer pages per CPU: a power of two up to CLI_MAX_PAGES */
};
/* ~68 years: in nanoseconds still far from overflowing 64 bits */
#define CLI_MAX_SECONDS 2147483647L
/* 1 GiB per CPU: libbcc's buffer size is an int */
#define CLI_MAX_PAGES (1L << 18)
#define CLI_MAX_UID 4294967294L

int cli_number(const char *opt, const char *arg, enum cli_number kind, long *out,
	       struct cbcc_err *err);
/* cli_number, exiting through cli_usage_exit on a bad value. */
long cli_number_arg(const char *opt, const char *arg, enum cli_number kind);

/* getopt_long values of the long options several tools share */
#define CLI_OPT_VERSION 0x1001
#define CLI_OPT_NO_CACHE 0x1002
#define CLI_OPT_JSON 0x1003
#define CLI_OPT_KPROBE 0x1004
#define CLI_OPT_FENTRY 0x1005
#define CLI_OPT_UNSAFE 0x1006
#define CLI_OPT_NO_MULTI 0x1007
#define CLI_OPT_PROMETHEUS 0x1008
#define CLI_OPT_QUIET 0x1009
/* The exporter's options (argdist, funccount, stackcount), their getopt_long
 * entries and their -h lines. */
#define CLI_LONGOPTS_PROMETHEUS                                                                    \
	{"prometheus", required_argument, 0, CLI_OPT_PROMETHEUS},                                  \
	{                                                                                          \
		"quiet", no_argument, 0, CLI_OPT_QUIET                                             \
	}
#define CLI_HELP_PROMETHEUS                                                                        \
	"  --prometheus [HOST]:PORT\n"                                                             \
	"                        serve the counts (cumulative) as Prometheus metrics at\n"         \
	"                        http://HOST:PORT/metrics while tracing; HOST defaults\n"          \
	"                        to 127.0.0.1, PORT 0 takes any free port\n"                       \
	"  --quiet               with --prometheus: print no summaries, only serve them\n"
/* Ends a tool's getopt_long table: --version, --help and the terminator. */
#define CLI_LONGOPTS_END                                                                           \
	{"version", no_argument, 0, CLI_OPT_VERSION}, {"help", no_argument, 0, 'h'},               \
	{                                                                                          \
		0, 0, 0, 0                                                                         \
	}

/* What the shared options set. */
struct cli_common {
	bool no_cache;		 /* --no-cache */
	bool json;		 /* --json */
	bool no_multi;		 /* --no-multi (funccount, stackcount) */
	enum kfunc_method kfunc; /* --kprobe / --fentry */
	bool unsafe;		 /* --unsafe: uprobe offsets inside instructions */
	const char *prometheus;	 /* --prometheus ADDR, syntax checked */
	bool quiet;		 /* --quiet */
};

/* Handles a getopt_long result no tool-specific case took: --version and -h
 * (exit 0), --no-cache, --json, --no-multi, --kprobe, --fentry, --unsafe, a
 * missing value (':') and unknown options (exit 2). */
void cli_common_option(int c, char **argv, struct cli_common *o);
/* After the options: the rules between shared options (--quiet needs
 * --prometheus), exit 2 when broken. */
void cli_common_done(const struct cli_common *o);

/* --version: "TOOL (cbcc) VERSION, libbcc VERSION" on stdout. */
void cli_print_version(const char *tool);

#endif
