"""DL/T 645-2007 load-profile (负荷记录) records: the block a meter returns for 0600000x reads.

A record is A0 A0, a byte count, the record time (YYMMDDhhmm), six sections each closed by AA
(volts/amps/frequency; active and reactive power; power factors; energies; quadrant reactive
energies; demands), a checksum and E5 E5. A meter may leave a section out: it then sends only
its AA (a field's first byte is BCD, so it can never be AA).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from drivers.dlt645.values import DataItem, Field, FieldKind, Value, decode_field, encode_values
from drivers.errors import FrameError, FrameKind

START = b"\xa0\xa0"
END = b"\xe5\xe5"
SEPARATOR = 0xAA


def _f(
    names: tuple[str, str, str], size: int, decimals: int, unit: str, *, signed: bool = False
) -> Field:
    key, en, zh = names
    return Field(
        key, en, zh, size, decimals, unit, FieldKind.SIGNED if signed else FieldKind.UNSIGNED
    )


_PH = (("a", "A", "A相"), ("b", "B", "B相"), ("c", "C", "C相"))
_TP = (("total", "total", "总"), *_PH)

SECTIONS: tuple[tuple[Field, ...], ...] = (
    (
        *(_f((f"voltage_{k}", f"voltage {e}", f"{z}电压"), 2, 1, "V") for k, e, z in _PH),
        *(
            _f((f"current_{k}", f"current {e}", f"{z}电流"), 3, 3, "A", signed=True)
            for k, e, z in _PH
        ),
        _f(("frequency", "frequency", "频率"), 2, 2, "Hz"),
    ),
    (
        *(
            _f((f"active_{k}", f"active power {e}", f"{z}有功功率"), 3, 4, "kW", signed=True)
            for k, e, z in _TP
        ),
        *(
            _f((f"reactive_{k}", f"reactive power {e}", f"{z}无功功率"), 3, 4, "kvar", signed=True)
            for k, e, z in _TP
        ),
    ),
    tuple(
        _f((f"pf_{k}", f"power factor {e}", f"{z}功率因数"), 2, 3, "", signed=True)
        for k, e, z in _TP
    ),
    (
        _f(("forward_active", "forward active energy", "正向有功总电能"), 4, 2, "kWh"),
        _f(("reverse_active", "reverse active energy", "反向有功总电能"), 4, 2, "kWh"),
        _f(("combined_reactive_1", "combined reactive energy 1", "组合无功1总电能"), 4, 2, "kvarh"),
        _f(("combined_reactive_2", "combined reactive energy 2", "组合无功2总电能"), 4, 2, "kvarh"),
    ),
    tuple(
        _f((f"q{q}", f"quadrant {q} reactive energy", f"第{q}象限无功总电能"), 4, 2, "kvarh")
        for q in range(1, 5)
    ),
    (
        _f(("active_demand", "active demand", "有功需量"), 3, 4, "kW"),
        _f(("reactive_demand", "reactive demand", "无功需量"), 3, 4, "kvar"),
    ),
)
_TIME = Field("time", "record time", "记录时间", 5, kind=FieldKind.TIMESTAMP, layout="YYMMDDhhmm")


@dataclass(frozen=True, slots=True)
class LoadRecord:
    at: datetime
    values: tuple[Value, ...]  # every field of the sections the meter sent

    def value(self, key: str) -> Value | None:
        return next((v for v in self.values if v.key == key), None)


def encode_record(
    at: datetime, values: Mapping[str, object], *, sections: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
) -> bytes:
    """One record with the given ``sections`` (indexes into ``SECTIONS``) filled in."""
    body = bytearray(encode_values(DataItem(0, "", "", (_TIME,)), {"time": at}))
    for index, fields in enumerate(SECTIONS):
        if index in sections:
            body += encode_values(DataItem(0, "", "", fields), values)
        body.append(SEPARATOR)
    head = START + bytes((len(body),))
    return head + body + bytes((sum(head + body) & 0xFF,)) + END


def parse_records(data: bytes) -> list[LoadRecord]:
    """Every record in ``data`` (the payload after the DI); ``FrameError`` names what is wrong."""
    records = []
    pos = 0
    while pos < len(data):
        record, pos = _parse_one(data, pos)
        records.append(record)
    return records


def _parse_one(data: bytes, pos: int) -> tuple[LoadRecord, int]:
    body, end = _record_body(data, pos)
    at = decode_field(_TIME, body[:5]).value
    if not isinstance(at, datetime):
        raise FrameError(FrameKind.VALUE_FORMAT, "load record time is not a date and time")
    return LoadRecord(at, _sections(body)), end


def _record_body(data: bytes, pos: int) -> tuple[bytes, int]:
    """The bytes between the byte count and the checksum, framing checked; and where it ends."""
    where = f"load record at byte {pos}"
    if len(data) - pos < len(START) and START.startswith(data[pos:]):
        raise FrameError(FrameKind.TRUNCATED, f"{where}: the data ends inside A0 A0")
    if data[pos : pos + 2] != START:
        raise FrameError(
            FrameKind.HEADER, f"{where}: expected A0 A0, got {data[pos : pos + 2].hex(' ')}"
        )
    if pos + 3 > len(data):
        raise FrameError(FrameKind.TRUNCATED, f"{where}: no byte count")
    count = data[pos + 2]
    cs_at = pos + 3 + count
    if cs_at + 3 > len(data):
        present = len(data) - pos - 6
        raise FrameError(FrameKind.LENGTH, f"{where}: {count} bytes announced, {present} present")
    expected = sum(data[pos:cs_at]) & 0xFF
    if data[cs_at] != expected:
        raise FrameError(
            FrameKind.CHECKSUM, f"{where}: checksum expected {expected:02X}, got {data[cs_at]:02X}"
        )
    if data[cs_at + 1 : cs_at + 3] != END:
        raise FrameError(FrameKind.END_BYTE, f"{where}: expected end E5 E5")
    return data[pos + 3 : cs_at], cs_at + 3


def _sections(body: bytes) -> tuple[Value, ...]:
    values: list[Value] = []
    i = 5
    for fields in SECTIONS:
        if i >= len(body):
            raise FrameError(FrameKind.LENGTH, "load record ends before its six sections")
        if body[i] != SEPARATOR:
            for f in fields:
                if i + f.size > len(body):
                    raise FrameError(FrameKind.LENGTH, f"load record: {f.name_en} cut short")
                values.append(decode_field(f, body[i : i + f.size]))
                i += f.size
            if i >= len(body) or body[i] != SEPARATOR:
                raise FrameError(
                    FrameKind.VALUE_FORMAT, f"load record: section not closed by AA at {i}"
                )
        i += 1
    if i != len(body):
        raise FrameError(FrameKind.LENGTH, f"load record: {len(body) - i} bytes after the sections")
    return tuple(values)
