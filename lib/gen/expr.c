#include "expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "csrc.h"
#include "sysenv.h"

#define MAX_DEPTH 64   /* of parentheses and brackets */
#define CARET_WIDTH 76 /* of the user's text shown above a caret */

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

/* C operators allowed in expressions, longest first for maximal munch;
 * digraphs and "..." are recognised whole so that they can be refused. */
static const char *const puncts[] = {
	"...", "<:", ":>", "<%", "%>", "%:", "<<=", ">>=", "->", "++", "--", "<<",
	">>",  "<=", ">=", "==", "!=", "&&", "||",  "*=",  "/=", "%=", "+=", "-=",
	"&=",  "^=", "|=", "(",	 ")",  "[",  "]",   ".",   "&",	 "*",  "+",  "-",
	"~",   "!",  "/",  "%",	 "<",  ">",  "^",   "|",   "?",	 ":",  "=",  ",",
};
#define NREFUSED 6 /* the first puncts: "..." and the digraphs */

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c);
}

/* The user's text around pos, with a caret under [pos, pos + len). */
static void caret_lines(struct strbuf *out, const char *line, size_t pos, size_t len)
{
	size_t n = strlen(line), start = 0, end = n, pad;

	if (pos > n)
		pos = n;
	if (n > CARET_WIDTH) {
		start = pos > CARET_WIDTH / 3 ? pos - CARET_WIDTH / 3 : 0;
		end = start + CARET_WIDTH < n ? start + CARET_WIDTH : n;
	}
	sb_append(out, "\n  ");
	if (start)
		sb_append(out, "...");
	for (size_t i = start; i < end; i++) {
		char c = line[i] == '\t' ? ' ' : line[i];

		sb_appendn(out, c >= 0x20 && c < 0x7f ? &c : "?", 1);
	}
	if (end < n)
		sb_append(out, "...");
	sb_append(out, "\n  ");
	for (pad = (start ? 3 : 0) + pos - start; pad; pad--)
		sb_append(out, " ");
	sb_append(out, "^");
	for (size_t i = 1; i < len && pos + i < end; i++)
		sb_append(out, "~");
}

/* Formats the message into err with the caret lines of src's bytes
 * [off, off + len) (offsets in src->text); returns -1. */
static __attribute__((format(printf, 5, 6))) int expr_errf_at(struct cbcc_err *err,
							      const struct expr_src *src,
							      size_t off, size_t len,
							      const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char msg[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_append(&sb, msg);
	if (src->spec && src->at != EXPR_NOWHERE)
		caret_lines(&sb, src->spec, src->at + off, len);
	else
		caret_lines(&sb, src->text, off, len);
	snprintf(err->msg, sizeof(err->msg), "%s", sb_str(&sb));
	sb_free(&sb);
	return -1;
}

void expr_toks_free(struct expr_toks *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

bool expr_tok_is(const struct expr_toks *t, int i, const char *s)
{
	return i >= 0 && i < t->n && t->v[i].len == strlen(s) &&
	       !strncmp(t->text + t->v[i].off, s, t->v[i].len);
}

struct lexer {
	const struct expr_src *src;
	const char *what; /* "an expression", "a type", ... */
	struct expr_toks *t;
	struct cbcc_err *err;
};

static void add_tok(struct lexer *lx, enum expr_tok_kind kind, size_t off, size_t len)
{
	struct expr_toks *t = lx->t;

	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct expr_tok){kind, off, len};
}

/* A preprocessing number as C reads it (maximal munch), which must then be
 * a whole C number. */
static int lex_number(struct lexer *lx, size_t off, size_t *len)
{
	const char *s = lx->src->text + off;
	size_t n = 1;

	for (;;) {
		if ((s[n] == '+' || s[n] == '-') && strchr("eEpP", s[n - 1]))
			n++;
		else if (is_ident_char(s[n]) || s[n] == '.')
			n++;
		else
			break;
	}
	*len = n;
	if (!csrc_is_number(s, n))
		return expr_errf_at(lx->err, lx->src, off, n, "invalid number '%.*s'", (int)n, s);
	return 0;
}

static int lex_char(struct lexer *lx, size_t off, size_t *len)
{
	const char *s = lx->src->text + off;

	if (s[1] == '\\' && s[2] && strchr("ntr0\\'\"", s[2]) && s[3] == '\'')
		*len = 4;
	else if (s[1] >= 0x20 && s[1] < 0x7f && s[1] != '\\' && s[1] != '\'' && s[2] == '\'')
		*len = 3;
	else
		return expr_errf_at(lx->err, lx->src, off, 1, "malformed character constant");
	return 0;
}

static int lex_string(struct lexer *lx, size_t off, size_t *len)
{
	const char *s = lx->src->text + off;
	size_t n = 1;

	for (; s[n] != '"'; n++) {
		if (!s[n])
			return expr_errf_at(lx->err, lx->src, off, n,
					    "unterminated string literal");
		if (s[n] == '\n' || s[n] == '\r')
			return expr_errf_at(lx->err, lx->src, off + n, 1,
					    "line breaks are not allowed in string literals");
		if (s[n] < 0x20 || s[n] >= 0x7f)
			return expr_errf_at(lx->err, lx->src, off + n, 1,
					    "non-printable character in a string literal");
		if (s[n] == '\\') {
			if (!s[n + 1] || !strchr("nt\\\"", s[n + 1]))
				return expr_errf_at(lx->err, lx->src, off + n, 2,
						    "only \\n \\t \\\\ and \\\" escapes are "
						    "allowed in string literals");
			n++;
		}
	}
	*len = n + 1;
	return 0;
}

static int lex_punct(struct lexer *lx, size_t off, size_t *len)
{
	const char *s = lx->src->text + off;

	if (s[0] == '/' && (s[1] == '*' || s[1] == '/'))
		return expr_errf_at(lx->err, lx->src, off, 2, "comments are not allowed in %s",
				    lx->what);
	if (s[0] == '?' && s[1] == '?') /* a trigraph's start, whatever follows */
		return expr_errf_at(lx->err, lx->src, off, 2,
				    "'?\?' is not allowed in %s (trigraphs)", lx->what);
	for (size_t i = 0; i < ARRAY_SIZE(puncts); i++) {
		size_t n = strlen(puncts[i]);

		if (strncmp(s, puncts[i], n))
			continue;
		*len = n;
		if (i >= NREFUSED)
			return 0;
		return expr_errf_at(lx->err, lx->src, off, n, "%s '%s' is not allowed in %s",
				    i ? "digraph" : "operator", puncts[i], lx->what);
	}
	if (s[0] == '\n' || s[0] == '\r')
		return expr_errf_at(lx->err, lx->src, off, 1, "line breaks are not allowed in %s",
				    lx->what);
	if (s[0] == '$')
		return expr_errf_at(lx->err, lx->src, off, 1,
				    "'$' must start a special variable such as $pid");
	if (s[0] < 0x20 || s[0] >= 0x7f)
		return expr_errf_at(lx->err, lx->src, off, 1,
				    "character 0x%02x is not allowed in %s", (unsigned char)s[0],
				    lx->what);
	return expr_errf_at(lx->err, lx->src, off, 1, "'%c' is not allowed in %s", s[0], lx->what);
}

/* One token at off: its kind and length, or an error. */
static int lex_one(struct lexer *lx, size_t off, enum expr_tok_kind *kind, size_t *len)
{
	const char *s = lx->src->text + off;
	size_t n = 1;

	if (is_ident_start(s[0]) || (s[0] == '$' && is_ident_start(s[1]))) {
		while (is_ident_char(s[n]))
			n++;
		*kind = s[0] == '$' ? TOK_SPECIAL : TOK_IDENT;
		*len = n;
		return 0;
	}
	if (is_digit(s[0]) || (s[0] == '.' && is_digit(s[1]))) {
		*kind = TOK_NUMBER;
		return lex_number(lx, off, len);
	}
	if (s[0] == '\'') {
		*kind = TOK_CHAR;
		return lex_char(lx, off, len);
	}
	if (s[0] == '"') {
		*kind = TOK_STRING;
		return lex_string(lx, off, len);
	}
	*kind = TOK_PUNCT;
	return lex_punct(lx, off, len);
}

/* Brackets nest properly: "(]" is as bad as "(". */
static int check_brackets(struct lexer *lx)
{
	const struct expr_toks *t = lx->t;
	int open[MAX_DEPTH], depth = 0;

	for (int i = 0; i < t->n; i++) {
		const struct expr_tok *k = &t->v[i];
		char c = t->text[k->off];

		if (k->kind != TOK_PUNCT || k->len != 1)
			continue;
		if (c == '(' || c == '[') {
			if (depth == MAX_DEPTH)
				return expr_errf_at(lx->err, lx->src, k->off, 1,
						    "parentheses nested too deeply");
			open[depth++] = i;
		} else if (c == ')' || c == ']') {
			if (!depth || t->text[t->v[open[--depth]].off] != (c == ')' ? '(' : '['))
				return expr_errf_at(lx->err, lx->src, k->off, 1,
						    "unbalanced parentheses");
		}
	}
	if (depth)
		return expr_errf_at(lx->err, lx->src, t->v[open[depth - 1]].off, 1,
				    "unbalanced parentheses");
	return 0;
}

int expr_lex(const struct expr_src *src, const char *what, struct expr_toks *t,
	     struct cbcc_err *err)
{
	struct lexer lx = {src, what, t, err};
	const char *s = src->text;
	size_t off = 0;

	memset(t, 0, sizeof(*t));
	t->text = s;
	while (s[off]) {
		enum expr_tok_kind kind;
		size_t len = 0;

		if (s[off] == ' ' || s[off] == '\t') {
			off++;
			continue;
		}
		if (lex_one(&lx, off, &kind, &len))
			goto fail;
		add_tok(&lx, kind, off, len);
		off += len;
		if (kind == TOK_IDENT && !strncmp(s + off, "@user", 5) &&
		    !is_ident_char(s[off + 5])) {
			add_tok(&lx, TOK_USER, off, 5);
			off += 5;
		}
	}
	if (!check_brackets(&lx))
		return 0;
fail:
	expr_toks_free(t);
	return -1;
}

/* The rewriting pass over one expression's tokens. */
struct rewriter {
	const struct expr_src *src;
	const struct expr_toks *t;
	struct expr_env *env;
	struct cbcc_err *err;
};

/* An error at token i; fmt may show the token with one "%.*s". */
static int tok_err(struct rewriter *r, int i, const char *fmt)
{
	const struct expr_tok *k = &r->t->v[i < r->t->n ? i : r->t->n - 1];

	return expr_errf_at(r->err, r->src, k->off, k->len, fmt, (int)k->len, r->t->text + k->off);
}

static bool member_access(const struct expr_toks *t, int i)
{
	return expr_tok_is(t, i - 1, ".") || expr_tok_is(t, i - 1, "->");
}

/* Index of the bracket closing the one at open (brackets are balanced). */
static int closing(const struct expr_toks *t, int open)
{
	int depth = 0;

	for (int i = open; i < t->n; i++) {
		if (expr_tok_is(t, i, "(") || expr_tok_is(t, i, "["))
			depth++;
		else if ((expr_tok_is(t, i, ")") || expr_tok_is(t, i, "]")) && --depth == 0)
			return i;
	}
	return t->n - 1;
}

static void append_tok(struct strbuf *out, const struct expr_toks *t, int i)
{
	sb_appendn(out, t->text + t->v[i].off, t->v[i].len);
}

static int rewrite_range(struct rewriter *r, int from, int to, struct strbuf *out);

static int rewrite_arg(struct rewriter *r, int i, struct strbuf *out)
{
	int idx = r->t->text[r->t->v[i].off + 3] - '0';

	switch (r->env->type) {
	case PROBE_TRACEPOINT:
		return tok_err(r, i, "%.*s is not available in tracepoint probes; use args->field");
	case PROBE_USDT:
		r->env->usdt_args |= 1u << (idx - 1);
		sb_printf(out, "__arg%d", idx);
		return 0;
	default:
		if (idx > 6)
			return tok_err(r, i, "only arg1..arg6 are available, not %.*s");
		if (r->env->syscall_wrapper)
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

/* The bytes a STRCMP string literal stands for (its escapes undone). */
static struct strbuf literal_bytes(const struct expr_toks *t, int i)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = t->text + t->v[i].off + 1, *end = t->text + t->v[i].off + t->v[i].len - 1;

	sb_append(&sb, "");
	for (; s < end; s++) {
		char c = *s;

		if (c == '\\') {
			c = *++s;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		sb_appendn(&sb, &c, 1);
	}
	return sb;
}

/* STRCMP("literal", expr) at token i; *last becomes its closing ')'. */
static int rewrite_strcmp(struct rewriter *r, int i, int *last, struct strbuf *out)
{
	const struct expr_toks *t = r->t;
	struct strbuf inner = STRBUF_INIT, lit;
	int close, id;

	if (!expr_tok_is(t, i + 1, "("))
		return tok_err(r, i, "STRCMP needs arguments: STRCMP(\"text\", expr)");
	close = closing(t, i + 1);
	if (i + 2 >= close || t->v[i + 2].kind != TOK_STRING)
		return tok_err(r, i + 2, "STRCMP's first argument must be a string literal");
	if (!expr_tok_is(t, i + 3, ",") || i + 4 >= close)
		return tok_err(r, i + 3, "STRCMP needs two arguments: STRCMP(\"text\", expr)");
	if (rewrite_range(r, i + 4, close, &inner)) {
		sb_free(&inner);
		return -1;
	}
	id = r->env->helper_count++;
	if (r->env->helpers) {
		lit = literal_bytes(t, i + 2);
		sb_printf(r->env->helpers, "static inline bool cbcc_streq_%d(u64 str)\n{\n", id);
		sb_append(r->env->helpers, "\tchar needle[] = ");
		csrc_string(r->env->helpers, lit.buf, lit.len);
		sb_printf(r->env->helpers,
			  ";\n\tchar haystack[sizeof(needle) + 1] = {};\n"
			  "\t%s(haystack, sizeof(haystack), (const void *)str);\n"
			  "\tfor (int i = 0; i < sizeof(needle)%s; ++i)\n"
			  "\t\tif (needle[i] != haystack[i])\n\t\t\treturn false;\n"
			  "\treturn true;\n}\n\n",
			  r->env->bin_cmp ? "cbcc_read_mem" : "cbcc_read_str",
			  r->env->bin_cmp ? " - 1" : "");
		sb_free(&lit);
	}
	sb_printf(out, "cbcc_streq_%d((u64)(%s))", id, sb_str(&inner));
	sb_free(&inner);
	*last = close;
	return 0;
}

static int rewrite_ident(struct rewriter *r, int i, int *last, struct strbuf *out)
{
	const struct expr_toks *t = r->t;
	const char *s = t->text + t->v[i].off;
	size_t n = t->v[i].len;

	*last = i;
	if (member_access(t, i)) {
		append_tok(out, t, i);
		return 0;
	}
	if (expr_tok_is(t, i, "STRCMP"))
		return rewrite_strcmp(r, i, last, out);
	if (n == 4 && !strncmp(s, "arg", 3) && s[3] >= '1' && s[3] <= '9')
		return rewrite_arg(r, i, out);
	if (expr_tok_is(t, i, "retval")) {
		if (r->env->type != PROBE_RETURN)
			return tok_err(r, i, "%.*s is only available in return probes (r:)");
		sb_append(out, "PT_REGS_RC(ctx)");
		return 0;
	}
	append_tok(out, t, i);
	return 0;
}

/* argdist's $entry(name): the parameter's value stashed at entry. */
static int rewrite_entry(struct rewriter *r, int i, int *last, struct strbuf *out)
{
	const struct expr_toks *t = r->t;
	const struct argdist_spec *s = r->env->argdist;
	char *name;
	int rc = 0;

	if (!expr_tok_is(t, i + 1, "(") || i + 2 >= t->n || t->v[i + 2].kind != TOK_IDENT ||
	    !expr_tok_is(t, i + 3, ")"))
		return tok_err(r, i, "%.*s needs a parameter name: $entry(name)");
	name = xstrndup(t->text + t->v[i + 2].off, t->v[i + 2].len);
	if (!argdist_param(s, name))
		rc = expr_errf_at(r->err, r->src, t->v[i].off, t->v[i + 3].off + 1 - t->v[i].off,
				  "$entry(%s): no such parameter in the signature '%s'", name,
				  s->signature);
	else
		sb_printf(out, "(__e.%s)", name);
	free(name);
	*last = i + 3;
	return rc;
}

static int rewrite_special(struct rewriter *r, int i, int *last, struct strbuf *out)
{
	const struct expr_toks *t = r->t;

	*last = i;
	if (expr_tok_is(t, i, "$retval")) {
		if (r->env->type != PROBE_RETURN)
			return tok_err(r, i, "%.*s is only available in return probes (r:)");
		sb_append(out, "PT_REGS_RC(ctx)");
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(specials); k++) {
		if (expr_tok_is(t, i, specials[k].name)) {
			sb_append(out, specials[k].c);
			return 0;
		}
	}
	if (r->env->argdist && expr_tok_is(t, i, "$PID")) {
		sb_append(out, "((u32)(bpf_get_current_pid_tgid() >> 32))");
		return 0;
	}
	if (r->env->argdist && expr_tok_is(t, i, "$latency")) {
		sb_append(out, "(__now - __e.__latency)");
		return 0;
	}
	if (r->env->argdist && expr_tok_is(t, i, "$entry"))
		return rewrite_entry(r, i, last, out);
	return tok_err(
		r, i,
		r->env->argdist
			? "unknown special variable '%.*s' (known: $uid $gid $pid $tgid $cpu "
			  "$task $PID $latency $entry(name) $retval)"
		: r->env->type == PROBE_RETURN
			? "unknown special variable '%.*s' (known: $uid $gid $pid $tgid $cpu "
			  "$task $retval)"
			: "unknown special variable '%.*s' (known: $uid $gid $pid $tgid $cpu "
			  "$task)");
}

/* Tokens [from, to) with the blanks between them. */
static int rewrite_range(struct rewriter *r, int from, int to, struct strbuf *out)
{
	const struct expr_toks *t = r->t;

	for (int i = from; i < to; i++) {
		const struct expr_tok *k = &t->v[i];
		int last = i, rc = 0;

		if (i > from) {
			const struct expr_tok *prev = &t->v[i - 1];

			sb_appendn(out, t->text + prev->off + prev->len,
				   k->off - (prev->off + prev->len));
		}
		if (k->kind == TOK_IDENT)
			rc = rewrite_ident(r, i, &last, out);
		else if (k->kind == TOK_SPECIAL)
			rc = rewrite_special(r, i, &last, out);
		else if (k->kind == TOK_STRING)
			rc = tok_err(r, i,
				     "string literals are only allowed as STRCMP's first "
				     "argument, not %.*s");
		else if (k->kind != TOK_USER) /* BCC's hint: reads pick user or kernel memory */
			append_tok(out, t, i);
		if (rc)
			return -1;
		i = last;
	}
	return 0;
}

char *expr_rewrite(const struct expr_src *src, struct expr_env *env, struct cbcc_err *err)
{
	struct expr_toks t;
	struct rewriter r = {src, &t, env, err};
	struct strbuf out = STRBUF_INIT;

	if (expr_lex(src, "an expression", &t, err))
		return NULL;
	if (!t.n) {
		expr_toks_free(&t);
		return xstrdup(src->text);
	}
	sb_appendn(&out, src->text, t.v[0].off);
	if (rewrite_range(&r, 0, t.n, &out)) {
		expr_toks_free(&t);
		sb_free(&out);
		return NULL;
	}
	sb_append(&out, src->text + t.v[t.n - 1].off + t.v[t.n - 1].len);
	expr_toks_free(&t);
	return sb_steal(&out);
}

/* Every token is an identifier or one of the operators in allowed. */
static int check_tokens(const struct expr_src *src, const char *what, const char *const *allowed,
			bool numbers, struct cbcc_err *err)
{
	struct expr_toks t;
	int rc = 0;

	if (expr_lex(src, what, &t, err))
		return -1;
	for (int i = 0; i < t.n && !rc; i++) {
		const struct expr_tok *k = &t.v[i];
		bool ok = k->kind == TOK_IDENT || (numbers && k->kind == TOK_NUMBER);

		for (int a = 0; allowed[a] && !ok; a++)
			ok = k->kind == TOK_PUNCT && expr_tok_is(&t, i, allowed[a]);
		if (!ok)
			rc = expr_errf_at(err, src, k->off, k->len, "'%.*s' is not allowed in %s",
					  (int)k->len, t.text + k->off, what);
	}
	if (!rc && !t.n)
		rc = expr_errf_at(err, src, 0, 0, "%s must not be empty", what);
	expr_toks_free(&t);
	return rc;
}

int expr_check_signature(const struct expr_src *src, struct cbcc_err *err)
{
	static const char *const allowed[] = {"*", ",", "(", ")", "[", "]", NULL};

	return check_tokens(src, "a signature", allowed, true, err);
}

int expr_check_type(const struct expr_src *src, struct cbcc_err *err)
{
	static const char *const allowed[] = {"*", NULL};

	return check_tokens(src, "a type", allowed, false, err);
}

static bool has_field(const struct tp_field *fields, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(fields[i].name) == len && !strncmp(fields[i].name, name, len))
			return true;
	return false;
}

int expr_check_tp_fields(const struct expr_src *src, const char *category, const char *event,
			 const struct tp_field *fields, int n, struct cbcc_err *err)
{
	struct expr_toks t;
	int rc = 0;

	if (expr_lex(src, "an expression", &t, err))
		return -1;
	for (int i = 0; i + 2 < t.n && !rc; i++) {
		const struct expr_tok *f = &t.v[i + 2];
		struct strbuf known = STRBUF_INIT;

		if (!expr_tok_is(&t, i, "args") || member_access(&t, i) ||
		    !expr_tok_is(&t, i + 1, "->") || f->kind != TOK_IDENT ||
		    has_field(fields, n, t.text + f->off, f->len))
			continue;
		for (int k = 0; k < n; k++)
			if (!fields[k].common)
				sb_printf(&known, "%s%s", known.len ? ", " : "", fields[k].name);
		rc = expr_errf_at(err, src, f->off, f->len,
				  "tracepoint %s:%s has no field '%.*s' (fields: %s)", category,
				  event, (int)f->len, t.text + f->off, sb_str(&known));
		sb_free(&known);
	}
	expr_toks_free(&t);
	return rc;
}

/* Calls match for every $entry/$latency token; stops at its first true. */
static bool any_special(const char *text, const char *name, const char *param)
{
	struct expr_src src = {text, NULL, 0};
	struct expr_toks t;
	bool found = false;

	if (expr_lex(&src, "an expression", &t, NULL))
		return false;
	for (int i = 0; i < t.n && !found; i++) {
		if (!expr_tok_is(&t, i, name))
			continue;
		found = !param || (expr_tok_is(&t, i + 1, "(") && expr_tok_is(&t, i + 2, param) &&
				   expr_tok_is(&t, i + 3, ")"));
	}
	expr_toks_free(&t);
	return found;
}

bool expr_uses_entry(const char *text)
{
	return text && (any_special(text, "$entry", NULL) || any_special(text, "$latency", NULL));
}

bool expr_uses_entry_param(const char *text, const char *name)
{
	return text && any_special(text, "$entry", name);
}
