"""The schedule being edited on the board, with the lookups and rule verdicts views need.

:class:`BoardDocument` holds one scenario and the current (possibly edited) schedule. The
schedule object is never changed in place: edits replace it (see :mod:`ui.board.edits`),
so undo commands restore exact earlier schedules and caches can key on its identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import QObject, Signal

from exchange_app import rules
from exchange_app.domain import Mode, Official, Scenario, Schedule, Session, zone

if TYPE_CHECKING:
    from ui.board.opening import SessionOption

# a reason an edit is refused or flagged: a rule's violation or one the board adds itself
Reason: TypeAlias = "rules.Violation | _Reason"


def short_time(when: datetime, tz: str) -> str:
    """``Mon 09:00`` in zone ``tz``."""
    return when.astimezone(zone(tz)).strftime("%a %H:%M")


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class BoardDocument(QObject):
    """Scenario + current schedule + cached :class:`RuleContext`, verdicts and check report."""

    schedule_changed = Signal()
    scenario_changed = Signal()
    # one person's profile changed (name, interests, availability, ...): views update what
    # shows that person; schedule_changed follows, since the rule verdicts may have changed
    person_changed = Signal(str)

    def __init__(self, scenario: Scenario, schedule: Schedule | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.closed = False  # set when the tab is dropped; its undo commands then do nothing
        self._schedule = Schedule()
        self.set_scenario(scenario, schedule or Schedule(program=scenario.program.name))

    # ------------------------------------------------------------------ state
    def set_scenario(self, scenario: Scenario, schedule: Schedule) -> None:
        self._set_people(scenario)
        self.topics = scenario.topics_by_id()
        self.slots = scenario.slots_by_id()
        self.locations = scenario.locations_by_id()
        self.slot_order = {
            s.id: i for i, s in enumerate(sorted(scenario.slots, key=lambda s: (s.start, s.end, s.id)))
        }
        self.day_of_slot = {s.id: scenario.day_of(s) for s in scenario.slots}
        self.days = sorted(set(self.day_of_slot.values()))
        self._set(schedule)
        self.scenario_changed.emit()
        self.schedule_changed.emit()

    def update_person(self, scenario: Scenario, person_id: str) -> None:
        """``scenario`` differs from the current one only in the profile of ``person_id``, who
        was and still is in the program (a profile save, not an add or delete): update the
        people lookups and the rule context, drop the verdicts (they may depend on that
        person) and tell the views which person changed. Slots, days, sites and topics are
        kept, and ``scenario_changed`` is not emitted, so views rebuild nothing else."""
        self._set_people(scenario)
        self._set(self._schedule)
        self.person_changed.emit(person_id)
        self.schedule_changed.emit()

    def _set_people(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.ctx = rules.RuleContext(scenario)  # cheap: it indexes people lazily
        self.officials = scenario.officials_by_id()
        self.hosts = scenario.hosts_by_id()
        self.interpreters = scenario.interpreters_by_id()

    @property
    def schedule(self) -> Schedule:
        return self._schedule

    def set_schedule(self, schedule: Schedule) -> None:
        """Replace the current schedule (undo commands call this) and tell the views."""
        if schedule is self._schedule:
            return
        self._set(schedule)
        self.schedule_changed.emit()

    def _set(self, schedule: Schedule) -> None:
        self._schedule = schedule
        self.sessions = schedule.sessions_by_id()
        self.cell = {(s.host, s.slot): s.id for s in schedule.sessions}
        self._count: dict[str, int] | None = None
        self._report: rules.CheckReport | None = None
        self._join_cache: dict[tuple[str, str | None], dict[str, list[rules.Violation]]] = {}
        self._move_cache: dict[str, dict[str, list[rules.Violation]]] = {}
        self._unassign_cache: dict[tuple[str, str], list[rules.Violation]] = {}
        self._open_cache: dict[tuple[str, str, str, str | None], list[Reason]] = {}
        self._base_cache: dict[tuple[str, str], Schedule] = {}
        self._judges: dict[int, rules.OpenJudge] = {}  # by id() of the base schedule (kept alive)
        self._legal_cache: dict[tuple[str, str, str, str | None], bool] = {}

    # ------------------------------------------------------------------ verdicts
    @property
    def report(self) -> rules.CheckReport:
        """The checker's verdict on the current schedule (computed once per schedule)."""
        if self._report is None:
            self._report = rules.check_schedule(self.scenario, self._schedule, self.ctx)
        return self._report

    def why_not_join(self, official: str, session: str, leaving: str | None = None) -> Sequence[Reason]:
        """Violations if ``official`` joined ``session`` (leaving ``leaving``); [] = legal.
        The first question about an official answers it for every session at once."""
        if official in self.sessions[session].officials:
            return [_Reason("already in this session")]
        key = (official, leaving)
        found = self._join_cache.get(key)
        if found is None:
            found = rules.why_not_join_all(self.ctx, self._schedule, official, leaving=leaving)
            self._join_cache[key] = found
        return found.get(session, [])

    def why_not_move(self, session: str, slot: str) -> Sequence[Reason]:
        """Violations if ``session`` moved to ``slot``; [] = legal (all slots answered at once)."""
        if self.sessions[session].slot == slot:
            return [_Reason("the session is already at this slot")]
        found = self._move_cache.get(session)
        if found is None:
            found = rules.why_not_move_all(self.ctx, self._schedule, session)
            self._move_cache[session] = found
        return found.get(slot, [])

    def why_not_unassign(self, official: str, session: str) -> list[rules.Violation]:
        """Violations an unassign would add (checker run on the edited schedule, new ones only)."""
        from ui.board.edits import move_official

        key = (official, session)
        found = self._unassign_cache.get(key)
        if found is None:
            after = move_official(self._schedule, official, session, None)
            before = {v.key for v in self.report.violations}
            found = [
                v
                for v in rules.check_schedule(self.scenario, after, self.ctx).violations
                if v.key not in before
            ]
            self._unassign_cache[key] = found
        return found

    def open_base(self, official: str, leaving: str | None) -> Schedule:
        """The schedule a new session for ``official`` is opened in: the current one, or
        the one after they left session ``leaving`` (a drag from a card)."""
        from ui.board.edits import move_official

        if (
            leaving is None
            or leaving not in self.sessions
            or official not in self.sessions[leaving].officials
        ):
            return self._schedule
        key = (official, leaving)
        found = self._base_cache.get(key)
        if found is None:
            found = self._base_cache[key] = move_official(self._schedule, official, leaving, None)
        return found

    def open_options(
        self, official: str, host: str, slot: str, leaving: str | None = None, first_legal: bool = False
    ) -> list[SessionOption]:
        """Ways to open a session for ``official`` at ``host``/``slot`` (legal first)."""
        from ui.board.edits import new_session_id
        from ui.board.opening import open_options

        base = self.open_base(official, leaving)
        judge = self._judge(base)
        return open_options(
            self.ctx,
            base,
            official,
            host,
            slot,
            new_session_id(base, host, slot, judge.taken),
            first_legal=first_legal,
            judge=judge,
        )

    def _judge(self, base: Schedule) -> rules.OpenJudge:
        """The rule checker's judge of new sessions for ``base`` (made once per schedule)."""
        judge = self._judges.get(id(base))
        if judge is None or judge.schedule is not base:
            judge = self._judges[id(base)] = rules.OpenJudge(self.ctx, base)
        return judge

    def can_open(self, official: str, host: str, slot: str, leaving: str | None = None) -> bool:
        """``not why_not_open(...)``: whether some legal way to open a session for
        ``official`` at ``host``/``slot`` exists, without working out every reason of a
        refused cell (for highlights; exact: every option is tried until one is legal)."""
        from ui.board.edits import new_session_id
        from ui.board.opening import any_legal

        key = (official, host, slot, leaving)
        reasons = self._open_cache.get(key)
        if reasons is not None:
            return not reasons
        legal = self._legal_cache.get(key)
        if legal is None:
            h = self.hosts.get(host)
            if h is None or official not in self.officials or h.window_for(self.slots[slot]) is None:
                legal = False
            else:
                base = self.open_base(official, leaving)
                judge = self._judge(base)
                sid = new_session_id(base, host, slot, judge.taken)
                legal = any_legal(self.ctx, base, official, host, slot, sid, judge) and (
                    leaving is None or not self.why_not_unassign(official, leaving)
                )
            self._legal_cache[key] = legal
        return legal

    def why_not_open(self, official: str, host: str, slot: str, leaving: str | None = None) -> list[Reason]:
        """Violations that opening a session for ``official`` at ``host``/``slot`` would add
        with its best option; [] = some legal option exists (cached per schedule)."""
        from ui.board.opening import no_option_reason

        key = (official, host, slot, leaving)
        found = self._open_cache.get(key)
        if found is None:
            h = self.hosts.get(host)
            if h is None or official not in self.officials:
                found = [_Reason("unknown host or official")]
            elif h.window_for(self.slots[slot]) is None:
                found = [_Reason(f"{h.name} is not available then")]
            else:
                opts = self.open_options(official, host, slot, leaving, first_legal=True)
                if not opts:
                    found = [_Reason(no_option_reason(self.ctx, official, host))]
                else:
                    found = list(opts[0].reasons)
                    if leaving is not None and not found:
                        found = list(self.why_not_unassign(official, leaving))
            self._open_cache[key] = found
        return found

    def new_violations(self, after: Schedule) -> list[rules.Violation]:
        """Violations ``after`` has that the current schedule has not (a full check)."""
        before = {v.key for v in self.report.violations}
        return [
            v for v in rules.check_schedule(self.scenario, after, self.ctx).violations if v.key not in before
        ]

    def why_not_delete(self, session: str) -> list[rules.Violation]:
        return (
            rules.why_not_replace(self.ctx, self._schedule, session, None) if session in self.sessions else []
        )

    def why_not_swap(self, a: str, session_a: str, b: str, session_b: str) -> list[rules.Violation]:
        from ui.board.edits import swap_officials

        return self.new_violations(swap_officials(self._schedule, a, session_a, b, session_b))

    # ------------------------------------------------------------------ lookups
    def session_count(self, official: str) -> int:
        if self._count is None:
            count: dict[str, int] = {}
            for s in self._schedule.sessions:
                for o in s.officials:
                    count[o] = count.get(o, 0) + 1
            self._count = count
        return self._count.get(official, 0)

    def min_sessions(self, official: str) -> int:
        return self.scenario.min_sessions(self.officials[official])

    def person_name(self, person_id: str | None) -> str:
        if person_id is None:
            return ""
        p = self.officials.get(person_id) or self.hosts.get(person_id) or self.interpreters.get(person_id)
        return p.name if p else person_id

    def official_label(self, official: str) -> str:
        o: Official | None = self.officials.get(official)
        return f"{o.name} ({o.country})" if o else official

    def topic_name(self, topic: str) -> str:
        t = self.topics.get(topic)
        return t.name if t else topic

    def slot_label(self, slot: str, tz: str | None = None) -> str:
        found = self.slots.get(slot)
        return short_time(found.start, tz or self.scenario.program.timezone) if found else slot

    def site_zone(self, session: Session) -> str:
        """The zone a session happens in: its site's, or the host's site for a video session."""
        host = self.hosts.get(session.host)
        loc = self.locations.get(session.location or (host.location if host else ""))
        return loc.timezone if loc else self.scenario.program.timezone

    def session_title(self, session_id: str) -> str:
        """``Tabulation with Karen Hill, Mon 09:00`` (program time)."""
        s = self.sessions[session_id]
        return f"{self.topic_name(s.topic)} with {self.person_name(s.host)}, {self.slot_label(s.slot)}"

    def session_description(self, session_id: str) -> str:
        s = self.sessions[session_id]
        parts = [self.session_title(session_id), f"language {s.language}"]
        if s.interpreter:
            parts.append(f"interpreter {self.person_name(s.interpreter)}")
        parts.append("video" if s.mode is Mode.VIRTUAL else "in person")
        names = ", ".join(
            self.official_label(o) + (" (pinned)" if o in s.pinned else "") for o in s.officials
        )
        return "; ".join(parts) + (f": {names}" if names else "")

    def slots_of_day(self, day: date) -> list[str]:
        return sorted(
            (sid for sid, d in self.day_of_slot.items() if d == day), key=self.slot_order.__getitem__
        )

    def violations_of(self, session_id: str) -> list[rules.Violation]:
        return [v for v in self.report.violations if v.session == session_id]


class _Reason:
    """A plain reason the board adds itself (not a rule), shaped like a ``Violation``."""

    rule = "board"
    code = "board"
    session = None
    person = None

    def __init__(self, message: str):
        self.message = message

    def __repr__(self) -> str:
        return f"_Reason({self.message!r})"


def reasons_text(violations: Iterable[Reason]) -> str:
    """The violations' messages as one readable line."""
    seen: list[str] = []
    for v in violations:
        if v.message not in seen:
            seen.append(v.message)
    return " ".join(m if m.endswith((".", "!", "?")) else m + "." for m in seen)
