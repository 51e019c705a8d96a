/* IPv6 in a jail limited to one IPv6 address (argv[1]): bind to :: and ::1 take the jail's
 * address, another address is refused, and a sticky IPV6_PKTINFO source must be the jail's.
 * Prints "<case> <address or errno=N>". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void bound(const char *what, const char *addr)
{
	struct sockaddr_in6 sin6;
	socklen_t len = sizeof(sin6);
	char buf[INET6_ADDRSTRLEN];
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_len = sizeof(sin6);
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin6, &len) != 0)
		printf("%s errno=%d\n", what, errno);
	else
		printf("%s %s\n", what, inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof(buf)));
	if (fd >= 0)
		close(fd);
}

static void pktinfo(const char *what, const char *addr)
{
	struct in6_pktinfo pi;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	memset(&pi, 0, sizeof(pi));
	inet_pton(AF_INET6, addr, &pi.ipi6_addr);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi)) != 0)
		printf("%s errno=%d\n", what, errno);
	else
		printf("%s ok\n", what);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	bound("bind-any", "::");
	bound("bind-loopback", "::1");
	bound("bind-other", "fd00::99");
	pktinfo("pktinfo-jail", argv[1]);
	pktinfo("pktinfo-other", "::1");
	return 0;
}
