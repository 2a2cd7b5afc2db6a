"""Exports for participants and staff: calendars, invitations, itineraries, spreadsheet.

The CLI (``exchange-app export ics|invitations|itineraries|spreadsheet --out PATH
[--since-version N]``) and the desktop app's Export menu call these functions. Each reads
the program and every stored schedule version (SEQUENCE and cancellations come from the
version history), writes its files atomically, and returns an :class:`ExportReport`.

Layout of ``out``:

* ics: ``All sessions - <program>.ics`` plus ``officials/``, ``hosts/``, ``interpreters/``
  with one ``Name (id).ics`` each;
* invitations: one folder per person ``Name (id)/`` with one ``.eml`` per session;
* itineraries: ``officials/``, ``hosts/``, ``interpreters/`` with one ``Name (id).pdf`` each;
* spreadsheet: ``out`` is the ``.csv`` or ``.xlsx`` file itself.

Every export first checks the whole program (:func:`check_exportable`: a line break or
other control character in any text is refused, naming the record and field), then writes
into a temporary folder that is moved into place (:func:`staged_output`), so a failed
export leaves the previous output as it was. Folder rules: :mod:`exchange_app.io.output_folder`
(``force=True`` is the user's confirmation to add to a folder the app did not write).

``since_version=N`` limits calendars, invitations and itineraries to the people for whom
something changed between version N and the latest (the master calendar is always
written), and adds a "Change" column to the spreadsheet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from exchange_app.domain import Person, Scenario, Schedule
from exchange_app.errors import NotFoundError
from exchange_app.io.atomic import write_bytes
from exchange_app.io.calendar_ics import (
    CalendarContext,
    PersonKey,
    changes_for_people,
    key_of,
    master_calendar,
    people_in,
    people_of,
    person_calendar,
    role_of,
    session_states,
    sessions_by_person,
)
from exchange_app.io.export_check import check_exportable
from exchange_app.io.filenames import person_filename, safe_filename, unique_names
from exchange_app.io.invitations import InvitationWriter, plan_invitations
from exchange_app.io.itinerary import write_itineraries
from exchange_app.io.output_folder import rebase, staged_output
from exchange_app.io.schedule_sheet import write_schedule_sheet
from exchange_app.naming import plural

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace

# Render itineraries in parallel from this many people on (fpdf2 is CPU-bound).
PARALLEL_FROM = 200


@dataclass(slots=True)
class ExportReport:
    """What an export wrote: the files, and one or two lines for a person to read."""

    files: list[Path] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _History:
    scenario: Scenario
    numbers: list[int]  # version numbers, oldest first
    schedules: list[Schedule]  # the versions, same order
    since: int | None  # index into schedules, or None

    @property
    def latest(self) -> Schedule:
        return self.schedules[-1]

    @property
    def latest_number(self) -> int:
        return self.numbers[-1]


def load_history(ws: Workspace, program_id: int, since_version: int | None, what: str) -> _History:
    """The program and its versions, checked for anything an export cannot write."""
    scenario = ws.load_scenario(program_id)
    infos = ws.schedule_versions(program_id)
    if not infos:
        raise NotFoundError(
            f"Program '{scenario.program.name}' has no schedule yet: solve or import one first"
        )
    numbers = sorted(v.number for v in infos)
    since = None
    if since_version is not None:
        if since_version not in numbers:
            raise NotFoundError(
                f"Program '{scenario.program.name}' has no schedule version {since_version} "
                f"(versions {numbers[0]} to {numbers[-1]})"
            )
        since = numbers.index(since_version)
    schedules = [ws.load_schedule(program_id, n) for n in numbers]
    check_exportable(scenario, schedules, what)
    return _History(scenario, numbers, schedules, since)


def _changed_people(h: _History) -> set[PersonKey] | None:
    """Ids of people with changes since the ``since`` version (None: everyone)."""
    if h.since is None:
        return None
    return set(changes_for_people(h.schedules[h.since], h.latest))


def _since_text(h: _History) -> str:
    return f" since version {h.numbers[h.since]}" if h.since is not None else ""


def export_ics(
    ws: Workspace,
    program_id: int,
    out: Path,
    since_version: int | None = None,
    stamp: datetime | None = None,
    force: bool = False,
) -> ExportReport:
    """A calendar per person and the master calendar, in the folder ``out``."""
    out = Path(out)
    h = load_history(ws, program_id, since_version, "Calendars")
    ctx = CalendarContext(h.scenario, stamp=stamp)
    states = session_states(h.schedules)
    changed = _changed_people(h)
    people = [p for p in people_in(states, h.scenario) if changed is None or key_of(p) in changed]
    ever_in = sessions_by_person(states)
    by_role: dict[str, list[Person]] = {}
    for p in people:
        by_role.setdefault(role_of(p), []).append(p)
    counts: dict[str, int] = {}
    files: list[Path] = []
    with staged_output(out, force=force) as stage:
        master = stage / safe_filename(f"All sessions - {h.scenario.program.name}", suffix=".ics")
        write_bytes(master, master_calendar(ctx, states))
        files.append(master)
        for role, group in by_role.items():
            names = unique_names(person_filename(p.name, p.id, ".ics") for p in group)
            for person, name in zip(group, names, strict=True):
                path = stage / f"{role}s" / name
                write_bytes(path, person_calendar(ctx, person, states, ever_in.get(key_of(person), [])))
                files.append(path)
            counts[role] = len(group)
        files = rebase(files, stage, out)
    cancelled = sum(1 for st in states.values() if st.cancelled)
    roles = ", ".join(plural(counts[r], r) for r in ("official", "host", "interpreter") if counts.get(r))
    summary = (
        f"Wrote {plural(len(people), 'personal calendar')}{_since_text(h)}"
        f"{f' ({roles})' if roles else ''} and the master calendar "
        f"({plural(len(h.latest.sessions), 'session')}"
        f"{f', {cancelled:,} cancelled' if cancelled else ''}) to {out}; schedule version {h.latest_number}."
    )
    return ExportReport(files=files, summary=summary)


def export_invitations(
    ws: Workspace,
    program_id: int,
    out: Path,
    since_version: int | None = None,
    stamp: datetime | None = None,
    force: bool = False,
) -> ExportReport:
    """One ``.eml`` per person per session (only changes with ``since_version``) under ``out``."""
    out = Path(out)
    h = load_history(ws, program_id, since_version, "Invitations")
    ctx = CalendarContext(h.scenario, stamp=stamp)
    writer = InvitationWriter(ctx, h.schedules)  # refuses a program without an organizer
    with staged_output(out, force=force) as stage:
        result = writer.write(plan_invitations(h.schedules, h.since), stage)
        result.files = rebase(result.files, stage, out)
    if h.since is not None:
        kinds = ", ".join(f"{result.counts.get(k, 0):,} {k}" for k in ("new", "changed", "cancelled"))
        what = f"{plural(len(result.files), 'invitation')} ({kinds}) for what changed since version {h.numbers[h.since]}"
    else:
        what = plural(len(result.files), "invitation")
    summary = (
        f"Wrote {what} for {plural(result.people, 'person', 'people')} to {out} "
        f"(schedule version {h.latest_number}); send them from your mail client."
    )
    warnings = []
    if result.without_email:
        shown = ", ".join(result.without_email[:5]) + (", ..." if len(result.without_email) > 5 else "")
        warnings.append(
            f"No invitation for {plural(len(result.without_email), 'person', 'people')} "
            f"without an email address: {shown}"
        )
        summary += "\n" + warnings[-1]
    if not result.files and h.since is not None:
        summary = f"Nothing changed for anyone since version {h.numbers[h.since]}: no invitations written."
    return ExportReport(files=result.files, summary=summary, warnings=warnings)


def export_itineraries(
    ws: Workspace,
    program_id: int,
    out: Path,
    since_version: int | None = None,
    stamp: datetime | None = None,
    workers: int | None = None,
    force: bool = False,
) -> ExportReport:
    """A printable PDF itinerary per person, in role folders under ``out``."""
    out = Path(out)
    h = load_history(ws, program_id, since_version, "Itineraries")
    ctx = CalendarContext(h.scenario, stamp=stamp)
    changed = _changed_people(h)
    in_latest = {key for s in h.latest.sessions for key in people_of(s)}
    wanted = in_latest if changed is None else changed
    people = [p for p in h.scenario.people() if key_of(p) in wanted]
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if len(people) >= PARALLEL_FROM else 1
    with staged_output(out, force=force) as stage:
        result = write_itineraries(
            ctx,
            h.latest,
            stage,
            people=people,
            version_label=f"schedule version {h.latest_number}",
            workers=workers,
        )
        result.files = rebase(result.files, stage, out)
    summary = (
        f"Wrote {plural(len(result.files), 'itinerary', 'itineraries')}{_since_text(h)} to {out} "
        f"(schedule version {h.latest_number})."
    )
    warnings = []
    if result.missing:
        names = list(result.missing)
        chars = "".join(sorted(set("".join(result.missing.values()))))
        warnings.append(
            f"{plural(len(names), 'itinerary', 'itineraries')} contain characters the bundled font "
            f"cannot print (left blank: {chars[:20]}{'...' if len(chars) > 20 else ''}), e.g. for "
            f"{', '.join(names[:3])}; check those before printing"
        )
        summary += "\n" + warnings[-1]
    return ExportReport(files=result.files, summary=summary, warnings=warnings)


def export_spreadsheet(
    ws: Workspace,
    program_id: int,
    out: Path,
    since_version: int | None = None,
    stamp: datetime | None = None,
    force: bool = False,
) -> ExportReport:
    """The whole schedule as one ``.csv`` or ``.xlsx`` file (one row per session and
    participant), written atomically. ``force`` is accepted for a uniform call (a file, not
    a folder: nothing to confirm)."""
    out = Path(out)
    h = load_history(ws, program_id, since_version, "Spreadsheet")
    ctx = CalendarContext(h.scenario, stamp=stamp)
    since = h.schedules[h.since] if h.since is not None else None
    rows = write_schedule_sheet(ctx, h.latest, out, since=since)
    summary = (
        f"Wrote {plural(rows, 'row')} ({plural(len(h.latest.sessions), 'session')}, one row per "
        f"participant) of schedule version {h.latest_number} to {out}"
        f"{f', with changes since version {h.numbers[h.since]}' if h.since is not None else ''}."
    )
    return ExportReport(files=[out], summary=summary)


__all__ = ["ExportReport", "export_ics", "export_invitations", "export_itineraries", "export_spreadsheet"]
