"""The DL/T 698.45 meter client: reads OADs over one bus, plus the LINK login and heartbeat.

Several OADs go out in one GET-Request NormalList; every value comes back as a ``Reading``
(an array OAD read whole gives one Reading per element, e.g. 00100201..00100205).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from drivers.api import ClientOptions, Reading
from drivers.bus import Bus, BusOptions
from drivers.dlt698.apdu import (
    SEQUENCE_MASK,
    GetRequest,
    GetRequestNormal,
    GetRequestNormalList,
    LinkRequest,
    LinkRequestType,
    LinkResponse,
)
from drivers.dlt698.axdr import Oad
from drivers.dlt698.codec import server_address
from drivers.dlt698.session import GetExchange, LinkExchange
from drivers.link.base import Transport

PROTOCOL = "dlt698.45"
MAX_OADS_PER_REQUEST = 10  # keeps a NormalList reply well inside a meter's APDU size
DEFAULT_HEARTBEAT_S = 300


def parse_item(item: str) -> Oad:
    """An item as the standard prints it (``00100200``, ``20000201``) as an OAD."""
    try:
        return Oad.parse(item)
    except ValueError:  # the caller's input, not the meter's: a usage error
        raise ValueError(
            f"item {item!r} is not a DL/T 698.45 OAD (8 hex digits, e.g. 00100200)"
        ) from None


class Dlt698Client:
    """Reads one meter; ``address`` is its 12-digit communication address (A = wildcard)."""

    protocol = PROTOCOL

    def __init__(
        self,
        transport: Transport,
        address: str,
        options: ClientOptions | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.options = options or ClientOptions()
        self.server = server_address(address)
        if not 0 <= self.options.client_address <= 0xFF:
            raise ValueError(f"client address must be a byte, got {self.options.client_address}")
        self.bus = Bus(
            transport,
            BusOptions(
                timeout_s=self.options.timeout_s,
                retries=self.options.retries,
                inter_frame_gap_s=self.options.inter_frame_gap_s,
            ),
        )
        self._clock = clock  # only for the request time of LINK-Requests
        self._sequence = 0

    def _next_piid(self) -> int:
        self._sequence = (self._sequence + 1) & SEQUENCE_MASK
        return self._sequence

    def read(self, items: Sequence[str]) -> list[Reading]:
        """Read ``items`` in order; raises a ``DriverError`` naming the item that failed."""
        oads = [parse_item(item) for item in items]
        readings: list[Reading] = []
        for start in range(0, len(oads), MAX_OADS_PER_REQUEST):
            chunk = oads[start : start + MAX_OADS_PER_REQUEST]
            request: GetRequest
            if len(chunk) == 1:
                request = GetRequestNormal(self._next_piid(), chunk[0])
            else:
                request = GetRequestNormalList(self._next_piid(), tuple(chunk))
            exchange = GetExchange(self.server, self.options.client_address, request)
            for value in exchange.interpret(self.bus.transact(exchange)):
                readings.append(
                    Reading(str(value.oad), value.name_en, value.value, value.unit, value.name_zh)
                )
        return readings

    def _link(self, kind: LinkRequestType, heartbeat_s: int) -> LinkResponse:
        request = LinkRequest(self._next_piid(), kind, heartbeat_s, self._clock())
        exchange = LinkExchange(self.server, self.options.client_address, request)
        return exchange.interpret(self.bus.transact(exchange))

    def login(self, heartbeat_s: int = DEFAULT_HEARTBEAT_S) -> LinkResponse:
        return self._link(LinkRequestType.LOGIN, heartbeat_s)

    def heartbeat(self, heartbeat_s: int = DEFAULT_HEARTBEAT_S) -> LinkResponse:
        return self._link(LinkRequestType.HEARTBEAT, heartbeat_s)

    def logout(self) -> LinkResponse:
        return self._link(LinkRequestType.LOGOUT, 0)


def open_client(transport: Transport, address: str, options: ClientOptions) -> Dlt698Client:
    """The ``ProtocolSpec.open_client`` of DL/T 698.45 (the transport is already open)."""
    return Dlt698Client(transport, address, options)
