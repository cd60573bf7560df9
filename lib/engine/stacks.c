#include "stacks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "spec.h"

int stacks_open(struct stack_reader *r, struct cbcc_bpf *b, pid_t pid, struct cbcc_err *err)
{
	r->stacks_fd = rt_table_fd(b, STACKCOUNT_STACKS_TABLE, err);
	r->stack_pid_fd = rt_table_fd(b, STACKCOUNT_PID_TABLE, err);
	if (r->stacks_fd < 0 || r->stack_pid_fd < 0)
		return -1;
	r->syms = syms_new();
	if (pid)
		syms_prepare(r->syms, (int)pid);
	return 0;
}

void stacks_close(struct stack_reader *r)
{
	syms_free(r->syms);
	r->syms = NULL;
}

static int frames(const struct stack_reader *r, int id, uint64_t caller, uint64_t *ips)
{
	uint64_t raw[STACKS_MAX_FRAMES];
	int n = 0;

	if (id < 0)
		return 0;
	memset(raw, 0, sizeof(raw));
	if (rt_map_lookup(r->stacks_fd, &id, raw) < 0)
		return 0;
	for (int i = 0; i < STACKS_MAX_FRAMES && raw[i]; i++) {
		ips[n++] = raw[i];
		if (i == 0 && caller)
			ips[n++] = caller;
	}
	return n;
}

int stacks_kernel(const struct stack_reader *r, const struct cbcc_stack_key *k, uint64_t *ips)
{
	/* read the same whether kprobe or fentry saw it */
	return syms_trim_bpf_frames(r->syms, ips, frames(r, k->kstack, 0, ips), false);
}

int stacks_user(const struct stack_reader *r, const struct cbcc_stack_key *k, uint64_t *ips)
{
	return frames(r, k->ustack, k->caller, ips);
}

int stacks_pid(const struct stack_reader *r, const struct cbcc_stack_key *k)
{
	uint32_t pid = STACKCOUNT_NO_PID;
	int32_t id = k->ustack;

	if (k->tgid != STACKCOUNT_NO_PID)
		return (int)k->tgid;
	if (rt_map_lookup(r->stack_pid_fd, &id, &pid) < 0)
		return -1;
	return (int)pid;
}

static void frame_name(const struct stack_reader *r, int pid, uint64_t addr, struct strbuf *out)
{
	syms_format(r->syms, pid, addr, false, r->offset, out);
}

void stacks_frame_text(const struct stack_reader *r, int pid, uint64_t addr, struct strbuf *out)
{
	if (r->verbose)
		sb_printf(out, "%-16llx ", (unsigned long long)addr);
	frame_name(r, pid, addr, out);
}

void stacks_folded(const struct stack_reader *r, const struct cbcc_stack_key *k,
		   struct strbuf *line)
{
	uint64_t kips[STACKS_MAX_FRAMES + 1], uips[STACKS_MAX_FRAMES + 1];
	int nk = stacks_kernel(r, k, kips);
	int nu = stacks_user(r, k, uips);
	int pid = stacks_pid(r, k);

	sb_appendn(line, k->comm, strnlen(k->comm, sizeof(k->comm)));
	for (int i = nu - 1; i >= 0; i--) {
		sb_append(line, ";");
		frame_name(r, pid, uips[i], line);
	}
	if (r->delimiter)
		sb_append(line, ";-");
	for (int i = nk - 1; i >= 0; i--) {
		sb_append(line, ";");
		frame_name(r, -1, kips[i], line);
	}
}

struct stack_count *stacks_counts(const struct cbcc_map *counts, const struct map_snapshot *snap)
{
	struct stack_count *all = xcalloc(snap->n ? snap->n : 1, sizeof(*all));

	for (size_t i = 0; i < snap->n; i++) {
		memcpy(&all[i].key, snap->keys + i * counts->key_size, sizeof(all[i].key));
		memcpy(&all[i].count, snap->values + i * counts->value_size, sizeof(uint64_t));
	}
	return all;
}

static int by_count(const void *a, const void *b)
{
	const struct stack_count *x = a, *y = b;

	return x->count < y->count ? -1 : x->count > y->count;
}

void stacks_sort_by_count(struct stack_count *all, int n)
{
	if (n > 1)
		qsort(all, n, sizeof(*all), by_count);
}

void stacks_print_folded(const struct stack_reader *r, const struct stack_count *e)
{
	struct strbuf line = STRBUF_INIT;

	stacks_folded(r, &e->key, &line);
	printf("%s %llu\n", sb_str(&line), (unsigned long long)e->count);
	sb_free(&line);
}

static void print_frame(const struct stack_reader *r, int pid, uint64_t addr)
{
	struct strbuf line = STRBUF_INIT;

	sb_append(&line, "  ");
	stacks_frame_text(r, pid, addr, &line);
	puts(sb_str(&line));
	sb_free(&line);
}

void stacks_print(const struct stack_reader *r, const struct stack_count *e, bool show_process)
{
	uint64_t kips[STACKS_MAX_FRAMES + 1], uips[STACKS_MAX_FRAMES + 1];
	int nk = stacks_kernel(r, &e->key, kips);
	int nu = stacks_user(r, &e->key, uips);
	int pid = stacks_pid(r, &e->key);

	for (int i = 0; i < nk; i++)
		print_frame(r, -1, kips[i]);
	if (r->delimiter)
		printf("    --\n");
	for (int i = 0; i < nu; i++)
		print_frame(r, pid, uips[i]);
	if (show_process && e->key.tgid != STACKCOUNT_NO_PID)
		printf("    %.16s [%u]\n", e->key.comm, e->key.tgid);
	printf("    %llu\n\n", (unsigned long long)e->count);
}

static void json_frames(const struct stack_reader *r, struct json *j, const char *key, int pid,
			const uint64_t *ips, int n)
{
	struct strbuf frame = STRBUF_INIT;

	json_array(j, key);
	for (int i = 0; i < n; i++) {
		sb_reset(&frame);
		stacks_frame_text(r, pid, ips[i], &frame);
		json_str(j, NULL, sb_str(&frame));
	}
	json_close(j);
	sb_free(&frame);
}

void stacks_json(const struct stack_reader *r, struct json *j, const struct stack_count *e,
		 bool kernel, bool user)
{
	uint64_t kips[STACKS_MAX_FRAMES + 1], uips[STACKS_MAX_FRAMES + 1];
	int nk = stacks_kernel(r, &e->key, kips);
	int nu = stacks_user(r, &e->key, uips);
	int pid = stacks_pid(r, &e->key);

	json_object(j, NULL);
	json_u64(j, "count", e->count);
	if (e->key.tgid != STACKCOUNT_NO_PID) {
		json_u64(j, "pid", e->key.tgid);
		json_strn(j, "comm", e->key.comm, strnlen(e->key.comm, sizeof(e->key.comm)));
	}
	if (kernel)
		json_frames(r, j, "kernel", -1, kips, nk);
	if (user)
		json_frames(r, j, "user", pid, uips, nu);
	json_close(j);
}

char **stacks_fold_all(const struct stack_reader *r, struct stack_folds *f,
		       struct map_snapshot *snap, size_t ks)
{
	char **lines = xcalloc(snap->n ? snap->n : 1, sizeof(char *));
	size_t old = 0;

	for (size_t i = 0; i < snap->n; i++) {
		const char *key = snap->keys + i * ks;
		struct strbuf line = STRBUF_INIT;
		struct cbcc_stack_key k;
		int cmp = -1;

		while (old < f->keys.n && (cmp = memcmp(f->keys.keys + old * ks, key, ks)) < 0)
			free(f->lines[old++]);
		if (old < f->keys.n && cmp == 0 && !strstr(f->lines[old], "[unknown]")) {
			lines[i] = f->lines[old++];
			continue;
		}
		memcpy(&k, key, sizeof(k));
		stacks_folded(r, &k, &line);
		lines[i] = sb_steal(&line);
	}
	while (old < f->keys.n)
		free(f->lines[old++]);
	free(f->lines);
	map_snapshot_free(&f->keys);
	f->keys = *snap;
	f->lines = lines;
	return lines;
}

void stacks_folds_free(struct stack_folds *f)
{
	free_strv(f->lines, (int)f->keys.n);
	map_snapshot_free(&f->keys);
	f->lines = NULL;
}
