"""Struct layouts as the C compilers see them: probe files compiled once per session, read from
DWARF."""

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from typing import NamedTuple

from elftools.elf.elffile import ELFFile

from helpers import HAVE_ZIG, cached, freebsd_cc_command

FREEBSD_PROBE = r"""
#define _WANT_FREEBSD11_STAT
#define _WANT_FREEBSD11_STATFS
#define _WANT_FREEBSD11_DIRENT
#define _WANT_FREEBSD11_KEVENT
#include <sys/types.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/dirent.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/uio.h>
#include <sys/event.h>
#include <sys/ttycom.h>
#include <sys/filio.h>
#include <sys/procctl.h>
#include <sys/utsname.h>
#include <sys/thr.h>
#include <sys/umtx.h>
#include <sys/rtprio.h>
#include <sys/jail.h>
#include <sys/ucred.h>
#include <netinet/in.h>
#include <net/if_dl.h>
#include <signal.h>
#include <ucontext.h>
#include <machine/sigframe.h>
#include <machine/sysarch.h>
#include <fcntl.h>
#include <poll.h>
#include <mqueue.h>
#include <sys/specialfd.h>

struct stat probe_stat;
struct freebsd11_stat probe_freebsd11_stat;
struct statfs probe_statfs;
struct freebsd11_statfs probe_freebsd11_statfs;
struct dirent probe_dirent;
struct freebsd11_dirent probe_freebsd11_dirent;
struct timespec probe_timespec;
struct timeval probe_timeval;
struct timezone probe_timezone;
struct itimerval probe_itimerval;
struct rusage probe_rusage;
struct __wrusage probe___wrusage;
struct fiodgname_arg probe_fiodgname_arg;
struct procctl_reaper_status probe_procctl_reaper_status;
struct procctl_reaper_pidinfo probe_procctl_reaper_pidinfo;
struct procctl_reaper_pids probe_procctl_reaper_pids;
struct procctl_reaper_kill probe_procctl_reaper_kill;
struct rlimit probe_rlimit;
struct tms probe_tms;
struct sockaddr probe_sockaddr;
struct sockaddr_in probe_sockaddr_in;
struct sockaddr_in6 probe_sockaddr_in6;
struct sockaddr_un probe_sockaddr_un;
struct sockaddr_dl probe_sockaddr_dl;
struct msghdr probe_msghdr;
struct cmsghdr probe_cmsghdr;
struct iovec probe_iovec;
struct sigaction probe_sigaction;
sigset_t probe_sigset_t;
stack_t probe_stack_t;
siginfo_t probe_siginfo_t;
mcontext_t probe_mcontext_t;
ucontext_t probe_ucontext_t;
struct sigframe probe_sigframe;
struct kevent probe_kevent;
struct freebsd11_kevent probe_freebsd11_kevent;
struct flock probe_flock;
struct pollfd probe_pollfd;
struct winsize probe_winsize;
struct utsname probe_utsname;
struct thr_param probe_thr_param;
struct amd64_get_xfpustate probe_amd64_get_xfpustate;
struct _umtx_time probe__umtx_time;
struct umutex probe_umutex;
struct _usem2 probe__usem2;
struct ucond probe_ucond;
struct rtprio probe_rtprio;
struct sigevent probe_sigevent;
struct mq_attr probe_mq_attr;
struct sf_hdtr probe_sf_hdtr;
struct spacectl_range probe_spacectl_range;
struct specialfd_eventfd probe_specialfd_eventfd;
struct specialfd_inotify probe_specialfd_inotify;
struct urwlock probe_urwlock;
struct jail probe_jail;
struct xucred probe_xucred;
struct xvfsconf probe_xvfsconf;

#include <sys/linker.h>
#include <sys/module.h>
struct in6_pktinfo probe_in6_pktinfo;
struct kld_file_stat probe_kld_file_stat;
struct module_stat probe_module_stat;
struct kinfo_file probe_kinfo_file;

#include <sys/file.h>
struct xfile probe_xfile;

#include <sys/socketvar.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_var.h>
struct xsockbuf probe_xsockbuf;
struct xsocket probe_xsocket;
struct in_endpoints probe_in_endpoints;
struct in_conninfo probe_in_conninfo;
struct xinpgen probe_xinpgen;
struct xinpcb probe_xinpcb;
struct xtcpcb probe_xtcpcb;

#include <sys/unpcb.h>
struct xunpcb probe_xunpcb;
struct xunpgen probe_xunpgen;
struct tcpstat probe_tcpstat;

#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/udp.h>
#include <netinet/udp_var.h>
struct udpstat probe_udpstat;
struct ipstat probe_ipstat;

#include <netinet/ip_icmp.h>
#include <netinet/icmp_var.h>
#include <netinet/igmp_var.h>
#include <net/if_arp.h>
struct icmpstat probe_icmpstat;
struct igmpstat probe_igmpstat;
struct arpstat probe_arpstat;

#include <sys/user.h>
struct priority probe_priority;
struct kinfo_proc probe_kinfo_proc;
"""

LINUX_PROBE = r"""
#define _GNU_SOURCE
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <mqueue.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <netinet/in.h>
#include <linux/capability.h>
#include <linux/filter.h>

/* As the kernel documents them (getdents64(2), rt_sigaction(2) on x86_64). */
#undef sa_handler
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};
struct kernel_sigaction {
    void *sa_handler;
    unsigned long sa_flags;
    void *sa_restorer;
    uint64_t sa_mask;
};

struct __user_cap_header_struct probe_linux_cap_header;
struct __user_cap_data_struct probe_linux_cap_data;
struct stat probe_linux_stat;
struct statfs probe_linux_statfs;
struct linux_dirent64 probe_linux_dirent64;
struct sockaddr probe_linux_sockaddr;
struct sockaddr_in probe_linux_sockaddr_in;
struct sockaddr_in6 probe_linux_sockaddr_in6;
struct sockaddr_un probe_linux_sockaddr_un;
struct msghdr probe_linux_msghdr;
struct cmsghdr probe_linux_cmsghdr;
struct kernel_sigaction probe_linux_sigaction;
stack_t probe_linux_stack_t;
siginfo_t probe_linux_siginfo_t;
struct sigevent probe_linux_sigevent;
struct mq_attr probe_linux_mq_attr;
struct flock probe_linux_flock;
struct utsname probe_linux_utsname;
struct timespec probe_linux_timespec;
struct timeval probe_linux_timeval;
struct timezone probe_linux_timezone;
struct itimerval probe_linux_itimerval;
struct rusage probe_linux_rusage;
struct rlimit probe_linux_rlimit;
struct tms probe_linux_tms;
struct sock_fprog probe_linux_sock_fprog;
struct iovec probe_linux_iovec;
struct pollfd probe_linux_pollfd;
struct winsize probe_linux_winsize;
"""


class Member(NamedTuple):
    """One member as DWARF describes it; kind is 'u32', 'i8[16]', 'struct timespec', ..."""

    offset: int
    size: int
    kind: str


class Unavailable(Exception):
    """The compiler or headers a target needs are not installed here."""


def _command(target: str) -> tuple[list[str], str]:
    if target == "freebsd":
        if not HAVE_ZIG:
            raise Unavailable(
                "the ziglang pip package (FreeBSD headers and cross compiler) is not installed"
            )
        return freebsd_cc_command(), FREEBSD_PROBE
    if target == "linux":
        if sys.platform != "linux" or os.uname().machine != "x86_64" or not shutil.which("gcc"):
            raise Unavailable("Linux layouts are read with gcc on an x86_64 Linux host")
        return ["gcc"], LINUX_PROBE
    raise ValueError(target)


@functools.cache
def members(target: str) -> dict[str, tuple[int, dict[str, Member]]]:
    """{probe name: (size, {dotted member path: Member})} for target 'freebsd' or 'linux'."""
    cc, source = _command(target)
    cmd = cc + ["-g", "-gdwarf-4", "-O0", "-c", "-x", "c", "-", "-o"]
    found = cached(tuple(cc), cmd, source, lambda: _compile_and_read(cmd, source))
    return {
        name: (size, {path: Member(*m) for path, m in fields.items()})
        for name, (size, fields) in found.items()
    }


def _compile_and_read(cmd: list[str], source: str) -> dict[str, tuple[int, dict[str, Member]]]:
    with tempfile.TemporaryDirectory(prefix="bsdulator-layouts-") as tmp:
        obj = os.path.join(tmp, "probe.o")
        done = subprocess.run([*cmd, obj], input=source, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr}")
        with open(obj, "rb") as f:
            return _read(ELFFile(f))


def layouts(target: str) -> dict[str, tuple[int, dict[str, int]]]:
    """{probe name: (size, {dotted member path: offset})}."""
    return {
        name: (size, {path: m.offset for path, m in fields.items()})
        for name, (size, fields) in members(target).items()
    }


def _read(elf: ELFFile) -> dict[str, tuple[int, dict[str, Member]]]:
    found = {}
    for cu in elf.get_dwarf_info().iter_CUs():
        for die in cu.get_top_DIE().iter_children():
            name = _name(die)
            if die.tag == "DW_TAG_variable" and name and name.startswith("probe_"):
                struct = _strip(die.get_DIE_from_attribute("DW_AT_type"))
                fields: dict[str, Member] = {}
                _walk(struct, 0, "", fields)
                found[name[len("probe_") :]] = (_size(struct), fields)
    return found


def _name(die) -> str | None:
    attr = die.attributes.get("DW_AT_name")
    return attr.value.decode() if attr else None


def _strip(die):
    while die.tag in ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type"):
        die = die.get_DIE_from_attribute("DW_AT_type")
    return die


def _dims(die) -> list[int]:
    dims = []
    for sub in die.iter_children():
        if "DW_AT_count" in sub.attributes:
            dims.append(sub.attributes["DW_AT_count"].value)
        elif "DW_AT_upper_bound" in sub.attributes:
            dims.append(sub.attributes["DW_AT_upper_bound"].value + 1)
        else:
            dims.append(0)
    return dims


def _size(die) -> int:
    die = _strip(die)
    if die.tag == "DW_TAG_array_type":
        n = _size(die.get_DIE_from_attribute("DW_AT_type"))
        for d in _dims(die):
            n *= d
        return n
    if die.tag == "DW_TAG_pointer_type" and "DW_AT_byte_size" not in die.attributes:
        return 8
    return die.attributes["DW_AT_byte_size"].value


def _kind(die) -> str:
    die = _strip(die)
    if die.tag == "DW_TAG_pointer_type":
        return "u64"
    if die.tag == "DW_TAG_base_type":
        enc = die.attributes["DW_AT_encoding"].value
        signed = enc in (0x5, 0x6, 0xD)  # DW_ATE_signed, signed_char, signed_fixed
        return ("i" if signed else "u") + str(8 * _size(die))
    if die.tag == "DW_TAG_enumeration_type":
        return f"u{8 * _size(die)}"
    if die.tag == "DW_TAG_array_type":
        return _kind(die.get_DIE_from_attribute("DW_AT_type")) + "".join(
            f"[{d}]" for d in _dims(die)
        )
    tag = {"DW_TAG_structure_type": "struct", "DW_TAG_union_type": "union"}[die.tag]
    return f"{tag} {_name(die)}" if _name(die) else tag


def _walk(struct, base: int, prefix: str, out: dict[str, Member]) -> None:
    for member in struct.iter_children():
        if member.tag != "DW_TAG_member" or "DW_AT_bit_size" in member.attributes:
            continue
        loc = member.attributes.get("DW_AT_data_member_location")
        offset = base + (loc.value if loc else 0)
        mtype = member.get_DIE_from_attribute("DW_AT_type")
        name = _name(member)
        if name:
            out[prefix + name] = Member(offset, _size(mtype), _kind(mtype))
        if _strip(mtype).tag in ("DW_TAG_structure_type", "DW_TAG_union_type"):
            _walk(_strip(mtype), offset, prefix + name + "." if name else prefix, out)
