#include "ktypes.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "btf.h"
#include "strbuf.h"
#include "sysenv.h"
#include "template.h"

const char *const ktypes_templates[2] = {"kernel_btf.h", "kernel_macros.h"};

/* What libbcc's helpers (helpers.h, its rewriter's inserted code) and
 * cbcc's templates use of the kernel's types, whatever the program. */
static const char base_names[] = "struct pt_regs; struct bpf_stack_build_id;"
				 "u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __s8 "
				 "__s16 __s32 __s64 __be16 __be32 __be64 __wsum bool true false "
				 "uintptr_t size_t ssize_t BPF_ANY BPF_NOEXIST BPF_EXIST "
				 "BPF_F_CURRENT_CPU BPF_F_USER_STACK BPF_F_REUSE_STACKID "
				 "BPF_F_STACK_BUILD_ID BPF_F_USER_BUILD_ID BPF_F_NO_PREALLOC";

/* The headers libbcc's helpers.h includes: empty in the tree. */
static const char *const helper_headers[] = {
	"include/uapi/linux/bpf.h", "include/uapi/linux/if_packet.h", "include/linux/version.h",
	"include/linux/log2.h", "include/asm/page.h"};

int ktypes_source(enum ktypes_source *out, struct cbcc_err *err)
{
	const char *v = getenv(KTYPES_ENV);
	bool has_btf = access(KBTF_VMLINUX, R_OK) == 0;

	if (!v || !*v || !strcmp(v, "auto")) {
		*out = has_btf ? KTYPES_BTF : KTYPES_HEADERS;
	} else if (!strcmp(v, "headers")) {
		*out = KTYPES_HEADERS;
	} else if (!strcmp(v, "btf")) {
		if (!has_btf)
			return cbcc_errf(err, "%s=btf, but this kernel has no BTF (%s)", KTYPES_ENV,
					 KBTF_VMLINUX);
		*out = KTYPES_BTF;
	} else {
		char shown[40];

		printable_copy(shown, sizeof(shown), v);
		return cbcc_errf(err, "invalid %s value '%s': use auto, btf or headers", KTYPES_ENV,
				 shown);
	}
	return 0;
}

char *ktypes_describe(enum ktypes_source source)
{
	struct utsname u;

	if (source == KTYPES_BTF)
		return xasprintf("BTF (%s)", KBTF_VMLINUX);
	uname(&u);
	return xasprintf("kernel headers (/lib/modules/%s/build)", u.release);
}

bool ktypes_header_name_ok(const char *name)
{
	if (!*name || *name == '/' || strlen(name) > 200)
		return false;
	for (const char *p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-/",
			    *p))
			return false;
	for (const char *p = strstr(name, ".."); p; p = strstr(p + 1, ".."))
		if ((p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/* Whether word appears in text as a whole identifier. */
static bool mentions(const char *text, const char *word, size_t len)
{
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		char before = p > text ? p[-1] : ' ', after = p[len];

		if (!(before == '_' || (before >= '0' && before <= '9') ||
		      ((before | 0x20) >= 'a' && (before | 0x20) <= 'z')) &&
		    !(after == '_' || (after >= '0' && after <= '9') ||
		      ((after | 0x20) >= 'a' && (after | 0x20) <= 'z')))
			return true;
	}
	return false;
}

struct kmacro {
	const char *line; /* "#define NAME ..." in templates/kernel_macros.h */
	size_t len;
	char name[64];
	char *body; /* owned: what follows the name */
	bool used;
};

static void free_macros(struct kmacro *m, int n)
{
	for (int i = 0; i < n; i++)
		free(m[i].body);
	free(m);
}

static int parse_macros(struct kmacro **out)
{
	const char *text = template_text("kernel_macros.h");
	int n = 0;

	*out = NULL;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		if (starts_with(p, "#define ")) {
			struct kmacro m = {.line = p, .len = len};
			size_t nlen = strspn(p + 8, "abcdefghijklmnopqrstuvwxyz"
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

			snprintf(m.name, sizeof(m.name), "%.*s", (int)nlen, p + 8);
			m.body = xstrndup(p + 8 + nlen, len - 8 - nlen);
			*out = xrealloc(*out, (n + 1) * sizeof(m));
			(*out)[n++] = m;
		}
		p += len + (p[len] == '\n');
	}
	return n;
}

/* Marks the macros text uses, and those the marked ones use. */
static void mark_macros(struct kmacro *m, int n, const char *text)
{
	bool more = true;

	for (int i = 0; i < n; i++)
		m[i].used = mentions(text, m[i].name, strlen(m[i].name));
	while (more) {
		more = false;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n && m[i].used; j++)
				if (!m[j].used && mentions(m[i].body, m[j].name, strlen(m[j].name)))
					m[j].used = more = true;
	}
}

/* The text whose names decide the kernel types: the program, its
 * tracepoints' field types (libbcc declares their argument structs with
 * them), the macros it uses and what libbcc's helpers need. */
static void scan_text(struct strbuf *out, const char *src, const struct kmacro *m, int nm)
{
	const char *pos = src;
	char *category, *event;

	sb_printf(out, "%s\n%s\n", base_names, src);
	while (tp_next_in_source(&pos, &category, &event)) {
		struct tp_field *fields;
		struct cbcc_err ignored;
		int n;

		if (!tp_fields(category, event, &fields, &n, &ignored)) {
			for (int i = 0; i < n; i++)
				sb_printf(out, "%s;\n", fields[i].type);
			tp_fields_free(fields, n);
		}
		free(category);
		free(event);
	}
	for (int i = 0; i < nm; i++)
		if (m[i].used)
			sb_printf(out, "%.*s\n", (int)m[i].len, m[i].line);
}

/* KERNEL_VERSION of the running kernel's release. */
static unsigned version_code(void)
{
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;

	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

/* The whole include/linux/kconfig.h of the tree. */
static int kconfig_text(const char *src, struct strbuf *out, int *ntypes, struct cbcc_err *err)
{
	struct kbtf *b = kbtf_load(NULL, err);
	struct strbuf scan = STRBUF_INIT, types = STRBUF_INIT, macros = STRBUF_INIT;
	struct kmacro *m;
	int nm = parse_macros(&m), rc = -1;
	char version[16];

	if (!b)
		goto out;
	mark_macros(m, nm, src);
	scan_text(&scan, src, m, nm);
	if (kbtf_types_c(b, sb_str(&scan), template_text("kernel_btf.h"), &types, ntypes, err))
		goto out;
	for (int i = 0; i < nm; i++)
		if (m[i].used && !kbtf_is_enumerator(b, m[i].name))
			sb_printf(&macros, "%.*s\n", (int)m[i].len, m[i].line);
	snprintf(version, sizeof(version), "%u", version_code());
	{
		struct tvar vars[] = {
			{"VERSION", version},
			{"TYPES", sb_str(&types)},
			{"MACROS", sb_str(&macros)},
		};

		template_render(out, "kernel_btf.h", vars, ARRAY_SIZE(vars));
	}
	rc = 0;
out:
	kbtf_free(b);
	free_macros(m, nm);
	sb_free(&scan);
	sb_free(&types);
	sb_free(&macros);
	return rc;
}

/* Writes dir/rel (making its directories); an existing file is left alone
 * when keep_existing. */
static int write_tree_file(const char *dir, const char *rel, const char *text, bool keep_existing)
{
	char *path = xasprintf("%s/%s", dir, rel);
	size_t len = strlen(text), done = 0;
	int fd, rc = 0;

	for (char *s = strchr(path + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	fd = rc ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = keep_existing && errno == EEXIST ? 0 : -1;
		free(path);
		return rc;
	}
	while (done < len && rc == 0) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0)
			rc = -1;
		else
			done += (size_t)n;
	}
	if (close(fd) < 0)
		rc = -1;
	free(path);
	return rc;
}

/* Empty headers for what libbcc's helpers include and for every
 * "#include <NAME>" of the program (-I, BCC's automatic includes): BTF has
 * their types. */
static int write_stubs(const char *dir, const char *src)
{
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(helper_headers) && !rc; i++)
		rc = write_tree_file(dir, helper_headers[i], "", true);
	for (const char *p = strstr(src, "#include <"); p && !rc; p = strstr(p + 1, "#include <")) {
		const char *name = p + strlen("#include <");
		size_t len = strcspn(name, ">\n");
		char *rel = xasprintf("include/%.*s", (int)len, name);

		if (name[len] == '>' && ktypes_header_name_ok(rel + strlen("include/")))
			rc = write_tree_file(dir, rel, "", true);
		free(rel);
	}
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static void remove_tree(char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* A private directory holding the kernel tree for src. */
static char *make_tree(const char *src, bool verbose, struct cbcc_err *err)
{
	struct strbuf kconfig = STRBUF_INIT;
	char *dir = xstrdup("/tmp/cbcc-kernel-XXXXXX");
	int ntypes = 0, rc;

	if (kconfig_text(src, &kconfig, &ntypes, err)) {
		sb_free(&kconfig);
		free(dir);
		return NULL;
	}
	if (!mkdtemp(dir)) {
		cbcc_errf(err, "cannot create a directory for the kernel types: %s",
			  strerror(errno));
		sb_free(&kconfig);
		free(dir);
		return NULL;
	}
	rc = write_tree_file(dir, "include/linux/kconfig.h", sb_str(&kconfig), false);
	if (!rc)
		rc = write_stubs(dir, src);
	if (rc) {
		cbcc_errf(err, "cannot write the kernel types under %s: %s", dir, strerror(errno));
		remove_tree(dir);
		dir = NULL;
	} else if (verbose) {
		fprintf(stderr,
			"%s: kernel types: %d named by the program, %zu bytes of C from %s\n",
			program_invocation_short_name, ntypes, kconfig.len, KBTF_VMLINUX);
	}
	sb_free(&kconfig);
	return dir;
}

int ktypes_compile_begin(struct ktypes_compile *c, const char *src, bool verbose,
			 struct cbcc_err *err)
{
	enum ktypes_source source;
	const char *old = getenv("BCC_KERNEL_SOURCE");

	memset(c, 0, sizeof(*c));
	if (ktypes_source(&source, err))
		return -1;
	if (source != KTYPES_BTF)
		return 0;
	c->btf = true;
	c->tree = make_tree(src, verbose, err);
	if (!c->tree)
		return cbcc_err_wrap(
			err, "kernel types from BTF: ",
			" (CBCC_KERNEL_TYPES=headers takes them from the kernel headers)");
	c->old_env = old ? xstrdup(old) : NULL;
	setenv("BCC_KERNEL_SOURCE", c->tree, 1);
	return 0;
}

void ktypes_compile_end(struct ktypes_compile *c)
{
	if (!c->tree)
		return;
	if (c->old_env)
		setenv("BCC_KERNEL_SOURCE", c->old_env, 1);
	else
		unsetenv("BCC_KERNEL_SOURCE");
	remove_tree(c->tree);
	free(c->old_env);
	c->tree = c->old_env = NULL;
}

const char *ktypes_hint(const struct ktypes_compile *c, const char *error)
{
	if (!c->btf ||
	    (!strstr(error, "file not found") && !strstr(error, "undeclared identifier")))
		return "";
	return " (kernel types come from BTF: a kernel header, or a kernel macro cbcc does not "
	       "provide, needs CBCC_KERNEL_TYPES=headers and the kernel headers)";
}
