"""What crossed a device's link: one frame, which way, when, and between which two ends.

The concentrators' front end reports every frame it sends or receives as ``Traffic``; the
console's message monitor shows it, whatever the device or the protocol. A ``spy+`` link
reports raw chunks instead (``drivers.link.spy`` says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Direction(StrEnum):
    """The master station's view of a link: ``UP`` comes from the device, ``DOWN`` goes to it."""

    UP = "up"  # device (concentrator, meter) -> console
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class Traffic:
    """One frame on a device's link, for the message monitor."""

    at: datetime
    terminal: str  # the device: "3301-00012" for a concentrator; "" before a frame named it
    direction: Direction
    raw: bytes
    remote: str  # the other end: an IP address and port, or a link URL
    error: str = ""  # a frame that arrived broken (bad checksum, end byte): why
