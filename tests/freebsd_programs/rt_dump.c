/* rt_dump [FLAGS]: the caller's IPv4 routes through sysctl net.route.0.AF_INET.NET_RT_DUMP (or
 * NET_RT_FLAGS with FLAGS), one line each: route DST mask=MASK gw=GATEWAY flags=0x.. index=N. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDUP(n) ((n) > 0 ? (1 + (((n) - 1) | (sizeof(long) - 1))) : sizeof(long))

static void text(const struct sockaddr *sa, char *out, size_t size) {
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, size);
    else if (sa->sa_family == AF_LINK)
        snprintf(out, size, "link#%d", ((const struct sockaddr_dl *)sa)->sdl_index);
    else
        snprintf(out, size, "af%d", sa->sa_family);
}

int main(int argc, char **argv) {
    int mib[6] = {CTL_NET, PF_ROUTE, 0, AF_INET, argc > 1 ? NET_RT_FLAGS : NET_RT_DUMP,
                  argc > 1 ? (int)strtol(argv[1], NULL, 0) : 0};
    size_t len = 0;
    if (sysctl(mib, 6, NULL, &len, NULL, 0) != 0) {
        perror("sysctl size");
        return 1;
    }
    char *buf = malloc(len + 1);
    if (sysctl(mib, 6, buf, &len, NULL, 0) != 0) {
        perror("sysctl");
        return 1;
    }
    for (char *p = buf; p < buf + len;) {
        struct rt_msghdr *rtm = (struct rt_msghdr *)p;
        if (rtm->rtm_version != RTM_VERSION || rtm->rtm_type != RTM_GET) {
            printf("bad message version=%d type=%d\n", rtm->rtm_version, rtm->rtm_type);
            return 1;
        }
        char addr[RTAX_MAX][64] = {{0}};
        char *sa = (char *)(rtm + 1);
        for (int i = 0; i < RTAX_MAX; i++) {
            if (!(rtm->rtm_addrs & (1 << i)))
                continue;
            text((struct sockaddr *)sa, addr[i], sizeof(addr[i]));
            sa += ROUNDUP(((struct sockaddr *)sa)->sa_len);
        }
        if (sa != p + rtm->rtm_msglen) {
            printf("bad length %d\n", rtm->rtm_msglen);
            return 1;
        }
        printf("route %s mask=%s gw=%s flags=%#x index=%d\n", addr[RTAX_DST],
               addr[RTAX_NETMASK][0] ? addr[RTAX_NETMASK] : "-", addr[RTAX_GATEWAY],
               rtm->rtm_flags, rtm->rtm_index);
        p += rtm->rtm_msglen;
    }
    return 0;
}
