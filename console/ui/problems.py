"""A failed start said in the UI's language: what is wrong and the way out (the English
detail stays in the log)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.app.problems import Problem, StartProblem


def _tr(text: str) -> str:
    return QCoreApplication.translate("StartProblem", text)


def problem_text(problem: StartProblem) -> str:
    p, kind = problem.params, problem.kind
    if kind is Problem.DATABASE_DAMAGED:
        text = _tr("The database file {path} is damaged.").format(path=p.get("path", ""))
        if p.get("backup"):
            return text + " " + _tr("Restore the newest backup ({backup}) or open another "
                                    "database.").format(backup=p["backup"])  # fmt: skip
        return text + " " + _tr("There is no backup of it: open another database.")
    if kind is Problem.DATABASE_UNWRITABLE:
        why = (
            _tr("it is on a read-only file system")
            if p.get("read_only")
            else _tr("this user may not write there")
        )
        return _tr(
            "The database {path} cannot be used: {where} is not writable ({why}). Open the "
            "console on a database in a writable place (--db sqlite:///PATH, or [database] url "
            "in the configuration), or give this user write access there."
        ).format(path=p.get("path", ""), where=p.get("where", ""), why=why)
    if kind is Problem.DATABASE_TOO_NEW:
        return _tr(
            "The database is at schema revision {revision}, written by a newer version of the "
            "console. Use that version, or open another database with --db."
        ).format(revision=p.get("revision", "?"))
    if kind is Problem.DATABASE_UNREACHABLE:
        return _tr(
            "The database cannot be opened: the server is not reachable or refused the "
            "connection. Check [database] url (host, user, password) and that the server runs."
        )
    if kind is Problem.DEMO_UNFINISHED:
        return _tr(
            "The demo county in this database was never finished (the console stopped while it "
            "was being made). Delete the database file, or start with --db another file, and "
            "the demo county is made again."
        )
    if kind is Problem.SCHEMA_BEHIND:
        return _tr(
            "The database is at schema revision {current}; this console needs {needed}. "
            "Update the service (smc service) to this version: it upgrades the database."
        ).format(current=p.get("current", "?"), needed=p.get("needed", "?"))
    if kind is Problem.SERVICE_UNREACHABLE:
        return _tr(
            "The console's service at {address} cannot be reached. Is `smc service` running "
            "there, and is [service] attach right?"
        ).format(address=p.get("address", ""))
    if kind is Problem.SERVICE_SECRET:
        return _tr(
            "The service at {address} refused this window's secret: the window and the service "
            "need the same [service] secret."
        ).format(address=p.get("address", ""))
    if kind is Problem.SERVICE_FAILED:
        return _tr(
            "The console's service could not start. The reason is in service.log in the log "
            "directory."
        )
    if kind is Problem.CONFIG:
        return _tr("The configuration file cannot be used: see the details.")
    return _tr("The console could not start ({kind}): see the details and the log.").format(
        kind=p.get("kind", "")
    )
