/* Lists net.inet.<proto>.pcblist the way FreeBSD 12+'s netstat reads it (struct xinpgen, then
 * struct xtcpcb or xinpcb records walked by their length, then a closing xinpgen):
 * one line per socket: "proto family laddr.lport faddr.fport state qlen/qlimit".
 * Usage: pcb_list tcp|udp */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/sysctl.h>
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_var.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *states[] = {"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
    "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2", "TIME_WAIT"};

static void endpoint(const struct xinpcb *inp, int local, char *out, size_t len) {
    char addr[INET6_ADDRSTRLEN];
    const struct in_endpoints *ie = &inp->inp_inc.inc_ie;
    if (inp->inp_vflag & INP_IPV6)
        inet_ntop(AF_INET6, local ? &ie->ie6_laddr : &ie->ie6_faddr, addr, sizeof addr);
    else
        inet_ntop(AF_INET, local ? &ie->ie_laddr : &ie->ie_faddr, addr, sizeof addr);
    snprintf(out, len, "%s.%u", addr, ntohs(local ? ie->ie_lport : ie->ie_fport));
}

int main(int argc, char **argv) {
    char name[64], local[80], foreign[80];
    size_t len = 0;
    int tcp = argc > 1 && strcmp(argv[1], "tcp") == 0;
    snprintf(name, sizeof name, "net.inet.%s.pcblist", argc > 1 ? argv[1] : "tcp");
    if (sysctlbyname(name, NULL, &len, NULL, 0) != 0) { perror(name); return 1; }
    char *buf = malloc(len);
    if (buf == NULL || sysctlbyname(name, buf, &len, NULL, 0) != 0) { perror(name); return 1; }
    struct xinpgen *first = (struct xinpgen *)buf, *xig;
    if (first->xig_len != sizeof(struct xinpgen)) { fprintf(stderr, "xinpgen size\n"); return 1; }
    unsigned count = 0;
    for (xig = (struct xinpgen *)(buf + first->xig_len); xig->xig_len > sizeof(struct xinpgen);
         xig = (struct xinpgen *)((char *)xig + xig->xig_len)) {
        const struct xinpcb *inp = tcp ? &((struct xtcpcb *)xig)->xt_inp : (struct xinpcb *)xig;
        if (xig->xig_len != (tcp ? sizeof(struct xtcpcb) : sizeof(struct xinpcb))) {
            fprintf(stderr, "record size %zu\n", (size_t)xig->xig_len); return 1;
        }
        if (inp->inp_gencnt > first->xig_gen) { fprintf(stderr, "gencnt\n"); return 1; }
        endpoint(inp, 1, local, sizeof local);
        endpoint(inp, 0, foreign, sizeof foreign);
        int state = tcp ? ((struct xtcpcb *)xig)->t_state : -1;
        printf("%d %d %s %s %s %u/%u %s\n", inp->xi_socket.xso_protocol,
            inp->xi_socket.xso_family, local, foreign,
            state >= 0 && state <= TCPS_TIME_WAIT ? states[state] : "-",
            inp->xi_socket.so_qlen, inp->xi_socket.so_qlimit,
            tcp ? ((struct xtcpcb *)xig)->xt_stack : "-");
        count++;
    }
    if (xig->xig_count != first->xig_count || count != first->xig_count) {
        fprintf(stderr, "count %u, header %u, trailer %u\n", count, first->xig_count, xig->xig_count);
        return 1;
    }
    return 0;
}
