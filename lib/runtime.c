#include "runtime.h"

#include <bcc/bcc_common.h>
#include <bcc/bcc_proc.h>
#include <bcc/bcc_syms.h>
#include <bcc/bcc_usdt.h>
#include <bcc/libbpf.h>
#include <bcc/perf_reader.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "spec.h"
#include "strbuf.h"
#include "sysenv.h"

/* Events per CPU that wake the reader (see rt_open_perf). */
#define RT_WAKEUP_EVENTS 32

enum att_kind { ATT_TRACEPOINT, ATT_KPROBE, ATT_UPROBE, ATT_KFUNC };

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
static bool cache_try(struct cbcc_bpf *b, const struct cache_key *key)
{
	char why[512] = "";

	b->cached = cache_lookup(key, why, sizeof(why));
	if (b->verbose)
		fprintf(stderr, "%s: program cache %s%s%s\n", program_invocation_short_name,
			b->cached ? "hit" : "miss: ", b->cached ? "" : why,
			b->cached ? " (clang skipped)" : ", compiling");
	return b->cached != NULL;
}

static void cache_save(struct cbcc_bpf *b, const struct cache_key *key)
{
	char why[512] = "";

	if (cache_store(key, b->mod, why, sizeof(why)))
		fprintf(stderr, "%s: warning: program cache not written: %s\n",
			program_invocation_short_name, why);
}

static int compile(struct cbcc_bpf *b, const char *src, bool verbose, struct cbcc_err *err);

int rt_compile(struct cbcc_bpf *b, const char *src, bool verbose, struct cbcc_err *err)
{
	struct cache_key key;
	int rc;

	b->verbose = verbose;
	if (b->no_cache)
		return compile(b, src, verbose, err);
	cache_key_build(&key, src);
	rc = cache_try(b, &key) ? 0 : compile(b, src, verbose, err);
	if (rc == 0 && b->mod)
		cache_save(b, &key);
	cache_key_free(&key);
	return rc;
}

static int compile(struct cbcc_bpf *b, const char *src, bool verbose, struct cbcc_err *err)
{
	struct quiet q;
	char *log;

	quiet_begin(&q);
	b->mod = bpf_module_create_c_from_string(src, 0, NULL, 0, true, NULL);
	log = quiet_end(&q, verbose);
	if (!b->mod) {
		char first[400];

		first_error(log, first, sizeof(first));
		free(log);
		return cbcc_errf(err, "compiling the BPF program failed: %s%s", first,
				 verbose ? "" : " (run with -v for the compiler's messages)");
	}
	free(log);
	return 0;
}

int rt_load(struct cbcc_bpf *b, const char *name, int prog_type, struct cbcc_err *err)
{
	void *start = b->mod ? bpf_function_start(b->mod, name) : NULL;
	size_t size = b->mod ? bpf_function_size(b->mod, name) : 0;
	char *log;
	struct quiet q;
	int fd;

	if (b->mod ? !start : !cache_prog_has_function(b->cached, name))
		return cbcc_errf(err, "internal error: no function %s in the compiled program",
				 name);
	log = xcalloc(1, 1 << 20);
	quiet_begin(&q);
	if (b->mod)
		fd = bcc_func_load(b->mod, prog_type, name, start, (int)size,
				   bpf_module_license(b->mod), bpf_module_kern_version(b->mod),
				   b->verbose ? 1 : 0, log, 1 << 20, NULL, -1);
	else
		fd = cache_prog_load(b->cached, name, prog_type, b->verbose ? 1 : 0, log, 1 << 20);
	free(quiet_end(&q, b->verbose));
	if (fd < 0) {
		int e = errno;
		char *last = NULL;

		/* the verifier's last complaint is the useful line */
		for (char *l = strtok(log, "\n"); l; l = strtok(NULL, "\n"))
			last = l;
		if (b->verbose)
			fputs(log, stderr);
		cbcc_errf(err, "the kernel refused to load %s: %s%s%s", name, strerror(e),
			  last ? ": " : "", last ? last : "");
		free(log);
		return -1;
	}
	free(log);
	return fd;
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
		/* 524 is the kernel's ENOTSUPP (an instruction uprobes cannot
		 * handle there), which strerror() does not know */
		cbcc_errf(err, "cannot attach uprobe to %s+0x%llx: %s", path,
			  (unsigned long long)offset,
			  e == 524 ? "the kernel cannot put a uprobe on the instruction there "
				     "(ENOTSUPP)"
				   : strerror(e));
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
		if (!sysenv_has_kprobes())
			return cbcc_errf(err,
					 "this kernel has no kprobe support (CONFIG_KPROBES is "
					 "off), so kernel function '%s' cannot be probed; use a "
					 "tracepoint (t:) instead",
					 func);
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
	int fd = b->mod ? bpf_table_fd(b->mod, name) : cache_prog_table_fd(b->cached, name);

	if (fd < 0)
		return cbcc_errf(err, "internal error: no table %s", name);
	return fd;
}

int rt_table_info(struct cbcc_bpf *b, const char *name, size_t *key_size, size_t *value_size,
		  size_t *max_entries, struct cbcc_err *err)
{
	int type;

	if (b->mod) {
		*key_size = bpf_table_key_size(b->mod, name);
		*value_size = bpf_table_leaf_size(b->mod, name);
		*max_entries = bpf_table_max_entries(b->mod, name);
	} else if (cache_prog_table_info(b->cached, name, &type, key_size, value_size,
					 max_entries)) {
		return cbcc_errf(err, "internal error: no table %s", name);
	}
	return rt_table_fd(b, name, err);
}

int rt_open_perf(struct cbcc_bpf *b, const char *table, rt_event_cb event_cb, rt_lost_cb lost_cb,
		 void *cookie, int pages, struct cbcc_err *err)
{
	int map_fd = rt_table_fd(b, table, err);
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);

	if (map_fd < 0)
		return -1;
	for (int cpu = 0; cpu < ncpu; cpu++) {
		/* Waking the reader for every event costs the traced process
		 * microseconds per event; rt_poll drains what is below the mark. */
		struct bcc_perf_buffer_opts opts = {
			.pid = -1, .cpu = cpu, .wakeup_events = RT_WAKEUP_EVENTS};
		struct perf_reader *r;
		int fd;

		if (!sysenv_cpu_online(cpu))
			continue;
		r = bpf_open_perf_buffer_opts(event_cb, lost_cb, cookie, pages, &opts);
		if (!r)
			return cbcc_errf(err, "cannot open perf buffer on CPU %d (%d pages): %s",
					 cpu, pages, strerror(errno));
		b->readers = xrealloc(b->readers, (b->nreaders + 1) * sizeof(*b->readers));
		b->readers[b->nreaders++] = r;
		fd = perf_reader_fd(r);
		if (bpf_update_elem(map_fd, &cpu, &fd, 0) < 0)
			return cbcc_errf(err, "cannot register perf buffer of CPU %d: %s", cpu,
					 strerror(errno));
	}
	return 0;
}

int rt_poll(struct cbcc_bpf *b, int timeout_ms)
{
	int n;

	if (!b->nreaders) {
		usleep((useconds_t)timeout_ms * 1000);
		return 0;
	}
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

/* bcc_usdt_foreach's callback has no cookie: usdt_count_args passes its
 * question and collects the answer through this. */
static struct {
	const char *provider, *probe;
	int nargs;
} usdt_query;

static void usdt_count_one(struct bcc_usdt *u)
{
	if (!strcmp(u->name, usdt_query.probe) &&
	    (!usdt_query.provider || !strcmp(u->provider, usdt_query.provider)))
		usdt_query.nargs = u->num_arguments;
}

static int usdt_count_args(void *ctx, const char *provider, const char *probe)
{
	usdt_query.provider = provider;
	usdt_query.probe = probe;
	usdt_query.nargs = 0;
	bcc_usdt_foreach(ctx, usdt_count_one);
	return usdt_query.nargs;
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

char *rt_usdt_genargs(struct cbcc_bpf *b)
{
	const char *text;

	if (!b->nusdt)
		return xstrdup("");
	text = bcc_usdt_genargs(b->usdt, b->nusdt);
	return xstrdup(text ? text : "");
}

/* bcc_usdt_foreach_uprobe's callback has no cookie: the attach loop below
 * is the only user and passes its state here. */
static struct {
	struct cbcc_bpf *b;
	struct cbcc_err *err;
	int rc;
} usdt_walk;

static void usdt_attach_one(const char *binpath, const char *fn_name, uint64_t addr, int pid)
{
	struct bcc_symbol sym = {0};
	struct cbcc_err *err = usdt_walk.err;
	int fd;

	if (usdt_walk.rc)
		return;
	fd = rt_load(usdt_walk.b, fn_name, BPF_PROG_TYPE_KPROBE, err);
	if (fd < 0 || bcc_resolve_symname(binpath, NULL, addr, pid > 0 ? pid : 0, NULL, &sym) < 0) {
		if (fd >= 0)
			cbcc_errf(err, "cannot locate USDT probe address 0x%llx in %s",
				  (unsigned long long)addr, binpath);
		usdt_walk.rc = -1;
		return;
	}
	usdt_walk.rc = rt_attach_uprobe(usdt_walk.b, fd, false, binpath, sym.offset,
					pid > 0 ? pid : 0, err);
	free((void *)sym.module);
}

int rt_usdt_attach(struct cbcc_bpf *b, struct cbcc_err *err)
{
	usdt_walk.b = b;
	usdt_walk.err = err;
	usdt_walk.rc = 0;
	for (int i = 0; i < b->nusdt && !usdt_walk.rc; i++)
		bcc_usdt_foreach_uprobe(b->usdt[i], usdt_attach_one);
	return usdt_walk.rc;
}

static void detach(struct rt_attach *a)
{
	struct quiet q;

	quiet_begin(&q);
	if (a->fd >= 0)
		bpf_close_perf_event_fd(a->fd);
	switch (a->kind) {
	case ATT_UPROBE:
		bpf_detach_uprobe(a->ev_name);
		break;
	case ATT_KPROBE:
		bpf_detach_kprobe(a->ev_name);
		break;
	case ATT_TRACEPOINT:
	case ATT_KFUNC:
		break;
	}
	free(quiet_end(&q, false));
	free(a->ev_name);
	free(a->category);
	free(a->event);
}

/* Closing a tracepoint's perf event waits for an RCU grace period (~80 ms
 * here): done one after the other, hundreds of tracepoints take half a
 * minute. Threads let the grace periods overlap. */
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
		if (s->att[i].kind == ATT_TRACEPOINT && s->att[i].fd >= 0) {
			bpf_close_perf_event_fd(s->att[i].fd);
			s->att[i].fd = -1;
		}
	return NULL;
}

static void close_tracepoints(struct cbcc_bpf *b)
{
	struct close_share shares[CLOSE_THREADS];
	int started = 0;

	if (b->natt < 8)
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

void rt_close(struct cbcc_bpf *b)
{
	for (int i = 0; i < b->nreaders; i++)
		perf_reader_free(b->readers[i]);
	free(b->readers);
	close_tracepoints(b);
	for (int i = b->natt - 1; i >= 0; i--)
		detach(&b->att[i]);
	free(b->att);
	for (int i = 0; i < b->nusdt; i++)
		bcc_usdt_close(b->usdt[i]);
	free(b->usdt);
	if (b->mod)
		bpf_module_destroy(b->mod);
	cache_prog_free(b->cached);
	memset(b, 0, sizeof(*b));
}

char *rt_find_library(const char *name, pid_t pid)
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
