"""The small system calls and sysctls the root's tools need (issue 12's sweep causes): kenv,
uuidgen, ntp_gettime/ntp_adjtime, rctl with racct off, ACLs on a file system without them,
break, revoke, and the statistics sysctls; expected values from FreeBSD's sources (cited)."""

import os
import re

import pytest

pytestmark = pytest.mark.e2e

CALLS = r"""
#include <sys/types.h>
#include <sys/acl.h>
#include <sys/kenv.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uuid.h>
#include <errno.h>
#include <fcntl.h>
#include <kenv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct uuid u[3];
    printf("uuidgen0: %d errno=%d\n", uuidgen(u, 0), errno);
    printf("uuidgen2049: %d errno=%d\n", uuidgen(u, 2049), errno);
    printf("uuidgen3: %d\n", uuidgen(u, 3));
    printf("uuid version=%d variant=%#x consecutive=%d same-node=%d\n",
           u[0].time_hi_and_version >> 12, u[0].clock_seq_hi_and_reserved & 0xc0,
           u[1].time_low == u[0].time_low + 1 && u[2].time_low == u[1].time_low + 1,
           memcmp(u[0].node, u[2].node, 6) == 0);

    char buf[256];
    errno = 0;
    printf("kenv get missing: %d errno=%d\n", kenv(KENV_GET, "no.such.variable", buf, sizeof buf), errno);
    printf("kenv set: %d\n", kenv(KENV_SET, "bsdulator.test", "42", 3));
    int n = kenv(KENV_GET, "bsdulator.test", buf, sizeof buf);
    printf("kenv get: %d %s\n", n, buf);
    n = kenv(KENV_GET, "bsdulator.test", buf, 2);
    printf("kenv get short: %d\n", n);
    int need = kenv(KENV_DUMP, NULL, NULL, 0);
    n = kenv(KENV_DUMP, NULL, buf, sizeof buf);
    printf("kenv dump: need>=18=%d fits=%d has=%d\n", need >= 18, n == 0,
           memmem(buf, sizeof buf, "bsdulator.test=42", 18) != NULL);
    printf("kenv unset: %d then %d errno=%d\n", kenv(KENV_UNSET, "bsdulator.test", NULL, 0),
           kenv(KENV_UNSET, "bsdulator.test", NULL, 0), errno);
    printf("kenv dump loader: %d errno=%d\n", kenv(KENV_DUMP_LOADER, NULL, buf, sizeof buf), errno);
    printf("kenv bad: %d errno=%d\n", kenv(99, "x", buf, sizeof buf), errno);

    struct ntptimeval ntv;
    int state = ntp_gettime(&ntv);
    printf("ntp_gettime: state-ok=%d time>0=%d\n", state >= TIME_OK && state <= TIME_ERROR,
           ntv.time.tv_sec > 0);
    struct timex tx = {0};
    printf("ntp_adjtime: same-state=%d\n", ntp_adjtime(&tx) == state);

    errno = 0;
    printf("acl file: %p errno=%d\n", (void *)acl_get_file(argv[1], ACL_TYPE_ACCESS), errno);
    errno = 0;
    printf("acl missing: %p errno=%d\n", (void *)acl_get_file("/no/such/file", ACL_TYPE_ACCESS), errno);
    errno = 0;
    int fd = open(argv[1], O_RDONLY);
    printf("acl fd: %p errno=%d\n", (void *)acl_get_fd(fd), errno);
    int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    errno = 0;
    printf("acl socket: %p errno=%d\n", (void *)acl_get_fd(sv[0]), errno);
    errno = 0;
    printf("acl bad fd: %p errno=%d\n", (void *)acl_get_fd(99), errno);
    errno = 0;
    printf("acl delete: %d errno=%d\n", acl_delete_def_file(argv[1]), errno);

    char *start = sbrk(0);
    char *grown = sbrk(3 * 4096);
    memset(grown, 7, 3 * 4096);
    char *end = sbrk(0);
    printf("sbrk: same-start=%d grew=%ld\n", grown == start, (long)(end - start));
    printf("sbrk shrink: %d\n", brk(start));

    char path[PATH_MAX];
    printf("realpath: %s\n", realpath("/usr/../etc//passwd", path));
    errno = 0;
    printf("realpath missing: %p errno=%d\n", (void *)realpath("/etc/no/such", path), errno);
    errno = 0;
    printf("__realpathat flags: %d errno=%d\n",
           (int)syscall(SYS___realpathat, AT_FDCWD, "/etc", path, sizeof path, 1), errno);
    errno = 0;
    printf("__realpathat short: %d errno=%d\n",
           (int)syscall(SYS___realpathat, AT_FDCWD, "/etc/passwd", path, 11, 0), errno);

    errno = 0;
    printf("revoke file: %d errno=%d\n", revoke(argv[1]), errno);
    printf("revoke null: %d\n", revoke("/dev/null"));
    return 0;
}
"""


@pytest.mark.syscalls(
    "uuidgen",
    "kenv",
    "ntp_gettime",
    "ntp_adjtime",
    "__acl_get_file",
    "__acl_get_fd",
    "__acl_delete_file",
    "break",
    "revoke",
    "__realpathat",
)
def test_calls_give_freebsds_answers(bsd, freebsd_cc, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    r = bsd(freebsd_cc(CALLS, "sysinfo_calls"), target)
    assert r.returncode == 0 and b"bsdulator:" not in r.stderr, r.stderr
    assert r.stdout.decode().splitlines() == [
        # kern_uuid.c: 1 to 2048 UUIDs, else EINVAL (22); version 1, variant 10, time-ordered
        "uuidgen0: -1 errno=22",
        "uuidgen2049: -1 errno=22",
        "uuidgen3: 0",
        "uuid version=1 variant=0x80 consecutive=1 same-node=1",
        # kern_environment.c: a missing name is ENOENT (2); GET returns the bytes copied, NUL
        # included, cut to the buffer; DUMP returns 0 when all fit, the size needed otherwise;
        # the early environments are ENOENT without PRESERVE_EARLY_KENV; a bad action EINVAL
        "kenv get missing: -1 errno=2",
        "kenv set: 0",
        "kenv get: 3 42",
        "kenv get short: 2",
        "kenv dump: need>=18=1 fits=1 has=1",
        "kenv unset: 0 then -1 errno=2",
        "kenv dump loader: -1 errno=2",
        "kenv bad: -1 errno=22",
        "ntp_gettime: state-ok=1 time>0=1",
        "ntp_adjtime: same-state=1",
        # ufs_acl.c: a file system mounted without ACLs answers EOPNOTSUPP (45) after the lookup
        # (ENOENT 2); getvnode: EBADF (9) for no descriptor, EINVAL (22) for a socket
        "acl file: 0x0 errno=45",
        "acl missing: 0x0 errno=2",
        "acl fd: 0x0 errno=45",
        "acl socket: 0x0 errno=22",
        "acl bad fd: 0x0 errno=9",
        "acl delete: -1 errno=45",
        # vm_unix.c kern_break: the end moves by whole pages, break(NULL) answers the end
        "sbrk: same-start=1 grew=12288",
        "sbrk shrink: 0",
        # vfs_cache.c kern___realpathat: flags must be 0 (EINVAL 22); a name that does not fit
        # the buffer with its NUL is ENAMETOOLONG (63)
        "realpath: /etc/passwd",
        "realpath missing: 0x0 errno=2",
        "__realpathat flags: -1 errno=22",
        "__realpathat short: -1 errno=63",
        # vfs_syscalls.c sys_revoke: only a character device (EINVAL 22 for a regular file)
        "revoke file: -1 errno=22",
        "revoke null: 0",
    ]


def _run(bsd, freebsd_root, program, *args, **kw):
    r = bsd(freebsd_root / program, *args, **kw)
    assert b"bsdulator:" not in r.stderr, r.stderr
    return r


@pytest.mark.syscalls("__acl_get_file", "__acl_get_link")
def test_getfacl_shows_the_trivial_acl_and_setfacl_is_refused(bsd, freebsd_root):
    """getfacl falls back to the ACL the mode bits make (acl_from_stat) on EOPNOTSUPP;
    setfacl's acl_get_file fails with it."""
    r = _run(bsd, freebsd_root, "bin/getfacl", "/etc/passwd")
    assert r.returncode == 0
    assert r.stdout.decode().splitlines()[-3:] == ["user::rw-", "group::r--", "other::r--"]
    r = _run(bsd, freebsd_root, "bin/setfacl", "-m", "u:root:r", "/etc/passwd")
    assert r.returncode != 0 and b"Operation not supported" in r.stderr
    r = _run(bsd, freebsd_root, "usr/bin/bsdtar", "-cf", "/dev/null", "/etc/passwd")
    assert r.returncode == 0, r.stderr


@pytest.mark.syscalls("kenv")
def test_kenv_sets_and_reads_back_within_one_supervisor(bsd, freebsd_root):
    r = _run(
        bsd,
        freebsd_root,
        "bin/sh",
        "-c",
        "kenv a.b=c >/dev/null; kenv a.b; kenv -q x.y || echo missing",
    )
    assert r.stdout.decode() == "c\nmissing\n" and r.returncode == 0


@pytest.mark.syscalls("uuidgen")
def test_uuidgen_prints_version_1_uuids(bsd, freebsd_root):
    r = _run(bsd, freebsd_root, "bin/uuidgen", "-n", "2")
    lines = r.stdout.decode().split()
    assert r.returncode == 0 and len(lines) == 2
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u)
        for u in lines
    )


@pytest.mark.syscalls("rctl_get_rules")
def test_rctl_reports_racct_disabled(bsd, freebsd_root):
    """kern_rctl.c: every rctl call is ENOSYS while kern.racct.enable is 0; rctl(8) says so."""
    r = _run(bsd, freebsd_root, "usr/bin/rctl")
    assert r.returncode == 1 and b"RACCT/RCTL present, but disabled" in r.stderr


@pytest.mark.syscalls("ntp_gettime", "ntp_adjtime")
def test_ntptime_reads_the_clock_state(bsd, freebsd_root):
    r = _run(bsd, freebsd_root, "usr/sbin/ntptime")
    out = r.stdout.decode()
    assert "ntp_gettime() returns code" in out and "ntp_adjtime() returns code" in out


@pytest.mark.syscalls("__sysctl")
def test_statistics_sysctls(bsd, freebsd_root):
    r = _run(
        bsd,
        freebsd_root,
        "sbin/sysctl",
        "kern.module_path",
        "kern.smp.maxcpus",
        "vm.loadavg",
        "kern.cp_time",
        "kern.devstat.version",
        "kern.racct.enable",
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    # kern_linker.c's default search path; CPU_MAXSIZE (sys/_cpuset.h); devicestat.h
    assert lines[0] == "kern.module_path: /boot/kernel;/boot/modules"
    assert lines[1] == "kern.smp.maxcpus: 1024"
    assert re.fullmatch(r"vm\.loadavg: \{ \d+\.\d\d \d+\.\d\d \d+\.\d\d \}", lines[2])
    assert re.fullmatch(r"kern\.cp_time: \d+ \d+ \d+ \d+ \d+", lines[3])
    assert lines[4:] == ["kern.devstat.version: 6", "kern.racct.enable: 0"]


@pytest.mark.syscalls("__sysctl")
def test_tools_reading_statistics_run(bsd, freebsd_root):
    for program, *args in (
        ("sbin/dmesg",),
        ("sbin/swapctl", "-l"),
        ("usr/sbin/swapinfo",),
        ("usr/sbin/iostat", "-c1"),
        ("sbin/kldconfig", "-r"),
        ("usr/bin/top", "-b", "-d1"),
    ):
        r = _run(bsd, freebsd_root, program, *args)
        assert r.returncode == 0, (program, r.stderr)
    r = _run(bsd, freebsd_root, "usr/sbin/iostat", "-c1")
    assert b"us ni sy in id" in r.stdout


@pytest.mark.syscalls("break")
def test_csh_runs_with_sbrk(bsd, freebsd_root):
    """csh allocates with sbrk(2): break(2) moves the data segment's end."""
    r = _run(bsd, freebsd_root, "bin/csh", "-c", "set x=`echo a b c`; echo $#x")
    assert r.returncode == 0 and r.stdout == b"3\n"


@pytest.mark.syscalls("revoke")
def test_revoke_tool(bsd, freebsd_root):
    r = _run(bsd, freebsd_root, "usr/bin/revoke", "/etc/passwd")
    assert r.returncode == 1 and b"Invalid argument" in r.stderr
    assert _run(bsd, freebsd_root, "usr/bin/revoke", "/dev/null").returncode == 0


@pytest.mark.syscalls("__sysctl")
def test_procstat_and_fstat_list_open_files(bsd, freebsd_root, tmp_path):
    """kern.proc.filedesc: text, cwd and root first, then each descriptor with its flags and
    offset (kern_descrip.c's order; procstat -f prints what it gets)."""
    log = tmp_path / "log"
    log.write_text("abc")
    script = f"exec 3</etc/passwd; exec 4>>{log}; read x <&3; procstat -f $$; fstat -p $$"
    r = _run(bsd, freebsd_root, "bin/sh", "-c", script, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = {line.split()[2]: line.split() for line in r.stdout.decode().splitlines()[1:11]}
    # the text is named as the program was given (the view's kern.proc.pathname rule)
    assert rows["text"][3:6] == ["v", "r", "r-------"]
    assert rows["text"][-1] == str(freebsd_root / "bin/sh")
    assert rows["cwd"][3:5] == ["v", "d"] and rows["cwd"][-1] == str(tmp_path)
    assert rows["root"][-1] == "/"
    # sh read one line of /etc/passwd through fd 3 (the offset moved); fd 4 appends
    assert rows["3"][3:6] == ["v", "r", "r-------"] and rows["3"][-1] == "/etc/passwd"
    assert int(rows["3"][7]) > 0
    assert rows["4"][3:6] == ["v", "r", "-wa-----"] and rows["4"][-1] == str(log)
    fstat = [line.split() for line in r.stdout.decode().splitlines() if line.startswith("root")]
    assert {"text", "wd", "root", "3", "4"} <= {row[3] for row in fstat}


@pytest.mark.syscalls("__sysctl")
def test_default_ttl_is_the_namespaces(bsd, freebsd_root):
    """net.inet.ip.ttl (IPCTL_DEFTTL, what traceroute starts from) is ip_default_ttl of the
    caller's network namespace; FreeBSD's IPDEFTTL is 64 (netinet/ip.h), Linux's default too."""
    with open("/proc/sys/net/ipv4/ip_default_ttl") as f:
        ttl = int(f.read())
    r = _run(bsd, freebsd_root, "sbin/sysctl", "-n", "net.inet.ip.ttl")
    assert r.returncode == 0 and int(r.stdout) == ttl


@pytest.mark.syscalls("__sysctl", "ioctl")
def test_traceroute_reaches_loopback(bsd, freebsd_root):
    """traceroute reads net.inet.ip.ttl and lists the addresses with SIOCGIFCONF before its
    first probe; to 127.0.0.1 the first hop is the destination."""
    if os.geteuid() != 0:
        pytest.skip("traceroute needs a raw socket: run as root")
    r = _run(bsd, freebsd_root, "usr/sbin/traceroute", "-n", "-m", "2", "-q", "1", "127.0.0.1")
    assert r.returncode == 0, r.stderr
    assert re.match(r" 1  127\.0\.0\.1  ", r.stdout.decode().splitlines()[-1])


ACL_AND_RCTL = r"""
#include <sys/types.h>
#include <sys/acl.h>
#include <sys/rctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define SHOW(what, call) do { errno = 0; int r_ = (call); printf("%s: %d errno=%d\n", what, r_, errno); } while (0)

int main(int argc, char **argv) {
    acl_t acl = acl_from_text("u::rw-,g::r--,o::r--");
    int fd = open(argv[1], O_RDONLY);
    SHOW("set file", acl_set_file(argv[1], ACL_TYPE_ACCESS, acl));
    SHOW("set fd", acl_set_fd(fd, acl));
    SHOW("set link", acl_set_link_np(argv[1], ACL_TYPE_ACCESS, acl));
    SHOW("set missing", acl_set_file("/no/such", ACL_TYPE_ACCESS, acl));
    SHOW("delete fd", acl_delete_fd_np(fd, ACL_TYPE_DEFAULT));
    SHOW("delete link", acl_delete_link_np(argv[1], ACL_TYPE_DEFAULT));
    SHOW("check file", acl_valid_file_np(argv[1], ACL_TYPE_ACCESS, acl));
    SHOW("check fd", acl_valid_fd_np(fd, ACL_TYPE_ACCESS, acl));
    SHOW("check link", acl_valid_link_np(argv[1], ACL_TYPE_ACCESS, acl));
    char in[] = "user:", out[64];
    SHOW("rctl racct", rctl_get_racct(in, sizeof in, out, sizeof out));
    SHOW("rctl limits", rctl_get_limits(in, sizeof in, out, sizeof out));
    SHOW("rctl add", rctl_add_rule("user:root:maxproc:deny=100", 27, NULL, 0));
    SHOW("rctl remove", rctl_remove_rule(in, sizeof in, NULL, 0));
    return 0;
}
"""


@pytest.mark.syscalls(
    "__acl_set_file",
    "__acl_set_fd",
    "__acl_set_link",
    "__acl_delete_fd",
    "__acl_delete_link",
    "__acl_aclcheck_file",
    "__acl_aclcheck_fd",
    "__acl_aclcheck_link",
    "rctl_get_racct",
    "rctl_get_limits",
    "rctl_add_rule",
    "rctl_remove_rule",
)
def test_acl_changes_and_rctl_as_freebsd_without_them(bsd, freebsd_cc, tmp_path):
    """ufs_acl.c without `acls`: every set, delete and check is EOPNOTSUPP (45) after the
    lookup (ENOENT 2); kern_rctl.c with racct off: every rctl call is ENOSYS (78)."""
    target = tmp_path / "file"
    target.write_text("x")
    r = bsd(freebsd_cc(ACL_AND_RCTL, "acl_rctl"), target)
    assert r.returncode == 0 and b"bsdulator:" not in r.stderr, r.stderr
    assert r.stdout.decode().splitlines() == [
        "set file: -1 errno=45",
        "set fd: -1 errno=45",
        "set link: -1 errno=45",
        "set missing: -1 errno=2",
        "delete fd: -1 errno=45",
        "delete link: -1 errno=45",
        "check file: -1 errno=45",
        "check fd: -1 errno=45",
        "check link: -1 errno=45",
        "rctl racct: -1 errno=78",
        "rctl limits: -1 errno=78",
        "rctl add: -1 errno=78",
        "rctl remove: -1 errno=78",
    ]
