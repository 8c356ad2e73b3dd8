"""``smc decode``: a frame pasted from a log becomes JSON; the protocol is recognised; bad input
exits 1 with a typed error instead of a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from console import __main__ as cli
from console.cli.decode import decode, parse_hex
from drivers.errors import FrameError, FrameKind


def checksum(frame: bytes) -> int:
    """DL/T 645's CS: the byte sum from the first 68 through the data, modulo 256."""
    return sum(frame) & 0xFF


def dlt645_reply(address_wire: bytes, data_wire: bytes, control: int = 0x91) -> bytes:
    body = b"\x68" + address_wire + b"\x68" + bytes((control, len(data_wire))) + data_wire
    return body + bytes((checksum(body), 0x16))


# Meter 000000000001 answers 00010000 with 1234.56 kWh: DI and BCD 00 12 34 56, each byte +33.
READ_REPLY = dlt645_reply(bytes.fromhex("010000000000"), bytes.fromhex("33333433 89674533"))
# DL/T 698.45 appendix H: the reply to a read of 40010200 (communication address 000000392009 ...)
DLT698_REPLY = bytes.fromhex(
    "68 21 00 C3 05 33 09 20 39 00 00 00 4A 55 85 01 25 40 01 02 00 01 09 06 00 00 39 20 09"
    " 33 00 00 B2 D8 16"
)
# Q/GDW 1376.1 login (AFN 02 F1) of terminal 3301-04660: CS = C9 + 01 + 33 + 34 + 12 + 02 + 70
# + 01 = 438 = 1B6H -> B6 (see tests/drivers/gdw376/test_codec.py).
GDW1376_LOGIN = bytes.fromhex("68 32 00 32 00 68 C9 01 33 34 12 00 02 70 00 00 01 00 B6 16")
# AFN 10 F1: the master forwards the DL/T 645 read of 00010000 to meter 123456789012 on port 2.
GDW1376_FORWARD = bytes.fromhex(
    "68 CA 00 CA 00 68 4B 01 33 34 12 02 10 60 00 00 01 00 02 6B 82 0A 10 00 68 12 90 78 56 34"
    " 12 68 11 04 33 33 34 33 68 16" + " 00" * 16 + " 27 16"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = cli.main(["decode", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_a_645_read_reply_decodes_to_values_with_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run(capsys, READ_REPLY.hex(" "))
    assert code == 0
    assert report["protocol"] == "dlt645-2007"
    assert report["valid"] is True
    assert report["direction"] == "response"
    assert report["address"] == "000000000001"
    assert report["di"] == "00010000"
    assert report["values"] == [
        {
            "name": "forward active energy total",
            "name_zh": "正向有功电能总",
            "value": "1234.56",
            "unit": "kWh",
        }
    ]


def test_spaces_wake_up_bytes_and_leading_noise_are_accepted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    noisy = "00 fe fe fe fe " + READ_REPLY.hex(" ")
    code, report = run(capsys, *noisy.split())
    assert code == 0
    assert report["address"] == "000000000001"
    code, report = run(capsys, READ_REPLY.hex())  # one word, no spaces
    assert code == 0


def test_the_protocol_is_recognised_for_every_installed_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = run(capsys, DLT698_REPLY.hex())
    assert (code, report["protocol"], report["direction"]) == (0, "dlt698.45", "response")
    code, report = run(capsys, b"/?12345678!\r\n".hex())
    assert (code, report["protocol"], report["address"]) == (0, "iec62056-21", "12345678")
    request_1997 = dlt645_reply(bytes.fromhex("010000000000"), bytes.fromhex("43C3"), control=0x01)
    code, report = run(capsys, request_1997.hex())
    assert (code, report["protocol"], report["function"]) == (0, "dlt645-1997", "read")


def test_a_bad_checksum_is_named_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    corrupt = bytearray(READ_REPLY)
    corrupt[-2] ^= 0xFF
    code, report = run(capsys, corrupt.hex())
    assert code == 1
    assert report["valid"] is False
    assert report["error_kind"] == FrameKind.CHECKSUM
    assert "checksum" in str(report["error"]).lower()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("68 01 00 zz", FrameKind.VALUE_FORMAT),  # not hex
        ("68 01 0", FrameKind.VALUE_FORMAT),  # an odd number of digits
        (READ_REPLY[:-3].hex(), FrameKind.TRUNCATED),
    ],
)
def test_bad_input_gets_a_typed_error(
    capsys: pytest.CaptureFixture[str], text: str, kind: FrameKind
) -> None:
    code, report = run(capsys, *text.split())
    assert code == 1
    assert report["valid"] is False
    assert report["error_kind"] == kind


def test_a_376_frame_is_decoded_when_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run(capsys, "--protocol", "qgdw1376.1", GDW1376_LOGIN.hex(" "))
    assert code == 0
    assert (report["protocol"], report["valid"], report["afn"]) == ("qgdw1376.1", True, 2)
    assert report["address"] == {
        "district": "3301",
        "terminal": 0x1234,
        "master": 0,
        "group": False,
    }
    assert report["items"] == [{"pn": 0, "fn": 1, "name": "login", "name_zh": "登录", "values": {}}]
    code, report = run(capsys, "--protocol", "qgdw1376.1", "68 32 00 32 00 68 16")
    assert (code, report["valid"], report["error_kind"]) == (1, False, FrameKind.TRUNCATED)


def test_a_376_frame_is_recognised(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run(capsys, "00 FE FE", GDW1376_LOGIN.hex(" "))
    assert (code, report["protocol"], report["function_name"]) == (0, "qgdw1376.1", "link test")
    code, report = run(capsys, GDW1376_FORWARD.hex())
    assert (code, report["protocol"], report["afn"]) == (0, "qgdw1376.1", 0x10)
    assert report["items"][0]["forwarded"]["protocol"] == "dlt645-2007"  # type: ignore[index]


def test_a_corrupt_376_frame_reports_its_own_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Not the DL/T 645 frame it forwards, which is intact."""
    corrupt = bytearray(GDW1376_FORWARD)
    corrupt[-2] ^= 0xFF
    code, report = run(capsys, corrupt.hex())
    assert (code, report["valid"], report["error_kind"]) == (1, False, FrameKind.CHECKSUM)
    assert "protocol" not in report
    code, report = run(capsys, GDW1376_LOGIN[:-3].hex())
    assert (code, report["error_kind"]) == (1, FrameKind.TRUNCATED)


def test_a_645_frame_whose_address_looks_like_a_376_header_is_still_645(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Address 006800320032 is 32 00 32 00 68 00 on the wire: 68 32 00 32 00 68 opens the frame.
    read = dlt645_reply(bytes.fromhex("320032006800"), bytes.fromhex("33333433"), control=0x11)
    assert read[:6] == bytes.fromhex("68 32 00 32 00 68")
    code, report = run(capsys, read.hex())
    assert (code, report["protocol"], report["address"]) == (0, "dlt645-2007", "006800320032")


def test_a_376_frame_with_undecodable_data_units_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # AFN 0C F33 (DT 01 04) is not in the data-unit table: the frame fields are still shown.
    user = bytes.fromhex("88 01 33 34 12 02 0C 61 00 00 01 04")
    length = (len(user) << 2 | 2).to_bytes(2, "little")
    raw = b"\x68" + length + length + b"\x68" + user + bytes((sum(user) & 0xFF, 0x16))
    code, report = run(capsys, raw.hex())
    assert (code, report["valid"], report["error_kind"]) == (1, False, FrameKind.UNSUPPORTED)
    assert (report["protocol"], report["afn"], report["raw_data"]) == (
        "qgdw1376.1",
        0x0C,
        "00 00 01 04",
    )


def test_a_376_frame_forced_as_another_protocol_is_invalid() -> None:
    assert decode(GDW1376_LOGIN, "dlt645")["valid"] is False
    assert decode(READ_REPLY, "qgdw1376.1")["valid"] is False


def test_a_forced_protocol_is_used_even_when_another_would_fit() -> None:
    report = decode(READ_REPLY, "dlt645-1997")
    assert report["protocol"] == "dlt645-1997"
    forced = decode(READ_REPLY, "dlt698.45")
    assert forced["valid"] is False


def test_parse_hex_accepts_log_styles() -> None:
    assert parse_hex(["0x6816"]) == b"\x68\x16"
    assert parse_hex(["68:16", "16-68"]) == b"\x68\x16\x16\x68"
    with pytest.raises(FrameError):
        parse_hex(["6g"])


def test_the_installed_command_prints_utf8_json() -> None:
    """The real process: JSON on stdout, nothing on stderr, exit status as documented."""
    done = subprocess.run(
        [sys.executable, "-m", "console", "decode", READ_REPLY.hex()],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["values"][0]["value"] == "1234.56"
    assert done.stderr == ""
