/* The exporter's pure parts: names, escaping, both expositions, series
 * limits, Accept negotiation and address syntax. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "prom.h"

static void check_name(const char *text, const char *want)
{
	char *got = prom_name(text);

	if (!want)
		CHECK(got == NULL);
	else
		CHECK_STR(got, want);
	free(got);
}

static void check_seconds(const char *name, const char *want)
{
	char *got = prom_seconds_name(name);

	CHECK_STR(got, want);
	free(got);
}

static void test_label_names(void)
{
	/* "key_3" first, so the nameless third text needs another number */
	static const char *const texts[] = {"key_3", "$PID", "!!", "b",	   "$retval",
					    "PID",   "le",   "b",  "pid_6"};
	static const char *const want[] = {"key_3", "pid",  "key_4", "b",      "retval",
					   "pid_6", "le_7", "b_8",   "pid_6_9"};
	char **got = prom_label_names(texts, (int)ARRAY_SIZE(texts));

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		CHECK_STR(got[i], want[i]);
		CHECK(prom_name_valid(got[i]));
		free(got[i]);
	}
	free(got);
}

static void test_names(void)
{
	check_name("$entry(b)", "entry_b");
	check_name("args->ret", "args_ret");
	check_name("read latency ns", "read_latency_ns");
	check_name("$PID", "pid");
	check_name("(char*)$retval", "char_retval");
	check_name("Hello  World!", "hello_world");
	check_name("2*x", "_2_x");
	check_name("a__b", "a_b");
	check_name("__x__", "x");
	check_name("___", NULL);
	check_name("\xc3\xa9", NULL);
	check_name("", NULL);

	CHECK(prom_name_valid("a"));
	CHECK(prom_name_valid("_a1"));
	CHECK(prom_name_valid("_2_x"));
	CHECK(!prom_name_valid("__a"));
	CHECK(!prom_name_valid("1a"));
	CHECK(!prom_name_valid("a-b"));
	CHECK(!prom_name_valid("a:b"));
	CHECK(!prom_name_valid(""));
	CHECK(!prom_name_valid(NULL));

	check_seconds("read_latency_ns", "read_latency_seconds");
	check_seconds("vfs_read_latency", "vfs_read_latency_seconds");
	check_seconds("wait_seconds", "wait_seconds");
	check_seconds("wait_usecs", "wait_seconds");
	check_seconds("ns", "ns_seconds");
}

static void check_escape(const char *in, size_t n, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	prom_escape_value(&sb, in, n);
	CHECK_STR(sb_str(&sb), want);
	sb_free(&sb);
}

static void test_escaping(void)
{
	check_escape("plain", 5, "plain");
	check_escape("a\"b\\c\nd", 7, "a\\\"b\\\\c\\nd");
	check_escape("\xff\xfe", 2, "\\\\xff\\\\xfe");
	check_escape("t\tr\r\x7f", 5, "t\\\\x09r\\\\x0d\\\\x7f");
	check_escape("h\xc3\xa9llo \xf0\x9f\x98\x80", 11, "h\xc3\xa9llo \xf0\x9f\x98\x80");
	check_escape("\xed\xa0\x80", 3, "\\\\xed\\\\xa0\\\\x80");	     /* a surrogate */
	check_escape("\xc0\xaf", 2, "\\\\xc0\\\\xaf");			     /* overlong '/' */
	check_escape("\xe2\x82", 2, "\\\\xe2\\\\x82");			     /* cut short */
	check_escape("\xf4\x90\x80\x80", 4, "\\\\xf4\\\\x90\\\\x80\\\\x80"); /* past U+10FFFF */
	/* the text \xff reads as the byte ff does */
	check_escape("\\xff", 4, "\\\\xff");
}

static const char want_text[] =
	"# HELP cbcc_calls_total Calls of \"f\" \\\\ with\\nnewline \\\\xff.\n"
	"# TYPE cbcc_calls_total counter\n"
	"cbcc_calls_total{func=\"a\\\"b\",pid=\"1\"} 7\n"
	"cbcc_calls_total{func=\"x\",pid=\"2\"} 3\n"
	"# HELP cbcc_attached Attached.\n"
	"# TYPE cbcc_attached gauge\n"
	"cbcc_attached 4\n"
	"# HELP cbcc_build_info Build.\n"
	"# TYPE cbcc_build_info gauge\n"
	"cbcc_build_info{tool=\"t\"} 1\n";

static const char want_om[] = "# HELP cbcc_calls Calls of \\\"f\\\" \\\\ with\\nnewline \\\\xff.\n"
			      "# TYPE cbcc_calls counter\n"
			      "cbcc_calls_total{func=\"a\\\"b\",pid=\"1\"} 7\n"
			      "cbcc_calls_total{func=\"x\",pid=\"2\"} 3\n"
			      "# HELP cbcc_attached Attached.\n"
			      "# TYPE cbcc_attached gauge\n"
			      "cbcc_attached 4\n"
			      "# HELP cbcc_build Build.\n"
			      "# TYPE cbcc_build info\n"
			      "cbcc_build_info{tool=\"t\"} 1\n"
			      "# EOF\n";

static void test_exposition(void)
{
	struct prom_registry *r = prom_registry_new();
	static const char *const labels[] = {"func", "pid"}, *const tool[] = {"tool"};
	struct prom_family *calls =
		prom_family_new(r, PROM_COUNTER, "cbcc_calls",
				"Calls of \"f\" \\ with\nnewline \xff.", labels, 2, NULL);
	struct prom_family *attached =
		prom_family_new(r, PROM_GAUGE, "cbcc_attached", "Attached.", NULL, 0, NULL);
	struct prom_family *build =
		prom_family_new(r, PROM_INFO, "cbcc_build", "Build.", tool, 1, NULL);
	struct strbuf text = STRBUF_INIT, om = STRBUF_INIT;

	CHECK(calls && attached && build);
	prom_add(calls, (const char *const[]){"x", "2"}, 3);
	prom_add(calls, (const char *const[]){"a\"b", "1"}, 5);
	prom_add(calls, (const char *const[]){"a\"b", "1"}, 2); /* the same series: summed */
	prom_add(attached, NULL, 4);
	prom_add(build, (const char *const[]){"t"}, 1);
	prom_render(r, PROM_TEXT, &text);
	prom_render(r, PROM_OPENMETRICS, &om);
	CHECK_STR(sb_str(&text), want_text);
	CHECK_STR(sb_str(&om), want_om);

	/* a new collection starts empty */
	prom_registry_clear(r);
	prom_add(attached, NULL, 5);
	sb_reset(&text);
	prom_render(r, PROM_TEXT, &text);
	CHECK(strstr(sb_str(&text), "cbcc_attached 5\n") != NULL);
	CHECK(strstr(sb_str(&text), "cbcc_calls_total{") == NULL);
	sb_free(&text);
	sb_free(&om);
	prom_registry_free(r);
}

/* The lines of text that start with prefix, concatenated. */
static char *lines_with(const char *text, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;

	sb_append(&sb, "");
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p + 1) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix)))
			sb_appendn(&sb, p, len);
		p += len;
	}
	return sb_steal(&sb);
}

static void test_histogram(void)
{
	struct prom_registry *r = prom_registry_new();
	struct prom_family *h =
		prom_family_new(r, PROM_HISTOGRAM, "cbcc_size", "Sizes.", NULL, 0, NULL);
	struct prom_family *lat =
		prom_family_new(r, PROM_HISTOGRAM, "cbcc_lat_seconds", "Latency.", NULL, 0, NULL);
	struct prom_family *neg =
		prom_family_new(r, PROM_HISTOGRAM, "cbcc_neg", "Neg.", NULL, 0, NULL);
	uint64_t slots[PROM_HIST_SLOTS] = {0};
	struct strbuf out = STRBUF_INIT;
	char *got;

	/* 0 and 1 (slot 1), 5 (slot 3) three times, 2^63 (slot 64) */
	slots[1] = 2;
	slots[3] = 3;
	slots[64] = 1;
	prom_add_hist(h, NULL, slots, 16, false);
	prom_family_decimals(lat, 9);
	memset(slots, 0, sizeof(slots));
	slots[26] = 2; /* 50 ms twice: 2^25 <= 5e7 < 2^26 */
	prom_add_hist(lat, NULL, slots, 100000000, false);
	memset(slots, 0, sizeof(slots));
	slots[64] = 2; /* -3 and -4 as u64 */
	prom_add_hist(neg, NULL, slots, (uint64_t)-7, true);
	prom_render(r, PROM_TEXT, &out);

	got = lines_with(sb_str(&out), "cbcc_size_bucket{le=\"");
	CHECK(!strncmp(got,
		       "cbcc_size_bucket{le=\"1\"} 2\n"
		       "cbcc_size_bucket{le=\"3\"} 2\n"
		       "cbcc_size_bucket{le=\"7\"} 5\n"
		       "cbcc_size_bucket{le=\"15\"} 5\n",
		       strlen("cbcc_size_bucket{le=\"1\"} 2\ncbcc_size_bucket{le=\"3\"} 2\n"
			      "cbcc_size_bucket{le=\"7\"} 5\ncbcc_size_bucket{le=\"15\"} 5\n")));
	CHECK(strstr(got, "cbcc_size_bucket{le=\"9223372036854775807\"} 5\n"
			  "cbcc_size_bucket{le=\"+Inf\"} 6\n") != NULL);
	CHECK(strstr(got, "le=\"18446744073709551615\"") == NULL);
	/* 63 bounds and +Inf */
	{
		int n = 0;

		for (const char *p = got; (p = strchr(p, '\n')); p++)
			n++;
		CHECK(n == 64);
	}
	free(got);
	CHECK(strstr(sb_str(&out), "# TYPE cbcc_size histogram\n") != NULL);
	CHECK(strstr(sb_str(&out), "\ncbcc_size_sum 16\ncbcc_size_count 6\n") != NULL);
	CHECK(strstr(sb_str(&out), "cbcc_lat_seconds_bucket{le=\"0.033554431\"} 0\n"
				   "cbcc_lat_seconds_bucket{le=\"0.067108863\"} 2\n") != NULL);
	CHECK(strstr(sb_str(&out), "cbcc_lat_seconds_bucket{le=\"0.000000001\"} 0\n") != NULL);
	CHECK(strstr(sb_str(&out), "cbcc_lat_seconds_bucket{le=\"1.073741823\"} 2\n") != NULL);
	CHECK(strstr(sb_str(&out), "\ncbcc_lat_seconds_sum 0.1\ncbcc_lat_seconds_count 2\n") !=
	      NULL);
	CHECK(strstr(sb_str(&out), "\ncbcc_neg_sum -7\ncbcc_neg_count 2\n") != NULL);
	sb_free(&out);
	prom_registry_free(r);
}

/* The value of the series with these label pairs, -1 when absent. */
static long long value_of(struct prom_registry *r, const char *series)
{
	struct strbuf out = STRBUF_INIT;
	const char *at;
	long long v = -1;

	prom_render(r, PROM_TEXT, &out);
	at = strstr(sb_str(&out), series);
	if (at)
		v = atoll(at + strlen(series));
	sb_free(&out);
	return v;
}

static int count_series(struct prom_registry *r)
{
	struct strbuf out = STRBUF_INIT;
	int n = 0;

	prom_render(r, PROM_TEXT, &out);
	for (const char *p = sb_str(&out); (p = strstr(p, "cbcc_stacks_total{")); p++)
		n++;
	sb_free(&out);
	return n;
}

static void add_stacks(struct prom_family *f, const char *const *names, const uint64_t *counts,
		       int n)
{
	for (int i = 0; i < n; i++)
		prom_add(f, &names[i], counts[i]);
}

/* At most 2 series: the largest first, then the set never changes, and the
 * rest sums into [other], which only grows. */
static void test_limit(void)
{
	struct prom_registry *r = prom_registry_new();
	static const char *const label[] = {"stack"}, *const other[] = {"[other]"};
	static const char *const first[] = {"a", "b", "c"}, *const second[] = {"a", "b", "c", "d"};
	static const uint64_t first_counts[] = {5, 9, 1}, second_counts[] = {5, 9, 40, 2};
	struct prom_family *f =
		prom_family_new(r, PROM_COUNTER, "cbcc_stacks", "Stacks.", label, 1, NULL);
	struct prom_family *g;
	struct cbcc_err err;

	prom_family_limit(f, 2, other);
	add_stacks(f, first, first_counts, 3);
	CHECK(count_series(r) == 3);
	CHECK(value_of(r, "{stack=\"b\"} ") == 9);
	CHECK(value_of(r, "{stack=\"a\"} ") == 5);
	CHECK(value_of(r, "{stack=\"[other]\"} ") == 1);
	CHECK(value_of(r, "{stack=\"c\"} ") == -1);

	prom_registry_clear(r);
	add_stacks(f, second, second_counts, 4);
	CHECK(count_series(r) == 3);
	CHECK(value_of(r, "{stack=\"a\"} ") == 5);
	CHECK(value_of(r, "{stack=\"b\"} ") == 9);
	CHECK(value_of(r, "{stack=\"[other]\"} ") == 42);

	/* under the limit nothing is summed and no [other] appears */
	g = prom_family_new(r, PROM_COUNTER, "cbcc_few", "Few.", label, 1, NULL);
	prom_family_limit(g, 10, other);
	add_stacks(g, first, first_counts, 3);
	CHECK(value_of(r, "cbcc_few_total{stack=\"[other]\"} ") == -1);
	CHECK(value_of(r, "cbcc_few_total{stack=\"c\"} ") == 1);

	/* declaration errors */
	CHECK(!prom_family_new(r, PROM_GAUGE, "cbcc_few", "Again.", NULL, 0, &err));
	CHECK(strstr(err.msg, "declared twice") != NULL);
	CHECK(!prom_family_new(r, PROM_GAUGE, "bad-name", "x", NULL, 0, &err));
	CHECK(!prom_family_new(r, PROM_HISTOGRAM, "cbcc_h", "x", (const char *const[]){"le"}, 1,
			       &err));
	CHECK(!prom_family_new(r, PROM_GAUGE, "cbcc_g", "x", (const char *const[]){"a", "a"}, 2,
			       &err));
	CHECK(strstr(err.msg, "twice") != NULL);
	prom_registry_free(r);
}

static void test_negotiation(void)
{
	/* what Prometheus 2.42 sends */
	CHECK(prom_negotiate("application/openmetrics-text;version=1.0.0,application/"
			     "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
			     "*/*;q=0.1") == PROM_OPENMETRICS);
	CHECK(prom_negotiate(NULL) == PROM_TEXT);
	CHECK(prom_negotiate("") == PROM_TEXT);
	CHECK(prom_negotiate("*/*") == PROM_TEXT);
	CHECK(prom_negotiate("text/plain") == PROM_TEXT);
	CHECK(prom_negotiate("application/openmetrics-text") == PROM_OPENMETRICS);
	CHECK(prom_negotiate("Application/OpenMetrics-Text; version=1.0.0") == PROM_OPENMETRICS);
	CHECK(prom_negotiate("application/openmetrics-text; version=0.0.1") == PROM_TEXT);
	CHECK(prom_negotiate("application/openmetrics-text;q=0.2, text/plain;q=0.5") == PROM_TEXT);
	CHECK(prom_negotiate("application/openmetrics-text;q=0") == PROM_TEXT);
	CHECK(prom_negotiate("text/html, application/openmetrics-text;version=1.0.0;q=0.3") ==
	      PROM_OPENMETRICS);
}

static void test_addresses(void)
{
	static const char *const good[] = {":9435",    "127.0.0.1:0", "0.0.0.0:65535",
					   "[::1]:80", "[::]:9435",   "localhost:9435"};
	static const char *const bad[] = {"9435",    "foo",   ":",	  ":99999", ":65536",
					  ":12a",    "[::1]", "::1:80",	  "a b:80", "[::1]x:80",
					  "host:-1", ":+80",  "host:80 ", ":123456"};
	struct cbcc_err err;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		CHECKF(prom_addr_check(good[i], &err) == 0, "address '%s' refused: %s", good[i],
		       err.msg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_ERROR(prom_addr_check(bad[i], &err) != 0, err.msg, "expected [HOST]:PORT",
			    bad[i]);
	}
}

int main(void)
{
	test_names();
	test_label_names();
	test_escaping();
	test_exposition();
	test_histogram();
	test_limit();
	test_negotiation();
	test_addresses();
	return check_finish("Prometheus");
}
