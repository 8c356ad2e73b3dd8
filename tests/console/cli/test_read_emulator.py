"""``smc emulator`` and ``smc read`` together, as a field engineer uses them: the emulator in its
own process on a pseudo-terminal (or TCP), the reader in this one; every protocol; the
documented exit codes for every way a read can fail."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console import __main__ as cli
from console.cli.read import EXIT_FRAME, EXIT_LINK, EXIT_REJECTED, EXIT_TIMEOUT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the emulator serves a pty")


class Emulator:
    """``smc emulator ...`` in a child process; ``url`` is the first line it prints."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console", "emulator", *args, "--duration", "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line:
            self.stop()
            raise AssertionError(f"the emulator printed no URL; stderr: {self.stderr}")
        self.url = line
        self.stderr = ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: the emulator's own clean stop
        _out, err = self.process.communicate(timeout=30)
        self.stderr = err
        self.returncode = self.process.returncode


@pytest.fixture(scope="module")
def dlt645() -> Iterator[Emulator]:
    emulator = Emulator("--pty", "--meters", "3")
    yield emulator
    emulator.stop()


def read(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = cli.main(["read", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_the_emulator_prints_a_serial_url_with_dl_t_645_settings(dlt645: Emulator) -> None:
    assert dlt645.url.startswith("serial:///dev/")
    assert dlt645.url.endswith("?baud=2400&bytesize=8&parity=E&stopbits=1")


def test_read_energy_and_voltage(capsys: pytest.CaptureFixture[str], dlt645: Emulator) -> None:
    code, report = read(
        capsys, "--link", dlt645.url, "--address", "000000000002", "--item", "00010000",
        "--item", "02010100",
    )  # fmt: skip
    assert code == 0, report
    assert report["ok"] is True
    values = report["values"]
    assert isinstance(values, list)
    assert [(v["item"], v["unit"]) for v in values] == [("00010000", "kWh"), ("02010100", "V")]
    assert float(values[0]["value"]) > 0
    assert 180 < float(values[1]["value"]) < 260  # a plausible phase voltage


def test_no_items_reads_the_protocols_default_set(
    capsys: pytest.CaptureFixture[str], dlt645: Emulator
) -> None:
    code, report = read(capsys, "--link", dlt645.url, "--address", "000000000001")
    assert code == 0, report
    items = {v["item"] for v in report["values"]}  # type: ignore[union-attr]
    assert {"00010000", "04000101", "04000102"} <= items


def test_a_wrong_address_times_out_with_a_hint(
    capsys: pytest.CaptureFixture[str], dlt645: Emulator
) -> None:
    code, report = read(
        capsys, "--link", dlt645.url, "--address", "000000000099", "--item", "00010000",
        "--timeout", "0.3", "--retries", "0",
    )  # fmt: skip
    assert code == EXIT_TIMEOUT
    assert report == {"ok": False, "error": report["error"], "error_kind": "timeout"}
    assert "000000000099" in str(report["error"])
    assert "AAAAAAAAAAAA" in str(report["error"])


def test_an_item_the_meter_lacks_is_rejected_with_its_error_bits(
    capsys: pytest.CaptureFixture[str], dlt645: Emulator
) -> None:
    code, report = read(
        capsys, "--link", dlt645.url, "--address", "000000000001", "--item", "0F0F0F0F"
    )
    assert code == EXIT_REJECTED
    assert report["error_kind"] == "rejected"
    assert "0F0F0F0F" in str(report["error"])
    assert "no requested data" in str(report["error"])


def test_an_unusable_link_exits_5(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = read(capsys, "--link", "serial:///dev/ttyNOSUCH", "--address", "000000000001")
    assert code == EXIT_LINK
    assert report["error_kind"] == "link"
    assert "/dev/ttyNOSUCH" in str(report["error"])
    assert "baud=2400" in str(report["error"])  # the protocol's settings were filled in


def test_a_corrupt_reply_exits_6(capsys: pytest.CaptureFixture[str]) -> None:
    """A serial server that answers every request with a reply whose checksum is wrong."""
    body = bytes.fromhex("68 01 00 00 00 00 00 68 91 08 33 33 34 33 89 67 45 33")
    corrupt = body + bytes(((sum(body) + 1) & 0xFF, 0x16))
    listener = socket.create_server(("127.0.0.1", 0))
    host, port = listener.getsockname()[:2]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            while conn.recv(256):
                conn.sendall(corrupt)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        code, report = read(
            capsys, "--link", f"tcp://{host}:{port}", "--address", "000000000001",
            "--item", "00010000", "--retries", "1", "--timeout", "2",
        )  # fmt: skip
    finally:
        listener.close()
    assert code == EXIT_FRAME
    assert report["error_kind"] == "frame:checksum"


def test_wildcard_address_reads_the_only_meter(capsys: pytest.CaptureFixture[str]) -> None:
    emulator = Emulator("--pty", "--meters", "1")
    try:
        code, report = read(capsys, "--link", emulator.url, "--address", "AAAAAAAAAAAA")
    finally:
        emulator.stop()
    assert code == 0, report
    assert report["values"] == [
        {"item": "address", "name": "communication address", "value": "000000000001", "unit": ""}
    ]


@pytest.mark.parametrize(
    ("protocol", "url_tail", "item", "unit"),
    [
        ("dlt645-1997", "baud=1200&bytesize=8&parity=E&stopbits=1", "9010", "kWh"),
        ("iec62056-21", "baud=300&bytesize=7&parity=E&stopbits=1", "1.8.0", "kWh"),
        ("dlt698.45", "baud=2400&bytesize=8&parity=E&stopbits=1", "00100200", "kWh"),
    ],
)
def test_every_protocol_end_to_end_on_a_pty(
    capsys: pytest.CaptureFixture[str], protocol: str, url_tail: str, item: str, unit: str
) -> None:
    emulator = Emulator("--pty", "--meters", "2", "--protocol", protocol)
    try:
        assert emulator.url.endswith(url_tail)
        code, report = read(
            capsys, "--link", emulator.url, "--protocol", protocol, "--address", "000000000002",
            "--item", item,
        )  # fmt: skip
    finally:
        emulator.stop()
    assert code == 0, report
    assert report["protocol"] == protocol
    values = report["values"]
    assert isinstance(values, list) and values
    assert values[0]["unit"] == unit
    assert float(values[0]["value"]) > 0


def test_serve_on_tcp_and_stop_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    emulator = Emulator("--serve", "tcp://127.0.0.1:0", "--meters", "2")
    try:
        assert emulator.url.startswith("tcp://127.0.0.1:")
        code, report = read(
            capsys, "--link", emulator.url, "--address", "000000000001", "--item", "00010000"
        )
    finally:
        emulator.stop()
    assert code == 0, report
    assert emulator.returncode == 0, emulator.stderr


def test_a_scenario_file_scripts_conditions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "county.toml"
    scenario.write_text(
        "[emulator]\nreply_delay_ms = 5\n\n"
        '[[meter]]\naddress = "310000000001"\nclass = "commercial"\n\n'
        '[[meter]]\naddress = "310000000002"\n\n'
        '[[event]]\nat_s = 0\naction = "dead"\nmeters = ["310000000002"]\n',
        encoding="utf-8",
    )
    emulator = Emulator("--pty", "--config", str(scenario))
    try:
        ok, _ = read(
            capsys, "--link", emulator.url, "--address", "310000000001", "--item", "00010000"
        )
        dead, report = read(
            capsys, "--link", emulator.url, "--address", "310000000002", "--item", "00010000",
            "--timeout", "0.3", "--retries", "0",
        )  # fmt: skip
    finally:
        emulator.stop()
    assert ok == 0
    assert dead == EXIT_TIMEOUT, report


def test_a_bad_scenario_file_is_named_and_exits_2(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text('[[meter]]\naddress = "12"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "console", "emulator", "--config", str(scenario)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "bad.toml" in done.stderr
    assert "address must be 12 digits" in done.stderr


def test_the_pty_goes_away_when_the_emulator_stops() -> None:
    emulator = Emulator("--pty", "--meters", "1")
    path = emulator.url.removeprefix("serial://").split("?")[0]
    emulator.stop()
    assert emulator.returncode == 0, emulator.stderr
    deadline = time.monotonic() + 10
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(path)


@pytest.mark.parametrize(
    ("protocol", "item"), [("dlt645-2007", "xyz"), ("dlt645-2007", "123456789"), ("dlt698.45", "1")]
)
def test_an_item_that_cannot_be_named_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], dlt645: Emulator, protocol: str, item: str
) -> None:
    code, report = read(
        capsys, "--link", dlt645.url, "--protocol", protocol, "--address", "000000000001",
        "--item", item,
    )  # fmt: skip
    assert code == 2
    assert report["error_kind"] == "usage"
    assert item in str(report["error"])


def test_spy_prints_the_traffic_on_stderr(
    capsys: pytest.CaptureFixture[str], dlt645: Emulator
) -> None:
    code = cli.main(
        ["read", "--link", f"spy+{dlt645.url}", "--address", "000000000001", "--item", "00010000"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out)["ok"] is True
    lines = captured.err.splitlines()
    # 4 wake-up bytes, then the frame for 000000000001 reading 00010000 (DI + 33 each byte).
    assert any(
        " TX FE FE FE FE 68 01 00 00 00 00 00 68 11 04 33 33 34 33 " in line for line in lines
    )
    received = " ".join(line.split(" RX ", 1)[1] for line in lines if " RX " in line)
    assert received.startswith("68 01 00 00 00 00 00 68 91 08 33 33 34 33 ")  # its reply
