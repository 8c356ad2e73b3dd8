"""The drivers' exception tree: every failure a device, a link or a frame can cause.

Callers catch ``DriverError``; the subclasses say what went wrong and carry enough context
(device, link, expected vs actual) for a message a field engineer can act on.
"""

from __future__ import annotations

from enum import StrEnum


class DriverError(Exception):
    """Base of every error raised by ``drivers``."""


class FrameKind(StrEnum):
    """Why a frame was rejected; the names are the ``error_kind`` of ``smc decode``."""

    CHECKSUM = "checksum"
    END_BYTE = "end_byte"
    HEADER = "header"
    TRUNCATED = "truncated"
    LENGTH = "length"
    VALUE_FORMAT = "value_format"
    UNSUPPORTED = "unsupported"


class FrameError(DriverError):
    """A frame (or a value inside one) is malformed."""

    def __init__(self, kind: FrameKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class TransportError(DriverError):
    """A link could not be opened, or failed while moving bytes."""


class LinkUrlError(TransportError):
    """A link URL names an unknown scheme or has bad parameters."""


class MeterTimeoutError(DriverError):
    """A device did not answer within the deadline (after all retries)."""


class MeterRejectedError(DriverError):
    """A device answered with an abnormal reply (the error bits are decoded in the message)."""

    def __init__(self, message: str, error_bits: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.error_bits = error_bits


class ProtocolStateError(DriverError):
    """A session was asked for something its state does not allow, or got an unasked-for reply."""
