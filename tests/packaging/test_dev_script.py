"""packaging/dev.py, the script behind the README's commands: which system packages it asks
for, and what it does as root, with sudo, and without either; the throwaway PostgreSQL cluster
of `test` (its command lines, port, clean-up), faked, since creating one needs the server."""

from __future__ import annotations

import contextlib
import importlib.util
import subprocess
from collections.abc import Iterator
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


def test_optional_packages_are_installed_in_the_same_apt_run_as_root(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType
) -> None:
    monkeypatch.setattr(dev, "missing_system_packages", lambda packaging: ["libegl1"])
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/" + name)
    ran: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        ran.append(cmd)
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    assert dev.ensure_system_packages(packaging=False, optional=["postgresql"]) == []
    assert ran[-1] == [
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        "libegl1",
        "postgresql",
        "-qq",
    ]
    assert len(ran) == 2  # one update, one install


def test_without_root_or_sudo_a_missing_optional_package_is_returned_not_fatal(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType
) -> None:
    monkeypatch.setattr(dev, "missing_system_packages", lambda packaging: [])
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(
        dev.shutil, "which", lambda name: "/usr/bin/" + name if name == "apt-get" else None
    )
    ran: list[list[str]] = []
    monkeypatch.setattr(dev.subprocess, "run", lambda cmd, **kw: ran.append(cmd))
    assert dev.ensure_system_packages(packaging=False, optional=["postgresql"]) == ["postgresql"]
    assert ran == []


# ---------------------------------------------------------------- the throwaway PostgreSQL


def _fake_pg_install(root: Path, versions: dict[str, tuple[str, ...]]) -> None:
    for version, tools in versions.items():
        bin_dir = root / version / "bin"
        bin_dir.mkdir(parents=True)
        for tool in tools:
            (bin_dir / tool).write_text("")


def test_the_newest_complete_server_version_is_used(dev: ModuleType, tmp_path: Path) -> None:
    complete = ("initdb", "pg_ctl", "createdb")
    _fake_pg_install(tmp_path, {"9.6": complete, "13": complete, "15": complete, "16": ("pg_ctl",)})
    assert dev.find_postgres_bin(tmp_path) == tmp_path / "15" / "bin"
    assert dev.find_postgres_bin(tmp_path / "missing") is None


def test_the_cluster_listens_on_loopback_only_with_its_socket_in_its_directory(
    dev: ModuleType, tmp_path: Path
) -> None:
    cluster = dev.PgCluster(Path("/usr/lib/postgresql/15/bin"), tmp_path)
    initdb = cluster.initdb()
    assert initdb[0] == "/usr/lib/postgresql/15/bin/initdb"
    assert initdb[initdb.index("--pgdata") + 1] == str(tmp_path / "data")
    assert initdb[initdb.index("--auth") + 1] == "trust"
    assert initdb[initdb.index("--encoding") + 1] == "UTF8"  # Chinese names
    settings = cluster.settings()
    assert "listen_addresses = '127.0.0.1'\n" in settings
    assert f"unix_socket_directories = '{tmp_path}'\n" in settings
    assert "fsync = off\n" in settings
    start = cluster.start(54321)
    assert start[0].endswith("/pg_ctl") and start[-1] == "start"
    assert start[start.index("--options") + 1] == "-p 54321"
    assert "--wait" in start
    assert cluster.stop()[-1] == "stop"
    assert cluster.createdb(54321)[1:] == [
        "--host",
        "127.0.0.1",
        "--port",
        "54321",
        "--username",
        "postgres",
        "smc_test",
    ]
    assert cluster.url(54321) == "postgresql+psycopg://postgres@127.0.0.1:54321/smc_test"


def test_as_root_the_server_commands_run_as_the_postgres_user(dev: ModuleType) -> None:
    wrap = dev.server_user_prefix("postgres", runuser="/usr/sbin/runuser", su="/usr/bin/su")
    assert wrap(["/x/initdb", "-D", "/tmp/a b"]) == [
        "/usr/sbin/runuser",
        "-u",
        "postgres",
        "--",
        "/x/initdb",
        "-D",
        "/tmp/a b",
    ]
    wrap = dev.server_user_prefix("postgres", runuser=None, su="/usr/bin/su")
    assert wrap(["/x/initdb", "-D", "/tmp/a b"]) == [
        "/usr/bin/su",
        "-s",
        "/bin/sh",
        "postgres",
        "-c",
        "/x/initdb -D '/tmp/a b'",
    ]
    with pytest.raises(dev.PostgresSetupError, match="runuser nor su"):
        dev.server_user_prefix("postgres", runuser=None, su=None)


def test_a_free_port_is_one_that_can_be_bound(dev: ModuleType) -> None:
    import socket

    port = dev.free_port()
    assert 1024 <= port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


class FakePostgres:
    """Stands in for initdb/pg_ctl/createdb: records each command line and plays the files
    the real tools leave behind (postgresql.conf, postmaster.pid, the server log)."""

    def __init__(self, *, fail: str = "", busy_ports: tuple[int, ...] = ()) -> None:
        self.commands: list[list[str]] = []
        self.fail = fail
        self.busy_ports = busy_ports
        self.base: Path | None = None

    def __call__(self, cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        self.commands.append(cmd)
        self.base = cwd
        data = cwd / "data"
        tool = Path(cmd[0]).name
        verb = tool if tool != "pg_ctl" else cmd[-1]
        if verb == self.fail:
            return subprocess.CompletedProcess(cmd, 1, "", f"{verb}: it went wrong")
        if verb == "initdb":
            data.mkdir()
            (data / "postgresql.conf").write_text("# initdb's\n")
        elif verb == "start":
            port = int(cmd[cmd.index("--options") + 1].split()[-1])
            if port in self.busy_ports:
                (cwd / "server.log").write_text(
                    f'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use '
                    f"(port {port})\n"
                )
                return subprocess.CompletedProcess(cmd, 1, "", "pg_ctl: could not start server")
            (data / "postmaster.pid").write_text("4242\n")
        elif verb == "stop":
            (data / "postmaster.pid").unlink()
        return subprocess.CompletedProcess(cmd, 0, "", "")

    def verbs(self) -> list[str]:
        return [Path(c[0]).name if Path(c[0]).name != "pg_ctl" else c[-1] for c in self.commands]


def test_the_cluster_is_set_up_used_and_removed(
    dev: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    fake = FakePostgres()
    sigterm_before = signal.getsignal(signal.SIGTERM)
    bin_dir = Path("/usr/lib/postgresql/15/bin")
    with dev.throwaway_postgres(
        bin_dir, as_root=False, run=fake, pick_port=lambda: 54321, parent=tmp_path
    ) as url:
        assert url == "postgresql+psycopg://postgres@127.0.0.1:54321/smc_test"
        assert fake.base is not None and fake.base.parent == tmp_path
        conf = (fake.base / "data" / "postgresql.conf").read_text()
        assert conf.startswith("# initdb's\n") and "fsync = off" in conf
        assert signal.getsignal(signal.SIGTERM) is not sigterm_before  # SIGTERM cleans up too
    assert fake.verbs() == ["initdb", "start", "createdb", "stop"]
    assert fake.commands[0][0] == str(bin_dir / "initdb")  # not root: no runuser/su
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is sigterm_before


def test_a_failing_test_run_still_stops_and_removes_the_cluster(
    dev: ModuleType, tmp_path: Path
) -> None:
    fake = FakePostgres()
    with (
        pytest.raises(KeyboardInterrupt),
        dev.throwaway_postgres(
            Path("/pg/bin"), as_root=False, run=fake, pick_port=lambda: 5, parent=tmp_path
        ),
    ):
        raise KeyboardInterrupt  # Ctrl-C during pytest
    assert fake.verbs()[-1] == "stop"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("failing", "ran"),
    [
        ("initdb", ["initdb"]),
        ("start", ["initdb", "start"]),
        ("createdb", ["initdb", "start", "createdb", "stop"]),  # started: stopped again
    ],
)
def test_a_failed_set_up_says_what_failed_and_leaves_nothing_behind(
    dev: ModuleType, tmp_path: Path, failing: str, ran: list[str]
) -> None:
    fake = FakePostgres(fail=failing)
    with (
        pytest.raises(dev.PostgresSetupError, match=failing) as caught,
        dev.throwaway_postgres(
            Path("/pg/bin"), as_root=False, run=fake, pick_port=lambda: 5, parent=tmp_path
        ),
    ):
        pytest.fail("the body must not run")
    assert "it went wrong" in str(caught.value)
    assert fake.verbs() == ran
    assert list(tmp_path.iterdir()) == []


def test_a_port_taken_meanwhile_is_retried_with_another(dev: ModuleType, tmp_path: Path) -> None:
    fake = FakePostgres(busy_ports=(5001, 5002))
    ports = iter([5001, 5002, 5003])
    with dev.throwaway_postgres(
        Path("/pg/bin"), as_root=False, run=fake, pick_port=lambda: next(ports), parent=tmp_path
    ) as url:
        assert ":5003/" in url
    assert fake.verbs() == ["initdb", "start", "start", "start", "createdb", "stop"]
    fake = FakePostgres(busy_ports=(1, 2, 3))
    ports = iter([1, 2, 3])
    with (
        pytest.raises(dev.PostgresSetupError, match="Address already in use"),
        dev.throwaway_postgres(
            Path("/pg/bin"),
            as_root=False,
            run=fake,
            pick_port=lambda: next(ports),
            parent=tmp_path,
        ),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- `test`: PostgreSQL policy


class FakeTestCommand:
    """What cmd_test did with installing, the cluster and pytest faked."""

    def __init__(self, dev: ModuleType) -> None:
        self.dev = dev
        self.not_installed: list[str] = []
        self.cluster_fails = False
        self.pytest_code = 0
        self.extras: tuple[str, ...] = ()
        self.optional: list[str] | None = None
        self.cluster = ""
        self.pytest: list[str] | None = None
        self.env: dict[str, str] = {}

    def prepare(self, extras: tuple[str, ...], **kwargs: object) -> list[str]:
        self.extras = extras
        self.optional = list(kwargs.get("optional", ()))  # type: ignore[call-overload]
        return self.not_installed

    def run(self, cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        self.pytest = cmd
        self.env = kwargs["env"]  # type: ignore[assignment]
        return subprocess.CompletedProcess(cmd, self.pytest_code)

    @contextlib.contextmanager
    def throwaway_postgres(self, bin_dir: Path, *, as_root: bool) -> Iterator[str]:
        if self.cluster_fails:
            raise self.dev.PostgresSetupError("initdb failed (exit 1)")
        self.cluster = "up"
        yield "postgresql+psycopg://postgres@127.0.0.1:5/smc_test"
        self.cluster = "removed"


@pytest.fixture
def test_command(monkeypatch: pytest.MonkeyPatch, dev: ModuleType) -> FakeTestCommand:
    fake = FakeTestCommand(dev)
    monkeypatch.setattr(dev, "prepare", fake.prepare)
    monkeypatch.setattr(dev.subprocess, "run", fake.run)
    monkeypatch.setattr(dev, "throwaway_postgres", fake.throwaway_postgres)
    monkeypatch.setattr(dev, "find_postgres_bin", lambda: Path("/usr/lib/postgresql/15/bin"))
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    monkeypatch.delenv("SMC_TEST_PG_URL", raising=False)
    return fake


def test_the_tests_get_the_throwaway_cluster_and_the_postgres_driver(
    dev: ModuleType, test_command: FakeTestCommand
) -> None:
    assert dev.cmd_test(["--no-package", "-q", "tests/db"]) == 0
    assert test_command.extras == ("test", "postgres")
    assert test_command.env["SMC_TEST_PG_URL"] == (
        "postgresql+psycopg://postgres@127.0.0.1:5/smc_test"
    )
    assert test_command.pytest is not None and test_command.pytest[-2:] == ["-q", "tests/db"]
    assert test_command.cluster == "removed"
    assert test_command.optional == []  # installed already: nothing to ask apt for


def test_a_given_server_url_is_used_as_is(
    dev: ModuleType, test_command: FakeTestCommand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMC_TEST_PG_URL", "postgresql+psycopg://me@db.example/t")
    assert dev.cmd_test(["--no-package"]) == 0
    assert test_command.cluster == ""
    assert test_command.env["SMC_TEST_PG_URL"] == "postgresql+psycopg://me@db.example/t"


def test_no_postgres_means_sqlite_only(
    dev: ModuleType, test_command: FakeTestCommand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMC_TEST_PG_URL", "postgresql+psycopg://me@db.example/t")
    assert dev.cmd_test(["--no-package", "--no-postgres"]) == 0
    assert test_command.cluster == ""
    assert "SMC_TEST_PG_URL" not in test_command.env
    assert test_command.pytest is not None and "--no-postgres" not in test_command.pytest


def test_without_root_a_missing_package_skips_postgresql_loudly(
    dev: ModuleType,
    test_command: FakeTestCommand,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(dev, "find_postgres_bin", lambda: None)
    test_command.not_installed = ["postgresql"]
    assert dev.cmd_test(["--no-package"]) == 0
    assert test_command.optional == ["postgresql"]
    assert test_command.pytest is not None  # the tests ran, on SQLite
    assert "SMC_TEST_PG_URL" not in test_command.env
    err = capsys.readouterr().err
    # Before pytest and again after it, with the line that fixes it.
    assert err.count("PostgreSQL tests SKIPPED") == 2
    assert "sudo apt-get install -y --no-install-recommends postgresql" in err


def test_without_root_a_cluster_that_fails_skips_postgresql_loudly(
    dev: ModuleType, test_command: FakeTestCommand, capsys: pytest.CaptureFixture[str]
) -> None:
    test_command.cluster_fails = True
    assert dev.cmd_test(["--no-package"]) == 0
    assert "SMC_TEST_PG_URL" not in test_command.env
    err = capsys.readouterr().err
    assert "PostgreSQL tests SKIPPED" in err and "initdb failed" in err


def test_as_root_in_ci_a_cluster_that_fails_fails_the_run(
    dev: ModuleType,
    test_command: FakeTestCommand,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    test_command.cluster_fails = True
    with pytest.raises(SystemExit) as info:
        dev.cmd_test([])
    assert info.value.code == 1
    assert test_command.pytest is None  # stopped before the tests
    assert "initdb failed" in capsys.readouterr().err


def test_as_root_in_ci_a_package_that_cannot_be_installed_fails_the_run(
    dev: ModuleType, test_command: FakeTestCommand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev, "find_postgres_bin", lambda: None)
    test_command.not_installed = ["postgresql"]  # e.g. no apt-get
    with pytest.raises(SystemExit):
        dev.cmd_test(["--no-package"])
    assert test_command.pytest is None


def test_a_run_that_collects_no_tests_fails(
    dev: ModuleType, test_command: FakeTestCommand, capsys: pytest.CaptureFixture[str]
) -> None:
    test_command.pytest_code = 5
    assert dev.cmd_test([]) == 5  # non-zero, and the bundle is not built
    assert "collected no tests" in capsys.readouterr().out


def test_the_suite_runs_on_every_core_unless_the_caller_needs_one_process(
    monkeypatch: pytest.MonkeyPatch, dev: ModuleType
) -> None:
    monkeypatch.setattr(dev.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert dev._test_workers([]) == ["-n", "2"]
    assert dev._test_workers(["tests/db", "-k", "ingest"]) == ["-n", "2"]
    for own in (["-n", "1"], ["-n0"], ["-s"], ["--pdb"], ["-p", "no:xdist"]):
        assert dev._test_workers(own) == [], own
    monkeypatch.setattr(dev.os, "sched_getaffinity", lambda _pid: set(range(32)), raising=False)
    assert dev._test_workers([]) == ["-n", str(dev.MAX_TEST_WORKERS)]
