#include "cache.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ktypes.h"
#include "runtime.h"
#include "strbuf.h"
#include "sysenv.h"
#include "template.h"

#define CACHE_MAGIC "CBCCPRG" /* and the format's digit */
#define CACHE_FORMAT '2'
#define CACHE_MAX_ENTRY (64u << 20)
#define CACHE_DEFAULT_MAX_MB 64
#define CACHE_MAX_MB (1L << 20) /* 1 TiB */

struct cache {
	char *dir; /* where entries live */
	long max_mb;
	char *src;	  /* the generated source */
	char *components; /* "name=value\n" lines */
	char *trees[2];	  /* header trees the "headers" component covers */
	uint64_t hash;	  /* of the source: names the entry file */
};

/* ---- hashing ---- */

#define FNV_INIT 0xcbf29ce484222325ull

static uint64_t fnv1a(const void *data, size_t n, uint64_t h)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Hash of a regular file's contents (opened without blocking: a FIFO
 * planted at its name does not hang the tool). */
static bool file_digest(const char *path, uint64_t *out)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t bufsize = 1 << 16;
	char *buf;
	uint64_t h = FNV_INIT;
	struct stat st;
	ssize_t n = -1;

	if (fd < 0)
		return false;
	buf = xmalloc(bufsize); /* not on the stack: it may be small (ulimit -s) */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		while ((n = read(fd, buf, bufsize)) > 0)
			h = fnv1a(buf, (size_t)n, h);
	free(buf);
	close(fd);
	*out = h;
	return n == 0;
}

/* ---- key ---- */

static void add_component(struct strbuf *sb, const char *name, const char *value)
{
#ifdef CBCC_TEST_HOOKS
	/* Test builds only (cmake -DCBCC_TEST_HOOKS=ON): CBCC_CACHE_FAKE_<NAME>
	 * replaces a component the test suite cannot change for real. */
	char var[64];
	const char *fake;

	snprintf(var, sizeof(var), "CBCC_CACHE_FAKE_%s", name);
	for (char *c = var; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	fake = getenv(var);
	if (fake)
		value = fake;
#endif
	sb_printf(sb, "%s=%s\n", name, value);
}

static void add_file_stamp(struct strbuf *sb, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		sb_printf(sb, " %s:%lld.%09ld:%lld", path, (long long)st.st_mtim.tv_sec,
			  st.st_mtim.tv_nsec, (long long)st.st_size);
	else
		sb_printf(sb, " %s:missing", path);
}

/* The header trees libbcc compiles against: where the links point and when
 * their key files last changed. Files read from them are covered by this
 * component, not hashed one by one. */
static void add_headers(struct cache *c, struct strbuf *key, const char *release)
{
	static const char *const links[] = {"build", "source"};
	static const char *const files[] = {"include/config/kernel.release",
					    "include/generated/autoconf.h", "Makefile", "."};
	struct strbuf v = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char *link = xasprintf("/lib/modules/%s/%s", release, links[i]);
		char real[PATH_MAX];

		if (realpath(link, real))
			c->trees[i] = xstrdup(real);
		else
			snprintf(real, sizeof(real), "%s:missing", link);
		sb_printf(&v, "%s%s", i ? " " : "", real);
		for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
			char *path = xasprintf("%s/%s", real, files[f]);

			add_file_stamp(&v, path);
			free(path);
		}
		free(link);
	}
	add_component(key, "headers", sb_str(&v));
	sb_free(&v);
}

/* Where the program's kernel types come from (lib/system/ktypes.h): the kernel's
 * BTF (build_id identifies it) through cbcc's kernel tree templates, or the
 * kernel header trees. */
static void add_types(struct cache *c, struct strbuf *key, const char *release)
{
	enum ktypes_source source;
	struct cbcc_err ignored;
	uint64_t h = FNV_INIT;
	char buf[64];

	if (ktypes_source(&source, &ignored) || source != KTYPES_BTF) {
		add_component(key, "types", "headers");
		add_headers(c, key, release);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ktypes_templates); i++)
		h = fnv1a(template_text(ktypes_templates[i]),
			  strlen(template_text(ktypes_templates[i])), h);
	snprintf(buf, sizeof(buf), "btf %016llx", (unsigned long long)h);
	add_component(key, "types", buf);
}

/* Every tracepoint the source uses: its format file. */
static void add_tracepoints(struct strbuf *key, const char *src)
{
	char *category, *event;

	while (tp_next_in_source(&src, &category, &event)) {
		char *path = xasprintf("%s/events/%s/%s/format", sysenv_tracefs(), category, event);
		char hex[32] = "missing";
		uint64_t h;

		if (file_digest(path, &h))
			snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
		sb_printf(key, "tp:%s:%s=%s\n", category, event, hex);
		free(path);
		free(category);
		free(event);
	}
}

/* The environment libbcc's compile reads besides the source: another kernel
 * tree (BCC_KERNEL_SOURCE, which cbcc sets itself only while compiling with
 * BTF types), module directory suffix or version code changes the program. */
static void add_libbcc_env(struct strbuf *key)
{
	static const char *const vars[] = {"BCC_KERNEL_SOURCE", "BCC_KERNEL_MODULES_SUFFIX",
					   "BCC_LINUX_VERSION_CODE"};
	struct strbuf v = STRBUF_INIT;
	uint64_t h = FNV_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *value = getenv(vars[i]);

		sb_printf(&v, "%s%s=%s", i ? " " : "", vars[i], value ? "set" : "unset");
		if (value)
			h = fnv1a(value, strlen(value) + 1, h);
	}
	sb_printf(&v, " %016llx", (unsigned long long)h);
	add_component(key, "libbcc_env", sb_str(&v));
	sb_free(&v);
}

static void build_key(struct cache *c, const char *src)
{
	struct strbuf key = STRBUF_INIT;
	struct utsname u;
	uint64_t btf;
	char buf[512];
	char format[2] = {CACHE_FORMAT, '\0'};

	uname(&u);
	add_component(&key, "format", format);
	add_component(&key, "libbcc", rt_bcc_version());
	snprintf(buf, sizeof(buf), "%s %s %s", u.release, u.version, u.machine);
	add_component(&key, "kernel", buf);
	/* the kernel's build id note is tiny; hashing 5 MB of BTF each start
	 * would cost more than the rest of a warm start */
	if (file_digest("/sys/kernel/notes", &btf) || file_digest("/sys/kernel/btf/vmlinux", &btf))
		snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)btf);
	else
		snprintf(buf, sizeof(buf), "none");
	add_component(&key, "build_id", buf);
	snprintf(buf, sizeof(buf), "%ld", sysconf(_SC_NPROCESSORS_CONF));
	add_component(&key, "cpus", buf);
	add_types(c, &key, u.release);
	add_libbcc_env(&key);
	add_component(&key, "cflags", "none");
	add_tracepoints(&key, src);
	c->src = xstrdup(src);
	c->components = sb_steal(&key);
	c->hash = fnv1a(src, strlen(src), FNV_INIT);
}

/* ---- configuration ---- */

/* An environment value as it may appear in a one-line message. */
static void shown(const char *value, char *out, size_t size)
{
	size_t i = 0;

	for (; value[i] && i + 1 < size; i++)
		out[i] = isprint((unsigned char)value[i]) ? value[i] : '?';
	out[i] = '\0';
}

static bool is_absolute(const char *path)
{
	return path && path[0] == '/';
}

/* No ".." components: the walk from "/" takes the path as written. */
static bool has_dotdot(const char *path)
{
	for (const char *p = strstr(path, ".."); p; p = strstr(p + 1, ".."))
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

static int read_dir_config(struct cache *c, struct cbcc_err *err)
{
	const char *env = getenv("CBCC_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char show[128];

	if (env && *env) {
		shown(env, show, sizeof(show));
		if (!is_absolute(env) || has_dotdot(env) || strlen(env) >= PATH_MAX)
			return cbcc_errf(err,
					 "CBCC_CACHE_DIR: invalid value '%s' (an absolute path "
					 "without '..' is needed)",
					 show);
		c->dir = xstrdup(env);
		return 0;
	}
	if (geteuid() == 0) {
		c->dir = xstrdup("/var/cache/cbcc");
		return 0;
	}
	/* relative values are to be ignored (XDG Base Directory spec) */
	if (is_absolute(xdg) && !has_dotdot(xdg)) {
		c->dir = xasprintf("%s/cbcc", xdg);
		return 0;
	}
	if (!is_absolute(home) || has_dotdot(home)) {
		/* never a shared directory such as /tmp, where others plant paths */
		struct passwd *pw = getpwuid(geteuid());

		home = pw && is_absolute(pw->pw_dir) ? pw->pw_dir : "/nonexistent";
	}
	c->dir = xasprintf("%s/.cache/cbcc", home);
	return 0;
}

static int read_max_mb(struct cache *c, struct cbcc_err *err)
{
	const char *env = getenv("CBCC_CACHE_MAX_MB");
	char show[64];

	c->max_mb = CACHE_DEFAULT_MAX_MB;
	if (!env)
		return 0;
	if (!parse_long(env, &c->max_mb) || c->max_mb < 1 || c->max_mb > CACHE_MAX_MB) {
		shown(env, show, sizeof(show));
		return cbcc_errf(err,
				 "CBCC_CACHE_MAX_MB: invalid value '%s' (a size in MB from 1 to "
				 "%ld)",
				 show, CACHE_MAX_MB);
	}
	return 0;
}

int cache_open(struct cache **out, const char *src, struct cbcc_err *err)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	*out = NULL;
	if (read_dir_config(c, err) || read_max_mb(c, err)) {
		cache_close(c);
		return -1;
	}
	build_key(c, src);
	*out = c;
	return 0;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c->src);
	free(c->components);
	free(c->trees[0]);
	free(c->trees[1]);
	free(c);
}

/* ---- the directory ---- */

/* Whether a directory on the way to the cache is ours or root's, and no
 * one else can replace what is in it: not writable by others, unless it
 * is sticky (like /tmp: there only an entry's owner renames or removes it,
 * and the next directory's owner is checked in turn). */
static bool trusted_parent(const struct stat *st, const char **what)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		*what = geteuid() ? "owned by another user (not root or this user)"
				  : "owned by another user than root";
		return false;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX)) {
		*what = "writable by others";
		return false;
	}
	return true;
}

/* Opens the next directory of the walk, creating it if asked. */
static int walk_step(int parent, const char *name, bool create, bool last, const char *dir,
		     const char *shown, char *why, size_t size)
{
	int fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, name, last ? 0700 : 0755) < 0 && errno != EEXIST) {
			snprintf(why, size, "cannot create %s: %s: %s", dir, shown,
				 strerror(errno));
			return -1;
		}
		fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		snprintf(why, size, "no entry");
	else if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		snprintf(why, size, "cannot use %s: %s is a symlink", dir, shown);
	else
		snprintf(why, size, "cannot %s %s: %s: %s", create ? "create" : "use", dir, shown,
			 strerror(errno));
	return -1;
}

/* The cache directory as a handle, walked to from "/" (see cache.h). */
static int open_dir(const char *dir, bool create, char *why, size_t size)
{
	char *copy = xstrdup(dir), *save = NULL;
	struct strbuf walked = STRBUF_INIT;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), dfd = -1;
	struct stat st;
	const char *what = "";

	for (char *name = strtok_r(copy, "/", &save); name && fd >= 0;) {
		char *next = strtok_r(NULL, "/", &save);
		int child;

		if (fstat(fd, &st) < 0 || !trusted_parent(&st, &what)) {
			snprintf(why, size, "cannot use %s: %s is %s", dir,
				 walked.len ? sb_str(&walked) : "/", what);
			goto out;
		}
		sb_printf(&walked, "/%s", name);
		child = strcmp(name, ".") ? walk_step(fd, name, create, !next, dir, sb_str(&walked),
						      why, size)
					  : dup(fd);
		close(fd);
		fd = child;
		name = next;
	}
	if (fd < 0)
		goto out;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		snprintf(why, size, "%s is not a private directory owned by this user", dir);
		goto out;
	}
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		snprintf(why, size, "cannot use %s: %s", dir, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(copy);
	sb_free(&walked);
	return dfd;
}

static void entry_name(const struct cache *c, char *name, size_t size)
{
	snprintf(name, size, "%016llx.prog", (unsigned long long)c->hash);
}

/* ---- serialization ---- */

static void put_u32(struct strbuf *b, uint32_t v)
{
	sb_appendn(b, (const char *)&v, sizeof(v));
}

static void put_bytes(struct strbuf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t)n);
	sb_appendn(b, p, n);
}

static void put_str(struct strbuf *b, const char *s)
{
	put_bytes(b, s ? s : "", s ? strlen(s) : 0);
}

struct cursor {
	const char *p, *end;
	bool bad;
};

static uint32_t get_u32(struct cursor *c)
{
	uint32_t v = 0;

	if (c->end - c->p < 4) {
		c->bad = true;
		return 0;
	}
	memcpy(&v, c->p, 4);
	c->p += 4;
	return v;
}

/* A new NUL-terminated copy of the next length-prefixed field. */
static char *get_bytes(struct cursor *c, size_t *len)
{
	uint32_t n = get_u32(c);
	char *s;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return xstrdup("");
	}
	s = xmalloc(n + 1);
	memcpy(s, c->p, n);
	s[n] = '\0';
	c->p += n;
	if (len)
		*len = n;
	return s;
}

static bool under(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	return n && !strncmp(path, dir, n) && path[n] == '/';
}

/* "HASH PATH" lines for the files the compile read that no key component
 * covers (the header trees' files are). */
static int deps_text(const struct cache *c, char *const *deps, int ndeps, struct strbuf *out,
		     char *why, size_t size)
{
	for (int i = 0; i < ndeps; i++) {
		char real[PATH_MAX];
		uint64_t h;

		if (realpath(deps[i], real) &&
		    (under(real, c->trees[0]) || under(real, c->trees[1])))
			continue;
		if (strchr(deps[i], '\n') || !file_digest(deps[i], &h)) {
			snprintf(why, size, "cannot record %s, a file the compile read", deps[i]);
			return -1;
		}
		sb_printf(out, "%016llx %s\n", (unsigned long long)h, deps[i]);
	}
	return 0;
}

static void serialize(struct strbuf *b, const struct cache *c, const char *deps,
		      const struct prog *p)
{
	put_str(b, c->components);
	put_str(b, c->src);
	put_str(b, deps);
	put_str(b, p->license);
	put_u32(b, p->kern_version);
	put_u32(b, p->nmaps);
	for (uint32_t t = 0; t < p->nmaps; t++) {
		const struct prog_map *m = &p->maps[t];

		put_str(b, m->name);
		put_u32(b, m->type);
		put_u32(b, m->key_size);
		put_u32(b, m->value_size);
		put_u32(b, m->max_entries);
		put_u32(b, m->flags);
	}
	put_u32(b, p->nfuncs);
	for (uint32_t f = 0; f < p->nfuncs; f++) {
		put_str(b, p->funcs[f].name);
		put_bytes(b, p->funcs[f].insns, p->funcs[f].ninsns * sizeof(struct bpf_insn));
	}
}

/* ---- store ---- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct entry_stat {
	char *name;
	off_t size;
	struct timespec mtime;
};

static int older_first(const void *a, const void *b)
{
	const struct entry_stat *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : x->mtime.tv_nsec > y->mtime.tv_nsec;
}

static bool is_entry_name(const char *name)
{
	size_t len = strlen(name);

	return len >= 6 && !strcmp(name + len - 5, ".prog");
}

/* Least recently used entries go until the directory fits its bound. */
static void evict(int dfd, long max_mb)
{
	struct entry_stat *e = NULL;
	size_t n = 0;
	off_t total = 0;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!is_entry_name(de->d_name) ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		e = xrealloc(e, (n + 1) * sizeof(*e));
		e[n++] = (struct entry_stat){xstrdup(de->d_name), st.st_size, st.st_mtim};
		total += st.st_size;
	}
	closedir(d);
	if (n > 1) /* e is NULL when empty */
		qsort(e, n, sizeof(*e), older_first);
	for (size_t i = 0; i < n; i++) {
		if (total > (off_t)max_mb << 20 && unlinkat(dfd, e[i].name, 0) == 0)
			total -= e[i].size;
		free(e[i].name);
	}
	free(e);
}

/* A private temporary file renamed into place: readers never see half an
 * entry, and nothing planted at the final name is followed. */
static int write_entry(int dfd, const char *dir, const char *name, const struct strbuf *file,
		       char *why, size_t size)
{
	char tmp[64];
	unsigned long long r = 0;
	int fd;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) < 0)
		r = (unsigned long long)getpid() ^ (unsigned long long)(uintptr_t)&r;
	snprintf(tmp, sizeof(tmp), ".tmp-%016llx", r);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, sb_str(file), file->len) || close(fd)) {
		snprintf(why, size, "cannot write in %s: %s", dir, strerror(errno));
		if (fd >= 0)
			unlinkat(dfd, tmp, 0);
		return -1;
	}
	if (renameat(dfd, tmp, dfd, name) < 0) {
		snprintf(why, size, "cannot rename into %s/%s: %s", dir, name, strerror(errno));
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

int cache_store(struct cache *c, const struct prog *p, char *const *deps, int ndeps, char *why,
		size_t size)
{
	struct strbuf payload = STRBUF_INIT, file = STRBUF_INIT, dtext = STRBUF_INIT;
	char name[32];
	uint64_t len, sum;
	int dfd = -1, rc = -1;

	if (!deps) {
		snprintf(why, size, "the files the compile read are unknown");
		return -1;
	}
	if (deps_text(c, deps, ndeps, &dtext, why, size) ||
	    (dfd = open_dir(c->dir, true, why, size)) < 0)
		goto out;
	serialize(&payload, c, sb_str(&dtext), p);
	len = payload.len;
	sum = fnv1a(sb_str(&payload), payload.len, FNV_INIT);
	sb_appendn(&file, CACHE_MAGIC, 7);
	sb_appendn(&file, (const char[]){CACHE_FORMAT}, 1);
	sb_appendn(&file, (const char *)&len, 8);
	sb_appendn(&file, (const char *)&sum, 8);
	sb_appendn(&file, sb_str(&payload), payload.len);
	entry_name(c, name, sizeof(name));
	if (write_entry(dfd, c->dir, name, &file, why, size))
		goto out;
	evict(dfd, c->max_mb);
	rc = 0;
out:
	if (dfd >= 0)
		close(dfd);
	sb_free(&payload);
	sb_free(&file);
	sb_free(&dtext);
	return rc;
}

/* ---- lookup ---- */

static char *read_entry(int dfd, const char *name, size_t *len, char *why, size_t size)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fd < 0) {
		snprintf(why, size, errno == ENOENT ? "no entry" : "cannot read entry: %s",
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CACHE_MAX_ENTRY ||
	    st.st_uid != geteuid()) {
		snprintf(why, size, "entry is not a regular file of this user");
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		snprintf(why, size, "cannot read entry");
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

/* Name of the first component whose line differs. */
static void changed_component(const char *want, const char *have, char *why, size_t size)
{
	while (*want && *have) {
		size_t wl = strcspn(want, "\n"), hl = strcspn(have, "\n");

		if (wl != hl || strncmp(want, have, wl)) {
			snprintf(why, size, "%.*s changed", (int)strcspn(want, "="), want);
			return;
		}
		want += wl + (want[wl] == '\n');
		have += hl + (have[hl] == '\n');
	}
	snprintf(why, size, "tracepoints changed");
}

/* Every file the stored compile read still has the contents it had. */
static bool deps_unchanged(const char *text, char *why, size_t size)
{
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");
		char *path = n > 17 ? xstrndup(line + 17, n - 17) : xstrdup("");
		unsigned long long want = strtoull(line, NULL, 16);
		uint64_t h;
		bool same = *path && file_digest(path, &h) && h == want;

		if (!same)
			snprintf(why, size, "%s changed", *path ? path : "a file the compile read");
		free(path);
		if (!same)
			return false;
		line += n + (line[n] == '\n');
	}
	return true;
}

static bool parse_maps(struct cursor *c, struct prog *p)
{
	p->nmaps = get_u32(c);
	if (c->bad || p->nmaps > 4096)
		return false;
	p->maps = xcalloc(p->nmaps, sizeof(*p->maps));
	for (uint32_t i = 0; i < p->nmaps; i++) {
		struct prog_map *m = &p->maps[i];

		m->fd = -1;
		m->name = get_bytes(c, NULL);
		m->type = get_u32(c);
		m->key_size = get_u32(c);
		m->value_size = get_u32(c);
		m->max_entries = get_u32(c);
		m->flags = get_u32(c);
	}
	return !c->bad;
}

static bool parse_funcs(struct cursor *c, struct prog *p)
{
	p->nfuncs = get_u32(c);
	if (c->bad || p->nfuncs > 65536)
		return false;
	p->funcs = xcalloc(p->nfuncs, sizeof(*p->funcs));
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		size_t bytes = 0;

		p->funcs[i].name = get_bytes(c, NULL);
		p->funcs[i].insns = (struct bpf_insn *)get_bytes(c, &bytes);
		p->funcs[i].ninsns = bytes / sizeof(struct bpf_insn);
		if (bytes % sizeof(struct bpf_insn))
			c->bad = true;
	}
	return !c->bad;
}

/* The key part of an entry: components, source and the files read. */
static bool same_key(struct cursor *cur, const struct cache *c, char *why, size_t size)
{
	char *components = get_bytes(cur, NULL), *src = get_bytes(cur, NULL);
	char *deps = get_bytes(cur, NULL);
	bool same = !cur->bad && !strcmp(src, c->src);

	if (!same)
		snprintf(why, size,
			 cur->bad ? "corrupt entry (bad layout)" : "entry holds another program");
	else if (strcmp(components, c->components)) {
		changed_component(c->components, components, why, size);
		same = false;
	} else {
		same = deps_unchanged(deps, why, size);
	}
	free(components);
	free(src);
	free(deps);
	return same;
}

/* Checks and parses an entry; NULL with why on any mismatch or damage. */
static struct prog *parse_entry(const char *buf, size_t len, const struct cache *c, char *why,
				size_t size)
{
	struct prog *p;
	struct cursor cur;
	uint64_t plen, sum;

	if (len < 24 || memcmp(buf, CACHE_MAGIC, 7)) {
		snprintf(why, size, "corrupt entry (bad header)");
		return NULL;
	}
	if (buf[7] != CACHE_FORMAT) {
		snprintf(why, size, "entry written by another version of cbcc");
		return NULL;
	}
	memcpy(&plen, buf + 8, 8);
	memcpy(&sum, buf + 16, 8);
	if (plen != len - 24 || fnv1a(buf + 24, plen, FNV_INIT) != sum) {
		snprintf(why, size, "corrupt entry (%s)",
			 plen != len - 24 ? "truncated" : "checksum mismatch");
		return NULL;
	}
	cur = (struct cursor){buf + 24, buf + len, false};
	if (!same_key(&cur, c, why, size))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->license = get_bytes(&cur, NULL);
	p->kern_version = get_u32(&cur);
	if (!parse_maps(&cur, p) || !parse_funcs(&cur, p) || cur.p != cur.end) {
		snprintf(why, size, "corrupt entry (bad layout)");
		prog_free(p);
		return NULL;
	}
	return p;
}

struct prog *cache_lookup(struct cache *c, char *why, size_t size)
{
	struct cbcc_err err;
	struct prog *p = NULL;
	char name[32], *buf = NULL;
	size_t len = 0;
	int dfd = open_dir(c->dir, false, why, size);

	entry_name(c, name, sizeof(name));
	if (dfd >= 0 && (buf = read_entry(dfd, name, &len, why, size)))
		p = parse_entry(buf, len, c, why, size);
	if (p && prog_create_maps(p, &err)) {
		snprintf(why, size, "%s", err.msg);
		prog_free(p);
		p = NULL;
	}
	if (p)
		utimensat(dfd, name, NULL, AT_SYMLINK_NOFOLLOW); /* recently used */
	if (dfd >= 0)
		close(dfd);
	free(buf);
	return p;
}
