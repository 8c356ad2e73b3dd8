"""CRC-16/X-25 of DL/T 698.45 frames: the standard check value, the frames printed in the
standard, and agreement with a bit-by-bit reference on any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drivers.dlt698.crc import crc16, crc_bytes


def reference_crc(data: bytes) -> int:
    """Bit by bit, straight from the definition: reflected 0x1021, init FFFF, xorout FFFF."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def test_check_value() -> None:
    assert crc16(b"123456789") == 0x906E
    assert reference_crc(b"123456789") == 0x906E


def test_empty_input() -> None:
    assert crc16(b"") == 0x0000  # FFFF xor FFFF


def test_sent_low_byte_first() -> None:
    assert crc_bytes(b"123456789") == b"\x6e\x90"


def test_hcs_and_fcs_of_the_frames_printed_in_the_standard() -> None:
    # DL/T 698.45 appendix H: the master reads 40010200 from a wildcard address, and the reply.
    request = bytes.fromhex(
        "68 17 00 43 45 AA AA AA AA AA AA 00 5B 4F 05 01 25 40 01 02 00 00 0A 92 16"
    )
    reply = bytes.fromhex(
        "68 21 00 C3 05 33 09 20 39 00 00 00 4A 55 85 01 25 40 01 02 00 01 09 06 00 00 39 20 09"
        " 33 00 00 B2 D8 16"
    )
    assert crc_bytes(request[1:12]) == request[12:14]  # HCS over L..CA
    assert crc_bytes(request[1:-3]) == request[-3:-1]  # FCS over L..APDU
    assert crc_bytes(reply[1:12]) == reply[12:14]
    assert crc_bytes(reply[1:-3]) == reply[-3:-1]


def test_a_frame_with_its_fcs_leaves_the_good_residue() -> None:
    # The PPP property: the CRC register over data + FCS (before the final xor) is F0B8.
    data = bytes.fromhex("17 00 43 45 AA AA AA AA AA AA 00")
    assert crc16(data + crc_bytes(data)) ^ 0xFFFF == 0xF0B8


@given(st.binary(max_size=300))
def test_table_matches_the_bit_by_bit_reference(data: bytes) -> None:
    assert crc16(data) == reference_crc(data)
    assert crc16(bytearray(data)) == crc16(memoryview(data))
