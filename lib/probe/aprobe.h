/* One probe of argdist (-C or -H), on the same base as trace's probe
 * (lib/probe/probe_base.h): parsed, resolved, planned (fentry or kprobe for a
 * kernel function, for the probe and for the entry companion that
 * $entry()/$latency need), generated (codegen_argdist), attached, and its
 * maps opened and their keys decoded. */
#ifndef CBCC_APROBE_H
#define CBCC_APROBE_H

#include <stddef.h>

#include "argcodegen.h"
#include "argspec.h"
#include "hist.h"
#include "json.h"
#include "maps.h"
#include "probe_base.h"
#include "prom.h"

struct aprobe {
	struct argdist_spec spec;
	char *name;	  /* "probe_<name>_<n>": the BPF function and its tables */
	char *enter_name; /* its entry companion (r: with $entry()/$latency), or NULL */
	struct probe_kfunc kfunc, enter_kfunc;
	struct resolved_probe res;
	struct argdist_gen_probe gen;	 /* what codegen_argdist reads */
	struct cbcc_map map;		 /* NAME_hash (-C) or NAME_hist (-H) */
	struct cbcc_map sum;		 /* -H: NAME_sum, the sum of the values */
	size_t *offsets;		 /* of each value in a -C key */
	char **display;			 /* each expression as shown in the output */
	int string_size;		 /* -z */
	struct prom_family *metric;	 /* --prometheus */
	bool keep;			 /* --prometheus: the maps keep their totals */
	struct map_interval interval;	 /* -C: the totals at the last interval */
	uint64_t shown[HIST_LOG2_SLOTS]; /* -H: the totals at the last interval */
};

/* Parses text (the n-th probe, from 1, of kind) and resolves and plans it;
 * errors name the probe (the probe is then left empty). string_size: -z. */
int aprobe_build(struct aprobe *p, const char *text, enum argdist_kind kind, int n,
		 struct probe_env *e, int string_size, struct cbcc_err *err);
/* How many BPF programs the probe attaches (for the descriptor check). */
int aprobe_nprogs(const struct aprobe *p);
/* Attaches the entry companion, then the probe; errors name the probe. */
int aprobe_attach(const struct aprobe *p, struct probe_env *e, struct cbcc_err *err);
/* The whole program of probes (USDT argument readers first); NULL with err. */
char *aprobes_generate(const struct aprobe *probes, int n, const struct gen_opts *o,
		       struct cbcc_bpf *bpf, struct cbcc_err *err);
/* After the compile: the probe's maps. keep (--prometheus): the maps keep
 * their totals, and each interval shows the difference. */
int aprobe_open_maps(struct aprobe *p, struct cbcc_bpf *bpf, bool keep, struct cbcc_err *err);

/* How an interval is shown. */
struct aprobe_show {
	bool cumulative;   /* -c: totals, not this interval's */
	long top;	   /* -T: -C's largest counts only (<= 0: all) */
	struct json *json; /* --json: into this, else text into out */
	struct strbuf *out;
};
/* The probe's counts (-C, ascending, as BCC) or histogram (-H). */
void aprobe_display(struct aprobe *p, const struct aprobe_show *v);

/* Whether a -C probe counts calls (no value in its key). */
bool aprobe_counts_calls(const struct aprobe *p);
/* Value i of a -C key; a string as it is (raw: a Prometheus label value,
 * which the exporter escapes) or with control bytes escaped (for a terminal). */
void aprobe_format_value(const struct aprobe *p, int i, const char *key, bool raw,
			 struct strbuf *out);
/* A -C key as BCC shows it: "total calls", "retval = V" or "EXPR = V, ...". */
void aprobe_format_key(const struct aprobe *p, const char *key, struct strbuf *out);
/* A -C key's values for --json: one value bare, a tuple as an array, none
 * when the probe counts calls. */
void aprobe_json_key(const struct aprobe *p, const char *key, struct json *j);

/* --prometheus: declares the probe's metric in reg (named after its label,
 * else its function; numbered n when the name is taken). */
int aprobe_declare_metric(struct aprobe *p, struct prom_registry *reg, int n, struct cbcc_err *err);
/* --prometheus: adds the totals in the probe's maps to its metric. */
void aprobe_collect(const struct aprobe *p);

void aprobe_free(struct aprobe *p);

#endif
