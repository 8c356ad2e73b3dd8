"""packaging/dev.py, the script behind the README's commands: which system packages it asks
for, and what it does as root, with sudo, and without either."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("smc_dev_script", ROOT / "packaging" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_machine(
    monkeypatch: pytest.MonkeyPatch,
    dev: ModuleType,
    *,
    libs: set[str],
    font: bool,
    objdump: bool = True,
) -> None:
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.setattr(dev, "_library_present", lambda name: name in libs)
    monkeypatch.setattr(dev, "_cjk_font_present", lambda: font)
    real_which = dev.shutil.which
    monkeypatch.setattr(
        dev.shutil,
        "which",
        lambda name: None if name == "objdump" and not objdump else real_which(name),
    )


def test_a_bare_machine_needs_every_qt_library_and_a_chinese_font(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType
) -> None:
    _fake_machine(monkeypatch, dev, libs=set(), font=False, objdump=False)
    missing = dev.missing_system_packages(packaging=True)
    for package in (
        "libegl1",
        "libgl1",
        "libxkbcommon0",
        "libfontconfig1",
        "libdbus-1-3",
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
        "fonts-noto-cjk",
        "binutils",
    ):
        assert package in missing


def test_a_complete_machine_needs_nothing(monkeypatch: pytest.MonkeyPatch, dev: ModuleType) -> None:
    _fake_machine(monkeypatch, dev, libs=set(dev.QT_SYSTEM_LIBS), font=True)
    assert dev.missing_system_packages(packaging=True) == []
    assert dev.missing_system_packages(packaging=False) == []


def test_without_root_or_sudo_it_prints_the_apt_line_and_stops(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        dev, "missing_system_packages", lambda packaging: ["libegl1", "fonts-noto-cjk"]
    )
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(
        dev.shutil, "which", lambda name: "/usr/bin/" + name if name == "apt-get" else None
    )
    ran: list[list[str]] = []
    monkeypatch.setattr(dev.subprocess, "run", lambda cmd, **kw: ran.append(cmd))
    with pytest.raises(SystemExit) as info:
        dev.ensure_system_packages(packaging=False)
    assert info.value.code == 1
    assert (
        "sudo apt-get install -y --no-install-recommends libegl1 fonts-noto-cjk"
        in capsys.readouterr().err
    )
    assert ran == []  # nothing was attempted


def test_as_root_it_installs_non_interactively(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType
) -> None:
    monkeypatch.setattr(dev, "missing_system_packages", lambda packaging: ["libegl1"])
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/" + name)
    ran: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        ran.append((cmd, kwargs.get("env", {})))  # type: ignore[arg-type]
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    dev.ensure_system_packages(packaging=False)
    assert [cmd for cmd, _ in ran] == [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "--no-install-recommends", "libegl1", "-qq"],
    ]
    assert all(env["DEBIAN_FRONTEND"] == "noninteractive" for _, env in ran)


def test_the_stamp_skips_pip_when_the_extras_are_already_installed(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType, tmp_path: Path
) -> None:
    venv = tmp_path / ".venv"
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "VENV_PY", python)
    pip_calls: list[list[str]] = []
    monkeypatch.setattr(dev.subprocess, "run", lambda cmd, **kw: pip_calls.append(cmd))
    dev.ensure_venv(("package", "test"))
    dev.ensure_venv(("test",))
    dev.ensure_venv(())
    assert len(pip_calls) == 1 and pip_calls[0][-1] == ".[package,test]"
    dev.ensure_venv(("postgres",))  # a new extra: install again, keeping the others
    assert pip_calls[-1][-1] == ".[package,postgres,test]"
