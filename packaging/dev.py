#!/usr/bin/env python3
"""Set up and run the console from a clone, with nothing but Python installed.

    python3 packaging/dev.py run  [smc options]     the console (demo county + emulator)
    python3 packaging/dev.py test [pytest options]  the whole test suite, then the bundle smoke test
    python3 packaging/dev.py bench                  benchmarks (tests/bench), figures printed
    python3 packaging/dev.py package                PyInstaller one-folder bundle in dist/smc
    python3 packaging/dev.py i18n                   refresh the .ts source from the code, build .qm

Each command creates .venv and installs what is missing first: Python packages, and on
Debian/Ubuntu the system libraries Qt needs (as root or with passwordless sudo; otherwise it
prints the one apt-get line to run). Standard library only: this runs before any install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"
VENV_PY = VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")
VENV_BIN = VENV / ("Scripts" if WINDOWS else "bin")
MIN_PYTHON = (3, 11)
TS_FILES = [ROOT / "resources" / "translations" / "smc_zh_CN.ts"]

# A library file that proves each Debian/Ubuntu package is installed.
QT_SYSTEM_LIBS = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
CJK_FONT_PACKAGE = "fonts-noto-cjk"


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def fail(message: str, code: int = 1) -> None:
    print(f"[dev] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


# ---------------------------------------------------------------- system packages (Linux)


def _library_present(name: str) -> bool:
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        if shutil.which(ldconfig) or Path(ldconfig).exists():
            try:
                out = subprocess.run(
                    [ldconfig, "-p"], capture_output=True, text=True, check=False
                ).stdout
            except OSError:
                continue
            return f"{name} " in out or f"/{name}\n" in out
    return any(
        Path(d, name).exists()
        for d in (
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/usr/lib",
            "/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
        )
    )


def _cjk_font_present() -> bool:
    if any(Path(f).exists() for f in CJK_FONT_FILES):
        return True
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
        return bool(out.stdout.strip())
    return False


def missing_system_packages(*, packaging: bool) -> list[str]:
    if not sys.platform.startswith("linux"):
        return []
    missing = sorted({pkg for lib, pkg in QT_SYSTEM_LIBS.items() if not _library_present(lib)})
    if not _cjk_font_present():
        missing.append(CJK_FONT_PACKAGE)
    try:
        import ensurepip  # noqa: F401  (Debian splits it into python3-venv)
    except ImportError:
        missing.append(f"python3.{sys.version_info.minor}-venv")
    if packaging and not shutil.which("objdump"):
        missing.append("binutils")  # PyInstaller reads shared-library headers with objdump
    return missing


def ensure_system_packages(*, packaging: bool) -> None:
    missing = missing_system_packages(packaging=packaging)
    if not missing:
        return
    line = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if not shutil.which("apt-get"):
        say(
            "missing system packages (not a Debian/Ubuntu system, install their equivalents): "
            + " ".join(missing)
        )
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0
    ):
        prefix = ["sudo", "-n"]
    else:
        fail(
            f"Qt needs system packages that are not installed. Run this once, then try again:\n\n"
            f"    sudo {line}\n"
        )
    say(f"installing system packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    started = time.monotonic()
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*prefix, *line.split(), "-qq"], check=True, env=env)
    say(f"system packages installed in {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------- virtual environment


def ensure_venv(extras: tuple[str, ...]) -> None:
    if sys.version_info < MIN_PYTHON:
        fail(
            f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer is needed, "
            f"this is {sys.version.split()[0]}"
        )
    if not VENV_PY.exists():
        say(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # The stamp records which extras were installed for this exact pyproject.toml, so a
    # later command that needs the same or fewer extras starts without calling pip.
    project = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".smc-installed"
    lines = stamp.read_text().split() if stamp.exists() else []
    have = {
        e
        for line in lines
        if line.startswith(project + ":")
        for e in line.split(":")[1].split(",")
        if e
    }
    if any(line.startswith(project + ":") for line in lines) and set(extras) <= have:
        return
    wanted = sorted(have | set(extras))
    spec = f".[{','.join(wanted)}]" if wanted else "."
    say(f"installing Python packages ({spec})")
    subprocess.run(
        [
            str(VENV_PY),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            spec,
        ],
        check=True,
        cwd=ROOT,
    )
    stamp.write_text(f"{project}:{','.join(wanted)}\n")


def _tool(name: str) -> str:
    path = VENV_BIN / (f"{name}.exe" if WINDOWS else name)
    if not path.exists():
        fail(f"{name} is missing from {VENV_BIN}; delete .venv and run again")
    return str(path)


def build_translations() -> None:
    """Compile every .ts source to the .qm the console loads (the .qm is never hand-edited)."""
    for ts in TS_FILES:
        qm = ts.with_suffix(".qm")
        if not ts.exists():
            continue
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        say(f"built {qm.relative_to(ROOT)}")


def update_translation_sources() -> None:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "console").rglob("*.py"))
    for ts in TS_FILES:
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                "-no-obsolete",
                "-locations",
                "none",
                *sources,
                "-ts",
                str(ts.relative_to(ROOT)),
            ],
            check=True,
            cwd=ROOT,
        )
        ts.with_suffix(".qm").unlink(missing_ok=True)
    build_translations()


# ---------------------------------------------------------------- commands


def prepare(extras: tuple[str, ...], *, packaging: bool = False) -> None:
    ensure_system_packages(packaging=packaging)
    ensure_venv(extras)
    build_translations()


def cmd_run(args: list[str]) -> int:
    prepare(())
    if (
        sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        and os.environ.get("QT_QPA_PLATFORM") not in ("offscreen", "minimal", "vnc")
    ):
        fail(
            "no display: run this from a desktop session (DISPLAY or WAYLAND_DISPLAY set), "
            "or under a virtual one: xvfb-run -a python3 packaging/dev.py run"
        )
    return subprocess.run([str(VENV_PY), "-m", "console", *args], cwd=ROOT, check=False).returncode


def cmd_test(args: list[str]) -> int:
    with_bundle = "--no-package" not in args
    args = [a for a in args if a != "--no-package"]
    extras = ("test", "package") if with_bundle else ("test",)
    prepare(extras, packaging=with_bundle)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    code = subprocess.run(
        [str(VENV_PY), "-m", "pytest", *args], cwd=ROOT, env=env, check=False
    ).returncode
    say(f"pytest finished with exit code {code} in {time.monotonic() - started:.0f} s")
    if code != 0 or not with_bundle or args:
        return code
    return cmd_package([], prepared=True)


def cmd_bench(args: list[str]) -> int:
    prepare(("test", "bench"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [
            str(VENV_PY),
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "-s",
            "-q",
            "tests/bench",
            *args,
        ],
        cwd=ROOT,
        env=env,
        check=False,
    ).returncode


def cmd_package(args: list[str], *, prepared: bool = False) -> int:
    if not prepared:
        prepare(("package",), packaging=True)
    started = time.monotonic()
    build = ROOT / "build" / "pyinstaller"
    code = subprocess.run(
        [
            _tool("pyinstaller"),
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(ROOT / "dist"),
            "--workpath",
            str(build),
            str(ROOT / "packaging" / "smc.spec"),
        ],
        cwd=ROOT,
        check=False,
    ).returncode
    if code != 0:
        return code
    bundle = ROOT / "dist" / "smc"
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    say(f"bundle {bundle} built in {time.monotonic() - started:.0f} s, {size / 2**20:.0f} MiB")
    with tempfile.TemporaryDirectory(prefix="smc-smoke-") as tmp:
        return subprocess.run(
            [str(VENV_PY), str(ROOT / "packaging" / "smoke.py"), str(bundle), tmp, *args],
            cwd=ROOT,
            check=False,
        ).returncode


def cmd_i18n(_args: list[str]) -> int:
    prepare(())
    update_translation_sources()
    return 0


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "bench": cmd_bench,
    "package": cmd_package,
    "i18n": cmd_i18n,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
