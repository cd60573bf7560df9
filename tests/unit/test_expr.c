/* Unit tests of the C source slots (lib/csrc), the expression front end's
 * tokens, carets and passes (lib/expr), and the template slot checks. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argspec.h"
#include "csrc.h"
#include "expr.h"
#include "sysenv.h"
#include "template.h"

#include "check.h"

static void test_csrc(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *name;

	CHECK(csrc_is_ident("_a9") && csrc_is_ident("probe_x") && !csrc_is_ident("9a"));
	CHECK(!csrc_is_ident("") && !csrc_is_ident("a-b") && !csrc_is_ident("a$b"));
	CHECK(!csrc_is_ident("a\n") && !csrc_is_ident(NULL));
	name = csrc_ident_from("probe_", "a*/\n#b", 3);
	CHECK_STR(name, "probe_a____b_3");
	free(name);
	name = csrc_ident_from("", "9x", 1);
	CHECK_STR(name, "_9x_1");
	free(name);

	csrc_string(&sb, "a*/\r\n\t\"\\?\?=\x01\xff", 13);
	CHECK_STR(sb_str(&sb), "\"a\\052/\\015\\n\\t\\042\\134\\077\\077=\\001\\377\"");
	sb_reset(&sb);
	csrc_string(&sb, "x\0y", 3); /* a NUL byte inside is kept */
	CHECK_STR(sb_str(&sb), "\"x\\000y\"");
	sb_free(&sb);

	static const char *const good[] = {"0",	    "10",     "017",   "0x1fULL", "0XaBu",
					   "10lu",  "7llu",   "0b101", "1.5",	  ".5e3",
					   "1e10f", "3.e-2L", "1."};
	static const char *const bad[] = {"08",	 "0x",	"1abc", "1.2.3", "1e",	"0xg",
					  "1lL", "1uu", "1lul", ".",	 "1e+", "0b2"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECKF(csrc_is_number(good[i], strlen(good[i])), "'%s' should be a number",
		       good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(!csrc_is_number(bad[i], strlen(bad[i])), "'%s' should not be a number",
		       bad[i]);
}

static void expect_lex_error(const char *text, const char *needle)
{
	struct expr_src src = {text, NULL, 0};
	struct expr_toks t;
	struct cbcc_err err = {""};

	bool failed = expr_lex(&src, "an expression", &t, &err) != 0;

	CHECK_ERROR(failed, err.msg, needle, text);
	if (!failed)
		expr_toks_free(&t);
}

static void test_lex(void)
{
	struct expr_src src = {"args->x[1] >= 0x10 && $pid != 'a' || arg2@user", NULL, 0};
	static const enum expr_tok_kind kinds[] = {TOK_IDENT,  TOK_PUNCT,   TOK_IDENT, TOK_PUNCT,
						   TOK_NUMBER, TOK_PUNCT,   TOK_PUNCT, TOK_NUMBER,
						   TOK_PUNCT,  TOK_SPECIAL, TOK_PUNCT, TOK_CHAR,
						   TOK_PUNCT,  TOK_IDENT,   TOK_USER};
	struct expr_toks t;
	struct cbcc_err err;

	CHECK(expr_lex(&src, "an expression", &t, &err) == 0);
	CHECK(t.n == (int)(sizeof(kinds) / sizeof(kinds[0])));
	for (int i = 0; i < t.n && i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
		CHECK(t.v[i].kind == kinds[i]);
	CHECK(expr_tok_is(&t, 1, "->") && expr_tok_is(&t, 6, ">=") && t.v[6].off == 11);
	CHECK(expr_tok_is(&t, 14, "@user") && t.v[14].off == 41);
	expr_toks_free(&t);

	expect_lex_error("a <% 1 %>", "digraph '<%' is not allowed in an expression");
	expect_lex_error("a %> 1", "digraph '%>'");
	expect_lex_error("a<:1:>", "digraph '<:'");
	expect_lex_error("a %: b", "digraph '%:'");
	expect_lex_error("a ?\?= b", "'?\?' is not allowed in an expression (trigraphs)");
	expect_lex_error("a ?\?$uid", "'?\?' is not allowed");
	expect_lex_error("f(a, ...)", "operator '...' is not allowed");
	expect_lex_error("a; b", "';' is not allowed in an expression");
	expect_lex_error("{a}", "'{' is not allowed");
	expect_lex_error("a # b", "'#' is not allowed");
	expect_lex_error("a \\ b", "'\\' is not allowed");
	expect_lex_error("a ` b", "'`' is not allowed");
	expect_lex_error("a @ b", "'@' is not allowed");
	expect_lex_error("a\rb", "line breaks are not allowed");
	expect_lex_error("a\nb", "line breaks are not allowed");
	expect_lex_error("a\x01", "character 0x01 is not allowed");
	expect_lex_error("a\xc3\xa9", "character 0xc3 is not allowed");
	expect_lex_error("a /* x */", "comments are not allowed");
	expect_lex_error("a // x", "comments are not allowed");
	expect_lex_error("a == 08", "invalid number '08'");
	expect_lex_error("a == 1x2", "invalid number '1x2'");
	expect_lex_error("a == 'ab'", "malformed character constant");
	expect_lex_error("a == '\\q'", "malformed character constant");
	expect_lex_error("\"a\\q\"", "escapes are allowed in string literals");
	expect_lex_error("\"a", "unterminated string literal");
	expect_lex_error("\"a\rb\"", "line breaks are not allowed in string literals");
	expect_lex_error("$", "'$' must start a special variable");
	expect_lex_error("(a]", "unbalanced parentheses");
	expect_lex_error("a)", "unbalanced parentheses");
	expect_lex_error("((a)", "unbalanced parentheses");
}

static void test_caret(void)
{
	const char *spec = "p:c:malloc \"%d\", arg1 <% 1 %>";
	struct expr_src src = {spec + 17, spec, 17};
	struct expr_toks t;
	struct cbcc_err err;

	CHECK(expr_lex(&src, "an expression", &t, &err) < 0);
	CHECK_STR(err.msg, "digraph '<%' is not allowed in an expression\n"
			   "  p:c:malloc \"%d\", arg1 <% 1 %>\n"
			   "                        ^~");
	cbcc_err_wrap(&err, "error in probe: ", " (after)");
	CHECK_STR(err.msg, "error in probe: digraph '<%' is not allowed in an expression (after)\n"
			   "  p:c:malloc \"%d\", arg1 <% 1 %>\n"
			   "                        ^~");

	/* a long spec is shown around the error, control characters as '?' */
	char long_spec[300];

	memset(long_spec, 'x', sizeof(long_spec) - 1);
	long_spec[sizeof(long_spec) - 1] = '\0';
	memcpy(long_spec + 200, "\r;", 2);
	src = (struct expr_src){long_spec + 150, long_spec, 150};
	CHECK(expr_lex(&src, "an expression", &t, &err) < 0);
	CHECK(strstr(err.msg, "line breaks are not allowed in an expression\n  ...xxx") == err.msg);
	CHECK(strstr(err.msg, "x?;x") && strstr(err.msg, "...\n     ") &&
	      !strchr(strchr(err.msg, '\n') + 1, '\r'));
	CHECK(strlen(strrchr(err.msg, '\n')) == 1 + 2 + 3 + 76 / 3 + 1);
}

static char *rewrite_env(const char *text, struct expr_env *env, struct cbcc_err *err)
{
	struct expr_src src = {text, NULL, 0};

	if (!env->ctx)
		env->ctx = "ctx";
	return expr_rewrite(&src, env, err);
}

static void test_rewrite(void)
{
	char ident[101];
	struct expr_env env = {.type = PROBE_ENTRY};
	struct strbuf helpers = STRBUF_INIT;
	struct cbcc_err err;
	char *c;

	/* identifiers of any length stay whole */
	memset(ident, 'a', 100);
	ident[100] = '\0';
	c = rewrite_env(ident, &env, &err);
	CHECK_STR(c, ident);
	free(c);
	c = rewrite_env("  sk->x   +  arg1 ", &env, &err);
	CHECK_STR(c, "  sk->x   +  PT_REGS_PARM1(ctx) ");
	free(c);

	/* the syscall wrapper reads arguments from the inner pt_regs */
	env.kernel = env.syscall_wrapper = true;
	c = rewrite_env("arg2", &env, &err);
	CHECK(c && strstr(c, "&PT_REGS_PARM2(__r)") && strstr(c, "PT_REGS_PARM1(ctx)"));
	free(c);
	env.kernel = env.syscall_wrapper = false;

	/* STRCMP's literal is written again through csrc_string */
	env.helpers = &helpers;
	c = rewrite_env("STRCMP(\"*/\\\"\", STRCMP(\"b\", arg1))", &env, &err);
	CHECK_STR(c, "cbcc_streq_1((u64)(cbcc_streq_0((u64)(PT_REGS_PARM1(ctx)))))");
	CHECK(strstr(sb_str(&helpers), "char needle[] = \"\\052/\\042\";") != NULL);
	CHECK(strstr(sb_str(&helpers), "char needle[] = \"b\";") != NULL);
	CHECK(env.helper_count == 2);
	free(c);
	sb_free(&helpers);
	env.helpers = NULL;
	c = rewrite_env("STRCMP(\"x\")", &env, &err);
	CHECK(!c && strstr(err.msg, "STRCMP needs two arguments"));
	c = rewrite_env("x.$pid", &env, &err); /* specials are rewritten wherever they are */
	CHECK_STR(c, "x.((u32)bpf_get_current_pid_tgid())");
	free(c);
	c = rewrite_env("$PID", &env, &err);
	CHECK(!c && strstr(err.msg, "unknown special variable '$PID'"));
}

static void test_argdist_passes(void)
{
	struct argdist_spec s;
	struct cbcc_err err;
	struct expr_env env = {.type = PROBE_RETURN, .ctx = "ctx"};
	char *c;

	CHECK(argdist_spec_parse("r:c:read(int fd, char *buf, size_t count):size_t:"
				 "$entry(count):$latency > 1000 && $PID == $entry( fd )#x",
				 ARGDIST_HIST, &s, &err) == 0);
	CHECK(s.needs_entry);
	env.argdist = &s;
	c = rewrite_env(s.filter, &env, &err);
	CHECK_STR(c, "(__now - __e.__latency) > 1000 && ((u32)(bpf_get_current_pid_tgid() >> "
		     "32)) == (__e.fd)");
	free(c);
	CHECK(expr_uses_entry_param(s.filter, "fd") && !expr_uses_entry_param(s.filter, "buf"));
	CHECK(expr_uses_entry_param(s.exprs[0], "count"));
	c = argdist_display_expr("$entry(count) * 2 + $entry( fd )");
	CHECK_STR(c, "count * 2 + fd");
	free(c);
	{
		struct expr_src src = {"$entry(nope)", s.raw, 0};

		c = expr_rewrite(&src, &env, &err);
		CHECK(!c && strstr(err.msg, "$entry(nope): no such parameter in the signature "
					    "'int fd, char *buf, size_t count'\n"));
	}
	argdist_spec_free(&s);

	/* where each piece starts in raw, for the carets */
	CHECK(argdist_spec_parse("  p:c:f(int a, int b) : u64 , int: a,b :a>b#l", ARGDIST_COUNT, &s,
				 &err) == 0);
	CHECK(s.sig_off == 8 && s.type_offs[0] == 24 && s.type_offs[1] == 30);
	CHECK(s.expr_offs[0] == 35 && s.expr_offs[1] == 37 && s.filter_off == 40);
	argdist_spec_free(&s);
	CHECK(argdist_spec_parse("p:c:f(int a):u64 x*/:a", ARGDIST_COUNT, &s, &err) < 0);
	CHECK(strstr(err.msg, "'/' is not allowed in a type\n  p:c:f(int a):u64 x*/:a\n"
			      "                     ^"));
	argdist_spec_free(&s);
	CHECK(argdist_spec_parse("p:c:f(int a <% b):u64:a", ARGDIST_COUNT, &s, &err) < 0);
	CHECK(strstr(err.msg, "digraph '<%' is not allowed in a signature"));
	argdist_spec_free(&s);
	CHECK(!expr_uses_entry("$entryx + $latencyy") && expr_uses_entry("1 + $latency"));
}

static void test_fragments(void)
{
	struct tp_field fields[] = {{"const char *", "filename", false},
				    {"int", "common_pid", true},
				    {"int", "flags", false}};
	struct expr_src src = {"args->flags & 1 && x.args->nope && args ->filename", NULL, 0};
	struct cbcc_err err;

	CHECK(expr_check_tp_fields(&src, "syscalls", "sys_enter_openat", fields, 3, &err) == 0);
	src.text = "args->flags + args->nope";
	CHECK(expr_check_tp_fields(&src, "syscalls", "sys_enter_openat", fields, 3, &err) < 0);
	CHECK_STR(err.msg, "tracepoint syscalls:sys_enter_openat has no field 'nope' (fields: "
			   "filename, flags)\n  args->flags + args->nope\n"
			   "                      ^~~~");

	src.text = "struct sock *sk, int a[4], void (*fn)(int)";
	CHECK(expr_check_signature(&src, &err) == 0);
	src.text = "int a) { return 0; } int f(int b";
	CHECK(expr_check_signature(&src, &err) < 0);
	src.text = "int a, int b = 1";
	CHECK(expr_check_signature(&src, &err) < 0 &&
	      strstr(err.msg, "'=' is not allowed in a signature"));
	src.text = "unsigned long long *";
	CHECK(expr_check_type(&src, &err) == 0);
	src.text = "u64*/";
	CHECK(expr_check_type(&src, &err) < 0);
	src.text = "int)(1";
	CHECK(expr_check_type(&src, &err) < 0);
	src.text = " ";
	CHECK(expr_check_type(&src, &err) < 0 && strstr(err.msg, "a type must not be empty"));
}

/* Whether rendering template name with vars aborts (in a child). */
static bool render_aborts(const char *name, const struct tvar *vars, int n)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct strbuf sb = STRBUF_INIT;

		freopen("/dev/null", "w", stderr);
		template_render(&sb, name, vars, n);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_template_slots(void)
{
	struct tvar good[] = {{"SLOT", "3"}, {"NAME", "cbcc_count_3"}, {"PARAMS", "void *ctx"}};
	struct tvar bad_name[] = {{"SLOT", "3"}, {"NAME", "x */ y"}, {"PARAMS", "void *ctx"}};
	struct tvar bad_slot[] = {{"SLOT", "3 */"}, {"NAME", "x"}, {"PARAMS", "void *ctx"}};
	struct strbuf sb = STRBUF_INIT;

	template_render(&sb, "funccount_probe.c", good, 3);
	CHECK(strstr(sb_str(&sb), "/* funccount probe 3 */\nint cbcc_count_3(void *ctx)") != NULL);
	sb_free(&sb);
	CHECK(!render_aborts("funccount_probe.c", good, 3));
	CHECK(render_aborts("funccount_probe.c", bad_name, 3));
	CHECK(render_aborts("funccount_probe.c", bad_slot, 3));

	/* no template has a placeholder other than a number inside a comment */
	for (const struct cbcc_template *t = cbcc_templates; t->name; t++) {
		bool in_comment = false;

		for (const char *p = t->text; *p; p++) {
			if (!in_comment && p[0] == '/' && p[1] == '*')
				in_comment = true;
			else if (in_comment && p[0] == '*' && p[1] == '/')
				in_comment = false;
			else if (in_comment && p[0] == '{' && p[1] == '{' &&
				 !(strncmp(p, "{{INDEX}}", 9) && strncmp(p, "{{SLOT}}", 8)))
				continue;
			else
				CHECKF(!(in_comment && p[0] == '{' && p[1] == '{'),
				       "template %s: placeholder in a comment: %.20s", t->name, p);
		}
	}
}

int main(void)
{
	test_csrc();
	test_lex();
	test_caret();
	test_rewrite();
	test_argdist_passes();
	test_fragments();
	test_template_slots();
	return check_finish("expression");
}
