"""abi/signals.py beyond the header lookups of abi_manifest.py: sigset, SIGRTMAX, the carriers."""

import signal

import pytest
from abi_manifest import SIGNAL_HEADERS

from bsdulator.abi import signals
from header_macros import freebsd_values, requires_zig

pytestmark = pytest.mark.unit


@requires_zig
def test_freebsd_sigset_is_four_words():
    words = signals.FREEBSD_SIGNAL_LIMITS["_SIG_WORDS"]
    assert freebsd_values(SIGNAL_HEADERS, ["sizeof(sigset_t)"])["sizeof(sigset_t)"] == 4 * words
    assert signals.FREEBSD_SIGNAL_LIMITS["_SIG_MAXSIG"] == 32 * words


def test_linux_sigrtmax_is_glibcs():
    # The UAPI header spells SIGRTMAX as the kernel-only _NSIG, so Python (glibc) vouches for it.
    assert signal.SIGRTMAX == signals.LINUX_SIGNAL_LIMITS["SIGRTMAX"]


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
