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
        {"name": "forward active energy total", "value": "1234.56", "unit": "kWh"}
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


def test_a_protocol_not_yet_installed_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run(capsys, "--protocol", "qgdw1376.1", "68 32 00 32 00 68 16")
    assert code == 1
    assert report["error_kind"] == FrameKind.UNSUPPORTED
    assert "not installed yet" in str(report["error"])


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
