/* nl_dump links|addrs|routes: a netlink dump as ifconfig -a and netstat -rn make it. */
#include "nl.h"

static struct nlmsghdr *dump_request(int type, size_t body) {
    struct snl_writer nw;
    snl_init_writer(&ss, &nw);
    struct nlmsghdr *hdr = snl_create_msg_request(&nw, type);
    hdr->nlmsg_flags |= NLM_F_DUMP;
    snl_reserve_msg_data_raw(&nw, body);
    hdr = snl_finalize_msg(&nw);
    if (hdr == NULL || !snl_send_message(&ss, hdr)) {
        printf("send failed: %s\n", strerror(errno));
        exit(1);
    }
    return hdr;
}

int main(int argc, char **argv) {
    struct snl_errmsg_data e = {};
    char a[64], b[64];
    nl_open();
    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "links") == 0) {
        struct nlmsghdr *hdr = dump_request(RTM_GETLINK, sizeof(struct ifinfomsg));
        uint32_t seq = hdr->nlmsg_seq;
        while ((hdr = snl_read_reply_multi(&ss, seq, &e)) != NULL) {
            struct snl_parsed_link l = {};
            if (!snl_parse_nlmsg(&ss, hdr, &snl_rtm_link_parser, &l))
                continue;
            printf("link index=%u name=%s type=%u flags=%#x mtu=%u\n", l.ifi_index,
                l.ifla_ifname, l.ifi_type, l.ifi_flags, l.ifla_mtu);
        }
    } else if (strcmp(argv[1], "addrs") == 0) {
        struct nlmsghdr *hdr = dump_request(RTM_GETADDR, sizeof(struct ifaddrmsg));
        uint32_t seq = hdr->nlmsg_seq;
        while ((hdr = snl_read_reply_multi(&ss, seq, &e)) != NULL) {
            struct snl_parsed_addr ad = {};
            if (!snl_parse_nlmsg(&ss, hdr, &snl_rtm_addr_parser, &ad))
                continue;
            printf("addr index=%u family=%u local=%s address=%s prefixlen=%u label=%s\n",
                ad.ifa_index, ad.ifa_family, sa_text(ad.ifa_local, a, sizeof(a)),
                sa_text(ad.ifa_address, b, sizeof(b)), ad.ifa_prefixlen,
                ad.ifa_label ? ad.ifa_label : "-");
        }
    } else if (strcmp(argv[1], "routes") == 0) {
        struct nlmsghdr *hdr = dump_request(RTM_GETROUTE, sizeof(struct rtmsg));
        uint32_t seq = hdr->nlmsg_seq;
        while ((hdr = snl_read_reply_multi(&ss, seq, &e)) != NULL) {
            struct snl_parsed_route r = {};
            if (!snl_parse_nlmsg(&ss, hdr, &snl_rtm_route_parser, &r))
                continue;
            printf("route family=%u dst=%s/%u gw=%s oif=%u flags=%#x table=%u\n",
                r.rtm_family, sa_text(r.rta_dst, a, sizeof(a)), r.rtm_dst_len,
                sa_text(r.rta_gw, b, sizeof(b)), r.rta_oif, r.rta_rtflags, r.rta_table);
        }
    } else
        return 2;
    report("dump", &e);
    return e.error != 0;
}
