"""Lint, format and type checks run with the tests, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_ruff_lint_is_clean() -> None:
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_mypy_strict_on_drivers_db_and_console() -> None:
    result = _run("mypy")  # files and strictness come from pyproject.toml
    assert result.returncode == 0, result.stdout
    assert "Success" in result.stdout
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert config["tool"]["mypy"]["files"] == ["drivers", "db", "console"]
    assert config["tool"]["mypy"]["strict"] is True


def test_warnings_raised_in_our_packages_are_errors() -> None:
    """pyproject's filterwarnings turns our own warnings into errors, and only ours."""
    import warnings

    import pytest

    for module in ("console.ui.views.panorama", "drivers.bus", "db.ingest"):
        with pytest.raises(UserWarning):
            warnings.warn_explicit("ours", UserWarning, f"{module}.py", 1, module=module)
    with pytest.warns(UserWarning, match="theirs"):  # a third party's warning stays a warning
        warnings.warn_explicit("theirs", UserWarning, "lib.py", 1, module="somelibrary")
