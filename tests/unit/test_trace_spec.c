/* Unit tests of the pure parts: probe grammar, formats, expressions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "format.h"
#include "spec.h"

#include "check.h"

static void test_locations(void)
{
	struct trace_spec s;
	struct cbcc_err err;
	char *func;

	CHECK(trace_spec_parse("do_sys_open", &s, &err) == 0);
	CHECK(s.loc.type == PROBE_ENTRY);
	CHECK_STR(s.loc.library, "");
	CHECK_STR(s.loc.function, "do_sys_open");
	CHECK(probe_loc_is_kernel_function(&s.loc));
	CHECK(s.format == NULL && s.nargs == 0);
	trace_spec_free(&s);

	CHECK(trace_spec_parse("c:malloc", &s, &err) == 0);
	CHECK(s.loc.type == PROBE_ENTRY);
	CHECK_STR(s.loc.library, "c");
	CHECK_STR(s.loc.function, "malloc");
	trace_spec_free(&s);

	CHECK(trace_spec_parse("r::vfs_read", &s, &err) == 0);
	CHECK(s.loc.type == PROBE_RETURN && !*s.loc.library);
	trace_spec_free(&s);

	CHECK(trace_spec_parse("p:/usr/bin/a:b:func+0x10", &s, &err) == 0);
	CHECK_STR(s.loc.library, "/usr/bin/a:b");
	CHECK_STR(s.loc.function, "func");
	CHECK(s.loc.offset == 0x10);
	trace_spec_free(&s);

	CHECK(trace_spec_parse("t:syscalls:sys_enter_openat \"%s\", args->filename", &s, &err) ==
	      0);
	CHECK(s.loc.type == PROBE_TRACEPOINT);
	CHECK_STR(s.loc.category, "syscalls");
	CHECK_STR(s.loc.function, "sys_enter_openat");
	CHECK_STR(s.format, "%s");
	CHECK(s.nargs == 1);
	CHECK_STR(s.args[0], "args->filename");
	trace_spec_free(&s);

	CHECK(trace_spec_parse("u:pthread:libpthread:pthread_create (arg4 != 0)", &s, &err) == 0);
	CHECK(s.loc.type == PROBE_USDT);
	CHECK_STR(s.loc.library, "pthread");
	CHECK_STR(s.loc.category, "libpthread");
	CHECK_STR(s.loc.function, "pthread_create");
	CHECK_STR(s.predicate, "(arg4 != 0)");
	func = probe_loc_func_column(&s.loc); /* BCC's FUNC column: provider:probe */
	CHECK_STR(func, "libpthread:pthread_create");
	free(func);
	trace_spec_free(&s);

	CHECK(trace_spec_parse("u:pthread:pthread_create", &s, &err) == 0);
	func = probe_loc_func_column(&s.loc);
	CHECK_STR(func, "pthread_create");
	free(func);
	trace_spec_free(&s);

	CHECK(trace_spec_parse("t:syscalls:sys_enter_openat", &s, &err) == 0);
	func = probe_loc_func_column(&s.loc);
	CHECK_STR(func, "sys_enter_openat");
	free(func);
	trace_spec_free(&s);

	CHECK(trace_spec_parse("tcp_connect(struct sock *sk) (sk->x == 1) \"%x, %d\", "
			       "sk->sk_daddr, STRCMP(\"a,b\", arg1)",
			       &s, &err) == 0);
	CHECK_STR(s.signature, "struct sock *sk");
	CHECK_STR(s.predicate, "(sk->x == 1)");
	CHECK(s.nargs == 2);
	CHECK_STR(s.args[1], "STRCMP(\"a,b\", arg1)");
	trace_spec_free(&s);
}

static void expect_parse_error(const char *text, const char *needle)
{
	struct trace_spec s;
	struct cbcc_err err = {""};

	CHECK_ERROR(trace_spec_parse(text, &s, &err) != 0, err.msg, needle, text);
	trace_spec_free(&s);
}

static void test_parse_errors(void)
{
	expect_parse_error("x:c:malloc", "probe type must be");
	expect_parse_error("t:a:b:c", "t:category:event");
	expect_parse_error("u::probe", "needs a library");
	expect_parse_error("p:c:", "missing function name");
	expect_parse_error("r:c:malloc+4", "only allowed on entry probes");
	expect_parse_error("p:c:malloc+zz", "invalid offset");
	expect_parse_error("t:sched:sched_switch(int x)", "can't have a function signature");
	expect_parse_error("p:c:malloc (arg1 == 1", "unmatched parenthesis");
	expect_parse_error("p:c:malloc \"%d", "unterminated format");
	expect_parse_error("p:c:malloc %d, arg1", "expected a format string");
	expect_parse_error("p:c:malloc \"%d %d\", arg1", "2 conversions but 1 argument");
	expect_parse_error("p:c:malloc \"%d\"", "1 conversion but 0 arguments");
	expect_parse_error("p:c:malloc \"%q\", arg1", "unsupported conversion '%q'");
	expect_parse_error("p:c:malloc \"%lls\", arg1", "length modifier not allowed");
	expect_parse_error("p:c:malloc \"%d\" arg1", "expected ','");
	expect_parse_error("p:c:malloc \"%0002035920530i\", arg1", "width or precision too large");
	expect_parse_error("p:c:malloc \"%.5000s\", arg1", "width or precision too large");
	expect_parse_error("p:c:mal;loc", "invalid character");
}

static void test_format(void)
{
	struct fmt f;
	struct cbcc_err err;
	struct strbuf out = STRBUF_INIT;
	struct fmt_value v[] = {
		{(uint64_t)-5, NULL}, {0xff, NULL}, {0, "str"}, {'A', NULL}, {7, NULL}};

	CHECK(fmt_parse("a=%d x=%llx s=%-5s| c=%c %% %05u", &f, &err) == 0);
	CHECK(f.nconv == 5);
	CHECK_STR(f.convs[0].ctype, "int");
	CHECK_STR(f.convs[1].ctype, "unsigned long long");
	CHECK(f.convs[2].kind == CONV_STRING);
	fmt_render(&f, v, &out);
	CHECK_STR(sb_str(&out), "a=-5 x=ff s=str  | c=A % 00007");
	fmt_free(&f);
	sb_free(&out);

	CHECK(fmt_parse("%hd %lu %K %U %p %i", &f, &err) == 0);
	CHECK_STR(f.convs[0].ctype, "short");
	CHECK_STR(f.convs[1].ctype, "unsigned long");
	CHECK(f.convs[2].kind == CONV_KSYM && f.convs[3].kind == CONV_USYM);
	CHECK(f.convs[4].kind == CONV_POINTER && f.convs[5].kind == CONV_SIGNED);
	fmt_free(&f);
}

static char *rewrite(const char *text, enum probe_type type, struct strbuf *helpers,
		     struct cbcc_err *err)
{
	struct expr_env env = {.type = type, .ctx = "ctx", .helpers = helpers};
	struct expr_src src = {text, NULL, 0};

	return expr_rewrite(&src, &env, err);
}

static void expect_rewrite(const char *text, enum probe_type type, const char *want)
{
	struct cbcc_err err = {""};
	char *got = rewrite(text, type, NULL, &err);

	CHECKF(got != NULL, "rewrite of '%s' failed: %s", text, err.msg);
	if (got)
		CHECK_STR(got, want);
	free(got);
}

static void expect_reject(const char *text, enum probe_type type, const char *needle)
{
	struct cbcc_err err = {""};
	char *got = rewrite(text, type, NULL, &err);

	CHECKF(!got, "rewrite of '%s' should fail, gave '%s'", text, got);
	if (!got)
		CHECK_ERROR(true, err.msg, needle, text);
	free(got);
}

static void test_expr(void)
{
	struct strbuf helpers = STRBUF_INIT;
	struct cbcc_err err;
	char *s;

	expect_rewrite("arg1 + arg6", PROBE_ENTRY, "PT_REGS_PARM1(ctx) + PT_REGS_PARM6(ctx)");
	expect_rewrite("arg2@user", PROBE_ENTRY, "PT_REGS_PARM2(ctx)");
	expect_rewrite("retval > 0", PROBE_RETURN, "PT_REGS_RC(ctx) > 0");
	expect_rewrite("$retval", PROBE_RETURN, "PT_REGS_RC(ctx)");
	expect_rewrite("$pid == 1", PROBE_ENTRY, "((u32)bpf_get_current_pid_tgid()) == 1");
	expect_rewrite("args->arg1", PROBE_TRACEPOINT, "args->arg1");
	expect_rewrite("myarg1 + x.retval", PROBE_ENTRY, "myarg1 + x.retval");
	expect_rewrite("arg2 == 'a'", PROBE_USDT, "__arg2 == 'a'");
	expect_rewrite("0x10ULL & arg1", PROBE_ENTRY, "0x10ULL & PT_REGS_PARM1(ctx)");

	s = rewrite("STRCMP(\"test\", arg1)", PROBE_ENTRY, &helpers, &err);
	CHECK_STR(s, "cbcc_streq_0((u64)(PT_REGS_PARM1(ctx)))");
	CHECK(strstr(sb_str(&helpers), "char needle[] = \"test\";") != NULL);
	free(s);
	sb_free(&helpers);

	expect_reject("arg1; }", PROBE_ENTRY, "';' is not allowed");
	expect_reject("arg1 } int x() {", PROBE_ENTRY, "'}' is not allowed");
	expect_reject("arg1 /* c", PROBE_ENTRY, "comments are not allowed");
	expect_reject("arg1 // c", PROBE_ENTRY, "comments are not allowed");
	expect_reject("#define x", PROBE_ENTRY, "'#' is not allowed");
	expect_reject("(arg1", PROBE_ENTRY, "unbalanced parentheses");
	expect_reject("arg1)", PROBE_ENTRY, "unbalanced parentheses");
	expect_reject("\"str\"", PROBE_ENTRY, "string literals are only allowed");
	expect_reject("STRCMP(arg1, arg2)", PROBE_ENTRY, "must be a string literal");
	expect_reject("STRCMP(\"a\\q\", arg1)", PROBE_ENTRY, "escapes are allowed");
	expect_rewrite("STRCMP(\"a\\\"); }\", arg1)", PROBE_ENTRY,
		       "cbcc_streq_0((u64)(PT_REGS_PARM1(ctx)))");
	expect_reject("retval", PROBE_ENTRY, "only available in return probes");
	expect_reject("arg7", PROBE_ENTRY, "only arg1..arg6");
	expect_reject("arg1", PROBE_TRACEPOINT, "not available in tracepoint probes");
	expect_reject("$nope", PROBE_ENTRY, "unknown special variable '$nope'");
	{
		struct expr_src good = {"struct sock *sk", NULL, 0};
		struct expr_src bad = {"int a) { return 0; } int f(int b", NULL, 0};

		CHECK(expr_check_signature(&good, &err) == 0);
		CHECK(expr_check_signature(&bad, &err) < 0);
	}
}

int main(void)
{
	test_locations();
	test_parse_errors();
	test_format();
	test_expr();
	return check_finish("trace spec");
}
