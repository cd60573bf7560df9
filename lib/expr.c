#include "expr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	const char *c;
} specials[] = {
	{"$uid", "((u32)bpf_get_current_uid_gid())"},
	{"$gid", "((u32)(bpf_get_current_uid_gid() >> 32))"},
	{"$pid", "((u32)bpf_get_current_pid_tgid())"},
	{"$tgid", "((u32)(bpf_get_current_pid_tgid() >> 32))"},
	{"$cpu", "bpf_get_smp_processor_id()"},
	{"$task", "((struct task_struct *)bpf_get_current_task())"},
};

/* Parentheses and brackets must nest properly: "(]" is as bad as "(". */
struct brackets {
	char open[64];
	int depth;
};

static int track_bracket(struct brackets *b, char c, struct cbcc_err *err)
{
	if (c == '(' || c == '[') {
		if (b->depth == (int)sizeof(b->open))
			return cbcc_errf(err, "parentheses nested too deeply");
		b->open[b->depth++] = c;
	} else if (c == ')' || c == ']') {
		if (!b->depth || b->open[--b->depth] != (c == ')' ? '(' : '['))
			return cbcc_errf(err, "unbalanced parentheses");
	}
	return 0;
}

static int check_char(const char *p, struct cbcc_err *err)
{
	if (strchr(";{}#`\\", *p))
		return cbcc_errf(err, "'%c' is not allowed in an expression", *p);
	if (p[0] == '/' && (p[1] == '/' || p[1] == '*'))
		return cbcc_errf(err, "comments are not allowed in an expression");
	if (*p == '\n' || *p == '\r')
		return cbcc_errf(err, "line breaks are not allowed in an expression");
	return 0;
}

int expr_check_fragment(const char *what, const char *text, struct cbcc_err *err)
{
	struct brackets br = {.depth = 0};

	for (const char *p = text; *p; p++) {
		if (check_char(p, err) || (*p == '"' && cbcc_errf(err, "'\"' is not allowed")) ||
		    track_bracket(&br, *p, err))
			goto bad;
	}
	if (br.depth == 0)
		return 0;
	cbcc_errf(err, "unbalanced parentheses");
bad:;
	char *after = xasprintf(" in %s '%s'", what, text);

	cbcc_err_wrap(err, "", after);
	free(after);
	return -1;
}

static bool prev_is_member_access(const struct strbuf *out)
{
	const char *s = sb_str(out);
	size_t n = out->len;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return (n >= 1 && s[n - 1] == '.') || (n >= 2 && s[n - 2] == '-' && s[n - 1] == '>');
}

static int rewrite_arg(int idx, struct expr_env *env, struct strbuf *out, struct cbcc_err *err)
{
	switch (env->type) {
	case PROBE_TRACEPOINT:
		return cbcc_errf(
			err, "arg%d is not available in tracepoint probes; use args->field", idx);
	case PROBE_USDT:
		env->usdt_args |= 1u << (idx - 1);
		sb_printf(out, "__arg%d", idx);
		return 0;
	default:
		if (env->syscall_wrapper)
			sb_printf(out,
				  "({ u64 __v; struct pt_regs *__r = (struct pt_regs "
				  "*)PT_REGS_PARM1(ctx); "
				  "bpf_probe_read_kernel(&__v, sizeof(__v), &PT_REGS_PARM%d(__r)); "
				  "__v; })",
				  idx);
		else
			sb_printf(out, "PT_REGS_PARM%d(ctx)", idx);
		return 0;
	}
}

/* STRCMP("literal", expr): p points after "STRCMP". Returns chars consumed. */
static int rewrite_strcmp(const char *p, struct expr_env *env, struct strbuf *out,
			  struct cbcc_err *err)
{
	const char *q = p;
	const char *lit, *lit_end;
	int close;
	char *inner_text, *inner;
	int id;

	while (isspace((unsigned char)*q))
		q++;
	if (*q != '(')
		return cbcc_errf(err, "STRCMP needs arguments: STRCMP(\"text\", expr)");
	close = match_paren(q);
	if (close < 0)
		return cbcc_errf(err, "unbalanced parentheses in STRCMP");
	lit = q + 1;
	while (isspace((unsigned char)*lit))
		lit++;
	if (*lit != '"')
		return cbcc_errf(err, "STRCMP's first argument must be a string literal");
	for (lit_end = lit + 1; *lit_end && *lit_end != '"'; lit_end++) {
		if (*lit_end == '\n' || *lit_end == '\r')
			return cbcc_errf(err, "line breaks are not allowed in STRCMP's string");
		if (*lit_end == '\\') {
			if (!lit_end[1] || !strchr("nt\\\"", lit_end[1]))
				return cbcc_errf(err, "only \\n \\t \\\\ and \\\" escapes are "
						      "allowed in STRCMP's string");
			lit_end++;
		}
		if (!isprint((unsigned char)*lit_end))
			return cbcc_errf(err, "non-printable character in STRCMP's string");
	}
	if (*lit_end != '"')
		return cbcc_errf(err, "unterminated string in STRCMP");
	const char *comma = lit_end + 1;
	while (isspace((unsigned char)*comma))
		comma++;
	if (*comma != ',')
		return cbcc_errf(err, "STRCMP needs two arguments: STRCMP(\"text\", expr)");
	inner_text = xstrndup(comma + 1, q + close - comma - 1);
	inner = expr_rewrite(strip(inner_text), env, err);
	free(inner_text);
	if (!inner)
		return -1;
	id = env->helper_count++;
	if (env->helpers)
		sb_printf(env->helpers,
			  "static inline bool cbcc_streq_%d(u64 str)\n{\n"
			  "\tchar needle[] = %.*s;\n"
			  "\tchar haystack[sizeof(needle) + 1] = {};\n"
			  "\t%s(haystack, sizeof(haystack), (const void *)str);\n"
			  "\tfor (int i = 0; i < sizeof(needle)%s; ++i)\n"
			  "\t\tif (needle[i] != haystack[i])\n\t\t\treturn false;\n"
			  "\treturn true;\n}\n\n",
			  id, (int)(lit_end - lit + 1), lit,
			  env->bin_cmp ? "cbcc_read_mem" : "cbcc_read_str",
			  env->bin_cmp ? " - 1" : "");
	sb_printf(out, "cbcc_streq_%d((u64)(%s))", id, inner);
	free(inner);
	return (int)(q + close + 1 - p);
}

static int rewrite_ident(const char *p, size_t n, struct expr_env *env, struct strbuf *out,
			 struct cbcc_err *err)
{
	char name[64];

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	if (prev_is_member_access(out)) {
		sb_append(out, name);
		return 0;
	}
	if (n == 4 && starts_with(name, "arg") && name[3] >= '1' && name[3] <= '9') {
		if (env->type != PROBE_USDT && name[3] > '6')
			return cbcc_errf(err, "only arg1..arg6 are available, not %s", name);
		return rewrite_arg(name[3] - '0', env, out, err);
	}
	if (!strcmp(name, "retval") || !strcmp(name, "$retval")) {
		if (env->type != PROBE_RETURN)
			return cbcc_errf(err, "%s is only available in return probes (r:)", name);
		sb_append(out, "PT_REGS_RC(ctx)");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(specials); i++) {
		if (!strcmp(name, specials[i].name)) {
			sb_append(out, specials[i].c);
			return 0;
		}
	}
	if (name[0] == '$')
		return cbcc_errf(
			err,
			"unknown special variable '%s' (known: $uid $gid $pid $tgid $cpu $task%s)",
			name, env->type == PROBE_RETURN ? " $retval" : "");
	sb_append(out, name);
	return 0;
}

char *expr_rewrite(const char *expr, struct expr_env *env, struct cbcc_err *err)
{
	struct strbuf out = STRBUF_INIT;
	struct brackets br = {.depth = 0};
	const char *p = expr;

	while (*p) {
		if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
			size_t n = 1;

			while (isalnum((unsigned char)p[n]) || p[n] == '_')
				n++;
			if (n == 6 && !strncmp(p, "STRCMP", 6) && !prev_is_member_access(&out)) {
				int used = rewrite_strcmp(p + 6, env, &out, err);

				if (used < 0)
					goto fail;
				p += 6 + used;
				continue;
			}
			if (rewrite_ident(p, n, env, &out, err))
				goto fail;
			p += n;
			if (starts_with(p, "@user"))
				p += 5; /* BCC's hint; cbcc picks user or kernel reads by address */
			continue;
		}
		if (isdigit((unsigned char)*p)) {
			/* numbers, including suffixes like 0x10ULL, are copied whole */
			size_t n = 1;

			while (isalnum((unsigned char)p[n]) || p[n] == '.')
				n++;
			sb_appendn(&out, p, n);
			p += n;
			continue;
		}
		if (*p == '"') {
			cbcc_errf(err,
				  "string literals are only allowed as STRCMP's first argument");
			goto fail;
		}
		if (*p == '\'') {
			/* a character constant: 'a' or '\n' */
			size_t n = (p[1] == '\\') ? 4 : 3;

			if (strnlen(p, n) < n || p[n - 1] != '\'' || p[1] == '\'') {
				cbcc_errf(err, "malformed character constant");
				goto fail;
			}
			sb_appendn(&out, p, n);
			p += n;
			continue;
		}
		if (check_char(p, err))
			goto fail;
		if (track_bracket(&br, *p, err))
			goto fail;
		sb_appendn(&out, p++, 1);
	}
	if (br.depth) {
		cbcc_errf(err, "unbalanced parentheses");
		goto fail;
	}
	return sb_steal(&out);
fail:;
	char *after = xasprintf(" in '%s'", expr);

	cbcc_err_wrap(err, "", after);
	free(after);
	sb_free(&out);
	return NULL;
}
