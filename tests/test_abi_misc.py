"""Small ABI tables (pathconf, extattr) beyond the header lookups of abi_manifest.py."""

import pytest

from bsdulator.abi import extattr, pathconf

pytestmark = pytest.mark.unit


def test_pathconf_answers_every_name():
    assert set(pathconf.ANSWERS) == set(pathconf.FREEBSD_PC)


def test_extattr_prefixes_are_freebsd_namespaces():
    assert set(extattr.LINUX_PREFIX) <= set(extattr.FREEBSD_EXTATTR_NAMESPACE)
