/*
 * The session's login name (kern_prot.c sys_getlogin/sys_setlogin): the invoking user's to begin
 * with, ERANGE for a short buffer, setlogin root-only (EPERM) with names under MAXLOGNAME
 * (EINVAL), inherited by children.  One line per step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static const char *
login(void)
{
	static char name[MAXLOGNAME];

	if (syscall(SYS_getlogin, name, sizeof(name)) != 0)
		return (strerror(errno));
	return (name);
}

int
main(void)
{
	char small[2], longname[MAXLOGNAME + 1];
	int status;
	pid_t pid;

	printf("getlogin: %s\n", getlogin() ? getlogin() : "(null)");
	errno = 0;
	printf("short buffer = %ld errno %d\n", (long)syscall(SYS_getlogin, small, sizeof(small)),
	    errno);
	printf("setlogin(tester) = %d, now %s\n", setlogin("tester"), login());
	memset(longname, 'x', MAXLOGNAME);
	longname[MAXLOGNAME] = '\0';
	errno = 0;
	printf("setlogin(%d chars) = %d errno %d\n", MAXLOGNAME, setlogin(longname), errno);
	longname[MAXLOGNAME - 1] = '\0';
	printf("setlogin(%d chars) = %d\n", MAXLOGNAME - 1, setlogin(longname));
	setlogin("tester");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setsid();
		printf("child after setsid: %s\n", login());
		setuid(65534);
		errno = 0;
		printf("setlogin as nobody = %d errno %d\n", setlogin("x"), errno);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	DONE();
}
