/* The exporter's registry, expositions, names and escaping (prom.h); the
 * HTTP side is prom_server.c. */
#include "prom.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct prom_series {
	char *key;	   /* escaped label pairs: `a="x",b="y"`, "" for none */
	uint64_t value;	   /* counter, gauge, info */
	uint64_t *slots;   /* histogram: PROM_HIST_SLOTS counts */
	uint64_t sum;	   /* histogram: the magnitude of the sum */
	bool sum_negative; /* and its sign */
};

/* Keys, sorted, for bsearch. */
struct keyset {
	char **keys;
	size_t n, cap;
};

struct prom_family {
	enum prom_type type;
	char *name, *help;
	char **labels;
	int nlabels;
	int decimals;
	size_t max_series;	/* 0: no limit */
	char *other_key;	/* the key of the series the others are summed into */
	struct keyset admitted; /* series exposed so far (with a limit) */
	struct prom_series *series;
	size_t n, cap;
	bool finished; /* merged and limited since the last clear */
	struct prom_family *next;
};

struct prom_registry {
	struct prom_family *first, *last;
};

struct prom_registry *prom_registry_new(void)
{
	return xcalloc(1, sizeof(struct prom_registry));
}

static void free_series(struct prom_family *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->series[i].key);
		free(f->series[i].slots);
	}
	f->n = 0;
	f->finished = false;
}

static void free_family(struct prom_family *f)
{
	free_series(f);
	free(f->series);
	for (int i = 0; i < f->nlabels; i++)
		free(f->labels[i]);
	free(f->labels);
	for (size_t i = 0; i < f->admitted.n; i++)
		free(f->admitted.keys[i]);
	free(f->admitted.keys);
	free(f->other_key);
	free(f->name);
	free(f->help);
	free(f);
}

void prom_registry_free(struct prom_registry *r)
{
	if (!r)
		return;
	while (r->first) {
		struct prom_family *next = r->first->next;

		free_family(r->first);
		r->first = next;
	}
	free(r);
}

bool prom_name_valid(const char *name)
{
	if (!name || !(isalpha((unsigned char)name[0]) || name[0] == '_') ||
	    starts_with(name, "__"))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

char *prom_name(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	bool gap = false;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p < 0x80 && isalnum(*p)) {
			if (gap && sb.len)
				sb_append(&sb, "_");
			if (!sb.len && isdigit(*p))
				sb_append(&sb, "_");
			sb_printf(&sb, "%c", tolower(*p));
			gap = false;
		} else {
			gap = true;
		}
	}
	if (!sb.len)
		return NULL;
	return sb_steal(&sb);
}

/* Whether name is "le" or one of names[0..n). */
static bool label_taken(char *const *names, int n, const char *name)
{
	if (!strcmp(name, "le"))
		return true;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

char **prom_label_names(const char *const *texts, int n)
{
	char **names = xcalloc(n ? (size_t)n : 1, sizeof(char *));

	for (int i = 0; i < n; i++) {
		char *base = prom_name(texts[i]);
		char *name = base && !label_taken(names, i, base) ? xstrdup(base) : NULL;

		/* no name, or a taken one: numbered after its place, on until free */
		for (int k = i + 1; !name; k++) {
			name = xasprintf("%s_%d", base ? base : "key", k);
			if (label_taken(names, i, name)) {
				free(name);
				name = NULL;
			}
		}
		free(base);
		names[i] = name;
	}
	return names;
}

char *prom_seconds_name(const char *name)
{
	static const char *const units[] = {
		"ns",	"nsec",	 "nsecs",  "nanosecond",  "nanoseconds",  "us",
		"usec", "usecs", "micros", "microsecond", "microseconds", "ms",
		"msec", "msecs", "millis", "millisecond", "milliseconds", "s",
		"sec",	"secs",	 "second", "seconds",
	};
	const char *last = strrchr(name, '_');
	size_t keep = strlen(name);

	for (size_t i = 0; last && i < ARRAY_SIZE(units); i++)
		if (!strcmp(last + 1, units[i]))
			keep = (size_t)(last - name);
	return xasprintf("%.*s_seconds", (int)keep, name);
}

static struct prom_family *find_family(struct prom_registry *r, const char *name)
{
	for (struct prom_family *f = r->first; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

struct prom_family *prom_family_new(struct prom_registry *r, enum prom_type type, const char *name,
				    const char *help, const char *const *labels, int nlabels,
				    struct cbcc_err *err)
{
	struct prom_family *f;

	if (!prom_name_valid(name))
		return cbcc_errf(err, "invalid metric name '%s'", name), NULL;
	if (find_family(r, name))
		return cbcc_errf(err, "metric '%s' declared twice", name), NULL;
	for (int i = 0; i < nlabels; i++) {
		if (!prom_name_valid(labels[i]) || !strcmp(labels[i], "le"))
			return cbcc_errf(err, "metric '%s': invalid label name '%s'", name,
					 labels[i]),
			       NULL;
		for (int j = 0; j < i; j++)
			if (!strcmp(labels[i], labels[j]))
				return cbcc_errf(err, "metric '%s': label '%s' given twice", name,
						 labels[i]),
				       NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->type = type;
	f->name = xstrdup(name);
	f->help = xstrdup(help);
	f->nlabels = nlabels;
	f->labels = xcalloc(nlabels ? nlabels : 1, sizeof(char *));
	for (int i = 0; i < nlabels; i++)
		f->labels[i] = xstrdup(labels[i]);
	if (r->last)
		r->last->next = f;
	else
		r->first = f;
	r->last = f;
	return f;
}

void prom_family_decimals(struct prom_family *f, int decimals)
{
	f->decimals = decimals;
}

/* Backslash, newline and (when quote) double quote escaped; other control
 * characters and bytes that are not UTF-8 as \xNN with the backslash escaped. */
static void escape(struct strbuf *out, const char *str, size_t n, bool quote)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n; i++) {
		size_t len;

		if (s[i] == '\\' || (quote && s[i] == '"'))
			sb_printf(out, "\\%c", s[i]);
		else if (s[i] == '\n')
			sb_append(out, "\\n");
		else if (s[i] < 0x20 || s[i] == 0x7f)
			sb_printf(out, "\\\\x%02x", s[i]);
		else if ((len = utf8_char_len(str + i, n - i)) > 0) {
			sb_appendn(out, str + i, len);
			i += len - 1;
		} else
			sb_printf(out, "\\\\x%02x", s[i]);
	}
}

void prom_escape_value(struct strbuf *out, const char *s, size_t n)
{
	escape(out, s, n, true);
}

/* The series key of these label values: `name="value",...`. */
static char *series_key(const struct prom_family *f, const char *const *values)
{
	struct strbuf sb = STRBUF_INIT;

	sb_append(&sb, "");
	for (int i = 0; i < f->nlabels; i++) {
		const char *v = values && values[i] ? values[i] : "";

		sb_printf(&sb, "%s%s=\"", i ? "," : "", f->labels[i]);
		prom_escape_value(&sb, v, strlen(v));
		sb_append(&sb, "\"");
	}
	return sb_steal(&sb);
}

void prom_family_limit(struct prom_family *f, size_t max, const char *const *other)
{
	f->max_series = max;
	free(f->other_key);
	f->other_key = series_key(f, other);
}

void prom_registry_clear(struct prom_registry *r)
{
	for (struct prom_family *f = r->first; f; f = f->next)
		free_series(f);
}

static struct prom_series *new_series(struct prom_family *f, char *key)
{
	struct prom_series *s;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->series = xrealloc(f->series, f->cap * sizeof(*f->series));
	}
	s = &f->series[f->n++];
	memset(s, 0, sizeof(*s));
	s->key = key;
	f->finished = false;
	return s;
}

void prom_add(struct prom_family *f, const char *const *values, uint64_t v)
{
	new_series(f, series_key(f, values))->value = v;
}

/* Adds b (sign and magnitude) to a. */
static void add_signed(uint64_t *a, bool *a_neg, uint64_t b, bool b_neg)
{
	if (*a_neg == b_neg) {
		*a += b;
	} else if (*a >= b) {
		*a -= b;
	} else {
		*a = b - *a;
		*a_neg = b_neg;
	}
	if (!*a)
		*a_neg = false;
}

void prom_add_hist(struct prom_family *f, const char *const *values, const uint64_t *slots,
		   uint64_t sum, bool is_signed)
{
	struct prom_series *s = new_series(f, series_key(f, values));
	bool neg = is_signed && (int64_t)sum < 0;

	s->slots = xcalloc(PROM_HIST_SLOTS, sizeof(uint64_t));
	memcpy(s->slots, slots, PROM_HIST_SLOTS * sizeof(uint64_t));
	s->sum = neg ? (uint64_t)0 - sum : sum;
	s->sum_negative = neg;
}

/* Adds series b into a (same family). */
static void merge_into(struct prom_series *a, const struct prom_series *b)
{
	a->value += b->value;
	if (a->slots && b->slots)
		for (int i = 0; i < PROM_HIST_SLOTS; i++)
			a->slots[i] += b->slots[i];
	add_signed(&a->sum, &a->sum_negative, b->sum, b->sum_negative);
}

static int by_key(const void *x, const void *y)
{
	return strcmp(((const struct prom_series *)x)->key, ((const struct prom_series *)y)->key);
}

/* Series whose keys are equal become one, in key order. */
static void merge_equal(struct prom_family *f)
{
	size_t kept = 0;

	if (f->n > 1) /* series is NULL before the first one */
		qsort(f->series, f->n, sizeof(*f->series), by_key);
	for (size_t i = 0; i < f->n; i++) {
		if (kept && !strcmp(f->series[kept - 1].key, f->series[i].key)) {
			merge_into(&f->series[kept - 1], &f->series[i]);
			free(f->series[i].key);
			free(f->series[i].slots);
			continue;
		}
		f->series[kept++] = f->series[i];
	}
	f->n = kept;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool keyset_has(const struct keyset *s, const char *key)
{
	return s->n && bsearch(&key, s->keys, s->n, sizeof(char *), cmp_str);
}

static void keyset_add(struct keyset *s, const char *key)
{
	size_t at = 0;

	while (at < s->n && strcmp(s->keys[at], key) < 0)
		at++;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->keys = xrealloc(s->keys, s->cap * sizeof(char *));
	}
	memmove(&s->keys[at + 1], &s->keys[at], (s->n - at) * sizeof(char *));
	s->keys[at] = xstrdup(key);
	s->n++;
}

/* Descending by value, then by key. */
static int by_value_desc(const void *x, const void *y)
{
	const struct prom_series *a = *(struct prom_series *const *)x;
	const struct prom_series *b = *(struct prom_series *const *)y;

	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* Admits new series while there is room (largest first); returns whether
 * any series is left out. */
static bool admit_new(struct prom_family *f)
{
	struct prom_series **fresh = xcalloc(f->n, sizeof(*fresh));
	size_t nfresh = 0, room;

	for (size_t i = 0; i < f->n; i++)
		if (!keyset_has(&f->admitted, f->series[i].key))
			fresh[nfresh++] = &f->series[i];
	qsort(fresh, nfresh, sizeof(*fresh), by_value_desc);
	room = f->admitted.n < f->max_series ? f->max_series - f->admitted.n : 0;
	for (size_t i = 0; i < nfresh && i < room; i++)
		keyset_add(&f->admitted, fresh[i]->key);
	free(fresh);
	return nfresh > room;
}

/* Keeps the admitted series and sums the rest into the other series. */
static void apply_limit(struct prom_family *f)
{
	struct prom_series other = {0};
	size_t kept = 0;

	if (!admit_new(f))
		return;
	for (size_t i = 0; i < f->n; i++) {
		if (keyset_has(&f->admitted, f->series[i].key)) {
			f->series[kept++] = f->series[i];
			continue;
		}
		merge_into(&other, &f->series[i]);
		free(f->series[i].key);
		free(f->series[i].slots);
	}
	f->n = kept;
	new_series(f, xstrdup(f->other_key))->value = other.value;
}

static void finish(struct prom_family *f)
{
	if (f->finished)
		return;
	merge_equal(f);
	if (f->max_series && f->type != PROM_HISTOGRAM)
		apply_limit(f);
	f->finished = true;
}

static const char *type_name(enum prom_type t, enum prom_format fmt)
{
	switch (t) {
	case PROM_COUNTER:
		return "counter";
	case PROM_HISTOGRAM:
		return "histogram";
	case PROM_INFO:
		return fmt == PROM_OPENMETRICS ? "info" : "gauge";
	default:
		return "gauge";
	}
}

/* The suffix of a counter's or info's samples. */
static const char *sample_suffix(enum prom_type t)
{
	return t == PROM_COUNTER ? "_total" : t == PROM_INFO ? "_info" : "";
}

static void render_header(struct strbuf *out, const struct prom_family *f, enum prom_format fmt)
{
	/* OpenMetrics names the family without the samples' suffix */
	const char *suffix = fmt == PROM_TEXT ? sample_suffix(f->type) : "";

	sb_printf(out, "# HELP %s%s ", f->name, suffix);
	/* the text format escapes no double quotes in HELP, OpenMetrics does */
	escape(out, f->help, strlen(f->help), fmt == PROM_OPENMETRICS);
	sb_printf(out, "\n# TYPE %s%s %s\n", f->name, suffix, type_name(f->type, fmt));
}

/* mag / 10^decimals in decimal, exactly. */
static void put_decimal(struct strbuf *out, uint64_t mag, bool negative, int decimals)
{
	uint64_t scale = 1, frac;
	char digits[24];
	int len;

	for (int i = 0; i < decimals; i++)
		scale *= 10;
	sb_printf(out, "%s%llu", negative ? "-" : "", (unsigned long long)(mag / scale));
	frac = mag % scale;
	if (!frac)
		return;
	len = snprintf(digits, sizeof(digits), "%0*llu", decimals, (unsigned long long)frac);
	while (len > 0 && digits[len - 1] == '0')
		digits[--len] = '\0';
	sb_printf(out, ".%s", digits);
}

/* NAME{key[,extra]} */
static void put_sample_name(struct strbuf *out, const struct prom_family *f, const char *suffix,
			    const char *key, const char *extra)
{
	sb_printf(out, "%s%s", f->name, suffix);
	if (*key || extra)
		sb_printf(out, "{%s%s%s}", key, *key && extra ? "," : "", extra ? extra : "");
	sb_append(out, " ");
}

static void render_hist(struct strbuf *out, const struct prom_family *f,
			const struct prom_series *s)
{
	struct strbuf le = STRBUF_INIT;
	uint64_t total = s->slots[0];

	/* slot i counts values up to 2^i - 1; slot 64's (from 2^63) only +Inf */
	for (int i = 1; i < PROM_HIST_SLOTS - 1; i++) {
		total += s->slots[i];
		sb_reset(&le);
		sb_append(&le, "le=\"");
		put_decimal(&le, (UINT64_C(1) << i) - 1, false, f->decimals);
		sb_append(&le, "\"");
		put_sample_name(out, f, "_bucket", s->key, sb_str(&le));
		sb_printf(out, "%llu\n", (unsigned long long)total);
	}
	total += s->slots[PROM_HIST_SLOTS - 1];
	put_sample_name(out, f, "_bucket", s->key, "le=\"+Inf\"");
	sb_printf(out, "%llu\n", (unsigned long long)total);
	put_sample_name(out, f, "_sum", s->key, NULL);
	put_decimal(out, s->sum, s->sum_negative, f->decimals);
	sb_append(out, "\n");
	put_sample_name(out, f, "_count", s->key, NULL);
	sb_printf(out, "%llu\n", (unsigned long long)total);
	sb_free(&le);
}

void prom_render(struct prom_registry *r, enum prom_format fmt, struct strbuf *out)
{
	sb_append(out, "");
	for (struct prom_family *f = r->first; f; f = f->next) {
		finish(f);
		render_header(out, f, fmt);
		for (size_t i = 0; i < f->n; i++) {
			const struct prom_series *s = &f->series[i];

			if (f->type == PROM_HISTOGRAM) {
				render_hist(out, f, s);
				continue;
			}
			put_sample_name(out, f, sample_suffix(f->type), s->key, NULL);
			sb_printf(out, "%llu\n", (unsigned long long)s->value);
		}
	}
	if (fmt == PROM_OPENMETRICS)
		sb_append(out, "# EOF\n");
}

/* The q value of an Accept element's parameters (after its media type). */
static double accept_q(const char *params, bool *version_ok, const char *version)
{
	double q = 1;
	const char *p = params;

	*version_ok = true;
	while (p && *p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (!strncasecmp(p, "q=", 2))
			q = strtod(p + 2, NULL);
		else if (!strncasecmp(p, "version=", 8))
			*version_ok = !strncmp(p + 8, version, strlen(version)) &&
				      strchr("; \t", p[8 + strlen(version)]);
		p = strchr(p, ';');
	}
	return q;
}

enum prom_format prom_negotiate(const char *accept)
{
	double q_om = 0, q_text = 0;
	char *copy, *save = NULL;

	if (!accept)
		return PROM_TEXT;
	copy = xstrdup(accept);
	for (char *el = strtok_r(copy, ",", &save); el; el = strtok_r(NULL, ",", &save)) {
		char *type = strip(el), *params = strchr(type, ';');
		size_t tlen = params ? (size_t)(params - type) : strlen(type);
		bool ok;
		double q;

		while (tlen && isspace((unsigned char)type[tlen - 1]))
			tlen--;
		if (tlen == 28 && !strncasecmp(type, "application/openmetrics-text", tlen)) {
			q = accept_q(params, &ok, "1.0.0");
			if (ok && q > q_om)
				q_om = q;
		} else if ((tlen == 10 && !strncasecmp(type, "text/plain", tlen)) ||
			   (tlen == 6 && !strncasecmp(type, "text/*", tlen)) ||
			   (tlen == 3 && !strncmp(type, "*/*", tlen))) {
			q = accept_q(params, &ok, "0.0.4");
			if (ok && q > q_text)
				q_text = q;
		}
	}
	free(copy);
	return q_om > 0 && q_om >= q_text ? PROM_OPENMETRICS : PROM_TEXT;
}
