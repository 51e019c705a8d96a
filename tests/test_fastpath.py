"""The C fast path finishes native calls and sigprocmask exactly as the Python path does."""

import pytest

pytestmark = pytest.mark.e2e

PROGRAM = r"""
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void show(const char *what, const sigset_t *s) {
    printf("%s:", what);
    for (int sig = 1; sig <= 128; sig++)
        if (sigismember(s, sig) == 1) printf(" %d", sig);
    printf("\n");
}

int main(void) {
    sigset_t set, old, now;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1); sigaddset(&set, SIGTERM); sigaddset(&set, 32 /* SIGTHR */);
    sigaddset(&set, 65 /* SIGRTMIN */); sigaddset(&set, SIGINFO);
    sigprocmask(SIG_BLOCK, &set, &old);
    show("old", &old);
    sigprocmask(SIG_SETMASK, NULL, &now);
    show("blocked", &now);
    sigemptyset(&set); sigaddset(&set, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    sigprocmask(SIG_BLOCK, NULL, &now);
    show("after-unblock", &now);
    printf("bad-how: %d %d\n", sigprocmask(99, &set, NULL), errno);
    int fds[2];
    pipe(fds);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    char c;
    errno = 0;
    printf("read-empty: %zd %d\n", read(fds[0], &c, 1), errno);   /* FreeBSD EAGAIN is 35 */
    printf("close-bad: %d %d\n", close(999), errno);               /* EBADF 9 */
    printf("ppid-same: %d\n", getppid() == getppid());
    return 0;
}
"""

EXPECTED = """old:
blocked: 15 29 30 32 65
after-unblock: 29 30 32 65
bad-how: -1 22
read-empty: -1 35
close-bad: -1 9
ppid-same: 1
"""


@pytest.fixture(scope="module")
def program(freebsd_cc):
    return freebsd_cc(PROGRAM, "p")


@pytest.mark.syscalls("fcntl", "getppid")
def test_fast_and_slow_paths_agree_with_freebsd(bsd, program):
    fast = bsd(program)
    slow = bsd("--trace", program)  # tracing sends every call through Python
    assert fast.stdout.decode() == EXPECTED
    assert slow.stdout.decode() == EXPECTED
    assert b"sigprocmask(" in slow.stderr


# The C loop's numbers that are not ABI facts (or are documented below), each with why.
LOOP_LITERALS = {
    "0",
    "1",
    "2",
    "3",
    "4",
    "8",
    "16",
    "32",
    "1u",
    "1ULL",
    "15UL",  # indexes, sizes, bit arithmetic
    "8192",
    "2654435761u",  # its own hash table: slots and Knuth's multiplier
    # -4096 < rax < 0: Linux's error range (MAX_ERRNO, include/linux/err.h, kernel-internal)
    "4096",
    "0x80",  # SIGTRAP | 0x80: a syscall stop under PTRACE_O_TRACESYSGOOD (ptrace(2))
}


def test_the_c_loop_takes_its_abi_numbers_from_python():
    """Every syscall number, errno, signal bound and flag the loop needs comes in bsdu_fast from
    abi/ (fastpath.py); a new literal in loop.c fails here until it is moved or explained."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "bsdulator" / "native" / "loop.c").read_text()
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    spelled = set(re.findall(r"(?<![\w.])((?:0x[0-9a-fA-F]+|\d+)[uUlL]*)", code))
    assert "8192" in spelled  # the scan sees the loop's numbers at all
    assert spelled - LOOP_LITERALS == set(), (
        f"numbers in loop.c to move into abi/: {sorted(spelled - LOOP_LITERALS)}"
    )
