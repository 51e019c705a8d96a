"""Sockets end to end: a FreeBSD program using AF_UNIX, AF_INET, options and SCM_RIGHTS."""

import pytest

pytestmark = pytest.mark.e2e

PROGRAM = r"""
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    /* SCM_RIGHTS over a socketpair */
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) { perror("socketpair"); return 1; }
    int p[2]; pipe(p);
    char byte = 'x';
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct msghdr m = { 0 };
    m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.buf; m.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[1], sizeof(int));
    printf("sendmsg=%zd\n", sendmsg(sv[0], &m, 0));
    struct msghdr r = { 0 };
    char got; struct iovec riov = { &got, 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ru;
    r.msg_iov = &riov; r.msg_iovlen = 1; r.msg_control = ru.buf; r.msg_controllen = sizeof ru.buf;
    printf("recvmsg=%zd byte=%c\n", recvmsg(sv[1], &r, 0), got);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&r);
    int passed = -1;
    if (rc && rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_RIGHTS) memcpy(&passed, CMSG_DATA(rc), sizeof(int));
    printf("passed-fd-works=%d\n", passed >= 0 && write(passed, "ok", 2) == 2);
    char two[3] = {0}; read(p[0], two, 2); printf("through-pipe=%s\n", two);

    /* AF_INET TCP on loopback with an ephemeral port */
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    printf("reuseaddr=%d\n", setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = { .sin_len = sizeof a, .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    printf("bind=%d listen=%d\n", bind(ls, (struct sockaddr *)&a, sizeof a), listen(ls, 1));
    socklen_t alen = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &alen);
    printf("getsockname len=%u family=%d salen=%d port-set=%d\n", alen, a.sin_family, a.sin_len, a.sin_port != 0);
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    printf("connect=%d\n", connect(cs, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in peer; socklen_t plen = sizeof peer;
    int as = accept(ls, (struct sockaddr *)&peer, &plen);
    printf("accept ok=%d peer=%s\n", as >= 0, inet_ntoa(peer.sin_addr));
    int type; socklen_t tl = sizeof type;
    getsockopt(as, SOL_SOCKET, SO_TYPE, &type, &tl);
    printf("so_type=%d\n", type);
    write(cs, "hello", 5); char buf[6] = {0}; read(as, buf, 5); printf("tcp=%s\n", buf);

    /* AF_INET6 family number and AF_UNIX paths */
    int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    printf("inet6=%d\n", s6 >= 0);
    int us = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    snprintf(un.sun_path, sizeof un.sun_path, "%s", argv[1]);
    printf("unix-bind=%d\n", bind(us, (struct sockaddr *)&un, SUN_LEN(&un)));
    int uc = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("unix-sendto=%zd\n", sendto(uc, "dgram", 5, 0, (struct sockaddr *)&un, SUN_LEN(&un)));
    char d[8] = {0};
    printf("unix-recv=%zd %s\n", recvfrom(us, d, sizeof d, 0, NULL, NULL), d);
    printf("bad-family=%d errno=%d\n", socket(12345, SOCK_STREAM, 0), errno);
    return 0;
}
"""


@pytest.mark.syscalls("sendmsg", "socketpair")
def test_sockets(bsd, freebsd_cc, tmp_path):
    prog = freebsd_cc(PROGRAM, "sockets")
    r = bsd(prog, tmp_path / "sock")
    out = r.stdout.decode()
    assert r.returncode == 0, (out, r.stderr)
    assert out.splitlines() == [
        "sendmsg=1",
        "recvmsg=1 byte=x",
        "passed-fd-works=1",
        "through-pipe=ok",
        "reuseaddr=0",
        "bind=0 listen=0",
        "getsockname len=16 family=2 salen=16 port-set=1",
        "connect=0",
        "accept ok=1 peer=127.0.0.1",
        "so_type=1",
        "tcp=hello",
        "inet6=1",
        "unix-bind=0",
        "unix-sendto=5",
        "unix-recv=5 dgram",
        "bad-family=-1 errno=47",
    ]
