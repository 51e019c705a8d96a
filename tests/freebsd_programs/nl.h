/* What FreeBSD 14's ifconfig, route and netstat do through snl, the header-only netlink
 * library: open a NETLINK_ROUTE socket, send requests, parse the replies. */
#include <sys/types.h>
#include <sys/socket.h>
#include <net/route.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netlink/netlink.h>
#include <netlink/netlink_route.h>
#include <netlink/netlink_snl.h>
#include <netlink/netlink_snl_route.h>
#include <netlink/netlink_snl_route_parsers.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct snl_state ss;

static void nl_open(void) {
    if (!snl_init(&ss, NETLINK_ROUTE)) {
        printf("snl_init failed: %s\n", strerror(errno));
        exit(1);
    }
}

static inline const char *sa_text(const struct sockaddr *sa, char *buf, size_t len) {
    if (sa == NULL)
        return "-";
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, len);
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, len);
    snprintf(buf, len, "family%d", sa->sa_family);
    return buf;
}

/* "ADDR/LEN" → family, address bytes (4 or 16) and prefix length. */
static inline int parse_prefix(const char *text, unsigned char *addr, int *plen) {
    char copy[64];
    snprintf(copy, sizeof(copy), "%s", text);
    char *slash = strchr(copy, '/');
    int family = strchr(copy, ':') ? AF_INET6 : AF_INET;
    if (slash)
        *slash = '\0';
    *plen = slash ? atoi(slash + 1) : (family == AF_INET ? 32 : 128);
    if (inet_pton(family, copy, addr) != 1) {
        printf("bad address %s\n", text);
        exit(2);
    }
    return family;
}

static inline void report(const char *what, const struct snl_errmsg_data *e) {
    if (e->error == 0)
        printf("%s ok\n", what);
    else
        printf("%s error %d %s%s%s\n", what, e->error, strerror(e->error),
            e->error_str ? ": " : "", e->error_str ? e->error_str : "");
}
