"""bsdulator/net/layout.py's arithmetic and names, no network touched (the layout itself:
test_vnet_layout.py)."""

import ipaddress

import pytest

from bsdulator.abi.jail import JAIL_MAX
from bsdulator.net import layout
from bsdulator.net.backend import NetError, check_ifname

pytestmark = pytest.mark.unit


def test_bridge_address_is_the_first_of_the_jails_slash_24_unless_configured(monkeypatch):
    monkeypatch.delenv(layout.BRIDGE_ADDR_ENV, raising=False)
    assert str(layout.configured_bridge_address("10.0.0.10")) == "10.0.0.1/24"
    assert str(layout.configured_bridge_address("192.168.7.200")) == "192.168.7.1/24"
    monkeypatch.setenv(layout.BRIDGE_ADDR_ENV, "10.9.0.1/16")
    assert str(layout.configured_bridge_address("10.9.3.4")) == "10.9.0.1/16"
    monkeypatch.setenv(layout.BRIDGE_ADDR_ENV, "10.9.0.1")
    assert str(layout.configured_bridge_address("10.9.0.4")) == "10.9.0.1/24"
    monkeypatch.setenv(layout.BRIDGE_ADDR_ENV, "10.9.0.300/24")
    with pytest.raises(NetError, match=layout.BRIDGE_ADDR_ENV):
        layout.configured_bridge_address("10.9.0.4")


def test_jail_addresses_take_the_bridges_prefix_and_must_be_free_hosts_of_it():
    gateway = ipaddress.IPv4Interface("10.0.0.1/24")
    assert [str(a) for a in layout.jail_addresses(["10.0.0.10", "10.0.0.11"], gateway)] == [
        "10.0.0.10/24",
        "10.0.0.11/24",
    ]
    for taken in ("10.0.0.1", "10.0.0.0", "10.0.0.255", "10.0.1.5"):
        with pytest.raises(NetError, match="is not a free host address of bsdjail0"):
            layout.jail_addresses([taken], gateway)


def test_names_fit_linux_for_every_jid():
    check_ifname(layout.veth_name(JAIL_MAX))
    with pytest.raises(NetError, match="longer than Linux's 15 bytes"):
        check_ifname("veth0_j" + "9" * 9)
