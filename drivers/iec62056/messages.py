"""IEC 62056-21 mode C messages as frozen dataclasses, with the standard's characters and limits;
the codec turns them into bytes and back, the session and the emulator reason with them."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.iec62056.dataset import DataLine, DataSet

SOH, STX, ETX, ACK, NAK = 0x01, 0x02, 0x03, 0x06, 0x15
CR, LF = 0x0D, 0x0A
# Mode C baud characters (IEC 62056-21 §6.3.14, item 13): '0'..'6'.
BAUD_RATES = {"0": 300, "1": 600, "2": 1200, "3": 2400, "4": 4800, "5": 9600, "6": 19200}
BAUD_CHARS = {rate: char for char, rate in BAUD_RATES.items()}
MODE_READOUT, MODE_PROGRAMMING = "0", "1"
COMMAND_LETTERS = "PWREB"  # password, write, read, execute, break
MAX_ADDRESS_LEN = 32  # device address in the sign-on
MAX_IDENT_LEN = 16  # identification, escape sequences not counted
MAX_LINE = 64  # a '/' message longer than this without CR LF is not one
MAX_COMMAND = 1024
MAX_BLOCK = 32768


@dataclass(frozen=True, slots=True)
class SignOn:
    """``/? [address] ! CR LF``: the master's request; no address on a point-to-point link."""

    address: str = ""


@dataclass(frozen=True, slots=True)
class Identification:
    """``/XXXZ[\\W]ident CR LF``: the meter's answer, proposing the baud rate ``Z``."""

    manufacturer: str
    baud_char: str
    identification: str
    enhanced: tuple[str, ...] = ()  # the W of each "\\W" escape (e.g. "2": HDLC available)

    @property
    def baud(self) -> int:
        return BAUD_RATES[self.baud_char]


@dataclass(frozen=True, slots=True)
class OptionSelect:
    """``ACK V Z Y CR LF``: protocol control V, baud character Z, mode Y (readout/programming)."""

    protocol: str = "0"
    baud_char: str = "0"
    mode: str = MODE_READOUT

    @property
    def baud(self) -> int:
        return BAUD_RATES[self.baud_char]


@dataclass(frozen=True, slots=True)
class Ack:
    """A bare ACK (0x06): a command was carried out."""


@dataclass(frozen=True, slots=True)
class Nak:
    """A bare NAK (0x15): the last message was not understood; repeat or give up."""


@dataclass(frozen=True, slots=True)
class Command:
    """``SOH C D [STX data set] ETX BCC``: P0/P1 password, R1 read, W1 write, B0 break."""

    command: str  # "P1", "R1", "W1", "B0", ...
    data: DataSet | None = None


@dataclass(frozen=True, slots=True)
class DataMessage:
    """``STX block ! CR LF ETX BCC`` (a readout) or ``STX block ETX BCC`` (a programming reply)."""

    lines: tuple[DataLine, ...]
    readout: bool = True

    @property
    def data_sets(self) -> tuple[DataSet, ...]:
        return tuple(data_set for line in self.lines for data_set in line)

    @property
    def error(self) -> str | None:
        """The meter's error text for an ``(ERxx)``-style reply: one data set, no address."""
        sets = self.data_sets
        if len(sets) != 1 or sets[0].address or len(sets[0].values) != 1:
            return None
        text = sets[0].value.text
        return text if text.startswith("ER") and not sets[0].value.unit else None


Message = SignOn | Identification | OptionSelect | Ack | Nak | Command | DataMessage
