/* FreeBSD 15's inotify by number (__specialfd(SPECIALFD_INOTIFY), inotify_add_watch_at,
 * inotify_rm_watch): events as <sys/inotify.h> defines them, errno as vfs_inotify.c.  argv[1] is
 * an empty directory. */
#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/specialfd.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	struct specialfd_inotify args = { IN_NONBLOCK | IN_CLOEXEC };
	int in = syscall(SYS___specialfd, SPECIALFD_INOTIFY, &args, sizeof args);
	CHECK(in >= 0 && fcntl(in, F_GETFD) == FD_CLOEXEC && (fcntl(in, F_GETFL) & O_NONBLOCK),
	    "inotify errno %d", errno);
	int wd = syscall(SYS_inotify_add_watch_at, in, AT_FDCWD, argv[1], IN_CREATE | IN_DELETE);
	CHECK(wd >= 1, "add_watch_at %d errno %d", wd, errno);
	char path[512], buf[4096];
	snprintf(path, sizeof path, "%s/born", argv[1]);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	ssize_t n = read(in, buf, sizeof buf);
	struct inotify_event *ev = (struct inotify_event *)buf;
	CHECK(n >= (ssize_t)sizeof *ev && ev->wd == wd && (ev->mask & IN_CREATE) &&
	    strcmp(ev->name, "born") == 0, "event %zd: wd %d mask %#x", n, ev->wd, ev->mask);
	CHECK(syscall(SYS_inotify_rm_watch, in, wd) == 0, "rm_watch errno %d", errno);
	n = read(in, buf, sizeof buf);
	CHECK(n >= (ssize_t)sizeof *ev && ev->wd == wd && (ev->mask & IN_IGNORED), "IN_IGNORED");
	errno = 0;
	CHECK(syscall(SYS_inotify_add_watch_at, in, AT_FDCWD, argv[1], 0) == -1 && errno == EINVAL,
	    "no events: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_inotify_add_watch_at, in, AT_FDCWD, argv[1],
	    IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE) == -1 && errno == EINVAL,
	    "MASK_ADD with MASK_CREATE: errno %d", errno);
	errno = 0;
	CHECK(syscall(SYS_inotify_rm_watch, in, 12345) == -1 && errno == EINVAL,
	    "no such watch: errno %d", errno);
	args.flags = 0x40;
	errno = 0;
	CHECK(syscall(SYS___specialfd, SPECIALFD_INOTIFY, &args, sizeof args) == -1 &&
	    errno == EINVAL, "flags: errno %d", errno);
	DONE();
}
