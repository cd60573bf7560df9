/* Unit tests of lib/strbuf: escaping control bytes for printing. */
#include <stdlib.h>

#include "strbuf.h"

#include "check.h"

static void expect_escaped(const char *in, size_t n, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	sb_append(&sb, "[");
	sb_append_escaped(&sb, in, n);
	sb_append(&sb, "]");
	CHECK_STR(sb_str(&sb), want);
	sb_free(&sb);
}

int main(void)
{
	expect_escaped("plain /path", 11, "[plain /path]");
	expect_escaped("", 0, "[]");
	expect_escaped("a\nb\tc\rd", 7, "[a\\nb\\tc\\rd]");
	expect_escaped("\x1b[31mred", 8, "[\\x1b[31mred]");
	expect_escaped("del\x7f\x01", 5, "[del\\x7f\\x01]");
	expect_escaped("nul\0x", 5, "[nul\\x00x]");
	/* backslashes and UTF-8 are not touched */
	expect_escaped("a\\nb h\xc3\xa9", 8, "[a\\nb h\xc3\xa9]");
	return check_finish("strbuf");
}
