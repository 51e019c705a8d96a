/*
 * Pseudo-terminals as pts(4) and libc give them: posix_openpt(2)'s flag check, grantpt/unlockpt
 * (TIOCPTMASTER: EINVAL for what is no master, EBADF for no descriptor), ptsname and ttyname
 * (FIODGNAME), data both ways.  One line per step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/filio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"

int
main(int argc, char **argv)
{
	struct fiodgname_arg fgn;
	struct termios t;
	char name[64], buf[64], *pts;
	int master, slave, fd;
	ssize_t n;

	(void)argc;
	errno = 0;
	printf("posix_openpt(O_RDWR|O_APPEND) = %d errno %d\n", posix_openpt(O_RDWR | O_APPEND),
	    errno);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(master >= 0, "posix_openpt: %s", strerror(errno));
	printf("cloexec %d\n", (fcntl(master, F_GETFD) & FD_CLOEXEC) != 0);
	printf("grantpt %d unlockpt %d\n", grantpt(master), unlockpt(master));
	pts = ptsname(master);
	CHECK(pts != NULL, "ptsname: %s", strerror(errno));
	printf("ptsname under /dev/pts/: %d\n", pts != NULL && strncmp(pts, "/dev/pts/", 9) == 0);
	slave = open(pts, O_RDWR | O_NOCTTY);
	CHECK(slave >= 0, "open %s: %s", pts, strerror(errno));
	printf("ttyname(slave) is ptsname: %d\n", strcmp(ttyname(slave), pts) == 0);
	printf("ttyname(master) is ptsname: %d\n", strcmp(ttyname(master), pts) == 0);
	errno = 0;
	printf("grantpt(slave) = %d errno %d\n", grantpt(slave), errno);
	errno = 0;
	printf("ptsname(slave) null %d errno %d\n", ptsname(slave) == NULL, errno);
	errno = 0;
	printf("unlockpt(closed) = %d errno %d\n", unlockpt(99), errno);

	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	write(master, "ping", 4);
	n = read(slave, buf, sizeof(buf));
	printf("slave read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	write(slave, "pong", 4);
	n = read(master, buf, sizeof(buf));
	printf("master read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);

	fgn.len = 3;
	fgn.buf = name;
	errno = 0;
	printf("FIODGNAME small buffer = %d errno %d\n", ioctl(slave, FIODGNAME, &fgn), errno);
	fd = open("/dev/null", O_RDONLY);
	fgn.len = sizeof(name);
	printf("FIODGNAME /dev/null = %d %s\n", ioctl(fd, FIODGNAME, &fgn), name);
	close(fd);
	fd = open(argv[0], O_RDONLY);
	errno = 0;
	printf("FIODGNAME of a file = %d errno %d\n", ioctl(fd, FIODGNAME, &fgn), errno);
	errno = 0;
	printf("TIOCPTMASTER of a file = %d errno %d\n", ioctl(fd, TIOCPTMASTER), errno);
	printf("TIOCPTMASTER of the master = %d\n", ioctl(master, TIOCPTMASTER));

	/* open(2) never makes a terminal the controlling one, even without O_NOCTTY; TIOCSCTTY
	 * does */
	fflush(stdout);
	if (fork() == 0) {
		int before, after;

		setsid();
		close(slave);
		slave = open(pts, O_RDWR);
		before = open("/dev/tty", O_RDWR) < 0 ? errno : 0;
		ioctl(slave, TIOCSCTTY, 0);
		after = open("/dev/tty", O_RDWR) < 0 ? errno : 0;
		printf("session leader's open: /dev/tty errno %d; after TIOCSCTTY errno %d\n",
		    before, after);
		fflush(stdout);
		_exit(0);
	}
	wait(NULL);
	DONE();
}
