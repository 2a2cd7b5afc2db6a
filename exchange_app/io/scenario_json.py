"""Read and write ``exchange-scenario/1`` documents.

Reading checks the structure with the JSON Schema of the spec (``scenario.schema.json``,
which reports field paths) and then the cross-record rules a schema cannot express:
unique ids, references, known time zones, windows that end after they start. Every
problem names the record (list and position, with its id) and the field; a document with
any problem is refused whole by raising :class:`InputError`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

import jsonschema

from exchange_app.domain import (
    SCENARIO_FORMAT,
    Forbidden,
    Host,
    Interpreter,
    Location,
    Official,
    Organizer,
    Pin,
    Program,
    Scenario,
    Slot,
    Topic,
    Window,
    zone,
)
from exchange_app.errors import InputError, Problem
from exchange_app.io.atomic import write_text

MAX_PROBLEMS = 200
PEOPLE = ("officials", "hosts", "interpreters")


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("exchange_app.io").joinpath("scenario.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


# --------------------------------------------------------------------------- helpers


def load_json(path: str | os.PathLike) -> Any:
    """Parse a JSON file, turning every failure into an :class:`InputError` naming the file."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise InputError(source, [Problem("file", None, f"cannot be read: {e.strerror or e}")]) from e
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(
            source, [Problem("file", None, f"is not UTF-8 text ({e.reason} at byte {e.start})")]
        ) from e
    except json.JSONDecodeError as e:
        raise InputError(
            source,
            [Problem("file", None, f"is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}")],
        ) from e


def record_name(doc: Any, path: list) -> tuple[str, str | None]:
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
        if isinstance(rid, str) and rid:
            record += f" ({rid})"
        return record, _dotted(path[2:]) or None
    return "document", _dotted(path) or None


def _dotted(parts: Iterable) -> str:
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
        pattern = err.schema.get("pattern", "")
        for known, text in _PATTERN_TEXT.items():
            if pattern == known:
                return f"{err.instance!r} {text}"
        return f"{err.instance!r} does not have the expected form ({pattern})"
    if v == "const" and list(err.absolute_path) == ["format"]:
        return f"is {err.instance!r}; this program reads only {SCENARIO_FORMAT!r}"
    if v in ("minimum", "maximum") and len(err.absolute_path) >= 3 and err.absolute_path[2] == "interests":
        return f"interest weight {err.instance!r} is outside 1..3"
    if v == "additionalProperties":
        return err.message.replace("Additional properties are not allowed", "unknown field(s)")
    return err.message


# --------------------------------------------------------------------------- reading


def read_scenario(path: str | os.PathLike) -> Scenario:
    """Read and check a scenario file; raises :class:`InputError` naming every problem."""
    return parse_scenario(load_json(path), source=str(path))


def parse_scenario(doc: Any, source: str = "<scenario>") -> Scenario:
    if not isinstance(doc, dict):
        raise InputError(source, [Problem("document", None, "is not a JSON object")])
    fmt = doc.get("format")
    if fmt != SCENARIO_FORMAT:
        raise InputError(
            source,
            [Problem("document", "format", f"is {fmt!r}; this program reads only {SCENARIO_FORMAT!r}")],
        )

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
    if problems:
        raise InputError(source, problems)

    problems.extend(_cross_record_problems(doc))
    if problems:
        raise InputError(source, problems[:MAX_PROBLEMS])
    return _build(doc)


def _cross_record_problems(doc: dict) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: list, message: str) -> None:
        record, field = record_name(doc, path)
        problems.append(Problem(record, field, message))

    ids: dict[str, set[str]] = {}
    for key in ("topics", "locations", "slots", *PEOPLE):
        seen: dict[str, int] = {}
        for i, rec in enumerate(doc.get(key, [])):
            rid = rec["id"]
            if rid in seen:
                add([key, i, "id"], f"duplicate id {rid!r} (also {key}[{seen[rid]}])")
            else:
                seen[rid] = i
        ids[key] = set(seen)

    def check_zone(path: list, name: str) -> None:
        try:
            zone(name)
        except (ZoneInfoNotFoundError, ValueError):
            add(path, f"unknown time zone {name!r}")

    program = doc.get("program", {})
    if "timezone" in program:
        check_zone(["program", "timezone"], program["timezone"])
    if program.get("min_guests", 2) > program.get("max_guests", 6):
        add(
            ["program", "min_guests"],
            f"min_guests {program.get('min_guests', 2)} is above max_guests {program.get('max_guests', 6)}",
        )
    for i, loc in enumerate(doc.get("locations", [])):
        check_zone(["locations", i, "timezone"], loc["timezone"])

    def check_span(path: list, rec: dict) -> None:
        start, end = parse_instant(rec["start"]), parse_instant(rec["end"])
        if end <= start:
            add(path + ["end"], f"{rec['end']} is not after the start {rec['start']}")

    for i, slot in enumerate(doc.get("slots", [])):
        check_span(["slots", i], slot)

    def ref(path: list, value: str, key: str, what: str) -> None:
        if value not in ids.get(key, ()):
            add(path, f"unknown {what} {value!r}")

    for key in PEOPLE:
        for i, person in enumerate(doc.get(key, [])):
            for j, w in enumerate(person.get("availability", [])):
                check_span([key, i, "availability", j], w)
                if "location" in w:
                    ref([key, i, "availability", j, "location"], w["location"], "locations", "location")
            if key == "officials":
                for topic in person.get("interests", {}):
                    ref([key, i, "interests", topic], topic, "topics", "topic")
                if person.get("min_sessions", 0) > person.get("max_sessions", program.get("max_sessions", 6)):
                    add([key, i, "min_sessions"], "min_sessions is above max_sessions")
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
    """An ISO 8601 instant with offset (``Z`` accepted) as an aware datetime."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if dt.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return dt


def _windows(items: list[dict]) -> list[Window]:
    return [
        Window(start=parse_instant(w["start"]), end=parse_instant(w["end"]), location=w.get("location"))
        for w in items
    ]


def _build(doc: dict) -> Scenario:
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

    def person_kwargs(rec: dict) -> dict:
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
    if dt.utcoffset() is not None and dt.utcoffset().total_seconds() == 0 and zone_name is None:
        dt = dt.astimezone(UTC)
    text = dt.isoformat(timespec="seconds" if dt.second else "minutes")
    return text


def scenario_to_dict(sc: Scenario) -> dict:
    """The ``exchange-scenario/1`` document for ``sc`` (optional fields only when set)."""
    loc_zone = {x.id: x.timezone for x in sc.locations}
    prog_zone = sc.program.timezone

    def windows(ws: list[Window], default_location: str | None = None) -> list[dict]:
        out = []
        for w in ws:
            z = loc_zone.get(w.location or default_location or "", prog_zone)
            d = {"start": format_instant(w.start, z), "end": format_instant(w.end, z)}
            if w.location is not None:
                d["location"] = w.location
            out.append(d)
        return out

    def opt(d: dict, key: str, value: Any) -> None:
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

    def person(x, default_location: str | None = None) -> dict:
        d: dict[str, Any] = {"id": x.id, "name": x.name}
        opt(d, "email", x.email)
        return d

    def limits(d: dict, x) -> dict:
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


def write_scenario(sc: Scenario, path: str | os.PathLike) -> None:
    """Write atomically (temp file, then moved into place)."""
    write_text(path, dumps_scenario(sc))


# --------------------------------------------------------------------------- one person
# (used by the desktop app's profile editor: the same checks and messages as an import)

_KIND_LIST = {"official": "officials", "host": "hosts", "interpreter": "interpreters"}


def validate_person(
    kind: str, record: dict, scenario: Scenario, original_id: str | None = None
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

    problems: list[Problem] = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = list(err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else None
            rec, fld = record_name(doc, path + ([missing] if missing else []))
            problems.append(Problem(rec, fld, "is required"))
        else:
            rec, fld = record_name(doc, path)
            problems.append(Problem(rec, fld, _schema_message(err)))
    if not problems:
        problems.extend(_cross_record_problems(doc))
    rid = record.get("id") if isinstance(record, dict) else None
    if isinstance(rid, str) and rid != original_id and rid in existing:
        rec, _ = record_name(doc, [key, 0])
        problems.append(Problem(rec, "id", f"duplicate id {rid!r} (also {key}[{existing.index(rid)}])"))
    return [renamed(p) for p in problems]


def parse_person(kind: str, record: dict, scenario: Scenario, original_id: str | None = None):
    """The :class:`Official`, :class:`Host` or :class:`Interpreter` for ``record``;
    raises :class:`InputError` with :func:`validate_person`'s problems."""
    problems = validate_person(kind, record, scenario, original_id)
    if problems:
        raise InputError(f"{kind} {record.get('id', '')!s}".strip(), problems)
    key = _KIND_LIST[str(kind)]
    frame = scenario_to_dict(
        Scenario(program=scenario.program, topics=scenario.topics, locations=scenario.locations)
    )
    return getattr(_build(frame | {key: [record]}), key)[0]


def person_to_dict(person, scenario: Scenario) -> dict:
    """The ``exchange-scenario/1`` record of one person (times in their local zones)."""
    key = _KIND_LIST[str(person.kind)]
    mini = Scenario(
        program=scenario.program, topics=scenario.topics, locations=scenario.locations, **{key: [person]}
    )
    return scenario_to_dict(mini)[key][0]
