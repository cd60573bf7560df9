#include "wildcard.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <dlfcn.h>
#include <link.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kallsyms.h"
#include "runtime.h"
#include "signals.h"
#include "strbuf.h"
#include "sysenv.h"

/* Splits like BCC: "func", "lib:func", "p:lib:func", "t:cat:event", "u:lib:probe". */
static int split_pattern(const char *text, char **type, char **lib, char **name,
			 struct cbcc_err *err)
{
	char **parts = NULL;
	int n = 0;
	const char *p = text;

	for (;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		parts = xrealloc(parts, (n + 1) * sizeof(char *));
		parts[n++] = xstrndup(p, len);
		if (!colon)
			break;
		p = colon + 1;
	}
	*type = *lib = *name = NULL;
	if (n == 1) {
		*type = xstrdup("p");
		*lib = xstrdup("");
		*name = parts[0];
	} else if (n == 2) {
		*type = xstrdup("p");
		*lib = parts[0];
		*name = parts[1];
	} else if (n == 3 && !strcmp(parts[0], "t")) {
		*type = parts[0];
		*lib = xstrdup("");
		*name = xasprintf("%s:%s", parts[1], parts[2]);
		free(parts[1]);
		free(parts[2]);
	} else if (n == 3) {
		*type = parts[0];
		*lib = parts[1];
		*name = parts[2];
	} else {
		free_strv(parts, n);
		return cbcc_errf(err, "too many ':'-separated components in pattern '%s'", text);
	}
	free(parts);
	return 0;
}

/* glibc's regcomp copies the operand of a bounded repetition (and of '+')
 * once per count, and takes exponential time on stacked repetitions
 * ("a*****"): expressions that Python's re, which BCC's -r uses, rejects
 * ("multiple repeat", "nothing to repeat", "unbalanced parenthesis") are
 * rejected, and so are those that would expand beyond REGEX_MAX_NODES. */
#define REGEX_MAX_NODES 1000
#define REGEX_MAX_DEPTH 100

/* "{m}", "{m,}", "{m,n}" or "{,n}": the copies it makes of its operand. */
static bool regex_interval(const char *c, size_t *copies, const char **end)
{
	unsigned long m = 0, n;
	char *e = (char *)c + 1;

	if (!isdigit((unsigned char)*e) && *e != ',')
		return false;
	if (isdigit((unsigned char)*e))
		m = strtoul(e, &e, 10);
	n = m;
	if (*e == ',') {
		e++;
		n = isdigit((unsigned char)*e) ? strtoul(e, &e, 10) : m + 1;
	}
	if (*e != '}')
		return false;
	*copies = n > m ? n : m;
	*end = e;
	return true;
}

/* The ']' closing the bracket expression opened at c, or the string's end. */
static const char *regex_bracket_end(const char *c)
{
	c++;
	if (*c == '^')
		c++;
	if (*c == ']')
		c++;
	while (*c && *c != ']') {
		if (c[0] == '[' && (c[1] == ':' || c[1] == '.' || c[1] == '=')) {
			char delim = c[1];

			for (c += 2; *c && !(c[0] == delim && c[1] == ']'); c++)
				;
			if (*c)
				c += 2;
		} else {
			c++;
		}
	}
	return c;
}

static size_t sat_mul(size_t a, size_t b)
{
	return b && a > (REGEX_MAX_NODES + 1) / b ? REGEX_MAX_NODES + 1 : a * b;
}

/* Checks regular expression re; messages name the pattern as the user wrote
 * it (shown). */
static int check_regex(const char *re, const char *shown, struct cbcc_err *err)
{
	size_t size[REGEX_MAX_DEPTH + 1] = {0}, last = 0; /* nodes per open group, last atom's */
	int depth = 0, repeats = 0;

	for (const char *c = re; *c; c++) {
		size_t copies = 1;
		const char *end = c;

		if (*c == '*' || *c == '+' || *c == '?' ||
		    (*c == '{' && regex_interval(c, &copies, &end))) {
			/* one lazy '?' or possessive '+' may follow a repetition */
			if (repeats > 1 || (repeats && *c != '?' && *c != '+'))
				return cbcc_errf(err, "multiple repeat in regular expression '%s'",
						 shown);
			if (!last)
				return cbcc_errf(
					err, "nothing to repeat in regular expression '%s'", shown);
			if (*c == '+' && !repeats)
				copies = 2;
			size[depth] = size[depth] - last + sat_mul(last, copies);
			last = sat_mul(last, copies);
			repeats++;
			c = end;
		} else {
			repeats = 0;
			if (*c == '(') {
				if (depth == REGEX_MAX_DEPTH)
					return cbcc_errf(
						err, "regular expression '%s' is nested too deeply",
						shown);
				size[++depth] = 0;
				last = 0;
				continue;
			} else if (*c == ')') {
				if (!depth)
					return cbcc_errf(
						err,
						"unbalanced parenthesis in regular expression '%s'",
						shown);
				last = size[depth--] + 1;
			} else if (*c == '|') {
				last = 0;
				size[depth]++;
				continue;
			} else {
				if (*c == '\\' && c[1])
					c++;
				else if (*c == '[' && !*(c = regex_bracket_end(c)))
					c--;
				last = 1;
			}
			size[depth] += last;
		}
		if (size[depth] > REGEX_MAX_NODES)
			return cbcc_errf(err,
					 "regular expression '%s' is too large once expanded (more "
					 "than %d nodes)",
					 shown, REGEX_MAX_NODES);
	}
	return 0;
}

/* The regular expression BCC matches a pattern's name part with: with -r
 * the text itself, else the text with every '*' made '.*' and anchored at
 * both ends (other characters keep their regular-expression meaning, so
 * "c:[a-g]*" matches as in BCC). Caller frees. */
static char *pattern_regex(const char *text, bool use_regex)
{
	struct strbuf re = STRBUF_INIT;

	if (use_regex)
		return xstrdup(text);
	sb_append(&re, "^");
	for (const char *c = text; *c; c++) {
		if (*c == '*')
			sb_append(&re, ".*");
		else
			sb_appendn(&re, c, 1);
	}
	sb_append(&re, "$");
	return sb_steal(&re);
}

int wc_parse(const char *text, bool use_regex, pid_t pid, struct wc_pattern *p,
	     struct cbcc_err *err)
{
	char *type, *lib, *name, *re, *anchored;
	int rc;

	memset(p, 0, sizeof(*p));
	if (split_pattern(text, &type, &lib, &name, err))
		return -1;
	rc = 0;
	if (strcmp(type, "p") && strcmp(type, "t") && strcmp(type, "u"))
		rc = cbcc_errf(err, "type must be 'p', 't', or 'u', but got '%s' in pattern '%s'",
			       type, text);
	else if (!*name)
		rc = cbcc_errf(err, "empty function name in pattern '%s'", text);
	else if (*type == 'u' && !*lib)
		rc = cbcc_errf(err, "USDT pattern '%s' needs a library or binary (u:LIB:PROBE)",
			       text);
	if (rc)
		goto out;
	p->type = (enum probe_type) * type;
	p->text = name;
	name = NULL;
	if (*lib) {
		p->library = rt_find_library(lib, pid, err);
		if (!p->library) {
			rc = -1;
			goto out;
		}
	}
	re = pattern_regex(p->text, use_regex);
	if (check_regex(re, p->text, err)) {
		free(re);
		rc = -1;
		goto out;
	}
	anchored = xasprintf("^(%s)", re); /* Python's re.match: anchored at the start */
	free(re);
	rc = regcomp(&p->re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc) {
		free(p->text);
		p->text = NULL;
		rc = cbcc_errf(err, "invalid regular expression '%s'", text);
	}
out:
	free(type);
	free(lib);
	free(name);
	if (rc) {
		free(p->library);
		free(p->text);
		memset(p, 0, sizeof(*p));
	}
	return rc;
}

void wc_pattern_free(struct wc_pattern *p)
{
	if (p->text)
		regfree(&p->re);
	free(p->library);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

bool wc_is_kernel(const struct wc_pattern *p)
{
	return p->type == PROBE_TRACEPOINT || (p->type == PROBE_ENTRY && !p->library);
}

static bool matches(const struct wc_pattern *p, const char *name)
{
	return regexec(&p->re, name, 0, NULL, 0) == 0;
}

static void add_match(struct wc_list *l, const char *name, const char *provider, uint64_t offset)
{
	struct wc_match *m;

	l->m = xrealloc(l->m, (l->n + 1) * sizeof(*l->m));
	m = &l->m[l->n++];
	m->name = xstrdup(name);
	m->provider = provider ? xstrdup(provider) : NULL;
	m->offset = offset;
}

static bool has_name(const struct wc_list *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->m[i].name, name))
			return true;
	return false;
}

void wc_list_free(struct wc_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->m[i].name);
		free(l->m[i].provider);
	}
	free(l->m);
	memset(l, 0, sizeof(*l));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Names of the subdirectories of dir, in directory order or sorted. */
static int list_dirs(const char *dir, bool sorted, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*names = NULL;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *path;
		bool sub;

		if (e->d_name[0] == '.')
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		sub = e->d_type == DT_DIR || is_dir(path);
		free(path);
		if (!sub)
			continue;
		*names = xrealloc(*names, (n + 1) * sizeof(char *));
		(*names)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (sorted && n > 1) /* *names is NULL when empty */
		qsort(*names, n, sizeof(char *), by_name);
	return n;
}

bool wc_glob(const char *glob, const char *name)
{
	return fnmatch(glob, name, FNM_NOESCAPE) == 0; /* Python's fnmatch: '\\' is literal */
}

/* Calls fn for every "category:event", sorted by name or in tracefs order;
 * stops when it returns false. */
static int foreach_tracepoint(bool (*fn)(const char *tp, void *arg), void *arg, bool sorted,
			      struct cbcc_err *err)
{
	char *root = xasprintf("%s/events", sysenv_tracefs());
	char **cats;
	int ncat = list_dirs(root, sorted, &cats);
	bool go = true;

	if (ncat < 0) {
		cbcc_errf(err, "cannot read tracepoints under %s (mounted? root?)", root);
		free(root);
		return -1;
	}
	for (int c = 0; c < ncat; c++) {
		char *dir = xasprintf("%s/%s", root, cats[c]);
		char **evs;
		int nev = list_dirs(dir, sorted, &evs);

		for (int e = 0; e < nev && go; e++) {
			char *tp = xasprintf("%s:%s", cats[c], evs[e]);

			go = fn(tp, arg);
			free(tp);
		}
		free_strv(evs, nev > 0 ? nev : 0);
		free(dir);
	}
	free_strv(cats, ncat);
	free(root);
	return 0;
}

struct tp_glob {
	const char *glob;
	char **names;
	int n;
};

static bool collect_glob(const char *tp, void *arg)
{
	struct tp_glob *g = arg;

	if (!g->glob || wc_glob(g->glob, tp)) {
		g->names = xrealloc(g->names, (g->n + 1) * sizeof(char *));
		g->names[g->n++] = xstrdup(tp);
	}
	return true;
}

int wc_tracepoints(const char *glob, char ***names, int *n, struct cbcc_err *err)
{
	struct tp_glob g = {glob, NULL, 0};
	int rc = foreach_tracepoint(collect_glob, &g, false, err);

	*names = g.names;
	*n = g.n;
	return rc;
}

struct tp_walk {
	const struct wc_pattern *p;
	struct wc_list *out;
};

static bool collect_tp(const char *tp, void *arg)
{
	struct tp_walk *w = arg;

	if (matches(w->p, tp))
		add_match(w->out, tp, NULL, 0);
	return true;
}

struct kfunc_walk {
	const struct wc_pattern *p;
	struct wc_list *out;
};

static bool collect_kfunc(const char *name, void *arg)
{
	struct kfunc_walk *w = arg;

	if (matches(w->p, name) && !has_name(w->out, name))
		add_match(w->out, name, NULL, 0);
	return !signals_pending();
}

struct sym_walk {
	const struct wc_pattern *p;
	char **names;
	uint64_t *addrs;
	int n;
};

static int collect_sym(const char *name, uint64_t addr, void *arg)
{
	struct sym_walk *w = arg;

	if (!addr || !matches(w->p, name))
		return 0;
	for (int i = 0; i < w->n; i++)
		if (!strcmp(w->names[i], name))
			return 0; /* same address is checked on file offsets later */
	w->names = xrealloc(w->names, (w->n + 1) * sizeof(char *));
	w->addrs = xrealloc(w->addrs, (w->n + 1) * sizeof(uint64_t));
	w->names[w->n] = xstrdup(name);
	w->addrs[w->n++] = addr;
	return 0;
}

/* An IFUNC symbol is a resolver: calls go to the implementation it picks.
 * When the library is loaded in this process too (libc always is), the
 * dynamic linker's pick here is the pick in every process on this CPU:
 * returns the file offset of that implementation. */
static int ifunc_target_offset(const char *path, const char *name, uint64_t *offset)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	struct link_map *map = NULL;
	void *impl;
	int rc = -1;

	if (!h)
		return -1;
	impl = dlsym(h, name);
	if (impl && dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 && map)
		rc = rt_elf_addr_offset(path, (uint64_t)(uintptr_t)impl - map->l_addr, offset);
	dlclose(h);
	return rc;
}

static int collect_any(const char *name, uint64_t addr, void *arg)
{
	char ***names = ((void **)arg)[0];
	int *n = ((void **)arg)[1];

	(void)addr;
	*names = xrealloc(*names, (*n + 1) * sizeof(char *));
	(*names)[(*n)++] = xstrdup(name);
	return 0;
}

static bool in_strv(char **v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static bool has_offset(const struct wc_list *l, uint64_t offset)
{
	for (int i = 0; i < l->n; i++)
		if (l->m[i].offset == offset)
			return true;
	return false;
}

static int expand_user(const struct wc_pattern *p, pid_t pid, int limit, struct wc_list *out,
		       struct cbcc_err *err)
{
	struct sym_walk w = {p, NULL, NULL, 0};
	int rc = 0;
	char **ifuncs = NULL;
	int nifuncs = 0;
	void *ifunc_arg[2] = {&ifuncs, &nifuncs};

	if (rt_elf_foreach_func(p->library, false, collect_sym, &w) < 0)
		rc = cbcc_errf(err, "cannot read the symbols of %s", p->library);
	else
		rt_elf_foreach_func(p->library, true, collect_any, ifunc_arg);
	for (int i = 0; i < w.n && !rc && w.n <= limit && !signals_pending(); i++) {
		uint64_t off;
		bool found;

		if (in_strv(ifuncs, nifuncs, w.names[i]))
			found = ifunc_target_offset(p->library, w.names[i], &off) == 0;
		else /* by name, so libbcc applies its own rules (debug files) */
			found = rt_resolve_uprobe(p->library, w.names[i], pid, &off, NULL) == 0;
		if (found && !has_offset(out, off))
			add_match(out, w.names[i], NULL, off);
	}
	free_strv(ifuncs, nifuncs);
	if (w.n > limit && !rc) /* report the count without resolving them all */
		for (int i = 0; i < w.n; i++)
			add_match(out, w.names[i], NULL, 0);
	free_strv(w.names, w.n);
	free(w.addrs);
	return rc;
}

struct usdt_walk {
	const struct wc_pattern *p;
	struct wc_list *out;
	pid_t pid;
};

static void collect_usdt(void *cookie, const struct rt_usdt_probe *u)
{
	struct usdt_walk *w = cookie;

	if (!w->pid && strcmp(u->bin_path, w->p->library))
		return;
	if (matches(w->p, u->name) && !has_name(w->out, u->name))
		add_match(w->out, u->name, u->provider, 0);
}

static int expand_usdt(const struct wc_pattern *p, pid_t pid, struct wc_list *out,
		       struct cbcc_err *err)
{
	struct usdt_walk w = {p, out, pid};
	void *ctx = rt_usdt_open(p->library, pid);

	if (!ctx)
		return cbcc_errf(err, "cannot read USDT probes of %s", p->library);
	rt_usdt_foreach(ctx, collect_usdt, &w);
	rt_usdt_close(ctx);
	return 0;
}

int wc_expand(const struct wc_pattern *p, pid_t pid, int limit, struct wc_list *out,
	      struct cbcc_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (p->type == PROBE_TRACEPOINT) {
		struct tp_walk w = {p, out};

		rc = foreach_tracepoint(collect_tp, &w, true, err);
	} else if (p->type == PROBE_USDT) {
		rc = expand_usdt(p, pid, out, err);
	} else if (!p->library) {
		struct kfunc_walk w = {p, out};

		rc = kallsyms_foreach_function(collect_kfunc, &w, err);
	} else {
		rc = expand_user(p, pid, limit, out, err);
	}
	if (!rc && signals_pending())
		rc = cbcc_errf(err, "interrupted");
	else if (!rc && out->n == 0)
		rc = cbcc_errf(err, "no %s matched by pattern '%s'%s%s",
			       p->type == PROBE_TRACEPOINT ? "tracepoints"
			       : p->type == PROBE_USDT	   ? "USDT probes"
							   : "functions",
			       p->text, p->library ? " in " : "", p->library ? p->library : "");
	else if (!rc && out->n > limit)
		rc = cbcc_errf(err,
			       "pattern '%s' matched %d probes, more than the maximum of %d "
			       "allowed; narrow it down",
			       p->text, out->n, limit);
	if (rc)
		wc_list_free(out);
	return rc;
}

int wc_find_probes(struct cbcc_bpf *b, const char *text, bool use_regex, pid_t pid,
		   const char *prefix, struct wc_pattern *p, struct wc_list *probes,
		   char ***fn_names, struct cbcc_err *err)
{
	if (wc_parse(text, use_regex, pid, p, err) ||
	    wc_expand(p, pid, WC_PROBE_LIMIT, probes, err))
		return -1;
	*fn_names = xcalloc(probes->n, sizeof(char *));
	for (int i = 0; i < probes->n; i++) {
		const struct wc_match *m = &probes->m[i];
		char **types = NULL;
		int ntypes = 0;

		(*fn_names)[i] = xasprintf("%s%d", prefix, i);
		if (p->type != PROBE_USDT)
			continue;
		if (rt_usdt_add(b, p->library, pid, m->provider, m->name, (*fn_names)[i], &types,
				&ntypes, err))
			return -1;
		free_strv(types, ntypes);
	}
	return 0;
}
