"""Construction heuristics: a quick valid schedule before (and without) CP-SAT.

``greedy`` is the careful coordinator's method and the benchmark baseline: slot by slot,
each free host takes the topic (and language, mode, interpreter) that draws the most
guests, least-served guests first. Pins and the previous schedule's pinned sessions are
placed first; ``repair`` starts from a previous schedule, keeps every session and
assignment that is still valid, then fills in greedily.

Every session built here keeps every hard rule, so the result is a valid schedule (pins
that cannot be placed are left out and reported by the caller).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from solver.problem import LangOption, Problem
from solver.types import IN_PERSON, VIRTUAL, PreviousSession


@dataclass(slots=True)
class Draft:
    """A session under construction (mutable)."""

    host: str
    slot: str
    topic: str
    language: str
    mode: str
    interpreter: str | None
    officials: list[str] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    id: str | None = None  # kept from the previous schedule


class Ledger:
    """Who is busy when, and how many sessions everyone has: the counting rules."""

    def __init__(self, pb: Problem):
        self.pb = pb
        self.total: dict[str, int] = defaultdict(int)
        self.per_day: dict[tuple[str, int], int] = defaultdict(int)
        self.busy: dict[str, set[str]] = defaultdict(set)
        self.met: set[tuple[str, str]] = set()
        self.sessions: list[Draft] = []

    def free(self, person: str, slot: str, max_sessions: int, max_per_day: int) -> bool:
        if self.total[person] >= max_sessions:
            return False
        if self.per_day[(person, self.pb.day(slot))] >= max_per_day:
            return False
        return not (self.busy[person] & self.pb.overlap[slot])

    def official_free(self, o: str, slot: str, host: str) -> bool:
        off = self.pb.officials[o]
        return (o, host) not in self.met and self.free(o, slot, off.max_sessions, off.max_per_day)

    def host_free(self, h: str, slot: str) -> bool:
        host = self.pb.hosts[h]
        return self.free(h, slot, host.max_sessions, host.max_per_day)

    def interpreter_free(self, i: str, slot: str) -> bool:
        it = self.pb.interpreters[i]
        return self.free(i, slot, it.max_sessions, it.max_per_day)

    def _take(self, person: str, slot: str, sign: int = 1) -> None:
        self.total[person] += sign
        self.per_day[(person, self.pb.day(slot))] += sign
        if sign > 0:
            self.busy[person].add(slot)
        else:
            self.busy[person].discard(slot)

    def open(self, d: Draft) -> None:
        self._take(d.host, d.slot)
        if d.interpreter:
            self._take(d.interpreter, d.slot)
        for o in d.officials:
            self._take(o, d.slot)
            self.met.add((o, d.host))
        self.sessions.append(d)

    def add(self, d: Draft, o: str) -> None:
        d.officials.append(o)
        self._take(o, d.slot)
        self.met.add((o, d.host))

    def remove(self, d: Draft, o: str) -> None:
        d.officials.remove(o)
        if o in d.pinned:
            d.pinned.remove(o)
        self._take(o, d.slot, -1)
        self.met.discard((o, d.host))

    def close(self, d: Draft) -> None:
        for o in list(d.officials):
            self.remove(d, o)
        self._take(d.host, d.slot, -1)
        if d.interpreter:
            self._take(d.interpreter, d.slot, -1)
        self.sessions.remove(d)

    # ------------------------------------------------------------------ session rules
    def country_ok(self, d: Draft, o: str) -> bool:
        c = self.pb.officials[o].country
        n = sum(1 for x in d.officials if self.pb.officials[x].country == c)
        return n < self.pb.rules.max_same_country

    def can_join(self, d: Draft, o: str) -> bool:
        pb = self.pb
        if o in d.officials or len(d.officials) >= pb.rules.max_guests:
            return False
        opt = LangOption(d.language, d.interpreter, True)
        return (
            pb.fits(pb.officials[o], pb.hosts[d.host], d.slot, d.topic, opt, d.mode)
            and self.official_free(o, d.slot, d.host)
            and self.country_ok(d, o)
        )


def _pick(ledger: Ledger, slot: str, host: str, pool: list[str], cap: int) -> list[str]:
    """Up to ``cap`` guests from ``pool`` (already in priority order), keeping the
    country limit."""
    pb = ledger.pb
    chosen: list[str] = []
    per_country: dict[str, int] = defaultdict(int)
    for o in pool:
        if len(chosen) >= cap:
            break
        c = pb.officials[o].country
        if per_country[c] >= pb.rules.max_same_country:
            continue
        chosen.append(o)
        per_country[c] += 1
    return chosen


def best_session(
    ledger: Ledger,
    host: str,
    slot: str,
    required: tuple[str, ...] = (),
    fixed: PreviousSession | None = None,
    exclude: frozenset[str] = frozenset(),
    avoid_interpreters: frozenset[str] = frozenset(),
) -> Draft | None:
    """The session of ``host`` at ``slot`` that draws the most guests (then the most
    interest), with the ``required`` officials in it; None if none reaches min_guests."""
    pb = ledger.pb
    h = pb.hosts[host]
    rules = pb.rules
    req = [pb.officials[o] for o in required]
    best, best_key = None, None
    topics = [fixed.topic] if fixed else list(h.expertise)
    # only officials who could be there (at the host's site, or anywhere for a host with
    # video) and who care about one of the topics: cheap filters before the ledger's
    offs = pb.officials
    base = pb.officials_at(slot) if h.virtual else pb.officials_at_site(slot, h.location)
    avail = [
        o
        for o in base
        if o not in required
        and o not in exclude
        and any(t in offs[o].interests for t in topics)
        and ledger.official_free(o, slot, host)
    ]
    modes = [fixed.mode] if fixed else ([IN_PERSON, VIRTUAL] if h.virtual else [IN_PERSON])
    for t in topics:
        if t not in h.expertise:
            continue
        if any(o.interests.get(t, 0) < 1 for o in req):
            continue
        interested = [o for o in avail if pb.officials[o].interests.get(t, 0) >= 1]
        if len(interested) + len(req) < rules.min_guests:
            continue
        for mode in modes:
            if mode == VIRTUAL and not h.virtual:
                continue
            for opt in pb.options.get((host, slot), ()):
                if fixed and opt.language != fixed.language:
                    continue
                if opt.interpreter and (
                    opt.interpreter in avoid_interpreters
                    or not ledger.interpreter_free(opt.interpreter, slot)
                ):
                    continue
                if mode == IN_PERSON and not opt.in_person_ok:
                    continue
                if not all(pb.fits(o, h, slot, t, opt, mode) for o in req):
                    continue
                pool = [o for o in interested if pb.fits(pb.officials[o], h, slot, t, opt, mode)]
                pool.sort(key=lambda o: _priority(ledger, o, t))
                guests = list(required) + _pick(ledger, slot, host, pool, rules.max_guests - len(required))
                if len(guests) < rules.min_guests or not _countries_ok(pb, guests):
                    continue
                interest = sum(pb.officials[o].interests[t] for o in guests)
                key = (len(guests), interest, opt.interpreter is None, mode == IN_PERSON)
                if best_key is None or key > best_key:
                    best_key = key
                    best = Draft(host, slot, t, opt.language, mode, opt.interpreter, guests, list(required))
    return best


def _countries_ok(pb: Problem, guests: list[str]) -> bool:
    count: dict[str, int] = defaultdict(int)
    for o in guests:
        count[pb.officials[o].country] += 1
    return max(count.values(), default=0) <= pb.rules.max_same_country


def _priority(ledger: Ledger, o: str, t: str) -> tuple[bool, int, int, str]:
    """Least-served first (relative to their minimum), then the strongest interest."""
    off = ledger.pb.officials[o]
    served = ledger.total[o]
    below = served < off.min_sessions
    return (not below, served - off.min_sessions, -off.interests.get(t, 0), o)


def _officials_at(pb: Problem, slot: str) -> list[str]:
    return pb.officials_at(slot)


def place_pinned_sessions(ledger: Ledger) -> list[str]:
    """Place the previous schedule's pinned sessions; returns those that could not be."""
    pb = ledger.pb
    failed: list[str] = []
    seeded = {(d.host, d.slot): d for d in ledger.sessions}
    for ps in pb.inp.previous or ():
        if not ps.pinned:
            continue
        d0 = seeded.get((ps.host, ps.slot))
        if d0 is not None and d0.topic == ps.topic and all(o in d0.officials for o in ps.pinned):
            d0.id = ps.id
            continue
        if (
            ps.host not in pb.hosts
            or not ledger.host_free(ps.host, ps.slot)
            or ps.slot not in pb.hosts[ps.host].availability
        ):
            failed.append(f"session {ps.id}")
            continue
        if not all(o in pb.officials and ledger.official_free(o, ps.slot, ps.host) for o in ps.pinned):
            failed.append(f"session {ps.id}")
            continue
        if _keep_previous(ledger, ps):  # as it was, with every member still valid
            kept = ledger.sessions[-1]
            if all(o in kept.officials for o in ps.pinned):
                kept.pinned = [o for o in kept.officials if o in ps.pinned]
                continue
            ledger.close(kept)
        d = best_session(ledger, ps.host, ps.slot, tuple(ps.pinned), fixed=ps)
        if d is None:
            failed.append(f"session {ps.id}")
            continue
        d.id = ps.id
        ledger.open(d)
    return failed


def place_pins(
    ledger: Ledger,
    elsewhere: dict[tuple[str, str], set[str]] | None = None,
    busy_interpreters: frozenset[str] = frozenset(),
) -> list[str]:
    """Place the scenario pins: join the session already at the pin's host slot, or open
    the best session there. Returns the pins that could not be placed.
    ``elsewhere[(host, slot)]``: officials in another session at that time in the previous
    schedule, not taken away for a pin's new session (a re-solve changes little)."""
    pb = ledger.pb
    elsewhere = elsewhere or {}
    failed: list[str] = []
    by_key = {(d.host, d.slot): d for d in ledger.sessions}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in pb.inp.pins:
        groups[(p.host, p.slot)].append(p.official)
    for (h, s), offs in groups.items():
        offs = list(dict.fromkeys(offs))
        d = by_key.get((h, s))
        if (
            d is not None
            and not d.pinned
            and not all(o in d.officials or ledger.can_join(d, o) for o in offs)
        ):
            ledger.close(d)  # a previous session the pinned officials cannot join: form it anew
            d = None
        if d is not None:
            for o in offs:
                if o in d.officials:
                    if o not in d.pinned:
                        d.pinned.append(o)
                elif ledger.can_join(d, o):
                    ledger.add(d, o)
                    d.pinned.append(o)
                else:
                    failed.append(f"pin {o} with {h} at {s}")
            continue
        if (
            h not in pb.hosts
            or (h, s) not in pb.options
            or not ledger.host_free(h, s)
            or not all(o in pb.officials and ledger.official_free(o, s, h) for o in offs)
        ):
            failed.extend(f"pin {o} with {h} at {s}" for o in offs)
            continue
        # other pinned officials are not taken as extras (their own pins come later)
        others_pinned = frozenset(o for (h2, s2), xs in groups.items() if (h2, s2) != (h, s) for o in xs)
        d = best_session(
            ledger,
            h,
            s,
            tuple(offs),
            exclude=(frozenset(elsewhere.get((h, s), ())) | others_pinned) - set(offs),
            avoid_interpreters=busy_interpreters,
        )
        if d is None:
            d = best_session(ledger, h, s, tuple(offs))
        if d is None:
            failed.extend(f"pin {o} with {h} at {s}" for o in offs)
            continue
        ledger.open(d)
        by_key[(h, s)] = d
    return failed


def place_fixed(ledger: Ledger) -> list[str]:
    """Place the previous schedule's pinned sessions, then the scenario pins."""
    return place_pinned_sessions(ledger) + place_pins(ledger)


def fill(ledger: Ledger) -> None:
    """Slot by slot, each free host opens its best session; then top up open sessions."""
    pb = ledger.pb
    hosts_at: dict[str, list[str]] = defaultdict(list)
    for h, s in pb.host_slots:
        hosts_at[s].append(h)
    taken = {(d.host, d.slot) for d in ledger.sessions}
    for s in pb.slot_order:
        # hosts with the fewest remaining chances first
        for h in sorted(hosts_at[s], key=lambda h: (len(pb.hosts[h].availability), h)):
            if (h, s) in taken or not ledger.host_free(h, s):
                continue
            d = best_session(ledger, h, s)
            if d is not None:
                ledger.open(d)
                taken.add((h, s))
    top_up(ledger)


def top_up(ledger: Ledger) -> None:
    """Add officials below their minimum (then anyone) to sessions with room."""
    pb = ledger.pb
    for d in ledger.sessions:
        if len(d.officials) >= pb.rules.max_guests:
            continue
        base = (
            pb.officials_at(d.slot)
            if d.mode == VIRTUAL
            else pb.officials_at_site(d.slot, pb.hosts[d.host].location)
        )
        pool = [o for o in base if d.topic in pb.officials[o].interests and ledger.can_join(d, o)]
        pool.sort(key=lambda o: _priority(ledger, o, d.topic))
        for o in pool:
            if len(d.officials) >= pb.rules.max_guests:
                break
            if ledger.can_join(d, o):
                ledger.add(d, o)


def _seed(ledger: Ledger, seeds: list[Draft]) -> None:
    """Open sessions found for the pins beforehand (the pin check's sessions)."""
    for d in seeds:
        ledger.open(
            Draft(
                d.host,
                d.slot,
                d.topic,
                d.language,
                d.mode,
                d.interpreter,
                list(d.officials),
                list(d.pinned),
                d.id,
            )
        )


def greedy(pb: Problem, seeds: list[Draft] | None = None) -> tuple[list[Draft], list[str]]:
    """The construction heuristic; returns the sessions and the pins it could not place.
    ``seeds``: sessions keeping the pins, placed first (from :func:`solver.diagnosis.pin_check`)."""
    ledger = Ledger(pb)
    _seed(ledger, seeds or [])
    failed = place_fixed(ledger)
    fill(ledger)
    return ledger.sessions, failed


def pins_first(pb: Problem) -> list[str]:
    """The pins the construction cannot place (it places them before anything else)."""
    return place_fixed(Ledger(pb))


def repair(pb: Problem, seeds: list[Draft] | None = None) -> tuple[list[Draft], list[str]]:
    """Start from the previous schedule: its pinned sessions; the previous sessions at the
    pins' host slots; the pins; every other previous session and assignment that is still
    valid; then greedy filling."""
    ledger = Ledger(pb)
    prev = pb.inp.previous or ()
    busy_before: dict[str, set[str]] = defaultdict(set)  # slot -> officials in a previous session then
    members: dict[tuple[str, str], set[str]] = {}
    total: dict[str, int] = defaultdict(int)
    per_day: dict[tuple[str, int], int] = defaultdict(int)
    for ps in prev:
        members[(ps.host, ps.slot)] = set(ps.officials)
        for s in pb.overlap.get(ps.slot, ()):
            busy_before[s].update(ps.officials)
        for o in ps.officials:
            if o in pb.officials and ps.slot in pb.slots:
                total[o] += 1
                per_day[(o, pb.day(ps.slot))] += 1

    def full(o: str, s: str) -> bool:  # joining would push one of their previous sessions out
        off = pb.officials[o]
        return total[o] >= off.max_sessions or per_day[(o, pb.day(s))] >= off.max_per_day

    pin_slots = {(p.host, p.slot) for p in pb.inp.pins}
    elsewhere = {}
    for h, s in pin_slots:
        if h in pb.hosts and s in pb.slots:
            busy = busy_before.get(s, set()) | {o for o in _officials_at(pb, s) if full(o, s)}
            elsewhere[(h, s)] = busy - members.get((h, s), set())

    _seed(ledger, seeds or [])
    failed = place_pinned_sessions(ledger)
    placed = {(d.host, d.slot) for d in ledger.sessions}
    # previous sessions where a pin is: kept first, so the pin joins them
    for ps in prev:
        if (ps.host, ps.slot) in pin_slots and (ps.host, ps.slot) not in placed:
            if _keep_previous(ledger, ps):
                placed.add((ps.host, ps.slot))
    # interpreters of the previous schedule are not taken for a pin's new session (their
    # limits could push a previous session out)
    busy_interpreters = frozenset(ps.interpreter for ps in prev if ps.interpreter)
    failed += place_pins(ledger, elsewhere, busy_interpreters)
    placed = {(d.host, d.slot) for d in ledger.sessions}
    for ps in prev:
        if (ps.host, ps.slot) not in placed and _keep_previous(ledger, ps):
            placed.add((ps.host, ps.slot))
    fill(ledger)
    return ledger.sessions, failed


def _keep_previous(ledger: Ledger, ps: PreviousSession) -> bool:
    """Keep a previous session with its members that are still valid (and free); False
    when it can no longer be held."""
    pb = ledger.pb
    if (
        ps.host not in pb.hosts
        or (ps.host, ps.slot) not in pb.options
        or not ledger.host_free(ps.host, ps.slot)
    ):
        return False
    h = pb.hosts[ps.host]
    if ps.topic not in h.expertise or ps.language not in h.languages:
        return False
    if ps.mode == VIRTUAL and not h.virtual:
        return False
    interp = ps.interpreter
    if interp is not None:
        ok = (
            interp in pb.interpreters
            and ps.slot in pb.interpreters[interp].availability
            and ps.language in pb.interpreters[interp].languages
            and ledger.interpreter_free(interp, ps.slot)
        )
        if ok and ps.mode == IN_PERSON:
            ok = pb.at_site(pb.interpreters[interp].availability[ps.slot], h)
        if not ok:
            interp = None
    d = Draft(ps.host, ps.slot, ps.topic, ps.language, ps.mode, interp, [], [], ps.id)
    opt = LangOption(d.language, d.interpreter, True)
    guests: list[str] = []
    for o in ps.officials:
        if o not in pb.officials or o in guests or len(guests) >= pb.rules.max_guests:
            continue
        if (
            pb.fits(pb.officials[o], h, d.slot, d.topic, opt, d.mode)
            and ledger.official_free(o, d.slot, d.host)
            and _countries_ok(pb, guests + [o])
        ):
            guests.append(o)
    if len(guests) < pb.rules.min_guests:
        return False
    d.officials = guests
    ledger.open(d)
    return True


def polish(pb: Problem, sessions: list[Draft]) -> list[Draft]:
    """A copy of a valid schedule with every official who can still join a session with
    room added to it (adding never makes the objective worse)."""
    ledger = Ledger(pb)
    for d in sessions:
        ledger.open(
            Draft(
                d.host,
                d.slot,
                d.topic,
                d.language,
                d.mode,
                d.interpreter,
                list(d.officials),
                list(d.pinned),
                d.id,
            )
        )
    top_up(ledger)
    return ledger.sessions
