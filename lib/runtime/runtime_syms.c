#include "syms.h"

#include <bcc/bcc_syms.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct syms_entry {
	int pid;
	void *cache;
};

struct syms {
	struct syms_entry *e;
	int n;
	void *build_ids; /* bcc_buildsymcache of the -s files, or NULL */
};

struct syms *syms_new(void)
{
	return xcalloc(1, sizeof(struct syms));
}

void syms_free(struct syms *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		bcc_free_symcache(s->e[i].cache, s->e[i].pid);
	free(s->e);
	if (s->build_ids)
		bcc_free_buildsymcache(s->build_ids);
	free(s);
}

static void *cache_for(struct syms *s, int pid)
{
	struct bcc_symbol_option opt = {
		.use_debug_file = 1,
		.check_debug_file_crc = 1,
		.lazy_symbolize = 1,
		.use_symbol_type = (1 << 2) | (1 << 10), /* STT_FUNC, STT_GNU_IFUNC */
	};
	void *c;

	for (int i = 0; i < s->n; i++)
		if (s->e[i].pid == pid)
			return s->e[i].cache;
	c = bcc_symcache_new(pid, pid < 0 ? NULL : &opt);
	if (!c)
		return NULL;
	s->e = xrealloc(s->e, (s->n + 1) * sizeof(*s->e));
	s->e[s->n].pid = pid;
	s->e[s->n++].cache = c;
	return c;
}

void syms_prepare(struct syms *s, int pid)
{
	void *c = cache_for(s, pid);
	struct bcc_symbol sym = {0};

	if (c && pid < 0) /* libbcc reads kallsyms at the first lookup */
		bcc_symcache_resolve_no_demangle(c, 0, &sym);
}

void syms_forget(struct syms *s, int pid)
{
	for (int i = 0; i < s->n; i++)
		if (s->e[i].pid == pid) {
			bcc_free_symcache(s->e[i].cache, pid);
			s->e[i] = s->e[--s->n];
			return;
		}
}

/* "name[+0xoff][ [module]]" of a resolved symbol. */
static void append_symbol(const struct bcc_symbol *sym, bool show_module, bool show_offset,
			  struct strbuf *out)
{
	sb_append(out, sym->demangle_name ? sym->demangle_name : sym->name);
	if (show_offset)
		sb_printf(out, "+0x%llx", (unsigned long long)sym->offset);
	if (show_module && sym->module) {
		const char *base = strrchr(sym->module, '/');

		sb_printf(out, " [%s]", base ? base + 1 : sym->module);
	}
}

int syms_add_build_id_file(struct syms *s, const char *path, struct cbcc_err *err)
{
	if (!s->build_ids)
		s->build_ids = bcc_buildsymcache_new();
	if (!s->build_ids || bcc_buildsymcache_add_module(s->build_ids, path) != 0)
		return cbcc_errf(err,
				 "cannot read the build ID of '%s' (no such file, or no "
				 "build ID note)",
				 path);
	return 0;
}

void syms_format_build_id(struct syms *s, int pid, const struct bpf_stack_build_id *f,
			  bool show_module, bool show_offset, struct strbuf *out)
{
	struct bpf_stack_build_id frame = *f; /* libbcc's resolver takes no const */
	struct bcc_symbol sym = {0};

	if (f->status == BPF_STACK_BUILD_ID_IP) {
		syms_format(s, pid, f->ip, show_module, show_offset, out);
		return;
	}
	if (!s->build_ids || bcc_buildsymcache_resolve(s->build_ids, &frame, &sym) != 0 ||
	    !sym.name) {
		sb_append(out, "[unknown]");
		return;
	}
	append_symbol(&sym, show_module, show_offset, out);
}

void syms_format(struct syms *s, int pid, uint64_t addr, bool show_module, bool show_offset,
		 struct strbuf *out)
{
	void *c = cache_for(s, pid < 0 ? -1 : pid);
	struct bcc_symbol sym = {0};

	if (!c || bcc_symcache_resolve(c, addr, &sym) != 0 || !sym.name) {
		sb_append(out, "[unknown]");
		return;
	}
	append_symbol(&sym, show_module, show_offset, out);
	if (sym.demangle_name)
		bcc_symbol_free_demangle_name(&sym);
}

bool syms_is_bpf_symbol(const char *name)
{
	const char *p;

	if (!strncmp(name, "bpf_prog_", 9)) {
		for (p = name + 9; isxdigit((unsigned char)*p); p++)
			;
		return p - name == 9 + 16 && *p == '_';
	}
	if (!strncmp(name, "bpf_trampoline_", 15)) {
		for (p = name + 15; isdigit((unsigned char)*p); p++)
			;
		return p > name + 15 && !*p;
	}
	return false;
}

static bool bpf_frame(void *kernel, uint64_t addr)
{
	struct bcc_symbol sym = {0};

	return bcc_symcache_resolve_no_demangle(kernel, addr, &sym) == 0 && sym.name &&
	       syms_is_bpf_symbol(sym.name);
}

/* x86-64: the call to the trampoline is 5 bytes; a kprobe's ip is 1 byte in */
#define TRAMPOLINE_CALL_LEN 5
#define KPROBE_IP_OFFSET 1

int syms_trim_bpf_frames(struct syms *s, uint64_t *ips, int n, bool returned)
{
	void *kernel = cache_for(s, -1);
	int drop = 0;

	if (!kernel)
		return n;
	while (drop < n && bpf_frame(kernel, ips[drop]))
		drop++;
	if (!drop || drop == n)
		return n;
	if (returned && drop + 1 < n)
		drop++; /* the function's own frame: it has returned */
	else
		ips[drop] -= TRAMPOLINE_CALL_LEN - KPROBE_IP_OFFSET;
	memmove(ips, ips + drop, (size_t)(n - drop) * sizeof(*ips));
	return n - drop;
}
