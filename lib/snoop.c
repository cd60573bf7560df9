#include "snoop.h"

#include <errno.h>
#include <linux/bpf.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "btf.h"
#include "cli.h"
#include "codegen.h"
#include "drain.h"
#include "output.h"
#include "strbuf.h"
#include "sysenv.h"

static char *source(const struct snoop_tool *t, struct cbcc_err *err)
{
	struct gen_opts o = {0};
	struct strbuf src = STRBUF_INIT;
	const struct tvar containers[] = {
		{"CGROUPMAP", t->cgroupmap ? "1" : "0"},
		{"MNTNSMAP", t->mntnsmap ? "1" : "0"},
	};

	if (codegen_prelude(&src, &o, NULL, 0, err)) {
		sb_free(&src);
		return NULL;
	}
	template_render(&src, "snoop_containers.c", containers, ARRAY_SIZE(containers));
	template_render(&src, t->template, t->vars, t->nvars);
	return sb_steal(&src);
}

/* A file descriptor of the BPF object pinned at path (BPF_OBJ_GET), and
 * what the kernel says of it as a map (BPF_OBJ_GET_INFO_BY_FD). */
static int obj_get(const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	return (int)syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
}

static int map_info(int fd, struct bpf_map_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memset(info, 0, sizeof(*info));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uint64_t)(uintptr_t)info;
	return (int)syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
}

/* The pinned map at path (option opt), checked to have BCC's layout: a hash
 * map of 8-byte keys and value_size-byte values. Returns its fd. */
static int open_pinned_set(const char *opt, const char *path, uint32_t value_size,
			   struct cbcc_err *err)
{
	struct bpf_map_info info;
	char link[64], kind[64] = "";
	int fd = obj_get(path);

	if (fd < 0)
		return cbcc_errf(err, "%s '%s': cannot open the pinned map: %s", opt, path,
				 strerror(errno));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (readlink(link, kind, sizeof(kind) - 1) < 0 || strcmp(kind, "anon_inode:bpf-map") ||
	    map_info(fd, &info) < 0) {
		close(fd);
		return cbcc_errf(err, "%s '%s': not a pinned BPF map", opt, path);
	}
	if (info.type != BPF_MAP_TYPE_HASH || info.key_size != 8 || info.value_size != value_size) {
		close(fd);
		return cbcc_errf(
			err,
			"%s '%s': not a hash map of 8-byte keys and %u-byte values, as BCC "
			"uses (it has map type %u, %u-byte keys, %u-byte values)",
			opt, path, value_size, info.type, info.key_size, info.value_size);
	}
	return fd;
}

/* Puts the pinned map into slot 0 of the program's array of maps `outer`. */
static int use_pinned_set(struct cbcc_bpf *b, const char *outer, const char *opt, const char *path,
			  uint32_t value_size, struct cbcc_err *err)
{
	int zero = 0, outer_fd, fd = open_pinned_set(opt, path, value_size, err);

	if (fd < 0)
		return -1;
	outer_fd = rt_table_fd(b, outer, err);
	if (outer_fd >= 0 && rt_map_update(outer_fd, &zero, &fd) < 0)
		outer_fd = cbcc_errf(err,
				     "%s '%s': the map cannot be used: %s (made with flags other "
				     "than 0?)",
				     opt, path, strerror(errno));
	close(fd);
	return outer_fd < 0 ? -1 : 0;
}

/* Where the running kernel keeps a task's mount namespace id (BTF). */
static int set_mntns_offsets(struct cbcc_bpf *b, struct cbcc_err *err)
{
	struct kbtf *btf = kbtf_load(NULL, err);
	long nsproxy = kbtf_member_offset(btf, "task_struct", "nsproxy");
	long mnt_ns = kbtf_member_offset(btf, "nsproxy", "mnt_ns");
	long ns = kbtf_member_offset(btf, "mnt_namespace", "ns");
	long inum = kbtf_member_offset(btf, "ns_common", "inum");
	struct {
		uint64_t nsproxy, mnt_ns, inum;
	} cfg = {(uint64_t)nsproxy, (uint64_t)mnt_ns, (uint64_t)(ns + inum)};

	kbtf_free(btf);
	if (nsproxy < 0 || mnt_ns < 0 || ns < 0 || inum < 0)
		return cbcc_errf(err, "--mntnsmap needs the kernel's BTF (/sys/kernel/btf/vmlinux) "
				      "to find mount namespaces");
	return snoop_set_config(b, "snoop_mntns_config", &cfg, err);
}

static int configure_containers(struct cbcc_bpf *b, const struct snoop_tool *t,
				struct cbcc_err *err)
{
	if (t->cgroupmap &&
	    use_pinned_set(b, "snoop_cgroupset", "--cgroupmap", t->cgroupmap, 8, err))
		return -1;
	if (t->mntnsmap && (set_mntns_offsets(b, err) ||
			    use_pinned_set(b, "snoop_mntnsset", "--mntnsmap", t->mntnsmap, 4, err)))
		return -1;
	return 0;
}

static int attach(struct cbcc_bpf *b, const struct snoop_tp *tps, int n,
		  volatile sig_atomic_t *stop, struct cbcc_err *err)
{
	for (int i = 0; i < n && !*stop; i++) {
		int fd;

		if (tps[i].optional && !sysenv_tracepoint_exists(tps[i].category, tps[i].event))
			continue;
		fd = rt_load(b, tps[i].fn, BPF_PROG_TYPE_TRACEPOINT, err);
		if (fd < 0 || rt_attach_tracepoint(b, fd, tps[i].category, tps[i].event, err))
			return -1;
	}
	return 0;
}

/* The running tool: its events, and the losses counted and reported as
 * they happen. */
struct run {
	const struct snoop_tool *t;
	struct cbcc_bpf bpf;
	unsigned long long lost;
	struct drain drain;
};

static void on_perf_event(void *cookie, void *data, int size)
{
	struct run *r = cookie;

	r->t->on_event(r->t->cookie, data, size);
}

static void on_perf_lost(void *cookie, uint64_t lost)
{
	struct run *r = cookie;

	r->lost += lost;
	fprintf(stderr, "Possibly lost %llu samples\n", (unsigned long long)lost);
}

/* Polls until *stop, stdout closes or duration_s seconds (0: no limit) pass. */
static int loop(struct cbcc_bpf *b, volatile sig_atomic_t *stop, double duration_s,
		struct cbcc_err *err)
{
	uint64_t end = output_monotonic_ns() + (uint64_t)(duration_s * 1e9);

	while (!*stop) {
		if (rt_poll(b, 100) < 0 && !*stop)
			return cbcc_errf(err, "polling the perf buffer failed");
		if (output_reader_gone())
			break;
		if (duration_s > 0 && output_monotonic_ns() >= end)
			break;
	}
	return 0;
}

bool snoop_parse_uid(const char *arg, long *uid)
{
	struct passwd *pw;

	if (parse_long(arg, uid))
		return *uid >= 0 && *uid <= CLI_MAX_UID;
	pw = getpwnam(arg);
	if (!pw)
		return false;
	*uid = (long)pw->pw_uid;
	return true;
}

int snoop_set_config(struct cbcc_bpf *b, const char *name, const void *bytes, struct cbcc_err *err)
{
	int zero = 0, fd = rt_table_fd(b, name, err);

	if (fd < 0 || rt_map_update(fd, &zero, (void *)bytes) < 0)
		return cbcc_errf(err, "cannot configure the BPF program (%s)", name);
	return 0;
}

static int fail(struct run *r, const char *msg)
{
	fprintf(stderr, "%s: %s\n", r->t->name, msg);
	fflush(stdout);
	rt_close(&r->bpf);
	return 1;
}

/* Compiles src, configures the program and attaches it everywhere. */
static int start(struct run *r, const char *src, volatile sig_atomic_t *stop, struct cbcc_err *err)
{
	const struct snoop_tool *t = r->t;

	/* the cache cannot recreate an array of maps: container filters compile */
	r->bpf.no_cache = t->no_cache || t->cgroupmap || t->mntnsmap;
	if (rt_compile(&r->bpf, src, false, err) || configure_containers(&r->bpf, t, err) ||
	    t->configure(&r->bpf, t->cookie, err) || rt_check_fds(t->ntps, t->ntps, true, err) ||
	    rt_open_perf(&r->bpf, "snoop_events", on_perf_event, on_perf_lost, r, t->pages, err))
		return -1;
	return attach(&r->bpf, t->tps, t->ntps, stop, err);
}

int snoop_main(const struct snoop_tool *t, volatile sig_atomic_t *stop)
{
	static struct run r; /* the perf callbacks' cookie: lives to the end */
	struct cbcc_err err;
	char warning[512];
	char *src = source(t, &err);
	int rc;

	r.t = t;
	if (!src)
		return fail(&r, err.msg);
	if (t->ebpf) {
		fputs(src, stdout);
		free(src);
		return 0;
	}
	if (sysenv_check_tracing((pid_t)t->pid, warning, sizeof(warning), &err)) {
		free(src);
		return fail(&r, err.msg);
	}
	if (*warning)
		fprintf(stderr, "%s: warning: %s\n", t->name, warning);
	rc = start(&r, src, stop, &err);
	free(src);
	if (rc)
		return fail(&r, err.msg);
	drain_arm(&r.drain, &r.bpf, stop);
	if (!*stop) {
		t->header(t->cookie);
		if (output_flush() && loop(&r.bpf, stop, t->duration, &err))
			return fail(&r, err.msg);
		if (*stop) /* a signal: print what is buffered */
			drain_finish(&r.drain, t->name);
	}
	output_flush();
	rt_close(&r.bpf);
	if (t->finish)
		t->finish(t->cookie);
	if (r.lost)
		fprintf(stderr, "%s: %llu events lost in total\n", t->name, r.lost);
	return 0;
}
