"""getloginclass(2) and setloginclass(2): the login class is part of a process's credential,
kept by the supervisor per process (bsdulator/process.py) and inherited across fork and exec."""

from bsdulator.abi.errno import FREEBSD_ERRNO
from bsdulator.abi.limits import FREEBSD_LIMITS
from bsdulator.errors import FreeBSDError
from bsdulator.process import effective_uid
from bsdulator.syscalls.jail import refuse_in_jail
from bsdulator.table import Support, handler

ERANGE, EPERM, ENAMETOOLONG = (FREEBSD_ERRNO[n] for n in ("ERANGE", "EPERM", "ENAMETOOLONG"))
MAXLOGNAME = FREEBSD_LIMITS["MAXLOGNAME"]


@handler("getloginclass", Support.EMULATED, "the class the supervisor keeps for the process")
def sys_getloginclass(call, name, namelen):
    """Implements FreeBSD getloginclass(2): ERANGE when the name and its NUL do not fit."""
    value = call.proc.loginclass.encode() + b"\0"
    if len(value) > namelen:
        raise FreeBSDError(ERANGE)
    call.mem.write(name, value)
    return 0


@handler("setloginclass", Support.EMULATED, "recorded for getloginclass; root only, not in jails")
def sys_setloginclass(call, name):
    """Implements FreeBSD setloginclass(2): PRIV_PROC_SETLOGINCLASS, a name shorter than
    MAXLOGNAME."""
    refuse_in_jail(call, "setting the login class")
    if effective_uid(call.proc.pid) != 0:
        raise FreeBSDError(EPERM)
    value = call.mem.read_cstr(name, MAXLOGNAME)
    if len(value) >= MAXLOGNAME:  # copyinstr into MAXLOGNAME bytes, NUL included
        raise FreeBSDError(ENAMETOOLONG)
    call.proc.loginclass = value.decode(errors="replace")
    return 0
