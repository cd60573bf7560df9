/* The unit tests' checks: a failed one prints where and why and counts in
 * failures; main() returns non-zero when any failed. */
#ifndef CBCC_TEST_CHECK_H
#define CBCC_TEST_CHECK_H

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

#endif
