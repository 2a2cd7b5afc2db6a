"""Numbered schedule versions of a program, between rows and domain objects.

Saving never changes an earlier version: solving, importing or editing adds version
``n + 1``. Sessions refer to hosts, slots, topics and officials by the staff's ids, so an
old version still loads after the program changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session as DbSession

from exchange_app.domain import Mode, Schedule, Session, SolverInfo, Unmatched
from exchange_app.errors import InputError, NotFoundError, Problem
from exchange_app.storage.models import ScheduleVersionRow, SessionMemberRow, SessionRow, table_of
from exchange_app.storage.programs import lock_program, program_row

SOURCES = ("solve", "edit", "import", "re-solve")


@dataclass(frozen=True, slots=True)
class VersionInfo:
    number: int
    created_at: datetime
    created_by: str
    source: str
    note: str
    sessions: int
    solver: SolverInfo | None


def _solver(
    status: str | None, objective: float | None, bound: float | None, seconds: float | None
) -> SolverInfo | None:
    if status is None:
        return None
    return SolverInfo(status=status, objective=objective, bound=bound, seconds=seconds)


def list_versions(s: DbSession, program_id: int) -> list[VersionInfo]:
    program_row(s, program_id)
    counts = select(SessionRow.version_id, func.count().label("n")).group_by(SessionRow.version_id).subquery()
    v = ScheduleVersionRow
    rows = s.execute(
        select(
            v.number,
            v.created_at,
            v.created_by,
            v.source,
            v.note,
            func.coalesce(counts.c.n, 0),
            v.solver_status,
            v.solver_objective,
            v.solver_bound,
            v.solver_seconds,
        )
        .outerjoin(counts, counts.c.version_id == v.id)
        .where(v.program_id == program_id)
        .order_by(v.number)
    )
    return [
        VersionInfo(number, at, by, source, note or "", n, _solver(*solver))
        for number, at, by, source, note, n, *solver in rows
    ]


def save_schedule(
    s: DbSession, program_id: int, schedule: Schedule, *, source: str, note: str, user: str, now: datetime
) -> int:
    """Store ``schedule`` as the program's next version; returns its number."""
    if source not in SOURCES:
        raise ValueError(f"schedule source {source!r} is not one of {', '.join(SOURCES)}")
    _check_sessions(schedule)
    program_row(s, program_id)
    lock_program(s, program_id)  # so that two saves cannot both pick number n + 1
    number = s.scalar(
        select(func.coalesce(func.max(ScheduleVersionRow.number), 0) + 1).where(
            ScheduleVersionRow.program_id == program_id
        )
    )
    solver = schedule.solver
    version = ScheduleVersionRow(
        program_id=program_id,
        number=number,
        created_at=now,
        created_by=user,
        source=source,
        note=note,
        solver_status=solver.status if solver else None,
        solver_objective=solver.objective if solver else None,
        solver_bound=solver.bound if solver else None,
        solver_seconds=solver.seconds if solver else None,
        unmatched=[
            {
                "official": u.official,
                "sessions": u.sessions,
                "min_sessions": u.min_sessions,
                "reason": u.reason,
            }
            for u in schedule.unmatched
        ],
    )
    s.add(version)
    s.flush()
    if schedule.sessions:
        s.execute(
            insert(table_of(SessionRow)),
            [
                {
                    "version_id": version.id,
                    "position": j,
                    "session_id": x.id,
                    "host": x.host,
                    "slot": x.slot,
                    "topic": x.topic,
                    "language": x.language,
                    "interpreter": x.interpreter,
                    "mode": Mode(x.mode).value,
                    "location": x.location if Mode(x.mode) is Mode.IN_PERSON else None,
                }
                for j, x in enumerate(schedule.sessions)
            ],
        )
        pks = dict(
            s.execute(
                select(SessionRow.session_id, SessionRow.id).where(SessionRow.version_id == version.id)
            ).all()
        )
        members = [
            {"session_pk": pks[x.id], "position": k, "official": o, "pinned": o in pinned}
            for x in schedule.sessions
            for pinned in [set(x.pinned)]
            for k, o in enumerate(x.officials)
        ]
        if members:
            s.execute(insert(table_of(SessionMemberRow)), members)
    assert number is not None  # max() + 1 is never NULL
    return int(number)


def _check_sessions(schedule: Schedule) -> None:
    """What the tables cannot hold: sessions without id, twice the same id, unknown modes."""
    problems = []
    seen: dict[str, int] = {}
    for i, x in enumerate(schedule.sessions):
        record = f"sessions[{i}]" + (f" ({x.id})" if x.id else "")
        if not x.id:
            problems.append(Problem(record, "id", "is required"))
        elif x.id in seen:
            problems.append(
                Problem(record, "id", f"duplicate session id {x.id!r} (also sessions[{seen[x.id]}])")
            )
        else:
            seen[x.id] = i
        if x.mode not in tuple(Mode):
            problems.append(Problem(record, "mode", f"{x.mode!r} is neither 'in-person' nor 'virtual'"))
        for j, o in enumerate(x.pinned):
            if o not in x.officials:
                problems.append(
                    Problem(record, f"pinned[{j}]", f"{o!r} is pinned but not among the session's officials")
                )
    if problems:
        raise InputError("schedule", problems)


def load_schedule(s: DbSession, program_id: int, number: int | None = None) -> Schedule:
    """Version ``number`` of the program's schedule (None: the latest)."""
    prog = program_row(s, program_id)
    v = ScheduleVersionRow
    q = select(v).where(v.program_id == program_id)
    q = q.where(v.number == number) if number is not None else q.order_by(v.number.desc()).limit(1)
    version = s.scalar(q)
    if version is None:
        if number is None:
            raise NotFoundError(f"Program {prog.name!r} has no schedule yet; solve it or import one.")
        raise NotFoundError(f"Program {prog.name!r} has no schedule version {number}.")
    members: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for pk, official, pinned in s.execute(
        select(SessionMemberRow.session_pk, SessionMemberRow.official, SessionMemberRow.pinned)
        .join(SessionRow, SessionRow.id == SessionMemberRow.session_pk)
        .where(SessionRow.version_id == version.id)
        .order_by(SessionMemberRow.session_pk, SessionMemberRow.position)
    ):
        members[pk].append((official, bool(pinned)))
    sessions = []
    c = table_of(SessionRow).c
    for r in s.execute(
        select(table_of(SessionRow)).where(c.version_id == version.id).order_by(c.position)
    ).mappings():
        people = members.get(r["id"], [])
        sessions.append(
            Session(
                id=r["session_id"],
                host=r["host"],
                slot=r["slot"],
                topic=r["topic"],
                language=r["language"],
                interpreter=r["interpreter"],
                mode=Mode(r["mode"]),
                location=r["location"],
                officials=[o for o, _ in people],
                pinned=[o for o, p in people if p],
            )
        )
    return Schedule(
        sessions=sessions,
        unmatched=[
            Unmatched(
                official=u["official"],
                sessions=int(u["sessions"]),
                min_sessions=int(u["min_sessions"]),
                reason=str(u["reason"]),
            )
            for u in version.unmatched or []
        ],
        solver=_solver(
            version.solver_status, version.solver_objective, version.solver_bound, version.solver_seconds
        ),
        program=prog.name,
    )


# --------------------------------------------------------------------------- team edits


def _placements(schedule: Schedule) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for x in schedule.sessions:
        for o in x.officials:
            out[o].add(x.id)
    return out


def merge_edit(base: Schedule, theirs: Schedule, mine: Schedule) -> tuple[Schedule | None, list[str]]:
    """Apply the changes ``mine`` made to ``base`` on top of ``theirs`` (a later version
    saved by someone else from the same base).

    Returns (merged schedule, []) when the two touch different things, else (None, what
    both changed): a session both changed differently, or an official both placed
    differently. A session is the unit: one changed by one side only is taken as that
    side has it (added, removed or changed)."""
    b = {x.id: x for x in base.sessions}
    t = {x.id: x for x in theirs.sessions}
    m = {x.id: x for x in mine.sessions}
    mine_touched = {sid for sid in b.keys() | m.keys() if b.get(sid) != m.get(sid)}
    theirs_touched = {sid for sid in b.keys() | t.keys() if b.get(sid) != t.get(sid)}
    clashes = [f"session {sid}" for sid in sorted(mine_touched & theirs_touched) if m.get(sid) != t.get(sid)]
    pb, pt, pm = _placements(base), _placements(theirs), _placements(mine)
    for o in sorted(pb.keys() | pt.keys() | pm.keys()):
        was, their, my = pb.get(o, set()), pt.get(o, set()), pm.get(o, set())
        if my != was and their != was and my != their:
            clashes.append(f"official {o}")
    if clashes:
        return None, clashes
    sessions = [
        m[x.id] if x.id in mine_touched else x
        for x in theirs.sessions
        if x.id in m or x.id not in mine_touched
    ]
    known = {x.id for x in sessions}
    sessions += [x for x in mine.sessions if x.id in mine_touched and x.id not in known]
    mine_unmatched = {u.official for u in mine.unmatched} ^ {u.official for u in base.unmatched}
    unmatched = [u for u in theirs.unmatched if u.official not in mine_unmatched] + [
        u for u in mine.unmatched if u.official in mine_unmatched
    ]
    return Schedule(sessions=sessions, unmatched=unmatched, solver=None, program=theirs.program), []


def versions_since(s: DbSession, program_id: int, number: int) -> list[VersionInfo]:
    return [v for v in list_versions(s, program_id) if v.number > number]
