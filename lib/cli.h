/* Command-line pieces every tool shares: argparse-style error messages for
 * bad options and option values (the checks before tracing are
 * sysenv_check_tracing in sysenv.h). */
#ifndef CBCC_CLI_H
#define CBCC_CLI_H

#include <stddef.h>

#include "util.h"

/* Prints "TOOL: error: MSG (see TOOL -h)" to stderr, MSG being fmt with arg;
 * the caller exits with status 2. */
void cli_usage_error(const char *tool, const char *fmt, const char *arg);
/* Parses the value of option opt (e.g. "-p/--pid") as an integer >= min;
 * on junk fills err with "argument OPT: invalid value: 'ARG'". */
int cli_int(const char *opt, const char *arg, long min, long *out, struct cbcc_err *err);
/* getopt_long values of the long options every tool has */
#define CLI_OPT_VERSION 0x1001
#define CLI_OPT_NO_CACHE 0x1002

/* --version: "TOOL (cbcc) VERSION, libbcc VERSION" on stdout. */
void cli_print_version(const char *tool);

#endif
