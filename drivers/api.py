"""What every meter protocol offers the rest of the program.

A client reads items (named as each standard prints them: a DL/T 645 data identifier, an OBIS
code, a DL/T 698.45 OAD) and returns ``Reading`` values; options that only some protocols use
live in one ``ClientOptions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol

ReadingValue = Decimal | datetime | date | time | str | int


def json_value(value: ReadingValue) -> str:
    """Decimals as exact decimal strings, dates and times in ISO form."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class Reading:
    item: str  # "00010000", "9010", "1.8.0", "00100200"
    name: str
    value: ReadingValue
    unit: str = ""
    name_zh: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "item": self.item,
            "name": self.name,
            "value": json_value(self.value),
            "unit": self.unit,
        }


@dataclass(frozen=True, slots=True)
class ClientOptions:
    # Per request, from the request's write to the reply's last byte; a streamed answer (an
    # IEC 62056-21 readout at 300 Bd) restarts it with every byte that arrives.
    timeout_s: float = 2.0
    retries: int = 1
    inter_frame_gap_s: float = 0.0
    password: str = ""  # DL/T 645 write password (PA + 6 hex digits) / IEC 62056-21 P1 password
    operator: str = ""  # DL/T 645 operator code (8 hex digits)
    wake_up: bool = False  # IEC 62056-21: battery meters' wake-up sequence before the sign-on
    switch_baud: bool = True  # IEC 62056-21: follow the meter's proposed baud rate
    client_address: int = 0x10  # DL/T 698.45: the master's client address (CA)


class MeterClient(Protocol):
    protocol: str

    def read(self, items: Sequence[str]) -> list[Reading]:
        """Read ``items`` in order; raises a ``DriverError`` naming the item that failed."""
        ...
