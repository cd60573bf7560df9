/* USDT contexts of libbcc behind lib/runtime/runtime.h, with the one adapter that
 * gives libbcc's cookie-less callbacks a cookie. */
#include "runtime.h"

#include <bcc/bcc_usdt.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* The walk in progress on this thread: libbcc calls back without a cookie.
 * Saved and restored around each walk, so a walk inside a callback works. */
static _Thread_local struct {
	rt_usdt_fn fn;
	rt_usdt_uprobe_fn uprobe_fn;
	void *cookie;
} walk;

static void on_probe(struct bcc_usdt *u)
{
	struct rt_usdt_probe p = {u->provider,	u->name,	  u->bin_path,
				  u->semaphore, u->num_locations, u->num_arguments};

	walk.fn(walk.cookie, &p);
}

static void on_uprobe(const char *bin_path, const char *fn_name, uint64_t addr, int pid)
{
	walk.uprobe_fn(walk.cookie, bin_path, fn_name, addr, pid);
}

void *rt_usdt_open(const char *path, pid_t pid)
{
	return pid ? bcc_usdt_new_frompid(pid, path) : bcc_usdt_new_frompath(path);
}

void rt_usdt_close(void *ctx)
{
	if (ctx)
		bcc_usdt_close(ctx);
}

void rt_usdt_foreach(void *ctx, rt_usdt_fn fn, void *cookie)
{
	__typeof__(walk) saved = walk;

	walk.fn = fn;
	walk.cookie = cookie;
	bcc_usdt_foreach(ctx, on_probe);
	walk = saved;
}

void rt_usdt_foreach_uprobe(void *ctx, rt_usdt_uprobe_fn fn, void *cookie)
{
	__typeof__(walk) saved = walk;

	walk.uprobe_fn = fn;
	walk.cookie = cookie;
	bcc_usdt_foreach_uprobe(ctx, on_uprobe);
	walk = saved;
}

int rt_usdt_location(void *ctx, const char *provider, const char *name, int loc,
		     const char **bin_path, uint64_t *addr)
{
	struct bcc_usdt_location l = {0};

	if (bcc_usdt_get_location(ctx, provider, name, loc, &l))
		return -1;
	*bin_path = l.bin_path;
	*addr = l.address;
	return 0;
}

static void deref_text(const struct bcc_usdt_argument *a, struct strbuf *out)
{
	sb_printf(out, "*(%s %c %d", a->base_register_name, a->deref_offset >= 0 ? '+' : '-',
		  abs(a->deref_offset));
	if (a->valid & BCC_USDT_ARGUMENT_INDEX_REGISTER_NAME) {
		sb_printf(out, " + %s", a->index_register_name);
		if (a->valid & BCC_USDT_ARGUMENT_SCALE)
			sb_printf(out, " * %d", a->scale);
	}
	sb_append(out, ")");
}

int rt_usdt_argument_text(void *ctx, const char *provider, const char *name, int loc, int arg,
			  struct strbuf *out)
{
	struct bcc_usdt_argument a = {0};
	int size;

	if (bcc_usdt_get_argument(ctx, provider, name, loc, arg, &a))
		return -1;
	size = a.size < 0 ? -a.size : a.size;
	sb_printf(out, "%d %s bytes @ ", size, a.size < 0 ? "signed  " : "unsigned");
	if (a.valid & BCC_USDT_ARGUMENT_CONSTANT)
		sb_printf(out, "%lld", a.constant);
	else if (!(a.valid & BCC_USDT_ARGUMENT_DEREF_OFFSET))
		sb_printf(out, "%s", a.base_register_name);
	else if (!(a.valid & BCC_USDT_ARGUMENT_DEREF_IDENT))
		deref_text(&a, out);
	else if (a.valid & BCC_USDT_ARGUMENT_BASE_REGISTER_NAME &&
		 !strcmp(a.base_register_name, "ip"))
		sb_printf(out, "*(&%s %c %d)", a.deref_ident, a.deref_offset >= 0 ? '+' : '-',
			  abs(a.deref_offset));
	else
		sb_printf(out, "unrecognized argument format, flags %d", a.valid);
	return 0;
}
