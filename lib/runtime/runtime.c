#include "runtime.h"

#include <bcc/bcc_elf.h>
#include <bcc/bcc_proc.h>
#include <bcc/bcc_syms.h>
#include <bcc/bcc_usdt.h>
#include <bcc/libbpf.h>
#include <bcc/perf_reader.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bell.h"
#include "cache.h"
#include "compiler.h"
#include "ktypes.h"
#include "output.h"
#include "prog.h"
#include "spec.h"
#include "strbuf.h"
#include "sysenv.h"

/* Events per CPU that wake the reader (see rt_open_perf). */
#define RT_WAKEUP_EVENTS 32
/* The bell (templates/bell.c) is armed at most this often: in a burst of
 * events it wakes the reader no more than a thousand times a second. */
#define RT_BELL_PERIOD_NS 1000000ull
/* ... and at least this often, whatever the reader saw of it. */
#define RT_BELL_REARM_NS 100000000ull
/* Descriptors libbcc and cbcc open for a moment while attaching (tracefs
 * files, ELF files, captured stderr), on top of those that stay. */
#define RT_FD_SPARE 4

enum att_kind { ATT_TRACEPOINT, ATT_KPROBE, ATT_UPROBE, ATT_KFUNC, ATT_LINK };

struct rt_attach {
	enum att_kind kind;
	int fd;
	char *ev_name;
	char *category;
	char *event;
};

/* libbcc reports some errors only on stderr: hold them while it runs. */
struct quiet {
	int saved;
	FILE *tmp;
};

static void quiet_begin(struct quiet *q)
{
	fflush(stderr);
	q->tmp = tmpfile();
	q->saved = q->tmp ? dup(STDERR_FILENO) : -1;
	if (q->saved >= 0)
		dup2(fileno(q->tmp), STDERR_FILENO);
	else if (q->tmp)
		fclose(q->tmp);
}

/* Restores stderr; returns what was written meanwhile (caller frees). */
static char *quiet_end(struct quiet *q, bool replay)
{
	struct strbuf text = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (q->saved < 0)
		return sb_steal(&text);
	fflush(stderr);
	dup2(q->saved, STDERR_FILENO);
	close(q->saved);
	rewind(q->tmp);
	while ((n = fread(buf, 1, sizeof(buf), q->tmp)) > 0)
		sb_appendn(&text, buf, n);
	fclose(q->tmp);
	if (replay)
		fputs(sb_str(&text), stderr);
	return sb_steal(&text);
}

/* First clang "error:" line, without the "<built-in>:12:3: " location. */
static void first_error(const char *log, char *out, size_t size)
{
	const char *e = strstr(log, "error: ");
	size_t n;

	if (!e) {
		snprintf(out, size, "%s", *log ? log : "unknown error");
		out[strcspn(out, "\n")] = '\0';
		return;
	}
	e += strlen("error: ");
	n = strcspn(e, "\n");
	snprintf(out, size, "%.*s", (int)n, e);
}

/* The cache is a speed-up only: any trouble with it is a warning. */
static void cache_save(struct cbcc_bpf *b, char *const *deps, int ndeps)
{
	char why[512] = "";

	if (cache_store(b->cache, b->prog, deps, ndeps, why, sizeof(why)))
		fprintf(stderr, "%s: warning: program cache not written: %s\n",
			program_invocation_short_name, why);
}

/* -v: where the program's kernel types come from (lib/system/ktypes.h). */
static void say_types(void)
{
	enum ktypes_source source;
	struct cbcc_err ignored;
	char *what;

	if (ktypes_source(&source, &ignored))
		return;
	what = ktypes_describe(source);
	fprintf(stderr, "%s: kernel types from %s\n", program_invocation_short_name, what);
	free(what);
}

/* Leaves out of deps the files under dir (the private kernel tree of a
 * compile with BTF types: the "types" key component covers them, and they
 * are gone once the compile ends). */
static void drop_deps_under(char **deps, int *ndeps, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	int kept = 0;

	for (int i = 0; i < *ndeps; i++) {
		if (n && !strncmp(deps[i], dir, n) && deps[i][n] == '/')
			free(deps[i]);
		else
			deps[kept++] = deps[i];
	}
	*ndeps = kept;
}

/* Compiles src with clang into b->prog; stores it in the cache when one is
 * open. */
static int compile(struct cbcc_bpf *b, const char *src, struct cbcc_err *err)
{
	struct ktypes_compile kt;
	struct quiet q;
	char **deps = NULL, *log;
	int ndeps = 0, rc;

	if (ktypes_compile_begin(&kt, src, b->verbose, err))
		return -1;
	quiet_begin(&q);
	rc = compiler_compile(src, q.saved >= 0 ? q.saved : STDERR_FILENO, &b->prog, &deps, &ndeps,
			      err);
	log = quiet_end(&q, b->verbose);
	if (rc > 0) { /* clang's diagnostics: the first error says most */
		char first[400];

		first_error(log, first, sizeof(first));
		rc = cbcc_errf(err, "compiling the BPF program failed: %s%s%s", first,
			       ktypes_hint(&kt, first),
			       b->verbose ? "" : " (run with -v for the compiler's messages)");
	} else if (rc == 0 && b->cache) {
		if (deps)
			drop_deps_under(deps, &ndeps, kt.tree);
		cache_save(b, deps, ndeps);
	}
	ktypes_compile_end(&kt);
	free(log);
	if (deps)
		free_strv(deps, ndeps);
	return rc;
}

int rt_compile(struct cbcc_bpf *b, const char *src, bool verbose, struct cbcc_err *err)
{
	char why[512] = "";

	b->verbose = verbose;
	if (verbose)
		say_types();
	if (b->no_cache)
		return compile(b, src, err);
	if (cache_open(&b->cache, src, err))
		return -1;
	b->prog = cache_lookup(b->cache, why, sizeof(why));
	if (verbose)
		fprintf(stderr, "%s: program cache %s%s%s\n", program_invocation_short_name,
			b->prog ? "hit" : "miss: ", b->prog ? "" : why,
			b->prog ? " (clang skipped)" : ", compiling");
	if (!b->prog)
		return compile(b, src, err);
	b->from_cache = xstrdup(src);
	return 0;
}

/* A program from the cache that does not work (a function or map missing,
 * code the kernel refuses) is compiled again, once, and replaces the entry.
 * Maps the tool already uses stay: the new program adopts them; should one
 * find no place in it while the old program was in use, this run cannot go
 * on consistently (its next one will). */
enum repair { REPAIRED, NOT_CACHED, REPAIR_FAILED };

static enum repair repair(struct cbcc_bpf *b, const char *what, struct cbcc_err *err)
{
	struct prog *old = b->prog;
	char *src = b->from_cache;
	int rc, left;

	if (!src)
		return NOT_CACHED;
	b->from_cache = NULL;
	if (b->verbose)
		fprintf(stderr, "%s: program cache entry unusable (%s), compiling\n",
			program_invocation_short_name, what);
	b->prog = NULL;
	rc = compile(b, src, err);
	free(src);
	if (rc) {
		b->prog = old;
		return REPAIR_FAILED;
	}
	left = prog_adopt_maps(b->prog, old);
	prog_free(old);
	if (left && b->cache_used) {
		cbcc_errf(err,
			  "the program cache entry of this program was damaged (%s) and has "
			  "been replaced: run the command again",
			  what);
		return REPAIR_FAILED;
	}
	return REPAIRED;
}

static int load(struct cbcc_bpf *b, const char *name, int prog_type, char *log, unsigned size)
{
	struct quiet q;
	int fd;

	quiet_begin(&q);
	fd = prog_load(b->prog, name, prog_type, b->verbose ? 1 : 0, log, size);
	free(quiet_end(&q, b->verbose));
	return fd;
}

/* The error for a program the kernel refused to load (errno e): the
 * verifier's last complaint is the useful line; all of log under verbose. */
static int load_failed(struct cbcc_bpf *b, const char *name, int e, char *log, struct cbcc_err *err)
{
	char *last = NULL;

	for (char *l = strtok(log, "\n"); l; l = strtok(NULL, "\n"))
		last = l;
	if (b->verbose)
		fputs(log, stderr);
	return cbcc_errf(err, "the kernel refused to load %s: %s%s%s", name, strerror(e),
			 last ? ": " : "", last ? last : "");
}

int rt_load(struct cbcc_bpf *b, const char *name, int prog_type, struct cbcc_err *err)
{
	enum repair r = NOT_CACHED;
	char *log;
	int fd;

	if (!prog_has_function(b->prog, name)) {
		r = repair(b, "a function is missing", err);
		if (r == REPAIR_FAILED)
			return -1;
		if (!prog_has_function(b->prog, name))
			return cbcc_errf(err,
					 "internal error: no function %s in the compiled "
					 "program",
					 name);
	}
	log = xcalloc(1, 1 << 20);
	fd = load(b, name, prog_type, log, 1 << 20);
	if (fd < 0 && (r = repair(b, "the kernel refused its code", err)) == REPAIRED)
		fd = load(b, name, prog_type, log, 1 << 20);
	if (fd < 0 && r != REPAIR_FAILED)
		load_failed(b, name, errno, log, err);
	free(log);
	b->cache_used = b->cache_used || fd >= 0;
	return fd < 0 ? -1 : fd;
}

static struct rt_attach *add_attach(struct cbcc_bpf *b, enum att_kind kind, int fd)
{
	struct rt_attach *a;

	b->att = xrealloc(b->att, (b->natt + 1) * sizeof(*b->att));
	a = &b->att[b->natt++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->fd = fd;
	return a;
}

int rt_attach_tracepoint(struct cbcc_bpf *b, int prog_fd, const char *category, const char *event,
			 struct cbcc_err *err)
{
	struct quiet q;
	int fd;

	quiet_begin(&q);
	fd = bpf_attach_tracepoint(prog_fd, category, event);
	free(quiet_end(&q, b->verbose));
	if (fd < 0)
		return cbcc_errf(err, "cannot attach to tracepoint %s:%s: %s", category, event,
				 strerror(errno));
	struct rt_attach *a = add_attach(b, ATT_TRACEPOINT, fd);
	a->category = xstrdup(category);
	a->event = xstrdup(event);
	return 0;
}

/* libbcc may have created the tracefs event before perf_event_open failed:
 * remove it so a failed attach leaves nothing behind. */
static void detach_failed(const char *ev, int (*detach_fn)(const char *))
{
	struct quiet q;

	quiet_begin(&q);
	detach_fn(ev);
	free(quiet_end(&q, false));
}

static char *event_name(struct cbcc_bpf *b, const char *kind)
{
	return xasprintf("cbcc_%d_%s%u", (int)getpid(), kind, b->seq++);
}

/* 524 is the kernel's ENOTSUPP (an instruction uprobes cannot handle
 * there), which strerror() does not know. */
static const char *uprobe_strerror(int e)
{
	return e == 524 ? "the kernel cannot put a uprobe on the instruction there (ENOTSUPP)"
			: strerror(e);
}

int rt_attach_uprobe(struct cbcc_bpf *b, int prog_fd, bool ret, const char *path, uint64_t offset,
		     pid_t pid, struct cbcc_err *err)
{
	char *ev = event_name(b, ret ? "r" : "p");
	struct quiet q;
	int fd;

	quiet_begin(&q);
	fd = bpf_attach_uprobe(prog_fd, ret ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY, ev, path, offset,
			       pid ? pid : -1, 0);
	free(quiet_end(&q, b->verbose));
	if (fd < 0) {
		int e = errno;

		detach_failed(ev, bpf_detach_uprobe);
		free(ev);
		cbcc_errf(err, "cannot attach uprobe to %s+0x%llx: %s", path,
			  (unsigned long long)offset, uprobe_strerror(e));
		errno = e;
		return -1;
	}
	add_attach(b, ATT_UPROBE, fd)->ev_name = ev;
	return 0;
}

int rt_attach_kprobe(struct cbcc_bpf *b, int prog_fd, bool ret, const char *func, uint64_t offset,
		     struct cbcc_err *err)
{
	char *ev = event_name(b, ret ? "r" : "p");
	struct quiet q;
	int fd;

	quiet_begin(&q);
	fd = bpf_attach_kprobe(prog_fd, ret ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY, ev, func, offset,
			       0);
	free(quiet_end(&q, b->verbose));
	if (fd < 0) {
		int e = errno;

		detach_failed(ev, bpf_detach_kprobe);
		free(ev);
		if (!sysenv_has_kprobes()) {
			char *what = xasprintf("kernel function '%s'", func);

			sysenv_no_kprobes(err, what);
			free(what);
			return -1;
		}
		return cbcc_errf(err, "cannot attach kprobe to kernel function '%s': %s", func,
				 strerror(e));
	}
	add_attach(b, ATT_KPROBE, fd)->ev_name = ev;
	return 0;
}

int rt_attach_kfunc(struct cbcc_bpf *b, int prog_fd, const char *fn_name, struct cbcc_err *err)
{
	struct quiet q;
	int fd;

	quiet_begin(&q);
	fd = bpf_attach_kfunc(prog_fd);
	free(quiet_end(&q, b->verbose));
	if (fd < 0)
		return cbcc_errf(err, "cannot attach %s: %s", fn_name, strerror(errno));
	add_attach(b, ATT_KFUNC, fd);
	return 0;
}

int rt_table_fd(struct cbcc_bpf *b, const char *name, struct cbcc_err *err)
{
	int fd = prog_table_fd(b->prog, name);
	enum repair r = fd < 0 ? repair(b, "a map is missing", err) : NOT_CACHED;

	if (r == REPAIR_FAILED)
		return -1;
	if (r == REPAIRED)
		fd = prog_table_fd(b->prog, name);
	if (fd < 0)
		return cbcc_errf(err, "internal error: no table %s", name);
	b->cache_used = true;
	return fd;
}

int rt_table_info(struct cbcc_bpf *b, const char *name, size_t *key_size, size_t *value_size,
		  size_t *max_entries, struct cbcc_err *err)
{
	int type, fd = rt_table_fd(b, name, err);

	if (fd >= 0)
		prog_table_info(b->prog, name, &type, key_size, value_size, max_entries);
	return fd;
}

/* One CPU's perf buffer, libbcc's own complaint (a guess about kernel
 * support, whatever failed) kept quiet. */
static struct perf_reader *open_perf_cpu(struct cbcc_bpf *b, int cpu, rt_event_cb event_cb,
					 rt_lost_cb lost_cb, void *cookie, int pages, int wakeup,
					 struct cbcc_err *err)
{
	struct bcc_perf_buffer_opts opts = {.pid = -1, .cpu = cpu, .wakeup_events = wakeup};
	struct perf_reader *r;
	struct quiet q;
	int e;

	quiet_begin(&q);
	errno = 0;
	r = bpf_open_perf_buffer_opts(event_cb, lost_cb, cookie, pages, &opts);
	e = errno;
	free(quiet_end(&q, b->verbose));
	if (!r)
		cbcc_errf(err, "cannot open perf buffer on CPU %d (%d pages): %s", cpu, pages,
			  e == EMFILE ? "too many open files (ulimit -n)"
			  : e	      ? strerror(e)
				      : "unknown error");
	return r;
}

/* One BPF_PERF_OUTPUT table: the tool's callbacks, and what a drain needs
 * (the CPUs whose buffers get an end mark, the marks read, the events
 * counted instead of delivered). */
struct rt_perf {
	rt_event_cb event_cb;
	rt_lost_cb lost_cb;
	void *cookie;
	int map_fd;
	int *cpus; /* with a buffer */
	int ncpus;
	uint64_t mark;	       /* an end mark's bytes: random, per table */
	int marks;	       /* end marks read */
	unsigned long records; /* events and marks read */
	bool (*gate)(void *ctx);
	void *gate_ctx;
	unsigned long long undelivered;
};

static bool is_mark(const struct rt_perf *p, const void *data, int size)
{
	/* tools' events are larger than the 8 bytes of a mark and its padding */
	return size >= (int)sizeof(p->mark) && size <= 16 &&
	       !memcmp(data, &p->mark, sizeof(p->mark));
}

static void perf_event(void *cookie, void *data, int size)
{
	struct rt_perf *p = cookie;

	p->records++;
	if (is_mark(p, data, size))
		p->marks++;
	else if (p->gate && !p->gate(p->gate_ctx))
		p->undelivered++;
	else
		p->event_cb(p->cookie, data, size);
}

static void perf_lost(void *cookie, uint64_t lost)
{
	struct rt_perf *p = cookie;

	if (p->lost_cb)
		p->lost_cb(p->cookie, lost);
}

static struct rt_perf *new_perf(struct cbcc_bpf *b, int map_fd, rt_event_cb event_cb,
				rt_lost_cb lost_cb, void *cookie)
{
	struct rt_perf *p = xcalloc(1, sizeof(*p));

	*p = (struct rt_perf){
		.event_cb = event_cb, .lost_cb = lost_cb, .cookie = cookie, .map_fd = map_fd};
	if (getrandom(&p->mark, sizeof(p->mark), GRND_NONBLOCK) != sizeof(p->mark))
		p->mark =
			((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)p ^ 0x636263635f656e64ull;
	b->perfs = xrealloc(b->perfs, (b->nperfs + 1) * sizeof(*b->perfs));
	b->perfs[b->nperfs++] = p;
	return p;
}

/* Opens a perf buffer on every online CPU for perf event array map_fd, each
 * waking the reader every `wakeup` events; records go to event_cb(cookie).
 * cpus (when not NULL) collects the CPUs. */
static int open_perf_cpus(struct cbcc_bpf *b, int map_fd, rt_event_cb event_cb, rt_lost_cb lost_cb,
			  void *cookie, int pages, int wakeup, int **cpus, int *ncpus,
			  struct cbcc_err *err)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);

	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct perf_reader *r;
		int fd;

		if (!sysenv_cpu_online(cpu))
			continue;
		r = open_perf_cpu(b, cpu, event_cb, lost_cb, cookie, pages, wakeup, err);
		if (!r)
			return -1;
		b->readers = xrealloc(b->readers, (b->nreaders + 1) * sizeof(*b->readers));
		b->readers[b->nreaders++] = r;
		if (cpus) {
			*cpus = xrealloc(*cpus, (*ncpus + 1) * sizeof(**cpus));
			(*cpus)[(*ncpus)++] = cpu;
		}
		fd = perf_reader_fd(r);
		if (bpf_update_elem(map_fd, &cpu, &fd, 0) < 0)
			return cbcc_errf(err, "cannot register perf buffer of CPU %d: %s", cpu,
					 strerror(errno));
	}
	return 0;
}

/* The bell of templates/bell.c: buffers that wake the reader at their first
 * record, and the flag that lets the next event ring them. */
struct rt_bell {
	int armed_fd;
	uint64_t armed_at; /* when it was last armed (monotonic ns) */
	bool rung;	   /* a bell record was read since */
};

static void bell_rung(void *cookie, void *data, int size)
{
	struct rt_bell *bell = cookie;

	(void)data;
	(void)size;
	bell->rung = true;
}

static void bell_lost(void *cookie, uint64_t lost)
{
	(void)cookie;
	(void)lost; /* a lost ring still woke the reader */
}

static void bell_arm(struct rt_bell *bell, uint64_t now)
{
	uint32_t zero = 0, one = 1;

	bpf_update_elem(bell->armed_fd, &zero, &one, 0);
	bell->armed_at = now;
	bell->rung = false;
}

/* Opens the program's bell, if it has one (programs without it wake their
 * reader at the perf buffers' mark or the poll timeout). */
static int open_bell(struct cbcc_bpf *b, struct cbcc_err *err)
{
	int map_fd = prog_table_fd(b->prog, BELL_TABLE);
	int armed_fd = prog_table_fd(b->prog, BELL_ARMED_TABLE);

	if (b->bell || map_fd < 0 || armed_fd < 0)
		return 0;
	b->bell = xcalloc(1, sizeof(*b->bell));
	b->bell->armed_fd = armed_fd;
	if (open_perf_cpus(b, map_fd, bell_rung, bell_lost, b->bell, 1, 1, NULL, NULL, err))
		return -1;
	bell_arm(b->bell, output_monotonic_ns());
	return 0;
}

/* Before a poll: arms the bell if it has rung (or may have been missed),
 * at most every RT_BELL_PERIOD_NS; returns the poll's timeout, shortened to
 * when it may be armed again. Events that came before it was armed are read
 * now: they did not ring it. */
static int bell_before_poll(struct cbcc_bpf *b, int timeout_ms)
{
	struct rt_bell *bell = b->bell;
	uint64_t now, since;

#ifdef CBCC_TEST_HOOKS
	/* Test builds only (cmake -DCBCC_TEST_HOOKS=ON): CBCC_TEST_POLL_FOREVER
	 * takes away the main loops' poll timeout (a drain's short polls keep
	 * theirs), so that an event is read only when it woke the reader. */
	if (timeout_ms > 50 && getenv("CBCC_TEST_POLL_FOREVER"))
		timeout_ms = -1;
#endif
	if (!bell)
		return timeout_ms;
	now = output_monotonic_ns();
	since = now - bell->armed_at;
	if (!bell->rung && since < RT_BELL_REARM_NS)
		return timeout_ms;
	if (since < RT_BELL_PERIOD_NS) {
		int wait_ms = (int)((RT_BELL_PERIOD_NS - since + 999999) / 1000000);

		return timeout_ms >= 0 && timeout_ms < wait_ms ? timeout_ms : wait_ms;
	}
	bell_arm(bell, now);
	perf_reader_consume(b->nreaders, b->readers);
	return timeout_ms;
}

int rt_open_perf(struct cbcc_bpf *b, const char *table, rt_event_cb event_cb, rt_lost_cb lost_cb,
		 void *cookie, int pages, struct cbcc_err *err)
{
	int map_fd = rt_table_fd(b, table, err);
	struct rt_perf *p;

	if (map_fd < 0)
		return -1;
	p = new_perf(b, map_fd, event_cb, lost_cb, cookie);
	/* Waking the reader for every event costs the traced process
	 * microseconds per event; rt_poll drains what is below the mark, and
	 * the bell wakes it for the first event after a quiet spell. */
	if (open_perf_cpus(b, map_fd, perf_event, perf_lost, p, pages, RT_WAKEUP_EVENTS, &p->cpus,
			   &p->ncpus, err))
		return -1;
	return open_bell(b, err);
}

/* Descriptors this process has open now. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 3;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

static int online_cpus(void)
{
	int n = 0, ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);

	for (int cpu = 0; cpu < ncpu; cpu++)
		n += sysenv_cpu_online(cpu);
	return n;
}

int rt_check_fds(int progs, int probes, bool perf, struct cbcc_err *err)
{
	struct rlimit rl;
	/* perf buffers: the events' and the bell's, one each per CPU */
	long need =
		(long)open_fds() + progs + probes + (perf ? 2 * online_cpus() : 0) + RT_FD_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    (rlim_t)need <= rl.rlim_cur)
		return 0;
	return cbcc_errf(err,
			 "too few file descriptors: attaching %d probe%s needs about %ld, but the "
			 "limit is %llu (ulimit -n)",
			 probes, probes == 1 ? "" : "s", need, (unsigned long long)rl.rlim_cur);
}

int rt_poll(struct cbcc_bpf *b, int timeout_ms)
{
	int n;

	if (!b->nreaders) {
		usleep((useconds_t)timeout_ms * 1000);
		return 0;
	}
	timeout_ms = bell_before_poll(b, timeout_ms);
	n = perf_reader_poll(b->nreaders, b->readers, timeout_ms);
	if (n < 0 && errno != EINTR)
		return n;
	perf_reader_consume(b->nreaders, b->readers);
	return 0;
}

int rt_poll_fd(struct cbcc_bpf *b, int timeout_ms, int fd)
{
	struct pollfd *p = xcalloc((size_t)b->nreaders + 1, sizeof(*p));
	int n;

	timeout_ms = bell_before_poll(b, timeout_ms);
	for (int i = 0; i < b->nreaders; i++)
		p[i] = (struct pollfd){.fd = perf_reader_fd(b->readers[i]), .events = POLLIN};
	p[b->nreaders] = (struct pollfd){.fd = fd, .events = POLLIN};
	n = poll(p, (nfds_t)b->nreaders + 1, timeout_ms);
	free(p);
	if (n < 0 && errno != EINTR)
		return n;
	if (b->nreaders)
		perf_reader_consume(b->nreaders, b->readers);
	return 0;
}

struct usdt_query {
	const char *provider, *probe;
	int nargs;
};

static void usdt_count_one(void *cookie, const struct rt_usdt_probe *u)
{
	struct usdt_query *q = cookie;

	if (!strcmp(u->name, q->probe) && (!q->provider || !strcmp(u->provider, q->provider)))
		q->nargs = u->num_arguments;
}

static int usdt_count_args(void *ctx, const char *provider, const char *probe)
{
	struct usdt_query q = {provider, probe, 0};

	rt_usdt_foreach(ctx, usdt_count_one, &q);
	return q.nargs;
}

int rt_usdt_add(struct cbcc_bpf *b, const char *path, pid_t pid, const char *provider,
		const char *probe, const char *fn_name, char ***argtypes, int *nargs,
		struct cbcc_err *err)
{
	struct quiet q;
	void *ctx;
	int rc;

	quiet_begin(&q);
	ctx = pid ? bcc_usdt_new_frompid(pid, path) : bcc_usdt_new_frompath(path);
	free(quiet_end(&q, b->verbose));
	if (!ctx)
		return cbcc_errf(err, "cannot read USDT probes of %s%s", path,
				 pid ? " in that process" : "");
	b->usdt = xrealloc(b->usdt, (b->nusdt + 1) * sizeof(void *));
	b->usdt[b->nusdt++] = ctx;
	quiet_begin(&q);
	rc = provider ? bcc_usdt_enable_fully_specified_probe(ctx, provider, probe, fn_name)
		      : bcc_usdt_enable_probe(ctx, probe, fn_name);
	free(quiet_end(&q, b->verbose));
	if (rc)
		return cbcc_errf(err, "USDT probe %s%s%s not found in %s", provider ? provider : "",
				 provider ? ":" : "", probe, path);
	*argtypes = NULL;
	*nargs = 0;
	for (int i = 0; i < usdt_count_args(ctx, provider, probe); i++) {
		const char *t = provider ? bcc_usdt_get_fully_specified_probe_argctype(
						   ctx, provider, probe, i)
					 : bcc_usdt_get_probe_argctype(ctx, probe, i);

		if (!t || !*t)
			break;
		*argtypes = xrealloc(*argtypes, (*nargs + 1) * sizeof(char *));
		(*argtypes)[(*nargs)++] = xstrdup(t);
	}
	return 0;
}

char *rt_usdt_program(struct cbcc_bpf *b, char *src)
{
	const char *usdt = b->nusdt ? bcc_usdt_genargs(b->usdt, b->nusdt) : NULL;
	char *all;

	if (!src || !usdt)
		return src;
	all = xasprintf("%s%s", usdt, src);
	free(src);
	return all;
}

static int rt_resolve_addr(const char *path, uint64_t addr, pid_t pid, uint64_t *offset);

struct usdt_walk {
	struct cbcc_bpf *b;
	struct cbcc_err *err;
	int rc;
};

static void usdt_attach_one(void *cookie, const char *binpath, const char *fn_name, uint64_t addr,
			    int pid)
{
	struct usdt_walk *w = cookie;
	uint64_t offset;
	int fd;

	if (w->rc)
		return;
	fd = rt_load(w->b, fn_name, BPF_PROG_TYPE_KPROBE, w->err);
	if (fd < 0 || rt_resolve_addr(binpath, addr, pid > 0 ? pid : 0, &offset)) {
		if (fd >= 0)
			cbcc_errf(w->err, "cannot locate USDT probe address 0x%llx in %s",
				  (unsigned long long)addr, binpath);
		w->rc = -1;
		return;
	}
	w->rc = rt_attach_uprobe(w->b, fd, false, binpath, offset, pid > 0 ? pid : 0, w->err);
}

int rt_usdt_attach(struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct usdt_walk w = {b, err, 0};

	for (int i = 0; i < b->nusdt && !w.rc; i++)
		rt_usdt_foreach_uprobe(b->usdt[i], usdt_attach_one, &w);
	return w.rc;
}

/* Closes a's fd (a perf event's, or a link's). */
static void close_attach_fd(struct rt_attach *a)
{
	if (a->fd < 0)
		return;
	if (a->kind == ATT_LINK || a->kind == ATT_KFUNC) /* BPF links, not perf events */
		close(a->fd);
	else
		bpf_close_perf_event_fd(a->fd);
	a->fd = -1;
}

static void detach(struct rt_attach *a)
{
	struct quiet q;

	quiet_begin(&q);
	close_attach_fd(a);
	switch (a->kind) {
	case ATT_UPROBE:
		bpf_detach_uprobe(a->ev_name);
		break;
	case ATT_KPROBE:
		bpf_detach_kprobe(a->ev_name);
		break;
	case ATT_TRACEPOINT:
	case ATT_KFUNC:
	case ATT_LINK:
		break;
	}
	free(quiet_end(&q, false));
	free(a->ev_name);
	free(a->category);
	free(a->event);
}

/* Closing a tracepoint's perf event waits for an RCU grace period (~80 ms
 * here): done one after the other, hundreds of tracepoints take half a
 * minute. Threads let the grace periods overlap; the kernel serialises the
 * rest of a tracepoint's teardown under its event_mutex. Only tracepoints
 * are closed this way: kprobe and uprobe perf events are torn down without
 * that lock and unregistered one at a time anyway (~70 ms each for a uprobe
 * here; multi links are the cure), so threads would only add concurrency
 * to the kernel's code patching. The tracefs entries libbcc may have made
 * are removed afterwards (detach). */
#define CLOSE_THREADS 32

struct close_share {
	struct rt_attach *att;
	int natt, first;
	pthread_t thread;
};

static void *close_share_run(void *arg)
{
	struct close_share *s = arg;

	for (int i = s->first; i < s->natt; i += CLOSE_THREADS)
		if (s->att[i].kind == ATT_TRACEPOINT)
			close_attach_fd(&s->att[i]);
	return NULL;
}

static void close_in_parallel(struct cbcc_bpf *b)
{
	struct close_share shares[CLOSE_THREADS];
	int started = 0, ntp = 0;

	for (int i = 0; i < b->natt; i++)
		ntp += b->att[i].kind == ATT_TRACEPOINT;
	if (ntp < 8)
		return; /* not worth threads: detach() closes them */
	for (int t = 0; t < CLOSE_THREADS; t++)
		shares[t] = (struct close_share){b->att, b->natt, t, 0};
	for (int t = 0; t < CLOSE_THREADS; t++) {
		if (pthread_create(&shares[t].thread, NULL, close_share_run, &shares[t]) != 0)
			break;
		started++;
	}
	for (int t = 0; t < started; t++)
		pthread_join(shares[t].thread, NULL);
	for (int t = started; t < CLOSE_THREADS; t++)
		close_share_run(&shares[t]);
}

void rt_detach_all(struct cbcc_bpf *b)
{
	close_in_parallel(b);
	for (int i = b->natt - 1; i >= 0; i--)
		detach(&b->att[i]);
	free(b->att);
	b->att = NULL;
	b->natt = 0;
}

unsigned long rt_consume(struct cbcc_bpf *b)
{
	unsigned long before = 0, after = 0;

	for (int i = 0; i < b->nperfs; i++)
		before += b->perfs[i]->records;
	if (b->nreaders)
		perf_reader_consume(b->nreaders, b->readers);
	for (int i = 0; i < b->nperfs; i++)
		after += b->perfs[i]->records;
	return after - before;
}

/* A raw tracepoint program writing the 8 bytes of `mark` into the running
 * CPU's buffer of perf event array map_fd; it returns the helper's result. */
static int load_mark_program(int map_fd, uint64_t mark)
{
	struct bpf_insn insns[] = {
		BPF_LD_IMM64(BPF_REG_0, mark),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
		BPF_LD_MAP_FD(BPF_REG_2, map_fd),
		BPF_LD_IMM64(BPF_REG_3, BPF_F_CURRENT_CPU),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -8),
		BPF_MOV64_IMM(BPF_REG_5, 8),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_perf_event_output),
		BPF_EXIT_INSN(),
	};
	struct quiet q;
	int fd;

	quiet_begin(&q);
	fd = bcc_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "cbcc_end_mark", insns, sizeof(insns),
			   "GPL", 0, 0, NULL, 0);
	free(quiet_end(&q, false));
	return fd;
}

/* Runs a raw tracepoint program once on CPU cpu (kernel 5.10 and later);
 * true when it returned 0. */
static bool run_on_cpu(int prog_fd, int cpu)
{
	uint64_t ctx[1] = {0};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)prog_fd;
	attr.test.ctx_in = (uint64_t)(uintptr_t)ctx;
	attr.test.ctx_size_in = sizeof(ctx);
	attr.test.flags = BPF_F_TEST_RUN_ON_CPU;
	attr.test.cpu = (uint32_t)cpu;
	return syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr)) == 0 &&
	       attr.test.retval == 0;
}

int rt_perf_mark_end(struct cbcc_bpf *b)
{
	int written = 0;

	for (int i = 0; i < b->nperfs; i++) {
		struct rt_perf *p = b->perfs[i];
		int fd = load_mark_program(p->map_fd, p->mark);

		if (fd < 0)
			continue;
		for (int c = 0; c < p->ncpus; c++)
			written += run_on_cpu(fd, p->cpus[c]);
		close(fd);
	}
	return written;
}

int rt_perf_marks_read(const struct cbcc_bpf *b)
{
	int n = 0;

	for (int i = 0; i < b->nperfs; i++)
		n += b->perfs[i]->marks;
	return n;
}

void rt_perf_set_gate(struct cbcc_bpf *b, bool (*gate)(void *ctx), void *ctx)
{
	for (int i = 0; i < b->nperfs; i++) {
		b->perfs[i]->gate = gate;
		b->perfs[i]->gate_ctx = ctx;
	}
}

unsigned long long rt_perf_undelivered(const struct cbcc_bpf *b)
{
	unsigned long long n = 0;

	for (int i = 0; i < b->nperfs; i++)
		n += b->perfs[i]->undelivered;
	return n;
}

void rt_close(struct cbcc_bpf *b)
{
	for (int i = 0; i < b->nreaders; i++)
		perf_reader_free(b->readers[i]);
	free(b->readers);
	rt_detach_all(b);
	for (int i = 0; i < b->nusdt; i++)
		bcc_usdt_close(b->usdt[i]);
	free(b->usdt);
	prog_free(b->prog);
	free(b->from_cache);
	cache_close(b->cache);
	for (int i = 0; i < b->nperfs; i++) {
		free(b->perfs[i]->cpus);
		free(b->perfs[i]);
	}
	free(b->perfs);
	free(b->bell);
	memset(b, 0, sizeof(*b));
}

/* From this many probes detached one by one (perf events, fentry links:
 * tens of milliseconds each in the kernel), the detach is announced. */
#define SLOW_DETACH 10

void rt_close_announced(struct cbcc_bpf *b)
{
	int n = 0;

	for (int i = 0; i < b->natt; i++)
		n += b->att[i].kind != ATT_LINK;
	if (n >= SLOW_DETACH) {
		fprintf(stderr, "Detaching %d probes...\n", n);
		fflush(stderr);
	}
	rt_close(b);
}

/* Library or executable lookup as BCC does it (see runtime.h). */
static char *find_library(const char *name, pid_t pid)
{
	char resolved[PATH_MAX];
	char *found;

	if (strchr(name, '/'))
		return realpath(name, resolved) && access(resolved, R_OK) == 0 ? xstrdup(resolved)
									       : NULL;
	found = bcc_procutils_which_so(name, pid);
	if (!found)
		found = bcc_procutils_which(name);
	if (found) {
		char *copy = realpath(found, resolved) ? xstrdup(resolved) : xstrdup(found);

		free(found);
		return copy;
	}
	return NULL;
}

/* Probes go into ELF files only: say what else path is. */
static int check_elf(const char *path, struct cbcc_err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	unsigned char head[4] = {0};
	struct stat st;
	ssize_t n = -1;
	const char *what = NULL;

	if (fd < 0)
		return cbcc_errf(err, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		what = S_ISDIR(st.st_mode) ? "a directory" : "not a regular file";
	else
		n = pread(fd, head, sizeof(head), 0);
	close(fd);
	if (!what && n == (ssize_t)sizeof(head) && !memcmp(head, "\177ELF", 4))
		return 0;
	if (!what)
		what = n >= 2 && head[0] == '#' && head[1] == '!'
			       ? "a script: probe the interpreter it runs instead"
			       : "no ELF header";
	return cbcc_errf(err, "%s is not an ELF file (%s)", path, what);
}

char *rt_find_library(const char *name, pid_t pid, struct cbcc_err *err)
{
	char *path = find_library(name, pid);

	if (!path) {
		cbcc_errf(err, "can't find library or binary '%s'", name);
		return NULL;
	}
	if (check_elf(path, err)) {
		free(path);
		return NULL;
	}
	return path;
}

int rt_resolve_uprobe(const char *path, const char *func, pid_t pid, uint64_t *offset,
		      struct cbcc_err *err)
{
	struct bcc_symbol sym = {0};
	struct bcc_symbol_option opt = {
		.use_debug_file = 1,
		.check_debug_file_crc = 1,
		.lazy_symbolize = 1,
		.use_symbol_type = (1 << 2 /* STT_FUNC */) | (1 << 10 /* STT_GNU_IFUNC */),
	};

	if (bcc_resolve_symname(path, func, 0, pid, &opt, &sym) < 0 || !sym.offset)
		return cbcc_errf(err, "function '%s' not found in %s", func, path);
	*offset = sym.offset;
	free((void *)sym.module);
	return 0;
}

/* The file offset of address addr of path (as libbcc maps it for pid). */
static int rt_resolve_addr(const char *path, uint64_t addr, pid_t pid, uint64_t *offset)
{
	struct bcc_symbol sym = {0};

	if (bcc_resolve_symname(path, NULL, addr, pid, NULL, &sym) < 0)
		return -1;
	*offset = sym.offset;
	free((void *)sym.module);
	return 0;
}

int rt_elf_addr_offset(const char *path, uint64_t addr, uint64_t *offset)
{
	return rt_resolve_addr(path, addr, 0, offset);
}

struct elf_walk {
	int (*fn)(const char *name, uint64_t addr, void *arg);
	void *arg;
};

static int on_elf_sym(const char *name, uint64_t addr, uint64_t size, void *arg)
{
	struct elf_walk *w = arg;

	(void)size;
	return w->fn(name, addr, w->arg);
}

int rt_elf_foreach_func(const char *path, bool ifunc_only,
			int (*fn)(const char *name, uint64_t addr, void *arg), void *arg)
{
	struct bcc_symbol_option opt = {
		.use_debug_file = 1,
		.check_debug_file_crc = 1,
		.lazy_symbolize = 0,
		.use_symbol_type = ifunc_only ? 1 << 10		      /* STT_GNU_IFUNC */
					      : (1 << 2) | (1 << 10), /* and STT_FUNC */
	};
	struct elf_walk w = {fn, arg};

	return bcc_elf_foreach_sym(path, on_elf_sym, &opt, &w) < 0 ? -1 : 0;
}

/* bpf(2) itself, for what libbcc cannot do: Debian's libbpf and kernel
 * headers predate some of the link types used here (uprobe_multi). */
static long sys_bpf(int cmd, void *attr, unsigned size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

int rt_test_prog(int prog_type, int attach_type, uint32_t attach_btf_id)
{
	struct bpf_insn insns[2] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = (uint32_t)prog_type;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = ARRAY_SIZE(insns);
	a.license = (uint64_t)(uintptr_t) "GPL";
	a.expected_attach_type = (uint32_t)attach_type;
	a.attach_btf_id = attach_btf_id;
	return (int)sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

/* A program name as the kernel keeps it: the first 15 characters. */
static void kernel_prog_name(char dst[BPF_OBJ_NAME_LEN], const char *name)
{
	snprintf(dst, BPF_OBJ_NAME_LEN, "%s", name);
}

static int load_raw(int prog_type, int attach_type, const char *name, const struct bpf_insn *insns,
		    size_t n, const char *license, unsigned kern_version, char *log,
		    unsigned log_size)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = (uint32_t)prog_type;
	a.expected_attach_type = (uint32_t)attach_type;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)license;
	a.kern_version = kern_version;
	if (log) {
		a.log_level = 1;
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = log_size;
	}
	kernel_prog_name(a.prog_name, name);
	return (int)sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

int rt_load_as(struct cbcc_bpf *b, const char *name, int prog_type, int attach_type,
	       struct cbcc_err *err)
{
	const struct prog *p = b->prog;
	struct bpf_insn *insns;
	size_t n = 0;
	int fd;

	if (attach_type < 0)
		return rt_load(b, name, prog_type, err);
	insns = prog_insns(p, name, &n);
	if (!insns)
		return cbcc_errf(err, "internal error: no function %s in the compiled program",
				 name);
	fd = load_raw(prog_type, attach_type, name, insns, n, p->license, p->kern_version, NULL, 0);
	if (fd < 0) {
		int e = errno;
		char *log = xcalloc(1, 1 << 20);

		/* again, for the verifier's words */
		load_raw(prog_type, attach_type, name, insns, n, p->license, p->kern_version, log,
			 1 << 20);
		load_failed(b, name, e, log, err);
		free(log);
	}
	free(insns);
	return fd;
}

/* BPF_LINK_CREATE's attributes for the multi-probe links, laid out as in
 * the kernel's union bpf_attr (the uprobe_multi part is newer than the
 * installed uapi headers). */
struct link_attr {
	uint32_t prog_fd, target_fd, attach_type, flags;
	union {
		struct {
			uint32_t flags, cnt;
			uint64_t syms, addrs, cookies;
		} kprobe_multi;
		struct {
			uint64_t path, offsets, ref_ctr_offsets, cookies;
			uint32_t cnt, flags, pid;
		} uprobe_multi;
	};
};

static int link_create(int prog_fd, int attach_type, struct link_attr *a)
{
	a->prog_fd = (uint32_t)prog_fd;
	a->attach_type = (uint32_t)attach_type;
	return (int)sys_bpf(BPF_LINK_CREATE, a, sizeof(*a));
}

int rt_attach_uprobe_multi(struct cbcc_bpf *b, int prog_fd, const char *path,
			   const uint64_t *offsets, const uint64_t *cookies, int n, pid_t pid,
			   struct cbcc_err *err)
{
	struct link_attr a;
	int fd, e;

	memset(&a, 0, sizeof(a));
	a.uprobe_multi.path = (uint64_t)(uintptr_t)path;
	a.uprobe_multi.offsets = (uint64_t)(uintptr_t)offsets;
	a.uprobe_multi.cookies = (uint64_t)(uintptr_t)cookies;
	a.uprobe_multi.cnt = (uint32_t)n;
	a.uprobe_multi.pid = pid > 0 ? (uint32_t)pid : 0;
	fd = link_create(prog_fd, RT_UPROBE_MULTI, &a);
	if (fd >= 0) {
		add_attach(b, ATT_LINK, fd);
		return 0;
	}
	e = errno;
	if (n == 1)
		cbcc_errf(err, "cannot attach uprobe to %s+0x%llx: %s", path,
			  (unsigned long long)offsets[0], uprobe_strerror(e));
	else
		cbcc_errf(err, "cannot attach %d uprobes to %s with a uprobe_multi link: %s", n,
			  path, uprobe_strerror(e));
	errno = e;
	return -1;
}

int rt_attach_kprobe_multi(struct cbcc_bpf *b, int prog_fd, const char *const *syms,
			   const uint64_t *cookies, int n, struct cbcc_err *err)
{
	struct link_attr a;
	int fd, e;

	memset(&a, 0, sizeof(a));
	a.kprobe_multi.syms = (uint64_t)(uintptr_t)syms;
	a.kprobe_multi.cookies = (uint64_t)(uintptr_t)cookies;
	a.kprobe_multi.cnt = (uint32_t)n;
	fd = link_create(prog_fd, RT_KPROBE_MULTI, &a);
	if (fd >= 0) {
		add_attach(b, ATT_LINK, fd);
		return 0;
	}
	e = errno;
	cbcc_errf(err, "cannot attach %d kernel function%s with a kprobe_multi link: %s", n,
		  n == 1 ? "" : "s", strerror(e));
	errno = e;
	return -1;
}

/* Whether the kernel has links of attach_type: a test program and a link
 * to a target that cannot exist (a), which such a kernel refuses for the
 * target; other kernels refuse the type (EINVAL) or the feature (EOPNOTSUPP,
 * ENOTSUPP). */
static bool has_links(int attach_type, const char *what, struct link_attr *a, char *why,
		      size_t size)
{
	int prog = rt_test_prog(BPF_PROG_TYPE_KPROBE, attach_type, 0), link, e;

	if (prog < 0) {
		snprintf(why, size, "the kernel refused a test %s program: %s", what,
			 strerror(errno));
		return false;
	}
	link = link_create(prog, attach_type, a);
	e = errno;
	close(prog);
	if (link >= 0) {
		close(link);
		return true;
	}
	if (e == EINVAL || e == EOPNOTSUPP || e == 524) {
		snprintf(why, size, "the kernel refused a test %s link: %s", what,
			 e == 524 ? "not supported (ENOTSUPP)" : strerror(e));
		return false;
	}
	return true;
}

bool rt_has_uprobe_multi(char *why, size_t size)
{
	struct link_attr a;
	uint64_t offset = 0;

	memset(&a, 0, sizeof(a));
	a.uprobe_multi.path = (uint64_t)(uintptr_t) "/"; /* a directory: EBADF */
	a.uprobe_multi.offsets = (uint64_t)(uintptr_t)&offset;
	a.uprobe_multi.cnt = 1;
	return has_links(RT_UPROBE_MULTI, "uprobe_multi", &a, why, size);
}

bool rt_has_kprobe_multi(char *why, size_t size)
{
	static const char *const syms[] = {"cbcc_no_such_kernel_function"};
	struct link_attr a;

	memset(&a, 0, sizeof(a));
	a.kprobe_multi.syms = (uint64_t)(uintptr_t)syms;
	a.kprobe_multi.cnt = 1;
	return has_links(RT_KPROBE_MULTI, "kprobe_multi", &a, why, size);
}
