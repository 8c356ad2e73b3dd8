"""The layering of DESIGN.md §3 is enforced: import-linter passes on the tree and fails on a
violation of each contract (checked on a patched copy of the packages)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("console", "drivers", "db")


def _lint(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:  # the copy shadows the editable install of the real tree
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT, pythonpath=ROOT)  # this tree, even from a worktree beside the install
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 7 kept, 0 broken." in result.stdout


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("drivers/rogue.py", "import PySide6.QtCore\n", "drivers know nothing of the database"),
        ("drivers/rogue.py", "import pandas\n", "drivers know nothing of the database"),
        ("db/rogue.py", "from console.core import clock\n", "db knows nothing of the console"),
        # Codecs and sessions stay sans-IO: one import of a link, a thread or the clock breaks it.
        ("drivers/dlt645/codec.py", "import time\n", "protocol codecs and sessions are sans-IO"),
        (
            "drivers/dlt698/apdu.py",
            "import drivers.link\n",
            "protocol codecs and sessions are sans-IO",
        ),
        # A new protocol's codec and session are covered without being named in the contract,
        # in a protocol package of its own or a subpackage of one.
        ("drivers/newproto/codec.py", "import time\n", "protocol codecs and sessions are sans-IO"),
        (
            "drivers/newproto/session.py",
            "import threading\n",
            "protocol codecs and sessions are sans-IO",
        ),
        (
            "drivers/newproto/hdlc/codec.py",
            "import socket\n",
            "protocol codecs and sessions are sans-IO",
        ),
        (
            "drivers/gdw376/report.py",
            "import logging\n",
            "protocol codecs and sessions are sans-IO",
        ),
        ("console/monitoring/rogue.py", "from console.ui import format\n", "console layers"),
        ("console/collection/rogue.py", "import pyqtgraph\n", "only console.ui imports Qt"),
        ("console/ui/rogue.py", "from db import engine\n", "widgets never hold a database session"),
        ("console/ui/rogue.py", "import serial\n", "widgets never hold a database session"),
        # A new console package must be placed in a layer (the layers contract is exhaustive).
        ("console/billing/__init__.py", "", "console layers"),
        # Features never import each other: they meet through events and the data.
        ("console/monitoring/rogue.py", "from console.collection import api\n", "console layers"),
        ("console/admin/rogue.py", "import console.demo.feature\n", "console layers"),
        # The KPI formulas and the shared core know no feature.
        ("console/kpi/rogue.py", "from console.monitoring import panorama\n", "console layers"),
        ("console/core/rogue.py", "from console.kpi import collection\n", "console layers"),
        # Views never import each other, a new view package included.
        (
            "console/ui/views/panorama/rogue.py",
            "from console.ui.views.admin import view\n",
            "views never import each other",
        ),
        (
            "console/ui/views/billing/view.py",
            "from console.ui.views.panorama import view\n",
            "views never import each other",
        ),
    ],
)
def test_each_contract_fails_on_a_violation(
    tree_copy: Path, module: str, source: str, contract: str
) -> None:
    target = tree_copy / module
    new_dirs = [d for d in target.relative_to(tree_copy).parents if not (tree_copy / d).exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    for new_dir in new_dirs:  # a new folder is a new package, as it would be in the tree
        (tree_copy / new_dir / "__init__.py").write_text("", encoding="utf-8")
    target.write_text(source, encoding="utf-8")
    result = _lint(tree_copy, pythonpath=tree_copy)
    assert result.returncode != 0, f"{module} with {source!r} was not caught:\n{result.stdout}"
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
