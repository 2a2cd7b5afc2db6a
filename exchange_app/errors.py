"""Errors that reach a person: each names the file, the record and the field."""

from __future__ import annotations

from dataclasses import dataclass

from exchange_app.naming import plural


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (record, field) and what."""

    record: str  # e.g. "officials[3] (o-0004)" or "program"
    field: str | None  # e.g. "availability[0].end"; None when the whole record is meant
    message: str

    def __str__(self) -> str:
        where = self.record if not self.field else f"{self.record}, field '{self.field}'"
        return f"{where}: {self.message}"


class ExchangeError(Exception):
    """Base class for errors the CLI and the app show to a person as they are."""

    exit_code = 1


class InputError(ExchangeError):
    """Input refused whole (a file, a sheet, an edit); nothing was written."""

    exit_code = 2

    def __init__(self, source: str, problems: list[Problem], *, nothing_was: str = "imported"):
        self.source = source
        self.problems = list(problems)
        self.nothing_was = nothing_was  # "imported" (a file), "saved" (an edit)
        super().__init__(self.describe())

    def describe(self, limit: int = 50) -> str:
        head = (
            f"{self.source}: refused, {plural(len(self.problems), 'problem')}; nothing was {self.nothing_was}"
        )
        lines = [f"  {self.source}: {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join([head, *lines])


class NotFoundError(ExchangeError):
    """A program, schedule version or record that does not exist."""


class ConflictError(ExchangeError):
    """Someone else changed the record since it was loaded (team database)."""

    exit_code = 3


class LockedError(ExchangeError):
    """Another app instance holds the database (the message names who, where and since when)."""

    exit_code = 4


# --------------------------------------------------------------------------- storage
#
# Every driver or file error of a database (SQLAlchemy, sqlite3, psycopg, OSError) is turned
# into one of these by ``exchange_app.storage.errors.translate`` inside the services, so the
# CLI and the window show words, never a traceback. Catch ``StorageError`` (or simply
# ``ExchangeError``) in a front end.


class StorageError(ExchangeError):
    """The database cannot be used as asked; the message says what to do. Nothing was
    written by the call that raised it (``ResultNotStoredError`` says where its data went)."""

    exit_code = 5

    def __init__(self, message: str, database: str = ""):
        self.database = database  # a file path or a URL with the password hidden
        super().__init__(message)


class ServerUnavailableError(StorageError):
    """The PostgreSQL server does not answer, refuses the login or has no such database."""


class NotADatabaseError(StorageError):
    """The file is not an Exchange Scheduler database (another program's file or data)."""


class DamagedDatabaseError(StorageError):
    """The database file is damaged. ``good_backups`` lists the backups that are sound,
    newest first (paths); restore one with ``exchange-app --db FILE restore NAME``."""

    def __init__(self, message: str, database: str = "", good_backups: tuple[str, ...] = ()):
        self.good_backups = tuple(good_backups)
        super().__init__(message, database)


class NewerDatabaseError(StorageError):
    """The database was written by a newer version of the app (unknown schema revision)."""


class ReadOnlyDatabaseError(StorageError):
    """The database can be read but not changed (read-only file, folder or mount)."""


class DiskFullError(StorageError):
    """Too little free space for the action, or the disk filled up during it."""


class ResultNotStoredError(StorageError):
    """A finished result (a solve) could not be stored in the database; ``saved_to`` is
    the schedule file it was written to instead (None when even that failed)."""

    def __init__(self, message: str, database: str = "", saved_to: str | None = None):
        self.saved_to = saved_to
        super().__init__(message, database)


class BackupError(StorageError):
    """A backup could not be made or restored (nothing was changed)."""
