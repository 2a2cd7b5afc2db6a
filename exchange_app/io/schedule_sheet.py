"""The whole schedule as a spreadsheet for staff (CSV or XLSX).

One row per session and participant (the host, the interpreter and each official get a
row), so staff can filter by person, site or day and still see every session's details on
each row. Rows are ordered by start time, site, session and role (host, interpreter,
officials). Times are given in the site's local time (with the zone's abbreviation) and in
UTC. With an earlier version to compare with, a "Change" column says what changed for that
person ("new", "changed", "cancelled"; cancelled rows show the session as it was).

CSV is UTF-8 with a byte-order mark (so Excel reads non-Latin names) and CRLF rows; a
text cell that starts with ``= + - @`` (also after spaces or no-break spaces) or a tab
gets a leading ``'`` so that Excel does not run it as a formula. In XLSX every text is stored as text (never a formula) and times
as real date-times. Both are written to a temporary file and moved into place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exchange_app.domain import Mode, PersonKind, Schedule, Session
from exchange_app.errors import InputError, Problem
from exchange_app.io.atomic import atomic_open
from exchange_app.io.calendar_ics import CalendarContext, PersonKey, changes_for_people
from exchange_app.io.spreadsheets import csv_safe

COLUMNS = [
    "Session",
    "Date",
    "Start",
    "End",
    "Time zone",
    "Start (UTC)",
    "End (UTC)",
    "Site",
    "Mode",
    "Topic",
    "Language",
    "Host",
    "Interpreter",
    "Officials in session",
    "Role",
    "Person id",
    "Name",
    "Country",
    "Organization",
    "Email",
    "Pinned",
]
CHANGE = "Change"
WIDTHS = {
    "Session": 10,
    "Date": 11,
    "Start": 16,
    "End": 16,
    "Time zone": 9,
    "Start (UTC)": 16,
    "End (UTC)": 16,
    "Site": 28,
    "Mode": 9,
    "Topic": 24,
    "Language": 9,
    "Host": 22,
    "Interpreter": 20,
    "Officials in session": 50,
    "Role": 11,
    "Person id": 10,
    "Name": 24,
    "Country": 8,
    "Organization": 30,
    "Email": 30,
    "Pinned": 7,
    CHANGE: 10,
}
ROLE_ORDER = {"host": 0, "interpreter": 1, "official": 2}


@dataclass(frozen=True, slots=True)
class Row:
    start_utc: datetime
    site: str
    session_id: str
    role: str
    values: dict[str, Any]  # column -> value (datetimes aware; the writers format them)


def schedule_rows(ctx: CalendarContext, schedule: Schedule, since: Schedule | None = None) -> list[Row]:
    """One row per session and participant, sorted; with ``since``, a "Change" value on each
    row and extra rows for what was cancelled for someone since that version."""
    changes: dict[tuple[str, PersonKey], str] = {}
    rows: list[Row] = []
    if since is not None:
        for pid, items in changes_for_people(since, schedule).items():
            for c in items:
                changes[(c.session_id, pid)] = c.kind
    for s in schedule.sessions:
        rows += _session_rows(ctx, s, changes, since is not None, None)
    if since is not None:
        old = since.sessions_by_id()
        cancelled: dict[str, set[PersonKey]] = {}
        for (sid, pid), kind in changes.items():
            if kind == "cancelled":
                cancelled.setdefault(sid, set()).add(pid)
        for sid, pids in cancelled.items():
            rows += _session_rows(ctx, old[sid], changes, True, pids)
    rows.sort(
        key=lambda r: (
            r.start_utc,
            r.site,
            r.session_id,
            r.values.get(CHANGE) == "cancelled",
            ROLE_ORDER[r.role],
            r.values["Name"].casefold(),
        )
    )
    return rows


def _session_rows(
    ctx: CalendarContext,
    s: Session,
    changes: dict[tuple[str, PersonKey], str],
    with_change: bool,
    only: set[PersonKey] | None,
) -> list[Row]:
    slot = ctx.slot(s)
    start, end = ctx.local_times(s)
    site = ctx.site(s)
    officials = "; ".join(
        f"{off.name} ({off.country})" if (off := ctx.officials.get(o)) is not None else o for o in s.officials
    )
    common = {
        "Session": s.id,
        "Date": start.date(),
        "Start": start,
        "End": end,
        "Time zone": end.tzname(),
        "Start (UTC)": slot.start.astimezone(UTC),
        "End (UTC)": slot.end.astimezone(UTC),
        "Site": site,
        "Mode": "video" if s.mode is Mode.VIRTUAL else "in person",
        "Topic": ctx.topic_name(s.topic),
        "Language": s.language,
        "Host": ctx.host_name(s),
        "Interpreter": ctx.name((PersonKind.INTERPRETER, s.interpreter)) if s.interpreter else "",
        "Officials in session": officials,
    }
    members: list[PersonKey] = [(PersonKind.HOST, s.host)]
    if s.interpreter:
        members.append((PersonKind.INTERPRETER, s.interpreter))
    members += [(PersonKind.OFFICIAL, o) for o in s.officials]
    rows = []
    for key in members:
        role, pid = str(key[0]), key[1]
        if only is not None and key not in only:
            continue
        p = ctx.person(key)
        values = dict(common)
        values.update(
            {
                "Role": role,
                "Person id": pid,
                "Name": p.name if p else pid,
                "Country": getattr(p, "country", "") or "",
                "Organization": getattr(p, "organization", "") or "",
                "Email": (p.email if p else "") or "",
                "Pinned": "yes" if pid in s.pinned else "",
            }
        )
        if with_change:
            values[CHANGE] = changes.get((s.id, key), "")
        rows.append(Row(slot.start, site, s.id, role, values))
    return rows


def columns_for(rows: list[Row], since: Schedule | None) -> list[str]:
    return [*COLUMNS, CHANGE] if since is not None else list(COLUMNS)


# --------------------------------------------------------------------------- writers


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is UTC:
            return value.strftime("%Y-%m-%dT%H:%MZ")
        return value.strftime("%Y-%m-%d %H:%M")
    return str(csv_safe(str(value)))


def write_csv(path: Path, rows: list[Row], columns: list[str]) -> None:
    with atomic_open(path, "w", encoding="utf-8-sig") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_csv_value(r.values.get(c)) for c in columns])


def write_xlsx(path: Path, rows: list[Row], columns: list[str], title: str = "Schedule") -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(title))
    for i, c in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(c, 14)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in rows:
        out = []
        for c in columns:
            v = r.values.get(c)
            if isinstance(v, datetime):
                cell = WriteOnlyCell(ws, value=v.replace(tzinfo=None))  # Excel has no zones
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif c == "Date":
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(ws, value="" if v is None else str(v))
                cell.data_type = "s"  # text stays text, even "=..."
            out.append(cell)
        ws.append(out)
    with atomic_open(path, "wb") as f:
        wb.save(f)


def _sheet_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name.strip()[:31] or "Schedule"


def write_schedule_sheet(
    ctx: CalendarContext, schedule: Schedule, path: Path, since: Schedule | None = None
) -> int:
    """Write the schedule to ``path`` (``.csv`` or ``.xlsx``); returns the number of rows."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(str(path), [Problem("file", None, "must end in .csv or .xlsx")])
    rows = schedule_rows(ctx, schedule, since)
    columns = columns_for(rows, since)
    if suffix == ".csv":
        write_csv(path, rows, columns)
    else:
        write_xlsx(path, rows, columns)
    return len(rows)
