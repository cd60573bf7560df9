#include "kfunc.h"

#include <ctype.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "csrc.h"
#include "facts.h"
#include "strbuf.h"
#include "template.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

static const char *const fregs[] = {"di", "si", "dx", "cx", "r8", "r9"};

char *kfunc_fn_name(const struct probe_loc *loc)
{
	struct strbuf name = STRBUF_INIT;

	if (!csrc_is_ident(loc->function))
		return NULL;
	sb_append(&name, loc->type == PROBE_RETURN ? "kretfunc__" : "kfunc__");
	csrc_ident(&name, loc->function);
	return sb_steal(&name);
}

/* The running kernel's BTF with its functions indexed: loaded once per
 * plan, on first use; NULL (with why) when there is none. */
static const struct kbtf_funcs *plan_btf(struct kfunc_plan *pl, char *why, size_t size)
{
	struct cbcc_err err;

	if (!pl->btf_tried) {
		pl->btf_tried = true;
		pl->btf = access(VMLINUX_BTF, R_OK) == 0 ? kbtf_load(VMLINUX_BTF, &err) : NULL;
		pl->funcs = pl->btf ? kbtf_funcs_index(pl->btf) : NULL;
	}
	if (!pl->funcs)
		snprintf(why, size, "no kernel BTF at %s", VMLINUX_BTF);
	return pl->funcs;
}

/* Whether errno after a refused test program says the kernel refuses fentry
 * programs altogether (not just for this function: EINVAL and ENOENT are the
 * verifier's answers about a function, e.g. one on its deny list). */
static bool refused_by_kernel(int e)
{
	return e != EINVAL && e != ENOENT;
}

/* Fills c->why with the reason fentry cannot be used, or returns true: the
 * probe's own reasons, else what the facts say (the running system's:
 * kfunc_fentry_attaches). */
static bool fentry_works(struct kfunc_plan *pl, const struct probe_loc *loc, struct kfunc_choice *c)
{
	const struct sys_facts *facts;

	if (!csrc_is_ident(loc->function)) { /* no kfunc_fn_name */
		snprintf(c->why, sizeof(c->why), "'%s' is not a C identifier", loc->function);
		return false;
	}
	if (loc->offset) {
		snprintf(c->why, sizeof(c->why), "fentry cannot attach at an offset (+0x%llx)",
			 (unsigned long long)loc->offset);
		return false;
	}
	if (pl->fentry_refused) {
		snprintf(c->why, sizeof(c->why), "%s", pl->fentry_why);
		return false;
	}
	facts = pl->facts ? pl->facts : sys_facts_live();
	return facts->fentry_attaches(facts->ctx, pl, loc, c);
}

bool kfunc_fentry_attaches(void *ctx, struct kfunc_plan *pl, const struct probe_loc *loc,
			   struct kfunc_choice *c)
{
	const char *kind = loc->type == PROBE_RETURN ? "fexit" : "fentry";
	const struct kbtf_funcs *funcs;
	uint32_t id = 0;
	int fd;

	(void)ctx;
	if (!(funcs = plan_btf(pl, c->why, sizeof(c->why))))
		return false;
	c->nargs = kbtf_funcs_find(funcs, loc->function, &id);
	if (c->nargs < 0) {
		snprintf(c->why, sizeof(c->why), "kernel BTF does not describe '%s'",
			 loc->function);
		return false;
	}
	fd = rt_test_prog(BPF_PROG_TYPE_TRACING,
			  loc->type == PROBE_RETURN ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY, id);
	if (fd < 0) {
		int e = errno;

		snprintf(c->why, sizeof(c->why),
			 "the kernel refused a test %s program for '%s': %s", kind, loc->function,
			 strerror(e));
		if (refused_by_kernel(e)) {
			pl->fentry_refused = true;
			snprintf(pl->fentry_why, sizeof(pl->fentry_why),
				 "this kernel refuses %s programs (a test one for '%s': %s)", kind,
				 loc->function, strerror(e));
		}
		return false;
	}
	close(fd);
	snprintf(c->why, sizeof(c->why), "kernel BTF describes '%s' and a test %s program loaded",
		 loc->function, kind);
	return true;
}

/* Chooses how to attach kernel-function probe loc. Fails only when fentry
 * is forced and cannot work, naming what is missing. */
static int choose(struct kfunc_plan *pl, const struct probe_loc *loc, struct kfunc_choice *c,
		  struct cbcc_err *err)
{
	enum kfunc_method method = pl->method;

	memset(c, 0, sizeof(*c));
	if (method == KFUNC_KPROBE) {
		snprintf(c->why, sizeof(c->why), "forced by --kprobe");
		return 0;
	}
	c->fentry = fentry_works(pl, loc, c);
	if (!c->fentry && method == KFUNC_FENTRY)
		return cbcc_errf(err, "cannot use %s for kernel function '%s' (--fentry): %s",
				 loc->type == PROBE_RETURN ? "fexit" : "fentry", loc->function,
				 c->why);
	if (method == KFUNC_FENTRY)
		snprintf(c->why, sizeof(c->why), "forced by --fentry");
	return 0;
}

static bool taken(const struct kfunc_plan *pl, const char *name)
{
	for (int i = 0; i < pl->ntaken; i++)
		if (!strcmp(pl->taken[i], name))
			return true;
	return false;
}

int kfunc_plan_probe(struct kfunc_plan *pl, const struct probe_loc *loc, const char *what,
		     struct kfunc_choice *c, char **fn_name, struct cbcc_err *err)
{
	char *name;

	if (choose(pl, loc, c, err))
		return -1;
	name = c->fentry ? kfunc_fn_name(loc) : NULL;
	if (name && taken(pl, name)) {
		free(name);
		name = NULL;
		c->fentry = false;
		if (pl->method == KFUNC_FENTRY)
			return cbcc_errf(err,
					 "--fentry allows one probe per kernel function and kind");
		snprintf(c->why, sizeof(c->why),
			 "another probe already is the fentry/fexit program");
	}
	if (name) {
		pl->taken = xrealloc(pl->taken, (pl->ntaken + 1) * sizeof(char *));
		pl->taken[pl->ntaken++] = xstrdup(name);
		free(*fn_name);
		*fn_name = name;
	}
	if (pl->verbose)
		fprintf(stderr, "%s: %s: %s (%s)\n", pl->tool, what,
			!c->fentry		    ? "kprobe"
			: loc->type == PROBE_RETURN ? "fexit"
						    : "fentry",
			c->why);
	return 0;
}

void kfunc_plan_free(struct kfunc_plan *pl)
{
	free_strv(pl->taken, pl->ntaken);
	pl->taken = NULL;
	pl->ntaken = 0;
	kbtf_funcs_free(pl->funcs);
	kbtf_free(pl->btf);
	pl->funcs = NULL;
	pl->btf = NULL;
	pl->btf_tried = false;
}

void kfunc_explain(struct cbcc_err *err, enum kfunc_method m, const struct probe_loc *loc,
		   const char *why)
{
	char after[400];

	if (m != KFUNC_AUTO || !probe_loc_is_kernel_function(loc) || !why || !*why)
		return;
	snprintf(after, sizeof(after), " (fentry not used: %s)", why);
	cbcc_err_wrap(err, "", after);
}

int kfunc_method_option(bool fentry, enum kfunc_method *m, struct cbcc_err *err)
{
	enum kfunc_method want = fentry ? KFUNC_FENTRY : KFUNC_KPROBE;

	if (*m && *m != want)
		return cbcc_errf(err, "only one of --kprobe and --fentry may be specified");
	*m = want;
	return 0;
}

char *kfunc_params(void)
{
	return xstrdup("unsigned long long *" KFUNC_CTX);
}

/* The name declared by a parameter such as "struct sock *sk". */
static char *param_name(const char *param)
{
	const char *end = param + strlen(param), *start;

	while (end > param && isspace((unsigned char)end[-1]))
		end--;
	start = end;
	while (start > param && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
		start--;
	return xstrndup(start, (size_t)(end - start));
}

static void declare_signature(struct strbuf *out, const char *signature, int nargs)
{
	char **params;
	int n = split_top_level(signature, ',', &params);

	for (int i = 0; i < n && i < nargs; i++) {
		char *name = param_name(params[i]);

		if (*name)
			sb_printf(out, "\t%s = (typeof(%s))" KFUNC_CTX "[%d];\n", params[i], name,
				  i);
		free(name);
	}
	free_strv(params, n);
}

char *kfunc_prologue(const struct probe_loc *loc, int nargs, const char *signature)
{
	struct strbuf out = STRBUF_INIT, args = STRBUF_INIT;
	struct tvar vars[] = {{"ARGS", NULL}};

	for (int i = 0; i < nargs && i < (int)ARRAY_SIZE(fregs); i++)
		sb_printf(&args, "\t__fregs.%s = " KFUNC_CTX "[%d];\n", fregs[i], i);
	if (loc->type == PROBE_RETURN)
		sb_printf(&args, "\t__fregs.ax = " KFUNC_CTX "[%d];\n", nargs);
	if (signature && *signature)
		declare_signature(&args, signature, nargs);
	vars[0].value = sb_str(&args);
	template_render(&out, "kfunc_prologue.c", vars, ARRAY_SIZE(vars));
	sb_free(&args);
	return sb_steal(&out);
}

int kfunc_attach(struct cbcc_bpf *b, const char *fn_name, struct cbcc_err *err)
{
	int fd = rt_load(b, fn_name, BPF_PROG_TYPE_TRACING, err);

	if (fd < 0)
		return -1;
	return rt_attach_kfunc(b, fd, fn_name, err);
}
