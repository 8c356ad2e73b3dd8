"""An emulated DL/T 698.45 meter (or several on one bus) answering from ``MeterCore``s.

It answers GET-Request Normal/NormalList through the same OAD table the client uses (DAR
"object undefined" for anything else), LINK-Requests with a LINK-Response, and honours the
core's conditions: silent when it does not answer, garbled replies, extra reply delay.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from drivers.dlt698.apdu import (
    CLOCK_TRUSTED,
    DAR_OBJECT_UNDEFINED,
    DAR_OUT_OF_RANGE,
    ERROR_UNPARSEABLE,
    ERROR_UNSUPPORTED,
    Apdu,
    ErrorResponse,
    GetRequestNormal,
    GetRequestNormalList,
    GetResponseNormal,
    GetResponseNormalList,
    LinkRequest,
    LinkResponse,
    ResultNormal,
    decode_apdu,
    encode_apdu,
)
from drivers.dlt698.axdr import Data, DataType, Oad, ScalerUnit
from drivers.dlt698.codec import (
    AddressType,
    Frame,
    Function,
    ServerAddress,
    StreamDecoder,
    control_byte,
    encode,
)
from drivers.dlt698.oad import SCALER_UNIT_ATTRIBUTE, VALUE_ATTRIBUTE, ObjectDef, lookup
from drivers.dlt698.session import DEFAULT_WAKE_UP
from drivers.emulator.core import MeterCore
from drivers.emulator.device import DeviceOptions, DevicePort
from drivers.errors import FrameError, FrameKind

ACD_BIT = 0x40  # PIID-ACD bit 6; a PIID echoes the request's PIID-ACD without it


def displayed_raw(primary_wh: int, ct_ratio: int) -> int:
    """An energy register as the meter sends it: secondary side, 0.01 kWh, truncated."""
    sign = -1 if primary_wh < 0 else 1
    return sign * (abs(primary_wh) // ct_ratio // 10)


def _energy(values: Sequence[int], obj: ObjectDef) -> Data:
    return Data(DataType.ARRAY, tuple(obj.data(v) for v in values))


def _numbers(values: Sequence[float], obj: ObjectDef, divisor: float = 1.0) -> Data:
    return Data(DataType.ARRAY, tuple(obj.data(obj.raw(v / divisor)) for v in values))


def _serial(number: str) -> Data:
    if number.isdigit() and len(number) % 2 == 0:
        return Data(DataType.OCTET_STRING, bytes.fromhex(number))
    return Data(DataType.VISIBLE_STRING, number)


def _value(core: MeterCore, obj: ObjectDef, at: datetime) -> Data:
    """The whole value attribute of ``obj`` as ``core`` shows it (secondary side)."""
    ct = core.ct_ratio
    oi = obj.oi
    if oi in (0x0000, 0x0010, 0x0020):
        regs = core.registers(at)
        forward = [displayed_raw(wh, ct) for wh in regs.forward]
        reverse = [displayed_raw(wh, ct) for wh in regs.reverse]
        if oi == 0x0010:
            return _energy(forward, obj)
        if oi == 0x0020:
            return _energy(reverse, obj)
        return _energy([f - r for f, r in zip(forward, reverse, strict=True)], obj)
    instant = core.instant(at)
    if oi == 0x2000:
        return _numbers(instant.voltage_v, obj)
    if oi == 0x2001:  # signed by the direction of each phase's active power
        signed = [
            -amps if instant.active_w[i + 1] < 0 else amps
            for i, amps in enumerate(instant.current_a)
        ]
        return _numbers(signed, obj, ct)
    if oi == 0x2004:
        return _numbers(instant.active_w, obj, ct)
    if oi == 0x2005:
        return _numbers(instant.reactive_var, obj, ct)
    if oi == 0x200A:
        return _numbers(instant.power_factor, obj)
    if oi == 0x200F:
        return obj.data(obj.raw(instant.frequency_hz))
    if oi == 0x4000:
        return Data(DataType.DATE_TIME_S, core.meter_time(at))
    if oi == 0x4001:
        return Data(DataType.OCTET_STRING, bytes.fromhex(core.address))
    return _serial(core.serial_number)


def get_result(core: MeterCore, oad: Oad) -> ResultNormal:
    """What ``core`` answers for ``oad``: its data, or a DAR."""
    obj = lookup(oad)
    attribute = oad.attribute & 0x1F
    if obj is None or attribute not in (VALUE_ATTRIBUTE, SCALER_UNIT_ATTRIBUTE):
        return ResultNormal(oad, dar=DAR_OBJECT_UNDEFINED)
    if attribute == SCALER_UNIT_ATTRIBUTE:
        if not obj.is_numeric:
            return ResultNormal(oad, dar=DAR_OBJECT_UNDEFINED)
        if oad.index:
            return ResultNormal(oad, dar=DAR_OUT_OF_RANGE)
        return ResultNormal(oad, data=Data(DataType.SCALER_UNIT, ScalerUnit(obj.scaler, obj.unit)))
    whole = _value(core, obj, core.true_now())
    if not oad.index:
        return ResultNormal(oad, data=whole)
    elements = whole.value if whole.type is DataType.ARRAY else None
    if not isinstance(elements, tuple) or oad.index > len(elements):
        return ResultNormal(oad, dar=DAR_OUT_OF_RANGE)
    return ResultNormal(oad, data=elements[oad.index - 1])


def _request_piid(request: Apdu) -> int:
    """The PIID a response echoes: the request's, without the ACD bit of a PIID-ACD."""
    if isinstance(request, LinkRequest):
        return request.piid_acd & ~ACD_BIT
    if isinstance(request, (GetRequestNormal, GetRequestNormalList)):
        return request.piid
    return 0


class EmulatedDlt698Meter:
    """The device side of one link: every meter on it hears every request."""

    def __init__(self, cores: Sequence[MeterCore], options: DeviceOptions | None = None) -> None:
        self.cores = {core.address: core for core in cores}
        for address in self.cores:
            ServerAddress(address)  # a 698 server address is BCD digits; fail early, not per reply
        self.options = options or DeviceOptions()
        self._decoder = StreamDecoder()
        self.requests_seen = 0

    def receive(self, data: bytes, port: DevicePort) -> None:
        for item in self._decoder.feed(data):
            if isinstance(item, FrameError) or item.from_server:
                continue  # a garbled request, or another meter's reply, gets no answer
            self.requests_seen += 1
            for core in self._addressed(item.server):
                if not core.answers:
                    continue
                reply = self.answer(core, item)
                if reply is not None:
                    wire = core.garble(encode(reply, wake_up=DEFAULT_WAKE_UP))
                    port.send(wire, self.options.reply_delay_s + core.extra_delay_s)

    def _addressed(self, server: ServerAddress) -> list[MeterCore]:
        if server.type is AddressType.SINGLE:
            core = self.cores.get(server.address)
            return [] if core is None else [core]
        matching = [core for core in self.cores.values() if server.matches(core.address)]
        # Several meters answering one wildcard request would only collide on the wire.
        return matching if len(matching) == 1 else []

    def answer(self, core: MeterCore, frame: Frame) -> Frame | None:
        """The reply of ``core`` to ``frame`` (addressed to it), or ``None`` for silence."""
        try:
            request = decode_apdu(frame.apdu)
        except FrameError as err:
            piid = frame.apdu[2] if len(frame.apdu) > 2 else 0
            kind = ERROR_UNSUPPORTED if err.kind is FrameKind.UNSUPPORTED else ERROR_UNPARSEABLE
            return self._reply(core, frame, ErrorResponse(piid, kind))
        response = self._respond(core, frame.function, request)
        return None if response is None else self._reply(core, frame, response)

    def _respond(self, core: MeterCore, function: int, request: Apdu) -> Apdu | None:
        piid = _request_piid(request)
        if function == Function.LINK and isinstance(request, LinkRequest):
            now = core.meter_time()
            return LinkResponse(piid, CLOCK_TRUSTED, request.request_time, now, now)
        if function != Function.USER_DATA:
            return None
        if isinstance(request, GetRequestNormal):
            return GetResponseNormal(piid, get_result(core, request.oad))
        if isinstance(request, GetRequestNormalList):
            results = tuple(get_result(core, oad) for oad in request.oads)
            return GetResponseNormalList(piid, results)
        return None  # responses and LINK APDUs in a user-data frame are not ours to answer

    def _reply(self, core: MeterCore, request: Frame, apdu: Apdu) -> Frame:
        function = Function.LINK if isinstance(apdu, LinkResponse) else Function.USER_DATA
        control = control_byte(function, from_server=True, client_started=request.client_started)
        server = ServerAddress(core.address, AddressType.SINGLE, request.server.logical)
        return Frame(control, server, request.client, encode_apdu(apdu))


def make_device(cores: Sequence[MeterCore], options: DeviceOptions) -> EmulatedDlt698Meter:
    """The ``ProtocolSpec.make_device`` of DL/T 698.45."""
    return EmulatedDlt698Meter(cores, options)
