"""abi/signals.py against FreeBSD's <signal.h> (zig) and the host's Linux <asm/signal.h>,
<asm/siginfo.h> and Python's signal module."""

import re
import signal

import pytest

from bsdulator.abi import signals
from header_macros import (
    freebsd_macros,
    freebsd_values,
    linux_values,
    mismatches,
    requires_gcc,
    requires_zig,
)

pytestmark = pytest.mark.unit

FREEBSD_TABLES = [
    signals.FREEBSD_SIGNALS,
    signals.FREEBSD_SIGNAL_ALIASES,
    signals.FREEBSD_SIGNAL_LIMITS,
    signals.FREEBSD_SIGPROCMASK_HOW,
    signals.FREEBSD_SA_FLAGS,
    signals.FREEBSD_SS_FLAGS,
    signals.FREEBSD_SIGSTACK_SIZES,
    signals.FREEBSD_SI_CODES,
    signals.FREEBSD_ILL_CODES,
    signals.FREEBSD_FPE_CODES,
    signals.FREEBSD_SEGV_CODES,
    signals.FREEBSD_BUS_CODES,
    signals.FREEBSD_TRAP_CODES,
    signals.FREEBSD_CLD_CODES,
    signals.FREEBSD_POLL_CODES,
]

LINUX_TABLES = [
    signals.LINUX_SIGNALS,
    signals.LINUX_SIGPROCMASK_HOW,
    signals.LINUX_SA_FLAGS,
    signals.LINUX_SS_FLAGS,
    signals.LINUX_SIGSTACK_SIZES,
    signals.LINUX_SI_CODES,
    signals.LINUX_ILL_CODES,
    signals.LINUX_FPE_CODES,
    signals.LINUX_SEGV_CODES,
    signals.LINUX_BUS_CODES,
    signals.LINUX_TRAP_CODES,
    signals.LINUX_CLD_CODES,
    signals.LINUX_POLL_CODES,
]

FREEBSD_HEADERS = ["signal.h", "sys/_sigset.h"]
LINUX_HEADERS = ["linux/signal.h"]


@requires_zig
@pytest.mark.parametrize("table", FREEBSD_TABLES, ids=lambda t: next(iter(t)))
def test_freebsd_values(table):
    assert mismatches(table, freebsd_values(FREEBSD_HEADERS, table)) == {}


@requires_zig
def test_freebsd_signal_names_are_complete():
    names = {n for n in freebsd_macros(*FREEBSD_HEADERS) if re.fullmatch(r"SIG[A-Z0-9]+", n)}
    assert names - {"SIGSTKSZ"} == set(signals.FREEBSD_SIGNALS) | set(
        signals.FREEBSD_SIGNAL_ALIASES
    ) | {"SIGRTMIN", "SIGRTMAX"}


@requires_zig
def test_freebsd_sigset_is_four_words():
    words = signals.FREEBSD_SIGNAL_LIMITS["_SIG_WORDS"]
    assert freebsd_values(FREEBSD_HEADERS, ["sizeof(sigset_t)"])["sizeof(sigset_t)"] == 4 * words
    assert signals.FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"] == 32 * words


@requires_gcc
@pytest.mark.parametrize("table", LINUX_TABLES, ids=lambda t: next(iter(t)))
def test_linux_values(table):
    assert mismatches(table, linux_values(LINUX_HEADERS, table)) == {}


@requires_gcc
def test_linux_realtime_range():
    # The UAPI header spells SIGRTMAX as the kernel-only _NSIG, so Python (glibc) vouches for it.
    assert linux_values(LINUX_HEADERS, ["SIGRTMIN"]) == {
        "SIGRTMIN": signals.LINUX_SIGNAL_LIMITS["SIGRTMIN"]
    }
    assert signal.SIGRTMAX == signals.LINUX_SIGNAL_LIMITS["SIGRTMAX"]


def test_linux_signals_agree_with_python():
    python = {
        name: int(getattr(signal, name)) for name in signals.LINUX_SIGNALS if hasattr(signal, name)
    }
    assert python == signals.LINUX_SIGNALS


def test_carriers_are_unused_linux_realtime_signals():
    carriers = list(signals.LINUX_SIGNAL_FOR_FREEBSD_ONLY.values())
    assert set(signals.LINUX_SIGNAL_FOR_FREEBSD_ONLY) == set(signals.FREEBSD_SIGNALS) - set(
        signals.LINUX_SIGNALS
    )
    assert len(set(carriers)) == len(carriers)
    assert min(carriers) >= signal.SIGRTMIN  # glibc's own 32 and 33 stay untouched
    assert (
        max(carriers)
        < signals.LINUX_SIGNAL_FOR_FREEBSD_SIGRTMIN
        <= signals.LINUX_SIGNAL_LIMITS["SIGRTMAX"]
    )
