/* One probe of trace, the counterpart of BCC trace.py's Probe: parsed,
 * resolved against the system, planned (fentry or kprobe for a kernel
 * function, a sys_exit retry for strings a sys_enter tracepoint could not
 * read), generated (codegen_trace), attached, and its events decoded. */
#ifndef CBCC_TPROBE_H
#define CBCC_TPROBE_H

#include <stddef.h>

#include "codegen.h"
#include "format.h"
#include "json.h"
#include "probe_base.h"
#include "syms.h"

struct tprobe {
	struct trace_spec spec;
	char *name; /* "probe_<name>_<n>": the BPF function unless fentry */
	struct resolved_probe res;
	struct probe_kfunc kfunc;
	struct gen_probe gen; /* what codegen_trace reads (its names point into this probe) */
	size_t *offsets;      /* of each format value in the record */
	size_t size;	      /* of the record */
	char *func;	      /* the FUNC column */
	unsigned long hits;   /* events seen, for -v's hint at exit */
};

/* Parses text (the n-th probe, from 1) and resolves and plans it; errors
 * name the probe (the probe is then left empty). string_size: -Z. */
int tprobe_build(struct tprobe *p, const char *text, int n, struct probe_env *e, int string_size,
		 struct cbcc_err *err);
/* How many BPF programs the probe attaches (for the descriptor check). */
int tprobe_nprogs(const struct tprobe *p);
/* Loads and attaches the probe's programs (a USDT probe's come with
 * rt_usdt_attach); errors name the probe. */
int tprobe_attach(const struct tprobe *p, struct probe_env *e, struct cbcc_err *err);
/* The whole program of probes (USDT argument readers first); NULL with err. */
char *tprobes_generate(const struct tprobe *probes, int n, const struct gen_opts *o,
		       struct cbcc_bpf *bpf, struct cbcc_err *err);

/* Decodes an event record of p (at least p->size bytes): each format value
 * into vals, the text of strings, pointers and symbols held in texts (one
 * per value, caller frees them). tgid resolves user symbols. */
void tprobe_decode(const struct tprobe *p, const char *data, int tgid, int string_size,
		   struct syms *syms, struct fmt_value *vals, struct strbuf *texts);

/* --json: each decoded value of the format as a typed field of the "args"
 * array. */
void tprobe_json_args(const struct tprobe *p, const struct fmt_value *vals, struct json *j);

/* The stack tables of -K/-U, for decoding the stack ids of events. */
struct tprobe_stacks {
	int fd;		 /* cbcc_stacks: frames as addresses, or -1 */
	int build_id_fd; /* cbcc_ustacks (-U with -s): build ID + offset frames, or -1 */
	struct syms *syms;
	bool address; /* -a: each frame's address first */
};
#define TPROBE_MAX_FRAMES 127

/* The frames of a stack of an event of p as text, leaf first, each with
 * its address first (printed with addr_fmt) when st->address; how many.
 * pid < 0: a kernel stack, read the same whether a kprobe or a fentry/fexit
 * program walked it. */
size_t tprobe_stack_frames(const struct tprobe *p, const struct tprobe_stacks *st, int stack_id,
			   int pid, const char *addr_fmt, struct strbuf frames[TPROBE_MAX_FRAMES]);

/* -v at exit: a kernel function that never fired may be inlined; the hint
 * (with a replacement when one is known), or NULL. Caller frees. */
char *tprobe_silent_hint(const struct tprobe *p);

void tprobe_free(struct tprobe *p);

#endif
