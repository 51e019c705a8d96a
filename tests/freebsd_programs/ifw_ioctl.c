/* ifw_ioctl COMMAND ARGS: one interface-changing request, as ifconfig makes it, on a datagram
 * socket.  Prints what the request answered ("ok", a new name, the bridge's members) or
 * "error: <errno name>" and exits 1.
 *   create NAME | destroy NAME | cloners | up NAME | down NAME | mtu NAME N | rename NAME NEW
 *   descr NAME TEXT | lladdr NAME xx:xx:xx:xx:xx:xx | addr NAME A/LEN | deladdr NAME A
 *   addr6 NAME A/LEN | deladdr6 NAME A | addm BRIDGE IF | deletem BRIDGE IF | members BRIDGE
 *   vnet NAME JID | rvnet NAME JID */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_bridgevar.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet6/in6_var.h>
#include <netinet6/nd6.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ENXIO: return "ENXIO";
    case EEXIST: return "EEXIST";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    default: return "other";
    }
}

static void done(int r) {
    if (r < 0) {
        printf("error: %s\n", errname(errno));
        exit(1);
    }
}

static void ifreq_named(struct ifreq *ifr, const char *name) {
    memset(ifr, 0, sizeof(*ifr));
    strlcpy(ifr->ifr_name, name, sizeof(ifr->ifr_name));
}

static int flags(int s, const char *name, int up) {
    struct ifreq ifr;
    ifreq_named(&ifr, name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return -1;
    int f = (ifr.ifr_flags & 0xffff) | (ifr.ifr_flagshigh << 16);
    f = up ? f | IFF_UP : f & ~IFF_UP;
    ifr.ifr_flags = f & 0xffff;
    ifr.ifr_flagshigh = f >> 16;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static int drv(int s, const char *bridge, unsigned long cmd, void *arg, size_t len, int set) {
    struct ifdrv ifd;
    memset(&ifd, 0, sizeof(ifd));
    strlcpy(ifd.ifd_name, bridge, sizeof(ifd.ifd_name));
    ifd.ifd_cmd = cmd;
    ifd.ifd_len = len;
    ifd.ifd_data = arg;
    return ioctl(s, set ? SIOCSDRVSPEC : SIOCGDRVSPEC, &ifd);
}

static void sin_of(struct sockaddr_in *sin, const char *text) {
    memset(sin, 0, sizeof(*sin));
    sin->sin_len = sizeof(*sin);
    sin->sin_family = AF_INET;
    if (inet_pton(AF_INET, text, &sin->sin_addr) != 1) {
        printf("bad address %s\n", text);
        exit(2);
    }
}

static void sin6_of(struct sockaddr_in6 *sin6, const char *text) {
    memset(sin6, 0, sizeof(*sin6));
    sin6->sin6_len = sizeof(*sin6);
    sin6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, text, &sin6->sin6_addr) != 1) {
        printf("bad address %s\n", text);
        exit(2);
    }
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    const char *cmd = argv[1], *name = argc > 2 ? argv[2] : "";
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    done(s);
    struct ifreq ifr;
    ifreq_named(&ifr, name);
    if (strcmp(cmd, "create") == 0) {
        done(ioctl(s, SIOCIFCREATE2, &ifr));
        printf("%s\n", ifr.ifr_name);
        return 0;
    } else if (strcmp(cmd, "destroy") == 0) {
        done(ioctl(s, SIOCIFDESTROY, &ifr));
    } else if (strcmp(cmd, "cloners") == 0) {
        struct if_clonereq req = {0};
        done(ioctl(s, SIOCIFGCLONERS, &req));
        char *buf = calloc(req.ifcr_total, IFNAMSIZ);
        req.ifcr_count = req.ifcr_total;
        req.ifcr_buffer = buf;
        done(ioctl(s, SIOCIFGCLONERS, &req));
        for (int i = 0; i < req.ifcr_total; i++)
            printf("%s%s", i ? " " : "", buf + i * IFNAMSIZ);
        printf("\n");
        return 0;
    } else if (strcmp(cmd, "up") == 0 || strcmp(cmd, "down") == 0) {
        done(flags(s, name, strcmp(cmd, "up") == 0));
    } else if (strcmp(cmd, "mtu") == 0) {
        ifr.ifr_mtu = atoi(argv[3]);
        done(ioctl(s, SIOCSIFMTU, &ifr));
    } else if (strcmp(cmd, "rename") == 0) {
        char new[IFNAMSIZ * 2] = {0};
        strncpy(new, argv[3], sizeof(new) - 1);
        ifr.ifr_data = new;
        done(ioctl(s, SIOCSIFNAME, &ifr));
    } else if (strcmp(cmd, "descr") == 0) {
        ifr.ifr_buffer.buffer = argv[3];
        ifr.ifr_buffer.length = strlen(argv[3]) + 1;
        done(ioctl(s, SIOCSIFDESCR, &ifr));
    } else if (strcmp(cmd, "lladdr") == 0) {
        struct ether_addr *ea = ether_aton(argv[3]);
        ifr.ifr_addr.sa_len = ETHER_ADDR_LEN;
        ifr.ifr_addr.sa_family = AF_LINK;
        memcpy(ifr.ifr_addr.sa_data, ea, ETHER_ADDR_LEN);
        done(ioctl(s, SIOCSIFLLADDR, &ifr));
    } else if (strcmp(cmd, "addr") == 0) {
        struct in_aliasreq ifra;
        memset(&ifra, 0, sizeof(ifra));
        strlcpy(ifra.ifra_name, name, sizeof(ifra.ifra_name));
        char *slash = strchr(argv[3], '/');
        int len = slash ? atoi(slash + 1) : 0;
        if (slash)
            *slash = 0;
        sin_of(&ifra.ifra_addr, argv[3]);
        if (slash) {
            ifra.ifra_mask.sin_len = sizeof(ifra.ifra_mask);
            ifra.ifra_mask.sin_family = AF_INET;
            ifra.ifra_mask.sin_addr.s_addr = len ? htonl(~0u << (32 - len)) : 0;
        }
        done(ioctl(s, SIOCAIFADDR, &ifra));
    } else if (strcmp(cmd, "deladdr") == 0) {
        sin_of((struct sockaddr_in *)&ifr.ifr_addr, argv[3]);
        done(ioctl(s, SIOCDIFADDR, &ifr));
    } else if (strcmp(cmd, "addr6") == 0) {
        struct in6_aliasreq ifra;
        memset(&ifra, 0, sizeof(ifra));
        strlcpy(ifra.ifra_name, name, sizeof(ifra.ifra_name));
        char *slash = strchr(argv[3], '/');
        int len = atoi(slash + 1);
        *slash = 0;
        sin6_of(&ifra.ifra_addr, argv[3]);
        ifra.ifra_prefixmask.sin6_len = sizeof(struct sockaddr_in6);
        ifra.ifra_prefixmask.sin6_family = AF_INET6;
        for (int i = 0; i < len; i++)
            ifra.ifra_prefixmask.sin6_addr.s6_addr[i / 8] |= 0x80 >> (i % 8);
        ifra.ifra_lifetime.ia6t_vltime = ND6_INFINITE_LIFETIME;
        ifra.ifra_lifetime.ia6t_pltime = ND6_INFINITE_LIFETIME;
        done(ioctl(s, SIOCAIFADDR_IN6, &ifra));
    } else if (strcmp(cmd, "deladdr6") == 0) {
        int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
        struct in6_ifreq ifr6;
        memset(&ifr6, 0, sizeof(ifr6));
        strlcpy(ifr6.ifr_name, name, sizeof(ifr6.ifr_name));
        sin6_of(&ifr6.ifr_addr, argv[3]);
        done(ioctl(s6, SIOCDIFADDR_IN6, &ifr6));
    } else if (strcmp(cmd, "addm") == 0 || strcmp(cmd, "deletem") == 0) {
        struct ifbreq req;
        memset(&req, 0, sizeof(req));
        strlcpy(req.ifbr_ifsname, argv[3], sizeof(req.ifbr_ifsname));
        done(drv(s, name, strcmp(cmd, "addm") == 0 ? BRDGADD : BRDGDEL, &req, sizeof(req), 1));
    } else if (strcmp(cmd, "members") == 0) {
        struct ifbifconf bifc = {0};
        done(drv(s, name, BRDGGIFS, &bifc, sizeof(bifc), 0));
        size_t len = bifc.ifbic_len;
        struct ifbreq *reqs = calloc(1, len + 1);
        bifc.ifbic_len = len;
        bifc.ifbic_req = reqs;
        done(drv(s, name, BRDGGIFS, &bifc, sizeof(bifc), 0));
        for (size_t i = 0; i < bifc.ifbic_len / sizeof(*reqs); i++)
            printf("member: %s flags=%x\n", reqs[i].ifbr_ifsname, reqs[i].ifbr_ifsflags);
        return 0;
    } else if (strcmp(cmd, "vnet") == 0 || strcmp(cmd, "rvnet") == 0) {
        ifr.ifr_jid = atoi(argv[3]);
        done(ioctl(s, strcmp(cmd, "vnet") == 0 ? SIOCSIFVNET : SIOCSIFRVNET, &ifr));
    } else {
        printf("unknown command %s\n", cmd);
        return 2;
    }
    printf("ok\n");
    return 0;
}
