/* lib/system/btf.c on small BTF files built with libbpf's writer: member offsets
 * (a member inside an anonymous struct), the kernel types a text asks for
 * (keywords, typedefs, enumerators, structs reached through "->"), names
 * that are not C identifiers refused, and files that are not BTF. */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "check.h"

static char *write_temp(const void *data, size_t size)
{
	char *path = strdup("/tmp/cbcc-btf-test.XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		perror("temp file");
		exit(1);
	}
	close(fd);
	return path;
}

static char *save(struct btf *btf)
{
	uint32_t size;
	const void *raw = btf__raw_data(btf, &size);
	char *path = write_temp(raw, size);

	btf__free(btf);
	return path;
}

/* int; struct inner {int a; int b;}; struct outer {int x; struct {int a;
 * int b;} at byte 8;} */
static char *offsets_btf(void)
{
	struct btf *btf = btf__new_empty();
	int i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int inner = btf__add_struct(btf, "inner", 8);

	btf__add_field(btf, "a", i, 0, 0);
	btf__add_field(btf, "b", i, 32, 0);
	btf__add_struct(btf, "outer", 16);
	btf__add_field(btf, "x", i, 0, 0);
	btf__add_field(btf, NULL, inner, 64, 0);
	return save(btf);
}

static void test_offsets(void)
{
	struct cbcc_err err;
	char *path = offsets_btf();
	char *junk = write_temp("not btf at all, just text", 25);
	struct kbtf *b = kbtf_load(path, &err);

	CHECK(b != NULL);
	CHECK(kbtf_member_offset(b, "outer", "x") == 0);
	CHECK(kbtf_member_offset(b, "outer", "b") == 12);
	CHECK(kbtf_member_offset(b, "inner", "b") == 4);
	CHECK(kbtf_member_offset(b, "outer", "nosuch") == -1);
	CHECK(kbtf_member_offset(b, "nosuch", "x") == -1);
	CHECK(kbtf_member_offset(NULL, "outer", "x") == -1);
	kbtf_free(b);
	CHECK(kbtf_load(junk, &err) == NULL);
	CHECK(strstr(err.msg, "is not BTF data") != NULL);
	CHECK(kbtf_load("/nonexistent/btf", &err) == NULL);
	CHECK(strstr(err.msg, "cannot read kernel BTF /nonexistent/btf") != NULL);
	unlink(path);
	unlink(junk);
	free(path);
	free(junk);
}

/* A small kernel: struct task {int pid; struct mm *mm; struct fs *fs;
 * struct sig sig;}, struct mm {long start;}, struct fs {int users;},
 * struct sig {struct handler *h;}, struct handler {int n;}, typedef int
 * pid_t, typedef struct mm mm_t, enum state {RUNNING, SLEEPING}, enum
 * limits {COMM_LEN = 16} and a function task_fn(int, int). One name
 * may be replaced by `hostile` (which == 1: struct fs's tag, 2: member
 * users, 3: enumerator COMM_LEN). */
static char *kernel_btf(int which, const char *hostile)
{
	struct btf *btf = btf__new_empty();
	int i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int l = btf__add_int(btf, "long int", 8, BTF_INT_SIGNED);
	int mm = btf__add_struct(btf, "mm", 8);
	int fs, handler, sig, mm_ptr, fs_ptr, handler_ptr, proto;

	/* a struct's fields follow it: pointers are added before */
	btf__add_field(btf, "start", l, 0, 0);
	fs = btf__add_struct(btf, which == 1 ? hostile : "fs", 4);
	btf__add_field(btf, which == 2 ? hostile : "users", i, 0, 0);
	handler = btf__add_struct(btf, "handler", 4);
	btf__add_field(btf, "n", i, 0, 0);
	handler_ptr = btf__add_ptr(btf, handler);
	mm_ptr = btf__add_ptr(btf, mm);
	fs_ptr = btf__add_ptr(btf, fs);
	sig = btf__add_struct(btf, "sig", 8);
	btf__add_field(btf, "h", handler_ptr, 0, 0);
	btf__add_struct(btf, "task", 32);
	btf__add_field(btf, "pid", i, 0, 0);
	btf__add_field(btf, "mm", mm_ptr, 64, 0);
	btf__add_field(btf, "fs", fs_ptr, 128, 0);
	btf__add_field(btf, "sig", sig, 192, 0);
	btf__add_typedef(btf, "pid_t", i);
	btf__add_typedef(btf, "mm_t", mm);
	btf__add_enum(btf, "state", 4);
	btf__add_enum_value(btf, "RUNNING", 0);
	btf__add_enum_value(btf, "SLEEPING", 1);
	btf__add_enum(btf, "limits", 4);
	btf__add_enum_value(btf, which == 3 ? hostile : "COMM_LEN", 16);
	proto = btf__add_func_proto(btf, i);
	btf__add_func_param(btf, "a", i);
	btf__add_func_param(btf, "b", i);
	btf__add_func(btf, "task_fn", BTF_FUNC_GLOBAL, proto);
	return save(btf);
}

/* The declarations kbtf_types_c writes for text after defined, or NULL
 * (err filled). */
static char *types_after(const char *path, const char *defined, const char *text, int *ntypes,
			 struct cbcc_err *err)
{
	struct kbtf *b = kbtf_load(path, err);
	struct strbuf out = STRBUF_INIT;
	int rc = b ? kbtf_types_c(b, text, defined, &out, ntypes, err) : -1;

	kbtf_free(b);
	if (rc) {
		sb_free(&out);
		return NULL;
	}
	return sb_steal(&out);
}

static char *types_for(const char *path, const char *text, int *ntypes, struct cbcc_err *err)
{
	return types_after(path, "", text, ntypes, err);
}

static void test_types(void)
{
	struct cbcc_err err;
	char *path = kernel_btf(0, NULL);
	int n = 0;
	char *c;

	/* the struct, and what "->mm->" reaches; fs stays a declaration */
	c = types_for(path, "u64 v = ((struct task *)t)->mm->start; /* struct sig x */", &n, &err);
	CHECK(c && strstr(c, "struct task {") && strstr(c, "struct mm {"));
	CHECK(c && strstr(c, "struct sig {") && strstr(c, "struct fs;"));
	CHECK(c && !strstr(c, "struct fs {") && !strstr(c, "struct handler {"));
	CHECK(c && !strstr(c, "RUNNING") && !strstr(c, "pid_t"));
	CHECK(n == 2); /* task, and mm through ->mm */
	free(c);
	/* through a by-value member: ->h reaches struct handler inside sig */
	c = types_for(path, "struct task *t; t->sig.h->n", &n, &err);
	CHECK(c && strstr(c, "struct handler {"));
	free(c);
	/* typedefs, enumerators (their whole enum), enum tags */
	c = types_for(path, "pid_t p = COMM_LEN; enum state s = 0; mm_t *m;", &n, &err);
	CHECK(c && strstr(c, "typedef int pid_t;") && strstr(c, "COMM_LEN = 16,"));
	CHECK(c && strstr(c, "enum state {") && strstr(c, "SLEEPING = 1,"));
	CHECK(c && strstr(c, "struct mm {") && strstr(c, "typedef struct mm mm_t;"));
	CHECK(n == 4);
	free(c);
	c = types_for(path, "int x = SLEEPING;", &n, &err);
	CHECK(c && strstr(c, "enum state {"));
	free(c);
	/* a tag the text defines itself, names in strings and comments, and
	 * names that are no kernel type ask for nothing */
	c = types_for(path,
		      "struct task { int mine; }; char *s = \"struct mm\"; // pid_t\n"
		      "int nosuch_t = 1;\n#include <pid_t>\n",
		      &n, &err);
	CHECK(c && !strstr(c, "struct task {") && !strstr(c, "mm") && !strstr(c, "pid_t"));
	CHECK(n == 0);
	free(c);
	/* a tag defined before the declarations (a shipped enum) is not
	 * written again, nor asked for through its enumerators */
	c = types_after(path, "enum state {\n\tRUNNING,\n};\nstruct mm {\n\tlong start;\n};\n",
			"int s = SLEEPING; struct mm *m; mm_t *x;", &n, &err);
	CHECK(c && !strstr(c, "enum state") && !strstr(c, "SLEEPING") && !strstr(c, "struct mm {"));
	CHECK(c && strstr(c, "typedef struct mm mm_t;"));
	CHECK(n == 1);
	free(c);
	unlink(path);
	free(path);
}

/* Names that are not C identifiers never reach the C text. */
static void test_hostile_names(void)
{
	static const char *const hostile[] = {"x */\n#define bpf_probe_read 0\n/*", "a b", "fs;int",
					      "9fs"};
	struct cbcc_err err;

	for (int which = 1; which <= 3; which++)
		for (size_t h = 0; h < ARRAY_SIZE(hostile); h++) {
			char *path = kernel_btf(which, hostile[h]);
			int n;
			char *c = types_for(path, "struct task *t; t->fs->users; enum limits l;",
					    &n, &err);

			CHECK(c == NULL);
			CHECK(strstr(err.msg, "not a C identifier") != NULL);
			CHECK(!strchr(err.msg, '\n'));
			free(c);
			unlink(path);
			free(path);
		}
}

/* The name index of functions: parameter counts and type ids. */
static void test_funcs(void)
{
	struct btf *btf = btf__new_empty();
	int i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int two = btf__add_func_proto(btf, i);
	int zeta, alpha, none, mid;
	struct cbcc_err err;
	struct kbtf *b;
	struct kbtf_funcs *f;
	uint32_t id = 0;
	char *path;

	btf__add_func_param(btf, "a", i);
	btf__add_func_param(btf, "b", i);
	zeta = btf__add_func(btf, "zeta", BTF_FUNC_GLOBAL, two);
	alpha = btf__add_func(btf, "alpha", BTF_FUNC_GLOBAL, two);
	none = btf__add_func_proto(btf, 0);
	mid = btf__add_func(btf, "mid", BTF_FUNC_GLOBAL, none);
	path = save(btf);
	b = kbtf_load(path, &err);
	f = b ? kbtf_funcs_index(b) : NULL;
	CHECK(f != NULL);
	CHECK(kbtf_funcs_find(f, "alpha", &id) == 2 && id == (uint32_t)alpha);
	CHECK(kbtf_funcs_find(f, "zeta", &id) == 2 && id == (uint32_t)zeta);
	CHECK(kbtf_funcs_find(f, "mid", &id) == 0 && id == (uint32_t)mid);
	CHECK(kbtf_funcs_find(f, "nosuch", &id) == -1);
	CHECK(kbtf_funcs_find(NULL, "alpha", &id) == -1);
	kbtf_funcs_free(f);
	kbtf_free(b);
	unlink(path);
	free(path);
}

/* struct victim { struct { int NAME; } *p; }: the anonymous struct's body
 * is written behind the pointer too, so its member names are checked. */
static void test_hostile_anonymous(void)
{
	struct btf *btf = btf__new_empty();
	int i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int anon = btf__add_struct(btf, NULL, 4), ptr;
	struct cbcc_err err;
	char *path, *c;
	int n;

	btf__add_field(btf, "x; } *p; }; int evil(void) { return 1; } struct z { struct { int y", i,
		       0, 0);
	ptr = btf__add_ptr(btf, anon); /* a struct's fields follow it */
	btf__add_struct(btf, "victim", 8);
	btf__add_field(btf, "p", ptr, 0, 0);
	path = save(btf);
	c = types_for(path, "struct victim *v;", &n, &err);
	CHECK(c == NULL);
	CHECK(c || strstr(err.msg, "not a C identifier") != NULL);
	free(c);
	unlink(path);
	free(path);
}

int main(void)
{
	test_offsets();
	test_hostile_anonymous();
	test_funcs();
	test_types();
	test_hostile_names();
	return check_finish("BTF");
}
