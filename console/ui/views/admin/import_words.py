"""档案导入's words: the kinds' names and what each holds, the phases, the units an org file
creates, and why an import stored nothing — in the UI's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.admin.api import (
    HeaderError,
    ImportCancelledError,
    ImportDatabaseError,
    ImportFileError,
    ImportPhase,
    NoRowsError,
    ReportError,
)
from console.core.operator import NotPermittedError
from console.ui.kit.noop import QT_TRANSLATE_NOOP

CONTEXT = "ArchiveImport"
translate = QCoreApplication.translate

# Each kind: its name in the list and what a file of it holds (in KINDS order, the import order).
KIND_NAMES = {
    "org": QT_TRANSLATE_NOOP("ArchiveImport", "Transformer areas"),
    "concentrators": QT_TRANSLATE_NOOP("ArchiveImport", "Concentrators"),
    "tariffs": QT_TRANSLATE_NOOP("ArchiveImport", "Tariffs"),
    "customers": QT_TRANSLATE_NOOP("ArchiveImport", "Customers"),
    "meters": QT_TRANSLATE_NOOP("ArchiveImport", "Meters"),
    "readings": QT_TRANSLATE_NOOP("ArchiveImport", "Daily freezes"),
    "curves": QT_TRANSLATE_NOOP("ArchiveImport", "Load curves"),
    "events": QT_TRANSLATE_NOOP("ArchiveImport", "Meter events"),
}
KIND_HINTS = {
    "org": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "One row per transformer area with its supply station, substation and feeder; "
        "the units not in the database yet are created. Import it first.",
    ),
    "concentrators": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "Concentrators with their transformer area and Q/GDW 1376.1 address; the areas "
        "must be imported already.",
    ),
    "tariffs": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "Electricity prices by tariff code and validity: flat, time-of-use periods with their "
        "hours, residential tiers; import them before the customers that use them.",
    ),
    "customers": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "Customers by account number, with their class, tariff and transformer area.",
    ),
    "meters": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "Meters by asset number, with their customer, concentrator and meter box; import "
        "the customers first.",
    ),
    "readings": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "Daily freeze registers (kWh) of each meter and day; import the meters first.",
    ),
    "curves": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "15-minute load curve points (power, voltage, current) of each meter; import the "
        "meters first.",
    ),
    "events": QT_TRANSLATE_NOOP(
        "ArchiveImport",
        "Meter events (power off, cover open …) with their start and end; import the meters first.",
    ),
}
PHASES = {
    ImportPhase.READING: QT_TRANSLATE_NOOP("ArchiveImport", "Reading"),
    ImportPhase.CHECKING: QT_TRANSLATE_NOOP("ArchiveImport", "Checking"),
    ImportPhase.STORING: QT_TRANSLATE_NOOP("ArchiveImport", "Storing"),
    ImportPhase.REPORTING: QT_TRANSLATE_NOOP("ArchiveImport", "Writing the rejected rows"),
    ImportPhase.COMMITTING: QT_TRANSLATE_NOOP("ArchiveImport", "Committing"),
}
# Units an org file created, as the archive names them.
UNITS = {
    "市公司": QT_TRANSLATE_NOOP("ArchiveImport", "companies"),
    "县公司": QT_TRANSLATE_NOOP("ArchiveImport", "counties"),
    "供电所": QT_TRANSLATE_NOOP("ArchiveImport", "supply stations"),
    "变电站": QT_TRANSLATE_NOOP("ArchiveImport", "substations"),
    "线路": QT_TRANSLATE_NOOP("ArchiveImport", "feeders"),
}
# Stored lines a file replaced, as the archive names them (console.archive.tariffs).
REMOVED = {
    "电价明细 (price lines)": QT_TRANSLATE_NOOP("ArchiveImport", "{n} price lines removed"),
}


def kind_name(kind: str) -> str:
    return translate(CONTEXT, KIND_NAMES[kind])


def not_permitted_text() -> str:
    return translate(
        "ArchiveImport", "Only administrators import the archive: sign in as one to import."
    )


def import_error_text(err: BaseException, kind: str) -> str | None:
    """Why an import stored nothing, in the UI's language, with the archive's own detail (it
    names the column, byte or sheet); ``None`` for a failure that is not the file's."""
    if isinstance(err, NotPermittedError):
        return not_permitted_text()
    if isinstance(err, ImportCancelledError):
        return translate("ArchiveImport", "Cancelled: nothing was stored.")
    if isinstance(err, NoRowsError):
        return translate("ArchiveImport", "The file has a header but no rows; nothing was stored.")
    if isinstance(err, HeaderError):
        return translate(
            "ArchiveImport", "The header does not fit {kind}; nothing was stored: {detail}"
        ).format(kind=kind_name(kind), detail=err)
    if isinstance(err, ImportFileError):
        return translate(
            "ArchiveImport", "The file cannot be read; nothing was stored: {detail}"
        ).format(detail=err)
    if isinstance(err, ReportError):
        return translate(
            "ArchiveImport",
            "The rejected-rows report cannot be written; nothing was stored: {detail}",
        ).format(detail=err)
    if isinstance(err, ImportDatabaseError):
        return translate(
            "ArchiveImport", "The database refused the import; nothing was stored: {detail}"
        ).format(detail=err.reason)
    return None
