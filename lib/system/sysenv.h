/* Facts about the running system: privileges, kernel headers, tracefs,
 * kprobe support, CPUs and tracepoint formats. */
#ifndef CBCC_SYSENV_H
#define CBCC_SYSENV_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Root (or CAP_BPF + CAP_PERFMON + CAP_SYS_ADMIN) is needed to trace. */
int sysenv_check_root(struct cbcc_err *err);
/* Kernel headers at /lib/modules/$(uname -r)/build. On a version mismatch,
 * fills warning (else leaves it empty). */
int sysenv_check_headers(char *warning, size_t size, struct cbcc_err *err);
/* libbcc reads tracepoint formats under /sys/kernel/debug/tracing. Says
 * when it is there but closed to this user. */
int sysenv_check_tracefs(struct cbcc_err *err);
/* Descriptors below this limit are too few for any tool to trace. */
#define SYSENV_MIN_FDS 16
/* Raises the soft RLIMIT_NOFILE to the hard limit (tools with many probes
 * need thousands of descriptors); fails when even that is below
 * SYSENV_MIN_FDS. */
int sysenv_raise_fd_limit(struct cbcc_err *err);
/* The mounted tracefs directory ("/sys/kernel/tracing" or the debugfs one). */
const char *sysenv_tracefs(void);
bool sysenv_has_kprobes(void);
/* The error for kernel functions (what: "kernel function 'F'", ...) on a
 * kernel without kprobes; returns -1. */
int sysenv_no_kprobes(struct cbcc_err *err, const char *what);
/* Whether tracepoint category:event exists on this kernel. */
bool sysenv_tracepoint_exists(const char *category, const char *event);
/* Everything a tracing tool checks before it starts: root, descriptors
 * (sysenv_raise_fd_limit), tracefs, where kernel types come from
 * (lib/system/ktypes.h) and, when that is the kernel headers, the headers (a version
 * mismatch fills warning, else it is left empty) and, when pid is not 0, that
 * the process exists. */
int sysenv_check_tracing(long pid, char *warning, size_t size, struct cbcc_err *err);
bool sysenv_cpu_online(int cpu);
/* Whether a kernel function exists in /proc/kallsyms. */
bool sysenv_kernel_function_exists(const char *name);

struct tp_field {
	char *type; /* e.g. "const char *" or "char[16]" */
	char *name;
	bool common; /* common_pid etc. */
};

/* Fields of tracepoint category:event from its format file. */
int tp_fields(const char *category, const char *event, struct tp_field **fields, int *n,
	      struct cbcc_err *err);
/* The fields of a tracepoint format file's text (which it cuts up). */
void tp_format_parse(char *text, struct tp_field **fields, int *n);
void tp_fields_free(struct tp_field *fields, int n);
/* The tracepoints generated source uses (libbcc's "tracepoint__CAT__EVENT"
 * argument structs): from *pos on, the next one's category and event
 * (caller frees both); *pos moves past it. False when there is no more. */
bool tp_next_in_source(const char **pos, char **category, char **event);

#endif
