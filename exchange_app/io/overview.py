"""Overviews to print and share: a day grid per site (hosts by slots, each cell the
session's topic, language, interpreter and officials) and an agenda per topic, as PDF
(fpdf2, the bundled DejaVu Sans font) or XLSX (openpyxl). Times are each site's local
time, labelled with the zone's abbreviation. Files are written to a temporary file and
moved into place (:func:`exchange_app.io.atomic.write_bytes`).
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from exchange_app.domain import Mode, Scenario, Schedule, Session, Slot, zone
from exchange_app.errors import ExchangeError
from exchange_app.io.atomic import write_bytes
from exchange_app.naming import Names, plural
from exchange_app.rules import language_name


@dataclass
class Cell:
    topic: str
    detail: str  # language, interpreter, video
    officials: list[str]


@dataclass
class DayGrid:
    """One site's day: its hosts (rows) by the day's slots in the site's time (columns)."""

    site: str
    day: date
    zone_label: str
    slots: list[Slot]
    slot_labels: list[str]
    hosts: list[tuple[str, str]]  # (host id, name)
    cells: dict[tuple[str, str], Cell]  # (host id, slot id)


@dataclass
class AgendaLine:
    when: str
    host: str
    site: str
    detail: str
    officials: list[str]


def _detail(names: Names, s: Session) -> str:
    parts = [language_name(s.language)]
    if s.interpreter:
        parts.append(f"interpreter {names.name(s.interpreter)}")
    if s.mode == Mode.VIRTUAL:
        parts.append("video")
    return " · ".join(parts)


def day_grids(scenario: Scenario, schedule: Schedule) -> list[DayGrid]:
    """A grid per site and program day that has sessions there, site by site, day by day."""
    names = Names(scenario)
    slots = scenario.slots_by_id()
    hosts = scenario.hosts_by_id()
    grids = []
    for loc in sorted(scenario.locations, key=lambda x: x.name):
        z = zone(loc.timezone)
        mine = [
            s
            for s in schedule.sessions
            if s.slot in slots and s.host in hosts and hosts[s.host].location == loc.id
        ]
        days = sorted({slots[s.slot].start.astimezone(z).date() for s in mine})
        for day in days:
            today = [s for s in mine if slots[s.slot].start.astimezone(z).date() == day]
            used = sorted({s.slot for s in today}, key=lambda x: (slots[x].start, x))
            row_hosts = sorted({s.host for s in today}, key=lambda h: hosts[h].name)
            first = slots[used[0]].start.astimezone(z)
            grids.append(
                DayGrid(
                    site=loc.name,
                    day=day,
                    zone_label=f"{first.tzname()} ({loc.timezone})",
                    slots=[slots[x] for x in used],
                    slot_labels=[
                        f"{slots[x].start.astimezone(z):%H:%M}–{slots[x].end.astimezone(z):%H:%M}"
                        for x in used
                    ],
                    hosts=[(h, hosts[h].name) for h in row_hosts],
                    cells={
                        (s.host, s.slot): Cell(
                            names.topic(s.topic),
                            _detail(names, s),
                            [
                                f"{names.name(o)} ({scenario.officials_by_id()[o].country})"
                                if o in names.officials
                                else o
                                for o in s.officials
                            ],
                        )
                        for s in today
                    },
                )
            )
    return grids


def agenda(scenario: Scenario, schedule: Schedule) -> list[tuple[str, list[AgendaLine]]]:
    """Per topic (by name), its sessions in time order, each at the host's local time."""
    names = Names(scenario)
    slots = scenario.slots_by_id()
    out = []
    for t in sorted(scenario.topics, key=lambda t: t.name):
        ss = sorted(
            (s for s in schedule.sessions if s.topic == t.id),
            key=lambda s: (slots[s.slot].start if s.slot in slots else None, names.name(s.host)),
        )
        if not ss:
            continue
        lines = [
            AgendaLine(
                when=names.when(s.slot, names.zone_of_host(s.host)),
                host=names.name(s.host),
                site="video"
                if s.mode == Mode.VIRTUAL
                else names.site(s.location or names.site_of_host(s.host)),
                detail=_detail(names, s),
                officials=[names.name(o) for o in s.officials],
            )
            for s in ss
        ]
        out.append((t.name, lines))
    return out


def _day_title(g: DayGrid) -> str:
    return f"{g.site} — {g.day:%A} {g.day.day} {g.day:%B %Y} (times {g.zone_label})"


# --------------------------------------------------------------------------- PDF


def overview_pdf(scenario: Scenario, schedule: Schedule) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from exchange_app.io.itinerary import font_paths

    with ExitStack() as stack:
        paths = font_paths(stack)
        pdf = FPDF(orientation="landscape", unit="mm", format="letter")
        pdf.set_auto_page_break(True, margin=12)
        pdf.add_font("DejaVu", "", str(paths[""]))
        pdf.set_title(f"{scenario.program.name}: overview")
        pdf.set_creator("Exchange Scheduler")
        program = scenario.program.name
        grids = day_grids(scenario, schedule)
        if not grids:
            pdf.add_page()
            pdf.set_font("DejaVu", size=14)
            pdf.cell(0, 10, f"{program}: no sessions yet.")
        for g in grids:
            pdf.add_page()
            pdf.set_font("DejaVu", size=9)
            pdf.set_text_color(95, 99, 104)
            pdf.cell(0, 5, program, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=14)
            pdf.set_text_color(22, 73, 122)
            pdf.cell(0, 8, _day_title(g), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(33, 37, 41)
            pdf.ln(2)
            pdf.set_font("DejaVu", size=7 if len(g.slots) > 6 else 8)
            width = pdf.epw
            host_w = min(38.0, width * 0.2)
            col_w = (width - host_w) / len(g.slots)
            head = FontFace(emphasis=None, fill_color=(225, 232, 240))
            with pdf.table(
                col_widths=(host_w, *([col_w] * len(g.slots))),
                headings_style=head,
                line_height=3.6,
                text_align="LEFT",
                first_row_as_headings=True,
                repeat_headings=1,
            ) as table:
                row = table.row()
                row.cell("Host")
                for label in g.slot_labels:
                    row.cell(label)
                for host_id, host_name in g.hosts:
                    row = table.row()
                    row.cell(host_name)
                    for slot in g.slots:
                        c = g.cells.get((host_id, slot.id))
                        row.cell("" if c is None else "\n".join([c.topic.upper(), c.detail, *c.officials]))
        # agenda by topic
        topics = agenda(scenario, schedule)
        if topics:
            pdf.add_page()
            pdf.set_font("DejaVu", size=14)
            pdf.set_text_color(22, 73, 122)
            pdf.cell(0, 8, f"{program}: agenda by topic", new_x="LMARGIN", new_y="NEXT")
            for name, lines in topics:
                pdf.ln(2)
                pdf.set_font("DejaVu", size=11)
                pdf.set_text_color(22, 73, 122)
                pdf.cell(0, 6, f"{name} ({plural(len(lines), 'session')})", new_x="LMARGIN", new_y="NEXT")
                pdf.set_text_color(33, 37, 41)
                pdf.set_font("DejaVu", size=8)
                with pdf.table(
                    col_widths=(34, 34, 26, 50, pdf.epw - 144),
                    headings_style=FontFace(fill_color=(225, 232, 240)),
                    line_height=3.8,
                    text_align="LEFT",
                ) as table:
                    row = table.row()
                    for h in ("When (local time)", "Host", "Site", "Language", "Officials"):
                        row.cell(h)
                    for x in lines:
                        row = table.row()
                        for v in (x.when, x.host, x.site, x.detail, ", ".join(x.officials)):
                            row.cell(v)
        return bytes(pdf.output())


# --------------------------------------------------------------------------- XLSX


def overview_xlsx(scenario: Scenario, schedule: Schedule) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=13, color="16497A")
    fill = PatternFill("solid", fgColor="E1E8F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    by_site: dict[str, list[DayGrid]] = {}
    for g in day_grids(scenario, schedule):
        by_site.setdefault(g.site, []).append(g)
    used_titles: set[str] = set()

    def sheet_title(text: str) -> str:
        base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "Sheet"
        title, n = base, 2
        while title in used_titles:
            title, n = f"{base[:25]} {n}", n + 1
        used_titles.add(title)
        return title

    for site, grids in by_site.items():
        ws = wb.create_sheet(sheet_title(site.split(",")[0] + " grid"))
        r = 1
        widest = 0
        for g in grids:
            ws.cell(r, 1, _day_title(g)).font = title_font
            r += 1
            ws.cell(r, 1, "Host").font = bold
            ws.cell(r, 1).fill = fill
            for j, label in enumerate(g.slot_labels, start=2):
                c = ws.cell(r, j, label)
                c.font, c.fill = bold, fill
            widest = max(widest, len(g.slots))
            r += 1
            for host_id, host_name in g.hosts:
                ws.cell(r, 1, host_name).alignment = wrap
                for j, slot in enumerate(g.slots, start=2):
                    cell = g.cells.get((host_id, slot.id))
                    if cell is not None:
                        c = ws.cell(r, j, "\n".join([cell.topic, cell.detail, *cell.officials]))
                        c.alignment = wrap
                r += 1
            r += 1
        ws.column_dimensions["A"].width = 24
        for j in range(2, widest + 2):
            ws.column_dimensions[get_column_letter(j)].width = 28
        ws.freeze_panes = "B1"
    ws = wb.create_sheet(sheet_title("Agenda by topic"))
    heads = ("Topic", "When (local time)", "Host", "Site", "Language", "Officials")
    for j, h in enumerate(heads, start=1):
        c = ws.cell(1, j, h)
        c.font, c.fill = bold, fill
    r = 2
    for name, lines in agenda(scenario, schedule):
        for x in lines:
            for j, v in enumerate((name, x.when, x.host, x.site, x.detail, ", ".join(x.officials)), start=1):
                ws.cell(r, j, v).alignment = wrap
            r += 1
    for col, width in zip("ABCDEF", (24, 22, 22, 16, 30, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_overview(scenario: Scenario, schedule: Schedule, path: str | os.PathLike[str]) -> Path:
    """Write the overview as PDF or XLSX (by the file's extension), atomically."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".pdf":
        data = overview_pdf(scenario, schedule)
    elif suffix == ".xlsx":
        data = overview_xlsx(scenario, schedule)
    else:
        raise ExchangeError(
            f"{p}: an overview is a .pdf or an .xlsx file, not {suffix or 'a file without extension'}"
        )
    write_bytes(p, data)
    return p
