"""The database layer's exception tree."""

from __future__ import annotations


class DatabaseError(Exception):
    """Base of every error raised by ``db``."""


class DatabaseTooNewError(DatabaseError):
    """The database was written by a newer program whose schema this one does not know."""


class MigrationError(DatabaseError):
    """Upgrading the schema failed; the message says which step and where the backup is."""


class IngestError(DatabaseError):
    """A batch could not be stored; nothing of it was written."""
