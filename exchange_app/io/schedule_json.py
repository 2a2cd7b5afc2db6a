"""Read and write ``exchange-schedule/1`` documents.

A schedule is read against its program: every id must exist there (a document that
names an unknown host, slot, topic, interpreter or official is refused whole, naming the
session and field). A schedule that breaks scheduling rules is still read: the rule
checker then lists what is wrong, so staff can see and repair it. What is refused whole:
a document that is not a schedule at all (wrong types, text with control characters,
numbers out of range), more sessions than the program has host-slots, a session listing
more officials than the program has, and pins (``pinned``) that contradict each other or
the program's pins, forbidden pairs and limits
(:func:`~exchange_app.io.scenario_json.pin_contradictions`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

from exchange_app.domain import SCHEDULE_FORMAT, Mode, Scenario, Schedule, Session, SolverInfo, Unmatched
from exchange_app.errors import InputError, Problem
from exchange_app.io import validation
from exchange_app.io.atomic import write_text
from exchange_app.io.scenario_json import PinRef, load_json, pin_contradictions, shown

MAX_PROBLEMS = 200


def read_schedule(path: str | os.PathLike[str], scenario: Scenario) -> Schedule:
    return parse_schedule(load_json(path), scenario, source=str(path))


def _figure(value: Any) -> str | None:
    """Why ``value`` cannot be a solver figure (a finite number or null)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{shown(value)} is not a number"
    if not math.isfinite(value) or abs(value) > 1e15:
        return f"{shown(value)} is out of range"
    return None


def parse_schedule(doc: Any, scenario: Scenario, source: str = "<schedule>") -> Schedule:
    if not isinstance(doc, dict):
        raise InputError(source, [Problem("document", None, "is not a JSON object")])
    if doc.get("format") != SCHEDULE_FORMAT:
        raise InputError(
            source,
            [Problem("document", "format", f"is {shown(doc.get('format'))}; expected {SCHEDULE_FORMAT!r}")],
        )
    depth = validation.nesting_problem(doc)
    if depth is not None:
        raise InputError(source, [depth])
    sessions_doc = doc.get("sessions")
    if not isinstance(sessions_doc, list):
        raise InputError(source, [Problem("document", "sessions", "is required and must be a list")])

    hosts = scenario.hosts_by_id()
    slots = scenario.slots_by_id()
    host_slots = len(scenario.hosts) * len(scenario.slots)
    if len(sessions_doc) > host_slots:
        raise InputError(
            source,
            [
                Problem(
                    "document",
                    "sessions",
                    f"holds {len(sessions_doc):,} sessions, but program {scenario.program.name!r} has only "
                    f"{len(scenario.hosts)} hosts x {len(scenario.slots)} slots = {host_slots:,} host-slots; "
                    "is it the schedule of another program?",
                )
            ],
        )
    topics = scenario.topics_by_id()
    interpreters = scenario.interpreters_by_id()
    officials = scenario.officials_by_id()
    locations = scenario.locations_by_id()
    problems: list[Problem] = []
    sessions: list[Session] = []
    seen: dict[str, int] = {}

    def text(record: str, key: str, value: str) -> bool:
        why = validation.text_problem(value, "id" if key != "language" else "language")
        if why is not None:
            problems.append(Problem(record, key, why))
            return False
        return True

    program_name = doc.get("program")
    if program_name is not None and not isinstance(program_name, str):
        problems.append(Problem("document", "program", f"{shown(program_name)} is not a program name"))
        program_name = None
    elif program_name is not None and not text("document", "program", program_name):
        program_name = None

    for i, rec in enumerate(sessions_doc):
        record = f"sessions[{i}]"
        if not isinstance(rec, dict):
            problems.append(Problem(record, None, "is not a JSON object"))
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        sid = rec.get("id")
        if isinstance(sid, str) and sid and validation.text_problem(sid, "id") is None:
            record += f" ({sid})"
        bad = len(problems)
        unknown = set(rec) - {
            "id",
            "host",
            "slot",
            "topic",
            "language",
            "interpreter",
            "mode",
            "location",
            "officials",
            "pinned",
        }
        if unknown:
            problems.append(
                Problem(record, None, f"unknown field(s): {', '.join(shown(k, 40) for k in sorted(unknown))}")
            )

        def need(key: str, table: dict[str, Any] | None, what: str, optional: bool = False) -> Any:
            value = rec.get(key)
            if value is None:
                if not optional:
                    problems.append(Problem(record, key, "is required"))
                return None
            if not isinstance(value, str) or not value:
                problems.append(Problem(record, key, f"{shown(value)} is not an id"))
                return None
            if not text(record, key, value):
                return None
            if table is not None and value not in table:
                problems.append(Problem(record, key, f"unknown {what} {shown(value)}"))
            return value

        need("id", None, "id")
        if isinstance(sid, str) and sid in seen:
            problems.append(
                Problem(record, "id", f"duplicate session id {shown(sid)} (also sessions[{seen[sid]}])")
            )
        elif isinstance(sid, str):
            seen[sid] = i
        host = need("host", hosts, "host")
        slot = need("slot", slots, "slot")
        topic = need("topic", topics, "topic")
        language = rec.get("language")
        if not isinstance(language, str) or not language:
            problems.append(Problem(record, "language", "is required (a language code such as 'en')"))
        else:
            text(record, "language", language)
        interpreter = need("interpreter", interpreters, "interpreter", optional=True)
        mode_text = rec.get("mode", Mode.IN_PERSON.value)
        mode = Mode.IN_PERSON
        if mode_text in ("in-person", "virtual"):
            mode = Mode(mode_text)
        else:
            problems.append(
                Problem(record, "mode", f"{shown(mode_text)} is neither 'in-person' nor 'virtual'")
            )
        location = need("location", locations, "location", optional=True)
        members = rec.get("officials", [])
        if not isinstance(members, list):
            problems.append(Problem(record, "officials", "must be a list of official ids"))
            members = []
        elif len(members) > len(officials):
            problems.append(
                Problem(
                    record,
                    "officials",
                    f"lists {len(members):,} officials; the program has only {len(officials):,}",
                )
            )
            members = []
        for j, oid in enumerate(members):
            if not isinstance(oid, str):
                problems.append(Problem(record, f"officials[{j}]", f"{shown(oid)} is not an official id"))
            elif oid not in officials:
                if text(record, f"officials[{j}]", oid):
                    problems.append(Problem(record, f"officials[{j}]", f"unknown official {shown(oid)}"))
        pinned = rec.get("pinned", [])
        if not isinstance(pinned, list):
            problems.append(Problem(record, "pinned", "must be a list of official ids"))
            pinned = []
        member_set = {m for m in members if isinstance(m, str)}
        for j, oid in enumerate(pinned):
            if not isinstance(oid, str) or oid not in member_set:
                problems.append(
                    Problem(
                        record,
                        f"pinned[{j}]",
                        f"{shown(oid)} is pinned but not among the session's officials",
                    )
                )
        if len(problems) > bad:
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        if mode is Mode.IN_PERSON and location is None:
            location = hosts[host].location
        if mode is Mode.VIRTUAL:
            location = None
        sessions.append(
            Session(
                id=str(sid),
                host=host,
                slot=slot,
                topic=topic,
                language=str(language),
                interpreter=interpreter,
                mode=mode,
                location=location,
                officials=list(members),
                pinned=list(pinned),
            )
        )

    unmatched: list[Unmatched] = []
    raw_unmatched = doc.get("unmatched", []) or []
    if not isinstance(raw_unmatched, list):
        problems.append(Problem("document", "unmatched", "must be a list"))
        raw_unmatched = []
    for i, u in enumerate(raw_unmatched):
        record = f"unmatched[{i}]"
        if not isinstance(u, dict):
            problems.append(Problem(record, None, "is not a JSON object"))
            continue
        oid = u.get("official")
        if not isinstance(oid, str) or oid not in officials:
            problems.append(Problem(record, "official", f"unknown official {shown(oid)}"))
            continue
        numbers = {}
        for key in ("sessions", "min_sessions"):
            value = u.get(key, 0)
            why = validation.number_problem(value)
            if why is not None:
                problems.append(Problem(record, key, why))
            numbers[key] = value
        reason = u.get("reason", "")
        if not isinstance(reason, str):
            problems.append(Problem(record, "reason", f"{shown(reason)} is not text"))
            reason = ""
        else:
            why = validation.text_problem(reason, "reason")
            if why is not None:
                problems.append(Problem(record, "reason", why))
        unmatched.append(
            Unmatched(
                official=oid,
                sessions=numbers["sessions"],
                min_sessions=numbers["min_sessions"],
                reason=reason,
            )
        )

    solver = doc.get("solver")
    info: SolverInfo | None = None
    if isinstance(solver, dict):
        status = solver.get("status", "unknown")
        if not isinstance(status, str) or validation.text_problem(status, "status") is not None:
            problems.append(Problem("solver", "status", f"{shown(status)} is not a solver status"))
            status = "unknown"
        for key in ("objective", "bound", "seconds"):
            why = _figure(solver.get(key))
            if why is not None:
                problems.append(Problem("solver", key, why))
        info = SolverInfo(
            status=status[:40],
            objective=solver.get("objective"),
            bound=solver.get("bound"),
            seconds=solver.get("seconds"),
        )
    elif solver is not None:
        problems.append(Problem("document", "solver", "must be an object"))

    if not problems:
        problems = schedule_pin_contradictions(scenario, sessions)
    if problems:
        raise InputError(source, problems[:MAX_PROBLEMS])
    return Schedule(sessions=sessions, unmatched=unmatched, solver=info, program=program_name)


def schedule_pin_contradictions(
    scenario: Scenario,
    sessions: Sequence[Session],
    record: Callable[[int, Session], str] = lambda i, s: f"sessions[{i}] ({s.id})",
) -> list[Problem]:
    """The pins of a schedule (each session's ``pinned`` officials) and of its program that
    no schedule can keep (:func:`~exchange_app.io.scenario_json.pin_contradictions`), each
    problem naming both records; ``record`` names session ``i`` (default ``sessions[i] (id)``).
    A program pin on a session at its host and slot is one decision with that session's
    pin, not two. The schedule import refuses these; so does the board's pin action."""
    at: dict[tuple[str, str], str] = {}
    for i, s in enumerate(sessions):
        at.setdefault((s.host, s.slot), f"session {i}")
    program_pins = [
        PinRef(
            f"program pins[{i}]",
            None,
            p.official,
            p.host,
            p.slot,
            at.get((p.host, p.slot), f"{p.host}@{p.slot}"),
        )
        for i, p in enumerate(scenario.pins)
    ]
    pins = [
        PinRef(record(i, s), f"pinned[{j}]", oid, s.host, s.slot, f"session {i}")
        for i, s in enumerate(sessions)
        for j, oid in enumerate(s.pinned)
    ]
    return pin_contradictions(scenario, program_pins + pins)


def new_pin_contradictions(
    scenario: Scenario,
    before: Sequence[Session],
    after: Sequence[Session],
    record: Callable[[int, Session], str] = lambda i, s: f"sessions[{i}] ({s.id})",
) -> list[Problem]:
    """:func:`schedule_pin_contradictions` of ``after`` that ``before`` has not (an edit of
    the pins: one already there does not block the edit)."""
    found = schedule_pin_contradictions(scenario, after, record)
    if not found:
        return []
    old = {(p.record, p.field, p.message) for p in schedule_pin_contradictions(scenario, before, record)}
    return [p for p in found if (p.record, p.field, p.message) not in old]


def schedule_to_dict(schedule: Schedule, program_name: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": SCHEDULE_FORMAT,
        "program": program_name or schedule.program,
        "sessions": [
            {
                "id": s.id,
                "host": s.host,
                "slot": s.slot,
                "topic": s.topic,
                "language": s.language,
                "interpreter": s.interpreter,
                "mode": s.mode.value,
                "location": s.location if s.mode is Mode.IN_PERSON else None,
                "officials": list(s.officials),
                "pinned": list(s.pinned),
            }
            for s in schedule.sessions
        ],
        "unmatched": [
            {
                "official": u.official,
                "sessions": u.sessions,
                "min_sessions": u.min_sessions,
                "reason": u.reason,
            }
            for u in schedule.unmatched
        ],
    }
    if schedule.solver is not None:
        doc["solver"] = {
            "status": schedule.solver.status,
            "objective": schedule.solver.objective,
            "bound": schedule.solver.bound,
            "seconds": schedule.solver.seconds,
        }
    return doc


def dumps_schedule(schedule: Schedule, program_name: str | None = None) -> str:
    return json.dumps(schedule_to_dict(schedule, program_name), indent=1, ensure_ascii=False) + "\n"


def write_schedule(schedule: Schedule, path: str | os.PathLike[str], program_name: str | None = None) -> None:
    write_text(path, dumps_schedule(schedule, program_name))
