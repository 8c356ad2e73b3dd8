"""Small key/value facts stored with the data (e.g. the demo county's seed and reference day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AppSetting


def get_setting(session: Session, key: str) -> str | None:
    return session.scalar(select(AppSetting.value).where(AppSetting.key == key))


def set_setting(session: Session, key: str, value: str) -> None:
    session.merge(AppSetting(key=key, value=value))


# The demo county's facts, written last when a generation finishes (console.demo.generator).
SETTING_SEED = "demo.seed"
SETTING_PROFILE = "demo.profile"
SETTING_REFERENCE_DAY = "demo.reference_day"
SETTING_DEAD_RATIO = "demo.dead_meter_ratio"


@dataclass(frozen=True, slots=True)
class DemoInfo:
    profile: str
    seed: int
    reference_day: date
    dead_meter_ratio: float


def demo_info(session: Session) -> DemoInfo | None:
    """The demo county's profile, seed and reference day; ``None`` when the data is real."""
    seed = get_setting(session, SETTING_SEED)
    if seed is None:
        return None
    return DemoInfo(
        profile=get_setting(session, SETTING_PROFILE) or "demo",
        seed=int(seed),
        reference_day=date.fromisoformat(get_setting(session, SETTING_REFERENCE_DAY) or ""),
        dead_meter_ratio=float(get_setting(session, SETTING_DEAD_RATIO) or 0.0),
    )
