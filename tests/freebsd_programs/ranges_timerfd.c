/* FreeBSD 13/14 calls the 13.5 libc lacks, made by number: copy_file_range(2) and
 * timerfd(2), with FreeBSD's flags and errno (sys/kern/sys_timerfd.c, vfs_syscalls.c). */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	char buf[64];
	off_t in_off = 2, out_off = 0;
	int in = open(argv[1], O_RDONLY), out = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && out >= 0, "open errno %d", errno);

	long n = syscall(SYS_copy_file_range, in, &in_off, out, &out_off, (size_t)5, 0u);
	CHECK(n == 5 && in_off == 7 && out_off == 5, "n %ld in %jd out %jd", n, (intmax_t)in_off,
	    (intmax_t)out_off);
	CHECK(lseek(in, 0, SEEK_CUR) == 0, "offset pointers leave the file offsets alone");
	CHECK(lseek(out, 5, SEEK_SET) == 5, "errno %d", errno);
	n = syscall(SYS_copy_file_range, in, NULL, out, NULL, (size_t)100, 0u);
	CHECK(n == 10, "to EOF, at the file offsets: %ld", n);
	CHECK(lseek(in, 0, SEEK_CUR) == 10 && lseek(out, 0, SEEK_CUR) == 15, "offsets advanced");
	CHECK(pread(out, buf, 15, 0) == 15 && memcmp(buf, "234560123456789", 15) == 0, "%.15s", buf);
	errno = 0;
	CHECK(syscall(SYS_copy_file_range, in, NULL, out, NULL, (size_t)1, 1u) == -1 &&
	    errno == EINVAL, "flags: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_copy_file_range, in, NULL, in, NULL, (size_t)1, 0u) == -1 &&
	    errno == EBADF, "into a read-only descriptor: errno %d", errno);

	/* fspacectl: zeroes the range, keeps the size, reports the range's end bounded by EOF */
	struct spacectl_range rq = { 1, 3 }, rm = { -1, -1 };
	CHECK(syscall(SYS_fspacectl, out, SPACECTL_DEALLOC, &rq, 0, &rm) == 0 && rm.r_offset == 4 &&
	    rm.r_len == 0, "fspacectl errno %d: %jd %jd", errno, (intmax_t)rm.r_offset,
	    (intmax_t)rm.r_len);
	CHECK(pread(out, buf, 6, 0) == 6 && memcmp(buf, "2\0\0\0" "6", 5) == 0, "zeroed: %.6s", buf);
	rq.r_offset = 10;
	rq.r_len = 100;
	CHECK(syscall(SYS_fspacectl, out, SPACECTL_DEALLOC, &rq, 0, &rm) == 0 && rm.r_offset == 15 &&
	    rm.r_len == 0, "past EOF: %jd", (intmax_t)rm.r_offset);
	struct stat sst;
	CHECK(fstat(out, &sst) == 0 && sst.st_size == 15, "size kept: %jd", (intmax_t)sst.st_size);
	rq.r_len = 0;
	errno = 0;
	CHECK(syscall(SYS_fspacectl, out, SPACECTL_DEALLOC, &rq, 0, NULL) == -1 && errno == EINVAL,
	    "empty range: errno %d", errno);
	rq.r_len = 1;
	errno = 0;
	CHECK(syscall(SYS_fspacectl, in, SPACECTL_DEALLOC, &rq, 0, NULL) == -1 && errno == EBADF,
	    "read-only: errno %d", errno);
	int pp[2];
	pipe(pp);
	errno = 0;
	CHECK(syscall(SYS_fspacectl, pp[1], SPACECTL_DEALLOC, &rq, 0, NULL) == -1 && errno == ESPIPE,
	    "pipe: errno %d", errno);

	int tfd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK(tfd >= 0, "timerfd_create errno %d", errno);
	CHECK(fcntl(tfd, F_GETFD) == FD_CLOEXEC, "TFD_CLOEXEC");
	CHECK((fcntl(tfd, F_GETFL) & O_NONBLOCK) != 0, "TFD_NONBLOCK");
	uint64_t ticks;
	errno = 0;
	CHECK(read(tfd, &ticks, sizeof ticks) == -1 && errno == EAGAIN, "unarmed: errno %d", errno);
	struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } }, old;
	CHECK(syscall(SYS_timerfd_settime, tfd, 0, &its, NULL) == 0, "settime errno %d", errno);
	struct pollfd p = { tfd, POLLIN, 0 };
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "poll %#x", p.revents);
	CHECK(read(tfd, &ticks, sizeof ticks) == 8 && ticks >= 1, "ticks %ju", (uintmax_t)ticks);
	CHECK(syscall(SYS_timerfd_gettime, tfd, &old) == 0 && old.it_interval.tv_nsec == 1000000,
	    "gettime errno %d", errno);
	memset(&its, 0, sizeof its);
	CHECK(syscall(SYS_timerfd_settime, tfd, TFD_TIMER_ABSTIME, &its, &old) == 0 &&
	    old.it_interval.tv_nsec == 1000000, "disarm: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_timerfd_settime, tfd, 4, &its, NULL) == -1 && errno == EINVAL,
	    "settime flags: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_timerfd_gettime, in, &old) == -1 && errno == EINVAL,
	    "not a timerfd: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_timerfd_create, CLOCK_UPTIME, 0) == -1 && errno == EINVAL,
	    "CLOCK_UPTIME: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_timerfd_create, CLOCK_REALTIME, O_APPEND) == -1 && errno == EINVAL,
	    "flags: errno %d", errno);
	int rt = syscall(SYS_timerfd_create, CLOCK_REALTIME, 0);
	CHECK(rt >= 0 && fcntl(rt, F_GETFD) == 0 && (fcntl(rt, F_GETFL) & O_NONBLOCK) == 0,
	    "plain realtime timerfd: errno %d", errno);
	DONE();
}
