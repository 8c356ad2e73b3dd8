"""``smc read --link URL --protocol P --address ADDR --item ITEM ...``: read a meter, print JSON.

Exit codes: 0 read, 3 no reply (timeout), 4 the meter rejected the request (error bits
decoded), 5 the link could not be used (port busy, host unreachable, bad URL), 6 corrupt
replies, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO
from urllib.parse import urlencode

from drivers.api import ClientOptions
from drivers.errors import (
    DriverError,
    FrameError,
    MeterRejectedError,
    MeterTimeoutError,
    TransportError,
)
from drivers.link import create_transport
from drivers.link.spy import SpyTransport, format_traffic
from drivers.protocols import ProtocolSpec, all_protocols, protocol

EXIT_TIMEOUT, EXIT_REJECTED, EXIT_LINK, EXIT_FRAME = 3, 4, 5, 6


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    names = sorted(spec.name for spec in all_protocols())
    p = commands.add_parser("read", help="read items from a real or emulated meter, print JSON")
    p.add_argument(
        "--link",
        required=True,
        metavar="URL",
        help="serial:///dev/ttyUSB0?baud=2400&parity=E, tcp://HOST:PORT, loop://NAME, spy+URL",
    )
    p.add_argument("--protocol", choices=names, default="dlt645-2007")
    p.add_argument(
        "--address",
        default="",
        help="meter address, 12 digits (A = wildcard digit); "
        "AAAAAAAAAAAA with DL/T 645 reads the address of the only meter on the link",
    )
    p.add_argument(
        "--item",
        action="append",
        default=[],
        metavar="ITEM",
        help="item to read (repeatable): DI 00010000, 9010; OBIS 1.8.0; OAD 00100200",
    )
    p.add_argument("--timeout", type=float, default=2.0, help="seconds per request (default 2)")
    p.add_argument(
        "--retries",
        type=int,
        default=1,
        help="extra attempts after a timeout or a corrupt reply (default 1)",
    )
    p.add_argument("--password", default="", help="DL/T 645 LL:DDDDDD / IEC 62056-21 P1 password")
    p.add_argument(
        "--no-baud-switch",
        action="store_true",
        help="IEC 62056-21: stay at 300 bps (meters that do not follow their proposal)",
    )
    p.add_argument("--wake-up", action="store_true", help="IEC 62056-21: battery meter wake-up")


def with_serial_defaults(url: str, spec: ProtocolSpec) -> str:
    """A serial URL without settings gets the protocol's standard ones (DL/T 645: 2400 8E1)."""
    if not url.startswith(("serial://", "spy+serial://")) or "?" in url:
        return url
    return f"{url}?{urlencode(dict(spec.serial_defaults))}"


def _print_traffic(direction: str, data: bytes, at: float) -> None:
    print(format_traffic(direction, data, at), file=sys.stderr, flush=True)


def _fail(out: TextIO, code: int, kind: str, message: str) -> int:
    json.dump(
        {"ok": False, "error": message, "error_kind": kind}, out, ensure_ascii=False, indent=2
    )
    out.write("\n")
    print(f"smc read: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    spec = protocol(args.protocol)
    url = with_serial_defaults(args.link, spec)
    options = ClientOptions(
        timeout_s=args.timeout,
        retries=args.retries,
        password=args.password,
        switch_baud=not args.no_baud_switch,
        wake_up=args.wake_up,
    )
    items = args.item or list(spec.default_items)
    try:
        transport = create_transport(url)
        if isinstance(transport, SpyTransport):  # spy+URL: the traffic on stderr as it happens
            transport.listeners.append(_print_traffic)
        transport.open()
    except DriverError as err:
        return _fail(out, EXIT_LINK, "link", str(err))
    try:
        client = spec.open_client(transport, args.address, options)
        if args.address.upper() == "AAAAAAAAAAAA" and spec.name.startswith("dlt645"):
            address = client.read_address()  # type: ignore[attr-defined]
            readings = [
                {"item": "address", "name": "communication address", "value": address, "unit": ""}
            ]
        else:
            readings = [r.as_json() for r in client.read(items)]
    except MeterTimeoutError as err:
        hint = (
            " — check the address (with DL/T 645, --address AAAAAAAAAAAA reads the address of "
            "the only meter on a link) and the link settings"
        )
        return _fail(out, EXIT_TIMEOUT, "timeout", f"{err}{hint}")
    except MeterRejectedError as err:
        return _fail(out, EXIT_REJECTED, "rejected", str(err))
    except FrameError as err:
        return _fail(out, EXIT_FRAME, f"frame:{err.kind.value}", str(err))
    except TransportError as err:
        return _fail(out, EXIT_LINK, "link", str(err))
    except ValueError as err:
        return _fail(out, 2, "usage", str(err))
    finally:
        transport.close()
    json.dump(
        {
            "ok": True,
            "protocol": spec.name,
            "link": url,
            "address": args.address,
            "values": readings,
        },
        out,
        ensure_ascii=False,
        indent=2,
    )
    out.write("\n")
    return 0
