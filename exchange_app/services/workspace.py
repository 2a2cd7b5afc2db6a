"""The workspace: one database of programs, and every use case on it.

The desktop app, the CLI, the solver service and the exporters all go through
:class:`Workspace`. Each method is one transaction (``with self._sessions.begin()``): it
writes everything or nothing, and returns domain objects (never ORM rows).

Module functions :func:`import_file`, :func:`export_scenario`, :func:`export_schedule` and
:func:`demo_database` are the file-level use cases the CLI and the app's menus call.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from exchange_app.domain import (
    SCENARIO_FORMAT,
    SCHEDULE_FORMAT,
    Forbidden,
    Host,
    Interpreter,
    Official,
    Person,
    PersonKind,
    Pin,
    Program,
    Scenario,
    Schedule,
    zone,
)
from exchange_app.errors import ConflictError, InputError, NotFoundError, Problem
from exchange_app.io.scenario_json import load_json, parse_scenario, scenario_to_dict, write_scenario
from exchange_app.io.schedule_json import parse_schedule, write_schedule
from exchange_app.storage import programs as db_programs
from exchange_app.storage import schedules as db_schedules
from exchange_app.storage.engine import data_dir, make_engine, sqlite_path
from exchange_app.storage.migrate import upgrade
from exchange_app.storage.programs import ProgramInfo, Revision
from exchange_app.storage.schedules import VersionInfo

__all__ = [
    "ImportResult",
    "ProgramInfo",
    "Revision",
    "VersionInfo",
    "Workspace",
    "check_scenario",
    "demo_database",
    "export_scenario",
    "export_schedule",
    "import_file",
]

SHEET_SUFFIXES = (".csv", ".xlsx")


def current_user() -> str:
    """The OS user name, recorded as ``updated_by`` / ``created_by``."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        return "unknown"


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- checking input


def _aware_problems(sc: Scenario) -> list[Problem]:
    """Things :func:`scenario_to_dict` cannot write: unknown zones, instants without offset."""
    problems = []

    def known(record: str, name: str) -> None:
        try:
            zone(name)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            problems.append(Problem(record, "timezone", f"unknown time zone {name!r}"))

    def aware(record: str, fld: str, value: Any) -> None:
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            problems.append(Problem(record, fld, f"{value!r} is not a time with a UTC offset"))

    known("program", sc.program.timezone)
    for i, x in enumerate(sc.locations):
        known(f"locations[{i}] ({x.id})", x.timezone)
    for i, x in enumerate(sc.slots):
        aware(f"slots[{i}] ({x.id})", "start", x.start)
        aware(f"slots[{i}] ({x.id})", "end", x.end)
    for key in ("officials", "hosts", "interpreters"):
        for i, p in enumerate(getattr(sc, key)):
            for j, w in enumerate(p.availability):
                aware(f"{key}[{i}] ({p.id})", f"availability[{j}].start", w.start)
                aware(f"{key}[{i}] ({p.id})", f"availability[{j}].end", w.end)
    return problems


def check_scenario(scenario: Scenario, source: str = "<scenario>") -> None:
    """Check a scenario built in code exactly like an imported file (same messages);
    raises :class:`InputError` naming record and field."""
    problems = _aware_problems(scenario)
    if problems:
        raise InputError(source, problems)
    parse_scenario(scenario_to_dict(scenario), source=source)


def _check_person(person: Person, program: Program, refs: Scenario) -> None:
    """Check one person against the program's topics and locations; the problems name them
    as ``official o-0004`` rather than by position."""
    lists = {
        PersonKind.OFFICIAL: "officials",
        PersonKind.HOST: "hosts",
        PersonKind.INTERPRETER: "interpreters",
    }
    key = lists[person.kind]
    probe = Scenario(
        program=Program(name=program.name, timezone=program.timezone),
        topics=refs.topics,
        locations=refs.locations,
        **{key: [person]},
    )
    record = f"{person.kind.value} {person.id}" if person.id else person.kind.value
    try:
        check_scenario(probe, source=f"{person.kind.value} {person.id}".strip())
    except InputError as e:
        problems = [
            Problem(record if p.record.startswith(f"{key}[0]") else p.record, p.field, p.message)
            for p in e.problems
        ]
        raise InputError(e.source, problems) from None


def _check_pins(pins: list[Pin], forbidden: list[Forbidden], refs: dict[str, set[str]], source: str) -> None:
    problems = []
    for name, items in (("pins", pins), ("forbidden", forbidden)):
        for i, x in enumerate(items):
            checks = [("official", "officials"), ("host", "hosts")] + (
                [("slot", "slots")] if name == "pins" else []
            )
            for fld, table in checks:
                value = getattr(x, fld)
                if value not in refs[table]:
                    problems.append(Problem(f"{name}[{i}]", fld, f"unknown {fld} {value!r}"))
    if problems:
        raise InputError(source, problems)


# --------------------------------------------------------------------------- the workspace


class Workspace:
    """A database of programs (an SQLite file or a PostgreSQL database).

    Open with :meth:`open` (creates and migrates the database as needed); use as a context
    manager or call :meth:`close`. ``user`` is recorded as who changed what (default: the
    OS user name).
    """

    def __init__(self, engine: Engine, user: str | None = None):
        self.engine = engine
        self.user = user or current_user()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        #: The database as a URL, password hidden (safe to show).
        self.url: str = engine.url.render_as_string(hide_password=True)
        #: The SQLite file, or None for PostgreSQL.
        self.path: Path | None = sqlite_path(engine.url)

    @classmethod
    def open(cls, db: str | os.PathLike | None = None, *, user: str | None = None) -> Workspace:
        """Open (and create or migrate) ``db``: a file path, ``sqlite:///`` or ``postgresql://``
        URL; None opens the default database in the user data folder."""
        engine = make_engine(db)
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, user)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.url!r})"

    # ------------------------------------------------------------------ programs

    def programs(self) -> list[ProgramInfo]:
        with self._sessions.begin() as s:
            return db_programs.list_programs(s)

    def resolve_program(self, program: str | int | None) -> int:
        """The id of a program given by id or name; None is fine when there is exactly one."""
        infos = self.programs()
        listing = ", ".join(f"{p.id} ({p.name})" for p in infos)
        if program is None or (isinstance(program, str) and not program.strip()):
            if len(infos) == 1:
                return infos[0].id
            if not infos:
                raise NotFoundError("This database holds no program yet; import a scenario first.")
            raise NotFoundError(
                f"This database holds {len(infos)} programs: {listing}; choose one with --program NAME|ID."
            )
        if isinstance(program, int):
            if any(p.id == program for p in infos):
                return program
            raise NotFoundError(
                f"There is no program with id {program}; the database holds: {listing or 'none'}."
            )
        named = [p.id for p in infos if p.name == program] or [
            p.id for p in infos if p.name.casefold() == program.casefold()
        ]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise NotFoundError(
                f"Several programs are named {program!r} (ids {', '.join(map(str, named))}); use the id."
            )
        if program.strip().isdigit():
            return self.resolve_program(int(program))
        raise NotFoundError(
            f"There is no program named {program!r}; the database holds: {listing or 'none'}."
        )

    def import_scenario(self, scenario: Scenario, source: str = "", *, checked: bool = False) -> int:
        """Store ``scenario`` as a new program (one transaction); returns its id.

        The scenario is checked first like an imported file (``checked=True`` skips that for
        one that came from :func:`~exchange_app.io.scenario_json.read_scenario`).
        """
        if not checked:
            check_scenario(scenario, source or "<scenario>")
        with self._sessions.begin() as s:
            return db_programs.insert_scenario(s, scenario, source=source, user=self.user, now=_now())

    def load_scenario(self, program_id: int) -> Scenario:
        with self._sessions.begin() as s:
            return db_programs.load_scenario(s, program_id)

    def replace_scenario(
        self,
        program_id: int,
        scenario: Scenario,
        expected_revisions: dict[tuple[PersonKind, str], int | Revision] | None = None,
    ) -> None:
        """Make the stored program equal to ``scenario`` (one transaction). People whose id
        stays keep their row; only those that changed get a new revision.

        With ``expected_revisions`` (:meth:`person_revisions` as it was when ``scenario`` was
        loaded), a person someone else changed, added or deleted meanwhile raises
        :class:`ConflictError` naming who and when, and nothing is written.
        """
        check_scenario(scenario, f"program {program_id}")
        try:
            with self._sessions.begin() as s:
                db_programs.replace_scenario(
                    s, program_id, scenario, user=self.user, now=_now(), expected_revisions=expected_revisions
                )
        except StaleDataError as e:  # the program's settings were saved by someone else meanwhile
            rev = self.program_revision(program_id)
            raise ConflictError(
                db_programs.conflict_message(
                    f"Program {scenario.program.name!r}", rev.updated_by, rev.updated_at
                )
            ) from e

    def delete_program(self, program_id: int) -> None:
        """Remove a program with everything it owns, schedule versions included."""
        with self._sessions.begin() as s:
            db_programs.delete_program(s, program_id)

    def program_revision(self, program_id: int) -> Revision:
        with self._sessions.begin() as s:
            return db_programs.program_revision(s, program_id)

    def save_program_settings(
        self, program_id: int, program: Program, expected_revision: int | None = None
    ) -> None:
        """Store the program's name and rules; ``expected_revision`` as in :meth:`upsert_person`."""
        check_scenario(Scenario(program=program), "program settings")
        try:
            with self._sessions.begin() as s:
                db_programs.save_program_settings(
                    s, program_id, program, user=self.user, now=_now(), expected_revision=expected_revision
                )
        except StaleDataError as e:  # someone saved between our read and our write
            rev = self.program_revision(program_id)
            raise ConflictError(
                db_programs.conflict_message(f"Program {program.name!r}", rev.updated_by, rev.updated_at)
            ) from e

    # ------------------------------------------------------------------ people

    def upsert_person(
        self, program_id: int, person: Official | Host | Interpreter, expected_revision: int | None = None
    ) -> int:
        """Add or update a person by id; returns the new revision.

        Refs (topics, locations) and fields are checked like an import (:class:`InputError`).
        With ``expected_revision`` (from :meth:`person_revisions` when the record was loaded),
        a record someone else changed meanwhile raises :class:`ConflictError` naming who and
        when, and nothing is written.
        """
        try:
            with self._sessions.begin() as s:
                refs = db_programs.load_scenario_refs(s, program_id)
                _check_person(person, refs.program, refs)
                return db_programs.upsert_person(
                    s, program_id, person, user=self.user, now=_now(), expected_revision=expected_revision
                )
        except (
            StaleDataError,
            IntegrityError,
        ) as e:  # someone saved (or added them) between our read and write
            raise self._lost_update(program_id, person.kind, person.id, person.name) from e

    def delete_person(
        self, program_id: int, kind: PersonKind, person_id: str, expected_revision: int | None = None
    ) -> None:
        """Remove a person, and the pins and forbidden pairs that name them. Stored schedules
        keep them (the rule checker flags sessions with people who are gone)."""
        try:
            with self._sessions.begin() as s:
                db_programs.delete_person(s, program_id, PersonKind(kind), person_id, expected_revision)
        except StaleDataError as e:
            raise self._lost_update(program_id, PersonKind(kind), person_id) from e

    def person_revisions(self, program_id: int) -> dict[tuple[PersonKind, str], Revision]:
        with self._sessions.begin() as s:
            return db_programs.person_revisions(s, program_id)

    def set_pins(self, program_id: int, pins: list[Pin]) -> None:
        """Replace the program's pins; every official, host and slot must exist (InputError)."""
        with self._sessions.begin() as s:
            _check_pins(pins, [], db_programs.reference_ids(s, program_id), "pins")
            db_programs.set_pins(s, program_id, pins)

    def set_forbidden(self, program_id: int, forbidden: list[Forbidden]) -> None:
        """Replace the program's forbidden pairs (official and host must exist)."""
        with self._sessions.begin() as s:
            _check_pins([], forbidden, db_programs.reference_ids(s, program_id), "forbidden pairs")
            db_programs.set_forbidden(s, program_id, forbidden)

    def add_pins(self, program_id: int, pins: Sequence[Pin], forbidden: Sequence[Forbidden] = ()) -> None:
        """Add these pins and forbidden pairs beside the others (undoing a delete puts back
        exactly what it removed); every person and slot must still exist (InputError)."""
        with self._sessions.begin() as s:
            _check_pins(list(pins), list(forbidden), db_programs.reference_ids(s, program_id), "pins")
            db_programs.add_pins(s, program_id, list(pins), list(forbidden))

    def remove_pins(self, program_id: int, pins: Sequence[Pin], forbidden: Sequence[Forbidden] = ()) -> None:
        """Remove exactly these pins and forbidden pairs; the others stay."""
        with self._sessions.begin() as s:
            db_programs.remove_pins(s, program_id, list(pins), list(forbidden))

    def restore_person(self, program_id: int, person: Person) -> int:
        """Store a deleted person again (undo of a delete); returns the new revision. When
        someone has added a person with that id meanwhile, :class:`ConflictError` names who
        and when, and nothing is written."""
        try:
            with self._sessions.begin() as s:
                current = db_programs.person_revisions(s, program_id).get((person.kind, person.id))
                if current is not None:
                    label = db_programs.person_label(person.kind, person.id, person.name)
                    raise ConflictError(
                        db_programs.conflict_message(label, current.updated_by, current.updated_at)
                    )
                refs = db_programs.load_scenario_refs(s, program_id)
                _check_person(person, refs.program, refs)
                return db_programs.upsert_person(s, program_id, person, user=self.user, now=_now())
        except IntegrityError as e:  # added by someone else between our check and our write
            raise self._lost_update(program_id, person.kind, person.id, person.name) from e

    # ------------------------------------------------------------------ schedules

    def schedule_versions(self, program_id: int) -> list[VersionInfo]:
        with self._sessions.begin() as s:
            return db_schedules.list_versions(s, program_id)

    def load_schedule(self, program_id: int, version: int | None = None) -> Schedule:
        """Schedule version ``version`` (None: the latest); NotFoundError when there is none."""
        with self._sessions.begin() as s:
            return db_schedules.load_schedule(s, program_id, version)

    def save_schedule(self, program_id: int, schedule: Schedule, source: str, note: str = "") -> int:
        """Store ``schedule`` as a new version (source ``solve``, ``edit``, ``import`` or
        ``re-solve``); returns its number. Earlier versions stay as they were."""
        if source in ("solve", "re-solve"):  # the app and the CLI: a backup before a solve is stored
            from exchange_app.services.backups import back_up

            back_up(self, "before-solve")
        with self._sessions.begin() as s:
            return db_schedules.save_schedule(
                s, program_id, schedule, source=source, note=note, user=self.user, now=_now()
            )

    # ------------------------------------------------------------------ helpers

    def _lost_update(
        self, program_id: int, kind: PersonKind, person_id: str, name: str | None = None
    ) -> ConflictError:
        """The ConflictError for a save that lost the race against someone else's."""
        label = db_programs.person_label(kind, person_id, name)
        rev = self.person_revisions(program_id).get((kind, person_id))
        if rev is None:
            return ConflictError(
                f"{label} was deleted by someone else while you saved; reload to see the current list"
            )
        return ConflictError(db_programs.conflict_message(label, rev.updated_by, rev.updated_at))


def open_locked(db: str | os.PathLike | None, *, user: str | None = None) -> tuple[Workspace, Any]:
    """Lock and open a database for one app: (workspace, lock). ``None`` opens the default
    database in the user data folder. Raises LockedError when another app holds it (the
    lock is a no-op for PostgreSQL URLs); release the lock after closing the workspace."""
    from exchange_app.storage.engine import default_database_path
    from exchange_app.storage.lock import DatabaseLock

    if db is None:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = str(path)
    lock = DatabaseLock.acquire(str(db))
    try:
        ws = Workspace.open(db, user=user)
    except BaseException:
        lock.release()
        raise
    return ws, lock


# --------------------------------------------------------------------------- files


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import read and where it went."""

    kind: str  # "scenario", "schedule" or "people"
    program_id: int
    program_name: str
    version: int | None = None  # the new schedule version (schedules only)
    counts: dict[str, int] = field(default_factory=dict)
    summary: str = ""


def _plural(n: int, word: str) -> str:
    irregular = {"forbidden pair": "forbidden pairs"}
    return f"{n} {word if n == 1 else irregular.get(word, word + 's')}"


def import_file(
    ws: Workspace, path: str | os.PathLike, program: str | int | None = None, *, valid_rows_only: bool = False
) -> ImportResult:
    """Import a file: a scenario becomes a new program; a schedule becomes a new version of
    ``program`` (or of the only program); a ``.csv``/``.xlsx`` people sheet goes to the
    spreadsheet importer (``valid_rows_only``: import the good rows, report the rest).
    Tells scenario from schedule by the document's ``format``."""
    path = Path(path)
    if path.suffix.lower() in SHEET_SUFFIXES:
        return _import_sheet(ws, path, program, valid_rows_only)
    return import_read_file(ws, read_import_file(path), program)


@dataclass(frozen=True, slots=True)
class ReadFile:
    """A scenario or schedule file read and (for a scenario) parsed and checked, not stored yet."""

    path: Path
    document: Any
    scenario: Scenario | None  # the parsed scenario, when the file is one


def read_import_file(path: str | os.PathLike) -> ReadFile:
    """Read (and for a scenario parse and check) a JSON file once, without the database, so
    a front end can ask about it (a program of that name exists) before
    :func:`import_read_file` stores it."""
    path = Path(path)
    doc = load_json(path)
    fmt = doc.get("format") if isinstance(doc, dict) else None
    scenario = parse_scenario(doc, source=str(path)) if fmt == SCENARIO_FORMAT else None
    return ReadFile(path, doc, scenario)


def import_read_file(ws: Workspace, read: ReadFile, program: str | int | None = None) -> ImportResult:
    """Store a file from :func:`read_import_file` (as :func:`import_file` does)."""
    path, doc, scenario = read.path, read.document, read.scenario
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if scenario is not None:
        pid = ws.import_scenario(scenario, source=str(path), checked=True)
        counts = {
            "officials": len(scenario.officials),
            "hosts": len(scenario.hosts),
            "interpreters": len(scenario.interpreters),
            "topics": len(scenario.topics),
            "locations": len(scenario.locations),
            "slots": len(scenario.slots),
            "pins": len(scenario.pins),
            "forbidden pairs": len(scenario.forbidden),
        }
        summary = (
            f"Imported scenario {scenario.program.name!r} as program {pid}: "
            + ", ".join(_plural(n, k.rstrip("s")) for k, n in counts.items())
            + "."
        )
        return ImportResult("scenario", pid, scenario.program.name, None, counts, summary)
    if fmt == SCHEDULE_FORMAT:
        named = doc.get("program")
        if program is None and isinstance(named, str) and sum(p.name == named for p in ws.programs()) == 1:
            program = named  # the file says which program it belongs to
        pid = ws.resolve_program(program)
        scenario = ws.load_scenario(pid)
        schedule = parse_schedule(doc, scenario, source=str(path))
        number = ws.save_schedule(pid, schedule, source="import", note=f"imported from {path.name}")
        counts = {
            "sessions": len(schedule.sessions),
            "assignments": sum(len(x.officials) for x in schedule.sessions),
            "unmatched": len(schedule.unmatched),
        }
        summary = (
            f"Imported schedule into program {scenario.program.name!r} (id {pid}) as version {number}: "
            f"{_plural(counts['sessions'], 'session')}, {_plural(counts['assignments'], 'assignment')}."
        )
        if isinstance(named, str) and named and named != scenario.program.name:
            summary += f" Note: the file was written for program {named!r}."
        return ImportResult("schedule", pid, scenario.program.name, number, counts, summary)
    raise InputError(
        str(path),
        [Problem("document", "format", f"is {fmt!r}; expected {SCENARIO_FORMAT!r} or {SCHEDULE_FORMAT!r}")],
    )


def _import_sheet(
    ws: Workspace, path: Path, program: str | int | None, valid_rows_only: bool
) -> ImportResult:
    """People from a spreadsheet, into an existing program (exchange_app.services.spreadsheets)."""
    try:
        from exchange_app.services.spreadsheets import import_people
    except ModuleNotFoundError as e:
        raise InputError(
            str(path), [Problem("file", None, "spreadsheet import is not available in this build")]
        ) from e
    pid = ws.resolve_program(program)
    result = import_people(ws, pid, path, valid_rows_only=valid_rows_only)
    name = next(p.name for p in ws.programs() if p.id == pid)
    counts = {
        "added": int(result.added),
        "updated": int(result.updated),
        "refused rows": len(result.refused_rows),
    }
    return ImportResult("people", pid, name, None, counts, result.summary)


def export_scenario(ws: Workspace, program_id: int, path: str | os.PathLike) -> Path:
    """Write the program as an ``exchange-scenario/1`` file (atomically); returns the path."""
    write_scenario(ws.load_scenario(program_id), path)
    return Path(path)


def export_schedule(
    ws: Workspace, program_id: int, path: str | os.PathLike, version: int | None = None
) -> Path:
    """Write schedule ``version`` (None: latest) as ``exchange-schedule/1`` (atomically)."""
    schedule = ws.load_schedule(program_id, version)
    write_schedule(schedule, path, schedule.program)
    return Path(path)


# --------------------------------------------------------------------------- demo


DEMO_FILE = "demo.db"


def demo_database() -> Path:
    """A fresh database holding the bundled demo program, in the user data folder.

    Built beside the old one and moved into place, so a half-built demo never replaces a
    working one. A demo open in a running app is left alone (:class:`LockedError` naming
    who holds it). Returns its path.
    """
    from exchange_app.storage.lock import DatabaseLock

    target = data_dir() / "demo" / DEMO_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{DEMO_FILE}.building")
    _remove_sqlite(building)
    text = resources.files("resources").joinpath("demo/demo-program.json").read_text("utf-8")
    scenario = parse_scenario(json.loads(text), source="demo-program.json")
    demo = resources.files("resources").joinpath("demo/demo-schedule.json")
    ws = Workspace.open(building)
    try:
        pid = ws.import_scenario(scenario, source="demo-program.json", checked=True)
        if demo.is_file():  # solved once when the demo was built (resources/demo/make_demo_schedule.py)
            schedule = parse_schedule(json.loads(demo.read_text("utf-8")), scenario, "demo-schedule.json")
            ws.save_schedule(
                pid, schedule, "import", note="the demo's schedule, solved when the app was built"
            )
    finally:
        ws.close()  # the last connection checkpoints and removes the write-ahead log
    try:
        with DatabaseLock.acquire(target):
            _remove_sqlite(target)
            shutil.move(building, target)
    finally:
        _remove_sqlite(building)
    return target


def _remove_sqlite(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(FileNotFoundError):
            p.unlink()
