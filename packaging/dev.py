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

`test` also runs the data-layer tests (tests/db) against PostgreSQL: against the server in
SMC_TEST_PG_URL if set, else against a throwaway cluster it creates on 127.0.0.1 from the
distribution's `postgresql` package (installed like the Qt libraries) and removes afterwards.
`test --no-postgres` runs them on SQLite only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"
VENV_PY = VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")
VENV_BIN = VENV / ("Scripts" if WINDOWS else "bin")
MIN_PYTHON = (3, 11)
TS_FILES = [ROOT / "resources" / "translations" / "smc_zh_CN.ts"]
PYTEST_NO_TESTS = 5  # pytest's exit code when it collected nothing (or deselected everything)

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


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _apt_prefix() -> list[str] | None:
    """How to run apt-get: directly as root, through passwordless sudo, or (None) not at all."""
    if running_as_root():
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0
    ):
        return ["sudo", "-n"]
    return None


def ensure_system_packages(*, packaging: bool, optional: Sequence[str] = ()) -> list[str]:
    """Install the system packages Qt needs, and ``optional`` ones the caller can do without,
    in one apt-get run. Without the means to install, a missing Qt package stops the command
    with the apt-get line to run; missing optional ones are returned to the caller, as are
    those whose installation failed when not running as root (as root, i.e. in CI, a failed
    installation stops the command)."""
    required = missing_system_packages(packaging=packaging)
    optional = [p for p in optional if p not in required]
    missing = [*required, *optional]
    if not missing:
        return []
    line = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if not shutil.which("apt-get"):
        say(
            "missing system packages (not a Debian/Ubuntu system, install their equivalents): "
            + " ".join(missing)
        )
        return optional
    prefix = _apt_prefix()
    if prefix is None:
        if required:
            fail(
                f"Qt needs system packages that are not installed. Run this once, then try "
                f"again:\n\n    sudo {line}\n"
            )
        return optional
    say(f"installing system packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    started = time.monotonic()
    try:
        subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run([*prefix, *line.split(), "-qq"], check=True, env=env)
    except subprocess.CalledProcessError:
        if required or not prefix:
            raise
        say(f"could not install {' '.join(optional)}; carrying on without")
        return optional
    say(f"system packages installed in {time.monotonic() - started:.0f} s")
    return []


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


# ---------------------------------------------------------------- PostgreSQL for the db tests

PG_URL_ENV = "SMC_TEST_PG_URL"
PG_PACKAGE = "postgresql"
PG_LIB_DIR = Path("/usr/lib/postgresql")
PG_SYSTEM_USER = "postgres"  # created by the Debian package; the server refuses to run as root
PG_SUPERUSER = "postgres"  # the cluster's superuser, whoever runs the server
PG_DATABASE = "smc_test"
PG_HOST = "127.0.0.1"
PG_START_ATTEMPTS = 3  # a free port can be taken between choosing it and the server binding it
# A throwaway cluster: nothing survives the run, so nothing needs to reach the disk.
PG_SETTINGS = {
    "listen_addresses": f"'{PG_HOST}'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}

Runner = Callable[[list[str], Path], subprocess.CompletedProcess[str]]


class PostgresSetupError(Exception):
    """The throwaway PostgreSQL cluster could not be set up; the message says why."""


def find_postgres_bin(lib_dir: Path = PG_LIB_DIR) -> Path | None:
    """The bin directory (initdb, pg_ctl, createdb) of the newest installed server version."""
    found: list[tuple[tuple[int, ...], Path]] = []
    for bin_dir in lib_dir.glob("*/bin"):
        if all((bin_dir / tool).is_file() for tool in ("initdb", "pg_ctl", "createdb")):
            version = tuple(int(p) for p in bin_dir.parent.name.split(".") if p.isdigit())
            found.append((version, bin_dir))
    return max(found)[1] if found else None


def free_port(host: str = PG_HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_user_prefix(
    user: str, *, runuser: str | None, su: str | None
) -> Callable[[list[str]], list[str]]:
    """Wrap a command line to run it as ``user`` (from root): runuser, else su."""
    if runuser:
        return lambda cmd: [runuser, "-u", user, "--", *cmd]
    if su:
        return lambda cmd: [su, "-s", "/bin/sh", user, "-c", shlex.join(cmd)]
    raise PostgresSetupError(f"neither runuser nor su is available to run the server as {user}")


def _pg_env() -> dict[str, str]:
    """The environment without PG* variables (PGHOST, PGSSLMODE, ... would redirect our clients)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _run_captured(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=_pg_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class PgCluster:
    """The command lines of a throwaway cluster in ``base``: data in base/data, the Unix
    socket in base, the server log in base/server.log. ``as_server_user`` wraps the commands
    that must run as the server's owner (initdb, pg_ctl)."""

    def __init__(
        self,
        bin_dir: Path,
        base: Path,
        *,
        as_server_user: Callable[[list[str]], list[str]] | None = None,
    ) -> None:
        self.bin_dir = bin_dir
        self.base = base
        self.data = base / "data"
        self.log = base / "server.log"
        self.wrap = as_server_user or _as_is

    def initdb(self) -> list[str]:
        return self.wrap(
            [
                str(self.bin_dir / "initdb"),
                "--pgdata",
                str(self.data),
                "--username",
                PG_SUPERUSER,
                "--auth",
                "trust",  # the only connections possible are local ones: loopback and the socket
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ]
        )

    def settings(self) -> str:
        """Lines appended to postgresql.conf (the port is given when starting)."""
        values = {**PG_SETTINGS, "unix_socket_directories": f"'{self.base}'"}
        return "".join(f"{key} = {value}\n" for key, value in values.items())

    def start(self, port: int) -> list[str]:
        return self.wrap(
            [
                str(self.bin_dir / "pg_ctl"),
                "--pgdata",
                str(self.data),
                "--log",
                str(self.log),
                "--options",
                f"-p {port}",
                "--wait",
                "--timeout",
                "60",
                "--silent",
                "start",
            ]
        )

    def stop(self) -> list[str]:
        # Immediate: nothing in this cluster is worth a shutdown checkpoint.
        return self.wrap(
            [
                str(self.bin_dir / "pg_ctl"),
                "--pgdata",
                str(self.data),
                "--mode",
                "immediate",
                "--wait",
                "--silent",
                "stop",
            ]
        )

    def createdb(self, port: int) -> list[str]:
        # A client over TCP: runs as whoever we are.
        return [
            str(self.bin_dir / "createdb"),
            "--host",
            PG_HOST,
            "--port",
            str(port),
            "--username",
            PG_SUPERUSER,
            PG_DATABASE,
        ]

    @staticmethod
    def url(port: int) -> str:
        return f"postgresql+psycopg://{PG_SUPERUSER}@{PG_HOST}:{port}/{PG_DATABASE}"

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


def _as_is(cmd: list[str]) -> list[str]:
    return cmd


def _raise_interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def throwaway_postgres(
    bin_dir: Path,
    *,
    as_root: bool,
    run: Runner = _run_captured,
    pick_port: Callable[[], int] = free_port,
    parent: Path | None = None,
) -> Iterator[str]:
    """Create, start and yield the URL of a PostgreSQL cluster in a new temporary directory;
    stop it and remove the directory on the way out, whatever happened (SIGTERM included)."""
    if parent is None and Path("/tmp").is_dir():
        # Short (a Unix socket path is limited to ~107 bytes) and reachable by the server user.
        parent = Path("/tmp")
    base = Path(tempfile.mkdtemp(prefix="smc-pg-", dir=parent))
    restore_sigterm = None
    if hasattr(signal, "SIGTERM"):
        with contextlib.suppress(ValueError):  # only the main thread may set handlers
            restore_sigterm = signal.signal(signal.SIGTERM, _raise_interrupt)
    cluster: PgCluster | None = None
    try:
        wrap = _as_is
        if as_root:
            import pwd

            try:
                owner = pwd.getpwnam(PG_SYSTEM_USER)
            except KeyError:
                raise PostgresSetupError(
                    f"there is no {PG_SYSTEM_USER!r} system user to run the server as "
                    f"(the {PG_PACKAGE} package creates it)"
                ) from None
            os.chown(base, owner.pw_uid, owner.pw_gid)
            wrap = server_user_prefix(
                PG_SYSTEM_USER, runuser=shutil.which("runuser"), su=shutil.which("su")
            )
        cluster = PgCluster(bin_dir, base, as_server_user=wrap)

        def check(cmd: list[str], what: str) -> None:
            result = run(cmd, base)
            if result.returncode != 0:
                raise PostgresSetupError(
                    f"{what} failed (exit {result.returncode}): {shlex.join(cmd)}\n"
                    f"{_tail(result.stdout + result.stderr)}"
                )

        check(cluster.initdb(), "initdb")
        with (cluster.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# smc throwaway test cluster\n" + cluster.settings())
        port = 0
        for attempt in range(1, PG_START_ATTEMPTS + 1):
            port = pick_port()
            result = run(cluster.start(port), base)
            if result.returncode == 0:
                break
            log = cluster.log.read_text(errors="replace") if cluster.log.exists() else ""
            if "could not bind" not in log or attempt == PG_START_ATTEMPTS:
                raise PostgresSetupError(
                    f"the server did not start (exit {result.returncode}): "
                    f"{shlex.join(cluster.start(port))}\n"
                    f"{_tail(result.stdout + result.stderr + log)}"
                )
        check(cluster.createdb(port), "createdb")
        yield cluster.url(port)
    finally:
        if cluster is not None and cluster.running():
            result = run(cluster.stop(), base)
            if result.returncode != 0 and cluster.running():
                say(f"could not stop the test cluster: {_tail(result.stdout + result.stderr)}")
        shutil.rmtree(base, ignore_errors=True)
        if base.exists():
            say(f"could not remove {base} completely")
        if restore_sigterm is not None:
            signal.signal(signal.SIGTERM, restore_sigterm)


def warn_loudly(lines: Sequence[str]) -> None:
    bar = "!" * 78
    text = "\n".join(f"[dev] {line}" for line in lines)
    print(f"{bar}\n{text}\n{bar}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- commands


def prepare(
    extras: tuple[str, ...], *, packaging: bool = False, optional: Sequence[str] = ()
) -> list[str]:
    """Install what is missing; returns the ``optional`` system packages still missing."""
    not_installed = ensure_system_packages(packaging=packaging, optional=optional)
    ensure_venv(extras)
    build_translations()
    return not_installed


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


def _postgres_for_tests(
    stack: contextlib.ExitStack, env: dict[str, str], *, not_installed: Sequence[str]
) -> list[str]:
    """Point ``env`` at a PostgreSQL server for the db tests, starting a throwaway cluster
    (stopped and removed when ``stack`` closes) unless SMC_TEST_PG_URL is set. Returns why
    PostgreSQL will not be tested, as lines to show (empty when it will be). As root, i.e. in
    CI, not being able to set it up stops the command instead."""
    if env.get(PG_URL_ENV):
        say(f"PostgreSQL: the db tests also run against the server in {PG_URL_ENV}")
        return []
    reason: list[str]
    if not sys.platform.startswith("linux"):
        reason = ["this is not Linux, where a throwaway server would be started"]
    elif not_installed:
        reason = [
            f"the {PG_PACKAGE} package is not installed and could not be from here; run:",
            f"    sudo apt-get install -y --no-install-recommends {PG_PACKAGE}",
        ]
    elif (bin_dir := find_postgres_bin()) is None:
        reason = [f"no initdb, pg_ctl and createdb under {PG_LIB_DIR}/*/bin"]
    else:
        started = time.monotonic()
        try:
            url = stack.enter_context(throwaway_postgres(bin_dir, as_root=running_as_root()))
        except PostgresSetupError as err:
            reason = ["the throwaway server could not be set up:", *str(err).splitlines()]
        else:
            env[PG_URL_ENV] = url
            say(
                f"PostgreSQL {bin_dir.parent.name}: throwaway cluster at {url}, "
                f"set up in {time.monotonic() - started:.1f} s"
            )
            return []
    if running_as_root():
        fail(
            "PostgreSQL for the db tests: "
            + "\n".join(reason)
            + f"\n(set {PG_URL_ENV} to a server's URL, or pass --no-postgres to test on "
            "SQLite only)"
        )
    return [
        "PostgreSQL tests SKIPPED: the db tests run on SQLite only, because",
        *reason,
        f"(or set {PG_URL_ENV}=postgresql+psycopg://USER@HOST/DB to use a server you have)",
    ]


MAX_TEST_WORKERS = 4  # the suite's longest test takes about a minute: more workers gain little


def _test_workers(args: Sequence[str]) -> list[str]:
    """pytest-xdist options: one worker per core (at most four), unless the caller chose,
    or asked for what needs one process (-s output, a debugger)."""
    single = {"-s", "--capture=no", "--pdb", "--trace", "-x", "--exitfirst"}
    if any(a in single or a.startswith(("-n", "--numprocesses", "--dist")) for a in args):
        return []
    if "no:xdist" in args:
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ["-n", str(max(1, min(cores or 1, MAX_TEST_WORKERS)))]


def cmd_test(args: list[str]) -> int:
    with_bundle = "--no-package" not in args
    with_postgres = "--no-postgres" not in args
    args = [a for a in args if a not in ("--no-package", "--no-postgres")]
    extras = ("test", "postgres", "package") if with_bundle else ("test", "postgres")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if not with_postgres:
        env.pop(PG_URL_ENV, None)
    # The PostgreSQL package is installed with the Qt libraries, in the same apt-get run.
    need_package = (
        with_postgres
        and not env.get(PG_URL_ENV)
        and sys.platform.startswith("linux")
        and find_postgres_bin() is None
    )
    not_installed = prepare(
        extras, packaging=with_bundle, optional=[PG_PACKAGE] if need_package else []
    )
    with contextlib.ExitStack() as stack:
        skipped: list[str] = []
        if with_postgres:
            skipped = _postgres_for_tests(stack, env, not_installed=not_installed)
        else:
            say("PostgreSQL: --no-postgres, the db tests run on SQLite only")
        if skipped:
            warn_loudly(skipped)
        started = time.monotonic()
        workers = _test_workers(args)
        say(f"pytest on {workers[1] if workers else 1} worker(s)")
        code = subprocess.run(
            [str(VENV_PY), "-m", "pytest", *workers, *args], cwd=ROOT, env=env, check=False
        ).returncode
        say(f"pytest finished with exit code {code} in {time.monotonic() - started:.0f} s")
    if skipped:
        warn_loudly(skipped)  # again, where it is seen: after pytest's summary
    if code == PYTEST_NO_TESTS:
        say("pytest collected no tests: a run that tests nothing is a failure")
        return code
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
    try:
        return COMMANDS[argv[0]](argv[1:])
    except KeyboardInterrupt as interrupt:  # Ctrl-C; SIGTERM too while a test cluster runs
        say(f"interrupted ({interrupt.args[0] if interrupt.args else 'Ctrl-C'})")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
