/* The one place that talks to libbcc: compile, load, attach, detach,
 * perf buffers, tables, USDT contexts and uprobe symbol resolution. */
#ifndef CBCC_RUNTIME_H
#define CBCC_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

struct rt_attach;
struct rt_perf;
struct rt_bell;
struct perf_reader;
struct prog;
struct cache;

struct cbcc_bpf {
	struct prog *prog;   /* compiled this run, or loaded from the program cache */
	struct cache *cache; /* the program cache and this program's key, or NULL */
	char *from_cache;    /* the source of a program from the cache, until it
				was compiled again (see rt_load) */
	bool cache_used;     /* functions or maps of it were handed out */
	bool no_cache;	     /* --no-cache */
	bool verbose;
	struct rt_attach *att;
	int natt;
	struct perf_reader **readers;
	int nreaders;
	void **usdt;
	int nusdt;
	unsigned seq;		/* numbering of probe event names */
	struct rt_perf **perfs; /* what rt_open_perf delivers to, one per table */
	int nperfs;
	struct rt_bell *bell; /* the program's bell (templates/bell.c), once opened */
};

typedef void (*rt_event_cb)(void *cookie, void *data, int size);
typedef void (*rt_lost_cb)(void *cookie, uint64_t lost);

/* Compiles C source with libbcc's clang frontend (lib/runtime/compiler.h), or takes
 * the result from the program cache (lib/runtime/cache.h) unless b->no_cache.
 * Diagnostics go to stderr only when verbose; otherwise the first error
 * becomes err. With verbose, says whether the cache was hit and why not.
 * A program from the cache that then fails to load (or lacks a function or
 * table asked for) is compiled again once and replaces the entry. */
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
/* Before attaching: fails, saying so, when the descriptors the plan needs
 * (progs programs to load, probes to attach, a perf buffer per CPU to open
 * when perf) and those already open exceed the limit (RLIMIT_NOFILE, whose
 * soft limit sysenv_check_tracing raised to the hard one). */
int rt_check_fds(int progs, int probes, bool perf, struct cbcc_err *err);
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
/* The program to compile: the C code libbcc generates to read the arguments
 * of the USDT probes registered, then src (taken; NULL gives NULL). */
char *rt_usdt_program(struct cbcc_bpf *b, char *src);
/* Loads and attaches every registered USDT probe's uprobes. */
int rt_usdt_attach(struct cbcc_bpf *b, struct cbcc_err *err);

/* Detaches everything, closes buffers and frees the module. Idempotent. */
void rt_close(struct cbcc_bpf *b);
/* rt_close at a tool's normal end: says "Detaching N probes..." on stderr
 * first when N probes detach one by one (each takes the kernel a while; a
 * multi-probe link detaches at once). */
void rt_close_announced(struct cbcc_bpf *b);

/* Attach types of the links that attach one program to many functions with
 * one system call (BPF_TRACE_KPROBE_MULTI, BPF_TRACE_UPROBE_MULTI: the
 * latter is newer than the installed kernel headers). */
#define RT_KPROBE_MULTI 42
#define RT_UPROBE_MULTI 48

/* Loads function `name` as prog_type with expected attach type attach_type
 * (a multi-probe link's; -1: rt_load); returns its fd. */
int rt_load_as(struct cbcc_bpf *b, const char *name, int prog_type, int attach_type,
	       struct cbcc_err *err);
/* Attaches prog_fd (loaded for RT_UPROBE_MULTI) to n offsets of binary path
 * with one link, cookie i (bpf_get_attach_cookie) at offsets[i]; pid 0: every
 * process. A failure sets errno (524: an instruction the kernel cannot
 * uprobe at one of the offsets). Detached with one close by rt_close. */
int rt_attach_uprobe_multi(struct cbcc_bpf *b, int prog_fd, const char *path,
			   const uint64_t *offsets, const uint64_t *cookies, int n, pid_t pid,
			   struct cbcc_err *err);
/* Attaches prog_fd (loaded for RT_KPROBE_MULTI) to n kernel functions with
 * one link, cookie i for syms[i]. */
int rt_attach_kprobe_multi(struct cbcc_bpf *b, int prog_fd, const char *const *syms,
			   const uint64_t *cookies, int n, struct cbcc_err *err);
/* Whether the running kernel takes uprobe_multi / kprobe_multi links (one
 * test program and link each); why not in why. */
bool rt_has_uprobe_multi(char *why, size_t size);
bool rt_has_kprobe_multi(char *why, size_t size);

/* Loads "r0 = 0; exit" as a program of prog_type with expected attach type
 * attach_type (and BTF target attach_btf_id, 0 for none): the kernel's own
 * answer to whether it takes such programs. Returns the program's fd, or -1
 * with errno. Prints nothing. */
int rt_test_prog(int prog_type, int attach_type, uint32_t attach_btf_id);

/* The end of a run that loses no event (lib/runtime/drain.h uses these). */
/* Detaches every probe, so nothing new reaches the perf buffers; the
 * buffers and tables stay readable. */
void rt_detach_all(struct cbcc_bpf *b);
/* Reads everything in the perf buffers now, without waiting; returns how
 * many records (events and end marks) were read. */
unsigned long rt_consume(struct cbcc_bpf *b);
/* Writes an end mark into each CPU's perf buffer, after everything already
 * there (the kernel first reports any loss it still holds back); returns
 * how many marks were written (0 on kernels that cannot: before 5.10). */
int rt_perf_mark_end(struct cbcc_bpf *b);
/* End marks read so far. */
int rt_perf_marks_read(const struct cbcc_bpf *b);
/* gate(ctx) runs before each event is delivered to a tool's callback;
 * when it returns false the event is only counted (lost-event reports are
 * always delivered). */
void rt_perf_set_gate(struct cbcc_bpf *b, bool (*gate)(void *ctx), void *ctx);
/* Events the gate held back. */
unsigned long long rt_perf_undelivered(const struct cbcc_bpf *b);

/* Library or executable lookup as BCC does it: a path, a soname, "c" for libc,
 * or a program in $PATH. Returns a new absolute path of an ELF file, or NULL
 * with err saying it was not found or is no ELF file (a directory, a
 * script, ...). */
char *rt_find_library(const char *name, pid_t pid, struct cbcc_err *err);
/* File offset of symbol `func` in binary `path` for a uprobe. */
int rt_resolve_uprobe(const char *path, const char *func, pid_t pid, uint64_t *offset,
		      struct cbcc_err *err);

/* Map elements (bpf(2) through libbcc); -1 with errno on failure. */
int rt_map_update(int fd, const void *key, const void *value);
int rt_map_lookup(int fd, const void *key, void *value);
int rt_map_delete(int fd, const void *key);
int rt_map_first_key(int fd, void *key, size_t key_size);
int rt_map_next_key(int fd, const void *key, void *next);
/* The version of the libbcc headers cbcc was built with. */
const char *rt_bcc_version(void);

/* USDT probes of a binary or process, as libbcc reads them. The walk takes a
 * cookie (libbcc's callbacks have none: runtime_usdt.c adapts them). */
struct rt_usdt_probe {
	const char *provider, *name, *bin_path;
	uint64_t semaphore;
	int num_locations, num_arguments;
};
typedef void (*rt_usdt_fn)(void *cookie, const struct rt_usdt_probe *p);
/* A USDT context of binary path (pid 0) or of process pid (path may be NULL:
 * every binary it maps); NULL when it cannot be read. */
void *rt_usdt_open(const char *path, pid_t pid);
void rt_usdt_close(void *ctx);
void rt_usdt_foreach(void *ctx, rt_usdt_fn fn, void *cookie);
/* Each uprobe libbcc made for the enabled probes of ctx. */
typedef void (*rt_usdt_uprobe_fn)(void *cookie, const char *bin_path, const char *fn_name,
				  uint64_t addr, int pid);
void rt_usdt_foreach_uprobe(void *ctx, rt_usdt_uprobe_fn fn, void *cookie);
/* Location loc of probe provider:name: its binary (owned by ctx) and address. */
int rt_usdt_location(void *ctx, const char *provider, const char *name, int loc,
		     const char **bin_path, uint64_t *addr);
/* Argument arg at location loc as BCC's tplist -vv shows it
 * ("4 signed   bytes @ ax"), appended to out; -1 when libbcc has none. */
struct strbuf;
int rt_usdt_argument_text(void *ctx, const char *provider, const char *name, int loc, int arg,
			  struct strbuf *out);

/* Each function symbol (ifunc_only: only STT_GNU_IFUNC ones) of ELF file
 * path, with its address, until fn returns non-zero; -1 when unreadable. */
int rt_elf_foreach_func(const char *path, bool ifunc_only,
			int (*fn)(const char *name, uint64_t addr, void *arg), void *arg);
/* The file offset of virtual address addr of ELF file path. */
int rt_elf_addr_offset(const char *path, uint64_t addr, uint64_t *offset);

#endif
