"""Read and write ``exchange-scenario/1`` documents.

Reading checks the structure with the JSON Schema of the spec (``scenario.schema.json``,
which reports field paths) and then what a schema cannot express: unique ids (within a
list, and across the three person lists), references, known time zones, real dates and
offsets, windows that end after they start, text without control characters and within
its length cap, whole numbers within range, and staff decisions that contradict each
other or the program's rules (:func:`pin_contradictions`). Every problem names the
record (list and position, with its id) and the field; a document with any problem is
refused whole by raising :class:`InputError`.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from exchange_app.domain import (
    SCENARIO_FORMAT,
    Forbidden,
    Host,
    Interpreter,
    Location,
    Official,
    Organizer,
    Person,
    Pin,
    Program,
    Scenario,
    Slot,
    Topic,
    Window,
    zone,
)
from exchange_app.errors import InputError, Problem
from exchange_app.io import validation
from exchange_app.io.atomic import write_text

MAX_PROBLEMS = 200
PEOPLE = ("officials", "hosts", "interpreters")
KIND_OF_LIST = {"officials": "official", "hosts": "host", "interpreters": "interpreter"}


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("exchange_app.io").joinpath("scenario.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


# --------------------------------------------------------------------------- helpers


def load_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file (at most :data:`~exchange_app.io.validation.MAX_DOCUMENT_BYTES`),
    turning every failure into an :class:`InputError` naming the file."""
    source = str(path)
    return validation.parse_json_bytes(validation.read_document(path, source), source)


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)``, shortened for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "…" + text[-4:]


def record_name(doc: Any, path: Sequence[Any]) -> tuple[str, str | None]:
    """Split a JSON path into (record, field): ``officials[3] (o-0004)`` and ``email``."""
    if not path:
        return "document", None
    head = str(path[0])
    if head in ("program",):
        return "program", _dotted(path[1:]) or None
    if len(path) >= 2 and isinstance(path[1], int):
        record = f"{head}[{path[1]}]"
        try:
            rid = doc[head][path[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            rid = None
        if isinstance(rid, str) and rid and validation.text_problem(rid, "id") is None:
            record += f" ({rid})"
        return record, _dotted(path[2:]) or None
    return "document", _dotted(path) or None


def _dotted(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


_PATTERN_TEXT = {
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "is not a valid email address",
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$": "is not an ISO 8601 time with a UTC offset (e.g. 2026-11-02T09:00-07:00)",
    r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$": "is not an IANA time zone name (e.g. America/Denver)",
    r"^[a-z]{2,3}$": "is not an ISO 639 language code (two or three lower-case letters)",
    r"^[A-Z]{2}$": "is not an ISO 3166-1 alpha-2 country code (two capital letters)",
}


def _schema_message(err: jsonschema.ValidationError) -> str:
    v = err.validator
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"'{missing}' is required"
    if v == "pattern":
        pattern = err.schema.get("pattern", "") if isinstance(err.schema, dict) else ""
        for known, text in _PATTERN_TEXT.items():
            if pattern == known:
                return f"{shown(err.instance)} {text}"
        return f"{shown(err.instance)} does not have the expected form ({pattern})"
    if v == "const" and list(err.absolute_path) == ["format"]:
        return f"is {shown(err.instance)}; this program reads only {SCENARIO_FORMAT!r}"
    if v in ("minimum", "maximum") and len(err.absolute_path) >= 3 and err.absolute_path[2] == "interests":
        return f"interest weight {shown(err.instance)} is outside 1..3"
    if v == "additionalProperties":
        return (
            shown(err.message, 300)
            .strip("'\"")
            .replace("Additional properties are not allowed", "unknown field(s)")
        )
    if v == "type":
        if err.validator_value == "integer":
            return f"{shown(err.instance)} is not a whole number"
        return f"{shown(err.instance)} is not of type {err.validator_value!r}"
    if v in ("minLength", "maxLength", "minItems", "uniqueItems", "minProperties", "enum", "const"):
        return err.message if len(err.message) <= 200 else f"{shown(err.instance)} breaks the rule {v!r}"
    message = str(err.message)
    return message if len(message) <= 300 else message[:295] + "…"


def _schema_problems(doc: Any) -> list[Problem]:
    problems: list[Problem] = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = list(err.absolute_path)
        if err.validator == "required":
            # the missing field belongs to the record the error is about
            missing = err.message.split("'")[1] if "'" in err.message else None
            record, field = record_name(doc, path + ([missing] if missing else []))
            problems.append(Problem(record, field, "is required"))
        else:
            record, field = record_name(doc, path)
            problems.append(Problem(record, field, _schema_message(err)))
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def _text_problems(doc: Any) -> list[Problem]:
    """Control characters, lone surrogates and over-long text anywhere in ``doc`` (one pass;
    a record's path is built only for the strings that are refused)."""
    problems: list[Problem] = []
    fine = validation.looks_fine

    def check(path: tuple[Any, ...], value: str, is_key: bool) -> None:
        field = "id" if is_key else str(path[-1]) if path else None
        why = validation.text_problem(value, field)
        if why is not None and len(problems) < MAX_PROBLEMS:
            record, fld = record_name(doc, path)
            problems.append(Problem(record, fld, ("the key " if is_key else "") + why))

    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc, ())]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path = stack.pop()
        items: Iterable[tuple[Any, Any]]
        if isinstance(value, dict):
            items = value.items()
            for k in value:
                if isinstance(k, str) and not fine(k):
                    check((*path, k), k, True)
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        for k, v in items:
            if isinstance(v, str):
                if not fine(v):
                    check((*path, k), v, False)
            elif isinstance(v, dict | list):
                stack.append((v, (*path, k)))
    return problems


def _number_problems(doc: Any) -> list[Problem]:
    """Every number of a scenario is a count, limit or weight: whole and within range."""
    problems: list[Problem] = []
    stack: list[tuple[Any, list[Any]]] = [(doc, [])]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, [*path, k]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            why = validation.number_problem(value)
            if why is not None:
                record, fld = record_name(doc, path)
                problems.append(Problem(record, fld, why))
    return problems


# --------------------------------------------------------------------------- reading


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a scenario file; raises :class:`InputError` naming every problem."""
    return parse_scenario(load_json(path), source=str(path))


def parse_scenario(doc: Any, source: str = "<scenario>") -> Scenario:
    if not isinstance(doc, dict):
        raise InputError(source, [Problem("document", None, "is not a JSON object")])
    fmt = doc.get("format")
    if fmt != SCENARIO_FORMAT:
        raise InputError(
            source,
            [Problem("document", "format", f"is {shown(fmt)}; this program reads only {SCENARIO_FORMAT!r}")],
        )
    depth = validation.nesting_problem(doc)
    if depth is not None:
        raise InputError(source, [depth])
    problems = _text_problems(doc)
    problems += _schema_problems(doc)
    if problems:
        raise InputError(source, problems[:MAX_PROBLEMS])
    problems = _number_problems(doc)
    problems += _cross_record_problems(doc)
    if problems:
        raise InputError(source, problems[:MAX_PROBLEMS])
    scenario = _build(doc)
    problems = pin_contradictions(scenario, scenario_pins(scenario))
    if problems:
        raise InputError(source, problems[:MAX_PROBLEMS])
    return scenario


def _cross_record_problems(doc: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: list[Any], message: str) -> None:
        record, field = record_name(doc, path)
        problems.append(Problem(record, field, message))

    ids: dict[str, set[str]] = {}
    person_at: dict[str, tuple[str, int]] = {}
    for key in ("topics", "locations", "slots", *PEOPLE):
        seen: dict[str, int] = {}
        for i, rec in enumerate(doc.get(key, [])):
            rid = rec["id"]
            if rid in seen:
                add([key, i, "id"], f"duplicate id {rid!r} (also {key}[{seen[rid]}])")
                continue
            seen[rid] = i
            if key in PEOPLE:
                other = person_at.get(rid)
                if other is not None:
                    okey, j = other
                    add(
                        [key, i, "id"],
                        f"id {rid!r} is also the id of {KIND_OF_LIST[okey]} {okey}[{j}] "
                        f"({doc[okey][j].get('name', '')}); ids are unique across officials, hosts and "
                        "interpreters, so that nobody gets another person's invitations",
                    )
                else:
                    person_at[rid] = (key, i)
        ids[key] = set(seen)

    def check_zone(path: list[Any], name: str) -> None:
        try:
            zone(name)
        except Exception:  # ZoneInfoNotFoundError, ValueError, OSError for odd names
            add(path, f"unknown time zone {shown(name)}")

    program = doc.get("program", {})
    if "timezone" in program:
        check_zone(["program", "timezone"], program["timezone"])
    for low, high, d_low, d_high in (
        ("min_guests", "max_guests", 2, 6),
        ("min_sessions", "max_sessions", 1, 6),
    ):
        if program.get(low, d_low) > program.get(high, d_high):
            add(
                ["program", low],
                f"{low} {program.get(low, d_low)} is above {high} {program.get(high, d_high)}",
            )
    for i, loc in enumerate(doc.get("locations", [])):
        check_zone(["locations", i, "timezone"], loc["timezone"])

    def check_span(path: list[Any], rec: dict[str, Any]) -> None:
        bad = False
        for end in ("start", "end"):
            why = validation.instant_problem(rec[end])
            if why is not None:
                add([*path, end], why)
                bad = True
        if bad:
            return
        start, stop = parse_instant(rec["start"]), parse_instant(rec["end"])
        if stop <= start:
            add([*path, "end"], f"{rec['end']} is not after the start {rec['start']}")

    for i, slot in enumerate(doc.get("slots", [])):
        check_span(["slots", i], slot)

    def ref(path: list[Any], value: str, key: str, what: str) -> None:
        if value not in ids.get(key, ()):
            add(path, f"unknown {what} {shown(value)}")

    for key in PEOPLE:
        for i, person in enumerate(doc.get(key, [])):
            for j, w in enumerate(person.get("availability", [])):
                check_span([key, i, "availability", j], w)
                if "location" in w:
                    ref([key, i, "availability", j, "location"], w["location"], "locations", "location")
            if key == "officials":
                for topic in person.get("interests", {}):
                    ref([key, i, "interests", topic], topic, "topics", "topic")
                top = person.get("max_sessions", program.get("max_sessions", 6))
                if person.get("min_sessions", 0) > top:
                    add(
                        [key, i, "min_sessions"],
                        "min_sessions is above max_sessions",
                    )
            if key == "hosts":
                ref([key, i, "location"], person["location"], "locations", "location")
                for j, topic in enumerate(person.get("expertise", [])):
                    ref([key, i, "expertise", j], topic, "topics", "topic")

    for i, pin in enumerate(doc.get("pins", [])):
        ref(["pins", i, "official"], pin["official"], "officials", "official")
        ref(["pins", i, "host"], pin["host"], "hosts", "host")
        ref(["pins", i, "slot"], pin["slot"], "slots", "slot")
    for i, fb in enumerate(doc.get("forbidden", [])):
        ref(["forbidden", i, "official"], fb["official"], "officials", "official")
        ref(["forbidden", i, "host"], fb["host"], "hosts", "host")
    return problems


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with offset (``Z`` accepted) as an aware datetime
    (``ValueError`` saying what is wrong for month 13, offset +24:00, ...)."""
    return validation.parse_instant(text)


# --------------------------------------------------------------------------- contradictions


@dataclass(frozen=True, slots=True)
class PinRef:
    """A staff decision "this official meets this host at this slot", with where it was
    written: ``pins[3]`` of a scenario, or ``sessions[7] (s-0008)`` field ``pinned[0]`` of
    a schedule. ``group`` tells sessions apart: pins with the same group are one session."""

    record: str
    field: str | None
    official: str
    host: str
    slot: str
    group: str

    def where(self) -> str:
        return f"{self.record}" + (f" field '{self.field}'" if self.field else "")


def scenario_pins(scenario: Scenario) -> list[PinRef]:
    return [
        PinRef(f"pins[{i}]", None, p.official, p.host, p.slot, f"{p.host}@{p.slot}")
        for i, p in enumerate(scenario.pins)
    ]


def pin_contradictions(scenario: Scenario, pins: Sequence[PinRef]) -> list[Problem]:
    """Pins that no schedule can keep, each problem naming both records: a pin on a
    forbidden pair; an official pinned twice at overlapping times or twice with one host;
    a host pinned to two sessions at overlapping times; more pins to one session than
    ``max_guests`` or than ``max_same_country`` from one country; more pins than a person's
    ``max_sessions`` or ``max_per_day``. Pins naming unknown records are left to the
    reference checks. Runs in O(n log n) for n pins."""
    problems: list[Problem] = []
    officials = scenario.officials_by_id()
    hosts = scenario.hosts_by_id()
    slots = scenario.slots_by_id()
    program = scenario.program
    forbidden: dict[tuple[str, str], int] = {}
    for j, f in enumerate(scenario.forbidden):
        forbidden.setdefault((f.official, f.host), j)
    known = [p for p in pins if p.official in officials and p.host in hosts and p.slot in slots]

    def who(kind: str, pid: str) -> str:
        person: Person | None = officials.get(pid) if kind == "official" else hosts.get(pid)
        return f"{kind} {person.name} ({pid})" if person is not None else f"{kind} {pid!r}"

    def add(p: PinRef, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(p.record, p.field, message))

    def at(p: PinRef) -> str:
        return f"{who('host', p.host)} at slot {p.slot}"

    # duplicates and forbidden pairs
    first: dict[tuple[str, str, str], PinRef] = {}
    unique: list[PinRef] = []
    for p in known:
        key = (p.official, p.host, p.slot)
        if key in first and first[key].group == p.group:
            earlier = first[key]
            if earlier.record == p.record or (
                p.record.startswith("pins[") and earlier.record.startswith("pins[")
            ):
                add(p, f"pins {who('official', p.official)} to {at(p)} again (also {earlier.where()})")
            continue  # the same decision written twice (a program pin the file keeps)
        first.setdefault(key, p)
        unique.append(p)
        fb = forbidden.get((p.official, p.host))
        if fb is not None:
            j = fb
            reason = scenario.forbidden[j].reason
            add(
                p,
                f"pins {who('official', p.official)} to {at(p)}, but forbidden[{j}] says they must never "
                f"share a session{f' ({reason})' if reason else ''}",
            )

    def overlaps(kind: str, person_of: str) -> None:
        """A person in two sessions at overlapping times (by a sweep over start times)."""
        by_person: dict[str, list[PinRef]] = defaultdict(list)
        for p in unique:
            by_person[getattr(p, person_of)].append(p)
        for pid, mine in by_person.items():
            groups: dict[str, PinRef] = {}
            for p in mine:
                groups.setdefault(p.group, p)
            ordered = sorted(
                groups.values(), key=lambda p: (slots[p.slot].start, slots[p.slot].end, p.record)
            )
            latest: PinRef | None = None  # the earlier session that ends last
            for p in ordered:
                s = slots[p.slot]
                if latest is not None and slots[latest.slot].end > s.start:
                    add(
                        p,
                        f"pins {who(kind, pid)} to {at(p) if kind == 'official' else 'slot ' + p.slot}, "
                        f"which overlaps {latest.where()} ({at(latest) if kind == 'official' else 'slot ' + latest.slot}); "
                        "nobody can be in two sessions at once",
                    )
                if latest is None or slots[latest.slot].end < s.end:
                    latest = p

    overlaps("official", "official")
    overlaps("host", "host")

    # an official meets a host at most once
    met: dict[tuple[str, str], PinRef] = {}
    for p in unique:
        seen = met.setdefault((p.official, p.host), p)
        if seen is not p and seen.group != p.group:
            add(
                p,
                f"pins {who('official', p.official)} to meet {who('host', p.host)} a second time "
                f"(also {seen.where()}, slot {seen.slot}); an official meets a host at most once",
            )

    # session size and country mix
    per_group: dict[str, list[PinRef]] = defaultdict(list)
    for p in unique:
        per_group[p.group].append(p)
    for members in per_group.values():
        distinct = list({p.official: p for p in members}.values())
        if len(distinct) > program.max_guests:
            extra = distinct[program.max_guests]
            add(
                extra,
                f"is pin number {program.max_guests + 1} to {at(extra)} (with "
                f"{', '.join(p.where() for p in distinct[: program.max_guests])}); "
                f"program.max_guests is {program.max_guests}",
            )
        by_country: dict[str, list[PinRef]] = defaultdict(list)
        for p in distinct:
            by_country[officials[p.official].country].append(p)
        for country, ps in by_country.items():
            if len(ps) > program.max_same_country:
                extra = ps[program.max_same_country]
                add(
                    extra,
                    f"pins a {len(ps)}th official from {country} to {at(extra)} (with "
                    f"{', '.join(p.where() for p in ps[: program.max_same_country])}); "
                    f"program.max_same_country is {program.max_same_country}",
                )

    # limits per person: total and per program day
    try:
        day_zone = zone(program.timezone)
    except Exception:
        return problems

    def day(p: PinRef) -> date:
        return slots[p.slot].start.astimezone(day_zone).date()

    for kind, attr in (("official", "official"), ("host", "host")):
        by_person: dict[str, list[PinRef]] = defaultdict(list)
        for p in unique:
            by_person[getattr(p, attr)].append(p)
        for pid, mine in by_person.items():
            sessions = list({p.group: p for p in reversed(mine)}.values())[::-1]
            person: Person = officials[pid] if kind == "official" else hosts[pid]
            limit = scenario.max_sessions(person)
            if len(sessions) > limit:
                extra = sessions[limit]
                add(
                    extra,
                    f"is pin number {limit + 1} of {who(kind, pid)} (with "
                    f"{', '.join(p.where() for p in sessions[:limit][:5])}{', …' if limit > 5 else ''}); "
                    f"their max_sessions is {limit}",
                )
            per_day = scenario.max_per_day(person)
            days: dict[date, list[PinRef]] = defaultdict(list)
            for p in sessions:
                days[day(p)].append(p)
            for d, ps in days.items():
                if len(ps) > per_day:
                    extra = ps[per_day]
                    add(
                        extra,
                        f"is pin number {per_day + 1} of {who(kind, pid)} on {d:%a %d %b %Y} (with "
                        f"{', '.join(p.where() for p in ps[:per_day][:5])}); their max_per_day is {per_day}",
                    )
    return problems


def _windows(items: list[dict[str, Any]]) -> list[Window]:
    return [
        Window(start=parse_instant(w["start"]), end=parse_instant(w["end"]), location=w.get("location"))
        for w in items
    ]


def _build(doc: dict[str, Any]) -> Scenario:
    p = doc["program"]
    org = p.get("organizer")
    program = Program(
        name=p["name"],
        timezone=p.get("timezone", "America/New_York"),
        organizer=Organizer(email=org["email"], name=org.get("name")) if org else None,
        **{
            k: p[k]
            for k in (
                "min_guests",
                "max_guests",
                "max_same_country",
                "min_sessions",
                "max_sessions",
                "max_per_day",
            )
            if k in p
        },
    )
    common = ("id", "name", "email", "languages", "max_sessions", "max_per_day")

    def person_kwargs(rec: dict[str, Any]) -> dict[str, Any]:
        kw = {k: rec[k] for k in common if k in rec}
        kw["languages"] = list(rec["languages"])
        kw["availability"] = _windows(rec.get("availability", []))
        return kw

    return Scenario(
        program=program,
        topics=[
            Topic(id=t["id"], name=t["name"], description=t.get("description")) for t in doc.get("topics", [])
        ],
        locations=[
            Location(id=x["id"], name=x["name"], timezone=x["timezone"], address=x.get("address"))
            for x in doc.get("locations", [])
        ],
        slots=[
            Slot(id=s["id"], start=parse_instant(s["start"]), end=parse_instant(s["end"]))
            for s in doc.get("slots", [])
        ],
        officials=[
            Official(
                **person_kwargs(o),
                country=o["country"],
                organization=o.get("organization"),
                title=o.get("title"),
                interests=dict(o["interests"]),
                delegation=o.get("delegation"),
                min_sessions=o.get("min_sessions"),
            )
            for o in doc.get("officials", [])
        ],
        hosts=[
            Host(
                **person_kwargs(h),
                location=h["location"],
                title=h.get("title"),
                organization=h.get("organization"),
                expertise=list(h["expertise"]),
                virtual=bool(h.get("virtual", False)),
                video_url=h.get("video_url"),
            )
            for h in doc.get("hosts", [])
        ],
        interpreters=[Interpreter(**person_kwargs(i)) for i in doc.get("interpreters", [])],
        pins=[Pin(official=x["official"], host=x["host"], slot=x["slot"]) for x in doc.get("pins", [])],
        forbidden=[
            Forbidden(official=x["official"], host=x["host"], reason=x.get("reason"))
            for x in doc.get("forbidden", [])
        ],
    )


# --------------------------------------------------------------------------- writing


def format_instant(dt: datetime, zone_name: str | None = None) -> str:
    """ISO 8601 with offset; in ``zone_name`` when given (local wall time), else as held."""
    if zone_name:
        dt = dt.astimezone(zone(zone_name))
    offset = dt.utcoffset()
    if offset is not None and offset.total_seconds() == 0 and zone_name is None:
        dt = dt.astimezone(UTC)
    text = dt.isoformat(timespec="seconds" if dt.second else "minutes")
    return text


def scenario_to_dict(sc: Scenario) -> dict[str, Any]:
    """The ``exchange-scenario/1`` document for ``sc`` (optional fields only when set)."""
    loc_zone = {x.id: x.timezone for x in sc.locations}
    prog_zone = sc.program.timezone

    def windows(ws: list[Window], default_location: str | None = None) -> list[dict[str, Any]]:
        out = []
        for w in ws:
            z = loc_zone.get(w.location or default_location or "", prog_zone)
            d = {"start": format_instant(w.start, z), "end": format_instant(w.end, z)}
            if w.location is not None:
                d["location"] = w.location
            out.append(d)
        return out

    def opt(d: dict[str, Any], key: str, value: Any) -> None:
        if value is not None:
            d[key] = value

    p = sc.program
    program: dict[str, Any] = {"name": p.name, "timezone": p.timezone}
    if p.organizer:
        program["organizer"] = {"email": p.organizer.email} | (
            {"name": p.organizer.name} if p.organizer.name else {}
        )
    for k in ("min_guests", "max_guests", "max_same_country", "min_sessions", "max_sessions", "max_per_day"):
        program[k] = getattr(p, k)

    def person(x: Person, default_location: str | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"id": x.id, "name": x.name}
        opt(d, "email", x.email)
        return d

    def limits(d: dict[str, Any], x: Person) -> dict[str, Any]:
        opt(d, "max_sessions", x.max_sessions)
        opt(d, "max_per_day", x.max_per_day)
        return d

    officials = []
    for o in sc.officials:
        d = person(o)
        d["country"] = o.country
        opt(d, "organization", o.organization)
        opt(d, "title", o.title)
        d["languages"] = list(o.languages)
        d["interests"] = dict(o.interests)
        d["availability"] = windows(o.availability)
        opt(d, "delegation", o.delegation)
        opt(d, "min_sessions", o.min_sessions)
        officials.append(limits(d, o))
    hosts = []
    for h in sc.hosts:
        d = person(h)
        opt(d, "title", h.title)
        opt(d, "organization", h.organization)
        d["location"] = h.location
        d["languages"] = list(h.languages)
        d["expertise"] = list(h.expertise)
        d["availability"] = windows(h.availability, h.location)
        limits(d, h)
        d["virtual"] = h.virtual
        opt(d, "video_url", h.video_url)
        hosts.append(d)
    interpreters = []
    for i in sc.interpreters:
        d = person(i)
        d["languages"] = list(i.languages)
        d["availability"] = windows(i.availability)
        interpreters.append(limits(d, i))

    return {
        "format": SCENARIO_FORMAT,
        "program": program,
        "topics": [
            {"id": t.id, "name": t.name}
            | ({"description": t.description} if t.description is not None else {})
            for t in sc.topics
        ],
        "locations": [
            {"id": x.id, "name": x.name, "timezone": x.timezone}
            | ({"address": x.address} if x.address is not None else {})
            for x in sc.locations
        ],
        "slots": [
            {"id": s.id, "start": format_instant(s.start), "end": format_instant(s.end)} for s in sc.slots
        ],
        "officials": officials,
        "hosts": hosts,
        "interpreters": interpreters,
        "pins": [{"official": x.official, "host": x.host, "slot": x.slot} for x in sc.pins],
        "forbidden": [
            {"official": x.official, "host": x.host} | ({"reason": x.reason} if x.reason is not None else {})
            for x in sc.forbidden
        ],
    }


def dumps_scenario(sc: Scenario) -> str:
    return json.dumps(scenario_to_dict(sc), indent=1, ensure_ascii=False) + "\n"


def write_scenario(sc: Scenario, path: str | os.PathLike[str]) -> None:
    """Write atomically (temp file, then moved into place)."""
    write_text(path, dumps_scenario(sc))


# --------------------------------------------------------------------------- one person
# (used by the desktop app's profile editor: the same checks and messages as an import)

_KIND_LIST = {"official": "officials", "host": "hosts", "interpreter": "interpreters"}


def validate_person(
    kind: str, record: dict[str, Any], scenario: Scenario, original_id: str | None = None
) -> list[Problem]:
    """Problems with one person ``record`` (an ``exchange-scenario/1`` person dict) of
    ``kind`` (``"official"``, ``"host"``, ``"interpreter"``) against ``scenario``.

    Runs the importer's schema and cross-record checks, so the messages are the import's.
    ``original_id`` is the id the person had when loaded (None for a new person); another
    person of the same kind with the record's id is a duplicate. Records are named as the
    importer would name them at the person's position (``officials[3] (o-0004)``).
    """
    key = _KIND_LIST[str(kind)]
    existing = [p.id for p in getattr(scenario, key)]
    position = existing.index(original_id) if original_id in existing else len(existing)
    frame = scenario_to_dict(
        Scenario(program=scenario.program, topics=scenario.topics, locations=scenario.locations)
    )
    doc = frame | {key: [record]}

    def renamed(p: Problem) -> Problem:
        prefix = f"{key}[0]"
        if p.record.startswith(prefix):
            return Problem(f"{key}[{position}]" + p.record[len(prefix) :], p.field, p.message)
        return p

    problems = _text_problems(doc) + _schema_problems(doc)
    if not problems:
        problems.extend(_number_problems(doc))
        problems.extend(_cross_record_problems(doc))
    rid = record.get("id") if isinstance(record, dict) else None
    if isinstance(rid, str) and rid != original_id and rid in existing:
        rec, _ = record_name(doc, [key, 0])
        problems.append(Problem(rec, "id", f"duplicate id {rid!r} (also {key}[{existing.index(rid)}])"))
    if isinstance(rid, str):
        for other in PEOPLE:
            if other == key:
                continue
            ids = [p.id for p in getattr(scenario, other)]
            if rid in ids:
                j = ids.index(rid)
                rec, _ = record_name(doc, [key, 0])
                problems.append(
                    Problem(
                        rec,
                        "id",
                        f"id {rid!r} is also the id of {KIND_OF_LIST[other]} {other}[{j}] "
                        f"({getattr(scenario, other)[j].name}); ids are unique across officials, hosts "
                        "and interpreters, so that nobody gets another person's invitations",
                    )
                )
    return [renamed(p) for p in problems]


def parse_person(
    kind: str, record: dict[str, Any], scenario: Scenario, original_id: str | None = None
) -> Person:
    """The :class:`Official`, :class:`Host` or :class:`Interpreter` for ``record``;
    raises :class:`InputError` with :func:`validate_person`'s problems."""
    problems = validate_person(kind, record, scenario, original_id)
    if problems:
        raise InputError(f"{kind} {record.get('id', '')!s}".strip(), problems)
    key = _KIND_LIST[str(kind)]
    frame = scenario_to_dict(
        Scenario(program=scenario.program, topics=scenario.topics, locations=scenario.locations)
    )
    person: Person = getattr(_build(frame | {key: [record]}), key)[0]
    return person


def person_to_dict(person: Person, scenario: Scenario) -> dict[str, Any]:
    """The ``exchange-scenario/1`` record of one person (times in their local zones)."""
    key = _KIND_LIST[str(person.kind)]
    mini = Scenario(program=scenario.program, topics=scenario.topics, locations=scenario.locations)
    setattr(mini, key, [person])
    record: dict[str, Any] = scenario_to_dict(mini)[key][0]
    return record
