"""Where things live: bundled resources, and the user's config, data and log directories."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "smc"
APP_AUTHOR = "SmartMarketingConsole"


def resources_dir() -> Path:
    """``resources/`` of the source tree, or of the PyInstaller bundle when frozen.

    ``SMC_RESOURCES`` overrides both (used by packaging checks).
    """
    override = os.environ.get("SMC_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_config_path() -> Path:
    return user_config_dir() / "smc.toml"


def default_db_path() -> Path:
    return user_data_dir() / "smc.db"


def backup_dir() -> Path:
    return user_data_dir() / "backups"
