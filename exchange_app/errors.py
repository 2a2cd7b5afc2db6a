"""Errors that reach a person: each names the file, the record and the field."""

from __future__ import annotations

from dataclasses import dataclass


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

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self, limit: int = 50) -> str:
        head = f"{self.source}: refused, {len(self.problems)} problem(s); nothing was imported"
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
