"""Settings: the shipped default file, validation messages, and command-line overrides."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from console.core.config import (
    ConfigError,
    Settings,
    load_settings,
    parse_settings,
    with_overrides,
)
from console.core.paths import resource


def test_shipped_default_file_documents_exactly_the_defaults() -> None:
    shipped = load_settings(resource("config", "default.toml"), must_exist=True)
    assert shipped == Settings()
    # Every declared key appears in the documented file, so it cannot drift silently.
    text = resource("config", "default.toml").read_text(encoding="utf-8")
    for section in ("database", "demo", "collection", "ui"):
        assert f"[{section}]" in text
        for f in dataclasses.fields(getattr(Settings(), section)):
            assert f"\n{f.name} = " in text, f"[{section}] {f.name} is not documented"


def test_missing_file_gives_defaults_but_an_explicit_one_must_exist(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml") == Settings()
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml", must_exist=True)


def test_values_are_read_and_the_source_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "smc.toml"
    path.write_text('[collection]\ninterval_s = 60\ntimeout_s = 2\n[ui]\nlang = "en_US"\n')
    settings = load_settings(path)
    assert settings.collection.interval_s == 60
    assert settings.collection.timeout_s == 2.0
    assert isinstance(settings.collection.timeout_s, float)
    assert settings.ui.lang == "en_US"
    assert settings.demo == Settings().demo
    assert settings.source == path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[colection]\ninterval_s = 60\n", r"unknown section \[colection\]"),
        ("[collection]\ninterval = 60\n", r"\[collection\] has no key 'interval'"),
        (
            "[collection]\ninterval_s = 'often'\n",
            r"\[collection\] interval_s = 'often': expected an integer",
        ),
        ("[collection]\ninterval_s = 1\n", r"interval_s = 1: must be at least 10"),
        ("[collection]\nenabled = 1\n", r"enabled = 1: expected true or false"),
        ("[ui]\nlang = 'fr_FR'\n", r"lang = 'fr_FR': expected one of 'zh_CN', 'en_US'"),
        ("[demo]\nbaudrate = 1234\n", r"baudrate = 1234: expected one of"),
        ("collection = 3\n", r"\[collection\] must be a table"),
        ("[collection\n", r"not valid TOML"),
    ],
)
def test_bad_files_name_the_file_the_key_and_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_flags_override_the_file_and_are_validated() -> None:
    base = parse_settings({"ui": {"theme": "dark"}, "demo": {"enabled": True}}, "test")
    settings = with_overrides(base, db_url="sqlite:///x.db", demo=False, lang="en_US")
    assert settings.database.url == "sqlite:///x.db"
    assert settings.demo.enabled is False
    assert settings.ui.lang == "en_US"
    assert settings.ui.theme == "dark"  # untouched by the flags
    with pytest.raises(ConfigError, match="command line"):
        with_overrides(base, lang="xx_XX")


@pytest.mark.parametrize(
    ("section", "said"),
    [
        ('[service]\nlisten = "0.0.0.0:9002"\n', "needs a secret of at least 16 characters"),
        ('[service]\nattach = "centre:9002"\nsecret = "short"\n', "needs a secret"),
        ('[service]\nlisten = "9002"\n', '"HOST:PORT"'),
        ("[frontend]\nseparate_process = false\n", "moved to [service] separate_process"),
        ("[schedule]\nclock_drift_s = 600\n", "moved to the clock.drift_s threshold"),
    ],
)
def test_the_service_section_is_checked_and_moved_keys_say_where(section: str, said: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(said)):
        parse_settings(tomllib.loads(section), "smc.toml")


def test_a_server_and_a_workstation_configuration() -> None:
    server = parse_settings(
        tomllib.loads('[service]\nlisten = "0.0.0.0:9002"\nsecret = "0123456789abcdef"\n'), "s"
    )
    assert server.service.listen_address == ("0.0.0.0", 9002)
    station = parse_settings(
        tomllib.loads('[service]\nattach = "centre.local:9002"\nsecret = "0123456789abcdef"\n'),
        "w",
    )
    assert station.service.attach_address == ("centre.local", 9002)
    assert Settings().service.attach_address is None
