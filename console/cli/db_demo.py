"""``smc db demo``: generate a demo or benchmark county into a database, with progress.

The same generator the window uses on first start in demo mode; deterministic by seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime

from console.cli import db_common
from console.cli.db_common import EXIT_OK, DbToolError
from console.core.database import describe_db
from console.core.i18n import QT_TRANSLATE_NOOP, translate
from console.demo.generator import DemoError, DemoStage, generate_demo_county
from console.demo.profiles import PROFILES
from db.errors import DatabaseError

DEFAULT_DAYS = 60
DEFAULT_SEED = 20261121
STAGE_NAMES: dict[str, str] = {
    DemoStage.TOPOLOGY: QT_TRANSLATE_NOOP("SmcDb", "topology"),
    DemoStage.HISTORY: QT_TRANSLATE_NOOP("SmcDb", "history"),
    DemoStage.SAVING: QT_TRANSLATE_NOOP("SmcDb", "saving"),
}


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = actions.add_parser(
        "demo",
        parents=[db_common.common_options()],
        help="generate a demo county (topology, customers, meters, history) into an empty database",
        description="Generate a deterministic county: demo (20,000 meters, 250 台区) or "
        "large-county (265,000 meters, 3,100 台区, curves for the last 90 days).",
    )
    p.add_argument("--profile", choices=sorted(PROFILES), default="demo")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"(default {DEFAULT_SEED})")
    p.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        help=f"days of history before today (default {DEFAULT_DAYS})",
    )
    p.add_argument(
        "--dead-meter-ratio",
        type=float,
        default=0.001,
        help="share of meters that never answer (default 0.001)",
    )
    p.set_defaults(db_run=run)


class _Progress:
    """One line rewritten in place on a terminal; otherwise (a log, a pipe) a line per stage
    and every 30 s, so a long generation shows it is moving."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._stage = ""
        self._shown = 0.0
        self._logged = 0.0
        self._tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self._stage and done < total and now - self._shown < 0.5:
            return
        self._shown = now
        pct = 100 * done // max(total, 1)
        known = STAGE_NAMES.get(stage)
        name = translate("SmcDb", known) if known else stage
        line = f"{now - self._started:6.1f} s  {name:<9} {pct:3d} %"
        if self._tty:
            print(f"\r{line}", end="" if done < total else "\n", file=sys.stderr, flush=True)
        elif stage != self._stage or done >= total or now - self._logged >= 30:
            self._logged = now
            print(line, file=sys.stderr, flush=True)
        self._stage = stage


def run(args: argparse.Namespace) -> int:
    if args.days < 1:
        raise DbToolError(translate("SmcDb", "--days must be at least 1"), db_common.EXIT_USAGE)
    if not 0 <= args.dead_meter_ratio < 0.5:
        raise DbToolError(
            translate("SmcDb", "--dead-meter-ratio must be in [0, 0.5)"), db_common.EXIT_USAGE
        )
    url = db_common.database_url(args)
    profile = PROFILES[args.profile]
    start = translate(
        "SmcDb",
        "generating the {profile} county ({meters} meters, {areas} 台区, {days} days) into "
        "{database}",
    )
    print(
        start.format(
            profile=profile.name,
            meters=f"{profile.meters:,}",
            areas=f"{profile.areas:,}",
            days=args.days,
            database=describe_db(url),
        ),
        file=sys.stderr,
    )
    started = time.monotonic()
    try:
        with db_common.upgraded_database(url) as session_factory:
            county = generate_demo_county(
                session_factory,
                profile=profile,
                seed=args.seed,
                now=datetime.now(),
                history_days=args.days,
                dead_meter_ratio=args.dead_meter_ratio,
                progress=_Progress(),
            )
    except (DemoError, DatabaseError) as err:
        raise DbToolError(str(err)) from err
    done = translate(
        "SmcDb",
        "done in {seconds} s: {stations} supply stations, {feeders} feeders, {areas} 台区, "
        "{customers} customers, {meters} meters, {freezes} daily freezes, {points} curve points",
    )
    print(
        done.format(
            seconds=f"{time.monotonic() - started:.1f}",
            stations=county.stations,
            feeders=county.feeders,
            areas=f"{county.areas:,}",
            customers=f"{county.customers:,}",
            meters=f"{county.meters:,}",
            freezes=f"{county.freezes:,}",
            points=f"{county.curve_points:,}",
        )
    )
    return EXIT_OK
