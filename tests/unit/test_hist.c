/* log2 histograms against output captured from BCC's table.print_log2_hist
 * (python3 bcc.table._print_log2_hist, BCC 0.26). */
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "json.h"

static int failures;

static void check(const char *name, const uint64_t *vals, const char *want)
{
	struct strbuf out = STRBUF_INIT;

	hist_log2_format(&out, vals, HIST_LOG2_SLOTS, "my label");
	if (strcmp(sb_str(&out), want)) {
		fprintf(stderr, "%s: got\n%s---\nwanted\n%s---\n", name, sb_str(&out), want);
		failures++;
	}
	sb_free(&out);
}

/* The --json buckets: the same rows as the table. */
static void check_json(const char *name, const uint64_t *vals, const char *want)
{
	struct json j = {0};

	json_begin(&j);
	hist_log2_json(&j, "buckets", vals, HIST_LOG2_SLOTS);
	json_end(&j);
	if (strcmp(sb_str(&j.sb), want)) {
		fprintf(stderr, "%s (json): got\n%swanted\n%s", name, sb_str(&j.sb), want);
		failures++;
	}
	json_free(&j);
}

static const char want_small[] =
	"     my label            : count     distribution\n"
	"         0 -> 1          : 1        |********                                |\n"
	"         2 -> 3          : 2        |****************                        |\n"
	"         4 -> 7          : 3        |************************                |\n"
	"         8 -> 15         : 0        |                                        |\n"
	"        16 -> 31         : 0        |                                        |\n"
	"        32 -> 63         : 0        |                                        |\n"
	"        64 -> 127        : 5        |****************************************|\n";

static const char want_reads[] =
	"     my label            : count     distribution\n"
	"         0 -> 1          : 0        |                                        |\n"
	"         2 -> 3          : 0        |                                        |\n"
	"         4 -> 7          : 0        |                                        |\n"
	"         8 -> 15         : 0        |                                        |\n"
	"        16 -> 31         : 0        |                                        |\n"
	"        32 -> 63         : 0        |                                        |\n"
	"        64 -> 127        : 1        |*************                           |\n"
	"       128 -> 255        : 0        |                                        |\n"
	"       256 -> 511        : 0        |                                        |\n"
	"       512 -> 1023       : 2        |**************************              |\n"
	"      1024 -> 2047       : 0        |                                        |\n"
	"      2048 -> 4095       : 0        |                                        |\n"
	"      4096 -> 8191       : 0        |                                        |\n"
	"      8192 -> 16383      : 3        |****************************************|\n";

static const char want_big[] =
	"               my label                      : count     distribution\n"
	"                   0 -> 1                    : 0        |                    |\n"
	"                   2 -> 3                    : 0        |                    |\n"
	"                   4 -> 7                    : 4        |                    |\n"
	"                   8 -> 15                   : 0        |                    |\n"
	"                  16 -> 31                   : 0        |                    |\n"
	"                  32 -> 63                   : 0        |                    |\n"
	"                  64 -> 127                  : 0        |                    |\n"
	"                 128 -> 255                  : 0        |                    |\n"
	"                 256 -> 511                  : 0        |                    |\n"
	"                 512 -> 1023                 : 0        |                    |\n"
	"                1024 -> 2047                 : 0        |                    |\n"
	"                2048 -> 4095                 : 0        |                    |\n"
	"                4096 -> 8191                 : 0        |                    |\n"
	"                8192 -> 16383                : 0        |                    |\n"
	"               16384 -> 32767                : 0        |                    |\n"
	"               32768 -> 65535                : 0        |                    |\n"
	"               65536 -> 131071               : 0        |                    |\n"
	"              131072 -> 262143               : 0        |                    |\n"
	"              262144 -> 524287               : 0        |                    |\n"
	"              524288 -> 1048575              : 0        |                    |\n"
	"             1048576 -> 2097151              : 0        |                    |\n"
	"             2097152 -> 4194303              : 0        |                    |\n"
	"             4194304 -> 8388607              : 0        |                    |\n"
	"             8388608 -> 16777215             : 0        |                    |\n"
	"            16777216 -> 33554431             : 0        |                    |\n"
	"            33554432 -> 67108863             : 0        |                    |\n"
	"            67108864 -> 134217727            : 0        |                    |\n"
	"           134217728 -> 268435455            : 0        |                    |\n"
	"           268435456 -> 536870911            : 0        |                    |\n"
	"           536870912 -> 1073741823           : 0        |                    |\n"
	"          1073741824 -> 2147483647           : 0        |                    |\n"
	"          2147483648 -> 4294967295           : 0        |                    |\n"
	"          4294967296 -> 8589934591           : 0        |                    |\n"
	"          8589934592 -> 17179869183          : 0        |                    |\n"
	"         17179869184 -> 34359738367          : 0        |                    |\n"
	"         34359738368 -> 68719476735          : 0        |                    |\n"
	"         68719476736 -> 137438953471         : 0        |                    |\n"
	"        137438953472 -> 274877906943         : 0        |                    |\n"
	"        274877906944 -> 549755813887         : 0        |                    |\n"
	"        549755813888 -> 1099511627775        : 100      |********************|\n"
	"       1099511627776 -> 2199023255551        : 0        |                    |\n"
	"       2199023255552 -> 4398046511103        : 0        |                    |\n"
	"       4398046511104 -> 8796093022207        : 0        |                    |\n"
	"       8796093022208 -> 17592186044415       : 0        |                    |\n"
	"      17592186044416 -> 35184372088831       : 0        |                    |\n"
	"      35184372088832 -> 70368744177663       : 0        |                    |\n"
	"      70368744177664 -> 140737488355327      : 0        |                    |\n"
	"     140737488355328 -> 281474976710655      : 0        |                    |\n"
	"     281474976710656 -> 562949953421311      : 0        |                    |\n"
	"     562949953421312 -> 1125899906842623     : 0        |                    |\n"
	"    1125899906842624 -> 2251799813685247     : 0        |                    |\n"
	"    2251799813685248 -> 4503599627370495     : 0        |                    |\n"
	"    4503599627370496 -> 9007199254740991     : 0        |                    |\n"
	"    9007199254740992 -> 18014398509481983    : 0        |                    |\n"
	"   18014398509481984 -> 36028797018963967    : 0        |                    |\n"
	"   36028797018963968 -> 72057594037927935    : 0        |                    |\n"
	"   72057594037927936 -> 144115188075855871   : 0        |                    |\n"
	"  144115188075855872 -> 288230376151711743   : 0        |                    |\n"
	"  288230376151711744 -> 576460752303423487   : 0        |                    |\n"
	"  576460752303423488 -> 1152921504606846975  : 0        |                    |\n"
	" 1152921504606846976 -> 2305843009213693951  : 0        |                    |\n"
	" 2305843009213693952 -> 4611686018427387903  : 0        |                    |\n"
	" 4611686018427387904 -> 9223372036854775807  : 0        |                    |\n"
	" 9223372036854775808 -> 18446744073709551615 : 1        |                    |\n";

static const char want_one[] =
	"     my label            : count     distribution\n"
	"         0 -> 1          : 7        |****************************************|\n";

static const char want_empty[] = "";

int main(void)
{
	uint64_t small[HIST_LOG2_SLOTS] = {0, 1, 2, 3, 0, 0, 0, 5};
	uint64_t reads[HIST_LOG2_SLOTS] = {0}, big[HIST_LOG2_SLOTS] = {0};
	uint64_t one[HIST_LOG2_SLOTS] = {0, 7}, empty[HIST_LOG2_SLOTS] = {0};

	reads[7] = 1;
	reads[10] = 2;
	reads[14] = 3;
	big[3] = 4;
	big[40] = 100;
	big[64] = 1;
	check("small", small, want_small);
	check("reads", reads, want_reads);
	check("big", big, want_big);
	check("one", one, want_one);
	check("empty", empty, want_empty);
	check_json("small", small,
		   "{\"buckets\":[{\"low\":0,\"high\":1,\"count\":1},{\"low\":2,\"high\":3,"
		   "\"count\":2},"
		   "{\"low\":4,\"high\":7,\"count\":3},{\"low\":8,\"high\":15,\"count\":0},"
		   "{\"low\":16,\"high\":31,\"count\":0},{\"low\":32,\"high\":63,\"count\":0},"
		   "{\"low\":64,\"high\":127,\"count\":5}]}\n");
	check_json("empty", empty, "{\"buckets\":[]}\n");
	if (failures) {
		fprintf(stderr, "%d histogram(s) differ from BCC's\n", failures);
		return 1;
	}
	puts("all histogram checks passed");
	return 0;
}
