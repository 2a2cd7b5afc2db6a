"""Read and write ``exchange-schedule/1`` documents.

A schedule is read against its program: every id must exist there (a document that
names an unknown host, slot, topic, interpreter or official is refused whole, naming the
session and field). A schedule that breaks scheduling rules is still read: the rule
checker then lists what is wrong, so staff can see and repair it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from exchange_app.domain import SCHEDULE_FORMAT, Mode, Scenario, Schedule, Session, SolverInfo, Unmatched
from exchange_app.errors import InputError, Problem
from exchange_app.io.atomic import write_text
from exchange_app.io.scenario_json import load_json

MAX_PROBLEMS = 200


def read_schedule(path: str | os.PathLike, scenario: Scenario) -> Schedule:
    return parse_schedule(load_json(path), scenario, source=str(path))


def parse_schedule(doc: Any, scenario: Scenario, source: str = "<schedule>") -> Schedule:
    if not isinstance(doc, dict):
        raise InputError(source, [Problem("document", None, "is not a JSON object")])
    if doc.get("format") != SCHEDULE_FORMAT:
        raise InputError(
            source, [Problem("document", "format", f"is {doc.get('format')!r}; expected {SCHEDULE_FORMAT!r}")]
        )
    sessions_doc = doc.get("sessions")
    if not isinstance(sessions_doc, list):
        raise InputError(source, [Problem("document", "sessions", "is required and must be a list")])

    hosts = scenario.hosts_by_id()
    slots = scenario.slots_by_id()
    topics = scenario.topics_by_id()
    interpreters = scenario.interpreters_by_id()
    officials = scenario.officials_by_id()
    locations = scenario.locations_by_id()
    problems: list[Problem] = []
    sessions: list[Session] = []
    seen: dict[str, int] = {}

    for i, rec in enumerate(sessions_doc):
        record = f"sessions[{i}]"
        if not isinstance(rec, dict):
            problems.append(Problem(record, None, "is not a JSON object"))
            continue
        sid = rec.get("id")
        if isinstance(sid, str) and sid:
            record += f" ({sid})"
        bad = len(problems)

        def need(key: str, table: dict | None, what: str, optional: bool = False) -> Any:
            value = rec.get(key)
            if value is None:
                if not optional:
                    problems.append(Problem(record, key, "is required"))
                return None
            if not isinstance(value, str) or not value:
                problems.append(Problem(record, key, f"{value!r} is not an id"))
                return None
            if table is not None and value not in table:
                problems.append(Problem(record, key, f"unknown {what} {value!r}"))
            return value

        need("id", None, "id")
        if isinstance(sid, str) and sid in seen:
            problems.append(
                Problem(record, "id", f"duplicate session id {sid!r} (also sessions[{seen[sid]}])")
            )
        elif isinstance(sid, str):
            seen[sid] = i
        host = need("host", hosts, "host")
        slot = need("slot", slots, "slot")
        topic = need("topic", topics, "topic")
        language = rec.get("language")
        if not isinstance(language, str) or not language:
            problems.append(Problem(record, "language", "is required"))
        interpreter = need("interpreter", interpreters, "interpreter", optional=True)
        mode_text = rec.get("mode", Mode.IN_PERSON.value)
        try:
            mode = Mode(mode_text)
        except ValueError:
            problems.append(Problem(record, "mode", f"{mode_text!r} is neither 'in-person' nor 'virtual'"))
            mode = Mode.IN_PERSON
        location = need("location", locations, "location", optional=True)
        members = rec.get("officials", [])
        if not isinstance(members, list):
            problems.append(Problem(record, "officials", "must be a list of official ids"))
            members = []
        for j, oid in enumerate(members):
            if oid not in officials:
                problems.append(Problem(record, f"officials[{j}]", f"unknown official {oid!r}"))
        pinned = rec.get("pinned", [])
        if not isinstance(pinned, list):
            problems.append(Problem(record, "pinned", "must be a list of official ids"))
            pinned = []
        for j, oid in enumerate(pinned):
            if oid not in members:
                problems.append(
                    Problem(
                        record, f"pinned[{j}]", f"{oid!r} is pinned but not among the session's officials"
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
                id=sid,
                host=host,
                slot=slot,
                topic=topic,
                language=language,
                interpreter=interpreter,
                mode=mode,
                location=location,
                officials=list(members),
                pinned=list(pinned),
            )
        )
    if problems:
        raise InputError(source, problems[:MAX_PROBLEMS])

    solver = doc.get("solver")
    return Schedule(
        sessions=sessions,
        unmatched=[
            Unmatched(
                official=u["official"],
                sessions=int(u.get("sessions", 0)),
                min_sessions=int(u.get("min_sessions", 0)),
                reason=str(u.get("reason", "")),
            )
            for u in doc.get("unmatched", []) or []
            if isinstance(u, dict) and u.get("official") in officials
        ],
        solver=SolverInfo(
            status=str(solver.get("status", "unknown")),
            objective=solver.get("objective"),
            bound=solver.get("bound"),
            seconds=solver.get("seconds"),
        )
        if isinstance(solver, dict)
        else None,
        program=doc.get("program"),
    )


def schedule_to_dict(schedule: Schedule, program_name: str | None = None) -> dict:
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


def write_schedule(schedule: Schedule, path: str | os.PathLike, program_name: str | None = None) -> None:
    write_text(path, dumps_schedule(schedule, program_name))
