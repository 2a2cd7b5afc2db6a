"""The rule checker: judges a schedule against its program.

It checks the nine hard rules of ``exchange-scenario/1`` ("Rules every schedule must
keep") and computes quality figures. The solver tests, the CLI ``check`` command and the
schedule board all use it, so it is the single oracle for "is this schedule legal".

- :func:`check_schedule` lists every :class:`Violation` and the :class:`QualityFigures`.
- :func:`why_not_join` / :func:`why_not_move` answer the board's questions while something
  is dragged: what *new* violations an edit would cause (``[]`` = legal). They give
  exactly the violations that :func:`check_schedule` would report for the edited
  schedule and not for the current one (compared by :attr:`Violation.key`).
- :func:`why_not_join_all` / :func:`why_not_move_all` answer the same for every session
  (every slot) at once, scanning the schedule only once.

Build one :class:`RuleContext` per scenario and reuse it; build a new one after the
scenario itself (people, slots, pins...) has changed. Schedules may be edited freely
between calls: nothing about a schedule is cached.

Dangling references (a schedule naming a person, slot, topic or host deleted since) are
reported as violations, never raised. The same violation (same key) is reported once,
with :attr:`Violation.count` and "(N times)" in its message.

Codes by rule (``session``/``person`` they name; "-" = None):

1. ``topic-not-in-expertise``, ``language-not-spoken-by-host`` (session, host);
   ``unknown-host`` (session, host id), ``unknown-topic`` (session, -)
2. ``unavailable`` (session, host/official/interpreter); ``double-booked`` (each later
   session, person; ``detail`` = the first earlier session it overlaps, the message counts
   the others: linear, never one per pair); ``unknown-slot``,
   ``duplicate-session-id`` (session, -); ``unknown-official`` (session, official id)
3. ``too-few-guests``, ``too-many-guests`` (session, -); ``country-limit`` (session, -;
   ``detail`` = country); ``listed-twice`` (session, official)
4. ``no-interest`` (session, official)
5. ``language-barrier`` (session, official); ``interpreter-language``,
   ``unknown-interpreter`` (session, interpreter)
6. ``wrong-site`` (session, official/interpreter); ``virtual-not-offered`` (session, host);
   ``session-location`` (session, host or -); ``unknown-mode`` (session, -)
7. ``max-sessions`` (-, person); ``max-per-day`` (-, person; ``detail`` = ISO date of the
   program day)
8. ``same-host-twice`` (the later session, official; ``detail`` = their first session with that host)
9. ``pin-not-kept`` (the session of that host at that slot or -, official;
   ``detail`` = ``host@slot``); ``pinned-not-in-session`` (session, official);
   ``forbidden-pair`` (session, official; ``detail`` = host)
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from exchange_app.domain import (
    Mode,
    Person,
    PersonKind,
    Pin,
    Scenario,
    Schedule,
    Session,
    zone,
)
from exchange_app.errors import NotFoundError
from exchange_app.naming import plural

__all__ = [
    "Violation",
    "QualityFigures",
    "CheckReport",
    "RuleContext",
    "RULE_TITLES",
    "check_schedule",
    "figures",
    "why_not_join",
    "why_not_join_all",
    "why_not_move",
    "why_not_move_all",
    "why_not_leave",
    "why_not_replace",
]

RULE_TITLES: dict[int, str] = {
    1: "Topic and language are the host's",
    2: "Everyone is available, nobody is in two places at once",
    3: "Session size and country mix",
    4: "Every official is interested in the topic",
    5: "Everyone understands the session language",
    6: "In-person at the host's site; virtual only where offered",
    7: "Session limits per person (total and per day)",
    8: "An official meets a host at most once",
    9: "Pins kept; no forbidden pair",
}


# --------------------------------------------------------------------------- results


_put = object.__setattr__


class Violation:
    """One broken rule.

    ``rule`` is the rule's number in the spec (1..9); ``code`` is short and stable (see
    the module source for the list); ``session`` and ``person`` are the ids it concerns
    (None when it is about no single one). ``detail`` tells apart violations that share
    rule, code, session and person: the other session of a double booking, the country
    of a country limit, the day of a per-day limit, ``host@slot`` of a pin.

    ``message`` may be given as text or as a function that writes it: the checker passes
    functions, so a schedule with hundreds of thousands of violations costs only the ones
    shown (the text is written on first read and kept), from the sessions as they are then:
    schedules are values (edits make new sessions), so that is as they were checked. Violations are immutable by
    and compare (and hash) by key and message, not by ``count``.
    """

    __slots__ = ("rule", "code", "session", "person", "detail", "count", "_message")

    rule: int
    code: str
    session: str | None
    person: str | None
    detail: str | None
    count: int  # how many times the same problem occurs
    _message: str | Callable[[], str]

    def __init__(
        self,
        rule: int,
        code: str,
        message: str | Callable[[], str],
        session: str | None,
        person: str | None,
        detail: str | None = None,
        count: int = 1,  # how many times the same problem occurs
    ):
        put = _put
        put(self, "rule", rule)
        put(self, "code", code)
        put(self, "_message", message)
        put(self, "session", session)
        put(self, "person", person)
        put(self, "detail", detail)
        put(self, "count", count)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Violation cannot be changed (its {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Violation cannot be changed (its {name!r})")

    @property
    def message(self) -> str:
        """The violation for people (written now if it was given as a function)."""
        m = self._message
        if not isinstance(m, str):
            m = m()
            _put(self, "_message", m)
        return m

    @property
    def key(self) -> tuple[int, str, str | None, str | None, str | None]:
        """Identity of the violation (everything but the message)."""
        return (self.rule, self.code, self.session, self.person, self.detail)

    def repeated(self, n: int) -> Violation:
        """This violation occurring ``n`` times: ``count`` n and "(N times)" after the message."""
        return Violation(
            self.rule,
            self.code,
            lambda: f"{self.message} ({n:,} times)",
            self.session,
            self.person,
            self.detail,
            n,
        )

    def __reduce__(self) -> tuple[type[Violation], tuple[Any, ...]]:
        """Pickled and copied with its message written (a function may not pickle)."""
        return (
            Violation,
            (self.rule, self.code, self.message, self.session, self.person, self.detail, self.count),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Violation):
            return NotImplemented
        return self.key == other.key and self.message == other.message

    def __hash__(self) -> int:
        return hash((self.key, self.message))

    def __repr__(self) -> str:
        return (
            f"Violation(rule={self.rule!r}, code={self.code!r}, message={self.message!r}, "
            f"session={self.session!r}, person={self.person!r}, detail={self.detail!r}, count={self.count!r})"
        )


@dataclass(frozen=True)
class QualityFigures:
    """How good a schedule is (whether or not it keeps the rules).

    ``lowest_interest`` and ``p10_interest`` are over the per-official interest totals
    (sum of the official's interest weight in the topic of each of their sessions) of
    *every* official of the program, including those in no session (total 0).
    ``p10_interest`` is the 10th percentile by linear interpolation between closest
    ranks (the default of ``numpy.percentile``, ``statistics.quantiles(method="inclusive")``):
    with the totals sorted ascending ``v[0..n-1]``, it is ``v`` at position ``0.1*(n-1)``.
    """

    sessions: int
    assignments: int  # (official, session) pairs
    total_interest: int
    officials_total: int
    officials_at_min: int  # officials with at least their min_sessions
    lowest_interest: int
    p10_interest: float
    interpreters_used: int  # distinct interpreters in the schedule
    sessions_with_interpreter: int
    mean_guests: float  # officials per session (0.0 for an empty schedule)
    countries_per_session: float = 0.0  # mean number of distinct countries per session


@dataclass(frozen=True)
class CheckReport:
    violations: list[Violation]
    figures: QualityFigures

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.violations

    def by_rule(self) -> dict[int, list[Violation]]:
        """Violations grouped by rule number (only rules that are broken, in order)."""
        out: dict[int, list[Violation]] = {}
        for v in sorted(self.violations, key=lambda v: v.rule):
            out.setdefault(v.rule, []).append(v)
        return out

    def summary(self) -> str:
        """One line for people: "ok" or how many violations of which rules."""
        if self.ok:
            return "ok: no rule broken"
        parts = [f"rule {r}: {len(vs)}" for r, vs in self.by_rule().items()]
        return f"{plural(len(self.violations), 'violation')} ({', '.join(parts)})"


# --------------------------------------------------------------------------- context

_OFFICIAL = PersonKind.OFFICIAL
_HOST = PersonKind.HOST
_INTERPRETER = PersonKind.INTERPRETER


class RuleContext:
    """Indexes for one scenario, built once and reused for many checks.

    Holds people, slots and topics by id, which slots overlap in time, the program day of
    each slot, pins and forbidden pairs by person, and (lazily, per person) where each
    person is at each slot they are available for. It reflects the scenario as it was
    when built: after staff edit the program (people, availability, slots, pins,
    forbidden pairs, program rules), build a new one.
    """

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.program = scenario.program
        self.officials = scenario.officials_by_id()
        self.hosts = scenario.hosts_by_id()
        self.interpreters = scenario.interpreters_by_id()
        self.topics = scenario.topics_by_id()
        self.locations = scenario.locations_by_id()
        self.slots = scenario.slots_by_id()
        self._people: dict[PersonKind, dict[str, Person]] = {
            _OFFICIAL: dict(self.officials),
            _HOST: dict(self.hosts),
            _INTERPRETER: dict(self.interpreters),
        }
        self.country_of: dict[str, str] = {o.id: o.country for o in scenario.officials}
        self._zone_of_host: dict[str, str] = {}
        for h in scenario.hosts:
            loc = self.locations.get(h.location)
            self._zone_of_host[h.id] = loc.timezone if loc is not None else self.program.timezone

        self.slot_span: dict[str, tuple[float, float]] = {
            s.id: (s.start.timestamp(), s.end.timestamp()) for s in scenario.slots
        }
        self.slot_day: dict[str, date] = {s.id: scenario.day_of(s) for s in scenario.slots}
        order = sorted(self.slot_span.items(), key=lambda kv: (kv[1], kv[0]))
        self._slot_order = [sid for sid, _ in order]
        self._slot_starts = [span[0] for _, span in order]
        self.slot_rank = {sid: i for i, sid in enumerate(self._slot_order)}
        overlapping: dict[str, set[str]] = {sid: set() for sid in self.slot_span}
        for i, (a, (a0, a1)) in enumerate(order):
            for b, (b0, b1) in order[i:]:
                if b0 >= a1:
                    break
                if a0 < b1 and b0 < a1:
                    overlapping[a].add(b)
                    overlapping[b].add(a)
        self.overlapping: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in overlapping.items()}

        self.pins_by_official: dict[str, list[Pin]] = defaultdict(list)
        self.pins_by_host_slot: dict[tuple[str, str], list[Pin]] = defaultdict(list)
        for p in scenario.pins:
            self.pins_by_official[p.official].append(p)
            self.pins_by_host_slot[(p.host, p.slot)].append(p)
        self.forbidden: dict[tuple[str, str], str | None] = {
            (f.official, f.host): f.reason for f in scenario.forbidden
        }
        self._where: dict[tuple[PersonKind, str], dict[str, frozenset[str | None]]] = {}
        self._labels: dict[tuple[str, str], str] = {}
        self._days: dict[tuple[PersonKind, str, str, str], str] = {}

    # -- people
    def person(self, kind: PersonKind, pid: str) -> Person | None:
        return self._people[kind].get(pid)

    def who(self, kind: PersonKind, pid: str) -> str:
        """``Name (id)``, or ``unknown official 'id'`` for a deleted person."""
        p = self._people[kind].get(pid)
        return f"{p.name} ({pid})" if p is not None else f"unknown {kind.value} {pid!r}"

    def where(self, kind: PersonKind, pid: str) -> dict[str, frozenset[str | None]]:
        """For each slot the person is available for (one window holds the whole slot):
        the locations of the windows that hold it (``None`` = anywhere)."""
        key = (kind, pid)
        got = self._where.get(key)
        if got is not None:
            return got
        p = self._people[kind].get(pid)
        found: dict[str, set[str | None]] = {}
        if p is not None:
            for w in p.availability:
                w0, w1 = w.start.timestamp(), w.end.timestamp()
                i = bisect.bisect_left(self._slot_starts, w0)
                while i < len(self._slot_starts) and self._slot_starts[i] < w1:
                    sid = self._slot_order[i]
                    if self.slot_span[sid][1] <= w1:
                        found.setdefault(sid, set()).add(w.location)
                    i += 1
        got = {sid: frozenset(locs) for sid, locs in found.items()}
        self._where[key] = got
        return got

    def max_sessions(self, person: Person) -> int:
        return self.scenario.max_sessions(person)

    def max_per_day(self, person: Person) -> int:
        return self.scenario.max_per_day(person)

    # -- places and times
    def site_zone(self, session: Session) -> str:
        """The zone a session's times are shown in: its host's site (program zone if unknown)."""
        return self._zone_of_host.get(session.host) or self.program.timezone

    def slot_label(self, slot_id: str, tz: str) -> str:
        """``Thu 29 Oct 2026 05:00–06:00 MST`` in zone ``tz``."""
        key = (slot_id, tz)
        got = self._labels.get(key)
        if got is None:
            slot = self.slots.get(slot_id)
            if slot is None:
                got = f"unknown slot {slot_id!r}"
            else:
                z = zone(tz)
                a, b = slot.start.astimezone(z), slot.end.astimezone(z)
                got = f"{a:%a %d %b %Y %H:%M}–{b:%H:%M} {a.tzname()}"
            self._labels[key] = got
        return got

    def when(self, session: Session) -> str:
        return self.slot_label(session.slot, self.site_zone(session))

    def availability_that_day(self, person: Person, session: Session) -> str:
        """``available that day 08:00–08:59, 10:00–17:00 MST`` (the session's site zone and
        program day), or ``not available that day``."""
        slot = self.slots.get(session.slot)
        if slot is None:
            return "the slot is unknown"
        cache_key = (person.kind, person.id, session.slot, self.site_zone(session))
        got = self._days.get(cache_key)
        if got is None:
            got = self._days[cache_key] = self._availability_that_day(person, session)
        return got

    def _availability_that_day(self, person: Person, session: Session) -> str:
        slot = self.slots[session.slot]
        z = zone(self.site_zone(session))
        day = self.slot_day[session.slot]
        program_zone = zone(self.program.timezone)
        spans = []
        for w in sorted(person.availability, key=lambda w: w.start):
            if w.start.astimezone(program_zone).date() <= day <= w.end.astimezone(program_zone).date():
                a, b = w.start.astimezone(z), w.end.astimezone(z)
                spans.append(
                    f"{a:%H:%M}–{b:%H:%M}" + (f" at {self.site_name(w.location)}" if w.location else "")
                )
        if not spans:
            return "not available that day"
        return f"available that day {', '.join(spans)} {slot.start.astimezone(z).tzname()}"

    def site_name(self, location_id: str | None) -> str:
        loc = self.locations.get(location_id) if location_id else None
        return loc.name if loc is not None else repr(location_id)


# --------------------------------------------------------------------------- names


@functools.lru_cache(maxsize=512)
def language_name(code: str) -> str:
    """``French (fr)`` for an ISO 639 code; the code itself if unknown."""
    try:
        import pycountry

        lang = (
            pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
        )
    except (ImportError, LookupError, KeyError, TypeError):
        lang = None
    if lang is None:
        return repr(code)
    return f"{lang.name.replace(' (macrolanguage)', '')} ({code})"


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """``Kenya (KE)`` for an ISO 3166-1 alpha-2 code; the code itself if unknown."""
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError, KeyError, TypeError):
        country = None
    return (
        f"{getattr(country, 'common_name', None) or country.name} ({code})" if country is not None else code
    )


# --------------------------------------------------------------------------- session checks


def _label(ctx: RuleContext, s: Session) -> str:
    return f"session {s.id} ({ctx.when(s)})"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _session_fixed(ctx: RuleContext, s: Session) -> list[Violation]:
    """What one session breaks apart from its officials: rules 1, 2, 5, 6 for host,
    topic, language, slot, interpreter, mode and location. Messages are written only
    when read (see :class:`Violation`)."""
    out: list[Violation] = []
    add = out.append
    host = ctx.hosts.get(s.host)
    slot_known = s.slot in ctx.slots

    def lbl() -> str:
        return _label(ctx, s)

    def host_who() -> str:
        return ctx.who(_HOST, s.host)

    if host is None:
        add(
            Violation(
                1,
                "unknown-host",
                lambda: f"{_cap(lbl())} names host {s.host!r}, who is not in the program.",
                s.id,
                s.host,
            )
        )
    if s.topic not in ctx.topics:
        add(
            Violation(
                1,
                "unknown-topic",
                lambda: f"{_cap(lbl())} has topic {s.topic!r}, which is not in the program.",
                s.id,
                None,
            )
        )
    if not slot_known:
        add(
            Violation(
                2,
                "unknown-slot",
                lambda: f"Session {s.id} uses slot {s.slot!r}, which is not in the program.",
                s.id,
                None,
            )
        )
    if host is not None:
        h = host
        if s.topic in ctx.topics and s.topic not in h.expertise:
            add(
                Violation(
                    1,
                    "topic-not-in-expertise",
                    lambda: (
                        f"{host_who()} does not lead topic '{ctx.topics[s.topic].name}' ({s.topic}) of {lbl()}."
                    ),
                    s.id,
                    s.host,
                )
            )
        if s.language not in h.languages:
            add(
                Violation(
                    1,
                    "language-not-spoken-by-host",
                    lambda: (
                        f"{host_who()} does not speak {language_name(s.language)}, the language of {lbl()}; "
                        f"they speak {', '.join(map(language_name, h.languages)) or 'no listed language'}."
                    ),
                    s.id,
                    s.host,
                )
            )
        if slot_known and s.slot not in ctx.where(_HOST, s.host):
            add(
                Violation(
                    2,
                    "unavailable",
                    lambda: (
                        f"{host_who()} is not available for the whole of {lbl()}; "
                        f"{ctx.availability_that_day(h, s)}."
                    ),
                    s.id,
                    s.host,
                )
            )

    mode = s.mode
    if mode == Mode.VIRTUAL:
        if host is not None and not host.virtual:
            add(
                Violation(
                    6,
                    "virtual-not-offered",
                    lambda: f"{_cap(lbl())} is virtual, but {host_who()} does not hold video sessions.",
                    s.id,
                    s.host,
                )
            )
        if s.location is not None:
            add(
                Violation(
                    6,
                    "session-location",
                    lambda: (
                        f"{_cap(lbl())} is virtual but has a location ({s.location}); a virtual session has none."
                    ),
                    s.id,
                    None,
                )
            )
    elif mode == Mode.IN_PERSON:
        if host is not None and s.location != host.location:
            site = host.location
            add(
                Violation(
                    6,
                    "session-location",
                    lambda: (
                        f"{_cap(lbl())} is in person at {ctx.site_name(s.location)}, but its host "
                        f"{host_who()} is at {ctx.site_name(site)}."
                    ),
                    s.id,
                    s.host,
                )
            )
    else:
        add(
            Violation(
                6,
                "unknown-mode",
                lambda: f"Session {s.id} has mode {mode!r}; expected 'in-person' or 'virtual'.",
                s.id,
                None,
            )
        )

    if s.interpreter is not None:
        iid = s.interpreter
        interp = ctx.interpreters.get(iid)
        if interp is None:
            add(
                Violation(
                    5,
                    "unknown-interpreter",
                    lambda: f"{_cap(lbl())} names interpreter {iid!r}, who is not in the program.",
                    s.id,
                    iid,
                )
            )
        else:
            it = interp

            def who() -> str:
                return ctx.who(_INTERPRETER, iid)

            if s.language not in it.languages:
                add(
                    Violation(
                        5,
                        "interpreter-language",
                        lambda: (
                            f"Interpreter {who()} does not work in {language_name(s.language)}, "
                            f"the language of {lbl()}."
                        ),
                        s.id,
                        iid,
                    )
                )
            if slot_known:
                locs = ctx.where(_INTERPRETER, iid).get(s.slot)
                if locs is None:
                    add(
                        Violation(
                            2,
                            "unavailable",
                            lambda: (
                                f"Interpreter {who()} is not available for the whole of {lbl()}; "
                                f"{ctx.availability_that_day(it, s)}."
                            ),
                            s.id,
                            iid,
                        )
                    )
                elif (
                    mode == Mode.IN_PERSON
                    and host is not None
                    and None not in locs
                    and host.location not in locs
                ):
                    at, site = locs, host.location
                    add(
                        Violation(
                            6,
                            "wrong-site",
                            lambda: (
                                f"Interpreter {who()} is at {_sites(ctx, at)} during {lbl()}, "
                                f"not at the host's site {ctx.site_name(site)}."
                            ),
                            s.id,
                            iid,
                        )
                    )
    return out


def _sites(ctx: RuleContext, locs: frozenset[str | None]) -> str:
    return ", ".join(ctx.site_name(x) for x in sorted(x for x in locs if x is not None))


def _session_counts(ctx: RuleContext, s: Session, officials: list[str] | None = None) -> list[Violation]:
    """Rules that depend on who is in the session: size, country mix, officials listed
    twice (3) and officials pinned here but not in it (9). ``officials`` replaces the
    session's own list (to judge an edit without copying the session)."""
    out: list[Violation] = []
    p = ctx.program
    listed = s.officials if officials is None else officials
    members = list(dict.fromkeys(listed)) if len(listed) > 1 else listed
    n = len(members)
    if n < p.min_guests:
        low = p.min_guests
        out.append(
            Violation(
                3,
                "too-few-guests",
                lambda: (
                    f"Session {s.id} ({ctx.when(s)}) has {n} official{'' if n == 1 else 's'}; "
                    f"the program needs at least {low}."
                ),
                s.id,
                None,
            )
        )
    if n > p.max_guests:
        high = p.max_guests
        out.append(
            Violation(
                3,
                "too-many-guests",
                lambda: (
                    f"Session {s.id} ({ctx.when(s)}) has {n} officials; the program allows at most {high}."
                ),
                s.id,
                None,
            )
        )
    if n != len(listed):
        times = Counter(listed)
        for oid in members:
            if times[oid] > 1:
                out.append(
                    Violation(
                        3,
                        "listed-twice",
                        functools.partial(_listed_twice, ctx, oid, s.id),
                        s.id,
                        oid,
                    )
                )
    country_of = ctx.country_of
    countries = [country_of[oid] for oid in members if oid in country_of]
    crowded = len(countries) > p.max_same_country and (
        p.max_same_country < 1 or len(set(countries)) < len(countries)
    )
    by_country: dict[str, list[str]] = {}
    if crowded:
        for oid in members:
            if oid in country_of:
                by_country.setdefault(country_of[oid], []).append(oid)
    for country, ids in by_country.items():
        if len(ids) > p.max_same_country:
            out.append(
                Violation(
                    3,
                    "country-limit",
                    functools.partial(_country_limit, ctx, s, country, ids),
                    s.id,
                    None,
                    country,
                )
            )
    for oid in dict.fromkeys(s.pinned) if s.pinned else ():
        if oid not in members:
            out.append(
                Violation(
                    9,
                    "pinned-not-in-session",
                    functools.partial(_pinned_not_in, ctx, oid, s),
                    s.id,
                    oid,
                )
            )
    return out


def _listed_twice(ctx: RuleContext, oid: str, sid: str) -> str:
    return f"{ctx.who(_OFFICIAL, oid)} is listed more than once in session {sid}."


def _country_limit(ctx: RuleContext, s: Session, country: str, ids: list[str]) -> str:
    names = ", ".join(ctx.who(_OFFICIAL, x) for x in ids)
    return (
        f"Session {s.id} ({ctx.when(s)}) has {len(ids)} officials from {country_name(country)}: {names}; "
        f"at most {ctx.program.max_same_country} may share a country."
    )


def _pinned_not_in(ctx: RuleContext, oid: str, s: Session) -> str:
    return f"{ctx.who(_OFFICIAL, oid)} is pinned to session {s.id} ({ctx.when(s)}) but is not among its officials."


def _official_in_session(ctx: RuleContext, s: Session, oid: str) -> list[Violation]:
    """Rules about one official in one session: availability (2), interest (4),
    language (5), site (6), forbidden pair (9). Messages are written only when read."""
    o = ctx.officials.get(oid)
    if o is None:
        return [
            Violation(
                2,
                "unknown-official",
                lambda: f"Session {s.id} lists official {oid!r}, who is not in the program.",
                s.id,
                oid,
            )
        ]
    out: list[Violation] = []
    add = out.append
    official = o

    def who() -> str:
        return ctx.who(_OFFICIAL, oid)

    def lbl() -> str:
        return _label(ctx, s)

    host = ctx.hosts.get(s.host)
    if s.slot in ctx.slots:
        locs = ctx.where(_OFFICIAL, oid).get(s.slot)
        if locs is None:
            add(
                Violation(
                    2,
                    "unavailable",
                    lambda: (
                        f"{who()} is not available for the whole of {lbl()}; "
                        f"{ctx.availability_that_day(official, s)}."
                    ),
                    s.id,
                    oid,
                )
            )
        elif s.mode == Mode.IN_PERSON and host is not None and None not in locs and host.location not in locs:
            at, site = locs, host.location
            add(
                Violation(
                    6,
                    "wrong-site",
                    lambda: (
                        f"{who()} is at {_sites(ctx, at)} during {lbl()}, "
                        f"not at the host's site {ctx.site_name(site)}."
                    ),
                    s.id,
                    oid,
                )
            )
    if s.topic in ctx.topics and o.interests.get(s.topic, 0) < 1:
        add(
            Violation(
                4,
                "no-interest",
                lambda: (
                    f"{who()} has no interest in topic '{ctx.topics[s.topic].name}' ({s.topic}) of {lbl()}."
                ),
                s.id,
                oid,
            )
        )
    if s.language not in o.languages:
        interp = ctx.interpreters.get(s.interpreter) if s.interpreter is not None else None
        bridged = (
            interp is not None
            and s.language in interp.languages
            and any(lang in interp.languages for lang in o.languages)
        )
        if not bridged:
            has_interpreter = interp is not None

            def barrier() -> str:
                why = (
                    "and the session has no interpreter"
                    if not has_interpreter
                    else f"and interpreter {ctx.who(_INTERPRETER, s.interpreter or '')} cannot interpret between "
                    f"{language_name(s.language)} and "
                    f"{' or '.join(map(language_name, official.languages)) or 'their languages'}"
                )
                return f"{who()} does not speak {language_name(s.language)}, the language of {lbl()}, {why}."

            add(Violation(5, "language-barrier", barrier, s.id, oid))
    if (oid, s.host) in ctx.forbidden:
        reason = ctx.forbidden[(oid, s.host)]
        add(
            Violation(
                9,
                "forbidden-pair",
                lambda: (
                    f"{who()} and {ctx.who(_HOST, s.host)} must never share a session"
                    f"{f' ({reason})' if reason else ''}, but both are in {lbl()}."
                ),
                s.id,
                oid,
                s.host,
            )
        )
    return out


# --------------------------------------------------------------------------- person checks


def _chronological(ctx: RuleContext, sessions: Iterable[Session]) -> list[Session]:
    big = len(ctx.slot_rank)
    return sorted(sessions, key=lambda s: (ctx.slot_rank.get(s.slot, big), s.id))


def _person_across(ctx: RuleContext, kind: PersonKind, pid: str, sessions: list[Session]) -> list[Violation]:
    """Rules across one person's sessions: no overlap (2), limits (7), same host (8)."""
    person = ctx.person(kind, pid)
    if person is None or not sessions:
        return []
    out: list[Violation] = []
    ordered = _chronological(ctx, sessions) if len(sessions) > 1 else sessions
    span = ctx.slot_span
    timed = [s for s in ordered if s.slot in span]
    # 2: nobody in two sessions whose times overlap. One violation per later session,
    # naming the first earlier one it overlaps and how many others: linear in the
    # person's sessions (times the slots that overlap one slot), never pairwise.
    if len(timed) > 1:
        overlapping = ctx.overlapping
        rank = ctx.slot_rank
        at_slot: dict[str, list[int]] = defaultdict(list)  # slot -> positions in ``timed``
        for j, s in enumerate(timed):
            at_slot[s.slot].append(j)
        for j, b in enumerate(timed):
            near = overlapping[b.slot]
            candidates = at_slot.keys() if len(at_slot) < len(near) else near
            first: int | None = None
            count = 0
            for t in candidates:
                pos = at_slot.get(t)
                if not pos or t not in near:
                    continue
                if rank[t] < rank[b.slot]:
                    n = len(pos)
                elif t == b.slot:
                    n = j - pos[0]  # sessions at one slot are next to each other in ``timed``
                else:
                    continue
                if n:
                    count += n
                    if first is None or pos[0] < first:
                        first = pos[0]
            if first is not None:
                a = timed[first]
                out.append(
                    Violation(
                        2,
                        "double-booked",
                        functools.partial(_double_booked, ctx, kind, pid, a, b, count),
                        b.id,
                        pid,
                        a.id,
                    )
                )
    # 7: limits
    limit = ctx.max_sessions(person)
    if len(ordered) > limit:
        total = len(ordered)
        out.append(
            Violation(
                7,
                "max-sessions",
                lambda: f"{_who(ctx, kind, pid)} is in {total} sessions; their limit is {limit}.",
                None,
                pid,
            )
        )
    per_day = ctx.max_per_day(person)
    if len(timed) > per_day:
        days: dict[date, list[Session]] = {}
        slot_day = ctx.slot_day
        for s in timed:
            days.setdefault(slot_day[s.slot], []).append(s)
        for day, ss in days.items():
            if len(ss) > per_day:
                out.append(
                    Violation(
                        7,
                        "max-per-day",
                        functools.partial(_max_per_day, ctx, kind, pid, day, ss, per_day),
                        None,
                        pid,
                        day.isoformat(),
                    )
                )
    # 8: an official meets the same host at most once
    if kind is _OFFICIAL and len(ordered) > 1:
        met: dict[str, Session] = {}
        for s in ordered:
            earlier = met.get(s.host)
            if earlier is None:
                met[s.host] = s
            else:
                out.append(
                    Violation(
                        8,
                        "same-host-twice",
                        functools.partial(_same_host_twice, ctx, pid, earlier, s),
                        s.id,
                        pid,
                        earlier.id,
                    )
                )
    return out


def _double_booked(ctx: RuleContext, kind: PersonKind, pid: str, a: Session, b: Session, count: int) -> str:
    more = f" (and {count - 1} more at overlapping times)" if count > 1 else ""
    return (
        f"{_who(ctx, kind, pid)} is in two sessions at once: {a.id} ({ctx.when(a)}) "
        f"and {b.id} ({ctx.when(b)}){more}."
    )


def _max_per_day(
    ctx: RuleContext, kind: PersonKind, pid: str, day: date, ss: list[Session], per_day: int
) -> str:
    return (
        f"{_who(ctx, kind, pid)} is in {len(ss)} sessions on {day:%a %d %b %Y} "
        f"({', '.join(s.id for s in ss[:10])}{', …' if len(ss) > 10 else ''}); "
        f"their limit is {per_day} a day."
    )


def _same_host_twice(ctx: RuleContext, pid: str, earlier: Session, s: Session) -> str:
    return (
        f"{_who(ctx, _OFFICIAL, pid)} meets {ctx.who(_HOST, s.host)} twice: in {earlier.id} "
        f"({ctx.when(earlier)}) and in {s.id} ({ctx.when(s)})."
    )


def _who(ctx: RuleContext, kind: PersonKind, pid: str) -> str:
    who = ctx.who(kind, pid)
    return who if kind is _OFFICIAL else f"{kind.value.capitalize()} {who}"


def _pin_violation(ctx: RuleContext, pin: Pin, kept: bool, at: Session | None) -> list[Violation]:
    if kept:
        return []
    return [
        Violation(
            9,
            "pin-not-kept",
            functools.partial(_pin_not_kept, ctx, pin, at),
            at.id if at is not None else None,
            pin.official,
            f"{pin.host}@{pin.slot}",
        )
    ]


def _pin_not_kept(ctx: RuleContext, pin: Pin, at: Session | None) -> str:
    who = ctx.who(_OFFICIAL, pin.official)
    host = ctx.who(_HOST, pin.host)
    if pin.slot in ctx.slots:
        tz = ctx.site_zone(Session(id="", host=pin.host, slot=pin.slot, topic="", language=""))
        when = ctx.slot_label(pin.slot, tz)
    else:
        when = f"unknown slot {pin.slot!r}"
    where = (
        f"is not in {at.id}, that host's session then" if at is not None else "that host has no session then"
    )
    return f"{who} is pinned to meet {host} at {when}, but {where}."


# --------------------------------------------------------------------------- check


def _person_index(schedule: Schedule) -> dict[tuple[PersonKind, str], list[Session]]:
    index: dict[tuple[PersonKind, str], list[Session]] = defaultdict(list)
    for s in schedule.sessions:
        index[(_HOST, s.host)].append(s)
        if s.interpreter is not None:
            index[(_INTERPRETER, s.interpreter)].append(s)
        for oid in dict.fromkeys(s.officials):
            index[(_OFFICIAL, oid)].append(s)
    return index


def _by_host_slot(sessions: Iterable[Session]) -> dict[tuple[str, str], list[Session]]:
    out: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for s in sessions:
        out[(s.host, s.slot)].append(s)
    return out


def _sort(vs: list[Violation]) -> list[Violation]:
    return sorted(vs, key=lambda v: (v.rule, v.code, v.session or "", v.person or "", v.detail or ""))


def check_schedule(scenario: Scenario, schedule: Schedule, ctx: RuleContext | None = None) -> CheckReport:
    """Every hard rule ``schedule`` breaks, and its quality figures.

    ``ctx`` must have been built from ``scenario`` (pass it to save the set-up when
    checking many schedules of one program).
    """
    ctx = ctx if ctx is not None else RuleContext(scenario)
    with _collector_paused():
        return _check(scenario, schedule, ctx)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a check builds its violations: they make no
    reference cycles, and a hostile schedule makes hundreds of thousands of them, which the
    collector would otherwise walk over and over (two thirds of the time of a check of
    20,000 sessions: ``benchmarks/check.py --huge-only --profile``). Reference counting frees memory as usual."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _check(scenario: Scenario, schedule: Schedule, ctx: RuleContext) -> CheckReport:
    vs: list[Violation] = []
    seen: dict[str, int] = {}
    for s in schedule.sessions:
        seen[s.id] = seen.get(s.id, 0) + 1
        vs += _session_fixed(ctx, s)
        vs += _session_counts(ctx, s)
        for oid in dict.fromkeys(s.officials):
            vs += _official_in_session(ctx, s, oid)
    for sid, n in seen.items():
        if n > 1:
            vs.append(
                Violation(
                    2,
                    "duplicate-session-id",
                    f"Session id {sid!r} is used by {n} sessions; each session needs its own id.",
                    sid,
                    None,
                )
            )
    for (kind, pid), ss in _person_index(schedule).items():
        vs += _person_across(ctx, kind, pid, ss)
    if ctx.scenario.pins:
        at = _by_host_slot(schedule.sessions)
        for pin in ctx.scenario.pins:
            here = at.get((pin.host, pin.slot), [])
            kept = any(pin.official in s.officials for s in here)
            vs += _pin_violation(ctx, pin, kept, here[0] if here else None)
    return CheckReport(violations=_sort(_grouped(vs)), figures=figures(scenario, schedule, ctx))


def _grouped(vs: list[Violation]) -> list[Violation]:
    """The same problem (same key) once, with a count: a schedule that repeats one session
    3,000 times gets one line per kind of problem, not millions."""
    first: dict[tuple[int, str, str | None, str | None, str | None], list[Any]] = {}
    for v in vs:
        key = (v.rule, v.code, v.session, v.person, v.detail)
        got = first.get(key)
        if got is None:
            first[key] = [v, 1]
        else:
            got[1] += 1
    if len(first) == len(vs):
        return vs
    return [v if n == 1 else v.repeated(n) for v, n in first.values()]


def _percentile(values: list[int], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return 0.0
    v = sorted(values)
    pos = q * (len(v) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(v) - 1)
    return float(v[lo] + (v[hi] - v[lo]) * (pos - lo))


def figures(scenario: Scenario, schedule: Schedule, ctx: RuleContext | None = None) -> QualityFigures:
    """Quality figures of ``schedule`` (see :class:`QualityFigures`)."""
    ctx = ctx if ctx is not None else RuleContext(scenario)
    count: dict[str, int] = defaultdict(int)
    interest: dict[str, int] = defaultdict(int)
    assignments = 0
    interpreters: set[str] = set()
    with_interpreter = 0
    countries = 0
    for s in schedule.sessions:
        members = list(dict.fromkeys(s.officials))
        assignments += len(members)
        if s.interpreter is not None:
            interpreters.add(s.interpreter)
            with_interpreter += 1
        seen_countries = set()
        for oid in members:
            o = ctx.officials.get(oid)
            if o is None:
                continue
            count[oid] += 1
            interest[oid] += o.interests.get(s.topic, 0)
            seen_countries.add(o.country)
        countries += len(seen_countries)
    totals = [interest.get(o.id, 0) for o in scenario.officials]
    n_sessions = len(schedule.sessions)
    return QualityFigures(
        sessions=n_sessions,
        assignments=assignments,
        total_interest=sum(interest.values()),
        officials_total=len(scenario.officials),
        officials_at_min=sum(1 for o in scenario.officials if count.get(o.id, 0) >= scenario.min_sessions(o)),
        lowest_interest=min(totals) if totals else 0,
        p10_interest=_percentile(totals, 0.10),
        interpreters_used=len(interpreters),
        sessions_with_interpreter=with_interpreter,
        mean_guests=assignments / n_sessions if n_sessions else 0.0,
        countries_per_session=countries / n_sessions if n_sessions else 0.0,
    )


# --------------------------------------------------------------------------- board questions


def _new(before: list[Violation], after: list[Violation]) -> list[Violation]:
    old = {v.key for v in before}
    out, seen = [], set()
    for v in after:
        if v.key not in old and v.key not in seen:
            seen.add(v.key)
            out.append(v)
    return out


@dataclass
class _OfficialView:
    """What a join needs to know of the schedule for one official (one scan)."""

    official: str
    mine: list[Session] = field(default_factory=list)
    pin_sessions: dict[tuple[str, str], Session] = field(default_factory=dict)
    _before: list[Violation] | None = None
    _left: dict[int, tuple[list[Violation], list[Violation]]] = field(default_factory=dict)

    def before(self, ctx: RuleContext) -> list[Violation]:
        """The official's own cross-session violations and broken pins now."""
        if self._before is None:
            self._before = _person_across(ctx, _OFFICIAL, self.official, self.mine)
            self._before += _pins_of(ctx, self.official, self.mine, self.pin_sessions)
        return self._before

    def leaving(self, ctx: RuleContext, left: Session) -> tuple[list[Violation], list[Violation]]:
        """Violations of the left session (size, pins) before and after the official leaves it."""
        got = self._left.get(id(left))
        if got is None:
            before = _session_counts(ctx, left) + _official_in_session(ctx, left, self.official)
            after = _session_counts(ctx, left, [x for x in left.officials if x != self.official])
            got = self._left[id(left)] = (before, after)
        return got


def _scan_for_official(ctx: RuleContext, schedule: Schedule, oid: str) -> _OfficialView:
    view = _OfficialView(oid)
    wanted = {(p.host, p.slot) for p in ctx.pins_by_official.get(oid, ())}
    view.mine = [s for s in schedule.sessions if oid in s.officials]
    if wanted:
        for s in schedule.sessions:
            if (s.host, s.slot) in wanted:
                view.pin_sessions.setdefault((s.host, s.slot), s)
    return view


def _pins_of(
    ctx: RuleContext, oid: str, mine: list[Session], at: dict[tuple[str, str], Session]
) -> list[Violation]:
    out = []
    for pin in ctx.pins_by_official.get(oid, ()):
        kept = any(s.host == pin.host and s.slot == pin.slot for s in mine)
        out += _pin_violation(ctx, pin, kept, at.get((pin.host, pin.slot)))
    return out


def _across_may_change(
    ctx: RuleContext, oid: str, mine: list[Session], joined: Session, left: Session | None
) -> bool:
    """False when joining ``joined`` (and leaving ``left``) cannot add a cross-session
    violation for the official: no overlap with ``joined``, limits kept, no second
    meeting with its host, and no other meeting with the left host to re-attribute."""
    person = ctx.officials.get(oid)
    if person is None:
        return False
    if len(mine) > ctx.max_sessions(person):
        return True
    near = ctx.overlapping.get(joined.slot)
    day = ctx.slot_day.get(joined.slot)
    same_day = 0
    for s in mine:
        if s is joined:
            continue
        if s.host == joined.host or (left is not None and s.host == left.host):
            return True
        if near is not None and s.slot in near:
            return True
        if day is not None and ctx.slot_day.get(s.slot) == day:
            same_day += 1
    return day is not None and same_day + 1 > ctx.max_per_day(person)


def _join(ctx: RuleContext, view: _OfficialView, target: Session, left: Session | None) -> list[Violation]:
    """New violations if the official joins ``target`` after leaving ``left``.

    Equal to ``check(edited) - check(now)`` by key: only the parts that the edit can
    change are recomputed, and "now" only when the edited side has any violation.
    """
    oid = view.official
    if left is not None and oid not in left.officials:
        left = None
    if left is target:  # leaving a session for the same session: it keeps the official once
        left = None
        target_after = [*(x for x in target.officials if x != oid), oid]
    else:
        target_after = [*target.officials, oid]
    after = _session_counts(ctx, target, target_after)
    after += _official_in_session(ctx, target, oid)  # does not depend on who else is there
    if left is not None:
        after += view.leaving(ctx, left)[1]
    new_mine = [s for s in view.mine if s is not target and s is not left]
    new_mine.append(target)
    if _across_may_change(ctx, oid, new_mine, target, left):
        after += _person_across(ctx, _OFFICIAL, oid, new_mine)
    if oid in ctx.pins_by_official:
        after += _pins_of(ctx, oid, new_mine, view.pin_sessions)
    if not after:
        return []

    before = _session_counts(ctx, target)
    if oid in target.officials:
        before += _official_in_session(ctx, target, oid)
    if left is not None:
        before += view.leaving(ctx, left)[0]
    before += view.before(ctx)
    return _new(before, after)


def why_not_leave(ctx: RuleContext, schedule: Schedule, official_id: str, session_id: str) -> list[Violation]:
    """What would break if ``official_id`` left session ``session_id`` (to be unassigned):
    too few guests, a pin no longer kept, a pinned place emptied. ``[]`` = legal.

    Raises :class:`NotFoundError` if ``session_id`` is not in the schedule.
    """
    left = next((s for s in schedule.sessions if s.id == session_id), None)
    if left is None:
        raise NotFoundError(f"session {session_id!r} is not in the schedule")
    if official_id not in left.officials:
        return []
    view = _scan_for_official(ctx, schedule, official_id)
    new_mine = [s for s in view.mine if s is not left]
    after = _session_counts(ctx, left, [x for x in left.officials if x != official_id])
    after += _pins_of(ctx, official_id, new_mine, view.pin_sessions)
    if any(s.host == left.host for s in new_mine):  # a second meeting with this host is re-attributed
        after += _person_across(ctx, _OFFICIAL, official_id, new_mine)
    if not after:
        return []
    before = _session_counts(ctx, left) + view.before(ctx)
    return _new(before, after)


def why_not_join(
    ctx: RuleContext, schedule: Schedule, official_id: str, session_id: str, leaving: str | None = None
) -> list[Violation]:
    """What would break if ``official_id`` joined session ``session_id`` (after leaving
    session ``leaving``, if given): the violations the edited schedule has and the current
    one has not. ``[]`` means the move is legal. ``leaving`` is ignored when the official
    is not in that session; leaving a session for itself changes nothing.

    Raises :class:`NotFoundError` if ``session_id`` is not in the schedule.
    """
    view = _scan_for_official(ctx, schedule, official_id)
    target = left = None
    for s in schedule.sessions:
        if target is None and s.id == session_id:
            target = s
        if leaving is not None and left is None and s.id == leaving:
            left = s
    if target is None:
        raise NotFoundError(f"session {session_id!r} is not in the schedule")
    return _join(ctx, view, target, left)


def why_not_join_all(
    ctx: RuleContext, schedule: Schedule, official_id: str, leaving: str | None = None
) -> dict[str, list[Violation]]:
    """:func:`why_not_join` for every session of the schedule at once: ``{session id: violations}``."""
    view = _scan_for_official(ctx, schedule, official_id)
    left = None
    if leaving is not None:
        left = next((s for s in schedule.sessions if s.id == leaving), None)
    out: dict[str, list[Violation]] = {}
    for s in schedule.sessions:
        if s.id not in out:
            out[s.id] = _join(ctx, view, s, left)
    return out


def _members(s: Session) -> Iterator[tuple[PersonKind, str]]:
    yield (_HOST, s.host)
    if s.interpreter is not None:
        yield (_INTERPRETER, s.interpreter)
    for oid in dict.fromkeys(s.officials):
        yield (_OFFICIAL, oid)


@dataclass
class _SessionView:
    session: Session
    others: dict[tuple[PersonKind, str], list[Session]]  # each member's other sessions
    at_host: dict[str, list[Session]]  # sessions of the same host by slot (others)
    order: dict[int, int]  # position in the schedule by id() of the session


def _scan_for_session(ctx: RuleContext, schedule: Schedule, session_id: str) -> _SessionView:
    target = next((s for s in schedule.sessions if s.id == session_id), None)
    if target is None:
        raise NotFoundError(f"session {session_id!r} is not in the schedule")
    members = list(_members(target))
    others: dict[tuple[PersonKind, str], list[Session]] = {m: [] for m in members}
    officials = {pid for kind, pid in members if kind is _OFFICIAL}
    at_host: dict[str, list[Session]] = defaultdict(list)
    for s in schedule.sessions:
        if s is target:
            continue
        if s.host == target.host:
            others[(_HOST, s.host)].append(s)
            at_host[s.slot].append(s)
        if s.interpreter is not None and (_INTERPRETER, s.interpreter) in others:
            others[(_INTERPRETER, s.interpreter)].append(s)
        if not officials.isdisjoint(s.officials):
            for oid in dict.fromkeys(s.officials):
                if oid in officials:
                    others[(_OFFICIAL, oid)].append(s)
    # schedule order decides "the first session of a host at a slot"
    return _SessionView(target, others, at_host, {id(s): i for i, s in enumerate(schedule.sessions)})


def _move(ctx: RuleContext, view: _SessionView, slot_id: str) -> list[Violation]:
    old = view.session
    if slot_id == old.slot:
        return []
    new = replace(old, slot=slot_id)
    before = _session_fixed(ctx, old)
    after = _session_fixed(ctx, new)
    for oid in dict.fromkeys(old.officials):
        before += _official_in_session(ctx, old, oid)
        after += _official_in_session(ctx, new, oid)
    for (kind, pid), rest in view.others.items():
        before += _person_across(ctx, kind, pid, [*rest, old])
        after += _person_across(ctx, kind, pid, [*rest, new])
    order = view.order
    pos = order[id(old)]
    for slot in {old.slot, slot_id}:
        pins = ctx.pins_by_host_slot.get((old.host, slot))
        if not pins:
            continue
        rest = view.at_host.get(slot, [])
        for state, s in ((before, old), (after, new)):
            here = [*rest, s] if s.slot == slot else list(rest)
            here.sort(key=lambda x: order.get(id(x), pos))
            first = here[0] if here else None
            for pin in pins:
                kept = any(pin.official in x.officials for x in here)
                state += _pin_violation(ctx, pin, kept, first)
    return _new(before, after)


def why_not_move(ctx: RuleContext, schedule: Schedule, session_id: str, slot_id: str) -> list[Violation]:
    """What would break if session ``session_id`` (with everyone in it) moved to slot
    ``slot_id``: the violations the edited schedule has and the current one has not.

    Raises :class:`NotFoundError` if ``session_id`` is not in the schedule.
    """
    return _move(ctx, _scan_for_session(ctx, schedule, session_id), slot_id)


def why_not_move_all(ctx: RuleContext, schedule: Schedule, session_id: str) -> dict[str, list[Violation]]:
    """:func:`why_not_move` for every slot of the program at once: ``{slot id: violations}``."""
    view = _scan_for_session(ctx, schedule, session_id)
    return {sid: _move(ctx, view, sid) for sid in ctx._slot_order}


def why_not_replace(
    ctx: RuleContext, schedule: Schedule, old_id: str | None, new: Session | None
) -> list[Violation]:
    """What would break if session ``old_id`` (None: none) were replaced by ``new`` (None:
    deleted): open a session (``old_id`` None), delete one (``new`` None), or change its
    topic, language, interpreter, mode or officials. Gives exactly the violations the
    edited schedule has and the current one has not; ``new`` takes the old session's place
    in the schedule order (the end when it is added).

    Raises :class:`NotFoundError` if ``old_id`` is not in the schedule.
    """
    old = None
    if old_id is not None:
        old = next((s for s in schedule.sessions if s.id == old_id), None)
        if old is None:
            raise NotFoundError(f"session {old_id!r} is not in the schedule")
    members: dict[tuple[PersonKind, str], None] = {}
    for s in (old, new):
        if s is not None:
            members.update(dict.fromkeys(_members(s)))
    others: dict[tuple[PersonKind, str], list[Session]] = {m: [] for m in members}
    places = {(s.host, s.slot) for s in (old, new) if s is not None}
    at_place: dict[tuple[str, str], list[Session]] = defaultdict(list)
    order: dict[int, int] = {}
    for i, s in enumerate(schedule.sessions):
        order[id(s)] = i
        if s is old:
            continue
        for m in _members(s):
            if m in others:
                others[m].append(s)
        if (s.host, s.slot) in places:
            at_place[(s.host, s.slot)].append(s)
    pos = order[id(old)] if old is not None else len(schedule.sessions)
    if new is not None:
        order[id(new)] = pos
    taken = {x.id for x in schedule.sessions if x is not old}
    return _replace(ctx, old, new, others, at_place, order, pos, taken)


def _replace(
    ctx: RuleContext,
    old: Session | None,
    new: Session | None,
    others: Mapping[tuple[PersonKind, str], list[Session]],
    at_place: Mapping[tuple[str, str], list[Session]],
    order: dict[int, int],
    pos: int,
    taken: set[str],
) -> list[Violation]:
    """:func:`why_not_replace` once the schedule is scanned: ``others`` gives each member's
    sessions but ``old``, ``at_place`` the sessions but ``old`` at a host and slot,
    ``order`` the position in the schedule by id() (``new`` takes ``pos``), ``taken`` the
    ids of the sessions but ``old``."""
    members: dict[tuple[PersonKind, str], None] = {}
    for s in (old, new):
        if s is not None:
            members.update(dict.fromkeys(_members(s)))
    places = {(s.host, s.slot) for s in (old, new) if s is not None}
    before: list[Violation] = []
    after: list[Violation] = []
    for state, s in ((before, old), (after, new)):
        if s is None:
            continue
        state += _session_fixed(ctx, s)
        state += _session_counts(ctx, s)
        for oid in dict.fromkeys(s.officials):
            state += _official_in_session(ctx, s, oid)
        if s.id in taken:
            state.append(
                Violation(
                    2,
                    "duplicate-session-id",
                    f"Session id {s.id!r} is used by 2 sessions; each session needs its own id.",
                    s.id,
                    None,
                )
            )
    in_old = set(_members(old)) if old is not None else set()
    in_new = set(_members(new)) if new is not None else set()
    for m in members:
        kind, pid = m
        rest = others.get(m, [])
        for state, s, inside in ((before, old, in_old), (after, new, in_new)):
            mine = [*rest, s] if s is not None and m in inside else rest
            state += _person_across(ctx, kind, pid, mine)
    for place in places:
        pins = ctx.pins_by_host_slot.get(place)
        if not pins:
            continue
        rest = at_place.get(place, [])
        for state, s in ((before, old), (after, new)):
            here = [*rest, s] if s is not None and (s.host, s.slot) == place else list(rest)
            here.sort(key=lambda x: order.get(id(x), pos))
            first = here[0] if here else None
            for pin in pins:
                kept = any(pin.official in x.officials for x in here)
                state += _pin_violation(ctx, pin, kept, first)
    return _new(before, after)


_Key = tuple[int, str, str | None, str | None, str | None]  # Violation.key


class OpenJudge:
    """:func:`why_not_replace` ``(ctx, schedule, None, new)`` for many new sessions, with
    the schedule scanned once and what the schedule already breaks per person and place
    kept: the board asks it about every way to open a session in every free cell of a day.
    The answers are the same as :func:`why_not_replace`'s (same violations, same order)."""

    def __init__(self, ctx: RuleContext, schedule: Schedule):
        self.ctx = ctx
        self.schedule = schedule
        self._index = _person_index(schedule)
        self._at_place = _by_host_slot(schedule.sessions)
        self._order = {id(s): i for i, s in enumerate(schedule.sessions)}
        self.taken = {s.id for s in schedule.sessions}  # session ids in use
        self._before: dict[tuple[PersonKind, str], tuple[list[Violation], set[_Key]]] = {}
        self._pins_before: dict[tuple[str, str], tuple[list[Violation], set[_Key]]] = {}

    def _person_before(self, m: tuple[PersonKind, str]) -> tuple[list[Violation], set[_Key]]:
        found = self._before.get(m)
        if found is None:
            vs = _person_across(self.ctx, m[0], m[1], self._index.get(m, []))
            found = self._before[m] = (vs, {v.key for v in vs})
        return found

    def _pins(self, place: tuple[str, str], new: Session | None) -> list[Violation]:
        out: list[Violation] = []
        pos = len(self.schedule.sessions)
        rest = self._at_place.get(place, [])
        here = [*rest, new] if new is not None else list(rest)
        here.sort(key=lambda x: self._order.get(id(x), pos))
        first = here[0] if here else None
        for pin in self.ctx.pins_by_host_slot.get(place, ()):
            kept = any(pin.official in x.officials for x in here)
            out += _pin_violation(self.ctx, pin, kept, first)
        return out

    def _place_before(self, place: tuple[str, str]) -> tuple[list[Violation], set[_Key]]:
        found = self._pins_before.get(place)
        if found is None:
            vs = self._pins(place, None) if self.ctx.pins_by_host_slot.get(place) else []
            found = self._pins_before[place] = (vs, {v.key for v in vs})
        return found

    def _parts(self, new: Session, quick: bool = False) -> Iterator[Callable[[], list[Violation]]]:
        """The checks of ``new`` in :func:`why_not_replace`'s order (``quick``: the officials'
        own first, as they refuse most, and the session's size last)."""
        ctx = self.ctx
        if quick:
            for oid in dict.fromkeys(new.officials):
                yield functools.partial(_official_in_session, ctx, new, oid)
        yield lambda: _session_fixed(ctx, new)
        if not quick:
            yield lambda: _session_counts(ctx, new)
            for oid in dict.fromkeys(new.officials):
                yield functools.partial(_official_in_session, ctx, new, oid)
        if new.id in self.taken:
            yield lambda: [
                Violation(
                    2,
                    "duplicate-session-id",
                    f"Session id {new.id!r} is used by 2 sessions; each session needs its own id.",
                    new.id,
                    None,
                )
            ]
        for m in dict.fromkeys(_members(new)):
            yield functools.partial(_person_across, ctx, m[0], m[1], [*self._index.get(m, []), new])
        place = (new.host, new.slot)
        if ctx.pins_by_host_slot.get(place):
            yield lambda: self._pins(place, new)
        if quick:
            yield lambda: _session_counts(ctx, new)

    def why_not_open(
        self, new: Session, ignore: Callable[[Violation], bool] | None = None, first: bool = False
    ) -> list[Violation]:
        """What would break if ``new`` were added to the schedule (at its end), but the
        violations ``ignore`` accepts. ``first``: only whether anything breaks, answered
        with the first violation found ([] = legal), checks that cost least first."""
        befores = [self._person_before(m) for m in dict.fromkeys(_members(new))]
        befores.append(self._place_before((new.host, new.slot)))
        if first:
            keys = [ks for _vs, ks in befores if ks]
            for part in self._parts(new, quick=True):
                for v in part():
                    if (ignore is None or not ignore(v)) and not any(v.key in ks for ks in keys):
                        return [v]
            return []
        before = [v for vs, _ks in befores for v in vs]
        after = [v for part in self._parts(new) for v in part()]
        found = _new(before, after)
        return [v for v in found if not ignore(v)] if ignore is not None else found
