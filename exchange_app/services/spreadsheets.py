"""Import officials, hosts and interpreters from a spreadsheet (CSV/XLSX) into a program.

:func:`plan_import` reads and checks everything and says what would change (the mapping
dialog shows it); :func:`import_people` writes it in one transaction. A sheet with any
problem is refused whole (:class:`InputError`, CLI exit 2) unless ``valid_rows_only``, which
imports the valid rows and reports the others. Re-importing an updated sheet updates
people by id, or by email when the row has no id the program knows; nobody is deleted.

The column mapping staff adjust in the app is saved per database (:func:`save_mapping`).
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exchange_app.domain import Host, Interpreter, Official, Person, PersonKind, Scenario, Window
from exchange_app.errors import InputError, Problem
from exchange_app.io import spreadsheets as sheets
from exchange_app.io.atomic import write_text
from exchange_app.io.spreadsheets import FIELDS, CellProblem, PersonRow, Places, normalize_header
from exchange_app.naming import plural

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace

__all__ = [
    "SheetImportResult",
    "SheetPlan",
    "import_people",
    "plan_import",
    "load_mapping",
    "save_mapping",
    "mapping_file",
    "FIELDS",
]

LISTS = {PersonKind.OFFICIAL: "officials", PersonKind.HOST: "hosts", PersonKind.INTERPRETER: "interpreters"}
CLASSES = {PersonKind.OFFICIAL: Official, PersonKind.HOST: Host, PersonKind.INTERPRETER: Interpreter}
ID_PREFIX = {PersonKind.OFFICIAL: "o-", PersonKind.HOST: "h-", PersonKind.INTERPRETER: "i-"}


@dataclass(frozen=True, slots=True)
class SheetImportResult:
    """What a people-sheet import did."""

    added: int
    updated: int
    refused_rows: list[Problem]
    summary: str
    unchanged: int = 0
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class SheetPlan:
    """What importing a sheet would do (nothing written yet)."""

    source: str
    scenario: Scenario  # the program with every valid row applied
    added: list[tuple[PersonKind, str]]
    updated: list[tuple[PersonKind, str]]
    unchanged: list[tuple[PersonKind, str]]
    problems: list[Problem]  # every problem; rows named in them are left out of ``scenario``
    ignored_columns: dict[str, list[str]]
    mappings: dict[str, dict[str, str | None]]
    revisions: dict[
        tuple[PersonKind, str], Any
    ]  # person revisions when the program was read (to refuse a lost update)
    before: Scenario | None = None  # the program as read
    rows: dict[tuple[PersonKind, str], str] = field(
        default_factory=dict
    )  # (kind, id) -> the sheet row that gave the person

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> str:
        return f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged" + (
            f", {plural(len(self.problems), 'problem')}" if self.problems else ""
        )


# --------------------------------------------------------------------------- saved mapping


def mapping_file(ws: Workspace) -> Path:
    """Where the database's saved column mapping lives: beside an SQLite file, or in the
    user data folder for a PostgreSQL database."""
    if ws.path is not None:
        return Path(ws.path).with_name(Path(ws.path).name + ".sheet-columns.json")
    from exchange_app.storage.engine import data_dir

    url = ws.engine.url
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{url.host or 'local'}-{url.port or 5432}-{url.database or ''}")
    return data_dir() / "sheet-columns" / f"{safe}.json"


def load_mapping(ws: Workspace) -> dict[str, str]:
    """The saved mapping: normalized header -> field ("" = don't import that column)."""
    try:
        data = json.loads(mapping_file(ws).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    columns = data.get("columns", {}) if isinstance(data, dict) else {}
    return {
        normalize_header(k): v for k, v in columns.items() if isinstance(v, str) and (v in FIELDS or v == "")
    }


def save_mapping(ws: Workspace, mapping: dict[str, str | None]) -> Path:
    """Remember header -> field choices (merged into the saved ones); returns the file."""
    merged = load_mapping(ws)
    for header, target in mapping.items():
        key = normalize_header(header)
        if key:
            if target and target not in FIELDS:
                raise ValueError(f"unknown field {target!r} for column {header!r}")
            merged[key] = target or ""
    path = mapping_file(ws)
    write_text(path, json.dumps({"columns": merged}, indent=1, sort_keys=True) + "\n")
    return path


def _mapping(ws: Workspace, mapping: dict[str, str | None] | None) -> dict[str, str]:
    out = load_mapping(ws)
    for header, target in (mapping or {}).items():
        if normalize_header(header):
            out[normalize_header(header)] = target or ""
    return out


# --------------------------------------------------------------------------- planning


def plan_import(
    ws: Workspace,
    program_id: int,
    path: str | os.PathLike[str],
    mapping: dict[str, str | None] | None = None,
    default_kind: PersonKind | None = None,
) -> SheetPlan:
    """Read ``path`` and work out the program after the import; raises :class:`InputError`
    only when the file or its sheets cannot be used at all (row problems are in the plan)."""
    path = Path(path)
    source = path.name
    tables = sheets.read_workbook(path)
    revisions = ws.person_revisions(program_id)
    scenario = ws.load_scenario(program_id)
    places = Places(scenario.topics, scenario.locations, scenario.program.timezone)
    parsed = sheets.parse_people(tables, places, _mapping(ws, mapping), default_kind)
    if parsed.problems:
        raise InputError(source, list[Problem](parsed.problems))
    if not parsed.people and not parsed.windows:
        raise InputError(source, [Problem("file", None, "holds no people rows")])
    return _Merge(source, scenario, revisions, parsed).run()


class _Merge:
    def __init__(
        self,
        source: str,
        scenario: Scenario,
        revisions: dict[tuple[PersonKind, str], Any],
        parsed: sheets.ParsedSheets,
    ):
        self.source = source
        self.before = scenario
        self.revisions = revisions
        self.parsed = parsed
        self.people: dict[PersonKind, dict[str, Person]] = {
            k: {p.id: p for p in getattr(scenario, LISTS[k])} for k in PersonKind
        }
        self.by_email: dict[PersonKind, dict[str, str]] = {
            k: {p.email.casefold(): p.id for p in getattr(scenario, LISTS[k]) if p.email} for k in PersonKind
        }
        self.changes: dict[tuple[PersonKind, str], Person] = {}
        self.row_of: dict[tuple[PersonKind, str], PersonRow] = {}
        self.next_number: dict[PersonKind, tuple[int, int]] = {}
        self.first: dict[tuple[PersonKind, str, str], PersonRow] = {}

    # -- ids for new people
    def new_id(self, kind: PersonKind) -> str:
        prefix = ID_PREFIX[kind]
        if kind not in self.next_number:
            nums = [
                (int(m[1]), len(m[1]))
                for pid in self.people[kind]
                if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", pid))
            ]
            self.next_number[kind] = (
                max((n for n, _ in nums), default=0) + 1,
                max((w for _, w in nums), default=4),
            )
        n, width = self.next_number[kind]
        while self.taken(f"{prefix}{n:0{width}d}"):
            n += 1
        self.next_number[kind] = (n + 1, width)
        return f"{prefix}{n:0{width}d}"

    def taken(self, pid: str) -> bool:
        """Whether any person (of any kind, stored or from this sheet) has id ``pid``."""
        return any(pid in self.people[k] or (k, pid) in self.changes for k in PersonKind)

    def owner(self, pid: str, kind: PersonKind) -> tuple[PersonKind, Person] | None:
        """The person of another kind than ``kind`` who has id ``pid``."""
        for other in PersonKind:
            if other == kind:
                continue
            person = self.changes.get((other, pid)) or self.people[other].get(pid)
            if person is not None:
                return other, person
        return None

    def run(self) -> SheetPlan:
        refused: set[tuple[PersonKind, str]] = set()
        for row in self.parsed.people:  # the first row with an id or email (valid or not) owns it
            for f in ("id", "email"):
                value = row.values.get(f)
                if value:
                    self.first.setdefault((row.kind, f, value.casefold()), row)
        for row in self.parsed.people:
            self.apply_row(row)
        self.apply_windows(refused)
        problems: list[Problem] = []
        for row in self.parsed.people:
            problems.extend(row.problems)
        for wr in self.parsed.windows:
            problems.extend(wr.problems)
        for key in refused:
            self.changes.pop(key, None)
        scenario = self.scenario()
        added: list[tuple[PersonKind, str]] = []
        updated: list[tuple[PersonKind, str]] = []
        unchanged: list[tuple[PersonKind, str]] = []
        for key, person in self.changes.items():
            old = self.people[key[0]].get(key[1])
            (added if old is None else unchanged if old == person else updated).append(key)
        problems.sort(key=_problem_order)
        return SheetPlan(
            self.source,
            scenario,
            added,
            updated,
            unchanged,
            problems,
            {k: v for k, v in self.parsed.ignored.items() if v},
            self.parsed.mappings,
            self.revisions,
            self.before,
            {k: r.where for k, r in self.row_of.items()},
        )

    def scenario(self) -> Scenario:
        sc = copy.copy(self.before)
        for kind in PersonKind:
            merged = dict(self.people[kind])
            for (k, pid), person in self.changes.items():
                if k == kind:
                    merged[pid] = person
            setattr(sc, LISTS[kind], list(merged.values()))
        return sc

    def apply_row(self, row: PersonRow) -> None:
        kind, v = row.kind, row.values
        given_id = v.get("id")
        email = v.get("email")
        for f, value in (("id", given_id), ("email", email)):
            first = self.first.get((kind, f, value.casefold())) if value else None
            if first is not None and first is not row:
                row.problem(
                    f,
                    f"{value} is also in {first.where}"
                    if f == "email"
                    else f"id {value!r} is also in {first.where}",
                )
        if row.problems:
            return
        clash = self.owner(given_id, kind) if given_id else None
        if clash is not None:
            owner_kind, owner = clash
            where = self.row_of.get((owner_kind, owner.id))
            row.problem(
                "id",
                f"id {given_id!r} is already {owner_kind.value} {owner.name} ({owner.id})"
                + (f" in {where.where}" if where is not None else "")
                + "; ids are unique across officials, hosts and interpreters",
            )
            return
        existing_id = None
        if given_id and given_id in self.people[kind]:
            existing_id = given_id
        elif email and email.casefold() in self.by_email[kind]:
            existing_id = self.by_email[kind][email.casefold()]
            if given_id and given_id != existing_id:
                row.problem(
                    "id",
                    f"is {given_id!r}, but {email} is the email of {kind.value} {existing_id}; "
                    "correct the id or the email",
                )
                return
        if existing_id is None and not given_id and not email and v.get("name"):
            # Without an id or email a re-imported sheet would add everyone again.
            same = [p.id for p in self.people[kind].values() if p.name.casefold() == v["name"].casefold()]
            if same:
                row.problem(
                    "name",
                    f"{kind.value} {same[0]} already has this name; give the row an Id or Email "
                    "column so that it updates them (or tells them apart)",
                )
                return
        target = existing_id or given_id or self.new_id(kind)
        key = (kind, target)
        if key in self.row_of:
            first = self.row_of[key]
            how = "id" if given_id else "email"
            row.problem(how, f"is the same {kind.value} ({target}) as {first.where}")
            return
        if email:
            other = self.by_email[kind].get(email.casefold())
            if other is not None and other != target:
                row.problem("email", f"{email} is already the email of {kind.value} {other}")
                return
        old = self.people[kind].get(target)
        person = self.build(row, kind, target, old)
        if person is None:
            return
        self.changes[key] = person
        self.row_of[key] = row

    def build(self, row: PersonRow, kind: PersonKind, target: str, old: Person | None) -> Person | None:
        v = dict(row.values)
        v.pop("id", None)
        for f in sheets.REQUIRED[kind]:
            if f in v and v[f] is None:
                row.problem(f, "is empty" + (f"; every {kind.value} needs one" if f != "name" else ""))
            elif f not in v and old is None:
                label = FIELDS[f][0].split(" (")[0]
                row.problem(None, f"a new {kind.value} needs a {label} column (no column maps to {label!r})")
        if row.problems:
            return None
        if old is not None:
            person = copy.deepcopy(old)
            for f, value in v.items():
                setattr(person, f, value)
        else:
            person = CLASSES[kind](id=target, **v)
        if isinstance(person, Official) and person.min_sessions is not None:
            top = person.max_sessions if person.max_sessions is not None else self.before.program.max_sessions
            if person.min_sessions > top:
                row.problem("min_sessions", f"min sessions {person.min_sessions} is above max sessions {top}")
                return None
        return person

    def apply_windows(self, refused: set[tuple[PersonKind, str]]) -> None:
        """Availability-sheet rows replace the availability of the people they name."""
        found: dict[tuple[PersonKind, str], list[Window]] = {}
        bad: set[tuple[PersonKind, str]] = set()
        lookup = self._lookup() if self.parsed.windows else {}
        for wr in self.parsed.windows:
            key = self.find(wr, lookup)
            if key is None:
                continue
            if wr.problems or wr.window is None:
                bad.add(key)
                continue
            found.setdefault(key, []).append(wr.window)
        for key in bad:
            refused.add(key)
            if key in self.row_of:
                self.row_of[key].problem(None, "not imported: its availability rows have problems")
        for key, windows in found.items():
            if key in bad:
                continue
            if key in self.changes:
                person = self.changes[key]
                row = self.row_of[key]
                base = list(row.values.get("availability") or []) if "availability" in row.values else []
            else:
                person = copy.deepcopy(self.people[key[0]][key[1]])
                base = []
            person.availability = base + windows  # in the sheet's order
            self.changes[key] = person

    def _lookup(self) -> dict[PersonKind, tuple[dict[str, Person], dict[str, str], dict[str, list[str]]]]:
        """Per kind: everyone after the people rows (by id), ids by email, ids by name."""
        out = {}
        for k in PersonKind:
            pool = {**self.people[k], **{pid: p for (kk, pid), p in self.changes.items() if kk == k}}
            emails = {p.email.casefold(): pid for pid, p in pool.items() if p.email}
            names: dict[str, list[str]] = {}
            for pid, p in pool.items():
                names.setdefault(p.name.casefold(), []).append(pid)
            out[k] = (pool, emails, names)
        return out

    def find(
        self,
        wr: sheets.WindowRow,
        lookup: dict[PersonKind, tuple[dict[str, Person], dict[str, str], dict[str, list[str]]]],
    ) -> tuple[PersonKind, str] | None:
        kinds = [wr.kind] if wr.kind else list(PersonKind)
        hits: list[tuple[PersonKind, str]] = []
        for k in kinds:
            pool, emails, _ = lookup[k]
            if wr.person and wr.person in pool:
                hits.append((k, wr.person))
                continue
            if wr.email or (wr.person and "@" in wr.person):
                match = emails.get((wr.email or wr.person or "").casefold())
                if match:
                    hits.append((k, match))
        if not hits and wr.person and not wr.email:  # a name is fine when it is unique
            for k in kinds:
                hits += [(k, pid) for pid in lookup[k][2].get(wr.person.casefold(), [])]
        field_ = "person" if wr.person else "email"
        col = next(
            (
                h
                for h, f in self.parsed.mappings.get(wr.table.title or wr.table.source, {}).items()
                if f == field_
            ),
            None,
        )
        if not hits:
            who = wr.person or wr.email
            wr.problems.append(
                CellProblem(
                    wr.where, col, f"{who!r} is no official, host or interpreter of this program or sheet"
                )
            )
            return None
        if len(set(hits)) > 1:
            wr.problems.append(
                CellProblem(
                    wr.where,
                    col,
                    f"{wr.person or wr.email!r} names more than one person "
                    f"({', '.join(f'{k.value} {p}' for k, p in hits)}); add a Kind column",
                )
            )
            return None
        return hits[0]


def _problem_order(p: Problem) -> tuple[str, int, str]:
    m = re.search(r"row (\d+)", p.record)
    return (p.record.split(", row")[0], int(m[1]) if m else 0, p.field or "")


# --------------------------------------------------------------------------- importing


def import_people(
    ws: Workspace,
    program_id: int,
    path: str | os.PathLike[str],
    mapping: dict[str, str | None] | None = None,
    valid_rows_only: bool = False,
    default_kind: PersonKind | None = None,
) -> SheetImportResult:
    """Import the people of a CSV/XLSX sheet into program ``program_id`` (one transaction).

    Any problem refuses the whole sheet (:class:`InputError`, listing every row and column)
    unless ``valid_rows_only``: then the valid rows are imported and the others are returned
    in ``refused_rows``. A person someone else changed since the sheet was read raises
    :class:`ConflictError` and nothing is written.
    """
    plan = plan_import(ws, program_id, path, mapping, default_kind)
    if plan.problems and not valid_rows_only:
        raise InputError(plan.source, plan.problems)
    changed = plan.added + plan.updated
    if changed:
        try:
            ws.replace_scenario(program_id, plan.scenario, expected_revisions=plan.revisions)
        except InputError as e:
            # The whole-program check found what no single row shows: name the rows.
            problems, keys = _on_rows(e, plan)
            if not valid_rows_only:
                raise InputError(plan.source, problems) from None
            _leave_out(plan, keys)
            plan.problems = sorted(plan.problems + problems, key=_problem_order)
            ws.replace_scenario(program_id, plan.scenario, expected_revisions=plan.revisions)
    summary = f"{plan.source}: {len(plan.added)} added, {len(plan.updated)} updated, {len(plan.unchanged)} unchanged"
    if plan.problems:
        summary += f"; {plural(len(plan.problems), 'problem')}, those rows were not imported"
    if plan.ignored_columns:
        summary += "; columns not imported: " + "; ".join(
            f"{sheet}: {', '.join(repr(h) for h in cols)}" for sheet, cols in plan.ignored_columns.items()
        )
    summary += "."
    if plan.problems:
        limit = 50
        summary += "\n" + "\n".join(f"  not imported: {p}" for p in plan.problems[:limit])
        if len(plan.problems) > limit:
            summary += f"\n  ... and {len(plan.problems) - limit} more"
    return SheetImportResult(
        len(plan.added),
        len(plan.updated),
        list(plan.problems),
        summary,
        len(plan.unchanged),
        plan.ignored_columns,
    )


def _on_rows(e: InputError, plan: SheetPlan) -> tuple[list[Problem], set[tuple[PersonKind, str]]]:
    out: list[Problem] = []
    keys: set[tuple[PersonKind, str]] = set()
    for p in e.problems:
        m = re.match(r"(officials|hosts|interpreters)\[\d+\] \((.*)\)$", p.record)
        kind = next((k for k, name in LISTS.items() if m and name == m[1]), None)
        key = (kind, m[2]) if m and kind is not None else None
        if key is None or key not in plan.rows:
            raise e  # not caused by this sheet: refuse as it is
        keys.add(key)
        out.append(CellProblem(plan.rows[key], p.field, p.message))
    return out, keys


def _leave_out(plan: SheetPlan, keys: set[tuple[PersonKind, str]]) -> None:
    """Drop the sheet's changes to ``keys`` from the plan (back to the program as read)."""
    for kind, name in LISTS.items():
        old = {p.id: p for p in getattr(plan.before, name)}
        people = []
        for p in getattr(plan.scenario, name):
            if (kind, p.id) in keys:
                if p.id in old:
                    people.append(old[p.id])
            else:
                people.append(p)
        setattr(plan.scenario, name, people)
    plan.added = [k for k in plan.added if k not in keys]
    plan.updated = [k for k in plan.updated if k not in keys]
