#include "compiler.h"

#include <bcc/bcc_common.h>
#include <bcc/bcc_version.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/bpf.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "spec.h"
#include "strbuf.h"

#define LIBBCC "libbcc.so.0"
/* Stack of the compiling thread: clang recurses deeply, and the main
 * thread's stack may have been limited (ulimit -s). */
#define COMPILE_STACK (16u << 20)

/* The entry points of libbcc.so.0 cbcc uses: X(field, symbol). */
#define BCC_API(X)                                                                                 \
	X(create, bpf_module_create_c_from_string)                                                 \
	X(destroy, bpf_module_destroy)                                                             \
	X(license, bpf_module_license)                                                             \
	X(kern_version, bpf_module_kern_version)                                                   \
	X(num_functions, bpf_num_functions)                                                        \
	X(function_name, bpf_function_name)                                                        \
	X(function_start, bpf_function_start_id)                                                   \
	X(function_size, bpf_function_size_id)                                                     \
	X(num_tables, bpf_num_tables)                                                              \
	X(table_name, bpf_table_name)                                                              \
	X(table_fd, bpf_table_fd_id)                                                               \
	X(table_type, bpf_table_type_id)                                                           \
	X(table_key_size, bpf_table_key_size_id)                                                   \
	X(table_leaf_size, bpf_table_leaf_size_id)                                                 \
	X(table_max_entries, bpf_table_max_entries_id)                                             \
	X(table_flags, bpf_table_flags_id)

struct bcc_api {
#define FIELD(field, sym) __typeof__(&sym) field;
	BCC_API(FIELD)
#undef FIELD
};

/* "0.26.0" of ".../libbcc.so.0.26.0": the library the loader found must be
 * the version of the headers cbcc was built with (major and minor). */
static int check_version(void *handle, struct cbcc_err *err)
{
	struct link_map *map = NULL;
	char real[PATH_MAX];
	const char *v, *ver = LIBBCC_VERSION;
	size_t want = strcspn(ver, ".");

	if (ver[want])
		want += 1 + strcspn(&ver[want + 1], ".");
	if (dlinfo(handle, RTLD_DI_LINKMAP, &map) || !map || !realpath(map->l_name, real))
		return 0; /* cannot tell: the symbols were all there */
	v = strstr(real, ".so.");
	if (!v || !isdigit((unsigned char)v[4]))
		return 0;
	v += 4;
	if (strncmp(v, LIBBCC_VERSION, want) || (v[want] != '.' && v[want] != '\0'))
		return cbcc_errf(err, "%s is libbcc %s but cbcc was built for libbcc %s", real, v,
				 LIBBCC_VERSION);
	return 0;
}

/* With LeakSanitizer (the sanitizer build), its check; else NULL. */
extern void __lsan_do_leak_check(void) __attribute__((weak));

/* libbcc.so.0 and libbcc_bpf.so.0 both define a C++ global with a
 * destructor (USDT::ArgumentParser_x64::registers_, a map); once both are
 * loaded, the one object has two destructors registered and exit would free
 * it twice. A process that loaded the compiler therefore ends without
 * running destructors: registered after the dlopen, this runs before them,
 * once everything cbcc does at exit is done. */
static void end_without_destructors(int status, void *unused)
{
	(void)unused;
	fflush(NULL);
	if (__lsan_do_leak_check)
		__lsan_do_leak_check();
	_exit(status);
}

/* Opens libbcc.so.0 (kept open: LLVM does not survive being unloaded). */
static int open_api(struct bcc_api *api, struct cbcc_err *err)
{
	bool first = dlopen(LIBBCC, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD) == NULL;
	void *handle = dlopen(LIBBCC, RTLD_LAZY | RTLD_LOCAL);
	struct rlimit as;

	if (!handle) {
		const char *why = dlerror();
		bool limited = getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY;

		if (limited)
			return cbcc_errf(err,
					 "cannot load the BPF compiler (%s): %s (the address space "
					 "is limited to %llu KB: ulimit -v)",
					 LIBBCC, why ? why : "unknown error",
					 (unsigned long long)as.rlim_cur / 1024);
		return cbcc_errf(err, "cannot load the BPF compiler (%s): %s", LIBBCC,
				 why ? why : "unknown error");
	}
	if (first)
		on_exit(end_without_destructors, NULL);
#define RESOLVE(field, sym)                                                                        \
	api->field = (__typeof__(api->field))dlsym(handle, #sym);                                  \
	if (!api->field)                                                                           \
		return cbcc_errf(err, "%s is not compatible with cbcc: it has no %s", LIBBCC, #sym);
	BCC_API(RESOLVE)
#undef RESOLVE
	return check_version(handle, err);
}

/* ---- the module, turned into a struct prog ---- */

/* Function id's instructions with map fds replaced by map indices. */
static int take_function(const struct bcc_api *api, void *mod, size_t id, struct prog_func *f,
			 struct cbcc_err *err)
{
	size_t bytes = api->function_size(mod, id), ntables = api->num_tables(mod);
	const void *start = api->function_start(mod, id);

	f->name = xstrdup(api->function_name(mod, id));
	if (!start || bytes % sizeof(struct bpf_insn))
		return cbcc_errf(err, "internal error: libbcc returned no code for %s", f->name);
	f->ninsns = bytes / sizeof(struct bpf_insn);
	f->insns = xmalloc(bytes);
	memcpy(f->insns, start, bytes);
	for (size_t i = 0; i < f->ninsns; i++) {
		size_t t;

		if (!prog_is_map_ref(&f->insns[i]))
			continue;
		for (t = 0; t < ntables && api->table_fd(mod, t) != f->insns[i].imm; t++)
			;
		if (t == ntables)
			return cbcc_errf(err,
					 "internal error: function %s refers to an unknown map",
					 f->name);
		f->insns[i].imm = (int32_t)t;
		i++; /* the second half of the 16-byte load */
	}
	return 0;
}

/* The module's maps (their fds duplicated: destroying the module closes
 * its own) and functions. */
static int take_module(const struct bcc_api *api, void *mod, struct prog *p, struct cbcc_err *err)
{
	p->license = xstrdup(api->license(mod) ? api->license(mod) : "");
	p->kern_version = api->kern_version(mod);
	p->nmaps = (uint32_t)api->num_tables(mod);
	p->maps = xcalloc(p->nmaps, sizeof(*p->maps));
	for (uint32_t t = 0; t < p->nmaps; t++) {
		struct prog_map *m = &p->maps[t];

		m->name = xstrdup(api->table_name(mod, t));
		m->type = (uint32_t)api->table_type(mod, t);
		m->key_size = (uint32_t)api->table_key_size(mod, t);
		m->value_size = (uint32_t)api->table_leaf_size(mod, t);
		m->max_entries = (uint32_t)api->table_max_entries(mod, t);
		m->flags = (uint32_t)api->table_flags(mod, t);
		m->fd = fcntl(api->table_fd(mod, t), F_DUPFD_CLOEXEC, 0);
		if (m->fd < 0)
			return cbcc_errf(err, "cannot keep map %s: %s", m->name, strerror(errno));
	}
	p->nfuncs = (uint32_t)api->num_functions(mod);
	p->funcs = xcalloc(p->nfuncs, sizeof(*p->funcs));
	for (uint32_t f = 0; f < p->nfuncs; f++)
		if (take_function(api, mod, f, &p->funcs[f], err))
			return -1;
	return 0;
}

/* ---- files the compile read: clang's make-style dependency list ---- */

/* The next path of a "main.o: a b \<newline> c" list, unescaped, or NULL. */
static char *next_dep(const char **pos)
{
	const char *p = *pos;
	struct strbuf path = STRBUF_INIT;

	while (*p && (isspace((unsigned char)*p) || (p[0] == '\\' && p[1] == '\n')))
		p += *p == '\\' ? 2 : 1;
	if (!*p)
		return NULL;
	for (; *p && !isspace((unsigned char)*p); p++) {
		if (p[0] == '\\' && (p[1] == ' ' || p[1] == '#' || p[1] == '\\'))
			p++;
		else if (p[0] == '$' && p[1] == '$')
			p++;
		else if (p[0] == '\\' && p[1] == '\n')
			break;
		sb_appendn(&path, p, 1);
	}
	*pos = p;
	return sb_steal(&path);
}

/* The list's absolute paths outside libbcc's in-memory /virtual/ files;
 * *deps stays NULL when text is no such list. */
static void parse_deps(const char *text, char ***deps, int *n)
{
	const char *p = strstr(text, ": ");
	char *path;

	if (!p)
		return;
	*deps = xcalloc(1, sizeof(char *));
	p += 1;
	while ((path = next_dep(&p))) {
		if (path[0] != '/' || starts_with(path, "/virtual/")) {
			free(path);
			continue;
		}
		*deps = xrealloc(*deps, (*n + 1) * sizeof(char *));
		(*deps)[(*n)++] = path;
	}
}

static char *read_fd(int fd)
{
	struct strbuf text = STRBUF_INIT;
	char buf[4096];
	ssize_t r;
	off_t off = 0;

	while ((r = pread(fd, buf, sizeof(buf), off)) > 0) {
		sb_appendn(&text, buf, (size_t)r);
		off += r;
	}
	return sb_steal(&text);
}

/* ---- clang aborting ---- */

/* What the SIGABRT handler prints: prepared before the compile, as a
 * signal handler can only write. The one piece of process-wide state in
 * lib/, as a handler has no argument. */
static struct {
	int fd;
	char oom[320], other[320];
} abort_report = {-1, "", ""};

static void on_abort(int sig)
{
	char log[8192];
	/* clang's messages went to the captured stderr, a file */
	ssize_t n = pread(STDERR_FILENO, log, sizeof(log), 0);
	bool oom = n > 0 && (memmem(log, (size_t)n, "bad_alloc", 9) ||
			     memmem(log, (size_t)n, "out of memory", 13));
	const char *msg = oom ? abort_report.oom : abort_report.other;

	(void)sig;
	if (write(abort_report.fd, msg, strlen(msg)) < 0)
		_exit(1);
	_exit(1);
}

static void guard_begin(int report_fd, struct sigaction *old)
{
	struct sigaction sa = {.sa_handler = on_abort};
	struct rlimit as;
	char limit[96] = "";

	if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
		snprintf(limit, sizeof(limit),
			 " (the address space is limited to %llu KB: ulimit -v)",
			 (unsigned long long)as.rlim_cur / 1024);
	abort_report.fd = report_fd;
	snprintf(abort_report.oom, sizeof(abort_report.oom),
		 "%s: compiling the BPF program failed: clang ran out of memory%s\n",
		 program_invocation_short_name, limit);
	snprintf(abort_report.other, sizeof(abort_report.other),
		 "%s: compiling the BPF program failed: clang aborted (run with -v for its "
		 "messages)\n",
		 program_invocation_short_name);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, old);
}

static void guard_end(const struct sigaction *old)
{
	sigaction(SIGABRT, old, NULL);
}

/* ---- the compile ---- */

struct job {
	const struct bcc_api *api;
	const char *src;
	int deps_fd;
	struct prog *prog;
	struct cbcc_err err;
	int rc;
};

static void *compile_job(void *arg)
{
	struct job *j = arg;
	char deps_path[64];
	const char *cflags[] = {"-MD", "-MF", deps_path};
	void *mod;

	snprintf(deps_path, sizeof(deps_path), "/proc/self/fd/%d", j->deps_fd);
	mod = j->api->create(j->src, 0, cflags, j->deps_fd >= 0 ? 3 : 0, true, NULL);
	if (!mod) {
		j->rc = 1;
		return NULL;
	}
	j->prog = xcalloc(1, sizeof(*j->prog));
	j->rc = take_module(j->api, mod, j->prog, &j->err);
	j->api->destroy(mod);
	return NULL;
}

/* Runs the job on a thread with a stack of its own; in this thread when
 * none can be started. */
static void run_job(struct job *j)
{
	pthread_attr_t attr;
	pthread_t thread;
	bool started = false;

	if (pthread_attr_init(&attr) == 0) {
		started = pthread_attr_setstacksize(&attr, COMPILE_STACK) == 0 &&
			  pthread_create(&thread, &attr, compile_job, j) == 0;
		pthread_attr_destroy(&attr);
	}
	if (started)
		pthread_join(thread, NULL);
	else
		compile_job(j);
}

int compiler_compile(const char *src, int report_fd, struct prog **out, char ***deps, int *ndeps,
		     struct cbcc_err *err)
{
	struct bcc_api api;
	struct job j = {.api = &api, .src = src};
	struct sigaction old;

	*out = NULL;
	*deps = NULL;
	*ndeps = 0;
	if (open_api(&api, err))
		return -1;
	j.deps_fd = memfd_create("cbcc-deps", MFD_CLOEXEC);
	guard_begin(report_fd, &old);
	run_job(&j);
	guard_end(&old);
	if (j.rc == 0 && j.deps_fd >= 0) {
		char *text = read_fd(j.deps_fd);

		parse_deps(text, deps, ndeps);
		free(text);
	}
	if (j.deps_fd >= 0)
		close(j.deps_fd);
	if (j.rc) {
		prog_free(j.prog);
		*err = j.err;
		return j.rc;
	}
	*out = j.prog;
	return 0;
}
