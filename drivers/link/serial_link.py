"""``serial://PORT?baud=2400&bytesize=8&parity=E&stopbits=1``: a serial port through pyserial.

RS-485 options: ``rs485=1`` lets the driver switch the transceiver with RTS (where the
platform supports it), ``turnaround_ms`` waits after sending before listening (slow
converters), ``echo=1`` drops the echo of our own bytes that 2-wire converters return.
"""

from __future__ import annotations

import errno
import logging
import select
import sys
import time
from typing import Any

import serial
import serial.rs485

from drivers.errors import LinkUrlError, TransportError
from drivers.link.base import LinkUrl, Transport, register_scheme

log = logging.getLogger(__name__)


def termios_errors() -> tuple[type[BaseException], ...]:
    """``termios.error`` where it exists (POSIX); pyserial lets it escape from ``open``."""
    try:
        import termios  # noqa: PLC0415  (POSIX only)
    except ImportError:
        return ()
    return (termios.error,)


def _is_pty(path: str) -> bool:
    return path.startswith(("/dev/pts/", "/dev/ttys", "/dev/pty"))


_RS485_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    OSError,
    NotImplementedError,
    *termios_errors(),
)
PARITIES = {
    "N": serial.PARITY_NONE,
    "E": serial.PARITY_EVEN,
    "O": serial.PARITY_ODD,
    "M": serial.PARITY_MARK,
    "S": serial.PARITY_SPACE,
}
STOPBITS = {
    "1": serial.STOPBITS_ONE,
    "1.5": serial.STOPBITS_ONE_POINT_FIVE,
    "2": serial.STOPBITS_TWO,
}


class SerialTransport:
    def __init__(self, url: LinkUrl) -> None:
        self._text = url.text
        self.port = url.path
        parity = url.params.get("parity", "E").upper()
        stopbits = url.params.get("stopbits", "1")
        bytesize = url.int_param("bytesize", 8)
        if parity not in PARITIES:
            raise LinkUrlError(
                f"{url.text}: parity must be one of {', '.join(PARITIES)}, not {parity!r}"
            )
        if stopbits not in STOPBITS:
            raise LinkUrlError(f"{url.text}: stopbits must be 1, 1.5 or 2, not {stopbits!r}")
        if bytesize not in (5, 6, 7, 8):
            raise LinkUrlError(f"{url.text}: bytesize must be 5 to 8, not {bytesize}")
        # What is handed to pyserial (tests check it: a pty ignores parity, so only this shows it).
        self.settings: dict[str, Any] = {
            "baudrate": url.int_param("baud", 2400),
            "bytesize": bytesize,
            "parity": PARITIES[parity],
            "stopbits": STOPBITS[stopbits],
        }
        self.rs485 = url.bool_param("rs485")
        self.echo = url.bool_param("echo")
        self.turnaround_s = url.float_param("turnaround_ms", 0.0) / 1000
        self._serial: serial.Serial | None = None
        self._echo_pending = bytearray()

    @property
    def url(self) -> str:
        return self._text

    def open(self) -> None:
        try:
            port = self._open_port(self.settings)
        except serial.SerialException as err:
            if (
                getattr(err, "errno", None) in (errno.EBUSY, errno.EAGAIN)
                or "lock" in str(err).lower()
            ):
                raise TransportError(
                    f"{self.url}: port {self.port} is busy (another program uses it)"
                ) from err
            raise TransportError(f"{self.url}: cannot open {self.port}: {err}") from err
        except ValueError as err:
            raise TransportError(f"{self.url}: pyserial rejects the settings: {err}") from err
        except OSError as err:  # includes termios errors, re-raised as OSError by _open_port
            raise TransportError(f"{self.url}: cannot configure {self.port}: {err}") from err
        if self.rs485:
            try:
                port.rs485_mode = serial.rs485.RS485Settings(
                    rts_level_for_tx=True, rts_level_for_rx=False
                )
            except _RS485_ERRORS as err:
                port.close()
                raise TransportError(
                    f"{self.url}: this platform cannot switch RS-485 by RTS ({err}); use a "
                    "converter with automatic direction control and drop rs485=1"
                ) from err
        self._serial = port

    def _open_port(self, settings: dict[str, Any]) -> serial.Serial:
        try:
            return serial.Serial(
                port=self.port, timeout=0, write_timeout=5, exclusive=True, **settings
            )
        except termios_errors() as err:
            # A pseudo-terminal cannot store parity, and tcsetattr fails with EINVAL when
            # nothing it was asked for can be applied (a reopened pty where only parity differs).
            if err.args and err.args[0] == errno.EINVAL and _is_pty(self.port):
                log.info("%s: a pseudo-terminal ignores parity; opened without it", self.url)
                return serial.Serial(
                    port=self.port,
                    timeout=0,
                    write_timeout=5,
                    exclusive=True,
                    **{**settings, "parity": serial.PARITY_NONE},
                )
            raise OSError(*err.args) from err

    def _port(self) -> serial.Serial:
        if self._serial is None:
            raise TransportError(f"{self.url}: the port is not open")
        return self._serial

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None

    def write(self, data: bytes) -> None:
        port = self._port()
        try:
            port.write(data)
            if self.turnaround_s:
                port.flush()  # until the last bit has left, then let the line turn around
                time.sleep(self.turnaround_s)
        except serial.SerialException as err:
            raise TransportError(f"{self.url}: write failed: {err}") from err
        if self.echo:
            self._echo_pending += data

    def read(self, max_bytes: int, deadline: float) -> bytes:
        port = self._port()
        while True:
            remaining = deadline - time.monotonic()
            try:
                self._wait_readable(port, max(0.0, remaining))
                data = port.read(min(max(port.in_waiting, 1), max_bytes))
            except (serial.SerialException, OSError) as err:
                raise TransportError(f"{self.url}: read failed: {err}") from err
            data = self._drop_echo(data)
            if data or remaining <= 0:
                return data

    @staticmethod
    def _wait_readable(port: serial.Serial, timeout: float) -> None:
        """Block until a byte can be read or ``timeout`` passes, without reconfiguring the port
        (pyserial rewrites every termios setting whenever its timeout is assigned)."""
        if hasattr(port, "fileno") and sys.platform != "win32":
            select.select([port.fileno()], [], [], timeout)
        elif port.timeout != timeout:
            port.timeout = timeout

    def _drop_echo(self, data: bytes) -> bytes:
        """A 2-wire converter hears what we send: drop the bytes that repeat our request."""
        pending = self._echo_pending
        i = 0
        while pending and i < len(data) and data[i] == pending[0]:
            del pending[0]
            i += 1
        if i < len(data):
            pending.clear()  # anything else means the echo is over (or there was none)
        return data[i:]

    def set_baudrate(self, baudrate: int) -> None:
        self.settings["baudrate"] = baudrate
        port = self._serial
        if port is None or port.baudrate == baudrate:
            return
        try:
            port.baudrate = baudrate
        except termios_errors() as err:
            if not (err.args and err.args[0] == errno.EINVAL and _is_pty(self.port)):
                raise TransportError(f"{self.url}: cannot switch to {baudrate} Bd: {err}") from err
            # As in open: a pty stores no parity, so asking for it again fails.
            port.parity = serial.PARITY_NONE
            port.baudrate = baudrate
        except (ValueError, serial.SerialException) as err:
            raise TransportError(f"{self.url}: cannot switch to {baudrate} Bd: {err}") from err


def _from_url(url: LinkUrl) -> Transport:
    return SerialTransport(url)


register_scheme("serial", _from_url)
