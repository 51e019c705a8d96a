/* nl_monitor ADDRESS: join the interface address groups as route monitor does, say "ready",
 * and print the first RTM_NEWADDR notification for ADDRESS. */
#include "nl.h"

int main(int argc, char **argv) {
    char a[64];
    nl_open();
    int groups[] = {RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR};
    for (size_t i = 0; i < nitems(groups); i++)
        if (setsockopt(ss.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(int)) != 0) {
            printf("join error %d\n", errno);
            return 1;
        }
    printf("ready\n");
    fflush(stdout);
    struct nlmsghdr *hdr;
    while (argc == 2 && (hdr = snl_read_message(&ss)) != NULL) {
        struct snl_parsed_addr ad = {};
        if (hdr->nlmsg_type != RTM_NEWADDR || !snl_parse_nlmsg(&ss, hdr, &snl_rtm_addr_parser, &ad))
            continue;
        if (strcmp(sa_text(ad.ifa_local, a, sizeof(a)), argv[1]) == 0) {
            printf("newaddr family=%u local=%s prefixlen=%u\n", ad.ifa_family, a, ad.ifa_prefixlen);
            return 0;
        }
    }
    return 1;
}
