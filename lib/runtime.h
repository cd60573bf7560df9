/* The one place that talks to libbcc: compile, load, attach, detach,
 * perf buffers, tables, USDT contexts and uprobe symbol resolution. */
#ifndef CBCC_RUNTIME_H
#define CBCC_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

struct rt_attach;
struct perf_reader;
struct cache_prog;

struct cbcc_bpf {
	void *mod;		   /* compiled by clang this run, or NULL */
	struct cache_prog *cached; /* loaded from the program cache, or NULL */
	bool no_cache;		   /* --no-cache */
	bool verbose;
	struct rt_attach *att;
	int natt;
	struct perf_reader **readers;
	int nreaders;
	void **usdt;
	int nusdt;
	unsigned seq; /* numbering of probe event names */
};

typedef void (*rt_event_cb)(void *cookie, void *data, int size);
typedef void (*rt_lost_cb)(void *cookie, uint64_t lost);

/* Compiles C source with libbcc's clang frontend, or takes the result from
 * the program cache (lib/cache.h) unless b->no_cache. Diagnostics go to
 * stderr only when verbose; otherwise the first error becomes err. With
 * verbose, says whether the cache was hit and why not. */
int rt_compile(struct cbcc_bpf *b, const char *src, bool verbose, struct cbcc_err *err);
/* Loads function `name` as prog_type (BPF_PROG_TYPE_*); returns its fd. */
int rt_load(struct cbcc_bpf *b, const char *name, int prog_type, struct cbcc_err *err);

int rt_attach_tracepoint(struct cbcc_bpf *b, int prog_fd, const char *category, const char *event,
			 struct cbcc_err *err);
int rt_attach_uprobe(struct cbcc_bpf *b, int prog_fd, bool ret, const char *path, uint64_t offset,
		     pid_t pid, struct cbcc_err *err);
int rt_attach_kprobe(struct cbcc_bpf *b, int prog_fd, bool ret, const char *func, uint64_t offset,
		     struct cbcc_err *err);

/* Attaches a loaded fentry/fexit program (its BTF target was set at load). */
int rt_attach_kfunc(struct cbcc_bpf *b, int prog_fd, const char *fn_name, struct cbcc_err *err);

int rt_table_fd(struct cbcc_bpf *b, const char *name, struct cbcc_err *err);
/* Key and value sizes and max entries of a table; its fd is returned. */
int rt_table_info(struct cbcc_bpf *b, const char *name, size_t *key_size, size_t *value_size,
		  size_t *max_entries, struct cbcc_err *err);
/* Opens one perf buffer per CPU for a BPF_PERF_OUTPUT table. */
int rt_open_perf(struct cbcc_bpf *b, const char *table, rt_event_cb event_cb, rt_lost_cb lost_cb,
		 void *cookie, int pages, struct cbcc_err *err);
/* Waits up to timeout_ms, then runs the callbacks for everything buffered
 * (also events below the wake-up mark); <0 only on a real error. */
int rt_poll(struct cbcc_bpf *b, int timeout_ms);
/* rt_poll that also returns early once fd (unless < 0) is readable (an
 * exporter's scrape waiting). */
int rt_poll_fd(struct cbcc_bpf *b, int timeout_ms, int fd);

/* USDT: register probe provider:name (provider may be NULL) of binary `path`
 * (or of process pid) for BPF function fn_name; returns the C types of its
 * arguments in *argtypes (caller frees with free_strv). */
int rt_usdt_add(struct cbcc_bpf *b, const char *path, pid_t pid, const char *provider,
		const char *probe, const char *fn_name, char ***argtypes, int *nargs,
		struct cbcc_err *err);
/* C code defining the USDT argument readers, to append to the program. */
char *rt_usdt_genargs(struct cbcc_bpf *b);
/* Loads and attaches every registered USDT probe's uprobes. */
int rt_usdt_attach(struct cbcc_bpf *b, struct cbcc_err *err);

/* Detaches everything, closes buffers and frees the module. Idempotent. */
void rt_close(struct cbcc_bpf *b);

/* Library or executable lookup as BCC does it: a path, a soname, "c" for libc,
 * or a program in $PATH. Returns a new absolute path or NULL. */
char *rt_find_library(const char *name, pid_t pid);
/* File offset of symbol `func` in binary `path` for a uprobe. */
int rt_resolve_uprobe(const char *path, const char *func, pid_t pid, uint64_t *offset,
		      struct cbcc_err *err);

#endif
