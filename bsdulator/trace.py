"""--trace: FreeBSD-named syscalls printed truss-style, e.g. `write(1,"hi\\n",3)   = 3 (0x3)`
or `ERR#2 'No such file or directory'`."""

import re

from .errors import FreeBSDError
from .translate import freebsd_strerror

STRING_MAX = 64
_LEN_REF = re.compile(r"_(?:In|Out|Inout)_(?:reads|writes)_bytes(?:_opt)?_\((\w+)\)")


def _quote(data: bytes, limit: int = STRING_MAX) -> str:
    more = len(data) > limit
    text = data[:limit].decode("latin-1").encode("unicode_escape").decode().replace('"', '\\"')
    return f'"{text}"' + ("..." if more else "")


class Tracer:
    def __init__(self, stream):
        self.stream = stream

    def warn(self, msg: str) -> None:
        self.stream.write(msg + "\n")
        self.stream.flush()

    def _arg(self, call, i: int, ann: str, ctype: str, name: str, when: str) -> str | None:
        value = call.args[i] if i < len(call.args) else 0
        if value == 0 and "*" in ctype:
            return "0x0"
        try:
            if "_In_z_" in ann and when == "in":
                return _quote(call.mem.read_cstr(value, 4096), 4096)
            m = _LEN_REF.search(ann)
            if m and "void" in ctype or m and "char" in ctype:
                names = [a[2] for a in call.entry.args]
                size_from = m.group(1)
                if size_from in names:
                    size = call.args[names.index(size_from)]
                    if ann.startswith("_In") and when == "in":
                        return _quote(call.mem.read(value, min(size, STRING_MAX + 1)))
                    if ann.startswith("_Out") and when == "out":
                        got = call.result[0] if not call.result[2] else 0
                        return _quote(call.mem.read(value, min(size, got, STRING_MAX + 1)))
                    return None
        except FreeBSDError:
            return f"{value:#x}"
        if when == "out":
            return None
        if "*" in ctype:
            return f"{value:#x}"
        if ctype in (
            "int",
            "pid_t",
            "id_t",
            "uid_t",
            "gid_t",
            "size_t",
            "ssize_t",
            "off_t",
            "u_int",
            "long",
            "u_long",
            "idtype_t",
            "__socklen_t",
            "lwpid_t",
            "clockid_t",
            "int64_t",
        ):
            v = value & 0xFFFFFFFF if ctype in ("int", "pid_t", "idtype_t") else value
            if ctype in ("int", "pid_t", "idtype_t") and v >= 1 << 31:
                v -= 1 << 32
            return str(v)
        return f"{value:#x}"

    def enter(self, call) -> None:
        parts = []
        for i, (ann, ctype, name) in enumerate(call.entry.args):
            if ctype == "...":
                break
            parts.append(self._arg(call, i, ann, ctype, name, "in"))
        call.trace_in = parts

    def _prefix(self, sup, thread) -> str:
        """As truss -f once there are several processes, and -H once a process has threads."""
        proc = thread.proc
        if len(proc.threads) > 1:
            return f"{proc.pid} {thread.tid}: "
        return f"{proc.pid}: " if len(sup.procs) > 1 else ""

    def interrupted(self, call) -> None:
        """A call a signal cut short; its restart or EINTR is decided at delivery."""
        head = f"{call.entry.name}({','.join(p for p in (call.trace_in or []) if p is not None)})"
        self.stream.write(f"{self._prefix(call.sup, call.thread)}{head:<40} (interrupted)\n")
        self.stream.flush()

    def signal(self, sup, thread, number: int, name: str, what: str) -> None:
        self.stream.write(f"{self._prefix(sup, thread)}SIGNAL {number} ({name}) {what}\n")
        self.stream.flush()

    def exit(self, call) -> None:
        parts = list(call.trace_in or [])
        for i, (ann, ctype, name) in enumerate(call.entry.args):
            if i < len(parts) and parts[i] is None:
                parts[i] = self._arg(call, i, ann, ctype, name, "out") or f"{call.args[i]:#x}"
        rax, _rdx, error = call.result
        head = f"{call.entry.name}({','.join(p for p in parts if p is not None)})"
        head = self._prefix(call.sup, call.thread) + head
        if error:
            tail = f"ERR#{error} '{freebsd_strerror(error)}'"
        else:
            v = rax - (1 << 64) if rax >= 1 << 63 else rax
            tail = f"= {v} ({rax & 0xFFFFFFFFFFFFFFFF:#x})"
        self.stream.write(f"{head:<40} {tail}\n")
        self.stream.flush()
