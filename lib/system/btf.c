#include "btf.h"

#include <bpf/btf.h>
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kbtf {
	struct btf *btf;
};

struct kbtf *kbtf_load(const char *path, struct cbcc_err *err)
{
	struct kbtf *b;
	struct btf *btf;

	path = path ? path : KBTF_VMLINUX;
	btf = btf__parse_raw(path);
	if (!btf) {
		if (access(path, R_OK) == 0)
			cbcc_errf(err, "%s is not BTF data", path);
		else
			cbcc_errf(err, "cannot read kernel BTF %s: %s", path, strerror(errno));
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->btf = btf;
	return b;
}

void kbtf_free(struct kbtf *b)
{
	if (!b)
		return;
	btf__free(b->btf);
	free(b);
}

/* Offset in bits of field within composite type t, or -1. */
static long member_bits(const struct btf *btf, const struct btf_type *t, const char *field)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *mt = btf__type_by_id(btf, m[i].type);
		long bits = (long)btf_member_bit_offset(t, (uint32_t)i);

		if (m[i].name_off && !strcmp(btf__name_by_offset(btf, m[i].name_off), field))
			return bits;
		if (!m[i].name_off && mt && btf_is_composite(mt)) {
			long inner = member_bits(btf, mt, field);

			if (inner >= 0)
				return bits + inner;
		}
	}
	return -1;
}

long kbtf_member_offset(const struct kbtf *b, const char *name, const char *field)
{
	int id = b ? btf__find_by_name_kind(b->btf, name, BTF_KIND_STRUCT) : -1;
	long bits;

	if (id <= 0)
		return -1;
	bits = member_bits(b->btf, btf__type_by_id(b->btf, (uint32_t)id), field);
	return bits < 0 ? -1 : bits / 8;
}

static const char *enumerator_name(const struct btf *btf, const struct btf_type *t, int i)
{
	uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
	const char *name = btf__name_by_offset(btf, off);

	return name ? name : "";
}

bool kbtf_is_enumerator(const struct kbtf *b, const char *name)
{
	uint32_t n = btf__type_cnt(b->btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);

		for (int i = 0; btf_is_any_enum(t) && i < btf_vlen(t); i++)
			if (!strcmp(enumerator_name(b->btf, t, i), name))
				return true;
	}
	return false;
}

/* ---- the names a C text uses ---- */

enum {
	N_IDENT = 1 << 0,  /* a plain identifier */
	N_MEMBER = 1 << 1, /* after "->" or "." */
	N_STRUCT = 1 << 2, /* after the keyword */
	N_UNION = 1 << 3,
	N_ENUM = 1 << 4,
	N_DEFINED = 1 << 5, /* "struct X {": the text defines the tag */
	/* a kernel type was chosen for the name */
	N_TAKEN_STRUCT = 1 << 6,
	N_TAKEN_UNION = 1 << 7,
	N_TAKEN_ENUM = 1 << 8,
	N_TAKEN_TYPEDEF = 1 << 9,
	N_TAKEN_ENUMERATOR = 1 << 10,
};

struct names {
	struct hsearch_data tab;
	char **keys; /* owned */
	unsigned *flags;
	size_t n, cap;
};

static void names_init(struct names *nm, size_t cap)
{
	memset(nm, 0, sizeof(*nm));
	nm->cap = cap;
	nm->keys = xcalloc(cap, sizeof(char *));
	nm->flags = xcalloc(cap, sizeof(unsigned));
	if (!hcreate_r(cap * 2, &nm->tab)) {
		fprintf(stderr, "cbcc: out of memory\n");
		abort();
	}
}

static void names_free(struct names *nm)
{
	hdestroy_r(&nm->tab);
	for (size_t i = 0; i < nm->n; i++)
		free(nm->keys[i]);
	free(nm->keys);
	free(nm->flags);
}

static unsigned *names_find(struct names *nm, const char *name)
{
	ENTRY e = {.key = (char *)name}, *found = NULL;

	if (!name || !*name || !hsearch_r(e, FIND, &found, &nm->tab))
		return NULL;
	return found->data;
}

static void names_add(struct names *nm, const char *word, size_t len, unsigned flags)
{
	char *key = xstrndup(word, len);
	unsigned *f = names_find(nm, key);
	ENTRY e, *found;

	if (f || nm->n == nm->cap) { /* cap bounds the number of words */
		if (f)
			*f |= flags;
		free(key);
		return;
	}
	nm->keys[nm->n] = key;
	nm->flags[nm->n] = flags;
	e.key = key;
	e.data = &nm->flags[nm->n++];
	hsearch_r(e, ENTER, &found, &nm->tab);
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Past a string or character literal starting at p. */
static const char *skip_literal(const char *p)
{
	char quote = *p++;

	while (*p && *p != quote && *p != '\n')
		p += (p[0] == '\\' && p[1]) ? 2 : 1;
	return *p == quote ? p + 1 : p;
}

/* Past a comment, a literal, a number or an #include line at p; p itself
 * when there is none. */
static const char *skip_noise(const char *p, bool line_start)
{
	if (p[0] == '/' && p[1] == '*') {
		const char *end = strstr(p + 2, "*/");

		return end ? end + 2 : p + strlen(p);
	}
	if ((p[0] == '/' && p[1] == '/') || (line_start && starts_with(p, "#include")))
		return p + strcspn(p, "\n");
	if (*p == '"' || *p == '\'')
		return skip_literal(p);
	if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
		while (ident_char(*p) || *p == '.')
			p++;
	}
	return p;
}

/* Records every identifier of text with what precedes it; with
 * definitions_only, only the tags text defines. */
static void scan_text(struct names *nm, const char *p, bool definitions_only)
{
	unsigned after = N_IDENT; /* the flag the next identifier gets */
	bool line_start = true;

	while (*p) {
		const char *next = skip_noise(p, line_start);
		size_t len = 0;

		if (next != p) {
			p = next;
			after = N_IDENT;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			line_start = line_start || *p == '\n';
			p++;
			continue;
		}
		line_start = false;
		if (!ident_start(*p)) {
			bool arrow = p[0] == '-' && p[1] == '>';

			after = (arrow || (p[0] == '.' && p[1] != '.')) ? N_MEMBER : N_IDENT;
			p += arrow ? 2 : 1;
			continue;
		}
		while (ident_char(p[len]))
			len++;
		if (len == 6 && !strncmp(p, "struct", len)) {
			after = N_STRUCT;
		} else if (len == 5 && !strncmp(p, "union", len)) {
			after = N_UNION;
		} else if (len == 4 && !strncmp(p, "enum", len)) {
			after = N_ENUM;
		} else {
			unsigned flags = after;
			const char *q = p + len;

			while (*q == ' ' || *q == '\t' || *q == '\n')
				q++;
			if ((after & (N_STRUCT | N_UNION | N_ENUM)) && *q == '{')
				flags |= N_DEFINED;
			if (!definitions_only || (flags & N_DEFINED))
				names_add(nm, p, len, flags);
			after = N_IDENT;
		}
		p += len;
	}
}

/* ---- choosing the kernel types ---- */

struct choice {
	const struct btf *btf;
	struct names *nm;
	unsigned char *wanted;	/* by type id: dumped by name */
	unsigned char *defined; /* by type id: a tag the text defines */
	unsigned char *seen;	/* by type id: members looked at */
	uint32_t *work;		/* composites whose members are to be looked at */
	size_t nwork;
	int nwanted;
};

/* The type id behind typedefs and qualifiers. */
static uint32_t resolve(const struct btf *btf, uint32_t id)
{
	for (;;) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t)))
			return id;
		id = t->type;
	}
}

static void look_inside(struct choice *c, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(c->btf, id);

	if (t && btf_is_composite(t) && !c->seen[id]) {
		c->seen[id] = 1;
		c->work[c->nwork++] = id;
	}
}

static void want(struct choice *c, uint32_t id)
{
	if (!c->wanted[id]) {
		c->wanted[id] = 1;
		c->nwanted++;
	}
	look_inside(c, resolve(c->btf, id));
}

/* The first kernel type of a name the text asks for (a name may have several
 * unrelated types in BTF: one is enough, two would clash). */
static bool take(unsigned *f, unsigned asked, unsigned taken)
{
	if (!f || !(*f & asked) || (*f & (taken | N_DEFINED)))
		return false;
	*f |= taken;
	return true;
}

static void choose_enum(struct choice *c, uint32_t id, const struct btf_type *t, unsigned *f)
{
	if (f && (*f & N_DEFINED))
		return;
	if (take(f, N_ENUM, N_TAKEN_ENUM)) {
		want(c, id);
		return;
	}
	for (int i = 0; i < btf_vlen(t); i++) {
		if (take(names_find(c->nm, enumerator_name(c->btf, t, i)), N_IDENT,
			 N_TAKEN_ENUMERATOR)) {
			want(c, id);
			return;
		}
	}
}

/* For a struct, union or typedef: the flag that asks for it and the flag
 * that says one was taken. */
static bool kind_flags(const struct btf_type *t, unsigned *asked, unsigned *taken)
{
	if (btf_is_struct(t)) {
		*asked = N_STRUCT;
		*taken = N_TAKEN_STRUCT;
	} else if (btf_is_union(t)) {
		*asked = N_UNION;
		*taken = N_TAKEN_UNION;
	} else if (btf_is_typedef(t)) {
		*asked = N_IDENT;
		*taken = N_TAKEN_TYPEDEF;
	} else {
		return false;
	}
	return true;
}

static void choose_named(struct choice *c)
{
	uint32_t n = btf__type_cnt(c->btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(c->btf, id);
		unsigned *f = names_find(c->nm, btf__name_by_offset(c->btf, t->name_off));
		unsigned asked, taken;

		if ((btf_is_composite(t) || btf_is_any_enum(t)) && f && (*f & N_DEFINED))
			c->defined[id] = 1;
		if (btf_is_any_enum(t))
			choose_enum(c, id, t, f);
		else if (kind_flags(t, &asked, &taken) && take(f, asked, taken))
			want(c, id);
	}
}

/* Members of composite id: by-value composites are looked into, and a
 * pointer member the text dereferences brings its struct in whole. */
static void chase_members(struct choice *c, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(c->btf, id);
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		uint32_t mid = resolve(c->btf, m[i].type);
		const struct btf_type *mt = btf__type_by_id(c->btf, mid);
		unsigned *f;

		while (mt && btf_is_array(mt)) {
			mid = resolve(c->btf, btf_array(mt)->type);
			mt = btf__type_by_id(c->btf, mid);
		}
		if (!mt)
			continue;
		if (btf_is_composite(mt)) {
			look_inside(c, mid);
			continue;
		}
		if (!btf_is_ptr(mt) || !m[i].name_off)
			continue;
		f = names_find(c->nm, btf__name_by_offset(c->btf, m[i].name_off));
		if (f && (*f & N_MEMBER)) {
			uint32_t pid = resolve(c->btf, mt->type);
			const struct btf_type *pt = btf__type_by_id(c->btf, pid);

			if (pt && btf_is_composite(pt) && pt->name_off)
				want(c, pid);
			else
				look_inside(c, pid);
		}
	}
}

/* ---- names that reach the C text ---- */

/* "long unsigned int", "_Bool", "__int128 unsigned", "double" ... */
static bool is_base_type_name(const char *s)
{
	static const char *const words[] = {"char",   "short", "int",	   "long",  "unsigned",
					    "signed", "_Bool", "__int128", "float", "double"};

	while (*s) {
		size_t n = strcspn(s, " ");
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(words) && !known; i++)
			known = strlen(words[i]) == n && !strncmp(s, words[i], n);
		if (!known || (s[n] == ' ' && s[n + 1] == '\0'))
			return false;
		s += n + (s[n] == ' ');
	}
	return true;
}

static int bad_name(const char *name, struct cbcc_err *err)
{
	char shown[64];

	printable_copy(shown, sizeof(shown), name);
	return cbcc_errf(err, "kernel BTF has a type name that is not a C identifier: '%s'", shown);
}

static int check_name(const struct btf *btf, uint32_t name_off, bool base, struct cbcc_err *err)
{
	const char *name = btf__name_by_offset(btf, name_off);

	if (!name)
		return cbcc_errf(err, "kernel BTF has a name outside its string table");
	if (*name && !(base ? is_base_type_name(name) : is_c_identifier(name)))
		return bad_name(name, err);
	return 0;
}

struct check {
	const struct btf *btf;
	unsigned char *seen; /* by type id: 1 its name checked, 2 its members too */
};

static int check_type(struct check *k, uint32_t id, bool whole, struct cbcc_err *err);

static int check_members(struct check *k, const struct btf_type *t, struct cbcc_err *err)
{
	if (btf_is_composite(t)) {
		const struct btf_member *m = btf_members(t);

		for (int i = 0; i < btf_vlen(t); i++)
			if (check_name(k->btf, m[i].name_off, false, err) ||
			    check_type(k, m[i].type, true, err))
				return -1;
	} else if (btf_is_any_enum(t)) {
		for (int i = 0; i < btf_vlen(t); i++)
			if (check_name(k->btf,
				       btf_is_enum(t) ? btf_enum(t)[i].name_off
						      : btf_enum64(t)[i].name_off,
				       false, err))
				return -1;
	} else if (btf_is_func_proto(t)) {
		const struct btf_param *p = btf_params(t);

		for (int i = 0; i < btf_vlen(t); i++)
			if (check_name(k->btf, p[i].name_off, false, err) ||
			    check_type(k, p[i].type, true, err))
				return -1;
		return check_type(k, t->type, true, err);
	}
	return 0;
}

/* Checks the names btf_dump writes for type id: its own, and when whole
 * (a definition, not a pointer's target) its members' and theirs. */
static int check_type(struct check *k, uint32_t id, bool whole, struct cbcc_err *err)
{
	for (;;) {
		const struct btf_type *t = btf__type_by_id(k->btf, id);
		/* enumerators, function parameters and the members of an
		 * anonymous struct or union are written even behind a pointer */
		unsigned char need = (whole || (t && (btf_is_any_enum(t) || btf_is_func_proto(t) ||
						      (btf_is_composite(t) && !t->name_off))))
					     ? 2
					     : 1;

		if (!id || (k->seen[id] >= need))
			return 0;
		if (!t)
			return cbcc_errf(err, "kernel BTF refers to a type that does not exist");
		k->seen[id] = need;
		if (check_name(k->btf, t->name_off, btf_is_int(t) || btf_is_float(t), err))
			return -1;
		if (btf_is_ptr(t))
			whole = false;
		if (btf_is_array(t)) {
			id = btf_array(t)->type;
		} else if (btf_is_ptr(t) || btf_is_typedef(t) || btf_is_mod(t) ||
			   btf_is_type_tag(t)) {
			id = t->type;
		} else {
			return need == 2 ? check_members(k, t, err) : 0;
		}
	}
}

/* ---- writing them ---- */

/* Where btf_dump writes: out, or nowhere while out is NULL. */
struct sink {
	struct strbuf *out;
};

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	struct sink *sink = ctx;

	if (sink->out)
		sb_vprintf(sink->out, fmt, args);
}

/* The types the text defines are "written" first, nowhere: btf_dump then
 * leaves them out of what it writes for the wanted ones. */
static int dump_wanted(const struct choice *c, struct strbuf *out, struct cbcc_err *err)
{
	const struct btf *btf = c->btf;
	uint32_t n = btf__type_cnt(btf);
	struct sink sink = {NULL};
	struct btf_dump *d = btf_dump__new(btf, dump_printf, &sink, NULL);
	int rc = 0;

	if (!d)
		return cbcc_errf(err, "cannot write kernel types: %s", strerror(errno));
	for (uint32_t id = 1; id < n; id++)
		if (c->defined[id])
			btf_dump__dump_type(d, id);
	sink.out = out;
	for (uint32_t id = 1; id < n && !rc; id++)
		if (c->wanted[id] && btf_dump__dump_type(d, id) < 0)
			rc = cbcc_errf(err, "cannot write kernel type %s: %s",
				       btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off),
				       strerror(errno));
	btf_dump__free(d);
	return rc;
}

int kbtf_types_c(const struct kbtf *b, const char *text, const char *defined, struct strbuf *out,
		 int *ntypes, struct cbcc_err *err)
{
	uint32_t n = btf__type_cnt(b->btf);
	struct names nm;
	struct choice c = {.btf = b->btf, .nm = &nm};
	struct check k = {.btf = b->btf};
	int rc = 0;

	names_init(&nm, (strlen(text) + strlen(defined)) / 2 + 16);
	scan_text(&nm, defined, true);
	scan_text(&nm, text, false);
	c.wanted = xcalloc(n, 1);
	c.defined = xcalloc(n, 1);
	c.seen = xcalloc(n, 1);
	c.work = xcalloc(n, sizeof(*c.work));
	choose_named(&c);
	while (c.nwork)
		chase_members(&c, c.work[--c.nwork]);
	k.seen = xcalloc(n, 1);
	for (uint32_t id = 1; id < n && !rc; id++)
		if (c.wanted[id])
			rc = check_type(&k, id, true, err);
	if (!rc)
		rc = dump_wanted(&c, out, err);
	*ntypes = c.nwanted;
	free(k.seen);
	free(c.wanted);
	free(c.defined);
	free(c.seen);
	free(c.work);
	names_free(&nm);
	return rc;
}

/* ---- the kernel functions, by name ---- */

struct kbtf_funcs {
	const struct btf *btf;
	uint32_t *ids; /* of the FUNC types, sorted by name */
	uint32_t n;
};

static const char *func_name(const struct btf *btf, uint32_t id)
{
	const char *name = btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off);

	return name ? name : "";
}

/* qsort_r's comparison of two FUNC ids by name. */
static int by_func_name(const void *a, const void *b, void *btf)
{
	return strcmp(func_name(btf, *(const uint32_t *)a), func_name(btf, *(const uint32_t *)b));
}

struct kbtf_funcs *kbtf_funcs_index(const struct kbtf *b)
{
	struct kbtf_funcs *f = xcalloc(1, sizeof(*f));
	uint32_t n = btf__type_cnt(b->btf);

	f->btf = b->btf;
	f->ids = xcalloc(n, sizeof(*f->ids));
	for (uint32_t id = 1; id < n; id++)
		if (btf_is_func(btf__type_by_id(b->btf, id)))
			f->ids[f->n++] = id;
	qsort_r(f->ids, f->n, sizeof(*f->ids), by_func_name, (void *)b->btf);
	return f;
}

int kbtf_funcs_find(const struct kbtf_funcs *f, const char *name, uint32_t *id)
{
	uint32_t lo = 0, hi = f ? f->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(func_name(f->btf, f->ids[mid]), name);

		if (c < 0) {
			lo = mid + 1;
		} else if (c > 0) {
			hi = mid;
		} else {
			const struct btf_type *proto =
				btf__type_by_id(f->btf, btf__type_by_id(f->btf, f->ids[mid])->type);

			if (!proto || !btf_is_func_proto(proto))
				return -1;
			*id = f->ids[mid];
			return btf_vlen(proto);
		}
	}
	return -1;
}

void kbtf_funcs_free(struct kbtf_funcs *f)
{
	if (!f)
		return;
	free(f->ids);
	free(f);
}
