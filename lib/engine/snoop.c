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
#include "lifecycle.h"
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
	template_render(&src, "bell.c", NULL, 0);
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

static int attach(void *cookie, struct cbcc_bpf *b, volatile sig_atomic_t *stop,
		  struct cbcc_err *err)
{
	const struct snoop_tool *t = cookie;

	for (int i = 0; i < t->ntps && !*stop; i++) {
		const struct snoop_tp *tp = &t->tps[i];
		int fd;

		if (tp->optional && !sysenv_tracepoint_exists(tp->category, tp->event))
			continue;
		fd = rt_load(b, tp->fn, BPF_PROG_TYPE_TRACEPOINT, err);
		if (fd < 0 || rt_attach_tracepoint(b, fd, tp->category, tp->event, err))
			return -1;
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

static char *generate(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	(void)b;
	return source(cookie, err);
}

static int configure(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	const struct snoop_tool *t = cookie;

	if (configure_containers(b, t, err) || t->configure(b, t->cookie, err))
		return -1;
	return rt_check_fds(t->ntps, t->ntps, true, err);
}

static int started(void *cookie, struct cbcc_bpf *b, struct cbcc_err *err)
{
	const struct snoop_tool *t = cookie;

	(void)b;
	(void)err;
	t->header(t->cookie);
	return 0;
}

static void on_event(void *cookie, void *data, int size)
{
	const struct snoop_tool *t = cookie;

	t->on_event(t->cookie, data, size);
}

static void finish(void *cookie)
{
	const struct snoop_tool *t = cookie;

	if (t->finish)
		t->finish(t->cookie);
}

int snoop_main(const struct snoop_tool *t, volatile sig_atomic_t *stop)
{
	struct lc_tool lc = {
		.name = t->name,
		.cookie = (void *)t,
		.pid = (pid_t)t->pid,
		.ebpf = t->ebpf,
		/* the cache cannot recreate an array of maps: container filters compile */
		.no_cache = t->no_cache || t->cgroupmap || t->mntnsmap,
		.duration = t->duration,
		.perf_table = "snoop_events",
		.perf_pages = t->pages,
		.on_event = on_event,
		.drain = true,
		.generate = generate,
		.configure = configure,
		.attach = attach,
		.started = started,
		.finish = finish,
	};

	return lc_main(&lc, stop);
}
