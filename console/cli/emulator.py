"""``smc emulator``: emulated meters on a pty, a TCP port or an in-process link, or emulated
concentrators dialling the console's front end, until Ctrl-C.

The first line printed is the link URL to read them with (``smc read --link ...``), then one
line per meter; scripted conditions come from ``--config FILE`` (see README). Concentrators
(``--concentrators N`` generated, ``--from-db`` the county in the database) print their target
and their count first.
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

from sqlalchemy.exc import SQLAlchemyError

from console.cli.db_common import DbToolError, database_url
from console.demo.concentrators import concentrators_from_db
from db.engine import create_db_engine, make_session_factory, sqlite_path
from drivers.emulator.concentrators import ConcentratorFleet, generated_concentrators
from drivers.emulator.core import Clock
from drivers.emulator.device import attach_loop
from drivers.emulator.host import EmulatorHost
from drivers.emulator.scenario import (
    AcceleratedClock,
    EmulatorRun,
    Scenario,
    ScenarioError,
    generated,
    load_scenario,
)
from drivers.emulator.serve import PtyServer, TcpServer
from drivers.gdw376.emulated import (
    ConcentratorOptions,
    EmulatedConcentrator,
)
from drivers.link.loop import create_loop, remove_loop
from drivers.protocols import all_protocols, protocol


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    names = sorted(spec.name for spec in all_protocols())
    p = commands.add_parser("emulator", help="run emulated meters for a client to read")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--meters", type=int, metavar="N", help="N meters at 000000000001...")
    source.add_argument("--config", type=Path, metavar="FILE", help="a scenario file (TOML)")
    source.add_argument(
        "--concentrators", type=int, metavar="N", help="N concentrators (Q/GDW 1376.1), generated"
    )
    source.add_argument(
        "--from-db",
        action="store_true",
        help="the concentrators of the county in the database (--db) and their meters",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--serve",
        metavar="tcp://HOST:PORT",
        help="listen on TCP (a serial server; concentrators: the n-th on PORT + n - 1)",
    )
    where.add_argument(
        "--connect",
        metavar="tcp://HOST:PORT",
        help="concentrators dial in to the console's front end there",
    )
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
    p.add_argument(
        "--error-rate",
        type=float,
        metavar="P",
        help="bit-error rate of replies (concentrators: the probability a request is denied)",
    )
    p.add_argument(
        "--clock-speed", type=float, metavar="X", help="emulator time runs X times faster"
    )
    p.add_argument("--seed", type=int, help="load-model seed (with --meters)")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    hubs = p.add_argument_group("concentrators (--concentrators, --from-db)")
    hubs.add_argument(
        "--meters-per-concentrator", type=int, default=80, metavar="M", help="generated (80)"
    )
    hubs.add_argument("--latency", type=float, metavar="MS", help="round trip per answer (50)")
    hubs.add_argument("--district", default="3301", help="district code of generated ones")
    hubs.add_argument("--heartbeat", type=float, metavar="S", help="heartbeat period (60)")
    hubs.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help="the database (with --from-db)"
    )


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
    if args.concentrators is not None or args.from_db:
        return run_concentrators(args, out)
    if args.connect:
        print("smc emulator: --connect is for concentrators", file=sys.stderr)
        return 2
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


# --------------------------------------------------------------------------- concentrators


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():  # signals reach the main thread
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    return stop


def _tcp(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("tcp://").rpartition(":")
    try:
        return host or "127.0.0.1", int(port)
    except ValueError:
        raise ScenarioError(f"{url}: expected tcp://HOST:PORT") from None


def concentrator_options(args: argparse.Namespace) -> ConcentratorOptions:
    options = ConcentratorOptions(seed=args.seed or 1)
    if args.latency is not None:
        options = dataclasses.replace(options, latency_s=args.latency / 1000)
    if args.error_rate is not None:
        if not 0 <= args.error_rate <= 1:
            raise ScenarioError(f"--error-rate must be in [0, 1], got {args.error_rate}")
        options = dataclasses.replace(options, error_rate=args.error_rate)
    if args.heartbeat is not None:
        if args.heartbeat <= 0:
            raise ScenarioError(f"--heartbeat must be positive, got {args.heartbeat}")
        options = dataclasses.replace(options, heartbeat_s=args.heartbeat)
    return options


def run_concentrators(args: argparse.Namespace, out: TextIO) -> int:
    try:
        if not (args.connect or args.serve):
            raise ScenarioError("concentrators need --connect tcp://HOST:PORT (or --serve)")
        host, port = _tcp(args.connect or args.serve)
        options = concentrator_options(args)
        clock = AcceleratedClock(None, args.clock_speed or 1.0)
        if args.from_db:
            concentrators = _concentrators_at(database_url(args), clock, options)
        else:
            concentrators = generated_concentrators(
                args.concentrators,
                args.meters_per_concentrator,
                clock,
                district=args.district,
                seed=args.seed or 1,
                options=options,
            )
    except (ScenarioError, DbToolError, ValueError) as err:
        print(f"smc emulator: {err}", file=sys.stderr)
        return 2
    fleet = ConcentratorFleet(concentrators, seed=args.seed or 1)
    if args.connect:
        fleet.connect(host, port)
    else:
        fleet.listen(host, port)
    try:
        fleet.start()
    except OSError as err:
        fleet.stop()
        print(f"smc emulator: cannot serve: {err}", file=sys.stderr)
        return 5
    stop = _stop_on_signals()
    endpoints = fleet.endpoints()
    if endpoints:  # listen mode: the first concentrator's port, then every one's
        host, port = next(iter(endpoints.values()))
    print(f"tcp://{host}:{port} {len(concentrators)} concentrators", file=out, flush=True)
    for (district, terminal), (h, p) in endpoints.items():
        print(f"  {district}-{terminal:05d}  tcp://{h}:{p}", file=out)
    how = "dialling in" if args.connect else "listening"
    print(
        f"{len(concentrators)} concentrators {how}, heartbeat {options.heartbeat_s:g} s, "
        f"clock x{clock.speed:g}; Ctrl-C stops",
        file=out,
        flush=True,
    )
    stop.wait(args.duration)
    fleet.stop()
    return 0


def _concentrators_at(
    url: str, clock: Clock, options: ConcentratorOptions
) -> list[EmulatedConcentrator]:
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise ScenarioError(f"no database at {path}")  # rather than a new empty one
    engine = create_db_engine(url)
    try:
        concentrators = concentrators_from_db(make_session_factory(engine), clock, options)
    except SQLAlchemyError as err:
        raise ScenarioError(f"cannot read the concentrators from {url}: {err}") from err
    finally:
        engine.dispose()
    if not concentrators:
        raise ScenarioError(f"no active concentrators in {url}")
    return concentrators
