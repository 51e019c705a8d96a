/* nl_change addaddr|deladdr IFNAME ADDR/LEN, addroute|delroute DST/LEN GW, get ADDR:
 * the netlink requests of ifconfig's address changes and of route add/delete/get. */
#include "nl.h"

/* The index of interface `name`, found by a link dump as ifconfig's netlink path does. */
static uint32_t link_index(const char *name) {
    struct snl_writer nw;
    struct snl_errmsg_data e = {};
    uint32_t index = 0;
    snl_init_writer(&ss, &nw);
    struct nlmsghdr *hdr = snl_create_msg_request(&nw, RTM_GETLINK);
    hdr->nlmsg_flags |= NLM_F_DUMP;
    snl_reserve_msg_object(&nw, struct ifinfomsg);
    hdr = snl_finalize_msg(&nw);
    snl_send_message(&ss, hdr);
    uint32_t seq = hdr->nlmsg_seq;
    while ((hdr = snl_read_reply_multi(&ss, seq, &e)) != NULL) {
        struct snl_parsed_link_simple l = {};
        if (snl_parse_nlmsg(&ss, hdr, &snl_rtm_link_parser_simple, &l) &&
            strcmp(l.ifla_ifname, name) == 0)
            index = l.ifi_index;
    }
    return index;
}

static void address(int type, const char *ifname, const char *prefix) {
    unsigned char addr[16];
    int plen;
    int family = parse_prefix(prefix, addr, &plen);
    uint32_t index = link_index(ifname);
    if (index == 0) {
        printf("no interface %s\n", ifname);
        exit(1);
    }
    struct snl_writer nw;
    snl_init_writer(&ss, &nw);
    struct nlmsghdr *hdr = snl_create_msg_request(&nw, type);
    if (type == RTM_NEWADDR)
        hdr->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
    struct ifaddrmsg *ifa = snl_reserve_msg_object(&nw, struct ifaddrmsg);
    ifa->ifa_family = family;
    ifa->ifa_prefixlen = plen;
    ifa->ifa_index = index;
    int len = family == AF_INET ? 4 : 16;
    snl_add_msg_attr(&nw, IFA_LOCAL, len, addr);
    snl_add_msg_attr(&nw, IFA_ADDRESS, len, addr);
    int nested = snl_add_msg_attr_nested(&nw, IFA_FREEBSD);
    snl_add_msg_attr_u32(&nw, IFAF_FLAGS, 0);
    snl_end_attr_nested(&nw, nested);
    hdr = snl_finalize_msg(&nw);
    struct snl_errmsg_data e = {};
    if (!snl_send_message(&ss, hdr))
        e.error = errno;
    else
        snl_read_reply_code(&ss, hdr->nlmsg_seq, &e);
    report(type == RTM_NEWADDR ? "addaddr" : "deladdr", &e);
}

static void route(int type, const char *prefix, const char *gateway) {
    unsigned char dst[16], gw[16];
    int plen, glen;
    int family = parse_prefix(prefix, dst, &plen);
    int len = family == AF_INET ? 4 : 16;
    struct snl_writer nw;
    snl_init_writer(&ss, &nw);
    struct nlmsghdr *hdr = snl_create_msg_request(&nw, type);
    if (type == RTM_NEWROUTE)
        hdr->nlmsg_flags |= NLM_F_CREATE | NLM_F_APPEND; /* as route add does */
    struct rtmsg *rtm = snl_reserve_msg_object(&nw, struct rtmsg);
    rtm->rtm_family = family;
    rtm->rtm_dst_len = plen;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_STATIC;
    rtm->rtm_type = RTN_UNICAST;
    snl_add_msg_attr(&nw, RTA_DST, len, dst);
    if (gateway) {
        parse_prefix(gateway, gw, &glen);
        snl_add_msg_attr(&nw, RTA_GATEWAY, len, gw);
    }
    snl_add_msg_attr_u32(&nw, NL_RTA_RTFLAGS, RTF_STATIC | (gateway ? RTF_GATEWAY : 0));
    snl_add_msg_attr_u32(&nw, NL_RTA_WEIGHT, 1);
    hdr = snl_finalize_msg(&nw);
    struct snl_errmsg_data e = {};
    if (!snl_send_message(&ss, hdr))
        e.error = errno;
    else
        snl_read_reply_code(&ss, hdr->nlmsg_seq, &e);
    report(type == RTM_NEWROUTE ? "addroute" : "delroute", &e);
}

/* route -n get ADDR: the routing entry that carries ADDR; with /LEN ("default" is 0.0.0.0/0)
 * the entry for exactly that prefix, as route(8) asks for it when it has a mask. */
static void get(const char *text) {
    unsigned char dst[16];
    int plen;
    char a[64], b[64];
    int family = parse_prefix(strcmp(text, "default") ? text : "0.0.0.0/0", dst, &plen);
    struct snl_writer nw;
    snl_init_writer(&ss, &nw);
    struct nlmsghdr *hdr = snl_create_msg_request(&nw, RTM_GETROUTE);
    struct rtmsg *rtm = snl_reserve_msg_object(&nw, struct rtmsg);
    rtm->rtm_family = family;
    rtm->rtm_dst_len = plen;
    rtm->rtm_protocol = RTPROT_STATIC;
    rtm->rtm_type = RTN_UNICAST;
    if (strchr(text, '/') || strcmp(text, "default") == 0)
        rtm->rtm_flags = RTM_F_PREFIX;
    snl_add_msg_attr(&nw, RTA_DST, family == AF_INET ? 4 : 16, dst);
    snl_add_msg_attr_u32(&nw, RTA_TABLE, 0);
    hdr = snl_finalize_msg(&nw);
    snl_send_message(&ss, hdr);
    struct snl_errmsg_data e = {};
    struct nlmsghdr *reply = snl_read_reply_multi(&ss, hdr->nlmsg_seq, &e);
    struct snl_parsed_route r = {};
    if (reply != NULL && snl_parse_nlmsg(&ss, reply, &snl_rtm_route_parser, &r))
        printf("route dst=%s/%u gw=%s flags=%#x\n", sa_text(r.rta_dst, a, sizeof(a)),
            r.rtm_dst_len, sa_text(r.rta_gw, b, sizeof(b)), r.rta_rtflags);
    else
        report("get", &e);
}

int main(int argc, char **argv) {
    nl_open();
    if (argc == 4 && strcmp(argv[1], "addaddr") == 0)
        address(RTM_NEWADDR, argv[2], argv[3]);
    else if (argc == 4 && strcmp(argv[1], "deladdr") == 0)
        address(RTM_DELADDR, argv[2], argv[3]);
    else if (argc >= 3 && strcmp(argv[1], "addroute") == 0)
        route(RTM_NEWROUTE, argv[2], argc > 3 ? argv[3] : NULL);
    else if (argc >= 3 && strcmp(argv[1], "delroute") == 0)
        route(RTM_DELROUTE, argv[2], argc > 3 ? argv[3] : NULL);
    else if (argc == 3 && strcmp(argv[1], "get") == 0)
        get(argv[2]);
    else
        return 2;
    return 0;
}
