"""__sysctl(2) and __sysctlbyname(2) over the emulated MIB tree (bsdulator/sysctl.py)."""

import socket
import struct
from functools import cached_property

from bsdulator import sysctl as tree_mod
from bsdulator.abi import sysctl as abi_sysctl
from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.table import Support, handler

CTL_MAXNAME = abi_sysctl.CTL_MAXNAME
EINVAL = FREEBSD_ERRNO["EINVAL"]


class _Host:
    """Host facts read once per supervisor (reading /proc per call would be wasteful)."""

    @cached_property
    def facts(self) -> dict:
        probe = tree_mod.Context(usrstack=0, ps_strings=0)
        return {
            k: getattr(probe, k)
            for k in (
                "hostuuid",
                "hostid",
                "ncpu",
                "physmem",
                "realmem",
                "usermem",
                "cpu_model",
                "pagesizes",
                "boottime",
            )
        }


class ProcessContext:
    """The sysctl view of one calling process: host facts, its image, its jail."""

    def __init__(self, call, host: _Host):
        self.pid = call.proc.pid
        self.__dict__.update(host.facts)
        self.uid = effective_uid(call.proc.pid)
        self.jailed = call.proc.jail is not None
        self.usrstack = call.proc.usrstack
        self.ps_strings = call.proc.ps_strings
        self.osrel = call.proc.osrel
        self.securelevel = -1
        self.jail = None
        self.jails = None
        if self.jailed:
            self.jails = call.sup.jails
            self.jail = call.proc.jail
            record = self.jails.record(self.jail)
            self.securelevel = record.params.get("securelevel", -1)
            self.hostuuid = record.params.get("host.hostuuid", self.hostuuid)
            self.hostid = record.params.get("host.hostid", self.hostid)

    @property
    def jail_params(self):
        """The caller's jail's parameters (JailRecord.params); None unjailed."""
        return None if self.jail is None else self.jails.record(self.jail).params

    def _jail_param(self, name: str, host_value: str) -> str:
        if self.jail is None:
            return host_value
        return self.jails.record(self.jail).params.get(name) or ""

    @property
    def hostname(self) -> str:
        return self._jail_param("host.hostname", socket.gethostname())

    @hostname.setter
    def hostname(self, value: str) -> None:
        if self.jail is None:
            socket.sethostname(value)  # unjailed programs share the supervisor's UTS namespace
        else:
            self.jails.set_from_sysctl(self.jail, "host.hostname", value)

    @property
    def domainname(self) -> str:
        return self._jail_param("host.domainname", _host_domainname())

    @domainname.setter
    def domainname(self, value: str) -> None:
        if self.jail is None:
            with open("/proc/sys/kernel/domainname", "w") as f:
                f.write(value or "(none)")
        else:
            self.jails.set_from_sysctl(self.jail, "host.domainname", value)


def _host_domainname() -> str:
    """Linux says "(none)" where FreeBSD has an empty NIS domain name."""
    try:
        with open("/proc/sys/kernel/domainname") as f:
            name = f.read().strip()
    except OSError:
        return ""
    return "" if name == "(none)" else name


def _finish(call, reply, old_addr, oldlenp):
    if reply.data is not None and old_addr:
        call.mem.write(old_addr, reply.data)
    if reply.oldlen is not None and oldlenp:
        call.mem.write_u64(oldlenp, reply.oldlen)
    if reply.errno:
        raise FreeBSDError(reply.errno)
    return 0


def _old_new(call, old_addr, oldlenp, new_addr, newlen):
    oldlen = call.mem.read_u64(oldlenp) if oldlenp else 0
    new = call.mem.read(new_addr, newlen) if new_addr else None
    return (oldlen if old_addr else None), new


@handler("__sysctl", Support.EMULATED, "MIB tree in bsdulator/sysctl.py")
def sys_sysctl(call, name_addr, namelen, old_addr, oldlenp, new_addr, newlen):
    """Implements FreeBSD __sysctl(2)."""
    namelen &= 0xFFFFFFFF
    if namelen < 2 or namelen > CTL_MAXNAME:
        raise FreeBSDError(EINVAL)
    mib = list(struct.unpack(f"<{namelen}i", call.mem.read(name_addr, 4 * namelen)))
    oldlen, new = _old_new(call, old_addr, oldlenp, new_addr, newlen)
    sup = call.sup
    reply = sup.sysctl.call(ProcessContext(call, sup.sysctl_host), mib, oldlen, new)
    return _finish(call, reply, old_addr, oldlenp)


@handler("__sysctlbyname", Support.EMULATED, "MIB tree in bsdulator/sysctl.py")
def sys_sysctlbyname(call, name_addr, namelen, old_addr, oldlenp, new_addr, newlen):
    """Implements FreeBSD __sysctlbyname(2)."""
    name = call.mem.read(name_addr, namelen)
    oldlen, new = _old_new(call, old_addr, oldlenp, new_addr, newlen)
    sup = call.sup
    reply = sup.sysctl.call_by_name(ProcessContext(call, sup.sysctl_host), name, oldlen, new)
    return _finish(call, reply, old_addr, oldlenp)


def install(sup) -> None:
    sup.sysctl_host = _Host()
