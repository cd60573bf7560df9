#include "maps.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
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
	if (bpf_get_first_key(m->fd, keys, ks) < 0)
		return keys;
	*n = 1;
	while (*n <= m->max_entries) {
		if (*n == cap) {
			cap *= 2;
			keys = xrealloc(keys, cap * ks);
		}
		if (bpf_get_next_key(m->fd, keys + (*n - 1) * ks, keys + *n * ks) < 0)
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
		if (bpf_lookup_elem(m->fd, keys + i * ks, s->values + kept * vs) < 0)
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

void map_hash_clear(const struct cbcc_map *m)
{
	size_t n;
	char *keys = read_keys(m, &n);

	for (size_t i = 0; i < n; i++)
		bpf_delete_elem(m->fd, keys + i * m->key_size);
	free(keys);
}

void map_array_read_u64(const struct cbcc_map *m, uint64_t *vals, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)i;

		if (bpf_lookup_elem(m->fd, &key, &vals[i]) < 0)
			vals[i] = 0;
	}
}

void map_array_zero_u64(const struct cbcc_map *m, int n)
{
	uint64_t zero = 0;

	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)i;

		bpf_update_elem(m->fd, &key, &zero, 0);
	}
}
