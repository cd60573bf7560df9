#include "hist.h"

#include <string.h>

#include "json.h"

#define STARS_MAX 40

static void stars(struct strbuf *out, uint64_t val, uint64_t val_max, int width)
{
	uint64_t n = val_max ? (uint64_t)width * val / val_max : 0;

	if (n > (uint64_t)width)
		n = (uint64_t)width;
	for (uint64_t i = 0; i < (uint64_t)width; i++)
		sb_append(out, i < n ? "*" : " ");
}

/* The values slot i (>= 1) counts: [low, high]. */
static void slot_bounds(int i, uint64_t *low, uint64_t *high)
{
	*high = i >= 64 ? UINT64_MAX : (UINT64_C(1) << i) - 1;
	*low = (*high >> 1) + 1;
	if (*low == *high)
		(*low)--;
}

static int last_nonempty(const uint64_t *vals, int n)
{
	int idx_max = -1;

	for (int i = 0; i < n; i++)
		if (vals[i] > 0)
			idx_max = i;
	return idx_max;
}

void hist_log2_format(struct strbuf *out, const uint64_t *vals, int n, const char *val_type)
{
	int idx_max = last_nonempty(vals, n), wide, width;
	uint64_t val_max = 0;

	for (int i = 0; i < n; i++)
		if (vals[i] > val_max)
			val_max = vals[i];
	wide = idx_max > 32;
	width = wide ? STARS_MAX / 2 : STARS_MAX;
	if (idx_max > 0)
		sb_printf(out,
			  wide ? "               %-29s : count     distribution\n"
			       : "     %-19s : count     distribution\n",
			  val_type);
	for (int i = 1; i <= idx_max; i++) {
		uint64_t low, high;

		slot_bounds(i, &low, &high);
		sb_printf(out,
			  wide ? "%20llu -> %-20llu : %-8llu |" : "%10llu -> %-10llu : %-8llu |",
			  (unsigned long long)low, (unsigned long long)high,
			  (unsigned long long)vals[i]);
		stars(out, vals[i], val_max, width);
		sb_append(out, "|\n");
	}
}

void hist_log2_json(struct json *j, const char *key, const uint64_t *vals, int n)
{
	int idx_max = last_nonempty(vals, n);

	json_array(j, key);
	for (int i = 1; i <= idx_max; i++) {
		uint64_t low, high;

		slot_bounds(i, &low, &high);
		json_object(j, NULL);
		json_u64(j, "low", low);
		json_u64(j, "high", high);
		json_u64(j, "count", vals[i]);
		json_close(j);
	}
	json_close(j);
}
