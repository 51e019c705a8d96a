/*
 * Peer credentials of unix-domain sockets (uipc_usrreq.c LOCAL_PEERCRED): getpeereid(3) and
 * struct xucred on a socketpair and on a connection, ENOTCONN before connecting and on the
 * listener, EINVAL on a datagram socket.  One line per step, as FreeBSD prints.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ucred.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void
peercred(const char *what, int s)
{
	struct xucred xu;
	socklen_t len = sizeof(xu);
	int r;

	memset(&xu, 0xff, sizeof(xu));
	errno = 0;
	r = getsockopt(s, SOL_LOCAL, LOCAL_PEERCRED, &xu, &len);
	if (r != 0) {
		printf("%s: LOCAL_PEERCRED = %d errno %d\n", what, r, errno);
		return;
	}
	printf("%s: len %d version %u uid-is-euid %d ngroups>0 %d groups[0]-is-egid %d "
	    "pid-is-me %d\n", what, (int)len, xu.cr_version, xu.cr_uid == geteuid(),
	    xu.cr_ngroups > 0, xu.cr_groups[0] == getegid(), xu.cr_pid == getpid());
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	uid_t uid;
	gid_t gid;
	int sv[2], listener, client, server, d[2];
	pid_t child;
	struct pollfd pfd;

	(void)argc;
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s", strerror(errno));
	CHECK(getpeereid(sv[0], &uid, &gid) == 0, "getpeereid: %s", strerror(errno));
	printf("getpeereid: uid-ok %d gid-ok %d\n", uid == geteuid(), gid == getegid());
	peercred("socketpair", sv[1]);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, argv[1], sizeof(sun.sun_path));
	listener = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(listener, (struct sockaddr *)&sun, SUN_LEN(&sun)) == 0, "bind: %s",
	    strerror(errno));
	chmod(argv[1], 0777);
	listen(listener, 1);
	peercred("listener", listener);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	peercred("unconnected", client);
	fflush(stdout);
	child = fork();
	if (child == 0) {
		setgid(65533);
		setuid(65534);
		if (connect(client, (struct sockaddr *)&sun, SUN_LEN(&sun)) != 0) {
			printf("connect as nobody: %s\n", strerror(errno));
			fflush(stdout);
		}
		read(client, &uid, 1);
		_exit(0);
	}
	close(client);
	pfd.fd = listener;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 30000) != 1) {
		printf("no connection\n");
		DONE();
	}
	server = accept(listener, NULL, NULL);
	CHECK(getpeereid(server, &uid, &gid) == 0, "getpeereid: %s", strerror(errno));
	printf("accepted from a child as nobody: uid %d gid %d\n", (int)uid, (int)gid);
	write(server, "x", 1);
	waitpid(child, NULL, 0);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	peercred("datagram", d[0]);
	errno = 0;
	pipe(d);
	printf("getpeereid(pipe) = %d errno %d\n", getpeereid(d[0], &uid, &gid), errno);
	DONE();
}
