"""What changed between two schedules: the one schedule diff of the project.

The app's re-optimize (its change list, ``ui.board.changes``) and the CLI's re-solve
(``exchange-app solve`` after a previous schedule, via ``SolveOutcome.changes``) both use
:func:`diff_schedules`, so they count and list "moved" officials the same way: an official
moved when the set of (host, slot, topic) of their sessions changed (at a place they were
pinned to, host and slot only: a pin does not name the topic).

(``exchange_app.io.calendar_ics.changes_for_people`` answers another question: which
calendar events each person must be told about, which includes a changed room, language
or interpreter of a session they stay in.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exchange_app.domain import Mode, Schedule, Session
from exchange_app.naming import number, plural

_Place = tuple[str, str, str]  # (host, slot, topic): where an official is


@dataclass(slots=True)
class OfficialMove:
    official: str
    before: list[str]  # session ids the official was in and no longer is
    after: list[str]  # session ids the official is in now and was not


@dataclass(slots=True)
class ScheduleDiff:
    """What changed between two schedules, in the terms staff think in."""

    added: list[Session] = field(default_factory=list)  # sessions only in the new schedule
    removed: list[Session] = field(default_factory=list)  # sessions only in the old schedule
    moved_sessions: list[tuple[Session, Session]] = field(default_factory=list)  # same session, other slot
    officials: list[OfficialMove] = field(default_factory=list)  # in official id order
    kept: int = 0  # sessions of the old schedule still there (perhaps at another slot)
    assignments_kept: int = 0  # (official, host, slot, topic) of the old schedule still there
    assignments_changed: int = 0  # ... of the old schedule no longer there

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved_sessions or self.officials)

    @property
    def sessions_added(self) -> list[str]:
        return [s.id for s in self.added]

    @property
    def sessions_removed(self) -> list[str]:
        return [s.id for s in self.removed]

    @property
    def officials_moved(self) -> list[str]:
        """Ids of the officials whose sessions changed."""
        return [m.official for m in self.officials]

    def describe(self) -> str:
        """``2 sessions added, 1 removed, 40 kept; 5 officials moved; 6 of 120 previous
        assignments changed``."""
        previous = self.assignments_kept + self.assignments_changed
        return (
            f"{plural(len(self.added), 'session')} added, {number(len(self.removed))} removed, "
            f"{number(self.kept)} kept; {plural(len(self.officials), 'official')} moved; "
            f"{number(self.assignments_changed)} of {plural(previous, 'previous assignment')} changed"
        )


def _key(s: Session) -> tuple[str, str, str, str, Mode]:
    return (s.host, s.slot, s.topic, s.language, s.mode)


def diff_schedules(old: Schedule, new: Schedule) -> ScheduleDiff:
    """Sessions added/removed/moved and officials whose sessions changed, ``old`` -> ``new``.

    Sessions are matched by id first, then by (host, slot, topic, language, mode), since a
    solve may renumber sessions it kept."""
    diff = ScheduleDiff()
    old_by_id = {s.id: s for s in old.sessions}
    new_by_id = {s.id: s for s in new.sessions}
    matched_old: set[str] = set()
    old_by_key: dict[tuple[str, str, str, str, Mode], list[Session]] = {}
    for s in old.sessions:
        old_by_key.setdefault(_key(s), []).append(s)
    # an official "moves" when the (host, slot, topic) of one of their sessions changes; at a
    # place they were pinned to (pins name host and slot only) the topic may change
    pinned = {(o, s.host, s.slot) for s in old.sessions for o in s.pinned}
    where_old: dict[str, dict[_Place, str]] = {}
    where_new: dict[str, dict[_Place, str]] = {}
    for sessions, where in ((old.sessions, where_old), (new.sessions, where_new)):
        for s in sessions:
            for o in s.officials:
                topic = "" if (o, s.host, s.slot) in pinned else s.topic
                where.setdefault(o, {})[(s.host, s.slot, topic)] = s.id
    for s in new.sessions:
        prev = old_by_id.get(s.id)
        if prev is None or prev.host != s.host:
            same = [
                p for p in old_by_key.get(_key(s), []) if p.id not in new_by_id and p.id not in matched_old
            ]
            prev = same[0] if same else None
        if prev is None:
            diff.added.append(s)
            continue
        matched_old.add(prev.id)
        if prev.slot != s.slot:
            diff.moved_sessions.append((prev, s))
    diff.removed = [s for s in old.sessions if s.id not in matched_old]
    diff.kept = len(matched_old)
    for o in sorted(set(where_old) | set(where_new)):
        was, now = where_old.get(o, {}), where_new.get(o, {})
        gone, came = was.keys() - now.keys(), now.keys() - was.keys()
        diff.assignments_kept += len(was.keys() & now.keys())
        diff.assignments_changed += len(gone)
        if gone or came:
            diff.officials.append(OfficialMove(o, sorted(was[k] for k in gone), sorted(now[k] for k in came)))
    return diff
