"""CRC-16/X-25, the HCS and FCS of a DL/T 698.45 frame (the PPP FCS-16 of RFC 1662).

Reflected polynomial 0x1021 (0x8408 bit-reversed), initial value 0xFFFF, final XOR 0xFFFF;
the result is sent low byte first. Check value: ``crc16(b"123456789") == 0x906E``.
"""

from __future__ import annotations

_POLY_REFLECTED = 0x8408


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY_REFLECTED if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc16(data: bytes | bytearray | memoryview) -> int:
    """The X-25 CRC of ``data`` (an int 0..0xFFFF; put it on the wire with ``crc_bytes``)."""
    crc = 0xFFFF
    table = _TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc ^ 0xFFFF


def crc_bytes(data: bytes | bytearray | memoryview) -> bytes:
    """The CRC of ``data`` as sent: low byte first."""
    return crc16(data).to_bytes(2, "little")
