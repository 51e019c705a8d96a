"""poll, getpriority, chflags, getrandom, cpuset and getdtablesize from a FreeBSD program."""

import pytest

pytestmark = pytest.mark.e2e

PROGRAM = r"""
#include <sys/types.h>
#include <sys/cpuset.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int p[2]; pipe(p);
    struct pollfd f[2] = { { p[0], POLLIN | POLLRDNORM, 0 }, { p[1], POLLOUT | POLLWRNORM, 0 } };
    printf("poll=%d in=%#x out=%#x\n", poll(f, 2, 0), f[0].revents, f[1].revents);
    write(p[1], "x", 1);
    printf("poll=%d in=%#x events-kept=%#x\n", poll(f, 1, 0), f[0].revents, f[0].events);
    close(p[1]);
    char c; read(p[0], &c, 1);
    printf("poll-hup=%d hup=%d\n", poll(f, 1, 1000), (f[0].revents & POLLHUP) != 0);
    setpriority(PRIO_PROCESS, 0, 5);
    errno = 0;
    printf("nice=%d errno=%d\n", getpriority(PRIO_PROCESS, 0), errno);
    printf("chflags0=%d\n", chflags(argv[1], 0));
    printf("chflags-unknown=%d errno=%d\n", chflags(argv[1], 0x80000000UL), errno);
    char buf[16];
    printf("getrandom=%zd\n", getrandom(buf, sizeof buf, 0));
    cpuset_t set; CPU_ZERO(&set);
    printf("getaffinity=%d cpus>0=%d\n", cpuset_getaffinity(CPU_LEVEL_WHICH, CPU_WHICH_PID, -1, sizeof set, &set),
           CPU_COUNT(&set) > 0);
    struct rlimit rl; getrlimit(RLIMIT_NOFILE, &rl);
    printf("dtablesize-matches=%d\n", getdtablesize() == (int)rl.rlim_cur);
    return 0;
}
"""


def _run_lines(bsd, freebsd_cc, source: str, name: str, *args) -> list[str]:
    """Build the FreeBSD program, run it under bsdulator: its output lines (it must succeed,
    and bsdulator must report no bug of its own)."""
    r = bsd(freebsd_cc(source, name), *args)
    assert r.returncode == 0 and b"internal error" not in r.stderr, r.stderr
    return r.stdout.decode().splitlines()


@pytest.mark.syscalls("chflags", "getpriority", "getrandom", "setpriority")
def test_misc_calls(bsd, freebsd_cc, tmp_path):
    target = tmp_path / "file"
    target.write_text("")
    assert _run_lines(bsd, freebsd_cc, PROGRAM, "misc", target) == [
        "poll=1 in=0 out=0x4",
        "poll=1 in=0x41 events-kept=0x41",
        "poll-hup=1 hup=1",
        "nice=5 errno=0",
        "chflags0=0",
        "chflags-unknown=-1 errno=45",  # ufs_setattr: a flag ufs lacks is EOPNOTSUPP
        "getrandom=16",
        "getaffinity=0 cpus>0=1",
        "dtablesize-matches=1",
    ]


POLL_BOUND = r"""
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/sysctl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>

int main(void) {
    int max; size_t len = sizeof max;
    sysctlbyname("kern.maxfilesperproc", &max, &len, NULL, 0);
    char *page = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
    munmap(page + 4096, 4096);
    int r = poll((struct pollfd *)page, 4096 / sizeof(struct pollfd), 0);
    printf("a page of unused entries: %d\n", r);
    r = poll((struct pollfd *)page, (max > FD_SETSIZE ? max : FD_SETSIZE) + 1, 0);
    printf("past the bound: %d einval=%d\n", r, errno == EINVAL);
    return 0;
}
"""


@pytest.mark.syscalls("__sysctlbyname", "poll")
def test_poll_bound_comes_before_the_copyin(bsd, freebsd_cc):
    """sys_poll: more than max(maxfilesperproc, FD_SETSIZE) descriptors is EINVAL, before any copyin
    (the supervisor once read and converted whatever array size a program named)."""
    assert _run_lines(bsd, freebsd_cc, POLL_BOUND, "poll_bound") == [
        "a page of unused entries: 0",
        "past the bound: -1 einval=1",
    ]


CPUSET_SIZE = r"""
#include <sys/types.h>
#include <sys/cpuset.h>
#include <errno.h>
#include <stdio.h>

int main(void) {
    static char big[CPU_MAXSIZE / 8 * 2];
    int r = cpuset_getaffinity(CPU_LEVEL_WHICH, CPU_WHICH_PID, -1, (size_t)0xdf691ca2440092, (cpuset_t *)big);
    printf("get huge: %d erange=%d\n", r, errno == ERANGE);
    errno = 0;
    r = cpuset_getaffinity(CPU_LEVEL_WHICH, CPU_WHICH_PID, -1, CPU_MAXSIZE / 8 + 1, (cpuset_t *)big);
    printf("get one past: %d erange=%d\n", r, errno == ERANGE);
    r = cpuset_getaffinity(CPU_LEVEL_WHICH, CPU_WHICH_PID, -1, CPU_MAXSIZE / 8, (cpuset_t *)big);
    printf("get largest: %d\n", r);
    errno = 0;
    r = cpuset_setaffinity(CPU_LEVEL_WHICH, CPU_WHICH_PID, -1, CPU_MAXSIZE / 8 + 1, (cpuset_t *)big);
    printf("set one past: %d erange=%d\n", r, errno == ERANGE);
    return 0;
}
"""


@pytest.mark.syscalls("cpuset_getaffinity", "cpuset_setaffinity")
def test_cpuset_mask_longer_than_the_kernels_is_erange(bsd, freebsd_cc):
    """kern_cpuset.c: cpusetsize > CPU_MAXSIZE / NBBY is ERANGE before any copy (the fuzzer's find:
    a huge size made the supervisor try to zero that many bytes)."""
    assert _run_lines(bsd, freebsd_cc, CPUSET_SIZE, "cpuset_size") == [
        "get huge: -1 erange=1",
        "get one past: -1 erange=1",
        "get largest: 0",
        "set one past: -1 erange=1",
    ]
