"""Registration workbooks: XLSX files that officials, hosts and interpreters fill in themselves.

A workbook is made for one person or for a delegation (a column or block per member). Its
sheets: "Start here" (instructions), "About you" (title, organization, languages; video
for hosts), "Interests" (officials: each topic 0-3) or "Expertise" (hosts: yes/no), and
"Availability": the program's days as rows and time blocks as columns, in the local time
of the day's site (a person who travels names the site per day; a host's site is fixed).
Only the yellow cells are unlocked (sheet protection without a password). Two hidden
sheets: "Lists" (the drop-down choices) and "Registration": the program, the people, what
was sent (so a returned file is compared with what the person saw, not with later staff
edits) and a checksum, so a renamed file is still matched to its person and program.

This module knows nothing of the database: :func:`write_workbook` writes :class:`Form`
values, :func:`read_workbook` reads them back with :class:`Finding` values that name
file, sheet and cell. ``exchange_app.services.registration`` decides what changes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from exchange_app.domain import Location, Official, Person, PersonKind, Scenario, Topic, Window, zone
from exchange_app.io import spreadsheets as sheets
from exchange_app.io.spreadsheets import CellError, local_instant

FORMAT = "exchange-registration/1"
START_SHEET = "Start here"
ABOUT_SHEET = "About you"
INTERESTS_SHEET = "Interests"
EXPERTISE_SHEET = "Expertise"
AVAILABILITY_SHEET = "Availability"
LISTS_SHEET = "Lists"
META_SHEET = "Registration"
ANYWHERE = "Anywhere (by video)"
TICK = "x"
LANGUAGE_CELLS = 5
HEADER_ROW = 4  # the header row of About you and Interests/Expertise; people/topics below
CHUNK = 30_000  # characters of the hidden JSON per cell (Excel keeps up to 32,767)

KIND_TITLES = {
    PersonKind.OFFICIAL: "official",
    PersonKind.HOST: "host",
    PersonKind.INTERPRETER: "interpreter",
}


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem (``error``: that file or person is not read) or a notice (read, staff told),
    named by file, sheet and cell."""

    file: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    severity: str = "error"  # "error" or "notice"

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# --------------------------------------------------------------------------- grid


@dataclass(frozen=True, slots=True)
class Grid:
    """The availability grid: days (rows) and equal time blocks of local clock time (columns)."""

    days: tuple[date, ...]
    first_minute: int  # local minute of the day the first block starts
    block_minutes: int
    count: int

    def clock(self, i: int) -> tuple[int, int]:
        m = self.first_minute + i * self.block_minutes
        return divmod(m, 60)

    def label(self, i: int) -> str:
        h, m = self.clock(i)
        return f"{h:02d}:{m:02d}"

    def block(self, day: date, i: int, zone_name: str) -> tuple[datetime, datetime]:
        """Block ``i`` of ``day`` in ``zone_name`` as UTC instants."""
        start = self.first_minute + i * self.block_minutes
        end = start + self.block_minutes
        return (
            local_instant(day, divmod(start, 60), zone_name),
            local_instant(day + timedelta(days=end // 1440), divmod(end % 1440, 60), zone_name),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "days": [d.isoformat() for d in self.days],
            "first_minute": self.first_minute,
            "block_minutes": self.block_minutes,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Grid:
        return cls(
            days=tuple(date.fromisoformat(x) for x in d["days"]),
            first_minute=int(d["first_minute"]),
            block_minutes=int(d["block_minutes"]),
            count=int(d["count"]),
        )


def make_grid(scenario: Scenario, zones: Iterable[str]) -> Grid:
    """Days and blocks that hold every slot of the program in each of ``zones``: block length
    the largest of 60/30/15 minutes that slot starts and ends fall on."""
    zones = sorted(set(zones)) or [scenario.program.timezone]
    if not scenario.slots:
        return Grid(days=(), first_minute=8 * 60, block_minutes=60, count=10)
    block = 60
    for minutes in (60, 30, 15, 5, 1):
        block = minutes
        if all(
            (t.astimezone(zone(z)).minute % minutes == 0)
            for s in scenario.slots
            for t in (s.start, s.end)
            for z in zones
        ):
            break
    days: set[date] = set()
    low, high = 24 * 60, 0
    for s in scenario.slots:
        for z in zones:
            start, end = s.start.astimezone(zone(z)), s.end.astimezone(zone(z))
            days.add(start.date())
            first = start.hour * 60 + start.minute
            last = (end.date() - start.date()).days * 1440 + end.hour * 60 + end.minute
            low, high = min(low, first), max(high, min(last, 1440))
    first = (low // block) * block
    count = max(1, math.ceil((high - first) / block))
    return Grid(days=tuple(sorted(days)), first_minute=first, block_minutes=block, count=count)


# --------------------------------------------------------------------------- forms


@dataclass(slots=True)
class DayAnswer:
    """One row of the grid: where the person is that day (a site id; None: anywhere, by
    video; "": not given) and the ticked blocks."""

    day: date
    site: str | None
    ticks: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Form:
    """What one person's part of a workbook holds (as sent, or as returned)."""

    kind: PersonKind
    id: str
    name: str
    email: str = ""
    title: str = ""
    organization: str = ""
    languages: list[str] = field(default_factory=list)
    interests: dict[str, int] = field(default_factory=dict)  # officials: topic -> 1..3
    expertise: list[str] = field(default_factory=list)  # hosts
    virtual: bool = False  # hosts
    site: str = ""  # hosts: their site (fixed); others: ""
    country: str = ""  # officials (shown, not asked)
    days: list[DayAnswer] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["days"] = [[a.day.isoformat(), a.site, list(a.ticks)] for a in self.days]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Form:
        values = dict(d)
        values["kind"] = PersonKind(values["kind"])
        values["days"] = [DayAnswer(date.fromisoformat(x), s, list(t)) for x, s, t in values.get("days", [])]
        values["interests"] = {str(k): int(v) for k, v in values.get("interests", {}).items()}
        return cls(**values)


def _site_zone(site: str | None, locations: dict[str, Location], program_zone: str) -> str:
    loc = locations.get(site or "")
    return loc.timezone if loc else program_zone


def _day_site(person: Person, day: date, locations: dict[str, Location], program_zone: str) -> str | None:
    """The site where ``person`` spends most of their available time on ``day``, or "" if
    they have no window that day (None: a window without a site, i.e. anywhere)."""
    overlap: dict[str | None, float] = {}
    for w in person.availability:
        z = _site_zone(w.location, locations, program_zone)
        lo = local_instant(day, (0, 0), z)
        hi = local_instant(day + timedelta(days=1), (0, 0), z)
        seconds = (min(w.end, hi) - max(w.start, lo)).total_seconds()
        if seconds > 0:
            overlap[w.location] = overlap.get(w.location, 0.0) + seconds
    if not overlap:
        return ""
    return max(overlap.items(), key=lambda kv: kv[1])[0]


def form_for(person: Person, scenario: Scenario, grid: Grid) -> Form:
    """A person's form pre-filled from what is stored."""
    locations = scenario.locations_by_id()
    pz = scenario.program.timezone
    form = Form(
        kind=person.kind,
        id=person.id,
        name=person.name,
        email=person.email or "",
        languages=list(person.languages),
    )
    if isinstance(person, Official):
        form.interests = dict(person.interests)
        form.country = person.country
        form.title, form.organization = person.title or "", person.organization or ""
    host_site: str | None = None
    if person.kind == PersonKind.HOST:
        host_site = getattr(person, "location", "")
        form.site = host_site or ""
        form.expertise = list(getattr(person, "expertise", []))
        form.virtual = bool(getattr(person, "virtual", False))
        form.title, form.organization = (
            getattr(person, "title", None) or "",
            (getattr(person, "organization", None) or ""),
        )
    sites = [host_site if host_site is not None else _day_site(person, d, locations, pz) for d in grid.days]
    # A day without any window keeps the site of the day before (or after): people travel on.
    known = [s for s in sites if s != ""]
    last: str | None = known[0] if known else ""
    for i, s in enumerate(sites):
        if s == "":
            sites[i] = last
        else:
            last = s
    for d, site in zip(grid.days, sites, strict=True):
        z = _site_zone(site, locations, pz)
        windows = (
            person.availability
            if host_site is not None
            else [w for w in person.availability if w.location == (site or None)]
        )
        ticks = []
        for i in range(grid.count):
            start, end = grid.block(d, i, z)
            if any(w.holds(start, end) for w in windows):
                ticks.append(i)
        form.days.append(DayAnswer(d, site, ticks))
    return form


def windows_from(form: Form, grid: Grid, locations: dict[str, Location], program_zone: str) -> list[Window]:
    """The availability windows a form's grid says: consecutive ticks make one window, in the
    local time of the day's site (hosts: their own site; the windows carry no site)."""
    out: list[Window] = []
    for answer in form.days:
        site = form.site if form.kind == PersonKind.HOST else answer.site
        z = _site_zone(site, locations, program_zone)
        location = None if form.kind == PersonKind.HOST else (answer.site or None)
        run: list[int] = []
        for i in [*sorted(set(answer.ticks)), -2]:
            if run and i != run[-1] + 1:
                start, _ = grid.block(answer.day, run[0], z)
                _, end = grid.block(answer.day, run[-1], z)
                out.append(Window(start=start, end=end, location=location))
                run = []
            run.append(i)
    return out


# --------------------------------------------------------------------------- meta


@dataclass(slots=True)
class Meta:
    """The hidden "Registration" sheet: which program, who, and what was sent."""

    program_id: int
    program_name: str
    program_created: str  # ISO instant: tells two programs of the same name apart
    token: str  # this workbook (the database lists who was sent which)
    made_at: str
    kind: PersonKind
    topics: list[str]  # topic ids in the order of the Interests/Expertise rows
    grid: Grid
    sent: list[Form]
    program_zone: str = "America/New_York"
    sites: dict[str, str] = field(default_factory=dict)  # site id -> name as written in the Site cells

    def payload(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "program": {
                "id": self.program_id,
                "name": self.program_name,
                "created": self.program_created,
                "timezone": self.program_zone,
            },
            "token": self.token,
            "made_at": self.made_at,
            "kind": self.kind.value,
            "topics": list(self.topics),
            "sites": dict(self.sites),
            "grid": self.grid.to_json(),
            "people": [f.to_json() for f in self.sent],
        }

    @classmethod
    def from_payload(cls, d: dict[str, Any]) -> Meta:
        program = d["program"]
        return cls(
            program_id=int(program["id"]),
            program_name=str(program["name"]),
            program_created=str(program["created"]),
            program_zone=str(program.get("timezone", "America/New_York")),
            token=str(d["token"]),
            made_at=str(d["made_at"]),
            kind=PersonKind(d["kind"]),
            topics=[str(t) for t in d["topics"]],
            sites={str(k): str(v) for k, v in d.get("sites", {}).items()},
            grid=Grid.from_json(d["grid"]),
            sent=[Form.from_json(f) for f in d["people"]],
        )


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


# --------------------------------------------------------------------------- names


def language_name(code: str) -> str:
    """The English name of a language code when it reads back as that code, else the code."""
    import pycountry

    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    name = getattr(lang, "common_name", None) or getattr(lang, "name", None) or code
    name = re.sub(r"\s*\(.*?\)", "", str(name))
    try:
        return name if sheets.language_code(name) == code else code
    except CellError:
        return code


def country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    return str(getattr(c, "common_name", None) or getattr(c, "name", None) or code)


@dataclass(frozen=True, slots=True)
class Choices:
    """What the drop-downs offer: the program's topics, sites and languages."""

    program_name: str
    program_zone: str
    organizer: str
    topics: list[Topic]
    locations: list[Location]
    languages: list[str]  # codes
    slots: list[tuple[datetime, datetime]] = field(default_factory=list)

    @classmethod
    def of(cls, scenario: Scenario) -> Choices:
        langs: list[str] = []
        for p in scenario.people():
            for c in p.languages:
                if c not in langs:
                    langs.append(c)
        org = scenario.program.organizer
        organizer = (f"{org.name} <{org.email}>" if org.name else org.email) if org else "the program staff"
        return cls(
            program_name=scenario.program.name,
            program_zone=scenario.program.timezone,
            organizer=organizer,
            topics=list(scenario.topics),
            locations=list(scenario.locations),
            languages=sorted(langs, key=lambda c: language_name(c).casefold()),
            slots=[(x.start, x.end) for x in scenario.slots],
        )


# --------------------------------------------------------------------------- layout


def about_columns(kind: PersonKind) -> list[str]:
    """The column headers of "About you"; the language cells follow."""
    if kind == PersonKind.OFFICIAL:
        base = ["Name", "E-mail", "Country", "Title", "Organization"]
    elif kind == PersonKind.HOST:
        base = ["Name", "E-mail", "Site", "Title", "Organization", "Video sessions (yes/no)"]
    else:
        base = ["Name", "E-mail"]
    return base + [f"Language {i + 1}" for i in range(LANGUAGE_CELLS)]


def availability_top(grid: Grid, j: int) -> int:
    """The title row of the ``j``-th person's block on the Availability sheet."""
    return 4 + j * (len(grid.days) + 3)


def day_label(d: date) -> str:
    return f"{d:%a} {d.isoformat()}"


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


# --------------------------------------------------------------------------- writing


def write_workbook(path: str | os.PathLike[str], meta: Meta, choices: Choices) -> None:
    """Write one registration workbook (atomically) for the people in ``meta.sent``."""
    from exchange_app.io.atomic import atomic_open

    data = workbook_bytes(meta, choices)
    with atomic_open(path, "wb", fsync=False) as f:
        f.write(data)


def workbook_bytes(meta: Meta, choices: Choices) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = meta.kind
    forms = meta.sent
    grid = meta.grid
    topics = {t.id: t for t in choices.topics}
    locations = {x.id: x for x in choices.locations}

    fill_in = PatternFill("solid", fgColor="FFF7CC")
    no_session = PatternFill("solid", fgColor="E6E6E6")
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    open_cell = Protection(locked=False)
    thin = Side(style="thin", color="A0A0A0")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="center")

    book = openpyxl.Workbook()
    styles: dict[str, Any] = {}

    def styled(cell: Any, key: str, **attrs: Any) -> None:
        """Give ``cell`` the style ``attrs`` (computed once per workbook: assigning styles
        one attribute at a time is most of openpyxl's writing time)."""
        known = styles.get(key)
        if known is not None:
            cell._style = copy.copy(known)
            return
        for k, v in attrs.items():
            setattr(cell, k, v)
        styles[key] = copy.copy(cell._style)

    start = book.active
    assert start is not None
    start.title = START_SHEET

    # -- Lists (hidden): drop-down choices
    lists = book.create_sheet(LISTS_SHEET)
    site_names = [x.name for x in choices.locations] + ([ANYWHERE] if kind != PersonKind.HOST else [])
    language_names = [language_name(c) for c in choices.languages]
    for i, name in enumerate(site_names, start=1):
        lists.cell(i, 1, name)
    for i, name in enumerate(language_names, start=1):
        lists.cell(i, 2, name)
    lists.sheet_state = "hidden"

    def validation(formula: str, prompt: str, strict: bool = True) -> DataValidation:
        dv = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            error="Please choose a value from the list." if strict else "Not in the list: is it spelt right?",
            errorTitle="Registration",
            prompt=prompt,
            showInputMessage=bool(prompt),
        )
        return dv

    # -- Start here
    names = ", ".join(f.name for f in forms)
    what = {
        PersonKind.OFFICIAL: "your interests, the languages you speak and when you are free",
        PersonKind.HOST: "the topics you can lead, your languages, video sessions and when you are free",
        PersonKind.INTERPRETER: "your languages and when you are free",
    }[kind]
    steps = [
        f"Registration: {choices.program_name}",
        "",
        f"This workbook is for: {names}.",
        f"Please tell us {what}. Fill in the yellow cells on the next sheets, save the file and send it "
        f"back to {choices.organizer}. You may rename the file; please keep it as an .xlsx workbook.",
        "",
        "1. About you: check your title and organization, and choose the languages you can hold a "
        "meeting in, one per cell (type another language if it is not in the list).",
    ]
    if kind == PersonKind.OFFICIAL:
        steps.append(
            "2. Interests: for each topic choose 0 (not interested), 1 (some interest), "
            "2 (strong interest) or 3 (top priority)."
        )
    elif kind == PersonKind.HOST:
        steps.append(
            "2. Expertise: choose yes for each topic you can lead a session on. Video sessions "
            "(on About you): yes if you can also meet by video."
        )
    if kind == PersonKind.HOST:
        zone_text = f"the local time at your site, {locations[forms[0].site].name} ({locations[forms[0].site].timezone})"
        steps.append(
            f"3. Availability: one row per day. Put an x in each time you are free for a meeting. Times are {zone_text}."
            if len({f.site for f in forms}) == 1 and forms[0].site in locations
            else "3. Availability: one row per day. Put an x in each time you are free; times are the local time at your site."
        )
    else:
        steps.append(
            f"{'3' if kind == PersonKind.OFFICIAL else '2'}. Availability: one row per day. First choose the site "
            "where you are that day; the times are the local time at that site. Then put an x in each "
            f"time you are free for a meeting. '{ANYWHERE}' means times in {choices.program_zone}."
        )
    steps += [
        "",
        "Grey cells: no meetings are planned at that time at the site named for that day.",
        "Only the yellow cells can be changed. Please do not delete or rename sheets: a hidden sheet "
        "tells us whose workbook this is.",
        "",
        f"Questions: {choices.organizer}",
    ]
    start.column_dimensions["A"].width = 100
    for i, text in enumerate(steps, start=1):
        c = start.cell(i, 1, text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            c.font = title_font
            start.row_dimensions[i].height = 24
        elif len(text) > 95:  # spreadsheet programs do not grow wrapped rows written by a script
            start.row_dimensions[i].height = 15 * math.ceil(len(text) / 95)
    start.protection.sheet = True

    # -- About you
    about = book.create_sheet(ABOUT_SHEET)
    about.cell(1, 1, "About you").font = title_font
    about.cell(2, 1, "Check the yellow cells and correct them if needed; one language per cell.")
    heads = about_columns(kind)
    for c, h in enumerate(heads, start=1):
        cell = about.cell(HEADER_ROW, c, h)
        styled(cell, "head-wrap", font=bold, fill=head_fill, border=box, alignment=wrap)
        about.column_dimensions[_col(c)].width = 30 if c <= 2 else 22
    lang_first = len(heads) - LANGUAGE_CELLS + 1
    lang_dv = validation(
        f"{LISTS_SHEET}!$B$1:$B${max(1, len(language_names))}", "Choose a language", strict=False
    )
    yes_no = validation('"yes,no"', "yes or no")
    about.add_data_validation(lang_dv)
    about.add_data_validation(yes_no)
    for r, form in enumerate(forms, start=HEADER_ROW + 1):
        values: list[Any] = [form.name, form.email]
        if kind == PersonKind.OFFICIAL:
            values += [country_name(form.country), form.title, form.organization]
        elif kind == PersonKind.HOST:
            site = locations.get(form.site)
            values += [
                site.name if site else form.site,
                form.title,
                form.organization,
                "yes" if form.virtual else "no",
            ]
        langs = [language_name(c) for c in form.languages][:LANGUAGE_CELLS]
        values += langs + [None] * (LANGUAGE_CELLS - len(langs))
        for c, v in enumerate(values, start=1):
            cell = about.cell(r, c, v)
            if heads[c - 1] in ("Title", "Organization", "Video sessions (yes/no)") or c >= lang_first:
                styled(cell, "answer-left", border=box, fill=fill_in, protection=open_cell)
            else:
                styled(cell, "boxed", border=box)
        for c in range(lang_first, lang_first + LANGUAGE_CELLS):
            lang_dv.add(f"{_col(c)}{r}")
        if kind == PersonKind.HOST:
            yes_no.add(f"{_col(heads.index('Video sessions (yes/no)') + 1)}{r}")
    about.freeze_panes = f"B{HEADER_ROW + 1}"
    about.protection.sheet = True

    # -- Interests / Expertise
    if kind in (PersonKind.OFFICIAL, PersonKind.HOST):
        official = kind == PersonKind.OFFICIAL
        sheet = book.create_sheet(INTERESTS_SHEET if official else EXPERTISE_SHEET)
        sheet.cell(1, 1, "Interests" if official else "Expertise").font = title_font
        sheet.cell(
            2,
            1,
            "0 = not interested, 1 = some interest, 2 = strong interest, 3 = top priority"
            if official
            else "yes = you can lead a session on this topic",
        )
        for c, h in enumerate(["Topic", "What it covers"], start=1):
            cell = sheet.cell(HEADER_ROW, c, h)
            styled(cell, "head", font=bold, fill=head_fill, border=box)
        sheet.column_dimensions["A"].width = 32
        sheet.column_dimensions["B"].width = 60
        dv = validation('"0,1,2,3"', "0 to 3") if official else validation('"yes,no"', "yes or no")
        sheet.add_data_validation(dv)
        for j, form in enumerate(forms):
            c = 3 + j
            cell = sheet.cell(HEADER_ROW, c, form.name)
            styled(cell, "head-wrap", font=bold, fill=head_fill, border=box, alignment=wrap)
            sheet.column_dimensions[_col(c)].width = 16
        for r, tid in enumerate(meta.topics, start=HEADER_ROW + 1):
            t = topics[tid]
            styled(sheet.cell(r, 1, t.name), "boxed", border=box)
            d = sheet.cell(r, 2, t.description or "")
            styled(d, "boxed-wrap", border=box, alignment=wrap)
            for j, form in enumerate(forms):
                answer_value: Any = (
                    form.interests.get(tid, 0) if official else ("yes" if tid in form.expertise else "no")
                )
                cell = sheet.cell(r, 3 + j, answer_value)
                styled(cell, "answer", fill=fill_in, protection=open_cell, border=box, alignment=center)
                dv.add(cell.coordinate)
        sheet.freeze_panes = f"C{HEADER_ROW + 1}"
        sheet.protection.sheet = True

    # -- Availability
    av = book.create_sheet(AVAILABILITY_SHEET)
    av.cell(1, 1, "Availability").font = title_font
    av.cell(
        2,
        1,
        "Put an x in each time you are free. Times are the local time at the day's site.",
    )
    av.column_dimensions["A"].width = 17
    av.column_dimensions["B"].width = 30
    for i in range(grid.count):
        av.column_dimensions[_col(3 + i)].width = 6.5
    site_dv = validation(f"{LISTS_SHEET}!$A$1:$A${max(1, len(site_names))}", "Where are you this day?")
    tick_dv = validation(f'"{TICK}"', "x = free")
    av.add_data_validation(site_dv)
    av.add_data_validation(tick_dv)
    busy = _session_blocks(meta, choices)
    for j, form in enumerate(forms):
        top = availability_top(grid, j)
        host = kind == PersonKind.HOST
        if host:
            loc = locations.get(form.site)
            where = (
                f"times in {loc.name} local time ({loc.timezone})"
                if loc
                else "times in your site's local time"
            )
        else:
            where = "times in the local time of the day's site"
        av.cell(top, 1, f"{form.name}: {where}").font = bold
        for c, h in enumerate(["Day", "Site"], start=1):
            cell = av.cell(top + 1, c, h)
            styled(cell, "head", font=bold, fill=head_fill, border=box)
        for i in range(grid.count):
            cell = av.cell(top + 1, 3 + i, grid.label(i))
            styled(cell, "time-head", font=bold, fill=head_fill, border=box, alignment=center)
        for k, answer in enumerate(form.days):
            r = top + 2 + k
            styled(av.cell(r, 1, day_label(answer.day)), "boxed", border=box)
            site_cell = av.cell(r, 2, _site_text(form.site if host else answer.site, locations))
            if host:
                styled(site_cell, "boxed", border=box)
            else:
                styled(site_cell, "answer-left", border=box, fill=fill_in, protection=open_cell)
                site_dv.add(site_cell.coordinate)
            ticks = set(answer.ticks)
            day_site = form.site if host else answer.site
            for i in range(grid.count):
                cell = av.cell(r, 3 + i, TICK if i in ticks else None)
                possible = (day_site, answer.day, i) in busy
                if possible or not host:
                    styled(
                        cell,
                        "tick" if possible else "tick-grey",
                        border=box,
                        alignment=center,
                        protection=open_cell,
                        fill=fill_in if possible else no_session,
                    )
                else:
                    styled(cell, "locked-grey", border=box, alignment=center, fill=no_session)
            tick_dv.add(f"C{r}:{_col(2 + grid.count)}{r}")
    av.freeze_panes = "C4"
    av.protection.sheet = True

    # -- Registration (hidden)
    meta_sheet = book.create_sheet(META_SHEET)
    text = json.dumps(meta.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    meta_sheet.cell(1, 1, "format")
    meta_sheet.cell(1, 2, FORMAT)
    meta_sheet.cell(2, 1, "checksum")
    meta_sheet.cell(2, 2, checksum(text))
    meta_sheet.cell(3, 1, "program")
    meta_sheet.cell(3, 2, choices.program_name)
    meta_sheet.cell(4, 1, "people")
    meta_sheet.cell(4, 2, ", ".join(f"{f.kind.value} {f.id}" for f in forms))
    for k in range(0, max(1, len(text)), CHUNK):
        row = 5 + k // CHUNK
        meta_sheet.cell(row, 1, "data")
        meta_sheet.cell(row, 2, text[k : k + CHUNK])
    meta_sheet.sheet_state = "hidden"
    meta_sheet.protection.sheet = True

    for ws in book.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _site_text(site: str | None, locations: dict[str, Location]) -> str:
    if site is None:
        return ANYWHERE
    loc = locations.get(site)
    return loc.name if loc else site


_BLOCKS_CACHE: dict[tuple[int, Grid], set[tuple[str | None, date, int]]] = {}


def _session_blocks(meta: Meta, choices: Choices) -> set[tuple[str | None, date, int]]:
    """(site, day, block) where some slot of the program overlaps the block (the others are
    grey); computed once per grid while ``choices`` lives."""
    key = (id(choices), meta.grid)
    cached = _BLOCKS_CACHE.get(key)
    if cached is None or len(_BLOCKS_CACHE) > 64:
        if len(_BLOCKS_CACHE) > 64:
            _BLOCKS_CACHE.clear()
        cached = _BLOCKS_CACHE[key] = _compute_session_blocks(meta.grid, choices)
    return cached


def _compute_session_blocks(grid: Grid, choices: Choices) -> set[tuple[str | None, date, int]]:
    zones: dict[str | None, str] = {x.id: x.timezone for x in choices.locations}
    zones[None] = choices.program_zone
    out: set[tuple[str | None, date, int]] = set()
    slots = sorted(choices.slots)
    for site, z in zones.items():
        for d in grid.days:
            lo, _ = grid.block(d, 0, z)
            _, hi = grid.block(d, grid.count - 1, z)
            near = [(s, e) for s, e in slots if s < hi and lo < e]
            for i in range(grid.count):
                start, end = grid.block(d, i, z)
                if any(s < end and start < e for s, e in near):
                    out.add((site, d, i))
    return out


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class Returned:
    """A workbook as read back: its meta, the people's answers and what was wrong."""

    file: str
    path: Path
    modified: datetime
    meta: Meta | None
    forms: list[Form]
    findings: list[Finding]
    bad_people: set[str] = field(default_factory=set)  # ids whose answers have errors
    mtime: datetime | None = None  # the file's own time (breaks ties of ``modified``)

    @property
    def ok(self) -> bool:
        """Whether the file could be matched at all (people may still have errors)."""
        return self.meta is not None


def read_workbook(path: str | os.PathLike[str], topics: dict[str, Topic] | None = None) -> Returned:
    """Read a returned workbook. Never raises for bad content: problems are findings (a file
    that is no registration workbook has ``meta`` None)."""
    import zipfile

    import openpyxl

    path = Path(path)
    name = path.name
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as e:
        return Returned(
            name, path, datetime.now(UTC), None, [], [Finding(name, f"cannot be read: {e.strerror or e}")]
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        return Returned(
            name, path, mtime, None, [], [Finding(name, f"is not a readable .xlsx workbook ({e})")]
        )
    try:
        modified = book.properties.modified
        if isinstance(modified, datetime):
            modified = modified.replace(tzinfo=UTC) if modified.tzinfo is None else modified.astimezone(UTC)
        else:
            modified = mtime
        if META_SHEET not in book.sheetnames:
            return Returned(
                name,
                path,
                modified,
                None,
                [],
                [Finding(name, "is not a registration workbook (it has no Registration sheet)")],
            )
        grids = {ws.title: _grid_of(ws) for ws in book.worksheets}
    finally:
        book.close()
    out = _read(name, path, modified, grids)
    out.mtime = mtime
    return out


def _grid_of(ws: Any) -> dict[tuple[int, int], Any]:
    out: dict[tuple[int, int], Any] = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        for c, v in enumerate(row, start=1):
            if v is not None and not (isinstance(v, str) and not v.strip()):
                out[(r, c)] = v
    return out


def _read(
    name: str, path: Path, modified: datetime, cells: dict[str, dict[tuple[int, int], Any]]
) -> Returned:
    out = Returned(name, path, modified, None, [], [])
    meta_cells = cells[META_SHEET]
    if meta_cells.get((1, 2)) != FORMAT:
        out.findings.append(Finding(name, f"is not a {FORMAT} workbook", META_SHEET, "B1"))
        return out
    text = "".join(str(meta_cells[(r, c)]) for r, c in sorted(meta_cells) if c == 2 and r >= 5)
    if checksum(text) != str(meta_cells.get((2, 2), "")):
        out.findings.append(
            Finding(
                name,
                "the hidden Registration sheet was changed, so this workbook cannot be matched to its "
                "person; make a new workbook for them",
                META_SHEET,
                "B2",
            )
        )
        return out
    try:
        meta = Meta.from_payload(json.loads(text))
    except (ValueError, KeyError, TypeError) as e:
        out.findings.append(
            Finding(name, f"the hidden Registration sheet cannot be read ({e})", META_SHEET, "B5")
        )
        return out
    out.meta = meta
    for sheet in (ABOUT_SHEET, AVAILABILITY_SHEET) + (
        (INTERESTS_SHEET,)
        if meta.kind == PersonKind.OFFICIAL
        else (EXPERTISE_SHEET,)
        if meta.kind == PersonKind.HOST
        else ()
    ):
        if sheet not in cells:
            out.findings.append(Finding(name, f"the sheet {sheet!r} is missing", sheet))
            out.bad_people.update(f.id for f in meta.sent)
    if out.bad_people:
        return out
    for j, sent in enumerate(meta.sent):
        form, findings = _read_person(name, cells, meta, j, sent)
        out.findings.extend(findings)
        if any(f.severity == "error" for f in findings):
            out.bad_people.add(sent.id)
        out.forms.append(form)
    return out


def _cell_ref(r: int, c: int) -> str:
    return f"{_col(c)}{r}"


def _read_person(
    name: str, cells: dict[str, dict[tuple[int, int], Any]], meta: Meta, j: int, sent: Form
) -> tuple[Form, list[Finding]]:
    findings: list[Finding] = []
    kind = meta.kind
    form = Form(
        kind=kind,
        id=sent.id,
        name=sent.name,
        email=sent.email,
        site=sent.site,
        country=sent.country,
        title=sent.title,
        organization=sent.organization,
        virtual=sent.virtual,
    )

    def error(sheet: str, r: int, c: int, message: str) -> None:
        findings.append(Finding(name, message, sheet, _cell_ref(r, c)))

    # About you
    about = cells[ABOUT_SHEET]
    heads = about_columns(kind)
    r = HEADER_ROW + 1 + j
    got_name = sheets.cell_text(about.get((r, 1)))
    if got_name != sent.name:
        error(ABOUT_SHEET, r, 1, f"should name {sent.name!r} but holds {got_name!r}: were rows moved?")
        return form, findings
    for label, attr in (("Title", "title"), ("Organization", "organization")):
        if label in heads:
            setattr(form, attr, sheets.cell_text(about.get((r, heads.index(label) + 1))))
    if "Video sessions (yes/no)" in heads:
        c = heads.index("Video sessions (yes/no)") + 1
        try:
            form.virtual = sheets.parse_bool(about.get((r, c)))
        except CellError as e:
            error(ABOUT_SHEET, r, c, str(e))
    first = len(heads) - LANGUAGE_CELLS + 1
    for c in range(first, first + LANGUAGE_CELLS):
        v = about.get((r, c))
        if v is None:
            continue
        try:
            for code in sheets.parse_languages(sheets.cell_text(v)):
                if code not in form.languages:
                    form.languages.append(code)
        except CellError as e:
            error(ABOUT_SHEET, r, c, str(e))
    if not form.languages:
        error(ABOUT_SHEET, r, first, "names no language: choose at least one")

    # Interests / Expertise
    if kind in (PersonKind.OFFICIAL, PersonKind.HOST):
        sheet = INTERESTS_SHEET if kind == PersonKind.OFFICIAL else EXPERTISE_SHEET
        grid_cells = cells[sheet]
        c = 3 + j
        head = sheets.cell_text(grid_cells.get((HEADER_ROW, c)))
        if head != sent.name:
            error(sheet, HEADER_ROW, c, f"should name {sent.name!r} but holds {head!r}: were columns moved?")
        else:
            for k, tid in enumerate(meta.topics):
                r = HEADER_ROW + 1 + k
                v = grid_cells.get((r, c))
                try:
                    if kind == PersonKind.OFFICIAL:
                        w = 0 if v is None else sheets.parse_int(v)
                        if w > 3:
                            raise CellError(f"{w} is not 0, 1, 2 or 3")
                        if w:
                            form.interests[tid] = w
                    elif sheets.parse_bool(v):
                        form.expertise.append(tid)
                except CellError as e:
                    error(sheet, r, c, str(e))

    # Availability
    av = cells[AVAILABILITY_SHEET]
    grid = meta.grid
    top = availability_top(grid, j)
    for i in range(grid.count):
        if sheets.cell_text(av.get((top + 1, 3 + i))) != grid.label(i):
            error(
                AVAILABILITY_SHEET, top + 1, 3 + i, f"should be the time {grid.label(i)}: were columns moved?"
            )
            return form, findings
    sites = _site_lookup(meta)
    for k, d in enumerate(grid.days):
        r = top + 2 + k
        label = sheets.cell_text(av.get((r, 1)))
        if d.isoformat() not in label:
            error(
                AVAILABILITY_SHEET,
                r,
                1,
                f"should be the day {day_label(d)} but holds {label!r}: were rows moved?",
            )
            return form, findings
        answer = DayAnswer(d, "")
        if kind == PersonKind.HOST:
            answer.site = sent.days[k].site if k < len(sent.days) else sent.site
        else:
            v = av.get((r, 2))
            if v is not None:
                key = sheets.cell_text(v).casefold()
                if key in sites:
                    answer.site = sites[key]
                else:
                    error(AVAILABILITY_SHEET, r, 2, f"{sheets.cell_text(v)!r} is not a site of this program")
        for i in range(grid.count):
            v = av.get((r, 3 + i))
            if v is None:
                continue
            try:
                if sheets.parse_bool(v):
                    answer.ticks.append(i)
            except CellError:
                error(
                    AVAILABILITY_SHEET,
                    r,
                    3 + i,
                    f"{sheets.cell_text(v)!r} is not a tick (write x or leave it empty)",
                )
        if answer.ticks and answer.site == "" and kind != PersonKind.HOST:
            error(
                AVAILABILITY_SHEET, r, 2, f"name the site where you are on {day_label(d)} (or {ANYWHERE!r})"
            )
        form.days.append(answer)
    return form, findings


def _site_lookup(meta: Meta) -> dict[str, str | None]:
    """Site cell text (casefolded) -> site id, from the workbook's own Lists (names as sent)."""
    out: dict[str, str | None] = {ANYWHERE.casefold(): None}
    for site_id, site_name in meta.sites.items():
        out[site_name.casefold()] = site_id
        out[site_id.casefold()] = site_id
    return out
