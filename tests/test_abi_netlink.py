"""abi/netlink.py's translation pairs name only flags and types its tables hold (the tables
themselves are rows of tests/abi_manifest.py)."""

import pytest

from bsdulator.abi import netlink as N

pytestmark = pytest.mark.unit


def test_pairs_name_known_flags():
    assert all(f in N.FREEBSD_IFF and lx in N.LINUX_IFF for f, lx in N.IFF_PAIRS)
    assert all(f in N.FREEBSD_IFT and lx in N.LINUX_ARPHRD for f, lx in N.IFT_PAIRS)
    assert set(N.LINUX_KIND_IFT.values()) <= set(N.FREEBSD_IFT)
    assert all(f in N.FREEBSD_IN6_IFF and lx in N.LINUX_IFA_F for f, lx in N.IN6_IFF_PAIRS)
    assert set(N.FREEBSD_NETLINK_UNSUPPORTED) <= set(N.FREEBSD_NETLINK_OPTIONS)
