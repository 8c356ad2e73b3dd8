"""DL/T 698.45 client exchanges, sans-IO: each knows its request bytes, which reply is its own,
and how to turn that reply into named values or a typed error.

The bus (``drivers.bus``) moves the bytes; nothing here touches a transport or a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drivers.dlt698.apdu import (
    ERROR_NAMES,
    LINK_RESULT_NAMES,
    SEQUENCE_MASK,
    Apdu,
    ErrorResponse,
    GetRequest,
    GetRequestNormal,
    GetResponseNormal,
    GetResponseNormalList,
    LinkRequest,
    LinkResponse,
    dar_name,
    decode_apdu,
    encode_apdu,
)
from drivers.dlt698.axdr import DataType, Oad
from drivers.dlt698.codec import (
    Frame,
    Function,
    ServerAddress,
    StreamDecoder,
    control_byte,
    encode,
)
from drivers.dlt698.oad import NamedValue, lookup, named_values
from drivers.errors import FrameError, MeterRejectedError

DEFAULT_WAKE_UP = 4  # FE bytes before a request, as RS-485 meters expect


@dataclass(frozen=True, slots=True)
class Reply:
    """A frame heard on the link, with its APDU decoded (or why it could not be)."""

    frame: Frame
    apdu: Apdu | None
    error: FrameError | None = None


class ReplyDecoder:
    """Frames from a byte stream, each paired with its decoded APDU."""

    __slots__ = ("_frames",)

    def __init__(self) -> None:
        self._frames = StreamDecoder()

    def feed(self, data: bytes) -> list[Reply | FrameError]:
        out: list[Reply | FrameError] = []
        for item in self._frames.feed(data):
            if isinstance(item, FrameError):
                out.append(item)
                continue
            try:
                out.append(Reply(item, decode_apdu(item.apdu)))
            except FrameError as err:
                out.append(Reply(item, None, err))
        return out


def describe_oads(oads: Sequence[Oad]) -> str:
    parts = []
    for oad in oads:
        obj = lookup(oad)
        parts.append(f"{oad} ({obj.name_en})" if obj is not None else str(oad))
    return ", ".join(parts)


def _from_our_meter(server: ServerAddress, frame: Frame, function: Function) -> bool:
    """A reply (DIR=1) of the right function from a meter the request addressed."""
    return frame.from_server and frame.function == function and server.matches(frame.server.address)


def _same_piid(a: int, b: int) -> bool:
    return (a & SEQUENCE_MASK) == (b & SEQUENCE_MASK)


def _rejected_by_error(frame: Frame, apdu: ErrorResponse, what: str) -> MeterRejectedError:
    name = ERROR_NAMES.get(apdu.error, "other error")
    return MeterRejectedError(
        f"meter {frame.server.address} answered {what} with ERROR-Response: {name} "
        f"(type {apdu.error})",
        (name,),
    )


@dataclass(frozen=True, slots=True)
class GetExchange:
    """One GET-Request (Normal or NormalList) to one meter."""

    server: ServerAddress
    client: int
    request: GetRequest
    wake_up: int = DEFAULT_WAKE_UP

    @property
    def oads(self) -> tuple[Oad, ...]:
        if isinstance(self.request, GetRequestNormal):
            return (self.request.oad,)
        return self.request.oads

    def frame(self) -> Frame:
        control = control_byte(Function.USER_DATA, from_server=False)
        return Frame(control, self.server, self.client, encode_apdu(self.request))

    def encode(self) -> bytes:
        return encode(self.frame(), wake_up=self.wake_up)

    def new_decoder(self) -> ReplyDecoder:
        return ReplyDecoder()

    def describe(self) -> str:
        return f"meter {self.server.address} GET {describe_oads(self.oads)}"

    def matches(self, reply: Reply) -> bool:
        if not _from_our_meter(self.server, reply.frame, Function.USER_DATA):
            return False
        apdu = reply.apdu
        if apdu is None:
            return True  # our meter's reply, unreadable: ``interpret`` says why
        if isinstance(apdu, ErrorResponse):
            return _same_piid(apdu.piid, self.request.piid)
        if not isinstance(apdu, (GetResponseNormal, GetResponseNormalList)):
            return False
        oads = tuple(r.oad for r in apdu.results)
        return _same_piid(apdu.piid_acd, self.request.piid) and oads == self.oads

    def interpret(self, reply: Reply) -> list[NamedValue]:
        """The named values of the reply, or the meter's refusal as ``MeterRejectedError``."""
        frame, apdu = reply.frame, reply.apdu
        if reply.error is not None:
            raise reply.error
        if isinstance(apdu, ErrorResponse):
            raise _rejected_by_error(frame, apdu, f"GET {describe_oads(self.oads)}")
        assert isinstance(apdu, (GetResponseNormal, GetResponseNormalList))
        out: list[NamedValue] = []
        for result in apdu.results:
            if result.dar is not None:
                name = dar_name(result.dar)
                raise MeterRejectedError(
                    f"meter {frame.server.address} rejected the read of "
                    f"{describe_oads((result.oad,))}: {name} (DAR {result.dar})",
                    (name,),
                )
            assert result.data is not None
            if result.data.type is DataType.NULL:
                raise MeterRejectedError(
                    f"meter {frame.server.address} has no value for "
                    f"{describe_oads((result.oad,))} (it answered null)",
                    ("no data",),
                )
            out += named_values(result.oad, result.data)
        return out


@dataclass(frozen=True, slots=True)
class LinkExchange:
    """A LINK-Request (login, heartbeat, logout) and its LINK-Response."""

    server: ServerAddress
    client: int
    request: LinkRequest
    wake_up: int = DEFAULT_WAKE_UP

    def frame(self) -> Frame:
        control = control_byte(Function.LINK, from_server=False)
        return Frame(control, self.server, self.client, encode_apdu(self.request))

    def encode(self) -> bytes:
        return encode(self.frame(), wake_up=self.wake_up)

    def new_decoder(self) -> ReplyDecoder:
        return ReplyDecoder()

    def describe(self) -> str:
        kind = self.request.request_type.name.lower()
        return f"meter {self.server.address} LINK {kind}"

    def matches(self, reply: Reply) -> bool:
        if not _from_our_meter(self.server, reply.frame, Function.LINK):
            return False
        apdu = reply.apdu
        return isinstance(apdu, LinkResponse) and _same_piid(apdu.piid, self.request.piid_acd)

    def interpret(self, reply: Reply) -> LinkResponse:
        apdu = reply.apdu
        assert isinstance(apdu, LinkResponse)
        if apdu.result_code:
            name = LINK_RESULT_NAMES.get(apdu.result_code, f"result {apdu.result_code}")
            raise MeterRejectedError(
                f"meter {reply.frame.server.address} refused the LINK "
                f"{self.request.request_type.name.lower()}: {name}",
                (name,),
            )
        return apdu
