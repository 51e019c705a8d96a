"""How bsdulator reports a bug of its own: one line, and the traceback only when asked."""

import pytest

from bsdulator.errors import internal_error

pytestmark = pytest.mark.unit


def _raise():
    raise KeyError("boom")


@pytest.mark.parametrize("debug", [None, "1"])
def test_internal_error_is_one_line_unless_debugging(debug, monkeypatch, capsys):
    if debug is None:
        monkeypatch.delenv("BSDULATOR_DEBUG", raising=False)
    else:
        monkeypatch.setenv("BSDULATOR_DEBUG", debug)
    try:
        _raise()
    except KeyError as e:
        internal_error(" in test", e)
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "bsdulator: internal error in test: KeyError: 'boom'"
    if debug:
        assert "Traceback (most recent call last)" in err and "_raise" in err
    else:
        assert err.count("\n") == 1
