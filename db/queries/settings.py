"""Small key/value facts stored with the data (e.g. the demo county's seed and reference day)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AppSetting


def get_setting(session: Session, key: str) -> str | None:
    return session.scalar(select(AppSetting.value).where(AppSetting.key == key))


def set_setting(session: Session, key: str, value: str) -> None:
    session.merge(AppSetting(key=key, value=value))
