"""Link URLs and the scheme registry: what a URL parses to, and a typed error that quotes the URL
for everything that cannot be opened."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import DriverError, LinkUrlError, TransportError
from drivers.link import base
from drivers.link.base import LinkUrl, Transport, create_transport, open_link, parse_link_url
from drivers.link.loop import create_loop, remove_loop


@pytest.mark.parametrize(
    ("url", "scheme", "target", "params"),
    [
        ("loop://demo", "loop", "demo", {}),
        ("loop://demo/TQ0001", "loop", "demo/TQ0001", {}),
        ("loop://demo/城关一号台区", "loop", "demo/城关一号台区", {}),
        ("LOOP://demo", "loop", "demo", {}),
        ("tcp://10.0.0.2:8899", "tcp", "10.0.0.2:8899", {}),
        ("serial://COM3?baud=2400&parity=E", "serial", "COM3", {"baud": "2400", "parity": "E"}),
        ("serial://COM3?timeout=", "serial", "COM3", {"timeout": ""}),
    ],
)
def test_parse(url: str, scheme: str, target: str, params: dict[str, str]) -> None:
    parsed = parse_link_url(url)
    assert parsed == LinkUrl(scheme, target, params, url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("COM3", "no scheme"),
        ("demo", "no scheme"),
        ("", "no scheme"),
        ("loop://", "names no port"),
        ("serial://?baud=2400", "names no port"),
        ("serial://COM3?baud", "malformed query"),
        ("serial://COM3?baud=2400&&parity=E", "malformed query"),
        ("tcp://[::1", "malformed"),  # urlsplit's own ValueError, wrapped
        ("loop://台区：一号", "malformed"),  # a full-width colon is a colon after NFKC
    ],
)
def test_parse_errors_name_the_url(url: str, message: str) -> None:
    with pytest.raises(LinkUrlError, match=message) as info:
        parse_link_url(url)
    assert repr(url) in str(info.value)


def test_link_url_error_is_a_transport_error() -> None:
    assert issubclass(LinkUrlError, TransportError)
    assert issubclass(TransportError, DriverError)


def test_unknown_scheme_lists_the_known_ones() -> None:
    with pytest.raises(LinkUrlError, match="unknown scheme 'bluetooth'") as info:
        create_transport("bluetooth://meter")
    assert "'bluetooth://meter'" in str(info.value)
    assert "loop" in str(info.value)  # importing drivers.link registers the built-in schemes


def test_int_and_float_params() -> None:
    url = parse_link_url("serial://COM3?baud=2400&timeout=0.5&parity=E")
    assert url.int_param("baud") == 2400
    assert url.int_param("missing") is None
    assert url.int_param("missing", 9600) == 9600
    assert url.float_param("timeout", 1.0) == 0.5
    assert url.float_param("missing", 1.0) == 1.0
    with pytest.raises(LinkUrlError, match=r"serial://COM3.*parity='E' is not an integer"):
        url.int_param("parity")
    with pytest.raises(LinkUrlError, match=r"serial://COM3.*parity='E' is not a number"):
        url.float_param("parity", 1.0)


class _FakeTransport:
    def __init__(self, url: LinkUrl) -> None:
        self.parsed = url
        self.opened = 0

    @property
    def url(self) -> str:
        return self.parsed.text

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        pass

    def read(self, max_bytes: int, deadline: float) -> bytes:
        return b""

    def set_baudrate(self, baudrate: int) -> None:
        pass


def test_registered_scheme_creates_and_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base._SCHEMES, "fake", _FakeTransport)  # restored after the test
    created = create_transport("fake://port?x=1")
    assert isinstance(created, _FakeTransport)
    assert created.parsed == LinkUrl("fake", "port", {"x": "1"}, "fake://port?x=1")
    assert created.opened == 0  # create does not open
    opened = open_link("fake://port")
    assert isinstance(opened, _FakeTransport)
    assert opened.opened == 1


def test_loop_endpoint_satisfies_the_transport_protocol() -> None:
    link = create_loop("test-base-protocol")
    try:
        assert isinstance(link.master, Transport)
        assert isinstance(link.device, Transport)
        assert isinstance(_FakeTransport(parse_link_url("fake://x")), Transport)
    finally:
        remove_loop("test-base-protocol")


@given(text=st.text(max_size=40))
def test_parse_raises_only_link_url_error(text: str) -> None:
    # Any other exception escapes and fails the test.
    try:
        parsed = parse_link_url(text)
    except LinkUrlError as err:
        assert repr(text) in str(err)
    else:
        assert parsed.scheme
        assert parsed.target
        assert parsed.text == text


@given(
    target=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=20),
    params=st.dictionaries(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.", max_size=8),
        max_size=4,
    ),
)
def test_query_round_trip(target: str, params: dict[str, str]) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"tcp://{target}" + (f"?{query}" if query else "")
    parsed = parse_link_url(url)
    assert parsed.target == target
    assert parsed.params == params
