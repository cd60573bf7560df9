#include "maps.h"

#include "wildcard.h"

#include <stdlib.h>
#include <string.h>

int map_open(struct cbcc_bpf *b, const char *name, struct cbcc_map *m, struct cbcc_err *err)
{
	memset(m, 0, sizeof(*m));
	/* through the runtime: the program may come from the cache (no module) */
	m->fd = rt_table_info(b, name, &m->key_size, &m->value_size, &m->max_entries, err);
	return m->fd < 0 ? -1 : 0;
}

/* All keys, as the kernel walks them; *n set to their number. */
static char *read_keys(const struct cbcc_map *m, size_t *n)
{
	size_t cap = 64, ks = m->key_size;
	char *keys = xmalloc(cap * ks);

	*n = 0;
	if (rt_map_first_key(m->fd, keys, ks) < 0)
		return keys;
	*n = 1;
	while (*n <= m->max_entries) {
		if (*n == cap) {
			cap *= 2;
			keys = xrealloc(keys, cap * ks);
		}
		if (rt_map_next_key(m->fd, keys + (*n - 1) * ks, keys + *n * ks) < 0)
			break;
		++*n;
	}
	return keys;
}

void map_snapshot_read(const struct cbcc_map *m, struct map_snapshot *s)
{
	size_t n, kept = 0, ks = m->key_size, vs = m->value_size;
	char *keys = read_keys(m, &n);

	memset(s, 0, sizeof(*s));
	s->keys = xmalloc((n ? n : 1) * ks);
	s->values = xmalloc((n ? n : 1) * vs);
	for (size_t i = 0; i < n; i++) {
		/* an entry deleted meanwhile is skipped */
		if (rt_map_lookup(m->fd, keys + i * ks, s->values + kept * vs) < 0)
			continue;
		memcpy(s->keys + kept * ks, keys + i * ks, ks);
		kept++;
	}
	s->n = kept;
	free(keys);
}

void map_snapshot_free(struct map_snapshot *s)
{
	free(s->keys);
	free(s->values);
	memset(s, 0, sizeof(*s));
}

void map_array_read_u64(const struct cbcc_map *m, uint64_t *vals, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)i;

		if (rt_map_lookup(m->fd, &key, &vals[i]) < 0)
			vals[i] = 0;
	}
}

static void zero_u64(const struct cbcc_map *m, int n)
{
	uint64_t zero = 0;

	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)i;

		rt_map_update(m->fd, &key, &zero);
	}
}

void map_array_read_since_u64(const struct cbcc_map *m, uint64_t *vals, int n, uint64_t *last)
{
	map_array_read_u64(m, vals, n);
	if (!last) {
		zero_u64(m, n);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint64_t total = vals[i];

		vals[i] = total - last[i];
		last[i] = total;
	}
}

void map_read_probe_counts(const struct cbcc_map *m, const struct wc_list *probes,
			   struct name_count *out)
{
	uint64_t *vals = xcalloc((size_t)probes->n, sizeof(uint64_t));

	map_array_read_u64(m, vals, probes->n);
	for (int i = 0; i < probes->n; i++) {
		out[i].name = probes->m[i].name;
		out[i].count = vals[i];
	}
	free(vals);
}

static int by_key(const void *a, const void *b, void *key_size)
{
	return memcmp(*(char *const *)a, *(char *const *)b, *(size_t *)key_size);
}

void map_snapshot_sort(const struct cbcc_map *m, struct map_snapshot *s)
{
	size_t ks = m->key_size, vs = m->value_size;
	char **order = xcalloc(s->n ? s->n : 1, sizeof(char *));
	char *keys = xmalloc((s->n ? s->n : 1) * ks), *values = xmalloc((s->n ? s->n : 1) * vs);

	for (size_t i = 0; i < s->n; i++)
		order[i] = s->keys + i * ks;
	qsort_r(order, s->n, sizeof(char *), by_key, &ks);
	for (size_t i = 0; i < s->n; i++) {
		size_t from = (size_t)(order[i] - s->keys) / ks;

		memcpy(keys + i * ks, order[i], ks);
		memcpy(values + i * vs, s->values + from * vs, vs);
	}
	free(order);
	free(s->keys);
	free(s->values);
	s->keys = keys;
	s->values = values;
}

/* The total of key in a sorted snapshot, 0 when absent. */
static uint64_t total_of(const struct cbcc_map *m, const struct map_snapshot *s, const char *key)
{
	size_t lo = 0, hi = s->n;
	uint64_t v = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = memcmp(s->keys + mid * m->key_size, key, m->key_size);

		if (!c) {
			memcpy(&v, s->values + mid * m->value_size, sizeof(v));
			break;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return v;
}

void map_interval_read(const struct cbcc_map *m, struct map_interval *iv, struct map_snapshot *out)
{
	struct map_snapshot now;
	size_t ks = m->key_size, vs = m->value_size, kept = 0;

	if (!iv->keep) {
		map_snapshot_read(m, out);
		for (size_t i = 0; i < out->n; i++)
			rt_map_delete(m->fd, out->keys + i * ks);
		return;
	}
	map_snapshot_read(m, &now);
	map_snapshot_sort(m, &now);
	out->keys = xmalloc((now.n ? now.n : 1) * ks);
	out->values = xcalloc(now.n ? now.n : 1, vs);
	for (size_t i = 0; i < now.n; i++) {
		uint64_t total, since;

		memcpy(&total, now.values + i * vs, sizeof(total));
		since = total - total_of(m, &iv->last, now.keys + i * ks);
		if (!since)
			continue;
		memcpy(out->keys + kept * ks, now.keys + i * ks, ks);
		memcpy(out->values + kept * vs, &since, sizeof(since));
		kept++;
	}
	out->n = kept;
	map_snapshot_free(&iv->last);
	iv->last = now;
}

void map_interval_free(struct map_interval *iv)
{
	map_snapshot_free(&iv->last);
}
