"""bsdulator.procfs: /proc's stat, status and comm parsed from the test process and from crafted
text."""

import os
import signal
import subprocess
import sys

import pytest

from bsdulator import procfs

pytestmark = pytest.mark.unit

# proc(5)'s stat layout with a comm a program chose: ") " and spaces inside, and bytes that are not
# UTF-8.
CRAFTED_COMM = b"a) b (c) \xff\xfe"
CHOSEN = {
    "ppid": 1,
    "pgrp": 4242,
    "num_threads": 1,
    "starttime": 777,
    "processor": 3,
    "exit_code": 256,
}
# fields 4 to 52, in proc(5)'s order
NUMBERS = [CHOSEN.get(name, 0) for name in procfs.STAT_FIELDS[3:]]
CRAFTED_STAT = b"4242 (" + CRAFTED_COMM + b") S " + " ".join(map(str, NUMBERS)).encode() + b"\n"
CRAFTED_STATUS = (
    b"Name:\ta) b\\n\xff\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1001\t1002\t1003\t1004\n"
    b"NSpid:\t4242\t7\t1\nSigPnd:\t0000000000000002\nShdPnd:\t0000000000000100\n"
    b"SigBlk:\t0000000000010000\n"
)


def test_stat_of_a_crafted_line_keeps_the_command_name_as_bytes():
    stat = procfs.parse_stat(CRAFTED_STAT)
    assert (stat.pid, stat.comm, stat.state) == (4242, CRAFTED_COMM, "S")
    assert (stat.ppid, stat.pgrp, stat.starttime) == (1, 4242, 777)
    assert stat.numbers["num_threads"] == 1
    assert stat.processor == 3
    assert stat.exit_code == 256


def test_stat_without_the_newer_fields_has_no_exit_code():
    short = CRAFTED_STAT.rsplit(b" ", 8)[0]  # a kernel before 3.3 stops at cguest_time
    stat = procfs.parse_stat(short)
    assert "exit_code" not in stat.numbers and stat.exit_code == 0


def test_status_fields_of_crafted_text():
    status = procfs.Status(CRAFTED_STATUS)
    assert status.get("Name") == b"a) b\\n\xff"
    assert status.get("Umask") == b"0022"
    assert status.get("NoSuchLine") is None
    assert status.euid == 1002
    assert status.nspid == [4242, 7, 1]
    assert status.sig_pending == 0x102
    assert status.sig_blocked == 0x10000
    assert status.lines()["State"] == b"S (sleeping)"


def test_status_lines_are_found_at_line_starts_only():
    # A Name that ends in text like another line's key must not be taken for that line.
    status = procfs.Status(b"Name:\tSigBlk:\nSigBlk:\t0000000000000004\n")
    assert status.sig_blocked == 4
    assert procfs.Status(b"Name:\tx\n").nspid is None
    assert procfs.Status(b"Name:\tx\n").sig_pending == 0


def test_the_test_process_as_proc_shows_it():
    me = os.getpid()
    stat = procfs.stat(me)
    assert (stat.pid, stat.state, stat.ppid, stat.pgrp) == (me, "R", os.getppid(), os.getpgrp())
    assert stat.processor in range(os.cpu_count())
    status = procfs.status(me)
    assert status.euid == os.geteuid()
    assert status.nspid[0] == me
    assert procfs.comm(me) == stat.comm
    assert procfs.ns_inode(me, "pid") == os.stat("/proc/self/ns/pid").st_ino
    assert me in procfs.pids()


def test_masks_of_the_test_process():
    sig = signal.SIGUSR1
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {sig})
    try:
        os.kill(os.getpid(), sig)
        status = procfs.status(f"{os.getpid()}/task/{os.getpid()}")
        assert status.sig_blocked >> (sig - 1) & 1
        assert status.sig_pending >> (sig - 1) & 1
    finally:
        signal.sigwait({sig})
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def test_a_command_name_with_spaces_parens_and_non_utf8_bytes():
    name = b") x (\xff "
    script = (
        "import sys, os; open('/proc/self/comm', 'wb').write(sys.argv[1].encode('latin-1')); "
        "sys.stdout.write('ok\\n'); sys.stdout.flush(); sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, name.decode("latin-1")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline() == b"ok\n"
        stat = procfs.stat(child.pid)
        assert (stat.comm, stat.ppid) == (name, os.getpid())
        assert procfs.comm(child.pid) == name
        assert procfs.status(child.pid).get("Name") == name.rstrip()  # status values come stripped
    finally:
        child.stdin.close()
        child.wait()


def test_a_gone_process_raises_process_lookup_error():
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    with pytest.raises(ProcessLookupError):
        procfs.stat(child.pid)
    with pytest.raises(ProcessLookupError):
        procfs.status(child.pid)
    assert procfs.stat_if_alive(child.pid) is None
    assert procfs.ns_inode(child.pid, "pid") is None


def test_mountinfo_of_a_crafted_line_unescapes_paths():
    raw = (
        b"36 35 98:0 /mnt\\040dir /a\\011b\\012c\\134d\xff rw,noatime master:1 - ext3 /dev/root\\040x rw\n"
        b"37 36 0:4 net:[4026531840] /run/ns rw - nsfs nsfs rw\n"
    )
    first, second = procfs.parse_mountinfo(raw)
    assert first == procfs.Mount(
        os.makedev(98, 0), b"/mnt dir", b"/a\tb\nc\\d\xff", "ext3", b"/dev/root x"
    )
    assert (second.root, second.point, second.fstype) == (b"net:[4026531840]", b"/run/ns", "nsfs")


def test_mountinfo_of_the_test_process():
    mounts = procfs.mountinfo(os.getpid())
    proc = [m for m in mounts if m.point == b"/proc"]
    assert proc and proc[-1].fstype == "proc"
    assert proc[-1].dev == os.stat("/proc").st_dev


def test_maps_of_a_crafted_text_keeps_paths_as_bytes():
    raw = (
        b"00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/a b\xff\n"
        b"7ffc0000-7ffc2000 rw-p 00000000 00:00 0          [stack]\n"
        b"7ffd0000-7ffd1000 rw-p 00000000 00:00 0\n"
    )
    code, stack, anonymous = procfs.parse_maps(raw)
    assert code == procfs.Mapping(0x400000, 0x452000, "r-xp", b"/usr/bin/a b\xff")
    assert (stack.start, stack.end, stack.path) == (0x7FFC0000, 0x7FFC2000, b"[stack]")
    assert anonymous.path == b""


def test_maps_and_fds_of_the_test_process():
    assert any(m.path == b"[stack]" and "rw" in m.perms for m in procfs.maps("self"))
    read_end, write_end = os.pipe()
    try:
        assert {read_end, write_end} <= set(procfs.fds(os.getpid()))
    finally:
        os.close(read_end)
        os.close(write_end)
