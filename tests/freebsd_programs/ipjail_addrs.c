/* What a jailed socket's addresses become (prison_local_ip4, prison_remote_ip4, in_pcbladdr):
 * prints one line per case, "<case> <address or errno=N>", for the test to compare. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, int fd, int peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char buf[INET_ADDRSTRLEN];

	if ((peer ? getpeername(fd, (struct sockaddr *)&sin, &len)
		  : getsockname(fd, (struct sockaddr *)&sin, &len)) != 0) {
		printf("%s errno=%d\n", what, errno);
		return;
	}
	printf("%s %s\n", what, inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof(buf)));
}

static void bound(const char *what, int type, const char *addr, int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, type, 0);

	if (fd < 0) {
		printf("%s errno=%d\n", what, errno);
		return;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		printf("%s errno=%d\n", what, errno);
	else
		show(what, fd, 0);
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int fd;

	bound("bind-any", SOCK_STREAM, "0.0.0.0", 0);
	bound("bind-loopback", SOCK_DGRAM, "127.0.0.1", 0);
	bound("bind-other", SOCK_STREAM, argc > 1 ? argv[1] : "10.9.9.9", 0);
	bound("bind-reserved", SOCK_STREAM, "0.0.0.0", 80);

	/* An unbound UDP socket connecting to 127.0.0.1: source and destination. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		printf("connect errno=%d\n", errno);
	} else {
		show("connect-local", fd, 0);
		show("connect-peer", fd, 1);
	}
	if (fd >= 0)
		close(fd);

	/* An unbound TCP socket that listens. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || listen(fd, 1) != 0)
		printf("listen errno=%d\n", errno);
	else
		show("listen", fd, 0);
	if (fd >= 0)
		close(fd);

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	printf("inet6 %s\n", fd < 0 ? (errno == EPROTONOSUPPORT ? "EPROTONOSUPPORT" : "other")
				     : "ok");
	return 0;
}
