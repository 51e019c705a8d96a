/* nl_socket: the socket side snl relies on — options, addresses, buffer size — and the
 * module check the 14.x tools make; one line per fact. */
#include <sys/param.h>
#include <sys/linker.h>
#include <sys/module.h>
#include "nl.h"
#include <unistd.h>

static void option(const char *name, int opt) {
    int one = 1;
    if (setsockopt(ss.fd, SOL_NETLINK, opt, &one, sizeof(one)) == 0)
        printf("setsockopt %s ok\n", name);
    else
        printf("setsockopt %s error %d\n", name, errno);
}

int main(void) {
    nl_open();
    printf("snl_init ok bufsize=%s\n", ss.bufsize > 0 ? "positive" : "zero");
    option("NETLINK_EXT_ACK", NETLINK_EXT_ACK);
    option("NETLINK_CAP_ACK", NETLINK_CAP_ACK);
    option("NETLINK_GET_STRICT_CHK", NETLINK_GET_STRICT_CHK);
    option("NETLINK_MSG_INFO", NETLINK_MSG_INFO);
    option("NETLINK_PKTINFO", NETLINK_PKTINFO);
    option("NETLINK_NO_ENOBUFS", NETLINK_NO_ENOBUFS);

    struct sockaddr_nl snl = {.nl_len = sizeof(snl), .nl_family = AF_NETLINK};
    if (bind(ss.fd, (struct sockaddr *)&snl, sizeof(snl)) != 0)
        printf("bind error %d\n", errno);
    struct sockaddr_nl got = {};
    socklen_t len = sizeof(got);
    if (getsockname(ss.fd, (struct sockaddr *)&got, &len) == 0)
        printf("getsockname len=%u nl_len=%u family=%u pid_is_set=%d\n", len, got.nl_len,
            got.nl_family, got.nl_pid != 0);
    else
        printf("getsockname error %d\n", errno);

    /* The size probe some netlink code makes before it reads: the datagram stays queued. */
    struct {
        struct nlmsghdr hdr;
        struct ifinfomsg ifi;
    } req = {.hdr = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
        .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1}};
    send(ss.fd, &req, sizeof(req), 0);
    ssize_t probe = recv(ss.fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
    ssize_t read = recv(ss.fd, ss.buf, ss.bufsize, 0);
    struct nlmsghdr *first = (struct nlmsghdr *)(void *)ss.buf;
    printf("probe %s, then %s\n", probe > 0 ? "positive" : strerror(errno),
        read > 0 && first->nlmsg_type == RTM_NEWLINK ? "RTM_NEWLINK" : "nothing");

    printf("modfind netlink %s\n", modfind("netlink") > 0 ? "found" : strerror(errno));
    printf("modfind nosuch %s\n", modfind("nosuch") > 0 ? "found" : strerror(errno));
    printf("kldfind kernel %d\n", kldfind("kernel"));
    printf("kldfind netlink %s\n", kldfind("netlink") > 0 ? "found" : strerror(errno));
    return 0;
}
