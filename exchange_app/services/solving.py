"""Solving a program: the bridge between the domain (Scenario, Schedule) and ``solver``.

``build_input`` turns a scenario (and optionally the previous schedule) into the solver's
plain input; ``solve_scenario`` solves a snapshot without any database (the desktop app
runs it in a worker thread); ``solve_program`` loads a program from a workspace, solves,
checks the result with the rule checker and stores it as a new schedule version.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from exchange_app.domain import Mode, Person, Scenario, Schedule, Session, SolverInfo, Unmatched
from exchange_app.naming import plural
from exchange_app.schedule_diff import ScheduleDiff, diff_schedules

if TYPE_CHECKING:
    from exchange_app.rules import CheckReport
    from exchange_app.services.workspace import Workspace
from solver import (  # noqa: I001
    ForbiddenIn,
    HostIn,
    InterpreterIn,
    OfficialIn,
    PinIn,
    PreviousSession,
    Progress,
    Rules,
    SlotIn,
    SolveOptions,
    SolverInput,
    SolverResult,
    solve,
)


def _minutes(dt: datetime) -> int:
    return int(dt.timestamp() // 60)


def _availability(scenario: Scenario, person: Person) -> dict[str, frozenset[str] | None]:
    """``{slot_id: sites or None}`` for every slot a window of the person holds. Every
    window that holds the slot counts, as in the rule checker: one with no location makes
    the person available anywhere then; otherwise they may be at the site of any of them."""
    out: dict[str, frozenset[str] | None] = {}
    for s in scenario.slots:
        held = [w for w in person.availability if w.holds(s.start, s.end)]
        if held:
            out[s.id] = (
                None if any(w.location is None for w in held) else frozenset(str(w.location) for w in held)
            )
    return out


def build_input(scenario: Scenario, previous: Schedule | None = None) -> SolverInput:
    """The solver's plain input for ``scenario`` (limits with defaults filled in,
    availability resolved per slot, program days counted in the program's zone)."""
    from exchange_app.rules import language_name

    prog = scenario.program
    days = sorted({scenario.day_of(s) for s in scenario.slots})
    day_index = {d: i for i, d in enumerate(days)}
    slots = tuple(
        SlotIn(
            id=s.id,
            start=_minutes(s.start),
            end=_minutes(s.end),
            day=day_index[scenario.day_of(s)],
            day_label=scenario.day_of(s).isoformat(),
        )
        for s in scenario.slots
    )
    officials = tuple(
        OfficialIn(
            id=o.id,
            country=o.country,
            languages=tuple(o.languages),
            interests={t: w for t, w in o.interests.items() if w >= 1},
            availability=_availability(scenario, o),
            min_sessions=scenario.min_sessions(o),
            max_sessions=scenario.max_sessions(o),
            max_per_day=scenario.max_per_day(o),
        )
        for o in scenario.officials
    )
    hosts = tuple(
        HostIn(
            id=h.id,
            location=h.location,
            languages=tuple(h.languages),
            expertise=tuple(h.expertise),
            availability=_availability(scenario, h),
            virtual=bool(h.virtual),
            max_sessions=scenario.max_sessions(h),
            max_per_day=scenario.max_per_day(h),
        )
        for h in scenario.hosts
    )
    interpreters = tuple(
        InterpreterIn(
            id=i.id,
            languages=tuple(i.languages),
            availability=_availability(scenario, i),
            max_sessions=scenario.max_sessions(i),
            max_per_day=scenario.max_per_day(i),
        )
        for i in scenario.interpreters
    )
    prev = None
    if previous is not None:
        prev = tuple(
            PreviousSession(
                id=s.id,
                host=s.host,
                slot=s.slot,
                topic=s.topic,
                language=s.language,
                mode=str(Mode(s.mode)),
                interpreter=s.interpreter,
                officials=tuple(s.officials),
                pinned=tuple(o for o in s.pinned if o in s.officials),
            )
            for s in previous.sessions
        )
    return SolverInput(
        rules=Rules(prog.min_guests, prog.max_guests, prog.max_same_country),
        topics=tuple(t.id for t in scenario.topics),
        slots=slots,
        officials=officials,
        hosts=hosts,
        interpreters=interpreters,
        pins=tuple(PinIn(p.official, p.host, p.slot) for p in scenario.pins),
        forbidden=tuple(ForbiddenIn(f.official, f.host) for f in scenario.forbidden),
        previous=prev,
        location_names={x.id: x.name for x in scenario.locations},
        topic_names={t.id: t.name for t in scenario.topics},
        language_names={
            code: language_name(code)
            for p in (*scenario.officials, *scenario.hosts, *scenario.interpreters)
            for code in p.languages
        },
        names={p.id: p.name for p in (*scenario.officials, *scenario.hosts, *scenario.interpreters)},
        location_zones={x.id: x.timezone for x in scenario.locations},
        zone=prog.timezone or "UTC",
    )


# --------------------------------------------------------------------------- results


@dataclass
class SolveOutcome:
    """A solve's schedule (with ``solver`` info and ``unmatched`` filled), the stored
    version (None when nothing was stored), the rule checker's report, the solver's
    own result and, after a previous schedule, what changed."""

    schedule: Schedule
    version: int | None
    report: CheckReport | None
    result: SolverResult
    changes: ScheduleDiff | None = None  # previous -> this schedule (the one diff: schedule_diff)
    names: dict[str, str] = field(default_factory=dict)  # person id -> name, for messages

    def who(self, pid: str) -> str:
        """``Mariam Batbayar (o-0012)`` (the id alone when the name is unknown)."""
        name = self.names.get(pid)
        return f"{name} ({pid})" if name and name != pid else pid

    @property
    def pin_conflicts(self) -> tuple[str, ...]:
        return self.result.pin_conflicts


def to_schedule(result: SolverResult, program_name: str | None = None) -> Schedule:
    """The domain schedule of a solver result."""
    sessions = [
        Session(
            id=s.id,
            host=s.host,
            slot=s.slot,
            topic=s.topic,
            language=s.language,
            officials=list(s.officials),
            interpreter=s.interpreter,
            mode=Mode(s.mode),
            location=s.location,
            pinned=list(s.pinned),
        )
        for s in result.sessions
    ]
    unmatched = [
        Unmatched(official=u.official, sessions=u.sessions, min_sessions=u.min_sessions, reason=u.reason)
        for u in result.unmatched
    ]
    info = SolverInfo(
        status=result.status, objective=result.objective, bound=result.bound, seconds=result.seconds
    )
    return Schedule(sessions=sessions, unmatched=unmatched, solver=info, program=program_name)


def solve_scenario(
    scenario: Scenario,
    options: SolveOptions,
    previous: Schedule | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    started: float | None = None,
    after: float = 0.0,
) -> SolveOutcome:
    """Solve a snapshot (no database; safe in a worker thread). The result is checked
    with the rule checker (``outcome.report``).

    The time limit is the user's: it counts from ``started`` (``time.monotonic()``; now by
    default) and covers building the input, solving, diagnosis and the rule check, and
    ``after`` seconds kept back for what the caller does next (storing)."""
    from exchange_app.rules import check_schedule

    started = time.monotonic() if started is None else started
    inp = build_input(scenario, previous)
    deadline = started + max(0.0, options.time_limit) - after - check_seconds(len(scenario.officials))
    result = solve(inp, options, progress, cancel, deadline)
    schedule = to_schedule(result, scenario.program.name)
    report = check_schedule(scenario, schedule)
    changes = diff_schedules(previous, schedule) if previous is not None else None
    outcome = SolveOutcome(schedule, None, report, result, changes)
    outcome.names = dict(inp.names)
    return outcome


def check_seconds(officials: int) -> float:
    """Time kept back for the rule check (0.04 s measured at 600 officials; generous)."""
    return 0.1 + 0.0005 * officials


def store_seconds(officials: int) -> float:
    """Time kept back for storing the schedule (0.12 s measured at 600 officials; generous)."""
    return 0.2 + 0.001 * officials


def solve_program(
    ws: Workspace,
    program_id: int,
    options: SolveOptions,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    started: float | None = None,
) -> SolveOutcome:
    """Load the program (and its latest schedule, if any), solve, check and store the
    result as a new schedule version (source ``solve``, or ``re-solve`` after a previous
    schedule). The time limit counts from ``started`` (now by default) and covers
    loading and storing too."""
    from exchange_app.errors import NotFoundError

    started = time.monotonic() if started is None else started
    ws.ensure_room("a solve")  # refused before the work starts, not after (DiskFullError)
    scenario = ws.load_scenario(program_id)
    try:
        previous = ws.load_schedule(program_id)
    except NotFoundError:
        previous = None
    outcome = solve_scenario(
        scenario, options, previous, progress, cancel, started, store_seconds(len(scenario.officials))
    )
    r = outcome.result
    bound = "n/a" if r.bound is None else f"{r.bound:,.0f}"
    objective = "n/a" if r.objective is None else f"{r.objective:,.0f}"
    note = (
        f"{r.status}; objective {objective}; bound {bound}; {r.officials_at_min:,} of "
        f"{len(scenario.officials):,} officials at their minimum; interest {r.total_interest:,}; "
        f"{r.seconds:.1f} s"
    )
    if r.cancelled:
        note += "; cancelled (best schedule so far)"
    if r.pin_conflicts:
        note += f"; {plural(len(r.pin_conflicts), 'pin conflict')}"
    outcome.version = ws.save_schedule(
        program_id, outcome.schedule, "re-solve" if previous else "solve", note
    )
    return outcome
