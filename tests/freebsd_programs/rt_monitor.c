/* rt_monitor ADDRESS: open a routing socket as route monitor does, say "ready", and print the
 * first RTM_NEWADDR for ADDRESS (its interface and netmask), then every RTM_ADD up to the first
 * network (not host) route. */
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ROUNDUP(n) ((n) > 0 ? (1 + (((n) - 1) | (sizeof(long) - 1))) : sizeof(long))

static void text(const struct sockaddr *sa, char *out, size_t size) {
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, size);
    else if (sa->sa_family == AF_LINK) {
        const struct sockaddr_dl *sdl = (const struct sockaddr_dl *)sa;
        snprintf(out, size, "%.*s", sdl->sdl_nlen, sdl->sdl_data);
    } else
        snprintf(out, size, "af%d", sa->sa_family);
}

/* The sockaddrs after a header of hdrlen bytes, by RTAX_ index. */
static void addrs(char *msg, size_t hdrlen, int bits, char out[RTAX_MAX][64]) {
    char *sa = msg + hdrlen;
    for (int i = 0; i < RTAX_MAX; i++) {
        out[i][0] = '\0';
        if (!(bits & (1 << i)))
            continue;
        text((struct sockaddr *)sa, out[i], 64);
        sa += ROUNDUP(((struct sockaddr *)sa)->sa_len);
    }
}

int main(int argc, char **argv) {
    int s = socket(PF_ROUTE, SOCK_RAW, 0);
    if (s < 0 || argc != 2) {
        perror("socket");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    char buf[2048], a[RTAX_MAX][64];
    int seen = 0;
    ssize_t n;
    while ((n = read(s, buf, sizeof(buf))) > 0) {
        struct rt_msghdr *rtm = (struct rt_msghdr *)buf;
        if (rtm->rtm_version != RTM_VERSION || rtm->rtm_msglen != n) {
            printf("bad message version=%d len=%d read=%zd\n", rtm->rtm_version,
                   rtm->rtm_msglen, n);
            return 1;
        }
        if (rtm->rtm_type == RTM_NEWADDR) {
            struct ifa_msghdr *ifam = (struct ifa_msghdr *)buf;
            addrs(buf, sizeof(*ifam), ifam->ifam_addrs, a);
            if (strcmp(a[RTAX_IFA], argv[1]) != 0)
                continue;
            printf("newaddr %s netmask %s ifp %s\n", a[RTAX_IFA], a[RTAX_NETMASK], a[RTAX_IFP]);
            seen = 1;
        } else if (rtm->rtm_type == RTM_ADD && seen) {
            addrs(buf, sizeof(*rtm), rtm->rtm_addrs, a);
            printf("add %s netmask %s\n", a[RTAX_DST], a[RTAX_NETMASK][0] ? a[RTAX_NETMASK] : "-");
            if (!(rtm->rtm_flags & RTF_HOST))
                return 0;
        }
    }
    return 1;
}
