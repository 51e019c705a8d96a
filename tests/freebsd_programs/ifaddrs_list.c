/* getifaddrs(3): one line per entry, "name family address netmask", family link/inet/inet6;
 * link entries show the hardware address (empty when none) and no netmask. */
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>

static const char *text(const struct sockaddr *sa, char *buf, size_t size) {
	if (sa == NULL)
		return "-";
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, size);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, size);
	if (sa->sa_family == AF_LINK) {
		const struct sockaddr_dl *sdl = (const struct sockaddr_dl *)sa;
		const unsigned char *mac = (const unsigned char *)LLADDR(sdl);
		size_t off = 0;
		buf[0] = '\0';
		for (int i = 0; i < sdl->sdl_alen && off + 4 < size; i++)
			off += snprintf(buf + off, size - off, i ? ":%02x" : "%02x", mac[i]);
		return buf;
	}
	return "?";
}

int main(void) {
	struct ifaddrs *list, *ifa;
	char a[INET6_ADDRSTRLEN + 64], m[INET6_ADDRSTRLEN + 64];
	if (getifaddrs(&list) != 0) {
		perror("getifaddrs");
		return 1;
	}
	for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
		int af = ifa->ifa_addr ? ifa->ifa_addr->sa_family : -1;
		const char *family = af == AF_LINK ? "link" : af == AF_INET ? "inet" : af == AF_INET6 ? "inet6" : "other";
		printf("%s %s %s %s\n", ifa->ifa_name, family, text(ifa->ifa_addr, a, sizeof(a)),
		    text(ifa->ifa_netmask, m, sizeof(m)));
	}
	freeifaddrs(list);
	return 0;
}
