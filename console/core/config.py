"""Settings: one TOML file in the user config directory, overridden by command-line flags.

Every key is declared here with its type and allowed values; a typo or a bad value is an error
that names the file, the section, the key and what was expected. ``resources/config/default.toml``
documents every key with its default.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.core import paths

LANGUAGES = ("zh_CN", "en_US")
THEMES = ("light", "dark")
DEMO_PROFILES = ("demo", "small")
BAUD_RATES = (0, 300, 600, 1200, 2400, 4800, 9600, 19200)


class ConfigError(Exception):
    """The configuration file cannot be used; the message says where and why, ``section`` and
    ``key`` which value (when it is one value)."""

    def __init__(self, message: str, *, section: str = "", key: str = "") -> None:
        super().__init__(message)
        self.section = section
        self.key = key


def _choice(default: Any, choices: tuple[Any, ...]) -> Any:
    return field(default=default, metadata={"choices": choices})


def _range(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    return field(default=default, metadata={"min": lo, "max": hi})


def _pattern(default: str, regex: str, expected: str) -> Any:
    return field(default=default, metadata={"pattern": regex, "expected": expected})


TIME_OF_DAY = r"([01][0-9]|2[0-3]):[0-5][0-9]"


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str = ""  # empty: SQLite file in the user data directory


@dataclass(frozen=True, slots=True)
class DemoSettings:
    enabled: bool = True
    profile: str = _choice("demo", DEMO_PROFILES)
    seed: int = _range(20261121, 0, 2**31 - 1)
    history_days: int = _range(2, 1, 60)
    reply_delay_ms: int = _range(0, 0, 5000)
    baudrate: int = _choice(0, BAUD_RATES)  # 0: bytes move instantly on the in-process links
    dead_meter_ratio: float = _range(0.001, 0.0, 0.5)
    accounts: bool = True  # the demo county's documented accounts (the window asks who signs in)


@dataclass(frozen=True, slots=True)
class CollectionSettings:
    enabled: bool = True  # every collection job (concentrators and own links)
    own_links: bool = True  # read the meters on their own links (RS-485, converters)
    interval_s: int = _range(300, 10, 86400)
    workers: int = _range(16, 1, 64)  # bus owners; they mostly wait on their links
    timeout_s: float = _range(1.0, 0.05, 30.0)
    retries: int = _range(1, 0, 5)


@dataclass(frozen=True, slots=True)
class FrontEndSettings:
    """The Q/GDW 1376.1 front end (前置机): concentrators dial in to this TCP port."""

    enabled: bool = True
    host: str = "0.0.0.0"
    port: int = _range(9001, 0, 65535)
    # The longest wait before a request is re-sent (GPRS: seconds); shorter for a concentrator
    # whose round trips are known to be short. Given up after (1 + retries) * timeout_s.
    timeout_s: float = _range(15.0, 0.1, 120.0)
    retries: int = _range(2, 0, 5)
    # Requests in flight at once across every concentrator (more wait, with no timeout running)
    max_in_flight: int = _range(256, 1, 100_000)
    heartbeat_timeout_min: int = _range(15, 1, 1440)  # DESIGN.md §6: offline after 15 min


ADDRESS = r"[^\s:]+:[0-9]{1,5}"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """The service process (front end, collection, jobs) and how windows reach it."""

    # In a process of its own (a county's pass never slows the window); false: threads of the
    # window's process, which then serves no other window.
    separate_process: bool = True
    # Where this machine's service listens for windows, "HOST:PORT" (port 0: any free one).
    listen: str = _pattern("127.0.0.1:0", ADDRESS, '"HOST:PORT" (e.g. "127.0.0.1:0")')
    # A workstation whose windows attach to the service of another machine, "HOST:PORT";
    # empty: this machine runs (or attaches to) its own.
    attach: str = _pattern("", f"({ADDRESS})?", '"HOST:PORT" of the server, or ""')
    # The shared secret windows and the service prove to each other (never sent). Empty: one
    # generated for this machine (service.secret in the data directory); required when the
    # service listens beyond this machine or a window attaches to another one.
    secret: str = ""

    @property
    def listen_address(self) -> tuple[str, int]:
        return _split_address(self.listen)

    @property
    def attach_address(self) -> tuple[str, int] | None:
        return _split_address(self.attach) if self.attach else None


def _split_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """When the concentrator jobs run (editable in 采集监控 too; the database keeps the jobs)."""

    freeze_start: str = _pattern("00:10", TIME_OF_DAY, '"HH:MM" (24-hour clock, e.g. "00:10")')
    freeze_retry_min: int = _range(30, 5, 240)
    freeze_cutoff: str = _pattern("08:00", TIME_OF_DAY, '"HH:MM" (24-hour clock, e.g. "08:00")')
    curves: bool = True  # 15-minute curves of 台区 summary meters and large customers
    events_every_min: int = _range(5, 1, 1440)
    clock_check: str = _pattern("02:00", TIME_OF_DAY, '"HH:MM" (24-hour clock, e.g. "02:00")')


@dataclass(frozen=True, slots=True)
class BackupSettings:
    enabled: bool = True
    time: str = _pattern("02:30", TIME_OF_DAY, '"HH:MM" (24-hour clock, e.g. "02:30")')
    keep: int = _range(14, 1, 3650)
    dir: str = ""  # empty: the backups directory in the user data directory

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.time.split(":")
        return int(hour), int(minute)

    @property
    def directory(self) -> Path:
        """``dir``, or ``backups`` in the user data directory."""
        return Path(self.dir).expanduser() if self.dir else paths.backup_dir()


@dataclass(frozen=True, slots=True)
class UiSettings:
    lang: str = _choice("zh_CN", LANGUAGES)
    theme: str = _choice("light", THEMES)
    idle_lock_min: int = _range(15, 0, 480)  # a signed-in window locks after this; 0: never


@dataclass(frozen=True, slots=True)
class Settings:
    database: DatabaseSettings = DatabaseSettings()
    demo: DemoSettings = DemoSettings()
    collection: CollectionSettings = CollectionSettings()
    frontend: FrontEndSettings = FrontEndSettings()
    service: ServiceSettings = ServiceSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    backup: BackupSettings = BackupSettings()
    ui: UiSettings = UiSettings()
    source: Path | None = field(default=None, compare=False)


_SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseSettings,
    "demo": DemoSettings,
    "collection": CollectionSettings,
    "frontend": FrontEndSettings,
    "service": ServiceSettings,
    "schedule": ScheduleSettings,
    "backup": BackupSettings,
    "ui": UiSettings,
}
_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
# Keys that moved: a file that still has them is told where they went.
_MOVED = {
    ("frontend", "separate_process"): "[service] separate_process",
    ("schedule", "clock_drift_s"): "the clock.drift_s threshold (系统管理 → 阈值)",
}
MIN_SECRET_LEN = 16


def _convert(where: str, f: dataclasses.Field[Any], value: Any) -> Any:
    kind: type[Any] = type(f.default)
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, str)
    if not ok:
        raise ConfigError(f"{where} = {value!r}: expected {_TYPE_NAMES[kind]}")
    meta = f.metadata
    if "choices" in meta and value not in meta["choices"]:
        allowed = ", ".join(repr(c) for c in meta["choices"])
        raise ConfigError(f"{where} = {value!r}: expected one of {allowed}")
    if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
        raise ConfigError(f"{where} = {value!r}: expected {meta['expected']}")
    if meta.get("min") is not None and value < meta["min"]:
        raise ConfigError(f"{where} = {value!r}: must be at least {meta['min']}")
    if meta.get("max") is not None and value > meta["max"]:
        raise ConfigError(f"{where} = {value!r}: must be at most {meta['max']}")
    return value


def parse_settings(data: dict[str, Any], source: str) -> Settings:
    sections: dict[str, Any] = {}
    for name, body in data.items():
        cls = _SECTIONS.get(name)
        if cls is None:
            known = ", ".join(f"[{s}]" for s in _SECTIONS)
            raise ConfigError(f"{source}: unknown section [{name}] (known: {known})")
        if not isinstance(body, dict):
            raise ConfigError(f"{source}: [{name}] must be a table of keys")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values = {}
        for key, value in body.items():
            f = fields.get(key)
            if f is None and (name, key) in _MOVED:
                raise ConfigError(
                    f"{source}: [{name}] {key} has moved to {_MOVED[(name, key)]}: "
                    "remove the line and set it there"
                )
            if f is None:
                raise ConfigError(
                    f"{source}: [{name}] has no key {key!r} (known: {', '.join(fields)})"
                )
            try:
                values[key] = _convert(f"{source}: [{name}] {key}", f, value)
            except ConfigError as err:
                raise ConfigError(str(err), section=name, key=key) from None
        sections[name] = cls(**values)
    settings = Settings(**sections)
    _check_service(settings.service, source)
    if settings.schedule.freeze_cutoff == settings.schedule.freeze_start:
        raise ConfigError(
            f"{source}: [schedule] freeze_cutoff = {settings.schedule.freeze_cutoff!r}: must "
            "differ from freeze_start (the re-tries run from the first pass until the cut-off)",
            section="schedule",
            key="freeze_cutoff",
        )
    return settings


def _check_service(service: ServiceSettings, source: str) -> None:
    """A service reachable beyond this machine, or a remote one, needs a chosen secret."""
    host, _port = service.listen_address
    beyond = host not in LOOPBACK_HOSTS
    if (beyond or service.attach) and len(service.secret) < MIN_SECRET_LEN:
        why = f"listen = {service.listen!r}" if beyond else f"attach = {service.attach!r}"
        raise ConfigError(
            f"{source}: [service] {why} needs a secret of at least {MIN_SECRET_LEN} characters "
            "(the same on the server and every workstation)"
        )


def load_settings(path: Path | None, *, must_exist: bool = False) -> Settings:
    """Read ``path``; a missing file gives the defaults unless ``must_exist`` (``--config``)."""
    if path is None or not path.exists():
        if must_exist:
            raise ConfigError(f"configuration file {path} does not exist")
        return Settings()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read: {err.strerror}") from None
    return dataclasses.replace(parse_settings(data, str(path)), source=path)


def with_overrides(
    settings: Settings,
    *,
    db_url: str | None = None,
    demo: bool | None = None,
    lang: str | None = None,
    theme: str | None = None,
) -> Settings:
    """Apply command-line flags on top of the file's settings (validated the same way)."""
    flag_source = "command line"
    if db_url is not None:
        settings = dataclasses.replace(settings, database=DatabaseSettings(url=db_url))
    if demo is not None:
        settings = dataclasses.replace(
            settings, demo=dataclasses.replace(settings.demo, enabled=demo)
        )
    ui = {}
    if lang is not None:
        ui["lang"] = lang
    if theme is not None:
        ui["theme"] = theme
    if ui:
        merged = {"lang": settings.ui.lang, "theme": settings.ui.theme, **ui}
        settings = dataclasses.replace(settings, ui=parse_settings({"ui": merged}, flag_source).ui)
    return settings


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def check_section(section: str, values: dict[str, Any]) -> None:
    """``ConfigError`` (with ``section`` and ``key``) if ``values`` are not a valid
    ``[section]``; a window checks an edit before it sends it."""
    parse_settings({section: values}, "the new values")


def save_section(path: Path, section: str, values: dict[str, Any]) -> Settings:
    """Write ``values`` as the file's ``[section]`` (validated first; the rest of the file,
    comments included, is kept) and return the settings the file now gives. The file is
    replaced atomically: a crash leaves the old one or the new one, never half of either."""
    cls = _SECTIONS.get(section)
    if cls is None:
        raise ConfigError(f"unknown section [{section}]")
    check_section(section, values)  # a bad value stops here, unwritten
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    header = re.compile(r"^\s*\[([A-Za-z0-9_.-]+)\]\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if header.match(line) and
                  header.match(line).group(1) == section), None)  # type: ignore[union-attr]  # fmt: skip
    if start is None:
        body = [f"[{section}]", *(f"{k} = {_toml_value(v)}" for k, v in values.items())]
        lines = [*lines, *([""] if lines else []), *body]
    else:
        end = next((i for i in range(start + 1, len(lines)) if header.match(lines[i])), len(lines))
        key = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
        todo = dict(values)
        section_lines = []
        for line in lines[start + 1 : end]:  # keys rewritten in place, comments kept
            match = key.match(line)
            if match is None:
                section_lines.append(line)
            elif match.group(1) in todo:
                section_lines.append(f"{match.group(1)} = {_toml_value(todo.pop(match.group(1)))}")
        while section_lines and not section_lines[-1].strip():
            section_lines.pop()
        section_lines += [f"{k} = {_toml_value(v)}" for k, v in todo.items()]
        gap = [""] if end < len(lines) else []
        lines = [*lines[: start + 1], *section_lines, *gap, *lines[end:]]
    new_text = "\n".join(lines) + "\n"
    try:
        tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: the file would not be valid TOML: {err}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(path)
    return load_settings(path)
