"""``smc emulator``: emulated meters on a pty, a TCP port or an in-process link, until Ctrl-C.

The first line printed is the link URL to read them with (``smc read --link ...``); then one
line per meter. Scripted conditions come from ``--config FILE`` (see README).
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode

from drivers.emulator.device import attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.emulator.scenario import EmulatorRun, Scenario, ScenarioError, generated, load_scenario
from drivers.emulator.serve import PtyServer, TcpServer
from drivers.link.loop import create_loop, remove_loop
from drivers.protocols import all_protocols, protocol


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    names = sorted(spec.name for spec in all_protocols())
    p = commands.add_parser("emulator", help="run emulated meters for a client to read")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--meters", type=int, metavar="N", help="N meters at 000000000001...")
    source.add_argument("--config", type=Path, metavar="FILE", help="a scenario file (TOML)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--serve", metavar="tcp://HOST:PORT", help="listen on TCP (a serial server)")
    where.add_argument("--pty", action="store_true", help="a pseudo-terminal (the default)")
    where.add_argument(
        "--loop",
        metavar="NAME",
        help="an in-process link (tests and embedding only: other processes cannot open it)",
    )
    p.add_argument("--protocol", choices=names, default="dlt645-2007", help="with --meters")
    p.add_argument(
        "--baud",
        type=int,
        help="model wire time at this rate (pty default: the protocol's, e.g. 2400 for DL/T 645)",
    )
    p.add_argument("--format", default=None, help="character format for wire time, e.g. 8E1")
    p.add_argument("--reply-delay", type=float, metavar="MS", help="meter response time (20)")
    p.add_argument("--error-rate", type=float, metavar="P", help="bit-error rate of replies")
    p.add_argument(
        "--clock-speed", type=float, metavar="X", help="emulator time runs X times faster"
    )
    p.add_argument("--seed", type=int, help="load-model seed (with --meters)")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")


def build_scenario(args: argparse.Namespace) -> Scenario:
    scenario = (
        load_scenario(args.config)
        if args.config
        else generated(args.meters, args.protocol, seed=args.seed or 1)
    )
    overrides: dict[str, object] = {}
    if args.reply_delay is not None:
        overrides["reply_delay_s"] = args.reply_delay / 1000
    if args.error_rate is not None:
        if not 0 <= args.error_rate < 1:
            raise ScenarioError(f"--error-rate must be in [0, 1), got {args.error_rate}")
        overrides["bit_error_rate"] = args.error_rate
    if args.clock_speed is not None:
        overrides["clock_speed"] = args.clock_speed
    if args.baud is not None:
        overrides["baudrate"] = args.baud or None
    if args.format is not None:
        overrides["char_format"] = args.format
    return dataclasses.replace(scenario, **overrides)  # type: ignore[arg-type]


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        scenario = build_scenario(args)
        factories = {spec.name: spec.make_device for spec in all_protocols()}
        emulation = EmulatorRun(scenario, factories)
    except ScenarioError as err:
        print(f"smc emulator: {err}", file=sys.stderr)
        return 2
    first = protocol(scenario.meters[0].protocol)
    host = EmulatorHost()
    host.start()
    closers = []
    try:
        if args.serve:
            address = args.serve.removeprefix("tcp://")
            name, _, port = address.rpartition(":")
            server = TcpServer(
                host,
                emulation.device,
                (name or "127.0.0.1", int(port)),
                baudrate=scenario.baudrate,
                char_format=scenario.char_format,
            )
            closers.append(server.close)
            url = f"tcp://{server.address[0]}:{server.address[1]}"
        elif args.loop:
            link = create_loop(
                args.loop, baudrate=scenario.baudrate, char_format=scenario.char_format
            )
            attach_loop(host, link, emulation.device())
            closers.append(lambda: remove_loop(args.loop))
            url = f"loop://{args.loop}"
        else:
            serial = dict(first.serial_defaults)
            baud = scenario.baudrate if args.baud is not None else int(serial["baud"])
            serial["baud"] = str(baud)
            pty = PtyServer(
                host, emulation.device(), baudrate=baud or None, char_format=scenario.char_format
            )
            closers.append(pty.close)
            url = f"serial://{pty.path}?{urlencode(serial)}"
    except (OSError, ValueError) as err:
        host.stop()
        print(f"smc emulator: cannot serve: {err}", file=sys.stderr)
        return 5
    emulation.schedule(host)
    # Before the URL is printed: whoever reads it may stop us (SIGTERM) at once, cleanly.
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():  # signals reach the main thread
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    print(url, file=out, flush=True)
    for spec in scenario.meters:
        print(f"  {spec.address}  {spec.protocol}  {spec.customer_class}", file=out)
    print(
        f"{len(scenario.meters)} meters, clock x{scenario.clock_speed:g}; Ctrl-C stops",
        file=out,
        flush=True,
    )
    stop.wait(args.duration)
    for close in closers:
        close()
    host.stop()
    return 0
