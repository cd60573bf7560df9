/* A minimal JSON Lines writer for --json output: objects and arrays built
 * into a strbuf, commas and string escaping handled here. */
#ifndef CBCC_JSON_H
#define CBCC_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

#define JSON_MAX_DEPTH 8

struct json {
	struct strbuf sb;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	char close[JSON_MAX_DEPTH]; /* '}' or ']' */
};

/* Starts a new line's top-level object (the previous text is dropped). */
void json_begin(struct json *j);
/* Closes the top-level object; the line (with "\n") is in j->sb. */
void json_end(struct json *j);
/* Nested containers: key is NULL inside arrays. At most JSON_MAX_DEPTH levels. */
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_close(struct json *j); /* closes the innermost object or array */
/* Values: key is NULL inside arrays. str may hold any bytes; invalid UTF-8
 * and control characters are escaped so the line stays valid JSON. */
void json_str(struct json *j, const char *key, const char *str);
void json_strn(struct json *j, const char *key, const char *str, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v);
/* A number with a fixed count of decimals (timestamps: 6). */
void json_fixed(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
/* Writes j->sb to stdout. */
void json_print(const struct json *j);
void json_free(struct json *j);

#endif
