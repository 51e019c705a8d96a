/*
 * A raw ICMP socket as ping uses one: an echo request to 127.0.0.1, read back with recvmsg.
 * The datagram read starts with the IP header, ip_len and ip_off in network byte order
 * (the kernel's since FreeBSD 11); the stamp comes in the format SO_TS_CLOCK chose (argv[1]:
 * 0..3), and IP_RECVTTL's message holds the TTL as one byte.  Prints what it checked.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static u_short
cksum(const void *data, int len)
{
	const u_short *w = data;
	u_int sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	if (len)
		sum += *(const u_char *)w;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (~sum & 0xffff);
}

static double
seconds(const struct timespec *ts)
{
	return (ts->tv_sec + ts->tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	int clock = argc > 1 ? atoi(argv[1]) : SO_TS_REALTIME_MICRO;
	int s, on = 1, got_clock = -1, ttl = -1, stamped = 0;
	socklen_t len = sizeof(got_clock);
	struct sockaddr_in to, from;
	char packet[64], buf[512];
	union { struct cmsghdr h; char b[256]; } ctl;
	struct icmp *icp = (struct icmp *)packet;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *c;
	struct timespec now, stamp;
	struct timeval wait = { 10, 0 };
	struct ip *ip;
	ssize_t cc;

	s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	CHECK(s >= 0, "socket: %s", strerror(errno));
	CHECK(setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) == 0, "SO_TIMESTAMP");
	CHECK(setsockopt(s, SOL_SOCKET, SO_TS_CLOCK, &clock, sizeof(clock)) == 0, "SO_TS_CLOCK");
	CHECK(getsockopt(s, SOL_SOCKET, SO_TS_CLOCK, &got_clock, &len) == 0 && got_clock == clock,
	    "SO_TS_CLOCK reads back %d", got_clock);
	on = SO_TS_CLOCK_MAX + 1;
	CHECK(setsockopt(s, SOL_SOCKET, SO_TS_CLOCK, &on, sizeof(on)) == -1 && errno == EINVAL,
	    "an unknown clock: %s", strerror(errno));
	on = 1;
	CHECK(setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)) == 0, "IP_RECVTTL");
	CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) == 0, "SO_RCVTIMEO");

	memset(packet, 0, sizeof(packet));
	icp->icmp_type = ICMP_ECHO;
	icp->icmp_id = htons(getpid() & 0xffff);
	icp->icmp_seq = htons(1);
	icp->icmp_cksum = cksum(packet, sizeof(packet));
	memset(&to, 0, sizeof(to));
	to.sin_len = sizeof(to);
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(sendto(s, packet, sizeof(packet), 0, (struct sockaddr *)&to, sizeof(to)) ==
	    sizeof(packet), "sendto: %s", strerror(errno));

	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = &ctl;
	msg.msg_controllen = sizeof(ctl);
	cc = recvmsg(s, &msg, 0);
	CHECK(cc == sizeof(struct ip) + sizeof(packet), "recvmsg: %zd: %s", cc, strerror(errno));
	ip = (struct ip *)buf;
	printf("ip_v %d ip_hl %d ip_p %d ip_len %s ip_off %#x from %s\n", ip->ip_v, ip->ip_hl,
	    ip->ip_p, ntohs(ip->ip_len) == cc ? "network order" : "other", ntohs(ip->ip_off),
	    inet_ntoa(from.sin_addr));

	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVTTL) {
			CHECK(c->cmsg_len == CMSG_LEN(sizeof(u_char)), "len %u", c->cmsg_len);
			ttl = *(u_char *)CMSG_DATA(c);
			continue;
		}
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		clock_gettime(c->cmsg_type == SCM_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME, &now);
		switch (c->cmsg_type) {
		case SCM_TIMESTAMP: {
			struct timeval tv;
			memcpy(&tv, CMSG_DATA(c), sizeof(tv));
			TIMEVAL_TO_TIMESPEC(&tv, &stamp);
			break;
		}
		case SCM_BINTIME: {
			struct bintime bt;
			memcpy(&bt, CMSG_DATA(c), sizeof(bt));
			bintime2timespec(&bt, &stamp);
			break;
		}
		case SCM_REALTIME:
		case SCM_MONOTONIC:
			memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
			break;
		default:
			printf("unexpected type %d\n", c->cmsg_type);
			continue;
		}
		stamped = c->cmsg_type;
		CHECK(seconds(&now) - seconds(&stamp) >= 0 && seconds(&now) - seconds(&stamp) < 10,
		    "stamp %f, now %f", seconds(&stamp), seconds(&now));
	}
	printf("stamp type %d, ttl %d\n", stamped, ttl);
	DONE();
}
