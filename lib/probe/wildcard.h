/* funccount/stackcount/tplist patterns: "[p:]func*", "[p:]lib:func*",
 * "t:category:event*", "u:lib:probe*" (or regular expressions with -r),
 * expanded into the concrete functions, tracepoints and USDT probes they
 * match. */
#ifndef CBCC_WILDCARD_H
#define CBCC_WILDCARD_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"
#include "util.h"

#define WC_PROBE_LIMIT 1000 /* BCC's BPF.get_probe_limit() */

struct wc_pattern {
	enum probe_type type; /* PROBE_ENTRY, PROBE_TRACEPOINT or PROBE_USDT */
	char *library;	      /* resolved path for user probes, else NULL */
	char *text;	      /* the name part: "func*", "cat:event*" or "probe*" */
	regex_t re;	      /* anchored like BCC's re.match */
};

/* One expanded probe. */
struct wc_match {
	char *name;	 /* function, "category:event" or USDT probe name */
	char *provider;	 /* USDT provider, else NULL */
	uint64_t offset; /* uprobe file offset */
};

struct wc_list {
	struct wc_match *m;
	int n;
};

/* Parses the pattern and finds its library. As in BCC, the name part is a
 * regular expression matched from the start (-r, use_regex), or else one
 * whose every '*' stands for '.*', anchored at both ends ("c:[a-g]*" and
 * "vfs_rea?" keep their bracket and '?'). Expressions glibc's regcomp
 * cannot afford are refused like Python's re refuses them. */
int wc_parse(const char *text, bool use_regex, pid_t pid, struct wc_pattern *p,
	     struct cbcc_err *err);
void wc_pattern_free(struct wc_pattern *p);
bool wc_is_kernel(const struct wc_pattern *p);

/* Every probe the pattern matches, in a stable order; at most limit. Nothing
 * matched, or more than limit, is an error saying so. */
int wc_expand(const struct wc_pattern *p, pid_t pid, int limit, struct wc_list *out,
	      struct cbcc_err *err);
void wc_list_free(struct wc_list *l);

struct cbcc_bpf;
/* Parses and expands a tool's pattern, names one BPF function per match
 * ("<prefix><i>", in *fn_names, one per probe) and registers USDT matches
 * with b under those names. */
int wc_find_probes(struct cbcc_bpf *b, const char *text, bool use_regex, pid_t pid,
		   const char *prefix, struct wc_pattern *p, struct wc_list *probes,
		   char ***fn_names, struct cbcc_err *err);

/* Shell-style match ("sched:*", "sched:sched_[ws]*") as BCC's tplist does
 * it with Python's fnmatch: '*', '?' and brackets, '.' and '\\' literal. */
bool wc_glob(const char *glob, const char *name);

/* Tracepoints "category:event" matching glob (NULL: all), in tracefs
 * directory order (BCC's tplist lists them so). */
int wc_tracepoints(const char *glob, char ***names, int *n, struct cbcc_err *err);

#endif
