#include "tprobe.h"

#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

/* The sys_exit program that re-reads strings a sys_enter probe could not,
 * when the syscall has an exit tracepoint. */
static char *exit_fn_name(const struct tprobe *p, const struct sys_facts *f)
{
	char *exit_ev;
	bool exists;

	if (!codegen_wants_retry_at_exit(&p->spec))
		return NULL;
	exit_ev = codegen_sys_exit_event(&p->spec);
	exists = f->tracepoint_exists(f->ctx, "syscalls", exit_ev);
	free(exit_ev);
	return exists ? xasprintf("%s_exit", p->gen.fn_name) : NULL;
}

static int check_tp_fields(const struct tprobe *p, struct cbcc_err *err)
{
	const struct trace_spec *s = &p->spec;

	if (probe_check_tp_fields(&s->loc, &p->res, s->raw, &s->predicate, &s->pred_off, 1, err))
		return -1;
	return probe_check_tp_fields(&s->loc, &p->res, s->raw, s->args, s->arg_offs, s->nargs, err);
}

/* What codegen_trace reads: a fentry probe's function is its program. */
static void plan_gen(struct tprobe *p, const struct sys_facts *f)
{
	p->gen.spec = &p->spec;
	p->gen.fn_name = p->kfunc.prog ? p->kfunc.prog : p->name;
	p->gen.fentry = p->kfunc.prog != NULL;
	p->gen.nargs = p->kfunc.nargs;
	p->gen.exit_fn = exit_fn_name(p, f);
	p->gen.usdt_argtypes = p->res.usdt_argtypes;
	p->gen.nusdt_args = p->res.nusdt_args;
	p->gen.tp_fields = p->res.fields;
	p->gen.ntp_fields = p->res.nfields;
}

static int build(struct tprobe *p, const char *text, int n, struct probe_env *e, int string_size,
		 struct cbcc_err *err)
{
	memset(p, 0, sizeof(*p));
	if (trace_spec_parse(text, &p->spec, err))
		return probe_err(err, text);
	p->name = codegen_fn_name(&p->spec.loc, n);
	p->func = probe_loc_func_column(&p->spec.loc);
	if (probe_resolve(e->bpf, e->facts, &p->spec.loc, e->pid, p->name, e->unsafe, &p->res,
			  err) ||
	    probe_kfunc_plan(e, &p->spec.loc, p->spec.raw, &p->kfunc, err) ||
	    check_tp_fields(p, err))
		return probe_err(err, text);
	plan_gen(p, e->facts);
	p->offsets = xcalloc(p->spec.fmt.nconv + 1, sizeof(size_t));
	p->size = trace_event_layout(&p->spec, string_size, p->offsets);
	return 0;
}

int tprobe_build(struct tprobe *p, const char *text, int n, struct probe_env *e, int string_size,
		 struct cbcc_err *err)
{
	int rc = build(p, text, n, e, string_size, err);

	if (rc)
		tprobe_free(p);
	return rc;
}

int tprobe_nprogs(const struct tprobe *p)
{
	return 1 + (p->gen.exit_fn != NULL);
}

static int attach_exit(const struct tprobe *p, struct probe_env *e, struct cbcc_err *err)
{
	char *exit_ev = codegen_sys_exit_event(&p->spec);
	int fd = rt_load(e->bpf, p->gen.exit_fn, BPF_PROG_TYPE_TRACEPOINT, err);
	int rc = fd < 0 ? -1 : rt_attach_tracepoint(e->bpf, fd, "syscalls", exit_ev, err);

	free(exit_ev);
	return rc;
}

int tprobe_attach(const struct tprobe *p, struct probe_env *e, struct cbcc_err *err)
{
	if ((p->gen.exit_fn && attach_exit(p, e, err)) ||
	    probe_base_attach(e, &p->spec.loc, &p->res, p->gen.fn_name, &p->kfunc, err))
		return probe_err(err, p->spec.raw);
	return 0;
}

char *tprobes_generate(const struct tprobe *probes, int n, const struct gen_opts *o,
		       struct cbcc_bpf *bpf, struct cbcc_err *err)
{
	struct gen_probe *gp = xcalloc(n, sizeof(*gp));
	char *src;

	for (int i = 0; i < n; i++)
		gp[i] = probes[i].gen;
	src = codegen_trace(gp, n, o, err);
	free(gp);
	return rt_usdt_program(bpf, src);
}

void tprobe_decode(const struct tprobe *p, const char *data, int tgid, int string_size,
		   struct syms *syms, struct fmt_value *vals, struct strbuf *texts)
{
	const struct fmt *f = &p->spec.fmt;
	size_t str_size = (p->size - TRACE_EVENT_HDR_SIZE); /* bound for strnlen below */

	for (int i = 0; i < f->nconv; i++) {
		const char *field = data + p->offsets[i];

		memcpy(&vals[i].num, field, sizeof(uint64_t));
		switch (f->convs[i].kind) {
		case CONV_STRING:
			sb_appendn(&texts[i], field,
				   strnlen(field, (size_t)string_size < str_size
							  ? (size_t)string_size
							  : str_size));
			break;
		case CONV_POINTER:
			sb_printf(&texts[i], "0x%llx", (unsigned long long)vals[i].num);
			break;
		case CONV_KSYM:
			syms_format(syms, -1, vals[i].num, false, true, &texts[i]);
			break;
		case CONV_USYM:
			syms_format(syms, tgid, vals[i].num, true, true, &texts[i]);
			break;
		default:
			break;
		}
		vals[i].str = sb_str(&texts[i]);
	}
}

void tprobe_json_args(const struct tprobe *p, const struct fmt_value *vals, struct json *j)
{
	static const char *const kinds[] = {
		[CONV_SIGNED] = "signed", [CONV_UNSIGNED] = "unsigned", [CONV_CHAR] = "char",
		[CONV_STRING] = "string", [CONV_POINTER] = "pointer",	[CONV_KSYM] = "ksym",
		[CONV_USYM] = "usym",
	};
	const struct fmt *f = &p->spec.fmt;

	json_array(j, "args");
	for (int i = 0; i < f->nconv; i++) {
		enum conv_kind kind = f->convs[i].kind;
		char c = (char)vals[i].num;

		json_object(j, NULL);
		json_str(j, "type", kinds[kind]);
		if (kind == CONV_SIGNED)
			json_i64(j, "value", (int64_t)vals[i].num);
		else if (kind == CONV_UNSIGNED)
			json_u64(j, "value", vals[i].num);
		else if (kind == CONV_CHAR)
			json_strn(j, "value", &c, 1);
		else
			json_str(j, "value", vals[i].str);
		if (kind == CONV_POINTER || kind == CONV_KSYM || kind == CONV_USYM)
			json_u64(j, "address", vals[i].num);
		json_close(j);
	}
	json_close(j);
}

/* The addresses of a stack (leaf first); how many. pid < 0: a kernel stack,
 * read the same whether a kprobe or a fentry/fexit program of p walked it. */
static size_t read_stack(const struct tprobe *p, const struct tprobe_stacks *st, int stack_id,
			 int pid, uint64_t ips[TPROBE_MAX_FRAMES])
{
	int n = 0;

	memset(ips, 0, TPROBE_MAX_FRAMES * sizeof(*ips));
	if (stack_id < 0 || rt_map_lookup(st->fd, &stack_id, ips) < 0)
		return 0;
	while (n < TPROBE_MAX_FRAMES && ips[n])
		n++;
	if (pid < 0)
		n = syms_trim_bpf_frames(st->syms, ips, n, p->spec.loc.type == PROBE_RETURN);
	return (size_t)n;
}

/* -s: a user stack of build ID + file offset frames, resolved through the
 * -s files (the process and its binary may be gone); an address when the
 * kernel could not read the build ID. */
static size_t build_id_frames(const struct tprobe_stacks *st, int stack_id, int pid,
			      const char *addr_fmt, struct strbuf frames[TPROBE_MAX_FRAMES])
{
	struct bpf_stack_build_id ids[TPROBE_MAX_FRAMES];
	size_t n = 0;

	memset(ids, 0, sizeof(ids));
	if (stack_id < 0 || rt_map_lookup(st->build_id_fd, &stack_id, ids) < 0)
		return 0;
	for (; n < TPROBE_MAX_FRAMES && ids[n].status != BPF_STACK_BUILD_ID_EMPTY; n++) {
		if (st->address)
			sb_printf(&frames[n], addr_fmt,
				  (unsigned long long)(ids[n].status == BPF_STACK_BUILD_ID_IP
							       ? ids[n].ip
							       : ids[n].offset));
		syms_format_build_id(st->syms, pid, &ids[n], true, true, &frames[n]);
	}
	return n;
}

/* The frames of a stack as text, leaf first: with -a the address first,
 * printed with addr_fmt. pid < 0: a kernel stack. */
size_t tprobe_stack_frames(const struct tprobe *p, const struct tprobe_stacks *st, int stack_id,
			   int pid, const char *addr_fmt, struct strbuf frames[TPROBE_MAX_FRAMES])
{
	uint64_t ips[TPROBE_MAX_FRAMES];
	size_t n;

	if (pid >= 0 && st->build_id_fd >= 0)
		return build_id_frames(st, stack_id, pid, addr_fmt, frames);
	n = read_stack(p, st, stack_id, pid, ips);
	for (size_t i = 0; i < n; i++) {
		if (st->address)
			sb_printf(&frames[i], addr_fmt, (unsigned long long)ips[i]);
		syms_format(st->syms, pid, ips[i], true, true, &frames[i]);
	}
	return n;
}

char *tprobe_silent_hint(const struct tprobe *p)
{
	static const char *const known[][2] = {
		{"do_sys_open", "do_sys_openat2"},
		{"sys_open", "do_sys_openat2"},
	};
	const char *instead = NULL;

	if (p->hits || !probe_loc_is_kernel_function(&p->spec.loc))
		return NULL;
	for (size_t k = 0; k < ARRAY_SIZE(known); k++)
		if (!strcmp(p->spec.loc.function, known[k][0]))
			instead = known[k][1];
	return xasprintf("%s: no event seen; the function may be inlined into its callers on "
			 "this kernel%s%s%s",
			 p->spec.raw, instead ? " (try " : "", instead ? instead : "",
			 instead ? ")" : "");
}

void tprobe_free(struct tprobe *p)
{
	trace_spec_free(&p->spec);
	free(p->name);
	probe_kfunc_free(&p->kfunc);
	free(p->gen.exit_fn);
	free(p->func);
	resolved_probe_free(&p->res);
	free(p->offsets);
	memset(p, 0, sizeof(*p));
}
