/* The unit tests' checks, the only ones they use: a failed one prints where
 * and why and counts in failures; main() ends with check_finish(), non-zero
 * when any failed. */
#ifndef CBCC_TEST_CHECK_H
#define CBCC_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || strcmp(a_, b_)) {                                                       \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, __LINE__,               \
				a_ ? a_ : "(null)", b_);                                           \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* A check whose failure says which case failed: CHECKF(cond, fmt, ...). */
#define CHECKF(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* A call on text `what` that must fail (failed) with an error message msg
 * containing needle. */
#define CHECK_ERROR(failed, msg, needle, what)                                                     \
	check_error_at(__FILE__, __LINE__, (failed), (msg), (needle), (what))

static inline void check_error_at(const char *file, int line, bool failed, const char *msg,
				  const char *needle, const char *what)
{
	if (!failed) {
		fprintf(stderr, "%s:%d: '%s' should fail with '%s'\n", file, line, what, needle);
		failures++;
	} else if (!strstr(msg, needle)) {
		fprintf(stderr, "%s:%d: error for '%s' is '%s', lacks '%s'\n", file, line, what,
			msg, needle);
		failures++;
	}
}

/* main()'s end: "all WHAT checks passed", or the number failed and 1. */
static inline int check_finish(const char *what)
{
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("all %s checks passed\n", what);
	return 0;
}

#endif
