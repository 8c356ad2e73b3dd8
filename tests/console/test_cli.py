"""The ``smc`` command line: version, option errors, and the view names it accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from console import __main__ as cli
from console import __version__


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"smc {__version__}"


def test_options_work_before_and_after_the_subcommand() -> None:
    parser = cli.build_parser()
    before = parser.parse_args(["--db", "sqlite:///a.db", "--no-demo", "gui"])
    after = parser.parse_args(["gui", "--db", "sqlite:///a.db", "--no-demo"])
    for args in (before, after):
        assert args.db == "sqlite:///a.db"
        assert args.demo is False
        assert args.command == "gui"
    assert parser.parse_args([]).demo is None  # unset: the config file decides


def test_a_missing_config_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--config", str(tmp_path / "nope.toml")])
    assert info.value.code == 2
    assert "nope.toml does not exist" in capsys.readouterr().err


def test_a_bad_config_value_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "smc.toml"
    path.write_text("[collection]\nworkers = 0\n")
    with pytest.raises(SystemExit) as info:
        cli.main(["--config", str(path)])
    assert info.value.code == 2
    assert "[collection] workers = 0: must be at least 1" in capsys.readouterr().err


def test_screenshot_must_be_a_png(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--screenshot", "window.jpg"])
    assert info.value.code == 2
    assert "must end in .png" in capsys.readouterr().err


def test_view_names_match_the_views_the_window_has() -> None:
    from console.ui.views.registry import VIEW_KEYS

    assert tuple(cli.VIEWS) == VIEW_KEYS


def test_help_does_not_import_qt() -> None:
    """--help and --version stay fast: Qt is imported only to open the window."""
    code = (
        "import sys, contextlib, io\n"
        "from console.__main__ import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print('PySide6' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_picture_listens_on_this_machine_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--screenshot (and a server's configuration) never opens a listener on all interfaces."""
    path = tmp_path / "server.toml"
    path.write_text(
        '[frontend]\nhost = "0.0.0.0"\n[service]\nlisten = "0.0.0.0:9002"\n'
        'secret = "sixteen-characters-at-least"\n',
        encoding="utf-8",
    )
    seen: list[object] = []
    from console.ui import application

    monkeypatch.setattr(application, "run_gui", lambda settings, **_kw: seen.append(settings) or 0)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli.main(["--config", str(path), "--screenshot", str(tmp_path / "a.png")]) == 0
    (settings,) = seen
    assert settings.frontend.host == "127.0.0.1"  # type: ignore[attr-defined]
    assert settings.service.listen == "127.0.0.1:0"  # type: ignore[attr-defined]


def test_no_display_is_said_with_the_ways_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("Windows and macOS always have a display")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(SystemExit) as info:
        cli.main(["--no-demo"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "no display" in err and "xvfb-run" in err and "--screenshot" in err


def test_a_database_url_that_cannot_be_opened_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--db", "foo://bar"])
    assert info.value.code == 2
    assert "SQLite or PostgreSQL, not 'foo'" in capsys.readouterr().err
