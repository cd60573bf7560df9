#include "filters.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "prelude.h"

int filters_configure(struct cbcc_bpf *b, const struct cbcc_filters *f, struct cbcc_err *err)
{
	struct cbcc_config cfg = {
		.self_tgid = (uint32_t)f->self_tgid,
		.tgid = (uint32_t)f->tgid,
		.tid = (uint32_t)f->tid,
		.has_uid = f->uid >= 0,
		.uid = f->uid >= 0 ? (uint32_t)f->uid : 0,
	};
	int zero = 0, fd = rt_table_fd(b, CBCC_CONFIG_TABLE, err);

	if (fd < 0 || rt_map_update(fd, &zero, &cfg) < 0)
		return cbcc_errf(err, "cannot configure the BPF program's filters");
	return 0;
}

int filters_set_cgroup(struct cbcc_bpf *b, const char *path, struct cbcc_err *err)
{
	int zero = 0, fd = rt_table_fd(b, "cbcc_cgroup", err), cg, rc = 0;

	if (fd < 0)
		return -1;
	cg = open(path, O_RDONLY | O_DIRECTORY);
	if (cg < 0)
		return cbcc_errf(err, "cannot open cgroup '%s': %s", path, strerror(errno));
	if (rt_map_update(fd, &zero, &cg) < 0)
		rc = cbcc_errf(err, "'%s' is not a cgroup v2 directory", path);
	close(cg);
	return rc;
}
