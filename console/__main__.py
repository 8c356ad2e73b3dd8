"""``smc`` / ``python -m console``: the command line of the console (and of the frozen bundle).

``smc`` and ``smc gui`` open the window; ``smc decode``, ``smc read`` and ``smc emulator`` are the
field engineer's tools (``console.cli``), headless and Qt-free.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import time
from pathlib import Path

_STARTED = time.monotonic()

from console import __version__  # noqa: E402
from console.cli import db, decode, emulator, read, service, user  # noqa: E402
from console.core import i18n, paths  # noqa: E402
from console.core.config import (  # noqa: E402
    LANGUAGES,
    THEMES,
    ConfigError,
    Settings,
    load_settings,
    with_overrides,
)
from console.core.database import check_db_url, resolve_db_url  # noqa: E402
from console.core.logs import setup_logging  # noqa: E402

VIEWS = ("panorama", "warning", "dispatch", "collection", "analytics", "accounts", "admin")
LOG_LEVELS = ("debug", "info", "warning", "error")


def _common_options(*, defaults: bool) -> argparse.ArgumentParser:
    """Options accepted before and after the subcommand: ``smc --db X gui`` = ``smc gui --db X``."""
    sub = argparse.SUPPRESS
    p = argparse.ArgumentParser(add_help=False, argument_default=None if defaults else sub)
    p.add_argument(
        "--db",
        metavar="URL",
        help="database URL (any SQLAlchemy URL); default: a SQLite file in the user data directory",
    )
    p.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        help="demo mode: create the demo county if the database is empty and run the "
        "in-process emulator (default: on, see [demo] in the configuration)",
    )
    p.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help=f"configuration file (TOML); default: {paths.default_config_path()}",
    )
    p.add_argument("--lang", choices=LANGUAGES, help="user interface language (default zh_CN)")
    p.add_argument("--theme", choices=THEMES, help="colour theme (default light)")
    p.add_argument(
        "--screenshot",
        metavar="PNG",
        type=Path,
        help="start, wait until the view has loaded its data, save a picture of the "
        "window to PNG and exit 0",
    )
    p.add_argument(
        "--view", choices=VIEWS, help="view to open (with --screenshot: view to picture)"
    )
    p.add_argument("--log-level", choices=LOG_LEVELS, help="log level (default info)")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smc",
        description="智能营销运营台 Smart Marketing Console",
        parents=[_common_options(defaults=True)],
    )
    parser.add_argument("--version", action="version", version=f"smc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "gui",
        parents=[_common_options(defaults=False)],
        help="open the console window (the default)",
    )
    decode.add_parser(commands)
    read.add_parser(commands)
    emulator.add_parser(commands)
    db.add_parser(commands)
    service.add_parser(commands)
    user.add_parser(commands)
    return parser


TOOLS = {
    "decode": decode.run, "read": read.run, "emulator": emulator.run, "db": db.run,
    "user": user.run,
}  # fmt: skip


LANG_ENV = "SMC_LANG"  # a tool's language when --lang does not say (scripts, tests)


def tool_language(args: argparse.Namespace) -> str:
    """A command-line tool's language: ``--lang``, else ``SMC_LANG``, else the configuration's
    ``[ui] lang`` (the window's), else zh_CN. A broken configuration is the tool's to report."""
    chosen = getattr(args, "lang", None) or os.environ.get(LANG_ENV)
    if chosen in LANGUAGES:
        return str(chosen)
    config = getattr(args, "config", None)
    try:
        return load_settings(config or paths.default_config_path(), must_exist=False).ui.lang
    except ConfigError:
        return i18n.DEFAULT_LANGUAGE


def this_machine_only(settings: Settings) -> Settings:
    """A picture opens no listener on all interfaces: the front end and the service it may
    start listen on this machine only."""
    return dataclasses.replace(
        settings,
        frontend=dataclasses.replace(settings.frontend, host="127.0.0.1"),
        service=dataclasses.replace(settings.service, listen="127.0.0.1:0"),
    )


def _has_display() -> bool:
    """Whether Qt can open a window here (Windows and macOS always can)."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "service":  # it sets up its own log (service.log)
        return service.run(args)
    if args.command in TOOLS:
        # Tools print JSON on stdout: only warnings go to stderr, everything to the log file.
        setup_logging(paths.user_log_dir(), level=logging.INFO, stderr_level=logging.WARNING)
        i18n.set_language(tool_language(args))
        try:
            return TOOLS[args.command](args)
        except BrokenPipeError:  # smc read ... | head: the reader left, nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    setup_logging(paths.user_log_dir(), level=getattr(logging, (args.log_level or "info").upper()))
    try:
        settings = load_settings(
            args.config or paths.default_config_path(), must_exist=args.config is not None
        )
        settings = with_overrides(settings, db_url=args.db, demo=args.demo, lang=args.lang)
        check_db_url(resolve_db_url(settings))
    except ConfigError as err:
        parser.exit(2, f"smc: error: {err}\n")
    if args.screenshot is not None and args.screenshot.suffix.lower() != ".png":
        parser.error(f"--screenshot {args.screenshot}: the file name must end in .png")
    if args.screenshot is not None:
        settings = this_machine_only(settings)
    if not _has_display():
        if args.screenshot is None:
            parser.exit(
                2,
                "smc: error: there is no display to open the window on (DISPLAY and "
                "WAYLAND_DISPLAY are not set). Run it in a desktop session, under "
                "`xvfb-run -a smc`, or take a picture with --screenshot FILE.png\n",
            )
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a picture needs no screen
    # The GUI. Qt is imported only now, so that --help, --version and the tools stay fast.
    from console.ui.application import run_gui  # noqa: PLC0415

    return run_gui(
        settings,
        theme_flag=args.theme,
        screenshot=args.screenshot,
        view=args.view,
        started=_STARTED,
    )


if __name__ == "__main__":
    sys.exit(main())
