"""What the system says about itself: the kernel environment (kenv(2)), uuidgen(2), resource
limits' rctl(2) calls, and the statistics sysctls the base tools read (vm.loadavg,
vm.swap_info, kern.devstat, kern.geom.confxml, hw.bus.info, kern.msgbuf, kern.smp.active,
kern.module_path), each from the host's /proc or /sys where Linux keeps the same fact."""

import os
import random
import stat
import struct
import threading
import time
from pathlib import Path

from bsdulator.abi import kinfo as K
from bsdulator.abi import sysctl as abi
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.kld import LINKER_PATH
from bsdulator.abi.limits import FREEBSD_KERNEL_DEFAULTS
from bsdulator.abi.machine import FREEBSD_PAGE_SIZES
from bsdulator.abi.sysinfo import (
    BUS_USER_VERSION,
    BUSINFO_FORMAT,
    DEVSTAT_VERSION,
    DMMAX,
    FREEBSD_KENV,
    LINUX_KMSG_RECORD_MAX,
    LINUX_SWAPS_UNIT,
    LINUX_USER_HZ,
    LOADAVG_FORMAT,
    UUID_CLOCK_SEQ_BITS,
    UUID_EPOCH_OFFSET,
    UUID_NODE_MULTICAST,
    UUID_NODE_SIZE,
    UUID_TIME_HI_SHIFT,
    UUID_VARIANT_10,
    UUID_VERSION_TIME,
    UUIDGEN_MAX,
    VM_LOADAVG,
    XSWDEV_FORMAT,
    XSWDEV_VERSION,
)
from bsdulator.abi.sysinfo import (
    FREEBSD_CPUSTATES as CPUSTATES,
)
from bsdulator.engine import s32
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.structs import dev_to_freebsd
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.table import Support, handler

EINVAL, ENOENT, ENOSYS, EPERM, ENAMETOOLONG = (
    FREEBSD_ERRNO[n] for n in ("EINVAL", "ENOENT", "ENOSYS", "EPERM", "ENAMETOOLONG")
)
STATHZ = FREEBSD_KERNEL_DEFAULTS["stathz"]
KENV_MNAMELEN, KENV_MVALLEN = FREEBSD_KENV["KENV_MNAMELEN"], FREEBSD_KENV["KENV_MVALLEN"]

# The loader's smbios.* variables, from the host's DMI table (Linux's /sys/class/dmi/id), as
# FreeBSD's loader puts them in the kernel environment.
DMI = Path("/sys/class/dmi/id")
SMBIOS_FROM_DMI = {
    "smbios.bios.vendor": "bios_vendor",
    "smbios.bios.version": "bios_version",
    "smbios.bios.reldate": "bios_date",
    "smbios.system.maker": "sys_vendor",
    "smbios.system.product": "product_name",
    "smbios.system.version": "product_version",
    "smbios.system.serial": "product_serial",
    "smbios.system.uuid": "product_uuid",
    "smbios.system.sku": "product_sku",
    "smbios.system.family": "product_family",
    "smbios.planar.maker": "board_vendor",
    "smbios.planar.product": "board_name",
    "smbios.planar.version": "board_version",
    "smbios.planar.serial": "board_serial",
    "smbios.planar.tag": "board_asset_tag",
    "smbios.chassis.maker": "chassis_vendor",
    "smbios.chassis.version": "chassis_version",
    "smbios.chassis.serial": "chassis_serial",
    "smbios.chassis.tag": "chassis_asset_tag",
}


def _host_kenv() -> dict[str, str]:
    env = {}
    for name, file in SMBIOS_FROM_DMI.items():
        try:
            value = (DMI / file).read_text(errors="replace").strip()
        except OSError:
            continue
        if value:
            env[name] = value[:KENV_MVALLEN]
    return env


class KernelEnvironment:
    """The supervisor's kernel environment: the loader's variables, then what kenv(2) set."""

    def __init__(self):
        self.lock = threading.Lock()
        self.vars = _host_kenv()


def _copyinstr(call, addr: int, size: int) -> str:
    """copyinstr into a buffer of size bytes: ENAMETOOLONG when the NUL does not fit."""
    raw = call.mem.read_cstr(addr, size)
    if len(raw) >= size:
        raise FreeBSDError(ENAMETOOLONG, "string longer than its buffer")
    return raw.decode("latin-1")


def _kenv_dump(call, env: dict[str, str], value: int, length: int) -> int:
    """kenv_dump: as much of name=value\\0… as fits; the size needed when it did not all fit."""
    data = b"".join(f"{k}={v}".encode("latin-1") + b"\0" for k, v in env.items())
    length = max(length, 0)
    if value and length:
        call.mem.write(value, data[:length])
    return 0 if len(data) <= length and value else len(data)


@handler(
    "kenv",
    Support.EMULATED,
    "the loader's smbios.* variables from the host's DMI table; what kenv(2) sets lasts as long "
    "as the supervisor",
)
def sys_kenv(call, what, name, value, length):
    """Implements FreeBSD kenv(2)."""
    what, length = s32(what), s32(length)
    if what == FREEBSD_KENV["KENV_DUMP"]:
        kenv = call.sup.state(KernelEnvironment)
        with kenv.lock:
            env = dict(kenv.vars)
        return _kenv_dump(call, env, value, length)
    if what in (FREEBSD_KENV["KENV_DUMP_LOADER"], FREEBSD_KENV["KENV_DUMP_STATIC"]):
        raise FreeBSDError(ENOENT, "the early environment is not kept (no PRESERVE_EARLY_KENV)")
    if what in (FREEBSD_KENV["KENV_SET"], FREEBSD_KENV["KENV_UNSET"]):
        refuse_in_jail(call, "changing the kernel environment")
        if effective_uid(call.proc.pid) != 0:
            raise FreeBSDError(EPERM, "changing the kernel environment takes root")
    key = _copyinstr(call, name, KENV_MNAMELEN + 1)
    kenv = call.sup.state(KernelEnvironment)
    if what == FREEBSD_KENV["KENV_GET"]:
        with kenv.lock:
            found = kenv.vars.get(key)
        if found is None:
            raise FreeBSDError(ENOENT, f"no kernel environment variable {key!r}")
        data = found.encode("latin-1") + b"\0"
        data = data[: max(length, 0)]
        call.mem.write(value, data)
        return len(data)
    if what == FREEBSD_KENV["KENV_SET"]:
        if length < 1:
            raise FreeBSDError(EINVAL, "kenv set with no value buffer")
        text = _copyinstr(call, value, min(length, KENV_MVALLEN + 1))
        with kenv.lock:
            kenv.vars[key] = text
        return 0
    if what == FREEBSD_KENV["KENV_UNSET"]:
        with kenv.lock:
            if kenv.vars.pop(key, None) is None:
                raise FreeBSDError(ENOENT, f"no kernel environment variable {key!r}")
        return 0
    raise FreeBSDError(EINVAL, f"kenv action {what}")


class UuidClock:
    """kern_uuid.c's generator state: the last timestamp, a random clock sequence and a node id
    that is no interface's address (the multicast bit set, as RFC 4122 asks of random ones)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = 0
        self.seq = random.getrandbits(UUID_CLOCK_SEQ_BITS)
        self.node = random.getrandbits(UUID_NODE_SIZE * 8) | UUID_NODE_MULTICAST


@handler("uuidgen", Support.EMULATED, "version 1 UUIDs with a random node id")
def sys_uuidgen(call, store, count):
    """Implements FreeBSD uuidgen(2): count time-ordered version 1 UUIDs."""
    count = count & 0xFFFFFFFF
    if count < 1 or count > UUIDGEN_MAX:
        raise FreeBSDError(EINVAL, f"uuidgen of {count} UUIDs")
    clock = call.sup.state(UuidClock)
    with clock.lock:
        now = time.time_ns() // 100 + UUID_EPOCH_OFFSET
        if now <= clock.last:  # the clock went back or stood still: a new sequence
            clock.seq = (clock.seq + 1) & 0x3FFF
        first, clock.last = now, now + count - 1
        seq, node = clock.seq, clock.node
    out = bytearray()
    for i in range(count):
        t = first + i
        out += struct.pack(
            "<IHHBB",
            t & 0xFFFFFFFF,
            (t >> 32) & 0xFFFF,
            ((t >> UUID_TIME_HI_SHIFT) & 0x0FFF) | UUID_VERSION_TIME,
            ((seq >> 8) & 0x3F) | (UUID_VARIANT_10 >> 8),
            seq & 0xFF,
        )
        out += node.to_bytes(UUID_NODE_SIZE, "big")
    call.mem.write(store, bytes(out))
    return 0


RACCT_OFF = "racct is off (kern.racct.enable=0), so ENOSYS, as kern_rctl.c answers then"


def sys_rctl(call, inbuf, inbuflen, outbuf, outbuflen):
    """Implements FreeBSD rctl_get_racct(2), rctl_get_rules(2), rctl_get_limits(2),
    rctl_add_rule(2) and rctl_remove_rule(2) as a kernel with racct disabled does."""
    raise FreeBSDError(ENOSYS, "racct is disabled")


for _name in (
    "rctl_get_racct",
    "rctl_get_rules",
    "rctl_get_limits",
    "rctl_add_rule",
    "rctl_remove_rule",
):
    handler(_name, Support.EMULATED, RACCT_OFF)(sys_rctl)


# ---- the statistics sysctls ------------------------------------------------------------


def _loadavg(ctx, rest) -> bytes:
    """vm.loadavg: Linux's 1, 5 and 15 minute averages in FreeBSD's fixed point."""
    with open("/proc/loadavg") as f:
        averages = [float(v) for v in f.read().split()[:3]]
    return struct.pack(LOADAVG_FORMAT, *(round(a * K.FSCALE) for a in averages), K.FSCALE)


def _swaps() -> list[tuple[int, int, int]]:
    """(FreeBSD dev_t, pages, pages used) of each of the host's swap areas (/proc/swaps)."""
    found = []
    try:
        with open("/proc/swaps") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return found
    for line in lines:
        name, _kind, size_kib, used_kib, *_ = line.split()
        try:
            st = os.stat(name.replace("\\040", " "))
            dev = dev_to_freebsd(st.st_rdev) if stat.S_ISBLK(st.st_mode) else K.NODEV
        except OSError:
            dev = K.NODEV
        kib_per_page = FREEBSD_PAGE_SIZES["PAGE_SIZE"] // LINUX_SWAPS_UNIT
        found.append((dev, int(size_kib) // kib_per_page, int(used_kib) // kib_per_page))
    return found


def _swap_info(ctx, req, rest) -> None:
    """vm.swap_info.N: the Nth swap device's struct xswdev, ENOENT past the last."""
    swaps = _swaps()
    if len(rest) != 1 or not 0 <= rest[0] < len(swaps):
        raise FreeBSDError(ENOENT, "no such swap device")
    dev, pages, used = swaps[rest[0]]
    req.out(struct.pack(XSWDEV_FORMAT, XSWDEV_VERSION, dev, 0, pages, used))


def _devstat_all(ctx, req, rest) -> None:
    """kern.devstat.all: the generation, then one struct devstat per device (none kept)."""
    req.out(struct.pack("<q", 0))


def _msgbuf(ctx, req, rest) -> None:
    """kern.msgbuf: the host kernel's log (/dev/kmsg), each line with its <priority> prefix as
    FreeBSD's message buffer keeps it; empty where the log cannot be read.  Where the host
    restricts its log to root (kernel.dmesg_restrict), only an unjailed root reads it, as
    FreeBSD's PRIV_MSGBUF does with security.bsd.unprivileged_read_msgbuf=0."""
    try:
        with open("/proc/sys/kernel/dmesg_restrict") as f:
            restricted = f.read().strip() != "0"
    except OSError:
        restricted = True
    if restricted and (ctx.uid != 0 or ctx.jailed):
        raise FreeBSDError(EPERM, "the host keeps its kernel log for root")
    lines = []
    try:
        fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        while True:
            try:
                record = os.read(fd, LINUX_KMSG_RECORD_MAX)
            except BlockingIOError:
                break
            except BrokenPipeError:  # overwritten while reading: go on with the next record
                continue
            except OSError:
                break
            head, _, text = record.decode(errors="replace").partition(";")
            fields = head.split(",")
            if not fields[0].isdigit():
                continue
            lines.append(f"<{fields[0]}>{text.splitlines()[0] if text else ''}\n")
    finally:
        os.close(fd)
    req.out("".join(lines).encode())  # the buffer's bytes, no NUL after them (msgbuf_peekbytes)


def _cpu_ticks() -> dict[str, list[int]]:
    """/proc/stat's cpu lines as FreeBSD's CPUSTATES counters in stathz ticks."""
    ticks = {}
    with open("/proc/stat") as f:
        for line in f:
            if not line.startswith("cpu"):
                break
            name, *values = line.split()
            user, nice, system, idle, iowait, irq, softirq, *_ = (int(v) for v in values)
            states = [0] * CPUSTATES["CPUSTATES"]
            states[CPUSTATES["CP_USER"]] = user
            states[CPUSTATES["CP_NICE"]] = nice
            states[CPUSTATES["CP_SYS"]] = system
            states[CPUSTATES["CP_INTR"]] = irq + softirq
            states[CPUSTATES["CP_IDLE"]] = idle + iowait
            ticks[name] = [v * STATHZ // LINUX_USER_HZ for v in states]
    return ticks


def _cp_time(ctx, req, rest) -> None:
    """kern.cp_time: the whole machine's CPU time by state."""
    states = _cpu_ticks()["cpu"]
    req.out(struct.pack(f"<{len(states)}q", *states))


def _cp_times(ctx, req, rest) -> None:
    """kern.cp_times: each CPU's time by state, CPU 0 first."""
    ticks = _cpu_ticks()
    per_cpu = [ticks[f"cpu{i}"] for i in range(len(ticks) - 1) if f"cpu{i}" in ticks]
    req.out(b"".join(struct.pack(f"<{len(s)}q", *s) for s in per_cpu))


def _proc_fields(path: str) -> dict[str, int]:
    """name -> first number of each line of a /proc file of `name value` or `name: value kB`."""
    fields = {}
    with open(path) as f:
        for line in f:
            name, _, rest = line.partition(" ")
            values = rest.split()
            if values and values[0].isdigit():
                fields[name.rstrip(":")] = int(values[0])
    return fields


def _memory_pages() -> dict[str, int]:
    """The page queues vm.stats.vm counts, from /proc/meminfo (Linux has no wired queue: the
    pages in none of the others)."""
    kib = _proc_fields("/proc/meminfo")
    per_page = FREEBSD_PAGE_SIZES["PAGE_SIZE"] // LINUX_SWAPS_UNIT
    pages = {
        "v_page_count": kib["MemTotal"] // per_page,
        "v_free_count": kib["MemFree"] // per_page,
        "v_active_count": kib.get("Active", 0) // per_page,
        "v_inactive_count": kib.get("Inactive", 0) // per_page,
    }
    pages["v_wire_count"] = max(
        0,
        pages["v_page_count"]
        - pages["v_free_count"]
        - pages["v_active_count"]
        - pages["v_inactive_count"],
    )
    return pages


def _vm_stat(name: str):
    """A getter of one vm.stats counter, read when asked."""

    def get(ctx, rest) -> int:
        if name == "v_page_size":
            return FREEBSD_PAGE_SIZES["PAGE_SIZE"]
        if name in ("v_swappgsin", "v_swappgsout"):
            return _proc_fields("/proc/vmstat").get(VM_STATS_FROM_VMSTAT[name], 0) & 0xFFFFFFFF
        if name in VM_STATS_FROM_STAT:
            return _proc_fields("/proc/stat").get(VM_STATS_FROM_STAT[name], 0) & 0xFFFFFFFF
        return _memory_pages().get(name, 0)

    return get


# vm.stats counters with a Linux source (the rest of FreeBSD's vmmeter has none and is 0)
VM_STATS_FROM_VMSTAT = {"v_swappgsin": "pswpin", "v_swappgsout": "pswpout"}
VM_STATS_FROM_STAT = {"v_swtch": "ctxt", "v_intr": "intr", "v_forks": "processes"}
VM_STATS = {
    "sys": ("v_swtch", "v_intr"),
    "vm": (
        "v_page_size",
        "v_page_count",
        "v_free_count",
        "v_active_count",
        "v_inactive_count",
        "v_wire_count",
        "v_laundry_count",
        "v_cache_count",
        "v_swappgsin",
        "v_swappgsout",
        "v_forks",
    ),
}


def _lastpid(ctx, rest) -> int:
    """kern.lastpid: the last pid handed out in the supervisor's PID namespace."""
    with open("/proc/sys/kernel/ns_last_pid") as f:
        return int(f.read())


def _geom_confxml(ctx, rest) -> str:
    """kern.geom.confxml: the GEOM mesh, with no class, as no disk is FreeBSD's here."""
    return "<mesh>\n</mesh>\n"


def _businfo(ctx, req, rest) -> None:
    """hw.bus.info: the device tree's interface version and generation."""
    req.out(struct.pack(BUSINFO_FORMAT, BUS_USER_VERSION, 0))


def _no_device(ctx, req, rest) -> None:
    """hw.bus.devices.N / hw.bus.rman.N: no newbus device or resource manager to describe."""
    raise FreeBSDError(ENOENT, "no such device")


def install(sup) -> None:
    tree = sup.sysctl
    rw = abi.CTLFLAG_RW
    INT, STR, NODE, OPAQUE = (
        abi.CTLTYPE_INT,
        abi.CTLTYPE_STRING,
        abi.CTLTYPE_NODE,
        abi.CTLTYPE_OPAQUE,
    )
    tree.add(
        "vm.loadavg",
        abi.CTLTYPE_STRUCT,
        _loadavg,
        number=VM_LOADAVG,
        fmt="S,loadavg",
        descr="Machine loadaverage history",
    )
    tree.add_handler("vm.swap_info", NODE, _swap_info, fmt="", descr="Swap statistics by device")
    tree.add("kern.devstat", NODE, flags=rw, descr="Device Statistics")
    tree.add("kern.devstat.numdevs", INT, 0, descr="Number of devices in the devstat list")
    tree.add("kern.devstat.generation", abi.CTLTYPE_LONG, 0, descr="Devstat list generation")
    tree.add("kern.devstat.version", INT, DEVSTAT_VERSION, descr="Devstat list version number")
    tree.add_handler(
        "kern.devstat.all",
        OPAQUE,
        _devstat_all,
        fmt="S,devstat",
        descr="All devices in the devstat list",
    )
    tree.add("kern.geom", NODE, flags=rw, descr="GEOMetry management")
    tree.add("kern.geom.confxml", STR, _geom_confxml, descr="Dump the GEOM config in XML")
    tree.add("hw.bus", NODE, flags=rw, descr="")
    tree.add_handler(
        "hw.bus.info", abi.CTLTYPE_STRUCT, _businfo, fmt="S,u_businfo", descr="bus-related data"
    )
    tree.add_handler("hw.bus.devices", NODE, _no_device, fmt="", descr="system device tree")
    tree.add_handler("hw.bus.rman", NODE, _no_device, fmt="", descr="kernel resource manager")
    tree.add_handler("kern.msgbuf", STR, _msgbuf, descr="Contents of kernel message buffer")
    tree.add_handler(
        "kern.cp_time", abi.CTLTYPE_LONG, _cp_time, fmt="LU", descr="CPU time statistics"
    )
    tree.add_handler(
        "kern.cp_times", abi.CTLTYPE_LONG, _cp_times, fmt="LU", descr="per-CPU time statistics"
    )
    tree.add(
        "kern.module_path",
        STR,
        LINKER_PATH,
        flags=rw,
        size=abi.MAXPATHLEN,
        descr="module load search path",
    )
    tree.add("kern.lastpid", INT, _lastpid, descr="Last used PID")
    # kern.smp and its maxcpus/cpus are bsdulator/sysctl.py's (Go reads them); top adds active
    tree.add("kern.smp.active", INT, 1, descr="Indicates system is running in SMP mode")
    tree.add("vfs.bufspace", abi.CTLTYPE_LONG, 0, descr="Physical memory used for buffers")
    tree.add("vm.dmmax", INT, DMMAX, descr="Maximum size of a swap block")
    tree.add("vm.stats", NODE, flags=rw, descr="VM meter stats")
    for group, names in VM_STATS.items():
        tree.add(f"vm.stats.{group}", NODE, flags=rw, descr=f"VM meter {group} stats")
        for name in names:
            tree.add(f"vm.stats.{group}.{name}", abi.CTLTYPE_UINT, _vm_stat(name), descr=name)
    tree.add("kern.racct", NODE, flags=rw, descr="Resource Accounting")
    tree.add(
        "kern.racct.enable",
        INT,
        0,
        flags=abi.CTLFLAG_RDTUN | abi.CTLFLAG_NOFETCH,
        descr="Enable RACCT/RCTL",
    )
