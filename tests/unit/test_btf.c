/* lib/btf.c: member offsets from a small hand-built BTF blob, including a
 * member inside an anonymous struct, and errors for files that are not BTF. */
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"

static int failures;

static void expect(const char *what, long got, long want)
{
	if (got != want) {
		fprintf(stderr, "%s: got %ld, wanted %ld\n", what, got, want);
		failures++;
	}
}

/* Ends a blob whose types were written from buf + header to p: the strings
 * and the header. Returns its size. */
static size_t finish_blob(char *buf, char *p, const char *strs, size_t nstrs)
{
	struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h)};

	h.type_len = (uint32_t)(p - buf - sizeof(h));
	h.str_off = h.type_len;
	h.str_len = (uint32_t)nstrs;
	memcpy(p, strs, nstrs), p += nstrs;
	memcpy(buf, &h, sizeof(h));
	return (size_t)(p - buf);
}

/* Types: 1 int; 2 struct inner {int a; int b;}; 3 struct outer {int x;
 * struct {int a; int b;} at byte 8;}; strings "\0int\0inner\0a\0b\0outer\0x\0". */
static size_t build_blob(char *buf)
{
	static const char strs[] = "\0int\0inner\0a\0b\0outer\0x";
	enum { S_INT = 1, S_INNER = 5, S_A = 11, S_B = 13, S_OUTER = 15, S_X = 21 };
	char *p = buf + sizeof(struct btf_header);
	struct btf_type t;
	struct btf_member m;
	uint32_t int_info = 32;

	t = (struct btf_type){.name_off = S_INT, .info = BTF_KIND_INT << 24, .size = 4};
	memcpy(p, &t, sizeof(t)), p += sizeof(t);
	memcpy(p, &int_info, 4), p += 4;
	t = (struct btf_type){.name_off = S_INNER, .info = (BTF_KIND_STRUCT << 24) | 2, .size = 8};
	memcpy(p, &t, sizeof(t)), p += sizeof(t);
	m = (struct btf_member){.name_off = S_A, .type = 1, .offset = 0};
	memcpy(p, &m, sizeof(m)), p += sizeof(m);
	m = (struct btf_member){.name_off = S_B, .type = 1, .offset = 32};
	memcpy(p, &m, sizeof(m)), p += sizeof(m);
	t = (struct btf_type){.name_off = S_OUTER, .info = (BTF_KIND_STRUCT << 24) | 2, .size = 16};
	memcpy(p, &t, sizeof(t)), p += sizeof(t);
	m = (struct btf_member){.name_off = S_X, .type = 1, .offset = 0};
	memcpy(p, &m, sizeof(m)), p += sizeof(m);
	m = (struct btf_member){.name_off = 0, .type = 2, .offset = 64};
	memcpy(p, &m, sizeof(m)), p += sizeof(m);
	return finish_blob(buf, p, strs, sizeof(strs));
}

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

/* Types: 1 int; 2 proto int(int, int); 3 func zeta: 2; 4 func alpha: 2;
 * 5 proto void(void); 6 func mid: 5. */
static size_t build_funcs_blob(char *buf)
{
	static const char strs[] = "\0int\0zeta\0alpha\0mid";
	enum { S_INT = 1, S_ZETA = 5, S_ALPHA = 10, S_MID = 16 };
	struct btf_param params[2] = {{0, 1}, {0, 1}};
	char *p = buf + sizeof(struct btf_header);
	uint32_t int_info = 32;
	struct btf_type t[] = {
		{.name_off = S_INT, .info = BTF_KIND_INT << 24, .size = 4},
		{.info = (BTF_KIND_FUNC_PROTO << 24) | 2, .type = 1},
		{.name_off = S_ZETA, .info = BTF_KIND_FUNC << 24, .type = 2},
		{.name_off = S_ALPHA, .info = BTF_KIND_FUNC << 24, .type = 2},
		{.info = BTF_KIND_FUNC_PROTO << 24, .type = 0},
		{.name_off = S_MID, .info = BTF_KIND_FUNC << 24, .type = 5},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memcpy(p, &t[i], sizeof(t[i])), p += sizeof(t[i]);
		if (i == 0)
			memcpy(p, &int_info, 4), p += 4;
		if (i == 1)
			memcpy(p, params, sizeof(params)), p += sizeof(params);
	}
	return finish_blob(buf, p, strs, sizeof(strs));
}

/* The name index of functions: parameter counts and type ids. */
static void check_funcs(void)
{
	char blob[512];
	struct cbcc_err err;
	char *path = write_temp(blob, build_funcs_blob(blob));
	struct kbtf *b = kbtf_load(path, &err);
	struct kbtf_funcs *f = b ? kbtf_funcs_index(b) : NULL;
	uint32_t id = 0;

	expect("funcs blob loads", b != NULL, 1);
	expect("alpha's parameters", kbtf_funcs_find(f, "alpha", &id), 2);
	expect("alpha's id", id, 4);
	expect("zeta's parameters", kbtf_funcs_find(f, "zeta", &id), 2);
	expect("zeta's id", id, 3);
	expect("mid's parameters", kbtf_funcs_find(f, "mid", &id), 0);
	expect("mid's id", id, 6);
	expect("nosuch", kbtf_funcs_find(f, "nosuch", &id), -1);
	expect("no index", kbtf_funcs_find(NULL, "alpha", &id), -1);
	kbtf_funcs_free(f);
	kbtf_free(b);
	unlink(path);
	free(path);
}

int main(void)
{
	char blob[512];
	struct cbcc_err err;
	char *path = write_temp(blob, build_blob(blob));
	char *junk = write_temp("not btf at all, just text", 25);
	struct kbtf *b = kbtf_load(path, &err);

	if (!b) {
		fprintf(stderr, "kbtf_load: %s\n", err.msg);
		return 1;
	}
	expect("outer.x", kbtf_member_offset(b, "outer", "x"), 0);
	expect("outer.b (anonymous struct)", kbtf_member_offset(b, "outer", "b"), 12);
	expect("inner.b", kbtf_member_offset(b, "inner", "b"), 4);
	expect("outer.nosuch", kbtf_member_offset(b, "outer", "nosuch"), -1);
	expect("nosuch.x", kbtf_member_offset(b, "nosuch", "x"), -1);
	expect("NULL btf", kbtf_member_offset(NULL, "outer", "x"), -1);
	kbtf_free(b);
	expect("junk file loads", kbtf_load(junk, &err) != NULL, 0);
	expect("junk message", strstr(err.msg, "is not BTF data") != NULL, 1);
	expect("missing file loads", kbtf_load("/nonexistent/btf", &err) != NULL, 0);
	unlink(path);
	unlink(junk);
	free(path);
	free(junk);
	check_funcs();
	return failures ? 1 : 0;
}
