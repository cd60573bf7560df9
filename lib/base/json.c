#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static void put_string(struct json *j, const char *str, size_t n);

static void separate(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth - 1])
			sb_append(&j->sb, ",");
		j->first[j->depth - 1] = false;
	}
	if (key) {
		put_string(j, key, strlen(key));
		sb_append(&j->sb, ":");
	}
}

static void open_container(struct json *j, const char *key, char open, char close)
{
	if (j->depth >= JSON_MAX_DEPTH)
		return; /* a caller bug; the line stays balanced */
	separate(j, key);
	sb_appendn(&j->sb, &open, 1);
	j->first[j->depth] = true;
	j->close[j->depth++] = close;
}

void json_begin(struct json *j)
{
	sb_reset(&j->sb);
	j->depth = 0;
	open_container(j, NULL, '{', '}');
}

void json_end(struct json *j)
{
	while (j->depth > 0)
		json_close(j);
	sb_append(&j->sb, "\n");
}

void json_object(struct json *j, const char *key)
{
	open_container(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	open_container(j, key, '[', ']');
}

void json_close(struct json *j)
{
	if (j->depth > 0)
		sb_appendn(&j->sb, &j->close[--j->depth], 1);
}

static void put_string(struct json *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	sb_append(&j->sb, "\"");
	for (size_t i = 0; i < n; i++) {
		size_t len;

		if (s[i] == '"' || s[i] == '\\') {
			sb_printf(&j->sb, "\\%c", s[i]);
		} else if (s[i] == '\n') {
			sb_append(&j->sb, "\\n");
		} else if (s[i] == '\t') {
			sb_append(&j->sb, "\\t");
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			sb_printf(&j->sb, "\\u%04x", s[i]);
		} else if (s[i] < 0x80) {
			sb_appendn(&j->sb, (const char *)&s[i], 1);
		} else if ((len = utf8_char_len((const char *)&s[i], n - i)) > 0) {
			sb_appendn(&j->sb, (const char *)&s[i], len);
			i += len - 1;
		} else {
			sb_printf(&j->sb, "\\u%04x", s[i]); /* a stray byte, as Latin-1 */
		}
	}
	sb_append(&j->sb, "\"");
}

void json_strn(struct json *j, const char *key, const char *str, size_t n)
{
	separate(j, key);
	put_string(j, str, n);
}

void json_str(struct json *j, const char *key, const char *str)
{
	json_strn(j, key, str ? str : "", str ? strlen(str) : 0);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	separate(j, key);
	sb_printf(&j->sb, "%llu", (unsigned long long)v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	separate(j, key);
	sb_printf(&j->sb, "%lld", (long long)v);
}

void json_double(struct json *j, const char *key, double v)
{
	separate(j, key);
	if (isfinite(v))
		sb_printf(&j->sb, "%.17g", v);
	else
		sb_append(&j->sb, "null");
}

void json_fixed(struct json *j, const char *key, double v, int decimals)
{
	separate(j, key);
	if (isfinite(v))
		sb_printf(&j->sb, "%.*f", decimals, v);
	else
		sb_append(&j->sb, "null");
}

void json_bool(struct json *j, const char *key, bool v)
{
	separate(j, key);
	sb_append(&j->sb, v ? "true" : "false");
}

void json_print(const struct json *j)
{
	fputs(sb_str(&j->sb), stdout);
}

void json_free(struct json *j)
{
	sb_free(&j->sb);
}
