/* The golden programs generated from fixed system facts (lib/probe/facts.h):
 * no root, BPF or tracefs. Each tests/golden/NAME.args (the command line
 * tests/trace_golden.sh runs live) is read here, its probes built with
 * trace's or argdist's probe objects against the facts below, and the
 * program compared with tests/golden/NAME.bpf.c, the file the live test
 * checks too: a change in generation fails both.
 *
 * tests/golden/fixed/ holds the cases only fixed facts can give, e.g.
 * fentry on a kernel that allows it (trace_golden runs the others).
 *
 * The facts: tracepoint formats from tests/golden/CATEGORY.EVENT.format
 * (copies of the kernel's format files; a tracepoint exists when its file
 * does), the kernel functions in kernel_functions[] with their parameter
 * counts (as BTF gives them) and fentry allowed for them, every library at a
 * made-up path with each function at FIXED_OFFSET. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aprobe.h"
#include "tprobe.h"

#include "check.h"

#ifndef CBCC_GOLDEN_DIR
#error "CBCC_GOLDEN_DIR: the tests/golden directory"
#endif

#define FIXED_OFFSET 0x1000

static const struct {
	const char *name;
	int nargs;
} kernel_functions[] = {{"do_sys_openat2", 3}, {"vfs_read", 4}};

static char *format_path(const char *category, const char *event)
{
	return xasprintf("%s/%s.%s.format", CBCC_GOLDEN_DIR, category, event);
}

static int fixed_tp_fields(void *ctx, const char *category, const char *event,
			   struct tp_field **fields, int *n, struct cbcc_err *err)
{
	char *path = format_path(category, event);
	char *text = read_file(path);

	(void)ctx;
	free(path);
	if (!text)
		return cbcc_errf(err, "no fixed format for tracepoint '%s:%s'", category, event);
	tp_format_parse(text, fields, n);
	free(text);
	return 0;
}

static bool fixed_tracepoint_exists(void *ctx, const char *category, const char *event)
{
	char *path = format_path(category, event);
	bool exists = access(path, R_OK) == 0;

	(void)ctx;
	free(path);
	return exists;
}

static bool fixed_kernel_function_exists(void *ctx, const char *name)
{
	(void)ctx;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_functions); i++)
		if (!strcmp(kernel_functions[i].name, name))
			return true;
	return false;
}

static bool fixed_fentry_attaches(void *ctx, struct kfunc_plan *pl, const struct probe_loc *loc,
				  struct kfunc_choice *c)
{
	(void)ctx, (void)pl;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_functions); i++)
		if (!strcmp(kernel_functions[i].name, loc->function)) {
			c->nargs = kernel_functions[i].nargs;
			snprintf(c->why, sizeof(c->why), "fixed facts");
			return true;
		}
	snprintf(c->why, sizeof(c->why), "not in the fixed facts");
	return false;
}

static char *fixed_find_library(void *ctx, const char *name, pid_t pid, struct cbcc_err *err)
{
	(void)ctx, (void)pid, (void)err;
	return xasprintf("/fixed/lib%s.so", name);
}

static int fixed_uprobe_offset(void *ctx, const char *path, const char *func, pid_t pid,
			       uint64_t *offset, struct cbcc_err *err)
{
	(void)ctx, (void)path, (void)func, (void)pid, (void)err;
	*offset = FIXED_OFFSET;
	return 0;
}

static int fixed_check_insn(void *ctx, const char *path, const char *func, uint64_t func_off,
			    uint64_t offset, struct cbcc_err *err)
{
	(void)ctx, (void)path, (void)func, (void)func_off, (void)offset, (void)err;
	return 0;
}

static int fixed_usdt_add(void *ctx, struct cbcc_bpf *b, const char *path, pid_t pid,
			  const char *provider, const char *probe, const char *fn_name,
			  char ***argtypes, int *nargs, struct cbcc_err *err)
{
	(void)ctx, (void)b, (void)path, (void)pid, (void)fn_name, (void)argtypes, (void)nargs;
	return cbcc_errf(err, "no fixed USDT facts for '%s:%s'", provider, probe);
}

static const struct sys_facts fixed = {
	.tp_fields = fixed_tp_fields,
	.tracepoint_exists = fixed_tracepoint_exists,
	.kernel_function_exists = fixed_kernel_function_exists,
	.find_library = fixed_find_library,
	.uprobe_offset = fixed_uprobe_offset,
	.check_insn = fixed_check_insn,
	.usdt_add = fixed_usdt_add,
	.fentry_attaches = fixed_fentry_attaches,
};

/* One golden case's command line: the options the golden cases use. */
struct golden_args {
	char *tool;
	struct gen_opts o;
	enum kfunc_method method; /* --kprobe, --fentry */
	char *includes[8];
	char *probes[8]; /* trace's probes, or argdist's -C then -H */
	enum argdist_kind kinds[8];
	int nprobes;
};

/* An option's value, or NULL (a failed check) at the end of the lines. */
static char *value(char **lines, int n, int *i, const char *name)
{
	if (*i + 1 < n)
		return lines[++*i];
	CHECKF(false, "%s: option %s without a value", name, lines[*i]);
	return NULL;
}

static void add_probe(struct golden_args *a, char *text, enum argdist_kind kind, const char *name)
{
	if (!text)
		return;
	CHECKF(a->nprobes < 8, "%s: more than 8 probes", name);
	if (a->nprobes < 8) {
		a->kinds[a->nprobes] = kind;
		a->probes[a->nprobes++] = text;
	}
}

/* Reads lines[1..n) as the tool's options; false on one this test does not
 * know (teach it, do not skip the case). */
static bool parse_args(struct golden_args *a, char **lines, int n, const char *name)
{
	bool trace = !strcmp(lines[0], "trace");
	int ncount = 0;

	*a = (struct golden_args){.tool = lines[0], .o = {.string_size = 80}};
	a->o.includes = a->includes;
	for (int i = 1; i < n; i++) {
		const char *opt = lines[i];

		if (!strcmp(opt, "-I") && a->o.nincludes < 8)
			a->includes[a->o.nincludes++] = value(lines, n, &i, name);
		else if (trace && !strcmp(opt, "-B"))
			a->o.bin_cmp = true;
		else if (trace && !strcmp(opt, "-c"))
			a->o.cgroup = value(lines, n, &i, name) != NULL;
		else if (trace && !strcmp(opt, "-K"))
			a->o.kstack = true;
		else if (trace && !strcmp(opt, "-U"))
			a->o.ustack = true;
		else if (!strcmp(opt, "--fentry") || !strcmp(opt, "--kprobe"))
			a->method = opt[2] == 'f' ? KFUNC_FENTRY : KFUNC_KPROBE;
		else if (!trace && !strcmp(opt, "-z"))
			a->o.string_size = atoi(value(lines, n, &i, name) ?: "0");
		else if (!trace && !strcmp(opt, "-C")) {
			/* BCC's order: every -C probe before every -H probe */
			memmove(&a->probes[ncount + 1], &a->probes[ncount],
				(a->nprobes - ncount) * sizeof(char *));
			memmove(&a->kinds[ncount + 1], &a->kinds[ncount],
				(a->nprobes - ncount) * sizeof(a->kinds[0]));
			a->probes[ncount] = value(lines, n, &i, name);
			a->kinds[ncount++] = ARGDIST_COUNT;
			a->nprobes++;
		} else if (!trace && !strcmp(opt, "-H"))
			add_probe(a, value(lines, n, &i, name), ARGDIST_HIST, name);
		else if (trace && opt[0] != '-')
			add_probe(a, lines[i], 0, name);
		else {
			CHECKF(false, "%s: option '%s' unknown to test_golden", name, opt);
			return false;
		}
	}
	return a->nprobes > 0 && (trace || !strcmp(lines[0], "argdist"));
}

static char *generate_trace(const struct golden_args *a, struct probe_env *e, struct cbcc_err *err)
{
	struct tprobe probes[8];
	char *src = NULL;
	int n = 0;

	while (n < a->nprobes && !tprobe_build(&probes[n], a->probes[n], n + 1, e, 80, err))
		n++;
	if (n == a->nprobes)
		src = tprobes_generate(probes, n, &a->o, e->bpf, err);
	while (n--)
		tprobe_free(&probes[n]);
	return src;
}

static char *generate_argdist(const struct golden_args *a, struct probe_env *e,
			      struct cbcc_err *err)
{
	struct aprobe probes[8];
	char *src = NULL;
	int n = 0;

	while (n < a->nprobes && !aprobe_build(&probes[n], a->probes[n], a->kinds[n], n + 1, e,
					       a->o.string_size, err))
		n++;
	if (n == a->nprobes)
		src = aprobes_generate(probes, n, &a->o, e->bpf, err);
	while (n--)
		aprobe_free(&probes[n]);
	return src;
}

/* --ebpf's program for a (without --fentry or --kprobe, the kernel is not
 * asked how to attach). */
static char *generate(const struct golden_args *a, struct cbcc_err *err)
{
	struct cbcc_bpf bpf = {0};
	struct probe_env e;
	char *src;

	probe_env_init(&e, &bpf, 0, false, true, a->method, false);
	e.facts = &fixed;
	src = strcmp(a->tool, "trace") ? generate_argdist(a, &e, err) : generate_trace(a, &e, err);
	probe_env_free(&e);
	return src;
}

/* The first line where got and want differ, for the failure message. */
static int first_diff_line(const char *got, const char *want)
{
	int line = 1;

	for (; *got && *got == *want; got++, want++)
		line += *got == '\n';
	return line;
}

/* The case of dir/NAME.args and dir/NAME.bpf.c. */
static void check_case(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s.args", dir, name);
	char *args = read_file(path);
	char *want_path = xasprintf("%s/%s.bpf.c", dir, name);
	char *want = read_file(want_path);
	char *lines[64], *save = NULL, *src = NULL;
	struct golden_args a;
	struct cbcc_err err = {0};
	int n = 0;

	CHECKF(args && want, "%s: cannot read %s or %s", name, path, want_path);
	for (char *l = args ? strtok_r(args, "\n", &save) : NULL; l && n < 64;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	if (n && want && parse_args(&a, lines, n, name)) {
		src = generate(&a, &err);
		CHECKF(src, "%s: generation failed: %s", name, err.msg);
	}
	CHECKF(src && !strcmp(src, want), "%s: generated program differs from %s at line %d", name,
	       want_path, src && want ? first_diff_line(src, want) : 0);
	free(src);
	free(want);
	free(want_path);
	free(args);
	free(path);
}

/* Every NAME.args in dir. */
static void check_dir(const char *dir)
{
	char *pattern = xasprintf("%s/*.args", dir);
	glob_t g;

	CHECKF(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0, "no golden cases in %s", dir);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *name = xstrdup(strrchr(g.gl_pathv[i], '/') + 1);

		name[strlen(name) - strlen(".args")] = '\0';
		check_case(dir, name);
		free(name);
	}
	globfree(&g);
	free(pattern);
}

int main(void)
{
	check_dir(CBCC_GOLDEN_DIR);
	check_dir(CBCC_GOLDEN_DIR "/fixed");
	return check_finish("golden");
}
