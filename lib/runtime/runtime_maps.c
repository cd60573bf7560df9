/* libbcc's map element calls and its version, behind lib/runtime/runtime.h. */
#include "runtime.h"

#include <bcc/bcc_version.h>
#include <bcc/libbpf.h>

const char *rt_bcc_version(void)
{
	return LIBBCC_VERSION;
}

int rt_map_update(int fd, const void *key, const void *value)
{
	return bpf_update_elem(fd, (void *)key, (void *)value, 0);
}

int rt_map_lookup(int fd, const void *key, void *value)
{
	return bpf_lookup_elem(fd, (void *)key, value);
}

int rt_map_delete(int fd, const void *key)
{
	return bpf_delete_elem(fd, (void *)key);
}

int rt_map_first_key(int fd, void *key, size_t key_size)
{
	return bpf_get_first_key(fd, key, key_size);
}

int rt_map_next_key(int fd, const void *key, void *next)
{
	return bpf_get_next_key(fd, (void *)key, next);
}
