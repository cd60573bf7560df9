#include "cache.h"

#include <bcc/bcc_common.h>
#include <bcc/bcc_version.h>
#include <bcc/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "strbuf.h"
#include "sysenv.h"

#define CACHE_MAGIC "CBCCPRG1"
#define CACHE_FORMAT "1"
#define CACHE_MAX_ENTRY (64u << 20)
#define CACHE_DEFAULT_MAX_MB 64

struct cache_map {
	char *name;
	uint32_t type, key_size, value_size, max_entries, flags;
	int fd;
};

struct cache_func {
	char *name;
	struct bpf_insn *insns;
	size_t ninsns;
};

struct cache_prog {
	char *license;
	uint32_t kern_version;
	struct cache_map *maps;
	uint32_t nmaps;
	struct cache_func *funcs;
	uint32_t nfuncs;
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

static bool file_digest(const char *path, uint64_t *out)
{
	char buf[65536];
	uint64_t h = FNV_INIT;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		h = fnv1a(buf, (size_t)n, h);
	close(fd);
	*out = h;
	return n == 0;
}

/* ---- key ---- */

/* A component's value may be replaced through CBCC_CACHE_FAKE_<NAME>: the
 * test suite's way to change a key component it cannot change for real. */
static void add_component(struct strbuf *sb, const char *name, const char *value)
{
	char var[64];
	const char *fake;

	snprintf(var, sizeof(var), "CBCC_CACHE_FAKE_%s", name);
	for (char *c = var; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	fake = getenv(var);
	sb_printf(sb, "%s=%s\n", name, fake ? fake : value);
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
 * their key files last changed. */
static void add_headers(struct strbuf *key, const char *release)
{
	static const char *const links[] = {"build", "source"};
	static const char *const files[] = {"include/config/kernel.release",
					    "include/generated/autoconf.h", "Makefile", "."};
	struct strbuf v = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char *link = xasprintf("/lib/modules/%s/%s", release, links[i]);
		char real[PATH_MAX];

		if (!realpath(link, real))
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

/* Every "tracepoint__CAT__EVENT" in the source: its format file. */
static void add_tracepoints(struct strbuf *key, const char *src)
{
	for (const char *p = strstr(src, "tracepoint__"); p; p = strstr(p + 1, "tracepoint__")) {
		const char *id = p + strlen("tracepoint__");
		size_t n = 0;
		char *name, *sep, *path, hex[32] = "missing";
		uint64_t h;

		while (isalnum((unsigned char)id[n]) || id[n] == '_')
			n++;
		name = xstrndup(id, n);
		sep = strstr(name, "__");
		if (sep) {
			*sep = '\0';
			path = xasprintf("%s/events/%s/%s/format", sysenv_tracefs(), name, sep + 2);
			if (file_digest(path, &h))
				snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
			sb_printf(key, "tp:%s:%s=%s\n", name, sep + 2, hex);
			free(path);
		}
		free(name);
	}
}

void cache_key_build(struct cache_key *k, const char *src)
{
	struct strbuf key = STRBUF_INIT;
	struct utsname u;
	uint64_t btf;
	char buf[512];

	uname(&u);
	add_component(&key, "format", CACHE_FORMAT);
	add_component(&key, "libbcc", LIBBCC_VERSION);
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
	add_headers(&key, u.release);
	add_component(&key, "cflags", "none");
	add_tracepoints(&key, src);
	k->src = xstrdup(src);
	k->components = sb_steal(&key);
	k->hash = fnv1a(src, strlen(src), FNV_INIT);
}

void cache_key_free(struct cache_key *k)
{
	free(k->src);
	free(k->components);
	memset(k, 0, sizeof(*k));
}

/* ---- directory ---- */

char *cache_dir(void)
{
	const char *env = getenv("CBCC_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return xstrdup(env);
	if (geteuid() == 0)
		return xstrdup("/var/cache/cbcc");
	if (xdg && *xdg)
		return xasprintf("%s/cbcc", xdg);
	if (!home || !*home) {
		/* never a shared directory such as /tmp, where others plant paths */
		struct passwd *pw = getpwuid(geteuid());

		home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/nonexistent";
	}
	return xasprintf("%s/.cache/cbcc", home);
}

/* Our directory: a real directory (not a symlink), ours, closed to others. */
static int check_dir(const char *dir, char *why, size_t size)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		snprintf(why, size, "cannot use %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		snprintf(why, size, "%s is not a private directory owned by this user%s", dir,
			 S_ISLNK(st.st_mode) ? " (it is a symlink)" : "");
		return -1;
	}
	return 0;
}

static int make_dir(const char *dir, char *why, size_t size)
{
	char *copy = xstrdup(dir);

	/* parents (e.g. ~/.cache) with the usual mode, the cache itself 0700 */
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(copy, 0755);
		*p = '/';
	}
	free(copy);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(why, size, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return check_dir(dir, why, size);
}

static char *entry_path(const char *dir, const struct cache_key *k)
{
	return xasprintf("%s/%016llx.prog", dir, (unsigned long long)k->hash);
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

static bool is_map_ref(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_MAP_FD;
}

/* Instructions of one function with map fds replaced by map indices. */
static int put_function(struct strbuf *b, void *mod, size_t id, char *why, size_t size)
{
	const char *name = bpf_function_name(mod, id);
	size_t bytes = bpf_function_size_id(mod, id);
	size_t n = bytes / sizeof(struct bpf_insn);
	struct bpf_insn *insns = xmalloc(bytes);

	memcpy(insns, bpf_function_start_id(mod, id), bytes);
	for (size_t i = 0; i < n; i++) {
		size_t t, ntables = bpf_num_tables(mod);

		if (!is_map_ref(&insns[i]))
			continue;
		for (t = 0; t < ntables && bpf_table_fd_id(mod, t) != insns[i].imm; t++)
			;
		if (t == ntables) {
			snprintf(why, size, "function %s refers to an unknown map", name);
			free(insns);
			return -1;
		}
		insns[i].imm = (int32_t)t;
		i++; /* the second half of the 16-byte load */
	}
	put_str(b, name);
	put_bytes(b, insns, bytes);
	free(insns);
	return 0;
}

static int serialize(struct strbuf *b, const struct cache_key *k, void *mod, char *why, size_t size)
{
	size_t ntables = bpf_num_tables(mod), nfuncs = bpf_num_functions(mod);

	put_str(b, k->components);
	put_str(b, k->src);
	put_str(b, bpf_module_license(mod));
	put_u32(b, bpf_module_kern_version(mod));
	put_u32(b, (uint32_t)ntables);
	for (size_t t = 0; t < ntables; t++) {
		put_str(b, bpf_table_name(mod, t));
		put_u32(b, (uint32_t)bpf_table_type_id(mod, t));
		put_u32(b, (uint32_t)bpf_table_key_size_id(mod, t));
		put_u32(b, (uint32_t)bpf_table_leaf_size_id(mod, t));
		put_u32(b, (uint32_t)bpf_table_max_entries_id(mod, t));
		put_u32(b, (uint32_t)bpf_table_flags_id(mod, t));
	}
	put_u32(b, (uint32_t)nfuncs);
	for (size_t f = 0; f < nfuncs; f++)
		if (put_function(b, mod, f, why, size))
			return -1;
	return 0;
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
	char *path;
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

/* Least recently used entries go until the directory fits its bound. */
static void evict(const char *dir)
{
	const char *env = getenv("CBCC_CACHE_MAX_MB");
	long max_mb = CACHE_DEFAULT_MAX_MB;
	struct entry_stat *e = NULL;
	size_t n = 0;
	off_t total = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (env)
		parse_long(env, &max_mb);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *path;
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".prog"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		e = xrealloc(e, (n + 1) * sizeof(*e));
		e[n++] = (struct entry_stat){path, st.st_size, st.st_mtim};
		total += st.st_size;
	}
	closedir(d);
	if (n > 1) /* e is NULL when empty */
		qsort(e, n, sizeof(*e), older_first);
	for (size_t i = 0; i < n; i++) {
		if (total > (off_t)max_mb << 20 && unlink(e[i].path) == 0)
			total -= e[i].size;
		free(e[i].path);
	}
	free(e);
}

int cache_store(const struct cache_key *k, void *mod, char *why, size_t size)
{
	struct strbuf payload = STRBUF_INIT, file = STRBUF_INIT;
	char *dir = cache_dir(), *tmp = NULL, *path = NULL;
	uint64_t len, sum;
	int fd = -1, rc = -1;

	if (make_dir(dir, why, size) || serialize(&payload, k, mod, why, size))
		goto out;
	len = payload.len;
	sum = fnv1a(sb_str(&payload), payload.len, FNV_INIT);
	sb_appendn(&file, CACHE_MAGIC, 8);
	sb_appendn(&file, (const char *)&len, 8);
	sb_appendn(&file, (const char *)&sum, 8);
	sb_appendn(&file, sb_str(&payload), payload.len);
	/* a private temporary file renamed into place: readers never see half
	 * an entry, and nothing planted at the final name is followed */
	tmp = xasprintf("%s/.tmp-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0 || write_all(fd, sb_str(&file), file.len) || fchmod(fd, 0600) || close(fd)) {
		snprintf(why, size, "cannot write in %s: %s", dir, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		goto out;
	}
	path = entry_path(dir, k);
	if (rename(tmp, path) < 0) {
		snprintf(why, size, "cannot rename into %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	evict(dir);
	rc = 0;
out:
	sb_free(&payload);
	sb_free(&file);
	free(dir);
	free(tmp);
	free(path);
	return rc;
}

/* ---- lookup ---- */

static char *read_entry(const char *path, size_t *len, char *why, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *buf;
	ssize_t n;

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
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		snprintf(why, size, "cannot read entry");
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
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

static bool parse_maps(struct cursor *c, struct cache_prog *p)
{
	p->nmaps = get_u32(c);
	if (c->bad || p->nmaps > 4096)
		return false;
	p->maps = xcalloc(p->nmaps, sizeof(*p->maps));
	for (uint32_t i = 0; i < p->nmaps; i++) {
		struct cache_map *m = &p->maps[i];

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

static bool parse_funcs(struct cursor *c, struct cache_prog *p)
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

static int create_maps(struct cache_prog *p, char *why, size_t size)
{
	for (uint32_t i = 0; i < p->nmaps; i++) {
		struct cache_map *m = &p->maps[i];

		m->fd = bcc_create_map((enum bpf_map_type)m->type, m->name, (int)m->key_size,
				       (int)m->value_size, (int)m->max_entries, (int)m->flags);
		if (m->fd < 0) {
			snprintf(why, size, "cannot create map %s: %s", m->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Checks and parses an entry; NULL with why on any mismatch or damage. */
static struct cache_prog *parse_entry(const char *buf, size_t len, const struct cache_key *k,
				      char *why, size_t size)
{
	struct cache_prog *p;
	struct cursor c;
	uint64_t plen, sum;
	char *components, *src;
	bool same;

	if (len < 24 || memcmp(buf, CACHE_MAGIC, 8)) {
		snprintf(why, size, "corrupt entry (bad header)");
		return NULL;
	}
	memcpy(&plen, buf + 8, 8);
	memcpy(&sum, buf + 16, 8);
	if (plen != len - 24 || fnv1a(buf + 24, plen, FNV_INIT) != sum) {
		snprintf(why, size, "corrupt entry (%s)",
			 plen != len - 24 ? "truncated" : "checksum mismatch");
		return NULL;
	}
	c = (struct cursor){buf + 24, buf + len, false};
	components = get_bytes(&c, NULL);
	src = get_bytes(&c, NULL);
	same = !c.bad && !strcmp(src, k->src);
	if (same && strcmp(components, k->components))
		changed_component(k->components, components, why, size);
	else if (!same)
		snprintf(why, size, "entry holds another program");
	free(src);
	if (!same || strcmp(components, k->components)) {
		free(components);
		return NULL;
	}
	free(components);
	p = xcalloc(1, sizeof(*p));
	p->license = get_bytes(&c, NULL);
	p->kern_version = get_u32(&c);
	if (!parse_maps(&c, p) || !parse_funcs(&c, p) || c.p != c.end) {
		snprintf(why, size, "corrupt entry (bad layout)");
		cache_prog_free(p);
		return NULL;
	}
	return p;
}

struct cache_prog *cache_lookup(const struct cache_key *k, char *why, size_t size)
{
	char *dir = cache_dir(), *path = entry_path(dir, k);
	struct cache_prog *p = NULL;
	size_t len = 0;
	char *buf = NULL;

	if (check_dir(dir, why, size) == 0 && (buf = read_entry(path, &len, why, size)))
		p = parse_entry(buf, len, k, why, size);
	if (p && create_maps(p, why, size)) {
		cache_prog_free(p);
		p = NULL;
	}
	if (p)
		utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW); /* recently used */
	if (!p && !strncmp(why, "cannot use", 10))
		snprintf(why, size, "no entry");
	free(buf);
	free(path);
	free(dir);
	return p;
}

/* ---- use ---- */

static const struct cache_map *find_map(const struct cache_prog *p, const char *name)
{
	for (uint32_t i = 0; i < p->nmaps; i++)
		if (!strcmp(p->maps[i].name, name))
			return &p->maps[i];
	return NULL;
}

int cache_prog_table_fd(const struct cache_prog *p, const char *name)
{
	const struct cache_map *m = find_map(p, name);

	return m ? m->fd : -1;
}

int cache_prog_table_info(const struct cache_prog *p, const char *name, int *type, size_t *key_size,
			  size_t *value_size, size_t *max_entries)
{
	const struct cache_map *m = find_map(p, name);

	if (!m)
		return -1;
	*type = (int)m->type;
	*key_size = m->key_size;
	*value_size = m->value_size;
	*max_entries = m->max_entries;
	return 0;
}

static const struct cache_func *find_func(const struct cache_prog *p, const char *name)
{
	for (uint32_t i = 0; i < p->nfuncs; i++)
		if (!strcmp(p->funcs[i].name, name))
			return &p->funcs[i];
	return NULL;
}

bool cache_prog_has_function(const struct cache_prog *p, const char *name)
{
	return find_func(p, name) != NULL;
}

struct bpf_insn *cache_prog_insns(const struct cache_prog *p, const char *name, size_t *ninsns)
{
	const struct cache_func *f = find_func(p, name);
	struct bpf_insn *insns;

	if (!f) {
		errno = ENOENT;
		return NULL;
	}
	insns = xmalloc(f->ninsns * sizeof(*insns) + 1);
	memcpy(insns, f->insns, f->ninsns * sizeof(*insns));
	for (size_t i = 0; i < f->ninsns; i++) {
		if (!is_map_ref(&insns[i]))
			continue;
		if (insns[i].imm < 0 || (uint32_t)insns[i].imm >= p->nmaps) {
			free(insns);
			errno = EINVAL;
			return NULL;
		}
		insns[i].imm = p->maps[insns[i].imm].fd;
		i++;
	}
	*ninsns = f->ninsns;
	return insns;
}

const char *cache_prog_license(const struct cache_prog *p, unsigned *kern_version)
{
	*kern_version = p->kern_version;
	return p->license;
}

int cache_prog_load(const struct cache_prog *p, const char *name, int prog_type, int log_level,
		    char *log, unsigned log_size)
{
	size_t n;
	struct bpf_insn *insns = cache_prog_insns(p, name, &n);
	int fd;

	if (!insns)
		return -1;
	fd = bcc_prog_load((enum bpf_prog_type)prog_type, name, insns, (int)(n * sizeof(*insns)),
			   p->license, p->kern_version, log_level, log, log_size);
	free(insns);
	return fd;
}

void cache_prog_free(struct cache_prog *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nmaps; i++) {
		if (p->maps[i].fd >= 0)
			close(p->maps[i].fd);
		free(p->maps[i].name);
	}
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		free(p->funcs[i].name);
		free(p->funcs[i].insns);
	}
	free(p->maps);
	free(p->funcs);
	free(p->license);
	free(p);
}
