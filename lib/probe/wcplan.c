#include "wcplan.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signals.h"
#include "syscall_slots.h"
#include "syscalls.h"
#include "sysenv.h"
#include "template.h"

/* From this many syscall tracepoints of one direction on, a raw_syscalls
 * program serves them (it runs for every system call of the system, as the
 * syscall tracepoints' own hook does once one of them is enabled). */
#define SYS_MIN_TRACEPOINTS 2

static void say(const struct wc_plan_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct wc_plan_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->verbose)
		return;
	fprintf(stderr, "%s: ", o->tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void set_how(struct wc_plan *plan, int i, enum wc_how how)
{
	plan->count[plan->how[i]]--;
	plan->how[i] = how;
	plan->count[how]++;
}

/* NAME of tracepoint "syscalls:sys_enter_NAME" (*exit false) or
 * "syscalls:sys_exit_NAME" (*exit true); NULL for others. */
static const char *syscall_name(const char *tp, bool *exit)
{
	if (starts_with(tp, "syscalls:sys_enter_")) {
		*exit = false;
		return tp + strlen("syscalls:sys_enter_");
	}
	if (starts_with(tp, "syscalls:sys_exit_")) {
		*exit = true;
		return tp + strlen("syscalls:sys_exit_");
	}
	return NULL;
}

static int count_syscall_tracepoints(const struct wc_list *l)
{
	int n = 0;
	bool exit;

	for (int i = 0; i < l->n; i++)
		n += syscall_name(l->m[i].name, &exit) != NULL;
	return n;
}

/* Numbers the syscall tracepoints of l from table t; returns how many of
 * each direction got one (ndir[0] entries, ndir[1] exits). */
static void number_syscalls(const struct wc_list *l, const struct sys_table *t,
			    struct wc_plan *plan, int ndir[2])
{
	for (int i = 0; i < l->n; i++) {
		bool exit;
		const char *name = syscall_name(l->m[i].name, &exit);

		plan->sysnr[i] = name ? sys_table_nr(t, name) : -1;
		if (plan->sysnr[i] >= 0)
			ndir[exit]++;
	}
}

/* Syscall tracepoints by number (see SYS_MIN_TRACEPOINTS); the others, and
 * all of them when the numbers or 32-bit system calls cannot be told, keep
 * one tracepoint each. */
static void plan_syscalls(const struct wc_list *l, const struct wc_plan_opts *o,
			  struct wc_plan *plan)
{
	int nsys = count_syscall_tracepoints(l), ndir[2] = {0, 0};
	struct sys_table t;
	char why[320];

	if (!o->by_syscall_nr || nsys < SYS_MIN_TRACEPOINTS)
		return;
	if (o->no_multi) {
		say(o, "%d syscall tracepoints: one tracepoint each (--no-multi)", nsys);
		return;
	}
	if (sys_table_load(&t, why, sizeof(why)) ||
	    (plan->compat_offset = sys_compat_status_offset(why, sizeof(why))) < 0) {
		say(o, "%d syscall tracepoints: one tracepoint each (%s)", nsys, why);
		if (t.source)
			sys_table_free(&t);
		return;
	}
	number_syscalls(l, &t, plan, ndir);
	for (int i = 0; i < l->n; i++) {
		bool exit;
		const char *name = syscall_name(l->m[i].name, &exit);

		if (plan->sysnr[i] >= 0 && ndir[exit] >= SYS_MIN_TRACEPOINTS)
			set_how(plan, i, exit ? WC_SYS_EXIT : WC_SYS_ENTER);
		else if (name)
			say(o, "%s: its own tracepoint (%s)", l->m[i].name,
			    plan->sysnr[i] < 0 ? "its syscall number is not in the table"
					       : "too few of its direction for raw_syscalls");
		if (plan->how[i] == WC_SINGLE)
			plan->sysnr[i] = -1;
	}
	say(o,
	    "%d syscall tracepoints by syscall number (numbers from %s): %d through "
	    "raw_syscalls:sys_enter, %d through raw_syscalls:sys_exit",
	    plan->count[WC_SYS_ENTER] + plan->count[WC_SYS_EXIT], t.source,
	    plan->count[WC_SYS_ENTER], plan->count[WC_SYS_EXIT]);
	sys_table_free(&t);
}

/* Library functions: one uprobe_multi link, else one uprobe each. */
static void plan_uprobes(const struct wc_pattern *p, const struct wc_list *l,
			 const struct wc_plan_opts *o, struct wc_plan *plan)
{
	char why[320] = "--no-multi";

	if (!o->no_multi && rt_has_uprobe_multi(why, sizeof(why))) {
		for (int i = 0; i < l->n; i++)
			set_how(plan, i, WC_MULTI);
		say(o, "%d function%s of %s: one uprobe_multi link", l->n, l->n == 1 ? "" : "s",
		    p->library);
		return;
	}
	say(o, "%d function%s of %s: one uprobe each (%s)", l->n, l->n == 1 ? "" : "s", p->library,
	    why);
}

/* The error for kernel functions planned for kprobes on a kernel without. */
static int no_kprobes(const struct wc_pattern *p, const struct wc_list *l,
		      const struct wc_plan *plan, struct cbcc_err *err)
{
	int first = 0, k = plan->count[WC_SINGLE];
	struct probe_loc loc = {.type = PROBE_ENTRY, .library = ""};
	char *what;

	while (plan->how[first] != WC_SINGLE)
		first++;
	loc.function = l->m[first].name;
	what = k == 1	   ? xasprintf("kernel function '%s'", loc.function)
	       : k == l->n ? xasprintf("the %d kernel functions matched by '%s'", k, p->text)
			   : xasprintf("%d of the kernel functions matched by '%s'", k, p->text);
	sysenv_no_kprobes(err, what);
	free(what);
	kfunc_explain(err, plan->method, &loc, plan->why);
	return -1;
}

/* Kernel functions: with several (or --kprobe), one kprobe_multi link where
 * the kernel has them; else fentry where it works (or is forced), and
 * kprobes for the rest. */
static int plan_kernel(const struct wc_pattern *p, const struct wc_list *l,
		       const struct wc_plan_opts *o, char **fn_names, struct wc_plan *plan,
		       struct cbcc_err *err)
{
	struct kfunc_plan kp = {.method = o->kfunc, .tool = o->tool, .verbose = o->verbose};
	char why[320] = "--no-multi";
	bool multi =
		!o->no_multi && o->kfunc != KFUNC_FENTRY && rt_has_kprobe_multi(why, sizeof(why));
	int rc = 0;

	if (multi && (o->kfunc == KFUNC_KPROBE || l->n > 1)) {
		for (int i = 0; i < l->n; i++)
			set_how(plan, i, WC_MULTI);
		say(o, "%d kernel function%s: one kprobe_multi link", l->n, l->n == 1 ? "" : "s");
		return 0;
	}
	if (o->kfunc != KFUNC_FENTRY)
		say(o, "kprobe_multi not used: %s", why);
	for (int i = 0; i < l->n && !rc; i++) {
		struct probe_loc loc = {
			.type = PROBE_ENTRY, .library = "", .function = l->m[i].name};
		struct kfunc_choice ch;

		if (signals_pending())
			rc = cbcc_errf(err, "interrupted");
		else
			rc = kfunc_plan_probe(&kp, &loc, loc.function, &ch, &fn_names[i], err);
		if (rc)
			break;
		set_how(plan, i, ch.fentry ? WC_FENTRY : multi ? WC_MULTI : WC_SINGLE);
		if (!ch.fentry && !*plan->why)
			snprintf(plan->why, sizeof(plan->why), "%s", ch.why);
	}
	kfunc_plan_free(&kp);
	if (!rc && plan->count[WC_SINGLE] && !sysenv_has_kprobes())
		rc = no_kprobes(p, l, plan, err);
	return rc;
}

int wc_plan(const struct wc_pattern *p, const struct wc_list *l, const struct wc_plan_opts *o,
	    char **fn_names, struct wc_plan *plan, struct cbcc_err *err)
{
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	plan->n = l->n;
	plan->method = o->kfunc;
	plan->how = xcalloc(l->n ? l->n : 1, sizeof(*plan->how));
	plan->sysnr = xcalloc(l->n ? l->n : 1, sizeof(*plan->sysnr));
	plan->count[WC_SINGLE] = l->n;
	for (int i = 0; i < l->n; i++)
		plan->sysnr[i] = -1;
	if (p->type == PROBE_TRACEPOINT)
		plan_syscalls(l, o, plan);
	else if (p->type == PROBE_ENTRY && p->library)
		plan_uprobes(p, l, o, plan);
	else if (p->type == PROBE_ENTRY)
		rc = plan_kernel(p, l, o, fn_names, plan, err);
	if (!rc && signals_pending())
		rc = cbcc_errf(err, "interrupted");
	return rc;
}

void wc_plan_free(struct wc_plan *plan)
{
	free(plan->how);
	free(plan->sysnr);
	memset(plan, 0, sizeof(*plan));
}

int wc_plan_configure(struct cbcc_bpf *b, const struct wc_plan *plan, struct cbcc_err *err)
{
	struct cbcc_sys_compat compat = {(uint64_t)plan->compat_offset, SYS_TS_COMPAT};
	uint32_t zero = 0;
	int slots, cfg;

	if (!plan->count[WC_SYS_ENTER] && !plan->count[WC_SYS_EXIT])
		return 0;
	if ((slots = rt_table_fd(b, SYSCALL_SLOTS_TABLE, err)) < 0 ||
	    (cfg = rt_table_fd(b, SYSCALL_COMPAT_TABLE, err)) < 0)
		return -1;
	if (rt_map_update(cfg, &zero, &compat) < 0)
		return cbcc_errf(err, "cannot configure the raw_syscalls programs: %s",
				 strerror(errno));
	for (int i = 0; i < plan->n; i++) {
		uint32_t key, slot = (uint32_t)i + 1;

		if (plan->how[i] != WC_SYS_ENTER && plan->how[i] != WC_SYS_EXIT)
			continue;
		key = (plan->how[i] == WC_SYS_EXIT ? SYS_NR_MAX : 0) + (uint32_t)plan->sysnr[i];
		if (rt_map_update(slots, &key, &slot) < 0)
			return cbcc_errf(err, "cannot configure the raw_syscalls programs: %s",
					 strerror(errno));
	}
	return 0;
}

/* ---- attaching ---- */

/* Programs loaded so far, by name: stackcount runs one for many matches. */
struct loaded {
	const char **names;
	int *fds;
	int n;
};

static int load_once(struct cbcc_bpf *b, struct loaded *ld, const char *name, int prog_type,
		     struct cbcc_err *err)
{
	int fd;

	for (int i = 0; i < ld->n; i++)
		if (!strcmp(ld->names[i], name))
			return ld->fds[i];
	fd = rt_load(b, name, prog_type, err);
	if (fd < 0)
		return -1;
	ld->names = xrealloc(ld->names, (ld->n + 1) * sizeof(*ld->names));
	ld->fds = xrealloc(ld->fds, (ld->n + 1) * sizeof(*ld->fds));
	ld->names[ld->n] = name;
	ld->fds[ld->n++] = fd;
	return fd;
}

/* Warns that match i, a library function the kernel cannot uprobe, is
 * skipped (err says why); false when it is the pattern's only match. */
static bool skip_unprobeable(const struct wc_list *l, int i, const char *tool,
			     const struct cbcc_err *err)
{
	if (l->n < 2)
		return false;
	fprintf(stderr, "%s: warning: skipping %s: %s\n", tool, l->m[i].name, err->msg);
	return true;
}

/* Match i on its own: a tracepoint, a uprobe or a kprobe. Returns 1 when
 * a library function was skipped (see skip_unprobeable). */
static int attach_single(struct cbcc_bpf *b, int fd, const struct wc_pattern *p,
			 const struct wc_list *l, const struct wc_plan *plan, int i, pid_t pid,
			 const char *tool, struct cbcc_err *err)
{
	struct probe_loc loc = {.type = PROBE_ENTRY, .library = "", .function = l->m[i].name};
	const char *name = loc.function;

	if (p->type == PROBE_TRACEPOINT) {
		char *cat = xstrndup(name, strcspn(name, ":"));
		int rc = rt_attach_tracepoint(b, fd, cat, strchr(name, ':') + 1, err);

		free(cat);
		return rc;
	}
	if (p->library) {
		if (!rt_attach_uprobe(b, fd, false, p->library, l->m[i].offset, pid, err))
			return 0;
		return errno == 524 && skip_unprobeable(l, i, tool, err) ? 1 : -1;
	}
	if (!rt_attach_kprobe(b, fd, false, name, 0, err))
		return 0;
	kfunc_explain(err, plan->method, &loc, plan->why);
	return -1;
}

/* Library functions idx[0..n) through uprobe_multi links: one for all, or,
 * when some instruction cannot be uprobed (ENOTSUPP, which the kernel does
 * not pin on an offset), one per half, down to the culprits, which are
 * skipped. Adds the skipped to *skipped. */
static int attach_uprobes(struct cbcc_bpf *b, int fd, const struct wc_pattern *p,
			  const struct wc_list *l, const int *idx, int n, pid_t pid,
			  const char *tool, int *skipped, struct cbcc_err *err)
{
	uint64_t *offsets = xcalloc(n, sizeof(uint64_t)), *cookies = xcalloc(n, sizeof(uint64_t));
	int rc;

	for (int k = 0; k < n; k++) {
		offsets[k] = l->m[idx[k]].offset;
		cookies[k] = (uint64_t)idx[k];
	}
	rc = rt_attach_uprobe_multi(b, fd, p->library, offsets, cookies, n, pid, err);
	free(offsets);
	free(cookies);
	if (!rc || errno != 524 || signals_pending())
		return rc;
	if (n == 1) {
		if (!skip_unprobeable(l, idx[0], tool, err))
			return -1;
		(*skipped)++;
		return 0;
	}
	return attach_uprobes(b, fd, p, l, idx, n / 2, pid, tool, skipped, err) ||
			       attach_uprobes(b, fd, p, l, idx + n / 2, n - n / 2, pid, tool,
					      skipped, err)
		       ? -1
		       : 0;
}

static int attach_kprobes(struct cbcc_bpf *b, int fd, const struct wc_list *l, const int *idx,
			  int n, struct cbcc_err *err)
{
	const char **syms = xcalloc(n, sizeof(char *));
	uint64_t *cookies = xcalloc(n, sizeof(uint64_t));
	int rc;

	for (int k = 0; k < n; k++) {
		syms[k] = l->m[idx[k]].name;
		cookies[k] = (uint64_t)idx[k];
	}
	rc = rt_attach_kprobe_multi(b, fd, syms, cookies, n, err);
	free(syms);
	free(cookies);
	return rc;
}

static int attach_multi(struct cbcc_bpf *b, const struct wc_pattern *p, const struct wc_list *l,
			const struct wc_plan *plan, const char *prog, pid_t pid, const char *tool,
			int *skipped, struct cbcc_err *err)
{
	int *idx = xcalloc(plan->count[WC_MULTI], sizeof(int)), n = 0, fd, rc;

	for (int i = 0; i < l->n; i++)
		if (plan->how[i] == WC_MULTI)
			idx[n++] = i;
	fd = rt_load_as(b, prog, BPF_PROG_TYPE_KPROBE,
			p->library ? RT_UPROBE_MULTI : RT_KPROBE_MULTI, err);
	rc = fd < 0	  ? -1
	     : p->library ? attach_uprobes(b, fd, p, l, idx, n, pid, tool, skipped, err)
			  : attach_kprobes(b, fd, l, idx, n, err);
	free(idx);
	return rc;
}

static int attach_raw_syscalls(struct cbcc_bpf *b, const char *prog, const char *event,
			       struct cbcc_err *err)
{
	int fd = rt_load(b, prog, BPF_PROG_TYPE_TRACEPOINT, err);

	return fd < 0 ? -1 : rt_attach_tracepoint(b, fd, "raw_syscalls", event, err);
}

static int attach_singles(struct cbcc_bpf *b, const struct wc_pattern *p, const struct wc_list *l,
			  const struct wc_plan *plan, const struct wc_progs *progs, pid_t pid,
			  const char *tool, int *skipped, struct cbcc_err *err)
{
	int prog_type =
		p->type == PROBE_TRACEPOINT ? BPF_PROG_TYPE_TRACEPOINT : BPF_PROG_TYPE_KPROBE;
	struct loaded ld = {NULL, NULL, 0};
	int rc = 0;

	for (int i = 0; i < l->n && !rc && !signals_pending(); i++) {
		int fd;

		if (plan->how[i] == WC_FENTRY) {
			rc = kfunc_attach(b, progs->single[i], err);
		} else if (plan->how[i] == WC_SINGLE) {
			fd = load_once(b, &ld, progs->single[i], prog_type, err);
			rc = fd < 0 ? -1 : attach_single(b, fd, p, l, plan, i, pid, tool, err);
			*skipped += rc > 0;
			rc = rc < 0 ? -1 : 0;
		}
	}
	free(ld.names);
	free(ld.fds);
	return rc;
}

int wc_attach_all(struct cbcc_bpf *b, const struct wc_pattern *p, const struct wc_list *l,
		  const struct wc_plan *plan, const struct wc_progs *progs, pid_t pid,
		  const char *tool, int *attached, struct cbcc_err *err)
{
	const int *count = plan->count;
	/* a descriptor (or two) per probe: one each, or one per link */
	int probes = count[WC_SINGLE] + count[WC_FENTRY] + (count[WC_MULTI] > 0) +
		     (count[WC_SYS_ENTER] > 0) + (count[WC_SYS_EXIT] > 0);
	int skipped = 0, rc = 0;

	if (rt_check_fds(probes, probes, false, err))
		return -1;
	*attached = l->n;
	if (p->type == PROBE_USDT)
		return rt_usdt_attach(b, err);
	if (plan->count[WC_MULTI])
		rc = attach_multi(b, p, l, plan, progs->multi, pid, tool, &skipped, err);
	if (!rc && plan->count[WC_SYS_ENTER] && !signals_pending())
		rc = attach_raw_syscalls(b, progs->sys_enter, "sys_enter", err);
	if (!rc && plan->count[WC_SYS_EXIT] && !signals_pending())
		rc = attach_raw_syscalls(b, progs->sys_exit, "sys_exit", err);
	if (!rc)
		rc = attach_singles(b, p, l, plan, progs, pid, tool, &skipped, err);
	if (!rc && skipped && skipped == l->n)
		rc = -1; /* err holds the last skipped one's reason */
	*attached = l->n - skipped;
	return rc;
}

void wc_render_syscall_slots(struct strbuf *out)
{
	char nr_max[16], slots[16];
	struct tvar vars[] = {{"NR_MAX", nr_max}, {"SLOTS", slots}};

	snprintf(nr_max, sizeof(nr_max), "%d", SYS_NR_MAX);
	snprintf(slots, sizeof(slots), "%d", 2 * SYS_NR_MAX);
	template_render(out, "syscall_slots.c", vars, ARRAY_SIZE(vars));
}
