#!/usr/bin/env python3
"""Benchmarks for bsdulator against the same work done natively on Linux.

Measured in one run, interleaved so that drift hits both sides alike:

  echo_ms              wall time of the whole `bsdulator ./freebsd-root/bin/echo hi`
                       (start-up of the supervisor, exec, ld-elf.so.1, libc, exit)
                       against Linux `/bin/echo hi`;
  syscall_overhead_us  (t(N) - t(0)) / N for a loop of N getppid() calls
                       (bench/getppid.c), the FreeBSD build under bsdulator
                       against the Linux build run natively;
  tcp_mbps             TCP throughput between two VNET jails through the bridge with
                       the root's dd and nc, against the same transfer between the same
                       two Linux network namespaces (bench/tcp.py; root only, else
                       tcp_skipped=needs root).

Each figure is given as the minimum and the median over --runs repetitions;
the ratios compare minimum with minimum (tcp_ratio: median with median). Results go to stdout, one
`name=value` per line; progress goes to stderr.

Stdlib only, but for bench/tcp.py's pyroute2 (imported only as root). Builds
bench/out/getppid-freebsd with `python -m ziglang cc -target x86_64-freebsd -O2` and
bench/out/getppid-linux with `gcc -O2` when they are missing or older than the source.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import tcp

HERE = Path(__file__).resolve().parent
SRC = HERE / "getppid.c"
DEFAULT_OUT = HERE / "out"
NATIVE_ECHO = "/bin/echo"
RUN_TIMEOUT_S = 300


class BenchError(Exception):
    """A problem the user must fix; printed without a traceback."""


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ build --


def _stale(target: Path, source: Path) -> bool:
    return not target.exists() or target.stat().st_mtime < source.stat().st_mtime


def _compile(cmd: list[str], target: Path) -> None:
    log("building " + shlex.join(cmd))
    tmp = target.with_name(target.name + ".tmp")
    cmd = [str(tmp) if c == str(target) else c for c in cmd]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as e:
        raise BenchError(f"cannot build {target.name}: {e.filename} not found") from None
    if p.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise BenchError(f"building {target.name} failed ({shlex.join(cmd)}):\n{p.stderr.strip()}")
    tmp.replace(target)


def build(out: Path, *, freebsd: bool = True) -> tuple[Path | None, Path]:
    """Build the getppid loop for FreeBSD (if wanted) and Linux; return their paths."""
    if not SRC.is_file():
        raise BenchError(f"benchmark source {SRC} is missing")
    out.mkdir(parents=True, exist_ok=True)
    fbsd, linux = out / "getppid-freebsd", out / "getppid-linux"
    if freebsd and _stale(fbsd, SRC):
        _compile(
            [
                sys.executable,
                "-m",
                "ziglang",
                "cc",
                "-target",
                "x86_64-freebsd",
                "-O2",
                str(SRC),
                "-o",
                str(fbsd),
            ],
            fbsd,
        )
    if _stale(linux, SRC):
        _compile(["gcc", "-O2", str(SRC), "-o", str(linux)], linux)
    return (fbsd if freebsd else None), linux


# ---------------------------------------------------------------- running --


class Runner:
    """Runs one command line and returns its wall time in seconds."""

    def __init__(self, prefix: list[str], env: dict[str, str] | None):
        self.prefix = prefix
        self.env = env

    def __call__(self, argv: list[str], cwd: Path, expect: str | None = None) -> float:
        cmd = self.prefix + argv
        t0 = time.perf_counter()
        try:
            p = subprocess.run(
                cmd,
                cwd=cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=RUN_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"`{shlex.join(cmd)}` (in {cwd}) took more than {RUN_TIMEOUT_S} s"
            ) from None
        except FileNotFoundError as e:
            raise BenchError(f"cannot run `{shlex.join(cmd)}`: {e.filename} not found") from None
        elapsed = time.perf_counter() - t0
        if p.returncode != 0 or (
            expect is not None and p.stdout.decode(errors="replace") != expect
        ):
            err = p.stderr.decode(errors="replace").strip()
            tail = "\n".join(err.splitlines()[-15:])
            raise BenchError(
                f"`{shlex.join(cmd)}` (in {cwd}) exited with status {p.returncode}"
                + (
                    f", printed {p.stdout[:200].decode(errors='replace')!r} instead of {expect!r}"
                    if expect is not None
                    else ""
                )
                + (f"; its stderr ends with:\n{tail}" if tail else "")
            )
        return elapsed


def _round2(n: float) -> int:
    """N rounded to two significant digits, at least 1."""
    n = max(1, int(n))
    digits = len(str(n))
    step = 10 ** max(0, digits - 2)
    return max(1, round(n / step) * step)


def calibrate(run_n, target_s: float, probe: int, limit: int) -> int:
    """An N for which run_n(N) spends about target_s seconds in the loop."""
    t0 = min(run_n(0) for _ in range(3))
    n = probe
    while True:
        t = run_n(n)
        if t - t0 > 0.15 or n >= limit:
            break
        n = min(n * 10, limit)
    per_call = max((t - t0) / n, 1e-9)
    return min(limit, _round2(target_s / per_call))


def _fmt(x: float, places: int) -> str:
    return f"{x:.{places}f}"


# ------------------------------------------------------------------- main --


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Time FreeBSD echo and a getppid loop under bsdulator against Linux natively.",
        epilog="Output: name=value lines on stdout (echo_ms_min, echo_ms_median, "
        "echo_ms_native_min, echo_ratio, syscall_overhead_us_min, syscall_overhead_us_native, "
        "syscall_overhead_ratio, ...).",
    )
    ap.add_argument(
        "--root",
        default=os.environ.get("BSDULATOR_ROOT", "./freebsd-root"),
        help="FreeBSD root directory (default: $BSDULATOR_ROOT or ./freebsd-root)",
    )
    ap.add_argument(
        "--bsdulator",
        default="bsdulator",
        help="bsdulator command, may include arguments (default: bsdulator on PATH)",
    )
    ap.add_argument(
        "--runs", type=int, default=7, help="repetitions of each measurement (default 7)"
    )
    ap.add_argument(
        "-n",
        "--n",
        type=int,
        default=None,
        dest="n",
        help="getppid calls per run under bsdulator (default: calibrated to ~1 s a run)",
    )
    ap.add_argument(
        "--native-n",
        type=int,
        default=None,
        help="getppid calls per native run (default: calibrated to ~0.5 s a run)",
    )
    ap.add_argument(
        "--cpu",
        type=int,
        default=None,
        help="pin this script and so every measured process (bsdulator and its tracee too) "
        "to this CPU",
    )
    ap.add_argument(
        "--tcp-mb",
        type=int,
        default=64,
        help="MiB moved per TCP throughput run (default 64)",
    )
    ap.add_argument(
        "--native-only",
        action="store_true",
        help="measure only the native side (no root or bsdulator needed)",
    )
    ap.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"build directory (default {DEFAULT_OUT})"
    )
    args = ap.parse_args(argv)
    if args.tcp_mb < 1:
        ap.error("--tcp-mb must be at least 1")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    for name in ("n", "native_n"):
        v = getattr(args, name)
        if v is not None and v < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def check_root(root: Path) -> Path:
    hint = "run ./freebsd-root-fetch.sh first (or pass --root DIR / set BSDULATOR_ROOT)"
    if not root.is_dir():
        raise BenchError(f"FreeBSD root {root} not found: {hint}")
    for needed in ("libexec/ld-elf.so.1", "bin/echo"):
        if not (root / needed).exists():
            raise BenchError(f"FreeBSD root {root} has no {needed}: {hint}")
    return root.resolve()


def bsdulator_prefix(command: str) -> list[str]:
    prefix = shlex.split(command)
    if not prefix:
        raise BenchError("--bsdulator is empty")
    found = shutil.which(prefix[0])
    if found is None:
        raise BenchError(
            f"bsdulator command {prefix[0]!r} not found on PATH "
            "(install the project with `pip install -e .`, or pass --bsdulator CMD)"
        )
    # Absolute: the echo benchmark runs from the root's parent directory, not from here.
    return [os.path.abspath(found), *prefix[1:]]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    emulate = not args.native_only
    if emulate:
        root = check_root(Path(args.root))
        prefix = bsdulator_prefix(args.bsdulator)
    fbsd, linux = build(args.out, freebsd=emulate)
    out_dir = args.out.resolve()

    if args.cpu is not None:
        # Pin ourselves: children inherit it, and no preexec_fn slows their start-up.
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError as e:
            raise BenchError(f"cannot pin to CPU {args.cpu}: {e.strerror}") from None
    native = Runner([], None)
    results: dict[str, list[float]] = {
        k: [] for k in ("echo_native", "echo", "gp0_native", "gpN_native", "gp0", "gpN")
    }

    def native_loop(n: int) -> float:
        return native(["./" + linux.name, str(n)], out_dir)

    if emulate:
        env = dict(os.environ, BSDULATOR_ROOT=str(root))
        emu = Runner(prefix, env)
        # The spelling users type: `bsdulator ./freebsd-root/bin/echo hi`, from the
        # directory that holds the root (bsdulator shows the program its cwd).
        echo_cwd, echo_argv = root.parent, ["./" + root.name + "/bin/echo", "hi"]

        def emu_loop(n: int) -> float:
            return emu(["./" + fbsd.name, str(n)], out_dir)

        log(f"checking `{shlex.join(prefix + echo_argv)}` (in {echo_cwd})")
        try:
            emu(echo_argv, echo_cwd, expect="hi\n")
        except BenchError as e:
            raise BenchError(f"bsdulator cannot run FreeBSD echo yet: {e}") from None
        emu_loop(0)

    # warm-up (page cache, dynamic linking caches), then calibration
    native([NATIVE_ECHO, "hi"], out_dir, expect="hi\n")
    native_n = args.native_n or calibrate(native_loop, 0.5, probe=100_000, limit=200_000_000)
    if emulate:
        n = args.n or calibrate(emu_loop, 1.0, probe=1_000, limit=10_000_000)
        log(f"{args.runs} runs; getppid loop N={n} under bsdulator, N={native_n} native")
    else:
        log(f"{args.runs} runs; getppid loop N={native_n} native")

    for i in range(args.runs):
        results["echo_native"].append(native([NATIVE_ECHO, "hi"], out_dir, expect="hi\n"))
        results["gp0_native"].append(native_loop(0))
        results["gpN_native"].append(native_loop(native_n))
        if emulate:
            results["echo"].append(emu(echo_argv, echo_cwd, expect="hi\n"))
            results["gp0"].append(emu_loop(0))
            results["gpN"].append(emu_loop(n))
        log(f"run {i + 1}/{args.runs} done")

    def overhead_us(zero: list[float], full: list[float], calls: int, stat) -> float:
        return max(0.0, stat(full) - stat(zero)) / calls * 1e6

    med = statistics.median
    lines: list[tuple[str, str]] = [("runs", str(args.runs))]
    echo_native_min = min(results["echo_native"]) * 1e3
    if emulate:
        echo_min = min(results["echo"]) * 1e3
        lines += [
            ("echo_ms_min", _fmt(echo_min, 2)),
            ("echo_ms_median", _fmt(med(results["echo"]) * 1e3, 2)),
        ]
    lines += [
        ("echo_ms_native_min", _fmt(echo_native_min, 2)),
        ("echo_ms_native_median", _fmt(med(results["echo_native"]) * 1e3, 2)),
    ]
    if emulate:
        lines.append(("echo_ratio", _fmt(echo_min / echo_native_min, 2)))
    nat_min = overhead_us(results["gp0_native"], results["gpN_native"], native_n, min)
    if emulate:
        emu_min = overhead_us(results["gp0"], results["gpN"], n, min)
        lines += [
            ("syscall_n", str(n)),
            ("syscall_overhead_us_min", _fmt(emu_min, 3)),
            (
                "syscall_overhead_us_median",
                _fmt(overhead_us(results["gp0"], results["gpN"], n, med), 3),
            ),
        ]
    lines += [
        ("syscall_n_native", str(native_n)),
        ("syscall_overhead_us_native", _fmt(nat_min, 3)),
        (
            "syscall_overhead_us_native_median",
            _fmt(overhead_us(results["gp0_native"], results["gpN_native"], native_n, med), 3),
        ),
    ]
    if emulate:
        lines.append(
            ("syscall_overhead_ratio", _fmt(emu_min / nat_min, 1) if nat_min > 0 else "inf")
        )
    if emulate:
        lines += tcp.measure(root, prefix, env, args.runs, args.tcp_mb, log)
    for name, value in lines:
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
