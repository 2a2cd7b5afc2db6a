"""The workspace: one database of programs, and every use case on it.

The desktop app, the CLI, the solver service and the exporters all go through
:class:`Workspace`. Each method is one transaction (``with self._sessions.begin()``): it
writes everything or nothing, and returns domain objects (never ORM rows).

Module functions :func:`import_file`, :func:`export_scenario`, :func:`export_schedule` and
:func:`demo_database` are the file-level use cases the CLI and the app's menus call.
"""

from __future__ import annotations

import functools
import getpass
import inspect
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
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
from exchange_app.errors import (
    ConflictError,
    ExchangeError,
    InputError,
    NotFoundError,
    Problem,
    ResultNotStoredError,
    ServerUnavailableError,
    StorageError,
)
from exchange_app.io.scenario_json import (
    PinRef,
    load_json,
    parse_scenario,
    pin_contradictions,
    scenario_to_dict,
    write_scenario,
)
from exchange_app.io.schedule_json import parse_schedule, write_schedule
from exchange_app.storage import programs as db_programs
from exchange_app.storage import schedules as db_schedules
from exchange_app.storage.backup import need_room
from exchange_app.storage.engine import data_dir, database_url, is_read_only, make_engine, sqlite_path
from exchange_app.storage.errors import label, translated
from exchange_app.storage.health import check_database, check_sound
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
    for i, loc in enumerate(sc.locations):
        known(f"locations[{i}] ({loc.id})", loc.timezone)
    for i, slot in enumerate(sc.slots):
        aware(f"slots[{i}] ({slot.id})", "start", slot.start)
        aware(f"slots[{i}] ({slot.id})", "end", slot.end)
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
    )
    getattr(probe, key).append(person)
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


def _pin_ref(p: Pin) -> PinRef:
    """A stored pin as the import's contradiction check names it: by what it says (the
    same pin keeps its name when others are added or removed)."""
    return PinRef(
        f"pin {p.official} with {p.host} at {p.slot}", None, p.official, p.host, p.slot, f"{p.host}@{p.slot}"
    )


def _pin_problems(scenario: Scenario, pins: Sequence[Pin] | None = None) -> list[Problem]:
    """The import's contradiction check (:func:`~exchange_app.io.scenario_json.pin_contradictions`)
    on ``pins`` (default: the scenario's): a pin on a forbidden pair, an official or host
    pinned twice at overlapping times, an official pinned twice with one host, more pins to
    one host-slot than ``max_guests`` or ``max_same_country``, pins beyond a person's
    ``max_sessions`` or ``max_per_day``. Each problem names both pins."""
    return pin_contradictions(scenario, [_pin_ref(p) for p in (scenario.pins if pins is None else pins)])


def _refuse_new_contradictions(scenario: Scenario, old: list[Problem], source: str) -> None:
    """Refuse (:class:`InputError`) the contradictions of ``scenario``'s pins (after a
    change) that are not in ``old`` (found before it): a contradiction already stored, from
    an older version, does not block other changes."""
    after = _pin_problems(scenario)
    seen = {(x.record, x.message) for x in old}
    new = [x for x in after if (x.record, x.message) not in seen]
    if new:
        raise InputError(source, new, nothing_was="saved")


# --------------------------------------------------------------------------- the workspace

_C = TypeVar("_C", bound=type)
#: Room a long action (solve, import) needs beyond twice the database's size.
ROOM_MARGIN = 2 << 20


def _translating(cls: _C) -> _C:
    """Every public method of ``cls`` turns driver and disk errors into the project's
    (:mod:`exchange_app.storage.errors`): the one place where that happens."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def call(self: Workspace, *args: Any, **kwargs: Any) -> Any:
            with translated(self.engine.url):
                return fn(self, *args, **kwargs)

        return call

    for name, fn in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(fn):
            setattr(cls, name, wrap(fn))
    return cls


@_translating
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
        #: The file could not be written (read-only file, folder or mount): opened read-only.
        self.read_only: bool = is_read_only(engine.url)
        #: What a person should know that is not an error (a backup that failed, ...); a
        #: front end shows them (set ``on_notice``, or read and clear ``notices``).
        self.notices: list[str] = []
        self.on_notice: Callable[[str], None] | None = None
        if self.read_only:
            self._notice(
                f"{self.path} is read-only (file, folder or disk): opened read-only, changes cannot be saved."
            )

    @classmethod
    def open(
        cls,
        db: str | os.PathLike[str] | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        ask_password: Callable[[str], str | None] | None = None,
    ) -> Workspace:
        """Open (and create or migrate) ``db``: a file path, ``sqlite:///`` or ``postgresql://``
        URL; None opens the default database in the user data folder.

        Refused with a :class:`~exchange_app.errors.StorageError` subclass, in words: a
        damaged file (naming the newest good backup), a file or database that is not an
        Exchange Scheduler one (left unchanged), one from a newer app version, a server that
        does not answer. A PostgreSQL password comes from the URL, ``password``, the
        keyring, ``~/.pgpass`` / ``PGPASSWORD`` or, when the server asks for one,
        ``ask_password(prompt)`` (e.g. a terminal prompt or a dialog).
        """
        url = database_url(db)
        engine = make_engine(url, password)
        try:
            try:
                check_database(engine)
            except ServerUnavailableError as e:
                if ask_password is None or engine.url.password or "password" not in str(e):
                    raise
                given = ask_password(
                    f"Password for {engine.url.username or ''}@{engine.url.host or 'localhost'}: "
                )
                if not given:
                    raise
                engine.dispose()
                engine = make_engine(url, given)
                check_database(engine)
            with translated(engine.url):
                upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, user)

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        if self.on_notice is not None:
            self.on_notice(text)

    def check_sound(self) -> None:
        """Refuse to write into a damaged SQLite file (``PRAGMA quick_check``; the error
        names the newest good backup). Run before every large write."""
        if self.path is not None:
            check_sound(self.path, self.engine)

    def ensure_room(self, what: str) -> None:
        """Refuse a long action (a solve, an import) before it starts when the disk holding
        the SQLite file has too little room for a backup and the result."""
        if self.path is None or not self.path.exists():
            return
        size = self.path.stat().st_size
        need_room(self.path.parent, 2 * size + ROOM_MARGIN, what)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
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
        self.check_sound()
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
        self.check_sound()
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

    def person(
        self, program_id: int, kind: PersonKind, person_id: str
    ) -> tuple[Official | Host | Interpreter, Revision] | None:
        """One person as stored now, with their revision (None when there is no such person):
        what a window needs to show one saved profile without reading the whole program."""
        with self._sessions.begin() as s:
            return db_programs.load_person(s, program_id, PersonKind(kind), person_id)

    def pins_and_forbidden(self, program_id: int) -> tuple[list[Pin], list[Forbidden]]:
        """The program's pins and forbidden pairs as stored now (one read, in their order)."""
        with self._sessions.begin() as s:
            return db_programs.load_pins_and_forbidden(s, program_id)

    def person_revisions(self, program_id: int) -> dict[tuple[PersonKind, str], Revision]:
        with self._sessions.begin() as s:
            return db_programs.person_revisions(s, program_id)

    def pins(self, program_id: int) -> list[Pin]:
        """The program's pins as stored now (pass them back as ``base`` to :meth:`set_pins`)."""
        with self._sessions.begin() as s:
            return [p for p, _, _ in db_programs.pin_records(s, program_id)]

    def set_pins(self, program_id: int, pins: list[Pin], base: list[Pin] | None = None) -> list[Pin]:
        """Store the program's pins; every official, host and slot must exist, and the pins
        must not contradict each other or the program as the import requires (InputError
        naming both pins; nothing is written).

        With ``base`` (the pins as loaded), the change is merged: the pins added and removed
        since ``base`` are applied to the stored list, so a colleague's pins saved meanwhile
        stay; a clash (the same official pinned at the same slot with another host) raises
        :class:`ConflictError` naming who and when. Returns the pins as stored."""
        with self._sessions.begin() as s:
            _check_pins(pins, [], db_programs.reference_ids(s, program_id), "pins")
            before = [p for p, _, _ in db_programs.pin_records(s, program_id)]
            stored = db_programs.set_pins(s, program_id, pins, base, user=self.user, now=_now())
            # read back in the same transaction: a refusal rolls the write back
            after = db_programs.load_scenario(s, program_id)
            _refuse_new_contradictions(after, _pin_problems(after, before), "pins")
            return stored

    def set_forbidden(self, program_id: int, forbidden: list[Forbidden]) -> None:
        """Replace the program's forbidden pairs (official and host must exist)."""
        with self._sessions.begin() as s:
            _check_pins([], forbidden, db_programs.reference_ids(s, program_id), "forbidden pairs")
            db_programs.set_forbidden(s, program_id, forbidden)

    def add_pins(self, program_id: int, pins: Sequence[Pin], forbidden: Sequence[Forbidden] = ()) -> None:
        """Add these pins and forbidden pairs beside the others (undoing a delete puts back
        exactly what it removed); every person and slot must still exist and the pins must
        not contradict the others or the program as the import requires (InputError naming
        both records; nothing is written)."""
        with self._sessions.begin() as s:
            _check_pins(list(pins), list(forbidden), db_programs.reference_ids(s, program_id), "pins")
            old = _pin_problems(db_programs.load_scenario(s, program_id))
            db_programs.add_pins(s, program_id, list(pins), list(forbidden))
            # read back in the same transaction: a refusal rolls the write back
            _refuse_new_contradictions(db_programs.load_scenario(s, program_id), old, "pins")

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

    def save_schedule(
        self,
        program_id: int,
        schedule: Schedule,
        source: str,
        note: str = "",
        *,
        base_version: int | None = None,
    ) -> int:
        """Store ``schedule`` as a new version (source ``solve``, ``edit``, ``import`` or
        ``re-solve``); returns its number. Earlier versions stay as they were.

        A solve is never thrown away: the backup made before storing it may fail (a notice
        says so, the schedule is stored anyway); when the schedule itself cannot be stored
        it is written to a schedule file (beside the database, else in the user data or
        temp folder) and :class:`~exchange_app.errors.ResultNotStoredError` names that file.

        ``base_version`` (board edits on a team database): the version ``schedule`` was
        edited from. When someone saved a newer version meanwhile, the edits are merged into
        it if the two touch different sessions and officials; otherwise
        :class:`ConflictError` names who saved what and when, and nothing is written.
        """
        solved = source in ("solve", "re-solve")
        try:
            self.check_sound()
            if solved:  # the app and the CLI: a backup before a solve is stored
                self._back_up_before_solve()
            with translated(self.engine.url), self._sessions.begin() as s:
                if base_version is not None:
                    schedule, note = self._merge_edit(s, program_id, schedule, base_version, note)
                return db_schedules.save_schedule(
                    s, program_id, schedule, source=source, note=note, user=self.user, now=_now()
                )
        except StorageError as e:
            if not solved:
                raise
            raise self._keep_unstored(program_id, schedule, e) from e

    def _merge_edit(
        self, s: Any, program_id: int, mine: Schedule, base_version: int, note: str
    ) -> tuple[Schedule, str]:
        db_programs.lock_program(s, program_id)  # no one saves between the merge and the insert
        later = db_schedules.versions_since(s, program_id, base_version)
        if not later:
            return mine, note
        base = db_schedules.load_schedule(s, program_id, base_version)
        theirs = db_schedules.load_schedule(s, program_id, later[-1].number)
        merged, clashes = db_schedules.merge_edit(base, theirs, mine)
        who = "; ".join(
            f"version {v.number} by {v.created_by} at {v.created_at.astimezone().strftime('%Y-%m-%d %H:%M')}"
            for v in later
        )
        if merged is None:
            shown = ", ".join(clashes[:5]) + (f" and {len(clashes) - 5} more" if len(clashes) > 5 else "")
            raise ConflictError(
                f"The schedule was changed since you loaded version {base_version} ({who}), and both of you "
                f"changed {shown}; nothing was saved. Reload to see their change, then make yours again."
            )
        merged.solver = mine.solver
        merged.program = mine.program or theirs.program
        return merged, (note + "; " if note else "") + f"merged with {who}"

    def _back_up_before_solve(self) -> None:
        from exchange_app.services.backups import back_up

        try:
            back_up(self, "before-solve")
        except StorageError as e:
            self._notice(f"No backup was made before storing the solve ({e}). The schedule is stored anyway.")

    def _keep_unstored(self, program_id: int, schedule: Schedule, why: ExchangeError) -> ResultNotStoredError:
        """Write a schedule that could not be stored to a file; the error to raise."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        stem = self.path.stem if self.path is not None else "schedule"
        name = f"{stem}.program-{program_id}.unsaved-schedule.{stamp}.json"
        folders = [self.path.parent] if self.path is not None else []
        folders += [data_dir(), Path(tempfile.gettempdir()), Path.home()]
        where = label(self.engine.url)
        for folder in folders:
            target = folder / name
            try:
                write_schedule(schedule, target, schedule.program)
            except (OSError, ExchangeError):
                continue
            return ResultNotStoredError(
                f"The solve finished but could not be stored in {where}: {why} The schedule was written to "
                f"{target}; once the database can be written again, import it with: "
                f"exchange-app --db {where} import {target}",
                where,
                str(target),
            )
        return ResultNotStoredError(
            f"The solve finished but could not be stored in {where}, nor written to a file in "
            f"{', '.join(map(str, folders))}: {why}",
            where,
            None,
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


def open_locked(db: str | os.PathLike[str] | None, *, user: str | None = None) -> tuple[Workspace, Any]:
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
    ws: Workspace,
    path: str | os.PathLike[str],
    program: str | int | None = None,
    *,
    valid_rows_only: bool = False,
) -> ImportResult:
    """Import a file: a scenario becomes a new program; a schedule becomes a new version of
    ``program`` (or of the only program); a ``.csv``/``.xlsx`` people sheet goes to the
    spreadsheet importer (``valid_rows_only``: import the good rows, report the rest).
    Tells scenario from schedule by the document's ``format``."""
    path = Path(path)
    ws.ensure_room(f"importing {path.name}")
    ws.check_sound()
    if path.suffix.lower() in SHEET_SUFFIXES:
        return _import_sheet(ws, path, program, valid_rows_only)
    return import_read_file(ws, read_import_file(path), program)


@dataclass(frozen=True, slots=True)
class ReadFile:
    """A scenario or schedule file read and (for a scenario) parsed and checked, not stored yet."""

    path: Path
    document: Any
    scenario: Scenario | None  # the parsed scenario, when the file is one


def read_import_file(path: str | os.PathLike[str]) -> ReadFile:
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


def export_scenario(ws: Workspace, program_id: int, path: str | os.PathLike[str]) -> Path:
    """Write the program as an ``exchange-scenario/1`` file (atomically); returns the path."""
    write_scenario(ws.load_scenario(program_id), path)
    return Path(path)


def export_schedule(
    ws: Workspace, program_id: int, path: str | os.PathLike[str], version: int | None = None
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
