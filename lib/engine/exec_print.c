#include "exec_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execsnoop.h"
#include "output.h"
#include "strbuf.h"
#include "util.h"

/* --exit: a printed line waits for its process's exit. */
struct exec_pending {
	uint32_t pid;
	uint64_t ts;
	char *head; /* columns before the run time */
	char *args;
};

void exec_printer_init(struct exec_printer *s, const struct exec_print_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->o = *o;
}

void exec_printer_start(struct exec_printer *s)
{
	s->first_ts = output_monotonic_ns();
}

/* The parent from /proc when the kernel could not tell (no BTF). */
static uint32_t proc_ppid(uint32_t pid)
{
	char *path = xasprintf("/proc/%u/status", pid);
	char *text = read_file(path);
	char *p = text ? strstr(text, "\nPPid:") : NULL;
	long ppid = 0;

	if (p)
		ppid = strtol(p + 6, NULL, 10);
	free(text);
	free(path);
	return ppid > 0 ? (uint32_t)ppid : 0;
}

static void append_arg(struct strbuf *sb, const char *arg, bool quote)
{
	if (sb->len)
		sb_append(sb, " ");
	if (!quote) {
		sb_append(sb, arg);
		return;
	}
	sb_append(sb, "\"");
	for (const char *p = arg; *p; p++)
		sb_append(sb, *p == '"' ? "\\\"" : (char[2]){*p, 0});
	sb_append(sb, "\"");
}

/* The arguments joined by spaces, as -l sees them (unquoted), and as printed. */
static void join_args(const struct exec_event *e, int size, bool quote, struct strbuf *plain,
		      struct strbuf *shown)
{
	uint32_t n = e->nargs;

	if ((size_t)size < sizeof(*e) + (size_t)n * ARGSIZE)
		n = (uint32_t)((size - (int)sizeof(*e)) / ARGSIZE);
	for (uint32_t i = 0; i <= n; i++) {
		const char *arg = i < n ? e->args + (size_t)i * ARGSIZE : "...";
		char buf[ARGSIZE + 1];

		if (i == n && !e->truncated)
			break;
		snprintf(buf, sizeof(buf), "%.*s", ARGSIZE, arg);
		if (plain->len)
			sb_append(plain, " ");
		sb_append(plain, buf);
		append_arg(shown, buf, quote);
	}
}

static void format_head(struct exec_printer *s, const struct exec_event *e, struct strbuf *head)
{
	char ppid[16];
	struct strbuf comm = STRBUF_INIT;
	uint32_t parent = e->ppid ? e->ppid : proc_ppid(e->pid);

	if (s->o.time) {
		char hms[16];

		output_hms(hms);
		sb_printf(head, "%-9s", hms);
	}
	if (s->o.timestamp)
		sb_printf(head, "%-8.3f", (double)(e->ts - s->first_ts) * 1e-9);
	if (s->o.print_uid)
		sb_printf(head, "%-6u", e->uid);
	sb_append_escaped(&comm, e->comm, strnlen(e->comm, sizeof(e->comm)));
	if (parent)
		snprintf(ppid, sizeof(ppid), "%u", parent);
	else
		snprintf(ppid, sizeof(ppid), "?");
	sb_printf(head, "%-16s %-7u %-7s %3d ", sb_str(&comm), e->pid, ppid, e->ret);
	sb_free(&comm);
}

static void print_line(const char *head, const char *runtime, const char *args)
{
	if (runtime)
		printf("%s%10s %s\n", head, runtime, args);
	else
		printf("%s%s\n", head, args);
}

static void print_pending(struct exec_printer *s, int i, const char *runtime)
{
	struct exec_pending *p = &s->pending[i];

	print_line(p->head, runtime, p->args);
	free(p->head);
	free(p->args);
	*p = s->pending[--s->npending];
}

static int find_pending(struct exec_printer *s, uint32_t pid)
{
	for (int i = 0; i < s->npending; i++)
		if (s->pending[i].pid == pid)
			return i;
	return -1;
}

static void on_exit_event(struct exec_printer *s, const struct exec_event *e)
{
	int i = find_pending(s, e->pid);
	char ms[32];

	if (i < 0)
		return;
	snprintf(ms, sizeof(ms), "%.3f", (double)e->ts / 1e6);
	print_pending(s, i, ms);
}

/* --exit: the line waits; a process that execs again ends the previous program. */
static void hold_line(struct exec_printer *s, const struct exec_event *e, char *head, char *args)
{
	int i = find_pending(s, e->pid);
	char ms[32];

	if (i >= 0) {
		snprintf(ms, sizeof(ms), "%.3f", (double)(e->ts - s->pending[i].ts) / 1e6);
		print_pending(s, i, ms);
	}
	if (e->ret) {
		print_line(head, "-", args);
		free(head);
		free(args);
		return;
	}
	s->pending = xrealloc(s->pending, (s->npending + 1) * sizeof(*s->pending));
	s->pending[s->npending++] = (struct exec_pending){e->pid, e->ts, head, args};
}

static void on_exec_event(struct exec_printer *s, const struct exec_event *e, int size)
{
	struct strbuf plain = STRBUF_INIT, shown = STRBUF_INIT, head = STRBUF_INIT;
	struct strbuf escaped = STRBUF_INIT; /* shown, control bytes escaped */
	char comm[17];
	char *args;

	snprintf(comm, sizeof(comm), "%.16s", e->comm);
	join_args(e, size, s->o.quote, &plain, &shown);
	if ((s->o.name_re && regexec(s->o.name_re, comm, 0, NULL, 0)) ||
	    (s->o.line_re && regexec(s->o.line_re, sb_str(&plain), 0, NULL, 0))) {
		sb_free(&plain);
		sb_free(&shown);
		return;
	}
	format_head(s, e, &head);
	sb_append_escaped(&escaped, sb_str(&shown), shown.len);
	args = sb_steal(&escaped);
	if (s->o.exit_times)
		hold_line(s, e, sb_steal(&head), args);
	else {
		print_line(sb_str(&head), NULL, args);
		free(args);
	}
	sb_free(&head);
	sb_free(&plain);
	sb_free(&shown);
}

void exec_print_event(struct exec_printer *s, const void *data, int size)
{
	struct exec_event e;

	if ((size_t)size < sizeof(e))
		return;
	memcpy(&e, data, sizeof(e));
	if (e.type == EXIT_EVENT) {
		on_exit_event(s, &e);
	} else {
		/* perf records are only 4-byte aligned: read the event from a copy */
		struct exec_event *copy = xmalloc((size_t)size);

		memcpy(copy, data, (size_t)size);
		on_exec_event(s, copy, size);
		free(copy);
	}
}

void exec_print_header(const struct exec_printer *s)
{
	if (s->o.time)
		printf("%-9s", "TIME");
	if (s->o.timestamp)
		printf("%-8s", "TIME(s)");
	if (s->o.print_uid)
		printf("%-6s", "UID");
	printf("%-16s %-7s %-7s %3s ", "PCOMM", "PID", "PPID", "RET");
	if (s->o.exit_times)
		printf("%10s ", "EXIT(ms)");
	printf("ARGS\n");
}

void exec_printer_finish(struct exec_printer *s)
{
	while (s->npending)
		print_pending(s, s->npending - 1, "-");
	output_flush();
	free(s->pending);
	s->pending = NULL;
}
