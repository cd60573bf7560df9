/* Unit tests of argdist's specifier grammar and its display helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argcodegen.h"
#include "argspec.h"

#include "check.h"

static void test_full(void)
{
	struct argdist_spec s;
	struct cbcc_err err;

	CHECK(argdist_spec_parse("r:c:read(int fd, char *buf, size_t n):size_t,int:$entry(n),fd:"
				 "$latency > 10#my label",
				 ARGDIST_COUNT, &s, &err) == 0);
	CHECK(s.loc.type == PROBE_RETURN);
	CHECK_STR(s.loc.library, "c");
	CHECK_STR(s.loc.function, "read");
	CHECK(s.nparams == 3);
	CHECK_STR(s.params[1].type, "char *");
	CHECK_STR(s.params[1].name, "buf");
	CHECK_STR(s.params[2].name, "n");
	CHECK(s.nexprs == 2);
	CHECK_STR(s.types[0], "size_t");
	CHECK_STR(s.exprs[0], "$entry(n)");
	CHECK_STR(s.filter, "$latency > 10");
	CHECK_STR(s.label, "my label");
	CHECK(s.needs_entry && !s.default_expr);
	argdist_spec_free(&s);
}

static void test_defaults(void)
{
	struct argdist_spec s;
	struct cbcc_err err;

	CHECK(argdist_spec_parse("p::__kmalloc()", ARGDIST_COUNT, &s, &err) == 0);
	CHECK(s.default_expr && s.nexprs == 1);
	CHECK_STR(s.loc.library, "");
	CHECK(probe_loc_is_kernel_function(&s.loc));
	CHECK_STR(s.exprs[0], "1");
	argdist_spec_free(&s);
	CHECK(argdist_spec_parse("r:c:malloc()", ARGDIST_HIST, &s, &err) == 0);
	CHECK_STR(s.exprs[0], "$retval");
	CHECK_STR(s.types[0], "int");
	argdist_spec_free(&s);
	CHECK(argdist_spec_parse("t:sched:sched_switch():int:args->prev_pid", ARGDIST_HIST, &s,
				 &err) == 0);
	CHECK_STR(s.loc.category, "sched");
	CHECK_STR(s.loc.function, "sched_switch");
	argdist_spec_free(&s);
}

static void test_errors(void)
{
	static const struct {
		const char *spec;
		enum argdist_kind kind;
		const char *msg;
	} cases[] = {
		{"p:c", ARGDIST_COUNT, "at least the probe type"},
		{"p:c:f():a:b:c:d", ARGDIST_COUNT, "extraneous"},
		{"q:c:f()", ARGDIST_COUNT, "but got 'q'"},
		{"p:c:f", ARGDIST_COUNT, "invalid format"},
		{"p:c:f (x)", ARGDIST_COUNT, "invalid format"},
		{"p:c:f():int,int:a", ARGDIST_COUNT, "mismatched"},
		{"p:c:f()", ARGDIST_HIST, "histograms must have expr"},
		{"p:c:f():int,int:a,b", ARGDIST_HIST, "only have 1 expr"},
		{"p:c:f(int a):int:$entry(a)", ARGDIST_COUNT, "only available in return probes"},
		{"u:lib:probe(int a)", ARGDIST_COUNT, "can't have a function signature"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct argdist_spec s;
		struct cbcc_err err;

		if (argdist_spec_parse(cases[i].spec, cases[i].kind, &s, &err) == 0 ||
		    !strstr(err.msg, cases[i].msg)) {
			fprintf(stderr, "'%s': expected error '%s', got '%s'\n", cases[i].spec,
				cases[i].msg, err.msg);
			failures++;
		}
		argdist_spec_free(&s);
	}
}

static void test_helpers(void)
{
	char *d = argdist_display_expr("$latency/$entry(size) + $entry(x)");
	struct argdist_spec s;
	struct cbcc_err err;
	size_t off[2];

	CHECK_STR(d, "$latency/size + x");
	free(d);
	CHECK(argdist_type_is_string("char*") && argdist_type_is_string("const char *"));
	CHECK(!argdist_type_is_string("char"));
	CHECK(argdist_type_is_signed("int") && argdist_type_is_signed("long long"));
	CHECK(!argdist_type_is_signed("u32") && !argdist_type_is_signed("size_t"));
	CHECK(argdist_spec_parse("p:c:f(char *s, int n):char*,int:s,n", ARGDIST_COUNT, &s, &err) ==
	      0);
	CHECK(argdist_key_layout(&s, 80, off) == 88 + 8);
	CHECK(off[0] == 0 && off[1] == 88);
	argdist_spec_free(&s);
}

int main(void)
{
	test_full();
	test_defaults();
	test_errors();
	test_helpers();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	puts("all argdist spec checks passed");
	return 0;
}
