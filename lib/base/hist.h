/* Histogram printing, byte for byte like BCC's table.print_log2_hist. */
#ifndef CBCC_HIST_H
#define CBCC_HIST_H

#include <stdint.h>
#include <stdio.h>

#include "strbuf.h"

/* Slots of a log2 histogram: slot i counts values v with bpf_log2l(v) == i
 * (slot 1 holds 0 and 1, slot 64 the values >= 2^63). */
#define HIST_LOG2_SLOTS 65

struct json;

/* Appends the histogram of vals[0..n) with column header val_type to out. */
void hist_log2_format(struct strbuf *out, const uint64_t *vals, int n, const char *val_type);
/* Writes the same buckets (the first to the last non-empty one) as an array
 * `key` of {"low", "high", "count"} objects. */
void hist_log2_json(struct json *j, const char *key, const uint64_t *vals, int n);

#endif
