/* Unit tests of argdist's specifier grammar and its display helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argcodegen.h"
#include "argspec.h"
#include "strbuf.h"

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

		CHECK_ERROR(argdist_spec_parse(cases[i].spec, cases[i].kind, &s, &err) != 0,
			    err.msg, cases[i].msg, cases[i].spec);
		argdist_spec_free(&s);
	}
}

static void test_helpers(void)
{
	char *d = argdist_display_expr("$latency/$entry(size) + $entry(x)");

	CHECK_STR(d, "$latency/size + x");
	free(d);
	CHECK(argdist_type_is_string("char*") && argdist_type_is_string("const char *"));
	CHECK(!argdist_type_is_string("char"));
	CHECK(argdist_type_is_signed("int") && argdist_type_is_signed("long long"));
	CHECK(!argdist_type_is_signed("u32") && !argdist_type_is_signed("size_t"));
}

/* The struct NAME_key_t { ... }; of a generated -C program, or NULL. */
static char *key_struct(const char *prog, const char *name)
{
	char *head = xasprintf("struct %s_key_t {", name), *at = strstr(prog, head), *end;

	free(head);
	end = at ? strstr(at, "};") : NULL;
	return end ? xstrndup(at, (size_t)(end - at) + 2) : NULL;
}

/* Appends to c the key struct of spec generated with -z string_size as
 * struct NAME_key_t, and assertions that its size and the offset of each
 * field vI are argdist's own numbers (the last one plus skew). */
static void add_key(struct strbuf *c, const char *spec, int string_size, const char *name,
		    size_t skew)
{
	struct argdist_spec s;
	struct cbcc_err err;
	struct argdist_gen_probe p = {.spec = &s, .fn_name = name};
	struct gen_opts o = {.string_size = string_size};
	size_t off[8], size;
	char *prog, *text;

	if (argdist_spec_parse(spec, ARGDIST_COUNT, &s, &err)) {
		CHECKF(false, "'%s': %s", spec, err.msg);
		return;
	}
	size = argdist_key_layout(&s, string_size, off);
	off[s.nexprs - 1] += skew;
	prog = codegen_argdist(&p, 1, &o, &err);
	text = prog ? key_struct(prog, name) : NULL;
	CHECKF(text != NULL, "'%s' -z %d: no key struct (%s)", spec, string_size,
	       prog ? "not found" : err.msg);
	if (text) {
		sb_printf(c, "%s\n_Static_assert(sizeof(struct %s_key_t) == %zu, \"%s\");\n", text,
			  name, size, name);
		for (int i = 0; i < s.nexprs; i++)
			sb_printf(c,
				  "_Static_assert(__builtin_offsetof(struct %s_key_t, v%d) == %zu, "
				  "\"%s v%d\");\n",
				  name, i, off[i], name, i);
	}
	free(text);
	free(prog);
	argdist_spec_free(&s);
}

/* Whether clang accepts the C text c for the BPF target. */
static bool clang_accepts(const struct strbuf *c, bool quiet)
{
	char path[] = "/tmp/cbcc-keylayout-XXXXXX.c";
	int fd = mkstemps(path, 2);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	char *cmd;
	int rc;

	if (!f) {
		perror("mkstemps");
		return false;
	}
	fprintf(f, "typedef unsigned long long u64;\n%s", sb_str(c));
	fclose(f);
	cmd = xasprintf("clang --target=bpf -fsyntax-only -Wall -Werror %s%s", path,
			quiet ? " 2>/dev/null" : "");
	rc = system(cmd);
	free(cmd);
	unlink(path);
	return rc == 0;
}

/* The offsets and size argdist decodes -C keys with are clang's layout of the
 * key struct the generator writes, for mixes of key types and -z values. */
static void test_key_layout(void)
{
	static const char *const specs[] = {
		"p:c:f(char *s, int n):char*,int:s,n",
		"p:c:f(int n):int:n",
		"p:c:f(char *s, int n):int,char*,u64,const char *:n,s,n,s",
		"p:c:f(char *s):char*,char*:s,s",
		"r:c:f():u8,char*,s16:$retval,$retval,$retval",
	};
	static const int sizes[] = {1, 7, 8, 80, 81, 200};
	struct strbuf all = STRBUF_INIT, wrong = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		for (size_t z = 0; z < ARRAY_SIZE(sizes); z++) {
			char *name = xasprintf("probe_f_%zu_%zu", i, z);

			add_key(&all, specs[i], sizes[z], name, 0);
			free(name);
		}
	}
	CHECK(clang_accepts(&all, false));
	/* the oracle can fail: one offset off by one is caught */
	add_key(&wrong, specs[2], 81, "probe_wrong", 1);
	CHECK(!clang_accepts(&wrong, true));
	sb_free(&all);
	sb_free(&wrong);
}

int main(void)
{
	test_full();
	test_defaults();
	test_errors();
	test_helpers();
	test_key_layout();
	return check_finish("argdist spec");
}
