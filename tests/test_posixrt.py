"""POSIX timers and message queues from a FreeBSD program, through its libc (expected values:
FreeBSD's timer_create(2), mq_open(2), mq_receive(2) man pages and sys/signal.h's si_code)."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.syscalls(
    "ktimer_create", "ktimer_settime", "ktimer_gettime", "ktimer_getoverrun", "ktimer_delete",
    "kmq_open", "kmq_setattr", "kmq_timedsend", "kmq_timedreceive", "kmq_notify", "kmq_unlink",
)  # fmt: skip
def test_posix_timers_and_message_queues(bsd, freebsd_programs):
    r = bsd(freebsd_programs("posixrt", "-lrt")["posixrt"])
    assert r.stdout.decode().endswith(": 0 failures\n"), r.stdout.decode() + r.stderr.decode()
