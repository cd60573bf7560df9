#include "btf.h"

#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kbtf {
	char *data;
	size_t size;
	const char *strs;
	uint32_t strs_len;
	const struct btf_type **types; /* by type id; [0] is void */
	uint32_t ntypes;
};

/* Bytes that follow a struct btf_type of this kind; -1 for an unknown kind. */
static long extra_size(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * 12;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

static int index_types(struct kbtf *b, const char *start, uint32_t len, struct cbcc_err *err)
{
	const char *p = start, *end = start + len;
	uint32_t cap = 1024;

	b->types = xcalloc(cap, sizeof(*b->types));
	b->ntypes = 1;
	while (p + sizeof(struct btf_type) <= end) {
		const struct btf_type *t = (const struct btf_type *)p;
		long extra = extra_size(t);

		if (extra < 0)
			return cbcc_errf(err, "unknown BTF kind %u", BTF_INFO_KIND(t->info));
		if (b->ntypes == cap) {
			cap *= 2;
			b->types = xrealloc(b->types, cap * sizeof(*b->types));
		}
		b->types[b->ntypes++] = t;
		p += sizeof(struct btf_type) + extra;
	}
	return 0;
}

struct kbtf *kbtf_load(const char *path, struct cbcc_err *err)
{
	const struct btf_header *h;
	struct kbtf *b = xcalloc(1, sizeof(*b));
	FILE *f;

	path = path ? path : "/sys/kernel/btf/vmlinux";
	f = fopen(path, "r");
	if (!f) {
		cbcc_errf(err, "cannot read kernel BTF %s", path);
		free(b);
		return NULL;
	}
	for (size_t n, cap = 1 << 20;; cap *= 2) {
		b->data = xrealloc(b->data, cap);
		n = fread(b->data + b->size, 1, cap - b->size, f);
		b->size += n;
		if (b->size < cap)
			break;
	}
	fclose(f);
	h = (const struct btf_header *)b->data;
	if (b->size < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (size_t)h->hdr_len + h->str_off + h->str_len > b->size ||
	    (size_t)h->hdr_len + h->type_off + h->type_len > b->size) {
		cbcc_errf(err, "%s is not BTF data", path);
		kbtf_free(b);
		return NULL;
	}
	b->strs = b->data + h->hdr_len + h->str_off;
	b->strs_len = h->str_len;
	if (index_types(b, b->data + h->hdr_len + h->type_off, h->type_len, err)) {
		kbtf_free(b);
		return NULL;
	}
	return b;
}

void kbtf_free(struct kbtf *b)
{
	if (!b)
		return;
	free(b->types);
	free(b->data);
	free(b);
}

static const char *type_name(const struct kbtf *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : "";
}

static bool is_composite(const struct btf_type *t)
{
	uint32_t kind = BTF_INFO_KIND(t->info);

	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION;
}

/* Offset in bits of field within composite type t, or -1. */
static long member_bits(const struct kbtf *b, const struct btf_type *t, const char *field)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1);
	bool kflag = BTF_INFO_KFLAG(t->info);

	for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		long bits = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		const struct btf_type *mt = m[i].type < b->ntypes ? b->types[m[i].type] : NULL;

		if (m[i].name_off && !strcmp(type_name(b, m[i].name_off), field))
			return bits;
		if (!m[i].name_off && mt && is_composite(mt)) {
			long inner = member_bits(b, mt, field);

			if (inner >= 0)
				return bits + inner;
		}
	}
	return -1;
}

long kbtf_member_offset(const struct kbtf *b, const char *name, const char *field)
{
	for (uint32_t id = 1; b && id < b->ntypes; id++) {
		const struct btf_type *t = b->types[id];
		long bits;

		if (BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT || !t->size ||
		    strcmp(type_name(b, t->name_off), name))
			continue;
		bits = member_bits(b, t, field);
		return bits < 0 ? -1 : bits / 8;
	}
	return -1;
}

struct kbtf_funcs {
	const struct kbtf *btf;
	uint32_t *ids; /* of the FUNC types, sorted by name */
	uint32_t n;
};

static const char *func_name(const struct kbtf_funcs *f, uint32_t i)
{
	return type_name(f->btf, f->btf->types[f->ids[i]]->name_off);
}

/* qsort_r's comparison of two FUNC ids by name. */
static int by_func_name(const void *a, const void *b, void *btf)
{
	const struct kbtf *k = btf;

	return strcmp(type_name(k, k->types[*(const uint32_t *)a]->name_off),
		      type_name(k, k->types[*(const uint32_t *)b]->name_off));
}

struct kbtf_funcs *kbtf_funcs_index(const struct kbtf *b)
{
	struct kbtf_funcs *f = xcalloc(1, sizeof(*f));

	f->btf = b;
	f->ids = xcalloc(b->ntypes, sizeof(*f->ids));
	for (uint32_t id = 1; id < b->ntypes; id++)
		if (BTF_INFO_KIND(b->types[id]->info) == BTF_KIND_FUNC)
			f->ids[f->n++] = id;
	qsort_r(f->ids, f->n, sizeof(*f->ids), by_func_name, (void *)b);
	return f;
}

int kbtf_funcs_find(const struct kbtf_funcs *f, const char *name, uint32_t *id)
{
	uint32_t lo = 0, hi = f ? f->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(func_name(f, mid), name);

		if (c < 0) {
			lo = mid + 1;
		} else if (c > 0) {
			hi = mid;
		} else {
			const struct btf_type *t = f->btf->types[f->ids[mid]];

			if (t->type >= f->btf->ntypes ||
			    BTF_INFO_KIND(f->btf->types[t->type]->info) != BTF_KIND_FUNC_PROTO)
				return -1;
			*id = f->ids[mid];
			return (int)BTF_INFO_VLEN(f->btf->types[t->type]->info);
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
