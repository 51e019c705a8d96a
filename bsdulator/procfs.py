"""The one place that reads and parses Linux's /proc (proc(5)).

Results are small typed values.  Command names and other text a program controls may be any
bytes, so files are read as bytes and only the kernel's own (ASCII) fields are decoded.
A process that is gone raises ProcessLookupError, whichever way the kernel says so.
"""

import os
import re
from dataclasses import dataclass

# The fields of /proc/<pid>/stat, in order (proc(5)).
STAT_FIELDS = (
    "pid",
    "comm",
    "state",
    "ppid",
    "pgrp",
    "session",
    "tty_nr",
    "tpgid",
    "flags",
    "minflt",
    "cminflt",
    "majflt",
    "cmajflt",
    "utime",
    "stime",
    "cutime",
    "cstime",
    "priority",
    "nice",
    "num_threads",
    "itrealvalue",
    "starttime",
    "vsize",
    "rss",
    "rsslim",
    "startcode",
    "endcode",
    "startstack",
    "kstkesp",
    "kstkeip",
    "signal",
    "blocked",
    "sigignore",
    "sigcatch",
    "wchan",
    "nswap",
    "cnswap",
    "exit_signal",
    "processor",
    "rt_priority",
    "policy",
    "delayacct_blkio_ticks",
    "guest_time",
    "cguest_time",
    "start_data",
    "end_data",
    "start_brk",
    "arg_start",
    "arg_end",
    "env_start",
    "env_end",
    "exit_code",
)


def read(pid: int | str, name: str) -> bytes:
    """/proc/PID/name's bytes (pid may be "self" or "PID/task/TID")."""
    path = f"/proc/{pid}/{name}"
    try:
        with open(path, "rb") as f:
            return f.read()
    except (FileNotFoundError, ProcessLookupError) as e:
        raise ProcessLookupError(path) from e


def listdir(pid: int | str, name: str) -> list[str]:
    """/proc/PID/name's entries (task, fd …)."""
    path = f"/proc/{pid}/{name}"
    try:
        return os.listdir(path)
    except (FileNotFoundError, ProcessLookupError) as e:
        raise ProcessLookupError(path) from e


def pids() -> list[int]:
    """Every process /proc lists, in pid order."""
    return sorted(int(name) for name in os.listdir("/proc") if name.isdigit())


@dataclass(frozen=True)
class Stat:
    """/proc/PID/stat: the command name as bytes, the state letter, the numeric fields by proc(5)
    name."""

    pid: int
    comm: bytes
    state: str
    numbers: dict[str, int]  # fields 4 on, those this kernel prints

    @property
    def ppid(self) -> int:
        return self.numbers["ppid"]

    @property
    def pgrp(self) -> int:
        return self.numbers["pgrp"]

    @property
    def starttime(self) -> int:
        """Clock ticks after boot: with the pid, a process's identity."""
        return self.numbers["starttime"]

    @property
    def processor(self) -> int:
        """The CPU it last ran on."""
        return self.numbers["processor"]

    @property
    def exit_code(self) -> int:
        """A zombie's wait status (0 before Linux 3.5 printed it)."""
        return self.numbers.get("exit_code", 0)


def parse_stat(raw: bytes) -> Stat:
    """The stat line; comm may hold spaces and parentheses, so it ends at the last ')'."""
    head, _, tail = raw.rpartition(b")")
    pid, _, comm = head.partition(b" (")
    state, *numbers = tail.decode().split()
    return Stat(int(pid), comm, state, dict(zip(STAT_FIELDS[3:], map(int, numbers), strict=False)))


def stat(pid: int | str) -> Stat:
    return parse_stat(read(pid, "stat"))


def stat_if_alive(pid: int | str) -> Stat | None:
    """stat(pid), or None once pid is gone (a zombie still has one)."""
    try:
        return stat(pid)
    except ProcessLookupError:
        return None


@dataclass(frozen=True)
class Status:
    """/proc/PID/status, its "Name:\\tvalue" lines found on demand (the signal masks are read per
    stop)."""

    raw: bytes

    def get(self, name: str) -> bytes | None:
        """The value of line name, stripped; None where this kernel has no such line."""
        key = name.encode() + b":"
        if self.raw.startswith(key):
            at = 0
        else:
            # Linux escapes a newline in Name, so lines start here
            at = self.raw.find(b"\n" + key) + 1
            if not at:
                return None
        end = self.raw.find(b"\n", at)
        return self.raw[at + len(key) : end if end >= 0 else len(self.raw)].strip()

    def lines(self) -> dict[str, bytes]:
        """Every line by name, values stripped."""
        return {
            name.decode(): value.strip()
            for name, _, value in (line.partition(b":") for line in self.raw.splitlines())
        }

    @property
    def euid(self) -> int:
        return int(self.get("Uid").split()[1])

    @property
    def groups(self) -> set[int]:
        """groupmember()'s set: the effective gid and the supplementary groups."""
        return {int(self.get("Gid").split()[1]), *map(int, (self.get("Groups") or b"").split())}

    @property
    def sig_pending(self) -> int:
        """Linux signals pending for the thread or its process (SigPnd | ShdPnd)."""
        return int(self.get("SigPnd") or b"0", 16) | int(self.get("ShdPnd") or b"0", 16)

    @property
    def sig_blocked(self) -> int:
        return int(self.get("SigBlk") or b"0", 16)

    @property
    def nspid(self) -> list[int] | None:
        """Its numbers in each PID namespace it is in, the host's first; None before Linux 4.1."""
        value = self.get("NSpid")
        return None if value is None else [int(x) for x in value.split()]


def status(pid: int | str) -> Status:
    return Status(read(pid, "status"))


def comm(pid: int | str) -> bytes:
    """The command name, without the kernel's newline."""
    return read(pid, "comm").removesuffix(b"\n")


def fd_path(pid: int | str, fd: int) -> str:
    """/proc/PID/fd/FD: the magic link through which the supervisor's own calls reach the file
    a process's descriptor names (an O_PATH one included, also a symbolic link's)."""
    return f"/proc/{pid}/fd/{fd}"


def path_from(pid: int | str, dirfd: int | None, path: bytes) -> bytes:
    """Where the supervisor finds what pid's lookup of path from dirfd (None: the working
    directory) would find, through /proc/PID/root, cwd or fd/DIRFD: the same file unless a
    symbolic link on the way resolves differently from here, which callers must check."""
    if path.startswith(b"/"):
        base = f"/proc/{pid}/root"
    elif dirfd is None:
        base = f"/proc/{pid}/cwd"
    else:
        base = fd_path(pid, dirfd)
    return base.encode() + b"/" + path


def fd_inode(pid: int | str, fd: int) -> int | None:
    """The inode of what pid's descriptor fd refers to (a socket's names it for its lifetime);
    None when fd is not open or pid is gone."""
    try:
        return os.stat(fd_path(pid, fd)).st_ino
    except (OSError, ValueError):
        return None


def fd_stat(pid: int | str, fd: int) -> os.stat_result:
    """stat of what pid's descriptor fd refers to; OSError when fd is not open."""
    return os.stat(f"/proc/{pid}/fd/{fd}")


def ns_inode(pid: int | str, name: str) -> int | None:
    """The inode that identifies pid's namespace name (pid, mnt, net …); None once pid is gone or
    hidden."""
    try:
        return os.stat(f"/proc/{pid}/ns/{name}").st_ino
    except OSError:
        return None


_OCTAL_ESCAPE = re.compile(rb"\\([0-7]{3})")


def unescape(field: bytes) -> bytes:
    r"""A path from mountinfo, where the kernel writes space, tab, newline and \ as \ooo."""
    return _OCTAL_ESCAPE.sub(lambda m: bytes([int(m[1], 8)]), field)


@dataclass(frozen=True)
class Mount:
    """One line of /proc/PID/mountinfo (proc(5)); paths unescaped, as bytes."""

    dev: int  # st_dev of the files below it
    root: bytes  # the directory of the filesystem mounted here
    point: bytes
    fstype: str
    source: bytes


def parse_mountinfo(raw: bytes) -> list[Mount]:
    """The mounts in order; optional fields end at the " - " separator."""
    mounts = []
    for line in raw.splitlines():
        pre, _, post = line.partition(b" - ")
        fields = pre.split(b" ")
        major, minor = map(int, fields[2].split(b":"))
        fstype, source = post.split(b" ")[:2]
        mounts.append(
            Mount(
                os.makedev(major, minor),
                unescape(fields[3]),
                unescape(fields[4]),
                fstype.decode(),
                unescape(source),
            )
        )
    return mounts


def mountinfo(pid: int | str) -> list[Mount]:
    return parse_mountinfo(read(pid, "mountinfo"))


@dataclass(frozen=True)
class Mapping:
    """One line of /proc/PID/maps: [start, end), permissions like "rw-p", the file ("" if
    anonymous)."""

    start: int
    end: int
    perms: str
    path: bytes  # any bytes; [stack], [heap] … for the kernel's own


def parse_maps(raw: bytes) -> list[Mapping]:
    mappings = []
    for line in raw.splitlines():
        fields = line.split(maxsplit=5)
        start, end = (int(x, 16) for x in fields[0].split(b"-"))
        mappings.append(
            Mapping(start, end, fields[1].decode(), fields[5] if len(fields) > 5 else b"")
        )
    return mappings


def maps(pid: int | str) -> list[Mapping]:
    return parse_maps(read(pid, "maps"))


def fds(pid: int | str) -> list[int]:
    """pid's open descriptors, in no particular order."""
    return [int(name) for name in listdir(pid, "fd")]


@dataclass(frozen=True)
class Membership:
    """A multicast group an interface has joined: its index, the family (link, inet, inet6)
    and the group address's bytes in network order."""

    index: int
    family: str
    address: bytes


def parse_dev_mcast(raw: bytes) -> list[Membership]:
    """/proc/PID/net/dev_mcast: index, name, users, global use, link-layer address in hex."""
    found = []
    for line in raw.decode("ascii", "replace").splitlines():
        fields = line.split()
        if len(fields) >= 5:
            found.append(Membership(int(fields[0]), "link", bytes.fromhex(fields[4])))
    return found


def parse_igmp(raw: bytes) -> list[Membership]:
    """/proc/PID/net/igmp: an interface line (index, name, …) then one line per group, the
    group in hex in host (little-endian) byte order."""
    found, index = [], None
    for line in raw.decode("ascii", "replace").splitlines()[1:]:
        fields = line.split()
        if not fields:
            continue
        if not line.startswith("\t"):
            index = int(fields[0])
        elif index is not None:
            found.append(Membership(index, "inet", bytes.fromhex(fields[0])[::-1]))
    return found


def parse_igmp6(raw: bytes) -> list[Membership]:
    """/proc/PID/net/igmp6: index, name, group in hex, users, flags, timer."""
    found = []
    for line in raw.decode("ascii", "replace").splitlines():
        fields = line.split()
        if len(fields) >= 3:
            found.append(Membership(int(fields[0]), "inet6", bytes.fromhex(fields[2])))
    return found


def multicast(pid: int | str) -> list[Membership]:
    """The multicast groups of process pid's network namespace (a file that is missing, IPv6
    or IGMP compiled out, contributes none)."""
    found = []
    for name, parse in (
        ("net/dev_mcast", parse_dev_mcast),
        ("net/igmp", parse_igmp),
        ("net/igmp6", parse_igmp6),
    ):
        try:
            found += parse(read(pid, name))
        except ProcessLookupError:
            continue
    return found


@dataclass(frozen=True)
class InetSocket:
    """A line of /proc/PID/net/{tcp,udp,raw}{,6}: addresses in network order with their ports
    (a raw socket's "port" is its protocol), Linux's state number, the queue lengths (a listening
    TCP socket shows its accept queue and backlog there), the owner and the socket's inode."""

    inet6: bool
    local: bytes
    local_port: int
    remote: bytes
    remote_port: int
    state: int
    tx_queue: int
    rx_queue: int
    uid: int
    inode: int


def _net_address(field: str) -> tuple[bytes, int]:
    """ADDR:PORT in hex; the address is printed one 32-bit word at a time in host order."""
    address, port = field.split(":")
    raw = bytes.fromhex(address)
    return b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4)), int(port, 16)


def parse_inet_sockets(raw: bytes, inet6: bool) -> list[InetSocket]:
    """/proc/PID/net/tcp and its kind: a heading, then sl, local, remote, st, tx:rx, tr:when,
    retrnsmt, uid, timeout, inode …"""
    found = []
    for line in raw.decode("ascii", "replace").splitlines()[1:]:
        try:
            _sl, local, remote, state, queues, _timer, _retrnsmt, uid, _timeout, inode, *_ = (
                line.split()
            )
        except ValueError:
            continue
        local, local_port = _net_address(local)
        remote, remote_port = _net_address(remote)
        tx_queue, rx_queue = (int(q, 16) for q in queues.split(":"))
        found.append(
            InetSocket(
                inet6,
                local,
                local_port,
                remote,
                remote_port,
                int(state, 16),
                tx_queue,
                rx_queue,
                int(uid),
                int(inode),
            )
        )
    return found


def inet_sockets(pid: int | str, protocol: str) -> list[InetSocket]:
    """The IPv4 then IPv6 sockets of protocol (tcp, udp, raw) in pid's network namespace; a
    family compiled out of the kernel contributes none."""
    found = []
    for name, inet6 in ((protocol, False), (protocol + "6", True)):
        try:
            found += parse_inet_sockets(read(pid, f"net/{name}"), inet6)
        except ProcessLookupError:
            continue
    return found


def parse_snmp(raw: bytes) -> dict[str, dict[str, int]]:
    """/proc/PID/net/snmp and net/netstat: per protocol a line of counter names and a line of
    values, both led by "Proto:"."""
    found: dict[str, dict[str, int]] = {}
    names: dict[str, list[str]] = {}
    for line in raw.decode("ascii", "replace").splitlines():
        proto, _, rest = line.partition(":")
        fields = rest.split()
        if proto in names:
            found[proto] = dict(zip(names.pop(proto), map(int, fields), strict=False))
        else:
            names[proto] = fields
    return found


def snmp(pid: int | str) -> dict[str, dict[str, int]]:
    """The protocol counters of pid's network namespace: net/snmp's (Ip, Icmp, Tcp, Udp …) and
    net/netstat's (TcpExt, IpExt …)."""
    found = {}
    for name in ("net/snmp", "net/netstat"):
        try:
            found |= parse_snmp(read(pid, name))
        except ProcessLookupError:
            continue
    return found


def fd_target(pid: int | str, fd: int) -> str | None:
    """What /proc/PID/fd/N links to ("socket:[INODE]", "pipe:[INODE]", "anon_inode:[eventfd]",
    a path …); None when fd is not open or pid is gone."""
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        return None


def fdinfo(pid: int | str, fd: int) -> dict[str, int]:
    """/proc/PID/fdinfo/N's numeric fields: pos (decimal), flags (octal open flags) …"""
    found = {}
    try:
        text = read(pid, f"fdinfo/{fd}").decode("ascii", "replace")
    except ProcessLookupError:
        return found
    for line in text.splitlines():
        name, _, value = line.partition(":")
        value = value.strip()
        if name == "flags":
            found[name] = int(value, 8)
        elif value.isdigit():
            found[name] = int(value)
    return found


def unix_inodes(pid: int | str) -> set[int]:
    """The inodes of the unix-domain sockets /proc/PID/net/unix lists (Num, RefCount, Protocol,
    Flags, Type, St, Inode, Path)."""
    try:
        lines = read(pid, "net/unix").decode("ascii", "replace").splitlines()[1:]
    except ProcessLookupError:
        return set()
    found = set()
    for line in lines:
        try:
            _num, _refs, _protocol, _flags, _type, _state, inode, *_path = line.split()
        except ValueError:
            continue
        found.add(int(inode))
    return found
