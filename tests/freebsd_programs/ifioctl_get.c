/* SIOCGIFFLAGS and SIOCGIFMTU by interface name on an AF_INET, an AF_INET6 and an AF_LOCAL socket,
 * then on a file that is no socket: one line each, "flags=<hex> mtu=<n>" or "errno=<n>". */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static void ask(int s, const char *name) {
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		printf("%s errno=%d\n", name, errno);
		return;
	}
	int flags = (ifr.ifr_flags & 0xffff) | (ifr.ifr_flagshigh << 16);
	if (ioctl(s, SIOCGIFMTU, &ifr) < 0) {
		printf("%s errno=%d\n", name, errno);
		return;
	}
	printf("%s flags=%x mtu=%d\n", name, flags, ifr.ifr_mtu);
}

int main(int argc, char **argv) {
	int domains[] = {AF_INET, AF_INET6, AF_LOCAL};
	for (int i = 0; i < 3; i++) {
		int s = socket(domains[i], SOCK_DGRAM, 0);
		for (int a = 1; a < argc; a++)
			ask(s, argv[a]);
	}
	ask(open("/", O_RDONLY), argv[1]);
	return 0;
}
