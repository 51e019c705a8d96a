"""System V IPC from a FreeBSD program (expected values: FreeBSD's shmget(2), semctl(2),
msgrcv(2) man pages)."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.syscalls(
    "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "__semctl", "msgget", "msgsnd",
    "msgrcv", "msgctl",
)  # fmt: skip
def test_sysv_ipc(bsd, freebsd_programs):
    r = bsd(freebsd_programs("sysv_ipc")["sysv_ipc"])
    assert r.stdout.decode().endswith(": 0 failures\n"), r.stdout.decode() + r.stderr.decode()
