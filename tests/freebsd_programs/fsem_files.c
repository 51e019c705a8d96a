/* File semantics where FreeBSD and Linux differ: open's errno for symlinks and sockets,
 * select's timeout, chown's no-op and setuid/setgid rules, chmod's sticky and setgid rules,
 * lchmod. argv[1]: an empty directory; run as root. Prints "name values" lines. */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOBODY 65534
#define OTHER 100

static int e(int r) { return r < 0 ? errno : 0; }

static int perms(const char *path) {
	struct stat sb;
	return lstat(path, &sb) < 0 ? -1 : (int)(sb.st_mode & 07777);
}

static void touch(const char *path, int mode) {
	close(open(path, O_WRONLY | O_CREAT, mode));
	chmod(path, mode);
}

/* Busy-waits until the clock is well past t, so a changed ctime would show. */
static void past(struct timespec t) {
	struct timespec now;
	do
		clock_gettime(CLOCK_REALTIME, &now);
	while ((now.tv_sec - t.tv_sec) * 1000000000L + (now.tv_nsec - t.tv_nsec) < 20000000L);
}

int main(int argc, char **argv) {
	chdir(argv[1]);
	touch("f", 0644);
	symlink("f", "sym");
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	printf("open-nofollow %d\n", e(open("sym", O_RDONLY | O_NOFOLLOW)));
	printf("open-loop %d\n", e(open("loop1", O_RDONLY)));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	strcpy(sun.sun_path, "sock");
	bind(s, (struct sockaddr *)&sun, sizeof sun);
	printf("open-socket %d\n", e(open("sock", O_RDONLY)));

	mkdir("rdir", 0755);
	printf("rename-dot %d %d\n", e(rename(".", "x")), e(rename("rdir", ".")));
	printf("rename-dotdot %d %d\n", e(rename("rdir", "..")), e(rename("f", "..")));
	printf("rename-root %d\n", e(rename("/", "x")));
	printf("rename-into-itself %d\n", e(rename("rdir", "rdir/sub")));
	printf("rename-same %d\n", e(rename("f", "f")));
	printf("unlink-dot %d %d\n", e(unlink(".")), e(unlink("/")));
	printf("rmdir-root %d\n", e(rmdir("/")));

	struct timeval tv = { 0, 1000 };
	select(0, NULL, NULL, NULL, &tv);
	printf("select-timeout %ld %ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
	struct timespec ts = { 0, 1000000 };
	pselect(0, NULL, NULL, NULL, &ts, NULL);
	printf("pselect-timeout %ld %ld\n", (long)ts.tv_sec, ts.tv_nsec);

	struct stat before, after;
	stat("f", &before);
	past(before.st_ctim);
	int r = chown("f", -1, -1);
	stat("f", &after);
	printf("chown-nochange %d %d\n", e(r), before.st_ctim.tv_sec == after.st_ctim.tv_sec &&
	    before.st_ctim.tv_nsec == after.st_ctim.tv_nsec);
	chflags("f", UF_IMMUTABLE);
	printf("chown-nochange-locked %d\n", e(chown("f", -1, -1)));
	chflags("f", 0);

	/* setutimes: an mtime given older than the birth time becomes the birth time too. */
	struct stat b;
	stat("f", &b);
	int was_later = b.st_birthtim.tv_sec > 1000000;
	struct timespec old[2] = { { 1000000, 0 }, { 1000000, 500 } };
	r = utimensat(AT_FDCWD, "f", old, 0);
	stat("f", &b);
	printf("utimensat-birth %d %d %ld %ld\n", e(r), was_later, (long)b.st_birthtim.tv_sec,
	    b.st_birthtim.tv_nsec);
	struct timespec newer[2] = { { 2000000, 0 }, { 2000000, 0 } };
	r = utimensat(AT_FDCWD, "f", newer, 0);
	stat("f", &b);
	printf("utimensat-newer %d %ld %ld\n", e(r), (long)b.st_birthtim.tv_sec,
	    b.st_birthtim.tv_nsec);
	int fd = open("f", O_RDONLY);
	struct timespec older[2] = { { 0, UTIME_OMIT }, { 999, 0 } };
	r = futimens(fd, older);
	fstat(fd, &b);
	printf("futimens-birth %d %ld %ld\n", e(r), (long)b.st_birthtim.tv_sec,
	    b.st_birthtim.tv_nsec);
	close(fd);

	printf("lchmod %d %o %o\n", e(lchmod("sym", 0700)), perms("sym"), perms("f"));
	printf("root-sticky-file %d\n", e(chmod("f", 01644)));

	mkdir("dir", 06755);
	chmod("dir", 06755);
	touch("own", 0644);
	touch("sgid", 02744);
	touch("rootgroup", 0644);
	chown("dir", NOBODY, NOBODY);
	chown("own", NOBODY, NOBODY);
	chown("sgid", NOBODY, NOBODY);
	chown("rootgroup", NOBODY, 0);
	symlink("own", "ownlink");
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		gid_t groups[] = { NOBODY, OTHER };
		setgroups(2, groups);
		setgid(NOBODY);
		setuid(NOBODY);
		printf("user-sticky-file %d\n", e(chmod("own", 01644)));
		printf("user-sticky-dir %d\n", e(chmod("dir", 07755)));
		chmod("dir", 06755);
		printf("user-setgid-foreign-group %d\n", e(chmod("rootgroup", 02644)));
		printf("user-chown-dir %d %o\n", e(chown("dir", -1, OTHER)), perms("dir"));
		printf("user-chown-sgid-file %d %o\n", e(chown("sgid", -1, OTHER)), perms("sgid"));
		int ofd = open("own", O_RDONLY);
		printf("user-fchmod-sticky %d\n", e(fchmod(ofd, 01644)));
		fchmod(ofd, 06644);
		printf("user-fchown %d %o\n", e(fchown(ofd, -1, OTHER)), perms("own"));
		close(ofd);
		printf("user-lchown-nochange %d\n", e(lchown("ownlink", -1, -1)));
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(child, &status, 0);
	chmod("dir", 06755);
	printf("root-chown-dir %d %o\n", e(chown("dir", -1, 0)), perms("dir"));

	/* The *at forms and the descriptor forms keep the same rules. */
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	touch("g", 0644);
	chflags("g", UF_NOUNLINK);
	printf("at-forms %d %d %d\n", e(unlinkat(dfd, "g", 0)), e(renameat(dfd, "g", dfd, "h")),
	    e(unlinkat(dfd, "dir", 0)));
	chflags("g", UF_APPEND);
	struct timeval tvs[2] = { { 5, 0 }, { 5, 0 } };
	printf("futimesat-locked %d\n", e(futimesat(dfd, "g", tvs)));
	chflags("g", 0);
	printf("fchownat-nochange %d\n", e(fchownat(dfd, "g", -1, -1, AT_SYMLINK_NOFOLLOW)));
	printf("fchmodat-link %d %o\n", e(fchmodat(dfd, "sym", 0600, AT_SYMLINK_NOFOLLOW)),
	    perms("sym"));
	return 0;
}
