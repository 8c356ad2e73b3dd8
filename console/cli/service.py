"""``smc service``: the service process alone — the concentrator front end, collection, the
jobs (and later the warning engine) — for a city centre's server or a server room. Windows on
other workstations attach to it (``[service] attach`` and ``secret`` in their configuration)
and read the data from the shared database.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import pickle
import sys
import threading
from pathlib import Path

from console.app.serve import run_service, stop_on_signals
from console.core import paths
from console.core.config import (
    ConfigError,
    ServiceSettings,
    Settings,
    load_settings,
    parse_settings,
    with_overrides,
)
from console.core.logs import setup_logging

LOG_FILE = "service.log"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "service",
        help="run the service alone (front end, collection, jobs) for windows to attach to",
        description="Run the console's service process until stopped (Ctrl+C, SIGTERM): the "
        "concentrator front end, collection and every scheduled job. Windows on this machine "
        "attach to it by themselves; windows on other workstations set [service] attach and "
        "secret. Prints one line: 'ready HOST PORT', 'running HOST PORT' (one already runs "
        "for this database) or 'failed MESSAGE'.",
    )
    p.add_argument("--db", metavar="URL", help="database URL (default: the configuration's)")
    p.add_argument("--config", metavar="PATH", type=Path, help="configuration file (TOML)")
    p.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        help="serve the demo county and its emulator (default: the configuration's [demo])",
    )
    p.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where windows attach (default [service] listen, 127.0.0.1:0: this machine "
        "only). Beyond this machine it needs [service] secret",
    )
    p.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="info")
    # Used by a window that starts the service for itself.
    p.add_argument("--owned", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--settings-stdin", action="store_true", help=argparse.SUPPRESS)


def _settings(args: argparse.Namespace) -> Settings:
    if args.settings_stdin:
        settings, _level = pickle.loads(sys.stdin.buffer.read())
        return settings  # type: ignore[no-any-return]
    settings = load_settings(
        args.config or paths.default_config_path(), must_exist=args.config is not None
    )
    settings = with_overrides(settings, db_url=args.db, demo=args.demo)
    if args.listen is not None:
        merged = {
            "separate_process": settings.service.separate_process,
            "listen": args.listen,
            "attach": settings.service.attach,
            "secret": settings.service.secret,
        }
        service: ServiceSettings = parse_settings({"service": merged}, "--listen").service
        settings = dataclasses.replace(settings, service=service)
    return settings


def run(args: argparse.Namespace) -> int:
    level = getattr(logging, args.log_level.upper())
    setup_logging(paths.user_log_dir(), level=level, stderr=not args.owned, file_name=LOG_FILE)
    try:
        settings = _settings(args)
    except ConfigError as err:
        print(f"failed {err}", flush=True)
        return 2
    stop = threading.Event()
    stop_on_signals(stop)

    def announce(line: str) -> None:
        print(line, flush=True)
        if args.owned:  # the window read its line and closed the pipe: nothing more goes there
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)

    return run_service(settings, announce=announce, owned=args.owned, stop=stop)
