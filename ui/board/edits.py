"""Edits staff make to a schedule, as pure functions (no Qt).

Every function returns a *new* :class:`Schedule` and never changes its argument: the
board treats a schedule as immutable, so an undo command can keep the schedules before and
after an edit and restore either exactly. Unchanged sessions are shared between the two.
The functions only change the data; whether an edit keeps the rules is the rule checker's
verdict (``exchange_app.rules``), not theirs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from exchange_app.domain import Schedule, Session


def _with_sessions(schedule: Schedule, sessions: list[Session]) -> Schedule:
    return Schedule(
        sessions=sessions,
        unmatched=list(schedule.unmatched),
        solver=schedule.solver,
        program=schedule.program,
    )


def _session(schedule: Schedule, session_id: str) -> Session:
    for s in schedule.sessions:
        if s.id == session_id:
            return s
    raise KeyError(f"no session {session_id!r} in the schedule")


def move_official(schedule: Schedule, official: str, source: str | None, target: str | None) -> Schedule:
    """``official`` leaves session ``source`` (None: comes from the unassigned list) and joins
    session ``target`` (None: back to the unassigned list). A pin on the old place is dropped."""
    if source == target:
        return schedule
    if source is not None and official not in _session(schedule, source).officials:
        raise KeyError(f"official {official!r} is not in session {source!r}")
    if target is not None and official in _session(schedule, target).officials:
        raise KeyError(f"official {official!r} is already in session {target!r}")
    sessions = []
    for s in schedule.sessions:
        if s.id == source:
            s = replace(
                s,
                officials=[o for o in s.officials if o != official],
                pinned=[o for o in s.pinned if o != official],
            )
        elif s.id == target:
            s = replace(s, officials=[*s.officials, official], pinned=list(s.pinned))
        sessions.append(s)
    return _with_sessions(schedule, sessions)


def move_session(schedule: Schedule, session_id: str, slot_id: str) -> Schedule:
    """The whole session (same host, officials, pins) moves to slot ``slot_id``."""
    old = _session(schedule, session_id)
    if old.slot == slot_id:
        return schedule
    return _with_sessions(
        schedule,
        [
            replace(s, slot=slot_id, officials=list(s.officials), pinned=list(s.pinned))
            if s.id == session_id
            else s
            for s in schedule.sessions
        ],
    )


def set_pinned(schedule: Schedule, session_id: str, officials: list[str], pinned: bool) -> Schedule:
    """Pin (or unpin) ``officials`` in session ``session_id``; others keep their state."""
    old = _session(schedule, session_id)
    unknown = [o for o in officials if o not in old.officials]
    if unknown:
        raise KeyError(f"{', '.join(unknown)} not in session {session_id!r}")
    if pinned:
        new_pins = [*old.pinned, *[o for o in officials if o not in old.pinned]]
    else:
        new_pins = [o for o in old.pinned if o not in officials]
    if new_pins == old.pinned:
        return schedule
    return _with_sessions(
        schedule,
        [
            replace(s, officials=list(s.officials), pinned=new_pins) if s.id == session_id else s
            for s in schedule.sessions
        ],
    )


def carry_pins(previous: Schedule, new: Schedule) -> Schedule:
    """``new`` with the staff's pin marks of ``previous`` kept: an official pinned in a
    session at (host, slot) stays marked pinned in the new session there, if still in it."""
    pins = {(s.host, s.slot): s.pinned for s in previous.sessions if s.pinned}
    if not pins:
        return new
    sessions, changed = [], False
    for s in new.sessions:
        want = [o for o in pins.get((s.host, s.slot), ()) if o in s.officials and o not in s.pinned]
        if want:
            s = replace(s, officials=list(s.officials), pinned=[*s.pinned, *want])
            changed = True
        sessions.append(s)
    return _with_sessions(new, sessions) if changed else new


# --------------------------------------------------------------------------- whole sessions


def new_session_id(schedule: Schedule, host: str, slot: str, used: Collection[str] | None = None) -> str:
    """A session id not used in ``schedule``: ``hand-<host>-<slot>`` (with a number if taken).
    ``used``: the ids of ``schedule``'s sessions, when the caller has them already."""
    if used is None:
        used = {s.id for s in schedule.sessions}
    base = f"hand-{host}-{slot}"
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def add_session(schedule: Schedule, session: Session) -> Schedule:
    """``session`` opened by staff, added at the end."""
    if any(s.id == session.id for s in schedule.sessions):
        raise KeyError(f"session id {session.id!r} is already used")
    return _with_sessions(schedule, [*schedule.sessions, session])


def delete_session(schedule: Schedule, session_id: str) -> Schedule:
    """The schedule without session ``session_id`` (its officials go back to the unassigned list)."""
    _session(schedule, session_id)
    return _with_sessions(schedule, [s for s in schedule.sessions if s.id != session_id])


def change_session(schedule: Schedule, session: Session) -> Schedule:
    """Session ``session.id`` replaced by ``session`` (other topic, language, interpreter, mode)."""
    _session(schedule, session.id)
    return _with_sessions(schedule, [session if s.id == session.id else s for s in schedule.sessions])


def swap_officials(schedule: Schedule, a: str, session_a: str, b: str, session_b: str) -> Schedule:
    """Official ``a`` (in ``session_a``) and ``b`` (in ``session_b``) trade places in one step;
    pins on the old places are dropped."""
    if session_a == session_b:
        raise KeyError("both officials are in the same session")
    sa, sb = _session(schedule, session_a), _session(schedule, session_b)
    if a not in sa.officials or b not in sb.officials:
        raise KeyError(f"{a!r} is not in {session_a!r} or {b!r} is not in {session_b!r}")
    if a in sb.officials or b in sa.officials:
        raise KeyError("one of them is already in the other session")

    def swapped(s: Session, out: str, into: str) -> Session:
        return replace(
            s,
            officials=[into if o == out else o for o in s.officials],
            pinned=[o for o in s.pinned if o != out],
        )

    sessions = []
    for s in schedule.sessions:
        if s.id == session_a:
            s = swapped(s, a, b)
        elif s.id == session_b:
            s = swapped(s, b, a)
        sessions.append(s)
    return _with_sessions(schedule, sessions)


def broken_pins(previous: Schedule, new: Schedule) -> list[tuple[str, str, str]]:
    """(official, host, slot) of every official pinned in ``previous`` who is not in the
    session of that host at that slot in ``new``."""
    at: dict[tuple[str, str], set[str]] = {}
    for s in new.sessions:
        at.setdefault((s.host, s.slot), set()).update(s.officials)
    return [
        (o, s.host, s.slot)
        for s in previous.sessions
        for o in s.pinned
        if o not in at.get((s.host, s.slot), set())
    ]


def kept_pins(previous: Schedule, new: Schedule) -> set[str]:
    """Officials pinned in ``previous`` who are still at every pinned host and slot in ``new``."""
    broken = {o for o, _h, _s in broken_pins(previous, new)}
    return {o for s in previous.sessions for o in s.pinned if o not in broken}
