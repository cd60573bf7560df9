/* Unit tests of the fuzzers' oracle (tests/fuzz/clex.h): it must see C as
 * clang does, or the fuzzers would miss what they look for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/clex.h"

#include "check.h"

/* The tokens of src as "KIND:text" joined by spaces (D directive, E end of
 * its line, P punctuator, O other; identifiers, numbers and literals bare). */
static char *tokens(const char *src)
{
	static const char kinds[] = "INCSPDEO";
	struct clex c;
	char *out = calloc(1, 4096);

	clex(src, strlen(src), &c);
	for (int i = 0; i < c.n; i++) {
		char k = kinds[c.v[i].kind];

		if (*out)
			strcat(out, " ");
		if (k == 'P' || k == 'D' || k == 'E' || k == 'O')
			sprintf(out + strlen(out), "%c:", k);
		strncat(out, c.v[i].text, c.v[i].len);
	}
	clex_free(&c);
	return out;
}

static void expect(const char *src, const char *want)
{
	char *got = tokens(src);

	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	/* the comment attack trace and argdist once allowed: *\<CR>/ ends it */
	expect("/* trace probe 0: x*\\\r/\r#define A(b) 1\r/* */ int",
	       "D:# define A P:( b P:) 1 E: int");
	expect("/* x */\n#define X 1\nY", "D:# define X 1 E: Y");
	expect("a /* \n */ # b", "a D:# b E:");
	expect("a # b", "a P:# b");
	expect("x ?\?= y\n?\?=define Z", "x P:# y D:# define Z E:");
	expect("a <% b %> <:c:> %:x", "a P:{ b P:} P:[ c P:] P:# x");
	expect("%:define Q 1", "D:# define Q 1 E:");
	expect("ab\\\ncd ef\\  \r\ngh", "abcd efgh");
	expect("\"a\\\"b\" 'c' L\"x\" u8\"y\" '\\''", "\"a\\\"b\" 'c' L\"x\" u8\"y\" '\\''");
	expect("a$b 0x1fULL 1e+5 .5 x->y ... a@b `",
	       "a$b 0x1fULL 1e+5 .5 x P:-> y P:... a O:@ b O:`");
	expect("a // c\nb", "a b");
	expect("\"open\nx", "\"open x");
	{
		struct clex a, b;

		clex("a  +b", 5, &a);
		clex("a/**/+\\\nb", 9, &b);
		CHECK(clex_equal(&a, &b) && b.comments == 1);
		clex_free(&a);
		clex_free(&b);
	}
	return check_finish("clex");
}
