"""A window starts the service for its database on this machine: ``smc service --owned`` in a
process of its own (it outlives the window while other windows are attached, and stops when
the last one leaves). The settings travel on its standard input; its first line of standard
output says where it listens, or why it could not start."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass

from console.core.config import Settings

log = logging.getLogger(__name__)

START_TIMEOUT_S = 180.0  # a first start may upgrade a large database


class SpawnError(RuntimeError):
    """The service could not be started; the message says why and what to do."""


@dataclass
class Spawned:
    host: str
    port: int
    process: subprocess.Popen[bytes] | None  # None: one was already running (not ours)


def smc_command() -> list[str]:
    """How to run ``smc`` again: the frozen bundle's executable, or this Python with -m."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "console"]


def spawn_service(settings: Settings, log_level: int) -> Spawned:
    options: dict[str, object] = {
        "stdin": subprocess.PIPE,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.DEVNULL,
    }
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
    else:
        options["start_new_session"] = True  # not killed with the window's terminal
    command = [*smc_command(), "service", "--owned", "--settings-stdin"]
    try:
        process = subprocess.Popen(command, **options)  # type: ignore[call-overload]
    except OSError as err:
        raise SpawnError(f"the service could not be started ({' '.join(command)}): {err}") from err
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(pickle.dumps((settings, log_level)))
        process.stdin.close()
    except OSError as err:
        process.kill()
        raise SpawnError(f"the service stopped at once: {err}") from err
    line = _first_line(process)
    word, _, rest = line.partition(" ")
    if word in ("ready", "running"):
        host, port = rest.split()
        log.info("service %s at %s:%s (pid %d)", word, host, port, process.pid)
        if word == "running":  # another window's service won the race: attach to it
            process.wait(10)
            return Spawned(host, int(port), None)
        return Spawned(host, int(port), process)
    process.wait(10)
    if word == "failed":
        raise SpawnError(rest)
    raise SpawnError(
        f"the service stopped without saying why (exit {process.returncode}); see service.log "
        "in the log directory"
    )


def _first_line(process: subprocess.Popen[bytes]) -> str:
    """The service's first line, read on a thread so a hung start cannot hang the window."""
    out: list[bytes] = []
    reader = threading.Thread(
        target=lambda: out.append(process.stdout.readline()),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    reader.join(START_TIMEOUT_S)
    if reader.is_alive():
        process.kill()
        raise SpawnError(f"the service did not start within {START_TIMEOUT_S:g} s")
    if process.stdout is not None:
        process.stdout.close()
    return out[0].decode("utf-8", "replace").strip() if out else ""
