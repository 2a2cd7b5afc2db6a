"""Printable itineraries: one PDF per person (official, host, interpreter), made with fpdf2.

Each session shows its local time at the site with the zone's abbreviation (the host's
site for video sessions), topic, host, co-participants (name, country), interpreter and
language, and the site or "Video session", grouped by day. The text font is DejaVu Sans,
bundled under ``resources/fonts`` (a subset: Latin, Greek, Cyrillic, Armenian, Georgian and
common symbols; see the README there) so the PDFs look the same on every machine.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from exchange_app.domain import Host, Interpreter, Mode, Official, Person, Schedule, Session
from exchange_app.io.atomic import sync_all, write_bytes
from exchange_app.io.calendar_ics import CalendarContext, role_of
from exchange_app.io.filenames import person_filename, unique_names

FONT = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf"}  # one weight: emphasis by size and colour (each font costs time per PDF)

# Layout (mm, US Letter).
MARGIN = 18
TIME_W = 42
GAP = 4
INK = (33, 37, 41)
MUTED = (95, 99, 104)
RULE = (200, 204, 208)
ACCENT = (22, 73, 122)


def font_paths(stack: ExitStack) -> dict[str, Path]:
    """Real paths of the bundled fonts (extracted for the duration of ``stack`` if the
    package is zipped)."""
    base = resources.files("resources").joinpath("fonts")
    return {style: stack.enter_context(resources.as_file(base.joinpath(name))) for style, name in FONT_FILES.items()}


class ItineraryPDF(FPDF):
    def __init__(self, fonts: dict[str, Path], footer_text: str):
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        for style, path in fonts.items():
            self.add_font(FONT, style, str(path))
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.alias_nb_pages()
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def normalize_text(self, text: str) -> str:
        # Composed characters: the bundled font has "ệ" but no OpenType rules to stack
        # "e" + U+0323 + U+0302 nicely.
        return super().normalize_text(unicodedata.normalize("NFC", text))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(MARGIN)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)


def _who(person: Person) -> str:
    """A line under the name: role and affiliation."""
    if isinstance(person, Official):
        bits = [x for x in (person.title, person.organization) if x]
        return "Official" + (f" ({person.country})" if person.country else "") + (": " + ", ".join(bits) if bits else "")
    if isinstance(person, Host):
        bits = [x for x in (person.title, person.organization) if x]
        return "Host" + (": " + ", ".join(bits) if bits else "")
    if isinstance(person, Interpreter):
        return "Interpreter" + (f": {', '.join(person.languages)}" if person.languages else "")
    return role_of(person).capitalize()


def session_lines(ctx: CalendarContext, session: Session, person_id: str) -> list[tuple[str, str]]:
    """(label, text) lines of one session as this person needs them."""
    lines = [("Host", ctx.person_line(session.host) if session.host != person_id else "You")]
    others = [o for o in session.officials if o != person_id]
    label = "With" if person_id in session.officials else "Officials"
    if others:
        names = []
        for o in others:
            p = ctx.person(o)
            names.append(f"{p.name} ({p.country})" if isinstance(p, Official) and p.country else ctx.name(o))
        lines.append((label, "; ".join(names)))
    language = session.language
    if session.interpreter:
        interp = "You" if session.interpreter == person_id else ctx.interpreter_line(session)
        lines.append(("Interpreter", f"{interp}; session language {language}"))
    else:
        lines.append(("Language", f"{language}, no interpreter"))
    if session.mode is Mode.VIRTUAL:
        lines.append(("Where", "Video session (link from the program staff)"))
    else:
        lines.append(("Where", ctx.site(session)))
    return lines


def itinerary_pdf(ctx: CalendarContext, person: Person, sessions: Sequence[Session], fonts: dict[str, Path],
                  version_label: str = "") -> bytes:
    """One person's itinerary as PDF bytes; ``sessions`` are theirs (any order)."""
    return render_itinerary(ctx, person, sessions, fonts, version_label)[0]


def render_itinerary(ctx: CalendarContext, person: Person, sessions: Sequence[Session], fonts: dict[str, Path],
                     version_label: str = "") -> tuple[bytes, set[str]]:
    """PDF bytes and the characters the bundled font could not show (printed blank)."""
    footer = f"{ctx.program.name} · {person.name}"
    pdf = ItineraryPDF(fonts, footer)
    pdf.set_title(f"Itinerary: {person.name}")
    pdf.set_author(ctx.program.organizer.name if ctx.program.organizer and ctx.program.organizer.name else "")
    pdf.set_creator("Exchange Scheduler")
    pdf.set_creation_date(ctx.stamp)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(width, 4.5, ctx.program.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "", 20)
    pdf.multi_cell(width, 9.5, person.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(width, 5.5, _who(person), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*MUTED)
    stamp = f"Times are local at each site. Printed {ctx.stamp:%d %b %Y}" + (f", {version_label}" if version_label else "") + "."
    n = len(sessions)
    pdf.multi_cell(width, 4.5, f"{n} session{'s' if n != 1 else ''}. {stamp}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(2)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + width, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    pdf.ln(3)

    if not sessions:
        pdf.set_font(FONT, "", 11)
        pdf.multi_cell(width, 6, "No sessions are scheduled for you at present.", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return _finish(pdf)

    ordered = sorted(sessions, key=lambda s: (ctx.slot(s).start, s.id))
    day = None
    for s in ordered:
        start, end = ctx.local_times(s)
        lines = session_lines(ctx, s, person.id)
        height = _block_height(pdf, ctx, s, lines, width)
        day_label = f"{start:%A} {start.day} {start:%B %Y}"
        needs_day = day_label != day
        if pdf.get_y() + height + (11 if needs_day else 0) > pdf.page_break_trigger:
            pdf.add_page()
            needs_day = True
            if day_label == day:
                day_label += " (continued)"
        if needs_day:
            _day_heading(pdf, day_label, width)
            day = day_label.removesuffix(" (continued)")
        _session_block(pdf, ctx, s, start, end, lines, width)
    return _finish(pdf)


def _finish(pdf: FPDF) -> tuple[bytes, set[str]]:
    data = bytes(pdf.output())
    missing = {chr(c) for f in pdf.fonts.values() for c in getattr(f, "missing_glyphs", [])}
    return data, missing


def _day_heading(pdf: FPDF, label: str, width: float) -> None:
    pdf.ln(1)
    pdf.set_font(FONT, "", 12)
    pdf.set_fill_color(234, 240, 246)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width, 7, "  " + label, fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(2)


def _detail_width(width: float) -> float:
    return width - TIME_W - GAP


def _lines(pdf: FPDF, text: str, width: float) -> int:
    """Lines ``text`` needs at ``width`` (a slight over-estimate: word wrapping wastes
    some of each line). Cheaper than a dry run of ``multi_cell``."""
    return max(1, math.ceil(pdf.get_string_width(text) / (width * 0.9)))


def _block_height(pdf: FPDF, ctx: CalendarContext, s: Session, lines, width: float) -> float:
    """Height of a session block, to keep each block on one page."""
    w = _detail_width(width)
    pdf.set_font(FONT, "", 11.5)
    h = 5.8 * _lines(pdf, ctx.topic_name(s.topic), w)
    for label, text in lines:
        pdf.set_font(FONT, "", 9.5)
        label_w = pdf.get_string_width(label + ": ")
        h += 4.8 * _lines(pdf, text, w - label_w)
    return max(h, 5.8 + 2 * 4.8) + 6


def _session_block(pdf: FPDF, ctx: CalendarContext, s: Session, start: datetime, end: datetime, lines,
                   width: float) -> None:
    top = pdf.get_y()
    x_detail = MARGIN + TIME_W + GAP
    w = _detail_width(width)
    # Time column.
    pdf.set_font(FONT, "", 11.5)
    pdf.set_xy(MARGIN, top)
    pdf.cell(TIME_W, 5.8, f"{start:%H:%M}–{end:%H:%M}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    where = "host's time" if s.mode is Mode.VIRTUAL else "site time"
    pdf.cell(TIME_W, 4.8, f"{end.tzname()} ({where})", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if s.mode is Mode.VIRTUAL:
        pdf.cell(TIME_W, 4.8, "Video session", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    left_bottom = pdf.get_y()
    # Details column.
    pdf.set_xy(x_detail, top)
    pdf.set_font(FONT, "", 11.5)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(w, 5.8, ctx.topic_name(s.topic), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    for label, text in lines:
        pdf.set_x(x_detail)
        # Label in grey, the text after it, wrapped under the text.
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*MUTED)
        label_w = pdf.get_string_width(label + ": ")
        pdf.cell(label_w, 4.8, label + ": ")
        pdf.set_text_color(*INK)
        pdf.multi_cell(w - label_w, 4.8, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    bottom = max(pdf.get_y(), left_bottom) + 2.5
    pdf.line(MARGIN, bottom, MARGIN + width, bottom)
    pdf.set_xy(MARGIN, bottom + 3)


@dataclass(slots=True)
class ItineraryResult:
    files: list[Path] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # person's name -> characters printed blank


def _sessions_by_person(schedule: Schedule) -> dict[str, list[Session]]:
    by_person: dict[str, list[Session]] = {}
    for s in schedule.sessions:
        for pid in [s.host, *s.officials, *([s.interpreter] if s.interpreter else [])]:
            by_person.setdefault(pid, []).append(s)
    return by_person


def itinerary_paths(ctx: CalendarContext, people: Sequence[Person], out: Path) -> list[Path]:
    """``out/officials/Name (id).pdf``, ``out/hosts/...``, ``out/interpreters/...``."""
    paths = []
    by_role: dict[str, list[Person]] = {}
    for p in people:
        by_role.setdefault(role_of(p), []).append(p)
    where = {}
    for role, group in by_role.items():
        names = unique_names(person_filename(p.name, p.id, ".pdf") for p in group)
        for p, name in zip(group, names):
            where[id(p)] = Path(out) / f"{role}s" / name
    for p in people:
        paths.append(where[id(p)])
    return paths


def write_itineraries(ctx: CalendarContext, schedule: Schedule, out: Path, people: Sequence[Person] | None = None,
                      version_label: str = "", workers: int = 1) -> ItineraryResult:
    """One PDF per person under ``out``, in a folder per role (everyone in the schedule, or
    ``people``). ``workers`` > 1 renders in that many processes (fpdf2 is CPU-bound)."""
    by_person = _sessions_by_person(schedule)
    if people is None:
        people = [p for p in ctx.scenario.people() if p.id in by_person]
    paths = itinerary_paths(ctx, people, out)
    jobs = [(p.id, str(path)) for p, path in zip(people, paths)]
    result = ItineraryResult(files=list(paths))
    if workers > 1 and len(jobs) >= 4 * workers:
        size = max(1, len(jobs) // (workers * 4))
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        # "spawn": forking a process that runs threads (the desktop app exports from a
        # worker thread) can deadlock; spawn behaves the same on every platform.
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker,
                                 initargs=(ctx.scenario, ctx.stamp, schedule, version_label)) as pool:
            for missing in pool.map(_render_jobs, chunks):
                result.missing.update(missing)
    else:
        result.missing = _render(ctx, by_person, jobs, version_label)
    sync_all()
    return result


def _render(ctx: CalendarContext, by_person: dict[str, list[Session]], jobs, version_label: str) -> dict[str, str]:
    missing: dict[str, str] = {}
    with ExitStack() as stack:
        fonts = font_paths(stack)
        # Missing glyphs are reported to the caller per person, not logged per file.
        fpdf_log = logging.getLogger("fpdf.output")
        stack.callback(fpdf_log.setLevel, fpdf_log.level)
        fpdf_log.setLevel(logging.ERROR)
        for pid, path in jobs:
            person = ctx.person(pid)
            data, blank = render_itinerary(ctx, person, by_person.get(pid, []), fonts, version_label)
            write_bytes(path, data, fsync=False)
            if blank:
                missing[person.name] = "".join(sorted(blank))
    return missing


_WORKER: dict = {}


def _init_worker(scenario, stamp, schedule, version_label) -> None:
    _WORKER.update(ctx=CalendarContext(scenario, stamp=stamp), by_person=_sessions_by_person(schedule),
                   version_label=version_label)


def _render_jobs(jobs) -> dict[str, str]:
    return _render(_WORKER["ctx"], _WORKER["by_person"], jobs, _WORKER["version_label"])
