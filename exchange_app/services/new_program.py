"""A new program from what staff know on the first day: name, time zone, organizer, dates,
sites (IANA zones, addresses), topics and session rules. The slot grid comes from daily
hours *in each site's local time* (e.g. 09:00-17:00 in 60-minute blocks, lunch left out),
so a Honolulu site and a New York site each get their own business hours.

Used by ``exchange-app new-program`` (options or a small TOML file) and by the desktop
wizard (File > New program…). No Qt here.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfoNotFoundError, available_timezones

from exchange_app.domain import Location, Organizer, Program, Scenario, Slot, Topic, zone
from exchange_app.errors import InputError, Problem
from exchange_app.naming import plural

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace


@dataclass(kw_only=True)
class SiteSpec:
    name: str
    timezone: str
    address: str | None = None
    id: str | None = None


@dataclass(kw_only=True)
class TopicSpec:
    name: str
    description: str | None = None
    id: str | None = None


@dataclass(kw_only=True, frozen=True)
class DayHours:
    """Daily hours of the slot grid, in each site's local time."""

    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    block_minutes: int = 60
    lunch: tuple[time, time] | None = (time(12, 0), time(13, 0))


@dataclass(kw_only=True)
class ProgramSpec:
    """Everything the wizard and the command ask for."""

    name: str
    timezone: str = "America/New_York"
    organizer_email: str | None = None
    organizer_name: str | None = None
    dates: list[date] = field(default_factory=list)
    sites: list[SiteSpec] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    block_minutes: int = 60
    lunch: tuple[time, time] | None = (time(12, 0), time(13, 0))
    min_guests: int = 2
    max_guests: int = 6
    max_same_country: int = 2
    min_sessions: int = 1
    max_sessions: int = 6
    max_per_day: int = 3

    def hours(self) -> DayHours:
        return DayHours(
            day_start=self.day_start, day_end=self.day_end, block_minutes=self.block_minutes, lunch=self.lunch
        )


def slug(text: str) -> str:
    """``atlanta-georgia`` for "Atlanta, Georgia"."""
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return s or "x"


def zone_names() -> list[str]:
    """IANA zones staff pick from, U.S. ones first."""
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    us = [z for z in names if z.startswith(("America/", "Pacific/Honolulu", "US/"))]
    return us + [z for z in names if z not in us]


def blocks(day: date, tz: str, spec: DayHours) -> list[tuple[datetime, datetime]]:
    """The day's blocks in zone ``tz``: from ``day_start`` while a whole block fits before
    ``day_end``, leaving out blocks that overlap lunch (the next block starts after lunch)."""
    z = zone(tz)
    out = []
    step = timedelta(minutes=spec.block_minutes)
    t = datetime.combine(day, spec.day_start, z)
    end = datetime.combine(day, spec.day_end, z)
    lunch = (
        (datetime.combine(day, spec.lunch[0], z), datetime.combine(day, spec.lunch[1], z))
        if spec.lunch
        else None
    )
    while t + step <= end:
        if lunch is not None and t < lunch[1] and lunch[0] < t + step:
            t = lunch[1]
            continue
        out.append((t, t + step))
        t += step
    return out


def slot_id(start: datetime, end: datetime, minutes: int) -> str:
    utc = start.astimezone(zone("UTC"))
    return f"{utc:%Y%m%dT%H%MZ}" + ("" if minutes == 60 else f"-{minutes}")


def hours_problems(hours: DayHours) -> list[Problem]:
    """What is wrong with the daily hours (record ``hours``)."""
    problems = []
    if not 15 <= hours.block_minutes <= 240:
        problems.append(
            Problem("hours", "block", f"{hours.block_minutes} minutes; a block is 15 to 240 minutes")
        )
    if hours.day_end <= hours.day_start:
        problems.append(
            Problem("hours", "end", f"{hours.day_end:%H:%M} is not after the start {hours.day_start:%H:%M}")
        )
    if hours.lunch is not None and hours.lunch[1] <= hours.lunch[0]:
        problems.append(Problem("hours", "lunch", "the lunch break ends before it starts"))
    return problems


def slot_grid(days: Sequence[date], zones: Sequence[str], hours: DayHours) -> list[Slot]:
    """The slots of ``hours`` on each day in each zone (local business hours per site), in
    time order; a block two zones share (same UTC start and length) is one slot."""
    slots: dict[str, Slot] = {}
    for day in sorted(set(days)):
        for tz in dict.fromkeys(zones):
            for start, end in blocks(day, tz, hours):
                sid = slot_id(start, end, hours.block_minutes)
                slots.setdefault(sid, Slot(id=sid, start=start, end=end))
    return sorted(slots.values(), key=lambda s: (s.start, s.id))


def infer_hours(scenario: Scenario) -> DayHours:
    """The daily hours a grid was most likely made from (what the date and hours editor
    starts with): the local start times every site zone has in common, the usual slot
    length, and the first gap as lunch. The defaults when the grid is not regular."""
    if not scenario.slots:
        return DayHours()
    lengths = Counter(int((s.end - s.start).total_seconds() // 60) for s in scenario.slots)
    minutes = lengths.most_common(1)[0][0]
    zones = list(dict.fromkeys(x.timezone for x in scenario.locations)) or [scenario.program.timezone]
    common: set[time] | None = None
    for tz in zones:
        z = zone(tz)
        local = {
            s.start.astimezone(z).time()
            for s in scenario.slots
            if int((s.end - s.start).total_seconds() // 60) == minutes
        }
        common = local if common is None else common & local
    starts = sorted(common or ())
    if not starts or not 15 <= minutes <= 240:
        return DayHours()

    def plus(t: time, m: int) -> time:
        return (datetime.combine(date(2000, 1, 3), t) + timedelta(minutes=m)).time()

    end = plus(starts[-1], minutes)
    if end <= starts[-1]:  # a block running past midnight: not a business-hours grid
        return DayHours()
    lunch = next(
        ((plus(a, minutes), b) for a, b in zip(starts, starts[1:], strict=False) if plus(a, minutes) < b),
        None,
    )
    return DayHours(day_start=starts[0], day_end=end, block_minutes=minutes, lunch=lunch)


def check_spec(spec: ProgramSpec, source: str = "new program") -> None:
    """Refuse a spec with problems (all of them, named by record and field)."""
    problems: list[Problem] = []

    def bad(record: str, fld: str | None, message: str) -> None:
        problems.append(Problem(record, fld, message))

    if not spec.name.strip():
        bad("program", "name", "is empty; give the program a name")
    for record, tz in [
        ("program", spec.timezone),
        *((f"sites[{i}] ({s.name})", s.timezone) for i, s in enumerate(spec.sites)),
    ]:
        try:
            zone(tz)
        except (ZoneInfoNotFoundError, ValueError):
            bad(record, "timezone", f"{tz!r} is not an IANA time zone (e.g. America/New_York)")
    if not spec.dates:
        bad("program", "dates", "no program day given")
    if not spec.sites:
        bad("program", "sites", "no site given; a program needs at least one site")
    if spec.organizer_email is not None and not re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[^@\s]+", spec.organizer_email
    ):
        bad("organizer", "email", f"{spec.organizer_email!r} is not a valid email address")
    problems += hours_problems(spec.hours())
    if not 1 <= spec.min_guests <= spec.max_guests:
        bad(
            "rules",
            "min_guests",
            f"{spec.min_guests} must be at least 1 and at most max_guests ({spec.max_guests})",
        )
    if spec.max_same_country < 1:
        bad("rules", "max_same_country", "must be at least 1")
    if not 0 <= spec.min_sessions <= spec.max_sessions:
        bad(
            "rules", "min_sessions", f"{spec.min_sessions} must be at most max_sessions ({spec.max_sessions})"
        )
    if spec.max_per_day < 1:
        bad("rules", "max_per_day", "must be at least 1")
    named: list[tuple[str, Sequence[SiteSpec | TopicSpec]]] = [
        ("sites", spec.sites),
        ("topics", spec.topics),
    ]
    for what, items in named:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if not item.name.strip():
                bad(f"{what}[{i}]", "name", "is empty")
            key = item.id or slug(item.name)
            if key in seen:
                bad(f"{what}[{i}] ({item.name})", "id", f"{key!r} is also used by {what}[{seen[key]}]")
            seen[key] = i
    if problems:
        raise InputError(source, problems)


def build_scenario(spec: ProgramSpec, source: str = "new program") -> Scenario:
    """The program with its sites, topics and slot grid (no people yet)."""
    check_spec(spec, source)
    organizer = (
        Organizer(email=spec.organizer_email, name=spec.organizer_name) if spec.organizer_email else None
    )
    program = Program(
        name=spec.name.strip(),
        timezone=spec.timezone,
        organizer=organizer,
        min_guests=spec.min_guests,
        max_guests=spec.max_guests,
        max_same_country=spec.max_same_country,
        min_sessions=spec.min_sessions,
        max_sessions=spec.max_sessions,
        max_per_day=spec.max_per_day,
    )
    locations = [
        Location(id=s.id or slug(s.name), name=s.name.strip(), timezone=s.timezone, address=s.address or None)
        for s in spec.sites
    ]
    topics = [
        Topic(id=t.id or slug(t.name), name=t.name.strip(), description=t.description or None)
        for t in spec.topics
    ]
    slots = slot_grid(spec.dates, [x.timezone for x in locations], spec.hours())
    return Scenario(program=program, topics=topics, locations=locations, slots=slots)


def grid_summary(sc: Scenario) -> str:
    """``52 slots on 3 days (Thu 29 Oct – Mon 2 Nov)``."""
    days = sorted({sc.day_of(x) for x in sc.slots})
    span = (
        f" ({days[0]:%a} {days[0].day} {days[0]:%b} – {days[-1]:%a} {days[-1].day} {days[-1]:%b})"
        if days
        else ""
    )
    return f"{plural(len(sc.slots), 'slot')} on {plural(len(days), 'day')}{span}"


def describe(scenario: Scenario) -> str:
    """``3 sites, 6 topics, 48 slots on 2 days (Thu 29 Oct – Fri 30 Oct)``."""
    return (
        f"{plural(len(scenario.locations), 'site')}, {plural(len(scenario.topics), 'topic')}, "
        f"{grid_summary(scenario)}"
    )


# --------------------------------------------------------------------------- parsing


def parse_time(text: str, record: str, fld: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(
            "new program", [Problem(record, fld, f"{text!r} is not a time like 09:00")]
        ) from None


def parse_span(text: str, record: str, fld: str) -> tuple[time, time]:
    parts = str(text).replace("–", "-").split("-")
    if len(parts) != 2:
        raise InputError("new program", [Problem(record, fld, f"{text!r} is not a span like 12:00-13:00")])
    return parse_time(parts[0], record, fld), parse_time(parts[1], record, fld)


def parse_dates(values: list[str] | str, record: str = "program", fld: str = "dates") -> list[date]:
    """``2026-10-29``, ``2026-10-29..2026-11-02`` (every day), or a list of them."""
    out: list[date] = []
    for value in [values] if isinstance(values, str) else values:
        text = str(value).strip()
        try:
            if ".." in text:
                a, b = (date.fromisoformat(x.strip()) for x in text.split(".."))
                if b < a:
                    raise ValueError
                out += [a + timedelta(days=i) for i in range((b - a).days + 1)]
            else:
                out.append(date.fromisoformat(text))
        except ValueError:
            raise InputError(
                "new program",
                [
                    Problem(
                        record,
                        fld,
                        f"{text!r} is not a date (2026-10-29) or a range (2026-10-29..2026-10-30)",
                    )
                ],
            ) from None
    return out


def spec_from_toml(path: str | Path) -> ProgramSpec:
    """Read a program file like ``docs/examples/new-program.toml``."""
    source = str(path)
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(source, [Problem("file", None, f"cannot be read: {e.strerror or e}")]) from e
    except tomllib.TOMLDecodeError as e:
        raise InputError(source, [Problem("file", None, f"is not valid TOML: {e}")]) from e
    return spec_from_dict(doc, source)


def spec_from_dict(doc: dict[str, Any], source: str = "new program") -> ProgramSpec:
    problems: list[Problem] = []

    def need(d: dict[str, Any], key: str, record: str) -> Any:
        if key not in d:
            problems.append(Problem(record, key, "is missing"))
            return None
        return d[key]

    org = doc.get("organizer") or {}
    hours = doc.get("hours") or {}
    rules = doc.get("rules") or {}
    lunch = hours.get("lunch", "12:00-13:00")  # false or "" for no lunch break
    try:
        spec = ProgramSpec(
            name=str(need(doc, "name", "program") or ""),
            timezone=str(doc.get("timezone", "America/New_York")),
            organizer_email=org.get("email"),
            organizer_name=org.get("name"),
            dates=parse_dates(need(doc, "dates", "program") or []),
            sites=[
                SiteSpec(
                    name=str(need(s, "name", f"sites[{i}]") or ""),
                    timezone=str(need(s, "timezone", f"sites[{i}]") or ""),
                    address=s.get("address"),
                    id=s.get("id"),
                )
                for i, s in enumerate(doc.get("sites", []))
            ],
            topics=[
                TopicSpec(
                    name=str(need(t, "name", f"topics[{i}]") or ""),
                    description=t.get("description"),
                    id=t.get("id"),
                )
                if isinstance(t, dict)
                else TopicSpec(name=str(t))
                for i, t in enumerate(doc.get("topics", []))
            ],
            day_start=parse_time(str(hours.get("start", "09:00")), "hours", "start"),
            day_end=parse_time(str(hours.get("end", "17:00")), "hours", "end"),
            block_minutes=int(hours.get("block", 60)),
            lunch=parse_span(lunch, "hours", "lunch") if lunch else None,
            **{
                k: int(rules[k])
                for k in (
                    "min_guests",
                    "max_guests",
                    "max_same_country",
                    "min_sessions",
                    "max_sessions",
                    "max_per_day",
                )
                if k in rules
            },
        )
    except (TypeError, ValueError) as e:
        raise InputError(source, [*problems, Problem("file", None, str(e))]) from e
    if problems:
        raise InputError(source, problems)
    unknown = set(rules) - {
        "min_guests",
        "max_guests",
        "max_same_country",
        "min_sessions",
        "max_sessions",
        "max_per_day",
    }
    if unknown:
        raise InputError(source, [Problem("rules", k, "is not a session rule") for k in sorted(unknown)])
    return spec


def create_program(ws: Workspace, spec: ProgramSpec, source: str = "new program") -> int:
    """Store the new program (one transaction); returns its id."""
    return ws.import_scenario(build_scenario(spec, source), source=source)
