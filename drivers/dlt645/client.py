"""The DL/T 645 client (2007 and 1997) over a link: reads with follow-up frames reassembled,
writes, address, freeze, baud, password and clear commands, broadcast time.

Items are data identifiers as printed in the standard (``00010000``, ``9010``); a load-profile
read names its time and record count: ``06000001@2026-11-21T10:00*4``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from drivers.api import ClientOptions, Reading
from drivers.bus import Bus, BusOptions
from drivers.dlt645 import dataids, dataids97
from drivers.dlt645.codec import Frame, encode
from drivers.dlt645.loadprofile import LoadRecord, parse_records
from drivers.dlt645.session import (
    Function,
    ItemExchange,
    Password,
    Request,
    broadcast_time_frame,
    change_baud_request,
    change_password_request,
    clear_request,
    follow_up_request,
    freeze_request,
    read_address_reply,
    read_address_request,
    read_payload,
    read_request,
    write_address_request,
    write_request,
)
from drivers.dlt645.values import DataItem, decode_values
from drivers.errors import FrameError, FrameKind
from drivers.link.base import Transport

MAX_FOLLOW_UPS = 255
UNLISTED_EN = "not in the standard's table: data bytes as sent (low byte first)"
UNLISTED_ZH = "标准表外数据项：原始数据字节（低字节在前）"


def _profile_request(text: str) -> tuple[int, bytes, str]:
    """``06000001@2026-11-21T10:00*4`` -> DI, request data (count + mmhhDDMMYY), label."""
    head, _, rest = text.partition("@")
    di = int(head, 16)
    if di != dataids.LOAD_PROFILE_AT:
        return di, b"", head.upper()
    if not rest:
        raise ValueError(
            f"{text!r}: a 06000001 read needs a time, e.g. 06000001@2026-11-21T10:00*4"
        )
    when_text, _, count_text = rest.partition("*")
    count = int(count_text or "1")
    if not 1 <= count <= 99:
        raise ValueError(f"{text!r}: 1 to 99 records at a time")
    when = datetime.fromisoformat(when_text)
    bcd = bytes(
        int(f"{v % 100:02d}", 16)
        for v in (count, when.minute, when.hour, when.day, when.month, when.year)
    )
    return di, bcd, f"{head.upper()}@{when.isoformat(timespec='minutes')}"


class Dlt645Client:
    """One meter at ``address`` on a link (which may carry other meters)."""

    def __init__(
        self,
        transport: Transport,
        address: str,
        options: ClientOptions | None = None,
        *,
        version: str = "2007",
    ) -> None:
        if version not in ("2007", "1997"):
            raise ValueError(f"DL/T 645 versions are 2007 and 1997, not {version!r}")
        opts = options or ClientOptions()
        self.protocol = f"dlt645-{version}"
        self.version = version
        self.address = address
        self.options = opts
        self.bus = Bus(
            transport,
            BusOptions(
                timeout_s=opts.timeout_s,
                retries=opts.retries,
                inter_frame_gap_s=opts.inter_frame_gap_s,
            ),
        )

    # ------------------------------------------------------------------ reads
    def lookup(self, text: str) -> DataItem:
        di = int(text.partition("@")[0], 16)
        return dataids.lookup(di) if self.version == "2007" else dataids97.lookup(di)

    def _item_or_unlisted(self, di: int) -> DataItem:
        """The table's item, or for a DI the table lacks (manufacturer items, later
        editions) one without fields: the meter's data comes back as raw bytes."""
        size = 4 if self.version == "2007" else 2
        if not 0 <= di < 1 << (8 * size):
            raise ValueError(f"item {di:X} is longer than a {size}-byte data identifier")
        table = dataids.ITEMS if self.version == "2007" else dataids97.ITEMS
        return table.get(di) or DataItem(di, UNLISTED_EN, UNLISTED_ZH, (), di_size=size)

    def read(self, items: Sequence[str]) -> list[Reading]:
        readings: list[Reading] = []
        for text in items:
            readings.extend(self.read_item(text))
        return readings

    def read_item(self, text: str) -> list[Reading]:
        try:
            di = int(text.partition("@")[0], 16)
        except ValueError:
            raise ValueError(f"item {text!r} is not a data identifier (e.g. 00010000)") from None
        if self.version == "2007" and di in dataids.LOAD_PROFILE:
            label, records = self.read_load_profile(text)
            di_text = label.partition("@")[0]
            return [
                Reading(
                    f"{di_text}@{r.at.isoformat(timespec='minutes')}",
                    v.field.name_en,
                    v.value,
                    v.unit,
                    v.field.name_zh,
                )
                for r in records
                for v in r.values
            ]
        item = self._item_or_unlisted(di)
        payload = self._read_payload(item)
        if not item.fields:
            return [Reading(item.di_hex, item.name_en, payload.hex(" ").upper(), "", item.name_zh)]
        values = decode_values(item, payload)
        return [
            Reading(item.di_hex, v.field.name_en, v.value, v.unit, v.field.name_zh) for v in values
        ]

    def read_values(self, di: int) -> dict[str, object]:
        """One identifier's fields by key (e.g. ``{"total": Decimal(...), "t1": ...}``)."""
        item = dataids.lookup(di) if self.version == "2007" else dataids97.lookup(di)
        return {v.key: v.value for v in decode_values(item, self._read_payload(item))}

    def read_load_profile(self, text: str) -> tuple[str, list[LoadRecord]]:
        di, extra, label = _profile_request(text)
        return label, parse_records(self._read_payload(dataids.load_profile_item(di), extra))

    def _read_payload(self, item: DataItem, extra: bytes = b"") -> bytes:
        request = read_request(self.address, item, extra)
        frame = self.bus.transact(ItemExchange(request, item))
        payload = read_payload(request, item, frame)
        seq = 1
        while frame.has_follow_up:  # the meter has more: ask for frame 1, 2, ... until done
            if seq > MAX_FOLLOW_UPS:
                raise FrameError(
                    FrameKind.LENGTH, f"{item.di_hex}: more than {MAX_FOLLOW_UPS} follow-up frames"
                )
            follow = follow_up_request(self.address, item, seq)
            frame = self.bus.transact(ItemExchange(follow, item))
            payload += read_payload(follow, item, frame)
            seq += 1
        return payload

    def read_address(self) -> str:
        """The address of the single meter on a point-to-point link (wildcard read, 0x13)."""
        request = read_address_request()
        return read_address_reply(request.check(self.bus.transact(ItemExchange(request))))

    # ------------------------------------------------------------------ commands
    def _password(self, password: Password | None) -> Password:
        if password is not None:
            return password
        if not self.options.password:
            raise ValueError("this command needs a password: ClientOptions.password = 'LL:DDDDDD'")
        return Password.parse(self.options.password)

    def _command(self, request: Request) -> Frame:
        return request.check(self.bus.transact(ItemExchange(request)))

    def write(
        self, di: int, values: Mapping[str, object], password: Password | None = None
    ) -> None:
        item = dataids.lookup(di) if self.version == "2007" else dataids97.lookup(di)
        self._command(
            write_request(
                self.address, item, values, self._password(password), self.options.operator
            )
        )

    def write_address(self, new_address: str) -> None:
        self._command(write_address_request(new_address))
        self.address = new_address

    def freeze(self, pattern: str = "99999999") -> None:
        self._command(freeze_request(self.address, pattern))

    def change_baud(self, baudrate: int) -> None:
        """Ask the meter to change rate (0x17); once it agrees, the link switches too."""
        self._command(change_baud_request(self.address, baudrate))
        self.bus.transport.set_baudrate(baudrate)

    def change_password(self, old: Password, new: Password) -> None:
        self._command(change_password_request(self.address, old, new))

    def clear_demand(self, password: Password | None = None) -> None:
        self._command(
            clear_request(
                self.address, Function.CLEAR_DEMAND, self._password(password), self.options.operator
            )
        )

    def clear_meter(self, password: Password | None = None) -> None:
        self._command(
            clear_request(
                self.address, Function.CLEAR_METER, self._password(password), self.options.operator
            )
        )

    def clear_events(self, event_di: int = 0xFFFFFFFF, password: Password | None = None) -> None:
        """Clear every event record (FFFFFFFF) or one kind: its records' DI3 DI2 DI1 and
        DI0 = FF, e.g. 031100FF for the power-down records."""
        self._command(
            clear_request(
                self.address,
                Function.CLEAR_EVENTS,
                self._password(password),
                self.options.operator,
                event_di,
            )
        )

    def broadcast_time(self, when: datetime) -> None:
        """Broadcast time sync to every meter on the link; no meter answers."""
        self.bus.broadcast(encode(broadcast_time_frame(when), wake_up=4))
