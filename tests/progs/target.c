/* A traced test program with known behaviour, built by the test suite.
 *
 *   target [--wait] MODE [ARG]
 *
 * --wait blocks until SIGUSR1 so a tracer can attach to the pid first.
 * Modes:
 *   calls N      cbcc_add(i, 2*i) for i < N (returns 3*i), then cbcc_greet("hello-cbcc")
 *   greet STR    cbcc_greet(STR)
 *   malloc SIZE  one malloc(SIZE) and free
 *   usdt N       USDT probe cbcc:ping(i, "usdt-str") for i < N
 *   chain        top_fn -> mid_fn -> leaf_fn -> malloc(4242)
 *   open PATH    open(PATH) and close it
 *   opens N PATH N times open(PATH) and close it
 *   execs N      N children one after the other, each exec()ing /bin/true cbcc-exec-burst
 *   coldopen PATH  open(PATH) with the path in a page not yet mapped in: a file
 *                written, then mmap()ed and never touched before the open
 *   getppid N    N getppid() system calls
 *   int80 N      N 32-bit getppid() system calls (int $0x80, number 64: semget
 *                in the 64-bit table), then one 64-bit getppid()
 *   sleep MS     cbcc_sleep(MS)
 *   writes       write() 3 times to fd 1 (stdout, /dev/null in tests) and 5 times to a pipe
 *   reads        read() 1, 2, 3 times of 100, 1000, 10000 bytes from /dev/zero
 *   strs N       libc strlen() N times and strcmp() 2*N times (through pointers, never inlined)
 *   hostile LIB N  dlopen(LIB) and hostile_run(N) (tests/progs/hostile.c)
 *   stacks N     cbcc_add(k, 0) once for each k < N, each from its own stack: the
 *                bits of k choose branch_a or branch_b at each of ceil(log2 N) levels
 *   names        cbcc_greet() with strings that need escaping: a"b, c\d, e<newline>f,
 *                the bytes ff fe, and "ok" twice
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sdt.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

volatile int sink;

NOINLINE int cbcc_add(int a, int b)
{
	sink += a;
	return a + b;
}

NOINLINE const char *cbcc_greet(const char *name)
{
	sink += (int)strlen(name);
	return name;
}

NOINLINE void cbcc_sleep(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

NOINLINE void leaf_fn(void)
{
	void *volatile p = malloc(4242);

	free(p);
	sink++;
}

NOINLINE void mid_fn(void)
{
	leaf_fn();
	sink++;
}

NOINLINE void top_fn(void)
{
	mid_fn();
	sink++;
}

NOINLINE void branch_a(unsigned k, int levels);
NOINLINE void branch_b(unsigned k, int levels);

/* The stack below here spells the low `levels` bits of k. */
static inline __attribute__((always_inline)) void branch(unsigned k, int levels)
{
	if (levels == 0)
		sink += cbcc_add((int)k, 0);
	else if (k & 1)
		branch_b(k >> 1, levels - 1);
	else
		branch_a(k >> 1, levels - 1);
}

NOINLINE void branch_a(unsigned k, int levels)
{
	branch(k, levels);
	sink++;
}

NOINLINE void branch_b(unsigned k, int levels)
{
	branch(k, levels);
	sink++;
}

static void do_stacks(long n)
{
	int levels = 0;

	while ((1L << levels) < n)
		levels++;
	for (long k = 0; k < n; k++)
		branch((unsigned)k, levels);
}

static void do_names(void)
{
	static const char *const names[] = {"a\"b", "c\\d", "e\nf", "\xff\xfe", "ok", "ok"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cbcc_greet(names[i]);
}

static void wait_for_go(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	sigwait(&set, &sig);
}

static void do_writes(void)
{
	int fds[2];
	char c = 'x';

	if (pipe(fds))
		exit(1);
	for (int i = 0; i < 3; i++)
		if (write(1, &c, 1) < 0)
			exit(1);
	for (int i = 0; i < 5; i++)
		if (write(fds[1], &c, 1) < 0)
			exit(1);
	close(fds[0]);
	close(fds[1]);
}

/* The 32-bit system call 64 (getppid) through the int $0x80 gate, which a
 * 64-bit process may use too; -1 where the kernel runs no 32-bit code. */
static long int80_getppid(void)
{
#if defined(__x86_64__)
	long ret = 64;

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret;
#else
	return -1;
#endif
}

static void do_reads(void)
{
	static char buf[10000];
	int fd = open("/dev/zero", O_RDONLY);
	const int sizes[] = {100, 1000, 10000};

	for (int s = 0; s < 3; s++)
		for (int i = 0; i <= s; i++)
			if (read(fd, buf, sizes[s]) < 0)
				exit(1);
	close(fd);
}

static void do_strs(long n)
{
	size_t (*volatile len)(const char *) = strlen;
	int (*volatile cmp)(const char *, const char *) = strcmp;

	for (long k = 0; k < n; k++) {
		sink += (int)len("cbcc");
		sink += cmp("a", "b") + cmp("b", "a");
	}
}

/* open(path) with path stored in a fresh file mapping the process has never
 * touched: a BPF program at sys_enter cannot read it (no page-table entry
 * yet); the kernel's own copy faults it in. */
static void cold_open(const char *path)
{
	char tmpl[] = "/tmp/cbcc-coldpath-XXXXXX";
	int tfd = mkstemp(tmpl), fd;
	size_t len = strlen(path) + 1;
	char *mapped;

	if (tfd < 0 || write(tfd, path, len) != (ssize_t)len) {
		perror("coldopen");
		exit(1);
	}
	unlink(tmpl);
	mapped = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, tfd, 0);
	if (mapped == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	fd = open(mapped, O_RDONLY);
	if (fd >= 0)
		close(fd);
	munmap(mapped, 4096);
	close(tfd);
}

static void open_n(long n, const char *path)
{
	for (long k = 0; k < n; k++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
}

static void exec_n(long n)
{
	for (long k = 0; k < n; k++) {
		pid_t pid = fork();
		int status;

		if (pid < 0) {
			perror("fork");
			exit(1);
		}
		if (pid == 0) {
			/* on the stack: a fork child has not mapped the parent's
			 * read-only data in yet, and execsnoop reads at sys_enter */
			char path[] = "/bin/true", arg[] = "cbcc-exec-burst";

			execl(path, "true", arg, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "target: exec %ld of /bin/true failed\n", k);
			exit(1);
		}
	}
}

static void hostile(const char *lib, long n)
{
	void *h = dlopen(lib, RTLD_NOW);
	void (*run)(int) = h ? (void (*)(int))dlsym(h, "hostile_run") : NULL;

	if (!run) {
		fprintf(stderr, "hostile: %s\n", dlerror());
		exit(1);
	}
	run((int)n);
	dlclose(h);
}

int main(int argc, char **argv)
{
	int i = 1;
	long n;

	if (i < argc && !strcmp(argv[i], "--wait")) {
		wait_for_go();
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: target [--wait] MODE [ARG]\n");
		return 2;
	}
	n = i + 1 < argc ? atol(argv[i + 1]) : 0;
	if (!strcmp(argv[i], "calls")) {
		for (long k = 0; k < n; k++)
			sink += cbcc_add((int)k, (int)(2 * k));
		cbcc_greet("hello-cbcc");
	} else if (!strcmp(argv[i], "malloc")) {
		void *volatile p = malloc((size_t)n);

		free(p);
	} else if (!strcmp(argv[i], "usdt")) {
		for (long k = 0; k < n; k++) {
			int v = (int)k;

			DTRACE_PROBE2(cbcc, ping, v, "usdt-str");
		}
	} else if (!strcmp(argv[i], "chain")) {
		top_fn();
	} else if (!strcmp(argv[i], "open")) {
		int fd = open(argv[i + 1], O_RDONLY);

		if (fd >= 0)
			close(fd);
	} else if (!strcmp(argv[i], "getppid")) {
		for (long k = 0; k < n; k++)
			sink += getppid();
	} else if (!strcmp(argv[i], "sleep")) {
		cbcc_sleep((int)n);
	} else if (!strcmp(argv[i], "writes")) {
		do_writes();
	} else if (!strcmp(argv[i], "reads")) {
		do_reads();
	} else if (!strcmp(argv[i], "strs")) {
		do_strs(n);
	} else if (!strcmp(argv[i], "coldopen")) { /* after strs: its compares are counted */
		cold_open(argv[i + 1]);
	} else if (!strcmp(argv[i], "greet") && i + 1 < argc) {
		cbcc_greet(argv[i + 1]);
	} else if (!strcmp(argv[i], "opens") && i + 2 < argc) {
		open_n(n, argv[i + 2]);
	} else if (!strcmp(argv[i], "execs")) {
		exec_n(n);
	} else if (!strcmp(argv[i], "hostile") && i + 2 < argc) {
		hostile(argv[i + 1], atol(argv[i + 2]));
	} else if (!strcmp(argv[i], "int80")) {
		for (long k = 0; k < n; k++)
			sink += (int)int80_getppid();
		sink += getppid();
	} else if (!strcmp(argv[i], "stacks")) {
		do_stacks(n);
	} else if (!strcmp(argv[i], "names")) {
		do_names();
	} else {
		fprintf(stderr, "target: unknown mode %s\n", argv[i]);
		return 2;
	}
	return 0;
}
