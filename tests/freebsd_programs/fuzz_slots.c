/* Adversarial syscall fuzzer driven by tests/test_fuzz_slots.py.
 *
 * Reads batches from stdin: a u64 call count, then per call 8 u64: the slot number, the six
 * argument kinds (one byte each, argument 0 in the low byte; byte 6: where the stack pointer
 * is during the call, as a kind, with byte 7 as its value; K_RAW: the program's own stack)
 * and the six argument values.
 * Every batch runs in a child of its own (setpgid'd, stdio on /dev/null), so a call that ends,
 * replaces, stops or corrupts the process ends only that batch.  The parent answers each batch
 * with one line "batch CALLS_MADE exit|signal|timeout CODE" on its stdout, which the child
 * never sees.  Options: -d DIR (the scratch directory: batch N works in DIR/bN, and every path
 * the calls name is inside that), -u UID (drop to UID/GID before fuzzing).
 *
 * Calls that could reach processes outside the test (signals, ptrace, scheduling of others)
 * get their target confined to the child's own process, group or thread. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/cpuset.h>
#include <sys/event.h>
#include <sys/mman.h>
#include <sys/procctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/thr.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

enum kind { K_RAW, K_BUF, K_RO, K_NONE, K_UNMAPPED, K_PATH, K_FD, K_PID, K_BIG };
enum fill { F_ZERO, F_ONES, F_RANDOM, F_SMALL64, F_POINTERS, F_NO_NUL, F_SMALL32, F_NFILLS };

#define MAXCALLS 1024
#define PG 4096
#define AREA (2 * PG)                 /* each argument's own read-write buffer ... */
#define AREA_STRIDE (AREA + PG)       /* ... followed by a PROT_NONE guard page */
#define RO_PAGE (6 * AREA_STRIDE)
#define NONE_PAGE (RO_PAGE + PG)
#define UNMAPPED_PAGE (NONE_PAGE + PG)
#define REGION (UNMAPPED_PAGE + 2 * PG)
#define BIG (64UL << 20)              /* zeroed memory for calls that take arrays of any length */
#define CALL_TIMER_US 20000           /* interrupts any call that blocks */
#define FILE_LIMIT (1 << 20)          /* RLIMIT_FSIZE: no call fills the disk */
#define ADDRESS_LIMIT (1UL << 31)     /* RLIMIT_AS: no call eats the host's memory */

struct call { uint64_t nr, kinds, val[6]; };

/* longer than NAME_MAX */
#define LONG_NAME "fz.long.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
static const char *const paths[] = {
	"fz.f0", "fz.d0", "fz.d0/fz.f1", "fz.fifo", "fz.sl", "fz.dangling", ".", "fz.d0/..", "",
	"fz.new", "fz.d0/fz.new", "fz.none/fz.x", "fz.f0/", "./fz.d0/../fz.f0", "fz.sock",
	/* also strings for the calls that take names (sysctlbyname, jail parameters) */
	"kern.hostname", "kern.securelevel", "security.jail.param.host.hostname", "kern.proc.pid",
	"security.jail.jailed", "kern.ostype",
	LONG_NAME,
};
#define NPATHS (sizeof paths / sizeof paths[0])
#define NFDS 17

static struct call batch[MAXCALLS];
static volatile uint64_t *progress;   /* shared with the parent: calls started by the child */
static int fds[NFDS];
static char *region, *big;
static long own_pid, own_tid;

static void tick(int sig) { (void)sig; }

static long raw_syscall(uint64_t nr, const uint64_t a[6])
{
	long ret;
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
	    : "rcx", "r11", "memory", "cc");
	return ret;
}

/* The same with the stack pointer at sp during the call: the supervisor takes its scratch
 * memory and builds signal frames below the caller's stack pointer. */
static long raw_syscall_on(uint64_t nr, const uint64_t a[6], uint64_t sp)
{
	long ret;
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	register uint64_t r12 __asm__("r12") = sp;

	__asm__ volatile("mov %%rsp, %%r13\n\tmov %%r12, %%rsp\n\tsyscall\n\tmov %%r13, %%rsp"
	    : "=a"(ret) : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
	    : "rcx", "r11", "r13", "memory", "cc");
	return ret;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(char *buf, size_t len, uint64_t how)
{
	uint64_t seed = (how >> 16) | 1, *words = (uint64_t *)buf;
	uint32_t *ints = (uint32_t *)buf;

	switch (how % F_NFILLS) {
	case F_ZERO: memset(buf, 0, len); break;
	case F_ONES: memset(buf, 0xff, len); break;
	case F_RANDOM:
		for (size_t i = 0; i < len / 8; i++)
			words[i] = xorshift(&seed);
		break;
	case F_SMALL64:
		for (size_t i = 0; i < len / 8; i++)
			words[i] = xorshift(&seed) % 64;
		break;
	case F_POINTERS:    /* {pointer, length} pairs, as iovecs and many structs hold them */
		for (size_t i = 0; i + 1 < len / 8; i += 2) {
			words[i] = (uint64_t)(uintptr_t)(region + xorshift(&seed) % REGION);
			words[i + 1] = xorshift(&seed) % (2 * PG);
		}
		break;
	case F_NO_NUL: memset(buf, 'A', len); break;
	case F_SMALL32:
		for (size_t i = 0; i < len / 4; i++)
			ints[i] = (uint32_t)(xorshift(&seed) % 64);
		break;
	}
}

static uint64_t own_target(uint64_t v)
{
	const long choices[] = {own_pid, 0, -own_pid};

	return (uint64_t)choices[v % 3];
}

/* Keeps every call that names a process, group or thread on the child itself. */
static void confine(uint64_t nr, uint64_t *a)
{
	switch (nr) {
	case SYS_syscall:
	case SYS___syscall:     /* one level: an indirect call of an indirect call is nosys */
		if (a[0] != SYS_syscall && a[0] != SYS___syscall)
			confine(a[0], a + 1);
		break;
	case SYS_kill: a[0] = own_target(a[0]); break;
	case SYS_thr_kill: a[0] = a[0] & 1 ? (uint64_t)own_tid : (uint64_t)-1; break;
	case SYS_thr_kill2:
		a[0] = (uint64_t)own_pid;
		a[1] = a[1] & 1 ? (uint64_t)own_tid : (uint64_t)-1;
		break;
	case SYS_sigqueue:
	case SYS_sched_setparam:
	case SYS_sched_setscheduler:
		a[0] = (uint64_t)own_pid;
		break;
	case SYS_ptrace:
	case SYS_rtprio:
	case SYS_rtprio_thread:
		a[1] = 0;
		break;
	case SYS_procctl:
		a[0] = a[0] & 1 ? P_PID : P_PGID;
		a[1] = 0;
		break;
	case SYS_setpriority:
		a[0] = a[0] & 1 ? PRIO_PROCESS : PRIO_PGRP;
		a[1] = 0;
		break;
	case SYS_cpuset_setaffinity:
	case SYS_cpuset_setdomain:
		a[1] = a[1] & 1 ? CPU_WHICH_PID : CPU_WHICH_TID;
		a[2] = (uint64_t)-1;
		break;
	case SYS_cpuset_setid:
		a[0] = CPU_WHICH_PID;
		a[1] = (uint64_t)-1;
		break;
	}
}

static uint64_t resolve(int i, int kind, uint64_t v)
{
	char *area = region + i * AREA_STRIDE;
	size_t offset;

	switch (kind) {
	case K_BUF:
		offset = (v >> 8) & 0xff;
		if (offset >= 0x80)    /* that far from the end: a structure running into the guard page */
			offset = AREA - (0x100 - offset);
		fill(area, AREA, v);
		return (uint64_t)(uintptr_t)(area + offset);
	case K_RO: return (uint64_t)(uintptr_t)(region + RO_PAGE + v % PG);
	case K_NONE: return (uint64_t)(uintptr_t)(region + NONE_PAGE + v % PG);
	case K_UNMAPPED: return (uint64_t)(uintptr_t)(region + UNMAPPED_PAGE + v % PG);
	case K_PATH:
		strcpy(area, paths[v % NPATHS]);
		return (uint64_t)(uintptr_t)area;
	case K_FD: return (uint64_t)(long)fds[v % NFDS];
	case K_PID: return own_target(v);
	case K_BIG: return (uint64_t)(uintptr_t)(big + v % PG);
	default: return v;
	}
}

/* Near the top of a read-only, PROT_NONE or unmapped page, or of the big zeroed region. */
static uint64_t stack_pointer(int kind, uint64_t v)
{
	uint64_t below_top = (v & 0xf0) + 16;

	switch (kind) {
	case K_RO: return (uint64_t)(uintptr_t)(region + RO_PAGE + PG) - below_top;
	case K_NONE: return (uint64_t)(uintptr_t)(region + NONE_PAGE + PG) - below_top;
	case K_UNMAPPED: return (uint64_t)(uintptr_t)(region + UNMAPPED_PAGE + PG) - below_top;
	default: return (uint64_t)(uintptr_t)(big + BIG) - below_top;
	}
}

static void make_fixtures(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "fz.sock"};
	int fd, p[2], sp[2];
	uint64_t seed = 0x9e3779b97f4a7c15UL;

	mkdir("fz.d0", 0755);
	fd = open("fz.d0/fz.f1", O_CREAT | O_WRONLY, 0644);
	close(fd);
	mkfifo("fz.fifo", 0644);
	symlink("fz.f0", "fz.sl");
	symlink("fz.nowhere", "fz.dangling");
	fds[0] = open("fz.f0", O_CREAT | O_RDWR, 0644);
	write(fds[0], LONG_NAME, 100);
	fds[1] = open("fz.d0", O_RDONLY | O_DIRECTORY);
	pipe(p);
	write(p[1], "pipe", 4);
	fds[2] = p[0];
	fds[3] = p[1];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	write(sp[1], "sock", 4);
	fds[4] = sp[0];
	fds[5] = sp[1];
	fds[6] = kqueue();
	fds[7] = open("/dev/null", O_RDWR);
	fds[8] = open(".", O_RDONLY | O_DIRECTORY);
	fds[9] = socket(AF_INET, SOCK_DGRAM, 0);
	fds[10] = dup(fds[7]);
	close(fds[10]);                /* a closed descriptor */
	fds[11] = AT_FDCWD;
	fds[12] = -1;
	fds[13] = 0;
	fds[14] = 2;
	fds[15] = 1 << 20;
	fds[16] = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(sun.sun_path);
	bind(fds[16], (struct sockaddr *)&sun, sizeof sun);
	listen(fds[16], 4);

	region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	for (int i = 0; i < 6; i++)
		mprotect(region + i * AREA_STRIDE + AREA, PG, PROT_NONE);
	fill(region + RO_PAGE, PG, F_RANDOM | seed << 16);
	mprotect(region + RO_PAGE, PG, PROT_READ);
	mprotect(region + NONE_PAGE, PG, PROT_NONE);
	munmap(region + UNMAPPED_PAGE, 2 * PG);
	big = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
}

static void limit(int resource, rlim_t value)
{
	struct rlimit rl = {value, value};

	setrlimit(resource, &rl);
}

static void run_batch(int ncalls, const char *dir, unsigned long number)
{
	char own_dir[32];
	struct sigaction sa;
	struct itimerval arm = {{0, 0}, {0, CALL_TIMER_US}};
	int null = open("/dev/null", O_RDWR);
	uint64_t args[6];
	int stack;

	setpgid(0, 0);
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig == SIGSYS || sig == SIGPIPE || sig == SIGXFSZ || sig == SIGTTIN || sig == SIGTTOU)
			sigaction(sig, &sa, NULL);
	sa.sa_handler = tick;
	sigaction(SIGALRM, &sa, NULL);
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_FSIZE, FILE_LIMIT);
	limit(RLIMIT_AS, ADDRESS_LIMIT);
	/* A directory of its own: no batch sees what an earlier one left (a FIFO where a file was). */
	snprintf(own_dir, sizeof own_dir, "b%lu", number);
	if (chdir(dir) != 0 || mkdir(own_dir, 0755) != 0 || chdir(own_dir) != 0)
		_exit(1);
	own_pid = getpid();
	thr_self(&own_tid);
	make_fixtures();
	for (int n = 0; n < ncalls; n++) {
		struct call *c = &batch[n];

		for (int i = 0; i < 6; i++)
			args[i] = resolve(i, (c->kinds >> (8 * i)) & 0xff, c->val[i]);
		confine(c->nr, args);
		*progress = n + 1;
		setitimer(ITIMER_REAL, &arm, NULL);
		stack = (c->kinds >> 48) & 0xff;
		if (stack == K_RAW)
			raw_syscall(c->nr, args);
		else
			raw_syscall_on(c->nr, args, stack_pointer(stack, c->kinds >> 56));
		if (raw_syscall(SYS_getpid, args) != own_pid)
			_exit(0);      /* a fork's child: the batch goes on in the parent only */
	}
	_exit(0);
}

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	const char *dir = ".";
	uid_t uid = 0;
	int opt, drop = 0, in, out;
	uint64_t ncalls;
	unsigned long batches = 0;

	while ((opt = getopt(argc, argv, "d:u:")) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'u')
			uid = (uid_t)strtoul(optarg, NULL, 10), drop = 1;
		else
			return 2;
	}
	if (drop && (setgroups(0, NULL) != 0 || setgid(uid) != 0 || setuid(uid) != 0)) {
		perror("fuzz_slots: dropping privileges");
		return 1;
	}
	/* The batch stream and the answers live on descriptors the calls never name. */
	in = fcntl(0, F_DUPFD_CLOEXEC, 500);
	out = fcntl(1, F_DUPFD_CLOEXEC, 500);
	progress = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tick;
	sigaction(SIGALRM, &sa, NULL);
	while (read_full(in, &ncalls, sizeof ncalls) == 0) {
		struct itimerval deadline = {{1, 0}, {1 + (long)ncalls * CALL_TIMER_US / 500000, 0}};
		struct itimerval off = {{0, 0}, {0, 0}};
		char line[80];
		int status, len, timed_out = 0;
		pid_t child;

		if (ncalls > MAXCALLS || read_full(in, batch, ncalls * sizeof batch[0]) != 0)
			return 2;
		*progress = 0;
		child = fork();
		if (child == 0) {
			close(in);
			close(out);
			run_batch((int)ncalls, dir, batches);
		}
		setitimer(ITIMER_REAL, &deadline, NULL);
		/* A child stopped, or blocked past its timers (it may mask or ignore them), is ended. */
		for (pid_t got; (got = waitpid(child, &status, WUNTRACED)) != child || WIFSTOPPED(status);) {
			if (got != child && errno != EINTR)
				return 3;
			timed_out = 1;
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
		}
		setitimer(ITIMER_REAL, &off, NULL);
		len = snprintf(line, sizeof line, "batch %lu %s %d\n", (unsigned long)*progress,
		    timed_out ? "timeout" : WIFSIGNALED(status) ? "signal" : "exit",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		write(out, line, (size_t)len);
		batches++;
	}
	return 0;
}
