/* Descriptor I/O calls with FreeBSD's results and errno (their man pages). argv[1] is a
 * directory the test made. */
#include <sys/types.h>
#include <sys/event.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	char path[512], a[8] = { 0 }, b[8] = { 0 };
	struct stat st;
	snprintf(path, sizeof path, "%s/io", argv[1]);
	int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(f >= 0, "open errno %d", errno);

	struct iovec out[2] = { { "abc", 3 }, { "defg", 4 } }, in[2] = { { a, 3 }, { b, 4 } };
	CHECK(pwritev(f, out, 2, 0) == 7, "pwritev errno %d", errno);
	CHECK(preadv(f, in, 2, 0) == 7 && memcmp(a, "abc", 3) == 0 && memcmp(b, "defg", 4) == 0,
	    "preadv errno %d", errno);
	CHECK(lseek(f, 0, SEEK_CUR) == 0, "positioned calls leave the offset");
	CHECK(pwrite(f, "XY", 2, 1) == 2 && readv(f, in, 2) == 7 && memcmp(a, "aXY", 3) == 0,
	    "pwrite/readv errno %d", errno);
	CHECK(fsync(f) == 0 && fdatasync(f) == 0, "fsync errno %d", errno);
	sync();
	CHECK(posix_fallocate(f, 0, 4096) == 0 && fstat(f, &st) == 0 && st.st_size == 4096,
	    "posix_fallocate size %jd", (intmax_t)st.st_size);
	CHECK(posix_fadvise(f, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "posix_fadvise");
	CHECK(posix_fadvise(f, 0, 0, 99) == EINVAL, "posix_fadvise bad advice");

	int g = open(path, O_RDONLY);
	CHECK(flock(f, LOCK_EX | LOCK_NB) == 0, "flock errno %d", errno);
	errno = 0;
	CHECK(flock(g, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK, "flock busy: errno %d",
	    errno);
	CHECK(flock(f, LOCK_UN) == 0 && flock(g, LOCK_SH | LOCK_NB) == 0, "unlock errno %d", errno);

	struct statfs sfs;
	CHECK(statfs(path, &sfs) == 0 && sfs.f_fstypename[0] != 0 && sfs.f_bsize > 0,
	    "statfs errno %d", errno);
	CHECK(fstatfs(f, &sfs) == 0 && sfs.f_iosize > 0, "fstatfs errno %d", errno);
	int n = getfsstat(NULL, 0, MNT_NOWAIT);
	CHECK(n > 0, "getfsstat %d errno %d", n, errno);

	int p[2];
	CHECK(pipe(p) == 0, "pipe errno %d", errno);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timespec zero = { 0, 0 };
	sigset_t mask;
	sigemptyset(&mask);
	CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &zero, &mask) == 0, "pselect errno %d", errno);
	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &zero, NULL) == 1 && FD_ISSET(p[0], &rd),
	    "pselect ready errno %d", errno);
	struct pollfd pf = { p[0], POLLIN, 0 };
	CHECK(ppoll(&pf, 1, &zero, &mask) == 1 && (pf.revents & POLLIN), "ppoll errno %d", errno);

	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/sock", argv[1]);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), cs = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(ls, (struct sockaddr *)&sun, sizeof sun) == 0 && listen(ls, 1) == 0,
	    "bind errno %d", errno);
	CHECK(connect(cs, (struct sockaddr *)&sun, sizeof sun) == 0, "connect errno %d", errno);
	int as = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	CHECK(as >= 0 && fcntl(as, F_GETFD) == FD_CLOEXEC && (fcntl(as, F_GETFL) & O_NONBLOCK),
	    "accept4 errno %d", errno);
	errno = 0;
	CHECK(accept4(ls, NULL, NULL, 0x40000000) == -1 && errno == EINVAL,
	    "accept4 bad flags: errno %d", errno);

	int kq = syscall(SYS_kqueuex, KQUEUE_CLOEXEC);
	CHECK(kq >= 0 && fcntl(kq, F_GETFD) == FD_CLOEXEC, "kqueuex errno %d", errno);
	struct kevent ev;
	EV_SET(&ev, p[0], EVFILT_READ, EV_ADD, 0, 0, NULL);
	CHECK(kevent(kq, &ev, 1, &ev, 1, &zero) == 1 && ev.ident == (uintptr_t)p[0] &&
	    ev.data == 1, "kevent errno %d", errno);
	DONE();
}
