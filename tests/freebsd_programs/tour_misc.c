/* Assorted calls, each against its FreeBSD man page: the indirect syscall(2)/__syscall(2), file
 * flags left at 0, the pre-ino64 and pre-pipe2 compatibility slots 10.x binaries use (called by
 * number), msync, memory locking, clocks, contexts, thread calls, modules, chroot.  argv[1] is a
 * directory the test made, holding a file named "marker". */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <dirent.h>
#include <sys/module.h>
#include <sys/linker.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/thr.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pthread_np.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

/* FreeBSD 10's pipe(2) and the pre-ino64 directory and mount calls (sys/kern/syscalls.master) */
#define FREEBSD10_PIPE 42
#define FREEBSD11_GETDIRENTRIES 196
#define FREEBSD11_GETDENTS 272
#define FREEBSD11_GETFSSTAT 395
#define FREEBSD11_MKNODAT 498

struct freebsd11_dirent { uint32_t d_fileno; uint16_t d_reclen; uint8_t d_type, d_namlen;
	char d_name[256]; };

static ucontext_t main_uc, other_uc;
static int visits;

static void other(void)
{
	visits++;
	swapcontext(&other_uc, &main_uc);
}

static int has_dot(const char *buf, long n)
{
	for (long off = 0; off < n;) {
		const struct freebsd11_dirent *d = (const void *)(buf + off);
		if (d->d_reclen == 0)
			return 0;
		if (d->d_namlen == 1 && d->d_name[0] == '.' && d->d_type == DT_DIR)
			return 1;
		off += d->d_reclen;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[512], buf[4096];
	CHECK(syscall(SYS_getpid) == getpid(), "syscall(2) errno %d", errno);
	CHECK(sched_yield() == 0, "sched_yield errno %d", errno);
	CHECK(__syscall(SYS_getppid) == getppid(), "__syscall(2) errno %d", errno);

	snprintf(path, sizeof path, "%s/marker", argv[1]);
	int f = open(path, O_RDWR);
	CHECK(f >= 0, "open errno %d", errno);
	CHECK(fchflags(f, 0) == 0 && lchflags(path, 0) == 0 && chflagsat(AT_FDCWD, path, 0, 0) == 0,
	    "clearing file flags: errno %d", errno);

	long r0, r1;
	__asm__ volatile("syscall" : "=a"(r0), "=d"(r1) : "a"((long)FREEBSD10_PIPE)
	    : "rcx", "r11", "memory", "cc");
	CHECK(r0 >= 0 && r1 > r0 && write(r1, "p", 1) == 1 && read(r0, buf, 1) == 1 &&
	    buf[0] == 'p', "freebsd10 pipe %ld %ld", r0, r1);

	int d = open(argv[1], O_RDONLY | O_DIRECTORY);
	long base = 0, n = syscall(FREEBSD11_GETDIRENTRIES, d, buf, sizeof buf, &base);
	CHECK(n > 0 && has_dot(buf, n), "freebsd11_getdirentries %ld errno %d", n, errno);
	lseek(d, 0, SEEK_SET);
	n = syscall(FREEBSD11_GETDENTS, d, buf, sizeof buf);
	CHECK(n > 0 && has_dot(buf, n), "freebsd11_getdents %ld errno %d", n, errno);
	struct stat st;
	CHECK(syscall(FREEBSD11_MKNODAT, d, "fifo11", S_IFIFO | 0600, 0) == 0 &&
	    fstatat(d, "fifo11", &st, 0) == 0 && S_ISFIFO(st.st_mode), "freebsd11_mknodat errno %d",
	    errno);
	n = syscall(FREEBSD11_GETFSSTAT, NULL, 0, MNT_NOWAIT);
	CHECK(n > 0, "freebsd11_getfsstat %ld errno %d", n, errno);

	CHECK(ftruncate(f, 4096) == 0, "ftruncate errno %d", errno);
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	CHECK(m != MAP_FAILED, "mmap errno %d", errno);
	memcpy(m, "synced", 6);
	CHECK(msync(m, 4096, MS_SYNC) == 0 && pread(f, buf, 6, 0) == 6 &&
	    memcmp(buf, "synced", 6) == 0, "msync errno %d", errno);
	errno = 0;
	CHECK(msync(m, 4096, MS_ASYNC | MS_INVALIDATE) == -1 && errno == EINVAL,
	    "MS_ASYNC|MS_INVALIDATE: errno %d", errno);
	CHECK(mlock(m, 4096) == 0 && munlock(m, 4096) == 0, "mlock errno %d", errno);
	CHECK(mlockall(MCL_CURRENT) == 0 && munlockall() == 0, "mlockall errno %d", errno);
	errno = 0;
	CHECK(mlockall(0) == -1 && errno == EINVAL, "mlockall(0): errno %d", errno);

	struct timespec res, nap = { 0, 1000 };
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
	    "clock_getres errno %d", errno);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL) == 0, "clock_nanosleep");
	CHECK(clock_nanosleep(-5, 0, &nap, NULL) == EINVAL, "clock_nanosleep bad clock");
	errno = 0;
	CHECK(clock_settime(CLOCK_MONOTONIC, &res) == -1 && errno == EINVAL,
	    "clock_settime(CLOCK_MONOTONIC): errno %d", errno);

	char stack[65536];
	CHECK(getcontext(&other_uc) == 0, "getcontext errno %d", errno);
	other_uc.uc_stack.ss_sp = stack;
	other_uc.uc_stack.ss_size = sizeof stack;
	other_uc.uc_link = &main_uc;
	makecontext(&other_uc, other, 0);
	CHECK(swapcontext(&main_uc, &other_uc) == 0 && visits == 1, "swapcontext errno %d", errno);
	volatile int back = 0;
	getcontext(&main_uc);
	if (!back) {
		back = 1;
		setcontext(&main_uc);
		CHECK(0, "setcontext returned");
	}

	long tid;
	thr_self(&tid);
	CHECK(thr_set_name(tid, "tour") == 0, "thr_set_name errno %d", errno);
	errno = 0;
	CHECK(thr_set_name(-5, "tour") == -1 && errno == ESRCH, "thr_set_name: errno %d", errno);
	CHECK(thr_kill2(getpid(), tid, 0) == 0, "thr_kill2 errno %d", errno);
	errno = 0;
	CHECK(thr_kill2(getpid(), 0x7fffffff, 0) == -1 && errno == ESRCH, "thr_kill2: errno %d",
	    errno);

	int mod = modnext(0);
	CHECK(mod > 0, "modnext %d errno %d", mod, errno);
	errno = 0;
	CHECK(kldunload(12345) == -1 && errno == ENOENT, "kldunload: errno %d", errno);

	pid_t pid = fork();
	if (pid == 0) {
		int ok = chroot(argv[1]) == 0 && chdir("/") == 0 && access("/marker", F_OK) == 0;
		_exit(!ok);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "chroot %#x", status);
	/* FreeBSD 15's fchroot: the root becomes the directory fd refers to */
	pid = fork();
	if (pid == 0) {
		int dir = open(argv[1], O_RDONLY | O_DIRECTORY), ok = 1;
		ok &= syscall(SYS_fchroot, f) == -1 && errno == ENOTDIR;
		ok &= syscall(SYS_fchroot, dir) == 0 && access("/marker", F_OK) == 0;
		ok &= chdir("/") == 0 && access("marker", F_OK) == 0;
		_exit(!ok);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fchroot %#x", status);
	DONE();
}
