#include "sysenv.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ktypes.h"
#include "strbuf.h"

int sysenv_check_root(struct cbcc_err *err)
{
	if (geteuid() != 0)
		return cbcc_errf(
			err,
			"must run as root (tracing needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)");
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The release the headers were built for: UTS_RELEASE of utsrelease.h
 * (Debian's include/config/kernel.release holds the upstream version
 * instead), else kernel.release. Caller frees. */
static char *headers_release(const char *running)
{
	char *path = xasprintf("/lib/modules/%s/build/include/generated/utsrelease.h", running);
	char *text = read_file(path), *q, *end;

	free(path);
	if (text && (q = strchr(text, '"')) && (end = strchr(q + 1, '"'))) {
		*end = '\0';
		memmove(text, q + 1, (size_t)(end - q));
		return text;
	}
	free(text);
	path = xasprintf("/lib/modules/%s/build/include/config/kernel.release", running);
	text = read_file(path);
	free(path);
	return text;
}

int sysenv_check_headers(char *warning, size_t size, struct cbcc_err *err)
{
	struct utsname u;
	char path[512];
	char *release;

	warning[0] = '\0';
	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/build", u.release);
	if (!is_dir(path))
		return cbcc_errf(err,
				 "kernel headers not found: %s is missing (install linux-headers "
				 "and run scripts/setup.sh)",
				 path);
	release = headers_release(u.release);
	if (release) {
		char *r = strip(release);

		if (*r && strcmp(r, u.release))
			snprintf(warning, size,
				 "kernel headers are version %s but the running kernel is %s; "
				 "struct layouts may differ",
				 r, u.release);
		free(release);
	}
	return 0;
}

int sysenv_check_tracefs(struct cbcc_err *err)
{
	static const char *const dirs[] = {"/sys/kernel/debug/tracing/events",
					   "/sys/kernel/tracing/events"};
	struct stat st;

	if (is_dir(dirs[0]))
		return 0;
	/* not root: say so, rather than blame the mount */
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (stat(dirs[i], &st) < 0 && errno == EACCES)
			return cbcc_errf(err,
					 "cannot read the tracepoints under %.*s: %s (run as "
					 "root)",
					 (int)(strlen(dirs[i]) - strlen("/events")), dirs[i],
					 strerror(EACCES));
	return cbcc_errf(err, "tracefs is not available at /sys/kernel/debug/tracing: "
			      "mount it with 'mount -t debugfs debugfs /sys/kernel/debug' "
			      "(scripts/setup.sh does this)");
}

int sysenv_raise_fd_limit(struct cbcc_err *err)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < SYSENV_MIN_FDS)
		return cbcc_errf(err,
				 "too few file descriptors: the limit is %llu (ulimit -n), tracing "
				 "needs at least %d",
				 (unsigned long long)rl.rlim_cur, SYSENV_MIN_FDS);
	return 0;
}

const char *sysenv_tracefs(void)
{
	return is_dir("/sys/kernel/tracing/events") ? "/sys/kernel/tracing"
						    : "/sys/kernel/debug/tracing";
}

bool sysenv_tracepoint_exists(const char *category, const char *event)
{
	char *path = xasprintf("%s/events/%s/%s", sysenv_tracefs(), category, event);
	bool exists = access(path, F_OK) == 0;

	free(path);
	return exists;
}

bool sysenv_has_kprobes(void)
{
	char path[256];

	if (access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "%s/kprobe_events", sysenv_tracefs());
	return access(path, F_OK) == 0;
}

int sysenv_no_kprobes(struct cbcc_err *err, const char *what)
{
	return cbcc_errf(
		err,
		"this kernel has no kprobe support (CONFIG_KPROBES is off), so %s cannot be "
		"probed; use a tracepoint (t:) instead",
		what);
}

int sysenv_check_tracing(long pid, char *warning, size_t size, struct cbcc_err *err)
{
	enum ktypes_source types;

	warning[0] = '\0';
	if (sysenv_check_root(err) || sysenv_raise_fd_limit(err) || sysenv_check_tracefs(err) ||
	    ktypes_source(&types, err) ||
	    (types == KTYPES_HEADERS && sysenv_check_headers(warning, size, err)))
		return -1;
	if (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return cbcc_errf(err, "process %ld does not exist", pid);
	return 0;
}

bool sysenv_cpu_online(int cpu)
{
	char *text = read_file("/sys/devices/system/cpu/online");
	bool online = text == NULL; /* unknown: assume online */

	for (char *p = text; p && *p && !online;) {
		long lo = strtol(p, &p, 10), hi = lo;

		if (*p == '-')
			hi = strtol(p + 1, &p, 10);
		online = cpu >= lo && cpu <= hi;
		if (*p != ',')
			break;
		p++;
	}
	free(text);
	return online;
}

bool sysenv_kernel_function_exists(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	size_t n = strlen(name);
	bool found = false;

	if (!f)
		return true; /* cannot tell: let the attach decide */
	while (!found && fgets(line, sizeof(line), f)) {
		char *sym = strchr(line, ' ');

		if (!sym || !(sym = strchr(sym + 1, ' ')))
			continue;
		sym++;
		found = !strncmp(sym, name, n) &&
			(sym[n] == '\n' || sym[n] == '\t' || sym[n] == '\0');
	}
	fclose(f);
	return found;
}

void tp_fields_free(struct tp_field *fields, int n)
{
	for (int i = 0; i < n; i++) {
		free(fields[i].type);
		free(fields[i].name);
	}
	free(fields);
}

/* "field:const char * filename;" -> type "const char *", name "filename". */
static bool parse_field(char *decl, struct tp_field *f)
{
	char *semi = strchr(decl, ';');
	char *name, *bracket;
	struct strbuf type = STRBUF_INIT;

	if (!semi)
		return false;
	*semi = '\0';
	decl = strip(decl);
	name = decl + strlen(decl);
	while (name > decl && (isalnum((unsigned char)name[-1]) || name[-1] == '_' ||
			       name[-1] == '[' || name[-1] == ']'))
		name--;
	bracket = strchr(name, '[');
	sb_appendn(&type, decl, name - decl);
	if (bracket) {
		sb_append(&type, bracket);
		*bracket = '\0';
	}
	if (!*name) {
		sb_free(&type);
		return false;
	}
	f->type = xstrdup(type.buf ? strip(type.buf) : "");
	sb_free(&type);
	f->name = xstrdup(name);
	f->common = starts_with(name, "common_");
	return true;
}

int tp_fields(const char *category, const char *event, struct tp_field **fields, int *n,
	      struct cbcc_err *err)
{
	char *path = xasprintf("%s/events/%s/%s/format", sysenv_tracefs(), category, event);
	char *text = read_file(path);

	*fields = NULL;
	*n = 0;
	if (!text) {
		char *dir = xasprintf("%s/events/%s", sysenv_tracefs(), category);
		bool cat_exists = is_dir(dir);

		free(dir);
		free(path);
		if (access(sysenv_tracefs(), R_OK) != 0)
			return cbcc_errf(err, "cannot read tracepoints under %s (mounted? root?)",
					 sysenv_tracefs());
		if (!cat_exists)
			return cbcc_errf(err, "unknown tracepoint category '%s' (see tplist)",
					 category);
		return cbcc_errf(err, "unknown tracepoint '%s:%s' (see tplist '%s:*')", category,
				 event, category);
	}
	free(path);
	tp_format_parse(text, fields, n);
	free(text);
	return 0;
}

void tp_format_parse(char *text, struct tp_field **fields, int *n)
{
	char *save = NULL;

	*fields = NULL;
	*n = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *decl = strstr(line, "field:");
		struct tp_field f;

		if (!decl || !parse_field(decl + 6, &f))
			continue;
		*fields = xrealloc(*fields, (*n + 1) * sizeof(f));
		(*fields)[(*n)++] = f;
	}
}

bool tp_next_in_source(const char **pos, char **category, char **event)
{
	for (const char *p = strstr(*pos, "tracepoint__"); p; p = strstr(p + 1, "tracepoint__")) {
		const char *id = p + strlen("tracepoint__");
		size_t n = 0;
		char *name, *sep;

		while (isalnum((unsigned char)id[n]) || id[n] == '_')
			n++;
		name = xstrndup(id, n);
		sep = strstr(name, "__");
		if (!sep) {
			free(name);
			continue;
		}
		*sep = '\0';
		*category = xstrdup(name);
		*event = xstrdup(sep + 2);
		free(name);
		*pos = id + n;
		return true;
	}
	return false;
}
