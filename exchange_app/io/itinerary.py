"""Printable itineraries: one PDF per person (official, host, interpreter), made with fpdf2.

Each session shows its local time at the site with the zone's abbreviation (the host's
site for video sessions), topic, host, co-participants (name, country), interpreter and
language, and the site or "Video session", grouped by day.

Fonts: a document whose text is all in Windows-1252 (English and Western European names) is
set in Helvetica, one of the PDF standard fonts, not embedded: such a PDF is several times
quicker to make and smaller. Viewers show Helvetica or a font with its widths (Arial,
Liberation Sans, Nimbus Sans; poppler without those narrows DejaVu Sans to fit), so the
layout is the same everywhere, the letter shapes vary a little. Any other document is set in
DejaVu Sans, bundled under ``resources/fonts`` (a subset: Latin, Greek, Cyrillic, Armenian,
Georgian and common symbols; see the README there) and embedded as a subset; the font file
is parsed once per process, not once per PDF. ``CORE_FONT = None``: always the bundled font.

Speed: fpdf2's ``multi_cell`` measures a line again for every character it adds; text is
wrapped here instead, from each word's width (the same lines as ``multi_cell``; that also
gives the exact height of each session block), and each line printed with ``text()`` at the
place ``cell`` would print it.
"""

from __future__ import annotations

import copy
import logging
import multiprocessing
import os
import pickle
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Any

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFUnicodeEncodingException
from fpdf.fonts import SubsetMap, TTFFont

from exchange_app.domain import Host, Interpreter, Mode, Official, Person, PersonKind, Schedule, Session
from exchange_app.io.atomic import write_bytes
from exchange_app.io.calendar_ics import CalendarContext, PersonKey, key_of, people_of, role_of
from exchange_app.io.filenames import person_filename, unique_names

FONT = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf"}  # one weight: emphasis by size and colour (each font costs time per PDF)
# PDF standard font (not embedded) for documents whose text is all in CORE_ENCODING;
# None: always the bundled font.
CORE_FONT: str | None = "helvetica"
CORE_ENCODING = "cp1252"  # PDF WinAnsiEncoding

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
    return {
        style: stack.enter_context(resources.as_file(base.joinpath(name)))
        for style, name in FONT_FILES.items()
    }


class _UnicodeNeeded(Exception):
    """The document has text the core font's encoding lacks."""


class _BundledFont:
    """A font file parsed once per process. Each document gets a copy of the parsed font
    (widths, character map and descriptor shared, read-only) with its own record of the
    characters used, and, when the PDF is written, its own fontTools font for fpdf2 to
    subset in place (loaded from the file's bytes, its glyph names computed once)."""

    def __init__(self, family: str, style: str, path: str):
        self.ident = _file_ident(path)
        probe = FPDF()
        probe.add_font(family, style, path)
        template = next(iter(probe.fonts.values()))
        if not isinstance(template, TTFFont):  # pragma: no cover - add_font makes a TTFFont
            raise TypeError(f"{path} did not load as a TrueType font")
        self.template: TTFFont = template
        self.data = Path(path).read_bytes()
        self.glyph_order = list(self.template.ttfont.getGlyphOrder())
        self.template.ttfont.close()
        self.template.ttfont = None

    def font_for(self, pdf: FPDF) -> TTFFont:
        font = copy.copy(self.template)
        font.i = len(pdf.fonts) + 1
        font._hbfont = None
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.subset = SubsetMap(font)
        return font

    def ttfont(self) -> ttLib.TTFont:
        # recalcBBoxes=False: the glyphs fpdf2 keeps are written as they are, not decoded
        # and encoded again (the font's bounding box and maxima stay those of the whole
        # font, which still hold).
        ttfont = ttLib.TTFont(BytesIO(self.data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        # The file has no glyph names: fontTools makes them from the character map, as it
        # did for the parsed font fpdf2 refers to.
        ttfont.setGlyphOrder(list(self.glyph_order))
        return ttfont


def _file_ident(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


_BUNDLED: dict[tuple[str, str, str], _BundledFont] = {}  # (family, style, path) -> parsed font


def _bundled_font(family: str, style: str, path: Path) -> _BundledFont:
    key = (family, style, str(path))
    font = _BUNDLED.get(key)
    if font is None or font.ident != _file_ident(key[2]):
        font = _BUNDLED[key] = _BundledFont(family, style, key[2])
    return font


class ItineraryPDF(FPDF):
    def __init__(self, fonts: dict[str, Path] | None, footer_text: str):
        """``fonts``: the bundled font files by style; None: the core font (text in CORE_ENCODING only)."""
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        self.bundled: dict[str, _BundledFont] = {}  # fontkey -> font file
        if fonts:
            for style, path in fonts.items():
                bundled = _bundled_font(FONT, style, path)
                font = bundled.font_for(self)
                self.fonts[font.fontkey] = font
                self.bundled[font.fontkey] = bundled
            self.family = FONT
        else:
            self.family = CORE_FONT or "helvetica"
            self.core_fonts_encoding = CORE_ENCODING
        self.footer_text = unicodedata.normalize("NFC", footer_text)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.alias_nb_pages()
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def output(self, *args: Any, **kwargs: Any) -> Any:
        # A fontTools font for each bundled font, for fpdf2 to subset to the glyphs used.
        for key, bundled in self.bundled.items():
            font = self.fonts[key]
            if isinstance(font, TTFFont):
                font.ttfont = bundled.ttfont()
        return super().output(*args, **kwargs)

    def normalize_text(self, text: str) -> str:
        # Composed characters: the bundled font has "ệ" but no OpenType rules to stack
        # "e" + U+0323 + U+0302 nicely.
        return super().normalize_text(unicodedata.normalize("NFC", text))

    def font(self, size: float) -> None:
        self.set_font(self.family, "", size)

    def text_width(self, text: str) -> float:
        """Width of ``text`` (NFC) in the current font and size, as ``get_string_width``
        gives it (no cell margins), without building fpdf2 text fragments."""
        font = self.current_font
        if isinstance(font, TTFFont):
            cw = font.cw
            units = sum(cw[ord(c)] for c in text)
        else:
            if font is None:  # pragma: no cover - a font is always set before measuring
                raise RuntimeError("no font set")
            try:
                encoded = text.encode(self.core_fonts_encoding).decode("latin-1")
            except UnicodeEncodeError as e:
                raise _UnicodeNeeded from e
            core_cw: dict[str, int] = font.cw
            units = sum(core_cw[c] for c in encoded)
        return units * self.font_size_pt * 0.001 / self.k

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of ``text`` in a ``multi_cell`` of ``width``: broken at spaces, a word
        longer than a line between characters."""
        room = width - 2 * self.c_margin
        space = self.text_width(" ")
        lines = []
        for paragraph in unicodedata.normalize("NFC", text).replace("\r", "").split("\n"):
            line, line_w = None, 0.0
            for word in paragraph.split(" "):
                word_w = self.text_width(word)
                if line is not None and line_w + space + word_w <= room:
                    line, line_w = f"{line} {word}", line_w + space + word_w
                    continue
                if line is not None:
                    lines.append(line)
                while word_w > room and len(word) > 1:
                    used, cut = 0.0, 0
                    for c in word:
                        c_w = self.text_width(c)
                        if cut and used + c_w > room:
                            break
                        used += c_w
                        cut += 1
                    lines.append(word[:cut])
                    word = word[cut:]
                    word_w = self.text_width(word)
                line, line_w = word, word_w
            lines.append(line or "")
        return lines

    def text_cell(
        self, width: float, height: float, text: str, new_x: XPos = XPos.RIGHT, new_y: YPos = YPos.TOP
    ) -> None:
        """``cell(width, height, text, align="L", new_x=new_x, new_y=new_y)`` for plain text (no
        border, fill, link or page-number alias): the same text at the same place, through
        ``text()``, which skips most of the work ``cell`` does for styled text."""
        if self.will_page_break(height):
            x = self.x
            self.add_page(same=True)
            self.x = x
        if text:
            self.text(self.x + self.c_margin, self.y + 0.5 * height + 0.3 * self.font_size, text)
        self._lasth = height
        if new_x is XPos.RIGHT:
            self.x += width
        elif new_x is XPos.LMARGIN:
            self.x = self.l_margin
        elif new_x is not XPos.LEFT:
            raise ValueError(f"text_cell: new_x={new_x}")
        if new_y is YPos.NEXT:
            self.y += height
        elif new_y is not YPos.TOP:
            raise ValueError(f"text_cell: new_y={new_y}")

    def lines(self, width: float, height: float, lines: Sequence[str], new_x: XPos = XPos.LMARGIN) -> None:
        """Print wrapped ``lines`` as ``multi_cell(width, height, ..., align="L", new_x=new_x,
        new_y=YPos.NEXT)`` would."""
        for i, line in enumerate(lines):
            self.text_cell(
                width, height, line, new_x=new_x if i == len(lines) - 1 else XPos.LEFT, new_y=YPos.NEXT
            )

    def paragraph(self, width: float, height: float, text: str, new_x: XPos = XPos.LMARGIN) -> None:
        self.lines(width, height, self.wrap(text, width), new_x)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(MARGIN)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)


def _who(person: Person) -> str:
    """A line under the name: role and affiliation."""
    if isinstance(person, Official):
        bits = [x for x in (person.title, person.organization) if x]
        return (
            "Official"
            + (f" ({person.country})" if person.country else "")
            + (": " + ", ".join(bits) if bits else "")
        )
    if isinstance(person, Host):
        bits = [x for x in (person.title, person.organization) if x]
        return "Host" + (": " + ", ".join(bits) if bits else "")
    if isinstance(person, Interpreter):
        return "Interpreter" + (f": {', '.join(person.languages)}" if person.languages else "")
    return role_of(person).capitalize()


def session_lines(ctx: CalendarContext, session: Session, person: PersonKey) -> list[tuple[str, str]]:
    """(label, text) lines of one session as this person ((kind, id)) needs them."""
    kind, person_id = person
    is_host = kind is PersonKind.HOST and session.host == person_id
    lines = [("Host", "You" if is_host else ctx.person_line((PersonKind.HOST, session.host)))]
    is_official = kind is PersonKind.OFFICIAL and person_id in session.officials
    others = [o for o in session.officials if not (is_official and o == person_id)]
    label = "With" if is_official else "Officials"
    if others:
        names = []
        for o in others:
            p = ctx.officials.get(o)
            names.append(
                f"{p.name} ({p.country})"
                if p is not None and p.country
                else ctx.name((PersonKind.OFFICIAL, o))
            )
        lines.append((label, "; ".join(names)))
    language = session.language
    if session.interpreter:
        is_interpreter = kind is PersonKind.INTERPRETER and session.interpreter == person_id
        interp = "You" if is_interpreter else ctx.interpreter_line(session)
        lines.append(("Interpreter", f"{interp}; session language {language}"))
    else:
        lines.append(("Language", f"{language}, no interpreter"))
    if session.mode is Mode.VIRTUAL:
        url = ctx.video_url(session)
        lines.append(
            ("Where", f"Video session: {url}" if url else "Video session (link from the program staff)")
        )
    else:
        address = ctx.address(session)
        lines.append(("Where", f"{ctx.site(session)}, {address}" if address else ctx.site(session)))
    return lines


def render_itinerary(
    ctx: CalendarContext,
    person: Person,
    sessions: Sequence[Session],
    fonts: dict[str, Path],
    version_label: str = "",
) -> tuple[bytes, set[str]]:
    """PDF bytes and the characters the bundled font could not show (printed blank). Set in
    the core font if all the text is in its encoding, else in the bundled ``fonts``."""
    ordered = sorted(sessions, key=lambda s: (ctx.slot(s).start, s.id))
    details = [session_lines(ctx, s, key_of(person)) for s in ordered]
    if CORE_FONT:
        # The names, topics and sites decide (a quick look before the document is made);
        # should any other text be outside the encoding, the core font gives up part way.
        text = "\n".join(
            [
                ctx.program.name,
                person.name,
                _who(person),
                *(ctx.topic_name(s.topic) for s in ordered),
                *(t for lines in details for _, t in lines),
            ]
        )
        try:
            unicodedata.normalize("NFC", text).encode(CORE_ENCODING)
            return _render_document(ctx, person, ordered, details, None, version_label)
        except (UnicodeEncodeError, _UnicodeNeeded, FPDFUnicodeEncodingException):
            pass
    return _render_document(ctx, person, ordered, details, fonts, version_label)


def _render_document(
    ctx: CalendarContext,
    person: Person,
    ordered: Sequence[Session],
    details: list[list[tuple[str, str]]],
    fonts: dict[str, Path] | None,
    version_label: str,
) -> tuple[bytes, set[str]]:
    """The document for ``ordered`` sessions (in time order) with their ``session_lines``."""
    footer = f"{ctx.program.name} · {person.name}"
    pdf = ItineraryPDF(fonts, footer)
    pdf.set_title(f"Itinerary: {person.name}")
    pdf.set_author(ctx.program.organizer.name if ctx.program.organizer and ctx.program.organizer.name else "")
    pdf.set_creator("Exchange Scheduler")
    pdf.set_creation_date(ctx.stamp)
    pdf.add_page()
    width = pdf.epw

    pdf.font(9)
    pdf.set_text_color(*MUTED)
    pdf.paragraph(width, 4.5, ctx.program.name)
    pdf.ln(1)
    pdf.set_text_color(*ACCENT)
    pdf.font(20)
    pdf.paragraph(width, 9.5, person.name)
    pdf.set_text_color(*INK)
    pdf.font(10.5)
    pdf.paragraph(width, 5.5, _who(person))
    pdf.font(8.5)
    pdf.set_text_color(*MUTED)
    stamp = (
        f"Times are local at each site. Printed {ctx.stamp:%d %b %Y}"
        + (f", {version_label}" if version_label else "")
        + "."
    )
    n = len(ordered)
    pdf.paragraph(width, 4.5, f"{n} session{'s' if n != 1 else ''}. {stamp}")
    pdf.set_text_color(*INK)
    pdf.ln(2)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + width, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    pdf.ln(3)

    if not ordered:
        pdf.font(11)
        pdf.paragraph(width, 6, "No sessions are scheduled for you at present.")
        return _finish(pdf)

    day = None
    for s, lines in zip(ordered, details, strict=False):
        start, end = ctx.local_times(s)
        block = _layout_block(pdf, ctx, s, lines, width)
        day_label = f"{start:%A} {start.day} {start:%B %Y}"
        needs_day = day_label != day
        if pdf.get_y() + block.height + (11 if needs_day else 0) > pdf.page_break_trigger:
            pdf.add_page()
            needs_day = True
            if day_label == day:
                day_label += " (continued)"
        if needs_day:
            _day_heading(pdf, day_label, width)
            day = day_label.removesuffix(" (continued)")
        _session_block(pdf, s, start, end, block, width)
    return _finish(pdf)


def _finish(pdf: FPDF) -> tuple[bytes, set[str]]:
    data = bytes(pdf.output())
    missing = {chr(c) for f in pdf.fonts.values() for c in getattr(f, "missing_glyphs", [])}
    return data, missing


def _day_heading(pdf: ItineraryPDF, label: str, width: float) -> None:
    pdf.ln(1)
    pdf.font(12)
    pdf.set_fill_color(234, 240, 246)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width, 7, "  " + label, fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(2)


def _detail_width(width: float) -> float:
    return width - TIME_W - GAP


@dataclass(slots=True)
class _Block:
    """A session's details wrapped to the page: topic lines, (label, label width, lines)."""

    topic: list[str]
    rows: list[tuple[str, float, list[str]]]
    height: float  # with the space below it, to keep each block on one page


def _layout_block(
    pdf: ItineraryPDF, ctx: CalendarContext, s: Session, lines: list[tuple[str, str]], width: float
) -> _Block:
    w = _detail_width(width)
    pdf.font(11.5)
    topic = pdf.wrap(ctx.topic_name(s.topic), w)
    h = 5.8 * len(topic)
    pdf.font(9.5)
    rows = []
    for label, text in lines:
        label = label + ": "
        label_w = pdf.text_width(label)
        wrapped = pdf.wrap(text, w - label_w)
        rows.append((label, label_w, wrapped))
        h += 4.8 * len(wrapped)
    return _Block(topic, rows, max(h, 5.8 + 2 * 4.8) + 6)


def _session_block(
    pdf: ItineraryPDF, s: Session, start: datetime, end: datetime, block: _Block, width: float
) -> None:
    top = pdf.get_y()
    x_detail = MARGIN + TIME_W + GAP
    w = _detail_width(width)
    # Time column.
    pdf.font(11.5)
    pdf.set_xy(MARGIN, top)
    pdf.text_cell(TIME_W, 5.8, f"{start:%H:%M}–{end:%H:%M}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(9)
    pdf.set_text_color(*MUTED)
    where = "host's time" if s.mode is Mode.VIRTUAL else "site time"
    pdf.text_cell(TIME_W, 4.8, f"{end.tzname()} ({where})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if s.mode is Mode.VIRTUAL:
        pdf.text_cell(TIME_W, 4.8, "Video session", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    left_bottom = pdf.get_y()
    # Details column.
    pdf.set_xy(x_detail, top)
    pdf.font(11.5)
    pdf.set_text_color(*ACCENT)
    pdf.lines(w, 5.8, block.topic, new_x=XPos.LEFT)
    pdf.set_text_color(*INK)
    pdf.font(9.5)
    for label, label_w, wrapped in block.rows:
        pdf.set_x(x_detail)
        # Label in grey, the text after it, wrapped under the text.
        pdf.set_text_color(*MUTED)
        pdf.text_cell(label_w, 4.8, label)
        pdf.set_text_color(*INK)
        pdf.lines(w - label_w, 4.8, wrapped, new_x=XPos.LEFT)
    bottom = max(pdf.get_y(), left_bottom) + 2.5
    pdf.line(MARGIN, bottom, MARGIN + width, bottom)
    pdf.set_xy(MARGIN, bottom + 3)


@dataclass(slots=True)
class ItineraryResult:
    files: list[Path] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # person's name -> characters printed blank


def _sessions_by_person(schedule: Schedule) -> dict[PersonKey, list[Session]]:
    by_person: dict[PersonKey, list[Session]] = {}
    for s in schedule.sessions:
        for key in people_of(s):
            by_person.setdefault(key, []).append(s)
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
        for p, name in zip(group, names, strict=False):
            where[id(p)] = Path(out) / f"{role}s" / name
    for p in people:
        paths.append(where[id(p)])
    return paths


def write_itineraries(
    ctx: CalendarContext,
    schedule: Schedule,
    out: Path,
    people: Sequence[Person] | None = None,
    version_label: str = "",
    workers: int = 1,
) -> ItineraryResult:
    """One PDF per person under ``out``, in a folder per role (everyone in the schedule, or
    ``people``). ``workers`` > 1 renders in that many processes (fpdf2 is CPU-bound)."""
    by_person = _sessions_by_person(schedule)
    if people is None:
        people = [p for p in ctx.scenario.people() if key_of(p) in by_person]
    paths = itinerary_paths(ctx, people, out)
    jobs = [(key_of(p), str(path)) for p, path in zip(people, paths, strict=False)]
    result = ItineraryResult(files=list(paths))
    if workers > 1 and len(jobs) >= 4 * workers:
        size = max(1, len(jobs) // (workers * 4))
        chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        # Pickled once here, not once per worker process.
        state = pickle.dumps((ctx.scenario, ctx.stamp, schedule, version_label), pickle.HIGHEST_PROTOCOL)
        # "spawn": forking a process that runs threads (the desktop app exports from a
        # worker thread) can deadlock; spawn behaves the same on every platform.
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(state,),
        ) as pool:
            for missing in pool.map(_render_jobs, chunks):
                result.missing.update(missing)
    else:
        result.missing = _render(ctx, by_person, jobs, version_label)
    return result


def _render(
    ctx: CalendarContext,
    by_person: dict[PersonKey, list[Session]],
    jobs: Sequence[tuple[PersonKey, str]],
    version_label: str,
) -> dict[str, str]:
    missing: dict[str, str] = {}
    with ExitStack() as stack:
        fonts = font_paths(stack)
        # Missing glyphs are reported to the caller per person, not logged per file.
        fpdf_log = logging.getLogger("fpdf.output")
        stack.callback(fpdf_log.setLevel, fpdf_log.level)
        fpdf_log.setLevel(logging.ERROR)
        for key, path in jobs:
            person = ctx.person(key)
            if person is None:  # pragma: no cover - jobs are made from the program's people
                raise KeyError(key)
            data, blank = render_itinerary(ctx, person, by_person.get(key, []), fonts, version_label)
            write_bytes(path, data)
            if blank:
                missing[person.name] = "".join(sorted(blank))
    return missing


_WORKER: dict[str, Any] = {}


def _init_worker(state: bytes) -> None:
    scenario, stamp, schedule, version_label = pickle.loads(state)
    _WORKER.update(
        ctx=CalendarContext(scenario, stamp=stamp),
        by_person=_sessions_by_person(schedule),
        version_label=version_label,
    )


def _render_jobs(jobs: Sequence[tuple[PersonKey, str]]) -> dict[str, str]:
    return _render(_WORKER["ctx"], _WORKER["by_person"], jobs, _WORKER["version_label"])
