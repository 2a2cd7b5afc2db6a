"""Registration workbooks as use cases: make them, read the returned ones, list who is missing.

:func:`make_workbooks` writes one workbook per person (or per delegation) pre-filled with
what is stored, and records who was sent which. :func:`plan_read` reads returned workbooks
and works out each change against what is stored; :func:`apply_plan` writes them in one
transaction (a bad file never stops the good ones unless ``all_or_nothing``).
:func:`status` lists who was sent a workbook, who returned it and who has not.

A returned answer is compared with what the workbook showed when it was made (kept in its
hidden sheet): a field the person left as it was keeps what is stored now, so staff edits
made meanwhile are not undone by an old workbook. A field the person changed replaces the
stored one; the preview says when staff had changed it too.
"""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exchange_app.domain import Host, Location, Official, Person, PersonKind, Program, Scenario, Window
from exchange_app.errors import InputError, NotFoundError, Problem
from exchange_app.io import registration as reg
from exchange_app.io.atomic import atomic_open, sync_all
from exchange_app.io.filenames import person_filename, safe_filename
from exchange_app.io.registration import Finding, Form
from exchange_app.naming import plural
from exchange_app.services.workspace import Workspace, check_scenario
from exchange_app.storage import programs as db_programs
from exchange_app.storage.models import ProgramRow, RegistrationPersonRow, RegistrationWorkbookRow

Key = tuple[PersonKind, str]
#: A workbook saved this soon after it was made, with every answer as sent, is the one that
#: was sent (not filled in): it is not counted as returned. Saved later, it is a confirmation.
UNTOUCHED_WITHIN = timedelta(minutes=15)
Progress = Callable[[int, int], None]
LISTS = {PersonKind.OFFICIAL: "officials", PersonKind.HOST: "hosts", PersonKind.INTERPRETER: "interpreters"}


def _now() -> datetime:
    return datetime.now(UTC)


def _sessions(ws: Workspace) -> sessionmaker[Session]:
    return sessionmaker(ws.engine, expire_on_commit=False)


def _program_created(s: Session, program_id: int) -> str:
    row = s.get(ProgramRow, program_id)
    if row is None:
        raise NotFoundError(f"There is no program with id {program_id}.")
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return created.astimezone(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- making


@dataclass(frozen=True, slots=True)
class MadeWorkbook:
    path: Path
    people: list[Key]


@dataclass(frozen=True, slots=True)
class MakeResult:
    folder: Path
    workbooks: list[MadeWorkbook]

    @property
    def summary(self) -> str:
        people = sum(len(w.people) for w in self.workbooks)
        return f"{plural(len(self.workbooks), 'registration workbook')} for {plural(people, 'person', 'people')} written to {self.folder}."


def select_people(
    scenario: Scenario,
    people: Sequence[str] | None = None,
    delegations: Sequence[str] | None = None,
    kinds: Sequence[PersonKind] | None = None,
    by_delegation: bool = False,
) -> list[list[Person]]:
    """The groups to make workbooks for (a group = one workbook)."""
    groups: list[list[Person]] = []
    if delegations:
        for d in delegations:
            members = [o for o in scenario.officials if o.delegation == d]
            if not members:
                known = sorted({o.delegation for o in scenario.officials if o.delegation})
                raise NotFoundError(
                    f"No official is in delegation {d!r}; delegations: {', '.join(known) or 'none'}."
                )
            groups.append(list(members))
        return groups
    everyone = scenario.people()
    if people:
        for pid in people:
            found = [p for p in everyone if p.id == pid]
            if not found:
                raise NotFoundError(
                    f"{pid!r} is no official, host or interpreter of {scenario.program.name!r}."
                )
            groups.extend([p] for p in found)
        return groups
    chosen = [p for p in everyone if not kinds or p.kind in kinds]
    if by_delegation:
        seen: dict[str, list[Person]] = {}
        for p in chosen:
            group_name = p.delegation if isinstance(p, Official) else None
            if group_name:
                if group_name not in seen:
                    seen[group_name] = []
                    groups.append(seen[group_name])
                seen[group_name].append(p)
            else:
                groups.append([p])
        return groups
    return [[p] for p in chosen]


def _zones(scenario: Scenario, group: Sequence[Person]) -> list[str]:
    locations = scenario.locations_by_id()
    if group[0].kind == PersonKind.HOST:
        return sorted(
            {locations[h.location].timezone for h in group if isinstance(h, Host) and h.location in locations}
        )
    return sorted({x.timezone for x in scenario.locations} | {scenario.program.timezone})


def _file_name(group: Sequence[Person]) -> str:
    first = group[0]
    if len(group) > 1 and isinstance(first, Official) and first.delegation:
        return safe_filename(f"registration delegation {first.delegation}", suffix=".xlsx")
    return "registration " + person_filename(first.name, first.id, ".xlsx")


def metas_for(
    scenario: Scenario, program_id: int, created: str, groups: Sequence[Sequence[Person]], made_at: str
) -> list[reg.Meta]:
    out = []
    for group in groups:
        grid = reg.make_grid(scenario, _zones(scenario, group))
        out.append(
            reg.Meta(
                program_id=program_id,
                program_name=scenario.program.name,
                program_created=created,
                program_zone=scenario.program.timezone,
                token=uuid.uuid4().hex,
                made_at=made_at,
                kind=group[0].kind,
                topics=[t.id for t in scenario.topics],
                sites={x.id: x.name for x in scenario.locations},
                grid=grid,
                sent=[reg.form_for(p, scenario, grid) for p in group],
            )
        )
    return out


def make_workbooks(
    ws: Workspace,
    program_id: int,
    out: str | os.PathLike[str],
    *,
    people: Sequence[str] | None = None,
    delegations: Sequence[str] | None = None,
    kinds: Sequence[PersonKind] | None = None,
    by_delegation: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
) -> MakeResult:
    """Write registration workbooks into folder ``out`` (each file atomically) and record who
    was sent which. A person in several workbooks gets a file each; any returned one is read.
    ``workers`` > 1 writes in that many processes (openpyxl is the bottleneck)."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(
            str(folder),
            [Problem("--out", None, "is a file, not a folder: choose a folder for the workbooks")],
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(
            str(folder), [Problem("--out", None, f"cannot make this folder: {e.strerror or e}")]
        ) from e
    scenario = ws.load_scenario(program_id)
    groups = select_people(scenario, people, delegations, kinds, by_delegation)
    with _sessions(ws).begin() as s:
        created = _program_created(s, program_id)
    now = _now()
    metas = metas_for(scenario, program_id, created, groups, now.isoformat(timespec="seconds"))
    choices = reg.Choices.of(scenario)
    made: list[MadeWorkbook] = []
    used: set[str] = set()
    for group in groups:
        name = _file_name(group)
        stem, k = name[: -len(".xlsx")], 2
        while name.casefold() in used:
            name, k = f"{stem} {k}.xlsx", k + 1
        used.add(name.casefold())
        made.append(MadeWorkbook(folder / name, [(p.kind, p.id) for p in group]))
    jobs = [(book.path, meta) for book, meta in zip(made, metas, strict=True)]
    if workers > 1 and len(jobs) >= 4 * workers:
        _write_in_processes(jobs, choices, workers, progress)
    else:
        for n, (path, meta) in enumerate(jobs, start=1):
            reg.write_workbook(path, meta, choices)
            if progress:
                progress(n, len(jobs))
        sync_all()  # the workbooks reach the disk together, not one fsync each
    with _sessions(ws).begin() as s:
        for meta, book in zip(metas, made, strict=True):
            row = RegistrationWorkbookRow(
                program_id=program_id,
                token=meta.token,
                kind=meta.kind.value,
                file_name=book.path.name,
                made_at=now,
                made_by=ws.user,
            )
            s.add(row)
            s.flush()
            s.add_all(
                RegistrationPersonRow(workbook_id=row.id, kind=k.value, person=pid) for k, pid in book.people
            )
    return MakeResult(folder, made)


def _write_chunk(jobs: list[tuple[Path, reg.Meta]], choices: reg.Choices) -> int:
    """In a worker process: openpyxl writes each sheet to a temporary file first; in memory
    (/dev/shm, where there is one) that costs a fraction of a disk's create and delete."""
    import tempfile

    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        tempfile.tempdir = str(shm)
    for path, meta in jobs:
        reg.write_workbook(path, meta, choices)
    sync_all()
    return len(jobs)


def _write_in_processes(
    jobs: list[tuple[Path, reg.Meta]], choices: reg.Choices, workers: int, progress: Progress | None
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    size = max(1, min(50, len(jobs) // (workers * 4)))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    done = 0
    # "spawn": a fresh interpreter (no copy of the caller's threads, Qt or database connections)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in as_completed([pool.submit(_write_chunk, c, choices) for c in chunks]):
            done += future.result()
            if progress:
                progress(done, len(jobs))


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # as staff read it: "Interests", "Languages", "Availability", ...
    before: str  # what is stored
    after: str  # what the workbook says
    staff_changed: bool = False  # staff changed it too since the workbook was made


@dataclass(slots=True)
class PersonChange:
    kind: PersonKind
    id: str
    name: str
    file: str
    fields: list[FieldChange]
    before: Person
    after: Person


@dataclass(frozen=True, slots=True)
class ReturnMark:
    token: str
    kind: PersonKind
    person: str
    file: str
    modified: datetime
    made_at: str
    workbook_kind: PersonKind


@dataclass(slots=True)
class ReadPlan:
    """What reading the returned workbooks would do (nothing written yet)."""

    files: list[str]
    changes: list[PersonChange]
    unchanged: list[tuple[Key, str]]  # (person, file): read, nothing to change
    findings: list[Finding]
    marks: list[ReturnMark]
    revisions: dict[Key, int | db_programs.Revision]
    bad_files: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]

    def counts(self) -> str:
        text = (
            f"{plural(len(self.files), 'file')}: {plural(len(self.changes), 'person', 'people')} with changes, "
            f"{len(self.unchanged)} unchanged"
        )
        if self.errors:
            text += f", {plural(len(self.errors), 'problem')}"
        if self.notices:
            text += f", {plural(len(self.notices), 'notice')}"
        return text


def workbook_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files and folders -> the .xlsx files (a folder's, sorted; lock files left out)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    x
                    for x in p.iterdir()
                    if x.suffix.lower() == ".xlsx" and not x.name.startswith(("~$", ".~", "."))
                )
            )
        else:
            out.append(p)
    return out


def _interests_text(d: dict[str, int], names: dict[str, str] | None = None) -> str:
    names = names or {}
    return "; ".join(f"{names.get(t, t)}: {w}" for t, w in d.items()) or "(none)"


def _windows_text(windows: Sequence[Window], locations: dict[str, Location], program_zone: str) -> str:
    from exchange_app.io.spreadsheets import window_text

    return (
        "; ".join(
            window_text(w, locations[w.location].timezone if w.location in locations else program_zone)
            for w in sorted(windows, key=lambda w: w.start)
        )
        or "(none)"
    )


def _same_windows(a: Sequence[Window], b: Sequence[Window]) -> bool:
    def key(w: Window) -> tuple[datetime, datetime, str]:
        return (w.start.astimezone(UTC), w.end.astimezone(UTC), w.location or "")

    return sorted(map(key, a)) == sorted(map(key, b))


class _Reader:
    def __init__(self, ws: Workspace, program_id: int):
        self.ws, self.pid = ws, program_id
        self.revisions = ws.person_revisions(program_id)
        self.scenario = ws.load_scenario(program_id)
        self.locations = self.scenario.locations_by_id()
        self.topics = self.scenario.topics_by_id()
        self.topic_names = {t.id: t.name for t in self.scenario.topics}
        self.people: dict[Key, Person] = {(p.kind, p.id): p for p in self.scenario.people()}
        with _sessions(ws).begin() as s:
            self.created = _program_created(s, program_id)
            rows = s.execute(
                select(
                    RegistrationPersonRow.kind,
                    RegistrationPersonRow.person,
                    RegistrationPersonRow.returned_modified,
                )
                .join(RegistrationWorkbookRow)
                .where(
                    RegistrationWorkbookRow.program_id == program_id,
                    RegistrationPersonRow.returned_modified.is_not(None),
                )
            ).all()
        self.already: dict[Key, datetime] = {}
        for kind, person, modified in rows:
            if modified is None:
                continue
            key = (PersonKind(kind), person)
            m = modified if modified.tzinfo else modified.replace(tzinfo=UTC)
            self.already[key] = max(self.already.get(key, m), m)

    def run(self, paths: Sequence[Path], progress: Progress | None, workers: int = 1) -> ReadPlan:
        plan = ReadPlan([p.name for p in paths], [], [], [], [], dict(self.revisions))
        candidates: dict[Key, list[tuple[reg.Returned, int, Form]]] = {}
        for back in _read_all(paths, progress, workers):
            plan.findings.extend(back.findings)
            meta = back.meta
            if meta is None:
                plan.bad_files.add(back.file)
                continue
            if meta.program_id != self.pid or meta.program_created != self.created:
                plan.findings.append(
                    Finding(
                        back.file,
                        f"is a workbook of another program ({meta.program_name!r}, made {meta.made_at[:10]}); "
                        f"this is {self.scenario.program.name!r}",
                        reg.META_SHEET,
                    )
                )
                plan.bad_files.add(back.file)
                continue
            for j, form in enumerate(back.forms):
                if form.id in back.bad_people:
                    plan.findings.append(
                        Finding(
                            back.file,
                            f"{form.name}'s answers were not read: correct the cells listed for this file",
                        )
                    )
                    continue
                candidates.setdefault((form.kind, form.id), []).append((back, j, form))
        for key, found in candidates.items():
            found.sort(key=lambda x: (x[0].modified, x[0].mtime or x[0].modified), reverse=True)
            back, j, form = found[0]
            for older, _, _ in found[1:]:
                plan.findings.append(
                    Finding(
                        older.file,
                        f"{form.name} ({key[0].value} {key[1]}) is also in {back.file}, saved later "
                        f"({back.modified:%Y-%m-%d %H:%M} UTC); the newer file was read, not this one",
                        severity="notice",
                    )
                )
            before = self.already.get(key)
            if before is not None and back.modified < before:
                plan.findings.append(
                    Finding(
                        back.file,
                        f"{form.name}'s workbook was saved {back.modified:%Y-%m-%d %H:%M} UTC, before the one "
                        f"already read ({before:%Y-%m-%d %H:%M} UTC); it was not read",
                        severity="notice",
                    )
                )
                continue
            self.merge(plan, key, back, j, form)
        plan.findings.sort(key=lambda f: (f.file, f.sheet or "", f.cell or "", f.message))
        plan.changes.sort(key=lambda c: (c.kind, c.id))
        return plan

    def merge(self, plan: ReadPlan, key: Key, back: reg.Returned, j: int, form: Form) -> None:
        assert back.meta is not None
        meta = back.meta
        sent = meta.sent[j]
        stored = self.people.get(key)
        if stored is None:
            plan.findings.append(
                Finding(
                    back.file, f"{form.name} ({key[0].value} {key[1]}) is no longer in this program; not read"
                )
            )
            return
        after = replace(stored)  # a shallow copy; lists replaced below, never mutated
        changes: list[FieldChange] = []

        def note(label: str, old: str, new: str, staff: bool) -> None:
            changes.append(FieldChange(label, old, new, staff))

        for attr, label in (("title", "Title"), ("organization", "Organization")):
            if hasattr(stored, attr) and getattr(form, attr) != getattr(sent, attr):
                old = getattr(stored, attr) or ""
                new = getattr(form, attr)
                if new != old:
                    setattr(after, attr, new or None)
                    note(label, old, new, old != getattr(sent, attr))
        if form.languages != sent.languages and form.languages != stored.languages:
            after.languages = list(form.languages)
            note(
                "Languages",
                ", ".join(map(reg.language_name, stored.languages)),
                ", ".join(map(reg.language_name, form.languages)),
                stored.languages != sent.languages,
            )
        topic_sheet = reg.INTERESTS_SHEET if key[0] == PersonKind.OFFICIAL else reg.EXPERTISE_SHEET
        for k, tid in enumerate(meta.topics):
            if tid in self.topics:
                continue
            answered = form.interests.get(tid, 0) if key[0] == PersonKind.OFFICIAL else tid in form.expertise
            if answered:
                plan.findings.append(
                    Finding(
                        back.file,
                        f"the topic {tid!r} is no longer part of the program; {form.name}'s answer for it was not read",
                        topic_sheet,
                        f"{reg._col(3 + j)}{reg.HEADER_ROW + 1 + k}",
                        "notice",
                    )
                )
        if isinstance(stored, Official) and isinstance(after, Official):
            interests = dict(stored.interests)
            for tid in meta.topics:
                if tid not in self.topics:
                    continue
                new_w, sent_w = form.interests.get(tid, 0), sent.interests.get(tid, 0)
                if new_w != sent_w:
                    if new_w:
                        interests[tid] = new_w
                    else:
                        interests.pop(tid, None)
            ordered = {t.id: interests[t.id] for t in self.scenario.topics if t.id in interests}
            if ordered != stored.interests:
                after.interests = ordered
                note(
                    "Interests",
                    _interests_text(stored.interests, self.topic_names),
                    _interests_text(ordered, self.topic_names),
                    stored.interests != sent.interests,
                )
        if isinstance(stored, Host) and isinstance(after, Host):
            expertise = list(stored.expertise)
            for tid in meta.topics:
                if tid not in self.topics:
                    continue
                now_, then = tid in form.expertise, tid in sent.expertise
                if now_ != then:
                    if now_ and tid not in expertise:
                        expertise.append(tid)
                    elif not now_ and tid in expertise:
                        expertise.remove(tid)
            ordered_e = [t.id for t in self.scenario.topics if t.id in expertise]
            if set(ordered_e) != set(stored.expertise):
                after.expertise = ordered_e
                note(
                    "Expertise",
                    "; ".join(self.topic_names.get(t, t) for t in stored.expertise) or "(none)",
                    "; ".join(self.topic_names.get(t, t) for t in ordered_e) or "(none)",
                    set(stored.expertise) != set(sent.expertise),
                )
            if form.virtual != sent.virtual and form.virtual != stored.virtual:
                after.virtual = form.virtual
                note(
                    "Video sessions",
                    "yes" if stored.virtual else "no",
                    "yes" if form.virtual else "no",
                    stored.virtual != sent.virtual,
                )
        days_changed = [(a.site, sorted(a.ticks)) for a in form.days] != [
            (a.site, sorted(a.ticks)) for a in sent.days
        ]
        if days_changed:
            gone = sorted({a.site for a in form.days if a.ticks and a.site and a.site not in self.locations})
            if gone:
                plan.findings.append(
                    Finding(
                        back.file,
                        f"{'the site' if len(gone) == 1 else 'the sites'} {', '.join(gone)} "
                        f"{'is' if len(gone) == 1 else 'are'} no longer in the program; "
                        f"{form.name}'s availability was not read",
                        reg.AVAILABILITY_SHEET,
                    )
                )
                return
            pz = self.scenario.program.timezone
            windows = reg.windows_from(form, meta.grid, self.locations, pz)
            lo, hi = _grid_span(meta.grid, self.locations, pz)
            kept = [w for w in stored.availability if w.end <= lo or w.start >= hi]
            new_windows = sorted(kept + windows, key=lambda w: w.start)
            if not _same_windows(new_windows, stored.availability):
                after.availability = new_windows
                now_days = [(a.site, a.ticks) for a in reg.form_for(stored, self.scenario, meta.grid).days]
                staff = now_days != [(a.site, sorted(a.ticks)) for a in sent.days]
                note(
                    "Availability",
                    _windows_text(stored.availability, self.locations, pz),
                    _windows_text(new_windows, self.locations, pz),
                    staff,
                )
        made = _parse_instant(meta.made_at)
        untouched = form.to_json() == sent.to_json() and (
            made is not None and back.modified - made < UNTOUCHED_WITHIN
        )
        if untouched:
            plan.findings.append(
                Finding(
                    back.file,
                    f"{form.name}'s part has not been filled in (the file was not saved since it was made); "
                    "not counted as returned",
                    severity="notice",
                )
            )
            return
        plan.marks.append(
            ReturnMark(meta.token, key[0], key[1], back.file, back.modified, meta.made_at, meta.kind)
        )
        if not changes:
            plan.unchanged.append((key, back.file))
            return
        problems = _person_problems(after, self.scenario)
        if problems:
            plan.marks.pop()
            for p in problems:
                plan.findings.append(
                    Finding(back.file, f"{form.name}'s answers make an invalid profile: {p}")
                )
            return
        plan.changes.append(PersonChange(key[0], key[1], stored.name, back.file, changes, stored, after))


def _grid_span(
    grid: reg.Grid, locations: dict[str, Location], program_zone: str
) -> tuple[datetime, datetime]:
    """From the earliest to the latest instant any grid row can mean (all sites' zones)."""
    if not grid.days:
        now = _now()
        return now, now
    zones = {x.timezone for x in locations.values()} | {program_zone}
    lo = min(grid.block(grid.days[0], 0, z)[0] for z in zones)
    hi = max(grid.block(grid.days[-1], grid.count - 1, z)[1] for z in zones)
    return lo, hi


def _person_problems(person: Person, scenario: Scenario) -> list[str]:
    probe = Scenario(
        program=Program(name=scenario.program.name, timezone=scenario.program.timezone),
        topics=scenario.topics,
        locations=scenario.locations,
    )
    getattr(probe, LISTS[person.kind]).append(person)
    try:
        check_scenario(probe, f"{person.kind.value} {person.id}")
    except InputError as e:
        return [(f"{p.field}: {p.message}" if p.field else p.message) for p in e.problems]
    return []


def _read_chunk(paths: list[Path]) -> list[reg.Returned]:
    return [reg.read_workbook(p) for p in paths]


def _read_all(paths: Sequence[Path], progress: Progress | None, workers: int) -> list[reg.Returned]:
    """Every workbook read (in ``workers`` processes for many files), in the order given."""
    out: list[reg.Returned] = []
    if workers <= 1 or len(paths) < 4 * workers:
        for n, p in enumerate(paths, start=1):
            out.append(reg.read_workbook(p))
            if progress:
                progress(n, len(paths))
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(50, len(paths) // (workers * 4)))
    chunks = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for part in pool.map(_read_chunk, chunks):
            out.extend(part)
            if progress:
                progress(len(out), len(paths))
    return out


def plan_read(
    ws: Workspace,
    program_id: int,
    paths: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
    workers: int = 1,
) -> ReadPlan:
    """Read returned workbooks (files or folders) and work out every change; writes nothing.
    ``workers`` > 1 reads the files in that many processes."""
    files = workbook_paths(paths)
    if not files:
        raise InputError("registration workbooks", [Problem("files", None, "no .xlsx workbook was given")])
    return _Reader(ws, program_id).run(files, progress, workers)


# --------------------------------------------------------------------------- applying


@dataclass(frozen=True, slots=True)
class MarkState:
    row_id: int | None  # None: the workbook was not recorded (made from another copy of the database)
    returned_at: datetime | None
    returned_file: str | None
    returned_modified: datetime | None
    returned_by: str | None


@dataclass(slots=True)
class AppliedRead:
    """What :func:`apply_plan` wrote: enough to undo and redo it exactly."""

    before: list[Person]
    after: list[Person]
    marks_before: dict[int, MarkState]
    marks_after: dict[int, MarkState]
    summary: str


def apply_plan(ws: Workspace, program_id: int, plan: ReadPlan, all_or_nothing: bool = False) -> AppliedRead:
    """Store the plan's changes and mark the workbooks returned, in one transaction. With
    ``all_or_nothing`` any problem refuses everything (:class:`InputError`). A person someone
    else changed since the plan was made raises :class:`ConflictError`; nothing is written."""
    if all_or_nothing and plan.errors:
        raise InputError(
            "registration workbooks",
            [Problem(f.where, None, f.message) for f in plan.errors],
        )
    scenario = ws.load_scenario(program_id)
    by_key = {(c.kind, c.id): c.after for c in plan.changes}
    if by_key:
        for kind, name in LISTS.items():
            setattr(scenario, name, [by_key.get((kind, p.id), p) for p in getattr(scenario, name)])
        check_scenario(scenario, "registration workbooks")
    now = _now()
    marks_before: dict[int, MarkState] = {}
    marks_after: dict[int, MarkState] = {}
    with _sessions(ws).begin() as s:
        if by_key:
            db_programs.replace_scenario(
                s, program_id, scenario, user=ws.user, now=now, expected_revisions=dict(plan.revisions)
            )
        tokens = {m.token for m in plan.marks}
        books = (
            {
                b.token: b
                for b in s.scalars(
                    select(RegistrationWorkbookRow).where(
                        RegistrationWorkbookRow.program_id == program_id,
                        RegistrationWorkbookRow.token.in_(tokens),
                    )
                )
            }
            if tokens
            else {}
        )
        rows: dict[tuple[int, str, str], RegistrationPersonRow] = {}
        if books:
            for r in s.scalars(
                select(RegistrationPersonRow).where(
                    RegistrationPersonRow.workbook_id.in_([b.id for b in books.values()])
                )
            ):
                rows[(r.workbook_id, r.kind, r.person)] = r
        for m in plan.marks:
            book = books.get(m.token)
            if book is None:  # made from another copy of this database: record it now
                book = RegistrationWorkbookRow(
                    program_id=program_id,
                    token=m.token,
                    kind=m.workbook_kind.value,
                    file_name=m.file,
                    made_at=_parse_instant(m.made_at) or now,
                    made_by="(unknown)",
                )
                s.add(book)
                s.flush()
                books[m.token] = book
            row = rows.get((book.id, m.kind.value, m.person))
            if row is None:
                row = RegistrationPersonRow(workbook_id=book.id, kind=m.kind.value, person=m.person)
                s.add(row)
                s.flush()
                rows[(book.id, m.kind.value, m.person)] = row
            marks_before[row.id] = MarkState(
                row.id, row.returned_at, row.returned_file, row.returned_modified, row.returned_by
            )
            row.returned_at, row.returned_file, row.returned_modified, row.returned_by = (
                now,
                m.file,
                m.modified,
                ws.user,
            )
            marks_after[row.id] = MarkState(row.id, now, m.file, m.modified, ws.user)
    summary = f"Registration: {plan.counts()}; {plural(len(plan.changes), 'profile')} updated."
    return AppliedRead(
        [c.before for c in plan.changes], [c.after for c in plan.changes], marks_before, marks_after, summary
    )


def _parse_instant(text: str) -> datetime | None:
    try:
        d = datetime.fromisoformat(text)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def put_back(ws: Workspace, program_id: int, applied: AppliedRead, undo: bool) -> None:
    """Undo (or redo) an :func:`apply_plan`: the people and the returned marks exactly as they
    were before (after), in one transaction."""
    people = applied.before if undo else applied.after
    marks = applied.marks_before if undo else applied.marks_after
    scenario = ws.load_scenario(program_id)
    by_key = {(p.kind, p.id): p for p in people}
    for kind, name in LISTS.items():
        setattr(scenario, name, [by_key.get((kind, p.id), p) for p in getattr(scenario, name)])
    check_scenario(scenario, "registration workbooks")
    with _sessions(ws).begin() as s:
        db_programs.replace_scenario(s, program_id, scenario, user=ws.user, now=_now())
        for row_id, state in marks.items():
            row = s.get(RegistrationPersonRow, row_id)
            if row is not None:
                row.returned_at, row.returned_file = state.returned_at, state.returned_file
                row.returned_modified, row.returned_by = state.returned_modified, state.returned_by


def read_workbooks(
    ws: Workspace,
    program_id: int,
    paths: Iterable[str | os.PathLike[str]],
    all_or_nothing: bool = False,
    progress: Progress | None = None,
) -> tuple[ReadPlan, AppliedRead]:
    """:func:`plan_read` then :func:`apply_plan`."""
    plan = plan_read(ws, program_id, paths, progress)
    return plan, apply_plan(ws, program_id, plan, all_or_nothing)


# --------------------------------------------------------------------------- status


@dataclass(frozen=True, slots=True)
class StatusRow:
    kind: PersonKind
    id: str
    name: str
    email: str
    delegation: str
    sent_at: datetime | None
    sent_file: str
    returned_at: datetime | None
    returned_file: str

    @property
    def state(self) -> str:
        if self.returned_at is not None:
            return "returned"
        return "missing" if self.sent_at is not None else "not sent"


def status(ws: Workspace, program_id: int) -> list[StatusRow]:
    """Everyone in the program: when they were last sent a workbook and when one came back."""
    scenario = ws.load_scenario(program_id)
    sent: dict[Key, tuple[datetime, str]] = {}
    back: dict[Key, tuple[datetime, str]] = {}
    with _sessions(ws).begin() as s:
        rows = s.execute(
            select(
                RegistrationPersonRow.kind,
                RegistrationPersonRow.person,
                RegistrationWorkbookRow.made_at,
                RegistrationWorkbookRow.file_name,
                RegistrationPersonRow.returned_at,
                RegistrationPersonRow.returned_file,
            )
            .join(RegistrationWorkbookRow)
            .where(RegistrationWorkbookRow.program_id == program_id)
        ).all()
    for kind, person, made_at, file_name, returned_at, returned_file in rows:
        key = (PersonKind(kind), person)
        if key not in sent or made_at > sent[key][0]:
            sent[key] = (made_at, file_name)
        if returned_at is not None and (key not in back or returned_at > back[key][0]):
            back[key] = (returned_at, returned_file or "")
    out = []
    for p in scenario.people():
        key = (p.kind, p.id)
        s_at, s_file = sent.get(key, (None, ""))
        r_at, r_file = back.get(key, (None, ""))
        out.append(
            StatusRow(
                p.kind,
                p.id,
                p.name,
                p.email or "",
                p.delegation or "" if isinstance(p, Official) else "",
                s_at,
                s_file,
                r_at,
                r_file,
            )
        )
    return out


MISSING_COLUMNS = ["Name", "E-mail", "Kind", "Id", "Delegation", "Workbook", "Sent"]


def write_missing_csv(rows: Iterable[StatusRow], path: str | os.PathLike[str]) -> int:
    """The people sent a workbook who have not returned it, as CSV (UTF-8 with BOM, for Excel
    and mail merge); written atomically. Returns how many."""
    missing = [r for r in rows if r.state == "missing"]
    with atomic_open(path, "w", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(MISSING_COLUMNS)
        for r in missing:
            w.writerow(
                [
                    r.name,
                    r.email,
                    r.kind.value,
                    r.id,
                    r.delegation,
                    r.sent_file,
                    r.sent_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if r.sent_at else "",
                ]
            )
    return len(missing)


def describe_status(rows: Sequence[StatusRow]) -> str:
    counts = {k: sum(r.state == k for r in rows) for k in ("returned", "missing", "not sent")}
    return f"{counts['returned']} returned, {counts['missing']} missing, {counts['not sent']} not sent"


__all__ = [
    "AppliedRead",
    "FieldChange",
    "MakeResult",
    "PersonChange",
    "ReadPlan",
    "StatusRow",
    "apply_plan",
    "describe_status",
    "make_workbooks",
    "plan_read",
    "put_back",
    "read_workbooks",
    "select_people",
    "status",
    "workbook_paths",
    "write_missing_csv",
]
