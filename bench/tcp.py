"""TCP throughput between two VNET jails through the bridge, against the same transfer between
the same two Linux network namespaces done natively (issue 11).

Everything happens inside a network namespace the benchmark makes for itself, with bsdulator
run in it as `ip netns exec` runs a command (in a private mount namespace too, so the jails' netns
bindings never meet the host's); the jails and that namespace are removed at the end, also on
failure. Needs root and pyroute2.

Emulated: `dd if=/dev/zero bs=64k count=N | nc -N B PORT` in jail A, `nc -l PORT > /dev/null`
in jail B (the root's own tools). Native: a Python sender and receiver moving the same bytes
between the jails' own network namespaces. Both are timed from the sender's start to the
receiver's exit, so process start-up counts on both sides.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BLOCK = 64 * 1024  # dd's bs=64k
PORT = 7777
ADDRS = {"bencha": "10.0.0.10", "benchb": "10.0.0.11"}
TCP_LISTEN = "0A"  # include/net/tcp_states.h, as /proc/net/tcp prints it
WAIT_S = 60.0
POLL_S = 0.01

NATIVE_RECEIVER = """
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
c, _ = s.accept()
while c.recv(1 << 16):
    pass
"""
NATIVE_SENDER = """
import socket, sys
block, count = bytes(int(sys.argv[3])), int(sys.argv[4])
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
for _ in range(count):
    s.sendall(block)
s.shutdown(socket.SHUT_WR)
while s.recv(1 << 16):
    pass
"""


class TcpError(Exception):
    pass


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TcpError(f"timed out waiting for {what}")
        time.sleep(POLL_S)


def _listening(pid: int, port: int) -> bool:
    with open(f"/proc/{pid}/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return any(int(row[1].split(":")[1], 16) == port and row[3] == TCP_LISTEN for row in rows)


class Bench:
    def __init__(self, root: Path, prefix: list[str], env: dict[str, str]):
        from pyroute2 import netns

        self.root, self.prefix = root, prefix
        self.state = tempfile.TemporaryDirectory(prefix="bsdulator-bench-")
        self.env = dict(env, BSDULATOR_STATE_DIR=self.state.name)
        self.name = f"bsdubench{uuid.uuid4().hex[:8]}"
        netns.create(self.name)
        self.holders: dict[str, int] = {}

    def command(self, tool: str, *args: str) -> list[str]:
        prog = self.root / ("usr/sbin/" + tool if tool in ("jail", "jls", "jexec") else tool)
        return [*self.prefix, str(prog), *args]

    def enter(self) -> None:
        """In a child about to exec bsdulator: what `ip netns exec` does — a private mount
        namespace (bindings made there stay there), then the benchmark's network namespace."""
        import ctypes

        from pyroute2 import netns

        from bsdulator.abi.flags import LINUX_CLONE_FLAGS
        from bsdulator.abi.mount import LINUX_MS

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(LINUX_CLONE_FLAGS["CLONE_NEWNS"]) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
        private = LINUX_MS["MS_REC"] | LINUX_MS["MS_PRIVATE"]
        if libc.mount(None, b"/", None, private, None) != 0:
            raise OSError(ctypes.get_errno(), "making / private")
        netns.setns(self.name, flags=0)

    def run(self, tool: str, *args: str) -> None:
        p = subprocess.run(
            self.command(tool, *args), env=self.env, capture_output=True, preexec_fn=self.enter
        )
        if p.returncode != 0:
            raise TcpError(f"{tool} {' '.join(args)}: {p.stderr.decode(errors='replace')}")

    def setup(self) -> None:
        for jid, (name, address) in enumerate(ADDRS.items(), 1):
            self.run(
                "jail",
                "-c",
                f"name={name}",
                f"path={self.root}",
                f"ip4.addr={address}",
                "vnet",
                "persist",
            )
            self.holders[name] = self._holder(jid)

    def _holder(self, jid: int) -> int:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from bsdulator.jail import namespaces as n; print(n.lookup({jid}).pid)",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return int(out)

    def _transfer(self, receiver: list[str], sender: list[str], receiver_ns, sender_ns) -> float:
        """Seconds from the sender's start to the receiver's exit."""
        server = subprocess.Popen(
            receiver,
            env=self.env,
            preexec_fn=receiver_ns,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait(
                lambda: _listening(self.holders["benchb"], PORT) or server.poll() is not None,
                "the receiver to listen",
            )
            t0 = time.perf_counter()
            client = subprocess.run(
                sender,
                env=self.env,
                preexec_fn=sender_ns,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=WAIT_S * 10,
            )
            server.wait(timeout=WAIT_S)
            elapsed = time.perf_counter() - t0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
        if client.returncode != 0 or server.returncode != 0:
            raise TcpError(
                f"transfer failed: sender {client.returncode} "
                f"{client.stderr.decode(errors='replace')}, receiver {server.returncode} "
                f"{server.stderr.read().decode(errors='replace')}"
            )
        return elapsed

    def emulated(self, count: int) -> float:
        return self._transfer(
            self.command("jexec", "benchb", "/bin/sh", "-c", f"/usr/bin/nc -l {PORT} >/dev/null"),
            self.command(
                "jexec",
                "bencha",
                "/bin/sh",
                "-c",
                f"/bin/dd if=/dev/zero bs={BLOCK} count={count} 2>/dev/null"
                f" | /usr/bin/nc -N {ADDRS['benchb']} {PORT}",
            ),
            self.enter,
            self.enter,
        )

    def native(self, count: int) -> float:
        def enter(name):
            from pyroute2 import netns

            path = f"/proc/{self.holders[name]}/ns/net"
            return lambda: netns.setns(path, flags=0)

        return self._transfer(
            [sys.executable, "-c", NATIVE_RECEIVER, ADDRS["benchb"], str(PORT)],
            [
                sys.executable,
                "-c",
                NATIVE_SENDER,
                ADDRS["benchb"],
                str(PORT),
                str(BLOCK),
                str(count),
            ],
            enter("benchb"),
            enter("bencha"),
        )

    def close(self) -> None:
        from pyroute2 import netns

        try:
            listed = subprocess.run(
                self.command("jls", "jid"), env=self.env, capture_output=True, preexec_fn=self.enter
            )
            for jid in listed.stdout.decode().split():
                subprocess.run(
                    self.command("jail", "-r", jid),
                    env=self.env,
                    capture_output=True,
                    preexec_fn=self.enter,
                )
        finally:
            netns.remove(self.name)
            self.state.cleanup()


def measure(root: Path, prefix: list[str], env: dict[str, str], runs: int, mbytes: int, log):
    """name=value pairs: the median MB/s of each side and their ratio (emulated / native)."""
    if os.geteuid() != 0:
        return [("tcp_skipped", "needs root")]
    count = max(1, mbytes * 1024 * 1024 // BLOCK)
    bench = Bench(root, prefix, env)
    try:
        bench.setup()
        emu, nat = [], []
        for i in range(runs):
            nat.append(native_s := bench.native(count))
            emu.append(emu_s := bench.emulated(count))
            log(f"tcp run {i + 1}/{runs}: {emu_s:.2f} s emulated, {native_s:.2f} s native")
    finally:
        bench.close()
    size_mb = count * BLOCK / 1e6
    emu_mbps = size_mb / statistics.median(emu)
    nat_mbps = size_mb / statistics.median(nat)
    return [
        ("tcp_mb", f"{size_mb:.1f}"),
        ("tcp_mbps_median", f"{emu_mbps:.1f}"),
        ("tcp_mbps_native_median", f"{nat_mbps:.1f}"),
        ("tcp_ratio", f"{emu_mbps / nat_mbps:.3f}"),
    ]
