#include "prog.h"

#include <bcc/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool prog_is_map_ref(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_MAP_FD;
}

int prog_create_maps(struct prog *p, struct cbcc_err *err)
{
	for (uint32_t i = 0; i < p->nmaps; i++) {
		struct prog_map *m = &p->maps[i];

		if (m->fd >= 0)
			continue;
		m->fd = bcc_create_map((enum bpf_map_type)m->type, m->name, (int)m->key_size,
				       (int)m->value_size, (int)m->max_entries, (int)m->flags);
		if (m->fd < 0)
			return cbcc_errf(err, "cannot create map %s: %s", m->name, strerror(errno));
	}
	return 0;
}

static bool same_shape(const struct prog_map *a, const struct prog_map *b)
{
	return a->type == b->type && a->key_size == b->key_size && a->value_size == b->value_size &&
	       a->max_entries == b->max_entries && a->flags == b->flags;
}

static void adopt(struct prog_map *m, struct prog_map *old)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = old->fd;
	old->fd = -1;
}

int prog_adopt_maps(struct prog *p, struct prog *old)
{
	bool *taken = xcalloc(p->nmaps, sizeof(bool));
	int left = 0;

	for (uint32_t j = 0; j < old->nmaps; j++)
		for (uint32_t i = 0; i < p->nmaps && old->maps[j].fd >= 0; i++)
			if (!taken[i] && !strcmp(p->maps[i].name, old->maps[j].name) &&
			    same_shape(&p->maps[i], &old->maps[j])) {
				adopt(&p->maps[i], &old->maps[j]);
				taken[i] = true;
			}
	/* a map whose name was damaged: the one at the same place */
	for (uint32_t j = 0; j < old->nmaps && j < p->nmaps; j++)
		if (old->maps[j].fd >= 0 && !taken[j] && same_shape(&p->maps[j], &old->maps[j])) {
			adopt(&p->maps[j], &old->maps[j]);
			taken[j] = true;
		}
	for (uint32_t j = 0; j < old->nmaps; j++)
		left += old->maps[j].fd >= 0;
	free(taken);
	return left;
}

static const struct prog_map *find_map(const struct prog *p, const char *name)
{
	for (uint32_t i = 0; i < p->nmaps; i++)
		if (!strcmp(p->maps[i].name, name))
			return &p->maps[i];
	return NULL;
}

int prog_table_fd(const struct prog *p, const char *name)
{
	const struct prog_map *m = find_map(p, name);

	return m ? m->fd : -1;
}

int prog_table_info(const struct prog *p, const char *name, int *type, size_t *key_size,
		    size_t *value_size, size_t *max_entries)
{
	const struct prog_map *m = find_map(p, name);

	if (!m)
		return -1;
	*type = (int)m->type;
	*key_size = m->key_size;
	*value_size = m->value_size;
	*max_entries = m->max_entries;
	return 0;
}

static const struct prog_func *find_func(const struct prog *p, const char *name)
{
	for (uint32_t i = 0; i < p->nfuncs; i++)
		if (!strcmp(p->funcs[i].name, name))
			return &p->funcs[i];
	return NULL;
}

bool prog_has_function(const struct prog *p, const char *name)
{
	return find_func(p, name) != NULL;
}

struct bpf_insn *prog_insns(const struct prog *p, const char *name, size_t *ninsns)
{
	const struct prog_func *f = find_func(p, name);
	struct bpf_insn *insns;

	if (!f || !f->ninsns) {
		errno = ENOENT;
		return NULL;
	}
	insns = xmalloc(f->ninsns * sizeof(*insns));
	memcpy(insns, f->insns, f->ninsns * sizeof(*insns));
	for (size_t i = 0; i < f->ninsns; i++) {
		if (!prog_is_map_ref(&insns[i]))
			continue;
		if (insns[i].imm < 0 || (uint32_t)insns[i].imm >= p->nmaps ||
		    p->maps[insns[i].imm].fd < 0) {
			free(insns);
			errno = EINVAL;
			return NULL;
		}
		insns[i].imm = p->maps[insns[i].imm].fd;
		i++; /* the second half of the 16-byte load */
	}
	*ninsns = f->ninsns;
	return insns;
}

int prog_load(const struct prog *p, const char *name, int prog_type, int log_level, char *log,
	      unsigned log_size)
{
	size_t n;
	struct bpf_insn *insns = prog_insns(p, name, &n);
	int fd;

	if (!insns)
		return -1;
	fd = bcc_prog_load((enum bpf_prog_type)prog_type, name, insns, (int)(n * sizeof(*insns)),
			   p->license, p->kern_version, log_level, log, log_size);
	free(insns);
	return fd;
}

void prog_free(struct prog *p)
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
