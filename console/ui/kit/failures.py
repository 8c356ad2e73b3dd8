"""What went wrong, in the UI language: the kind of failure a dispatcher can act on. The
exception's own text is English (drivers, the database, the service): the English UI adds it,
the Chinese UI points to the log, where it always is."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.core.rpc import ServiceError
from console.ui.kit.language import chinese

CONTEXT = "Failures"
translate = QCoreApplication.translate


def failure_kind(err: BaseException) -> str:
    if isinstance(err, TimeoutError):
        return translate("Failures", "no answer in time")
    if isinstance(err, PermissionError):
        return translate("Failures", "not permitted")
    if isinstance(err, (ConnectionError, ServiceError)):
        return translate("Failures", "the collection service could not be reached")
    if isinstance(err, OSError):
        return translate("Failures", "a file or port could not be used")
    if isinstance(err, LookupError):
        return translate("Failures", "not found")
    if isinstance(err, ValueError):
        return translate("Failures", "a value was not accepted")
    return translate("Failures", "an internal error")


def failure_text(err: BaseException) -> str:
    """``failure_kind(err)``, with the error's text in English, a pointer to the log in
    Chinese (whoever shows it must have logged it)."""
    if chinese():
        return translate("Failures", "{kind} (details in the log)").format(kind=failure_kind(err))
    return f"{failure_kind(err)}: {err}"
