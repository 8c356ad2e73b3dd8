"""The transport contract and the URL registry that picks an implementation.

A transport moves bytes and nothing else: no checksums, no retries, no framing. Schemes are
registered explicitly (PyInstaller cannot follow string imports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar, runtime_checkable
from urllib.parse import parse_qsl, urlsplit

from drivers.errors import LinkUrlError

T = TypeVar("T")


@runtime_checkable
class Transport(Protocol):
    """A byte link to one device or one multi-drop bus; deadlines are ``time.monotonic()``."""

    @property
    def url(self) -> str: ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def read(self, max_bytes: int, deadline: float) -> bytes:
        """Return at least one byte as soon as any is available, or ``b""`` at ``deadline``."""
        ...

    def set_baudrate(self, baudrate: int) -> None: ...


@dataclass(frozen=True, slots=True)
class LinkUrl:
    scheme: str
    target: str
    params: dict[str, str]
    text: str

    def int_param(self, name: str, default: int | None = None) -> int | None:
        return self._converted(name, default, int, "an integer")

    @property
    def path(self) -> str:
        """Everything between ``://`` and ``?`` as written: ``/dev/ttyUSB0``, ``COM3``."""
        return self.text.split("://", 1)[1].split("?", 1)[0]

    def bool_param(self, name: str, default: bool = False) -> bool:
        raw = self.params.get(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise LinkUrlError(f"{self.text}: parameter {name}={raw!r} is not 1/0 (true/false)")

    def float_param(self, name: str, default: float) -> float:
        return self._converted(name, default, float, "a number")

    def _converted(self, name: str, default: T, convert: Callable[[str], T], what: str) -> T:
        raw = self.params.get(name)
        if raw is None:
            return default
        try:
            return convert(raw)
        except ValueError:
            raise LinkUrlError(f"{self.text}: parameter {name}={raw!r} is not {what}") from None


TransportFactory = Callable[[LinkUrl], Transport]
_SCHEMES: dict[str, TransportFactory] = {}


def register_scheme(scheme: str, factory: TransportFactory) -> None:
    _SCHEMES[scheme] = factory


def parse_link_url(url: str) -> LinkUrl:
    try:
        parts = urlsplit(url)
    except ValueError as err:  # e.g. "tcp://[::1" or a full-width colon in a loop name
        raise LinkUrlError(f"link URL {url!r} is malformed: {err}") from None
    if not parts.scheme:
        raise LinkUrlError(f"link URL {url!r} has no scheme (expected e.g. loop://NAME)")
    target = (parts.netloc + parts.path) if parts.netloc else parts.path.lstrip("/")
    if not target:
        raise LinkUrlError(f"link URL {url!r} names no port, host or link")
    try:
        params = dict(
            parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
        )
    except ValueError:
        raise LinkUrlError(f"link URL {url!r} has a malformed query {parts.query!r}") from None
    return LinkUrl(parts.scheme.lower(), target, params, url)


SPY_PREFIX = "spy+"


def create_transport(url: str) -> Transport:
    """Create (not open) the transport a URL names; ``spy+URL`` wraps it in a traffic logger."""
    if url.startswith(SPY_PREFIX):
        from drivers.link.spy import SpyTransport  # noqa: PLC0415  (spy imports this module)

        return SpyTransport(create_transport(url[len(SPY_PREFIX) :]))
    parsed = parse_link_url(url)
    factory = _SCHEMES.get(parsed.scheme)
    if factory is None:
        known = ", ".join(sorted(_SCHEMES)) or "none"
        raise LinkUrlError(f"link URL {url!r}: unknown scheme {parsed.scheme!r} (known: {known})")
    return factory(parsed)


def open_link(url: str) -> Transport:
    transport = create_transport(url)
    transport.open()
    return transport
