"""Explaining what could not be done: pins that cannot be kept, officials below their
minimum.

Both start with a solver-independent pass over the data (availability, site, language,
topic, limits), because its reasons are the ones a person can act on. Only pins that
pass it but still cannot all be kept together go to CP-SAT, as assumptions with presolve
off (or-tools #5141: the core is then reliable; no hints are mixed in, #4324).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.kernel import Book, Draft, at_site
from solver.problem import Problem
from solver.types import IN_PERSON, VIRTUAL, OfficialIn, SolveOptions, UnmatchedOut

# ("pin", official, host, slot) or ("session", previous session id)
PinKey = tuple[str, ...]
# (key, official, host, slot, topic or None)
_Item = tuple[PinKey, str, str, str, str | None]


def _list(items: Iterable[str], limit: int = 4) -> str:
    items = sorted(set(items))
    head = ", ".join(items[:limit])
    return head + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _languages(pb: Problem, codes: Iterable[str]) -> str:
    """``Indonesian (id) and Tetum (tet)``-style list of language names."""
    return _list(pb.language_name(c) for c in codes)


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def _site(pb: Problem, where: frozenset[str] | None) -> str:
    return pb.site(where)


def _n(count: int, noun: str) -> str:
    """``1 session``, ``3 sessions``, ``1,200 sessions``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# --------------------------------------------------------------------------- pins


def pin_label(pb: Problem, o: str, h: str, s: str) -> str:
    """``pin Mariam Batbayar (o-0012) with Ana Ruiz (h-0003) at 20261029T1300Z (Thu 29 Oct
    09:00 EDT, Atlanta)``."""
    return f"pin {pb.who(o)} with {pb.host_slot(h, s)}"


def _pin_problem(
    pb: Problem,
    o: str,
    h: str,
    s: str,
    topic: str | None = None,
    language: str | None = None,
    mode: str | None = None,
) -> str | None:
    """Why official ``o`` cannot meet host ``h`` at slot ``s`` on their own, or None."""
    off, host = pb.officials.get(o), pb.hosts.get(h)
    if off is None or host is None or s not in pb.slots:
        return "refers to an unknown official, host or slot"
    who, hname, when = pb.who(o), pb.who(h), pb.when(s, host.location)
    if (h, s) not in pb.options:
        return (
            f"{hname} is not available at {when}"
            if s not in host.availability
            else f"{hname} takes no sessions"
        )
    if s not in off.availability:
        return f"{who} is not available at {when}"
    if (o, h) in pb.forbidden:
        return f"{who} and {hname} are a forbidden pair"
    topics = [t for t in host.expertise if off.interests.get(t, 0) >= 1]
    if topic is not None:
        topics = [t for t in topics if t == topic]
    if not topics:
        want = (
            f"the topic {pb.topic_name(topic)}"
            if topic
            else f"any of {hname}'s topics ({_list(pb.topic_name(t) for t in host.expertise)})"
        )
        return f"{who} is not interested in {want}"
    where = off.availability[s]
    there = at_site(where, host)
    if mode == IN_PERSON and not there:
        return f"{who} is at {pb.site(where)} then, not at {pb.site(host.location)}"
    if not there and not host.virtual:
        return (
            f"{who} is at {pb.site(where)} then; {hname} is at {pb.site(host.location)} "
            f"and holds no virtual sessions"
        )
    opts = [opt for opt in pb.options[(h, s)] if language is None or opt.language == language]
    if mode == IN_PERSON or (mode is None and not host.virtual):
        opts = [opt for opt in opts if opt.in_person_ok]
    if not any(pb.kernel.follows(off, opt) for opt in opts):
        return (
            f"{who} speaks {_languages(pb, off.languages)}; {hname} speaks {_languages(pb, host.languages)} "
            f"and no interpreter for them is available then"
        )
    if mode == VIRTUAL and not host.virtual:
        return f"{hname} holds no virtual sessions"
    others = {c.o for c in pb.candidates_at({(h, s)}) if c.t in topics and c.o != o}
    if len(others) < pb.rules.min_guests - 1:
        return (
            f"no other official could join {who} with {hname} then on "
            f"{_list(pb.topic_name(t) for t in topics)} (a session needs {pb.rules.min_guests})"
        )
    return None


def pin_conflicts(pb: Problem, options: SolveOptions) -> tuple[list[str], set[PinKey]]:
    """Messages for pins that cannot be kept, and the keys of the pins to drop:
    ``("pin", official, host, slot)`` or ``("session", id)`` (a pinned previous session)."""
    messages: list[str] = []
    dropped: set[PinKey] = set()
    rules = pb.rules
    k = pb.kernel
    # (key, official, host, slot, topic or None)
    items: list[_Item] = []
    for p in pb.inp.pins:
        key: PinKey = ("pin", p.official, p.host, p.slot)
        why = _pin_problem(pb, p.official, p.host, p.slot)
        if why:
            messages.append(f"{pin_label(pb, p.official, p.host, p.slot)}: {why}")
            dropped.add(key)
        else:
            items.append((key, p.official, p.host, p.slot, None))
    for ps in pb.inp.previous or ():
        if not ps.pinned:
            continue
        key = ("session", ps.id)
        whys = [
            w
            for o in ps.pinned
            if (w := _pin_problem(pb, o, ps.host, ps.slot, ps.topic, ps.language, ps.mode))
        ]
        if whys:
            messages.append(f"pinned session {ps.id} ({pb.host_slot(ps.host, ps.slot)}): {whys[0]}")
            dropped.add(key)
        else:
            items.extend((key, o, ps.host, ps.slot, ps.topic) for o in ps.pinned)

    def drop(keys: Iterable[PinKey], why: str) -> None:
        keys = [k for k in dict.fromkeys(keys) if k not in dropped]
        if not keys:
            return
        messages.append(f"{' and '.join(_key_label(pb, k) for k in keys)} cannot all be kept: {why}")
        dropped.update(keys)

    # pairs and counts, per official and per host
    by_official: dict[str, list[_Item]] = defaultdict(list)
    by_host_slot: dict[tuple[str, str], list[_Item]] = defaultdict(list)
    for it in items:
        by_official[it[1]].append(it)
        by_host_slot[(it[2], it[3])].append(it)
    for o, its in by_official.items():
        max_sessions, max_per_day = k.limit[o]
        its = [it for it in its if it[0] not in dropped]
        seen: dict[tuple[str, str], _Item] = {}
        for it in its:
            for (h2, s2), it2 in seen.items():
                if (h2, s2) != (it[2], it[3]) and k.overlaps(s2, it[3]):
                    drop(
                        [it2[0], it[0]],
                        f"{pb.who(o)} would be in two sessions at once "
                        f"({pb.host_slot(h2, s2)}; {pb.host_slot(it[2], it[3])})",
                    )
            seen.setdefault((it[2], it[3]), it)
        hosts = defaultdict(set)
        for it in its:
            hosts[it[2]].add(it[3])
        for h, ss in hosts.items():
            if len(ss) > 1:
                drop(
                    [it[0] for it in its if it[2] == h], f"{pb.who(o)} would meet {pb.who(h)} more than once"
                )
        distinct = {(it[2], it[3]): it for it in its}
        if len(distinct) > max_sessions:
            drop(
                [it[0] for it in distinct.values()],
                f"{pb.who(o)} may take at most {_n(max_sessions, 'session')}",
            )
        per_day = defaultdict(list)
        for it in distinct.values():
            per_day[k.day[it[3]]].append(it)
        for _day, xs in per_day.items():
            if len(xs) > max_per_day:
                drop(
                    [it[0] for it in xs],
                    f"{pb.who(o)} may take at most {_n(max_per_day, 'session')} a day",
                )
    host_slots: dict[str, set[str]] = defaultdict(set)
    for (h, s), its in by_host_slot.items():
        its = [it for it in its if it[0] not in dropped]
        if not its:
            continue
        host = pb.hosts[h]
        host_slots[h].add(s)
        topics = set(host.expertise)
        for it in its:
            topics &= (
                {it[4]}
                if it[4]
                else {t for t in host.expertise if pb.officials[it[1]].interests.get(t, 0) >= 1}
            )
        if not topics:
            drop(
                [it[0] for it in its],
                f"the officials pinned with {pb.host_slot(h, s)} share no topic {pb.who(h)} leads",
            )
        officials = {it[1] for it in its}
        if len(officials) > rules.max_guests:
            drop(
                [it[0] for it in its],
                f"more than {rules.max_guests} officials pinned with {pb.host_slot(h, s)}",
            )
        for c in k.country_excess(officials):
            drop(
                [it[0] for it in its if pb.officials[it[1]].country == c],
                f"more than {rules.max_same_country} officials from {c} pinned with {pb.host_slot(h, s)}",
            )
    for h, ss in host_slots.items():
        host = pb.hosts[h]
        max_sessions, max_per_day = k.limit[h]
        keys = [it[0] for s in ss for it in by_host_slot[(h, s)]]
        if len(ss) > max_sessions:
            drop(keys, f"{pb.who(h)} holds at most {_n(max_sessions, 'session')}")
        host_days = Counter(k.day[s] for s in ss)
        if host_days and max(host_days.values()) > max_per_day:
            drop(keys, f"{pb.who(h)} holds at most {_n(max_per_day, 'session')} a day")
        for s in ss:
            for s2 in ss:
                if s < s2 and k.overlaps(s, s2):
                    drop(
                        [it[0] for x in (s, s2) for it in by_host_slot[(h, x)]],
                        f"{pb.who(h)} would hold two sessions at once ({pb.when(s, host.location)}; "
                        f"{pb.when(s2, host.location)})",
                    )
    return messages, dropped


PIN_CHECK_SHARE = 0.05  # of the time limit, at most, for the pin check
PIN_CHECK_MIN = 0.2  # seconds, however short the time limit


def pin_check_seconds(time_limit: float) -> float:
    """The pin check's fixed share of the time limit."""
    return max(PIN_CHECK_MIN, PIN_CHECK_SHARE * time_limit)


@dataclass(slots=True)
class PinCheck:
    """The pins-only model's answer: ``sessions`` keeping every pin (``status`` "kept"),
    pins proven impossible together (``conflicts`` messages and ``dropped`` keys), or
    "unknown" when the share of the time ran out first."""

    status: str
    sessions: list[Draft]
    messages: list[str]
    dropped: set[PinKey]


def pin_check(pb: Problem, seconds: float, seed: int = 0) -> PinCheck:
    """Can every pin be kept together? The model holds only the pinned host slots, with
    every candidate there (``Problem`` reserves them before any cap), and every hard rule.
    It is exact: any valid schedule keeping the pins, with its other sessions removed, is
    a solution of it, so "infeasible" is a proof under the program's rules. Pins in an
    infeasible core are named; one is left out and the rest checked again while time is
    left. Presolve stays off with assumptions (or-tools #5141: the core is then reliable;
    no hints are mixed in, #4324)."""
    from dataclasses import replace

    from solver.model import SessionModel

    deadline = time.monotonic() + seconds
    messages: list[str] = []
    dropped: set[PinKey] = set()
    pb2 = pb
    while True:
        hs = pb2.pin_host_slots()
        cands = pb2.candidates_at(hs)
        sm = SessionModel(pb2, cands, pins_as_assumptions=True)
        left = deadline - time.monotonic()
        if left <= 0.02:
            return PinCheck("unknown", [], messages, dropped)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = left
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.cp_model_presolve = False
        # a first solution is all the check asks for: without the LP relaxation (its cuts
        # and the probing over it) it came in 0.2 s instead of 1.1-1.3 s on a 600-official
        # program (15 pins, 4,247 candidates), well inside the check's small share
        solver.parameters.linearization_level = 0
        solver.parameters.stop_after_first_solution = True
        status = solver.solve(sm.m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            sessions = sm.extract(solver.value)
            pinned: dict[tuple[str, str], set[str]] = defaultdict(set)
            for p in pb2.inp.pins:
                pinned[(p.host, p.slot)].add(p.official)
            for ps in pb2.inp.previous or ():
                pinned[(ps.host, ps.slot)].update(ps.pinned)
                for d in sessions:
                    if (d.host, d.slot) == (ps.host, ps.slot) and ps.pinned:
                        d.id = ps.id
            for d in sessions:
                d.pinned = [o for o in d.officials if o in pinned.get((d.host, d.slot), ())]
            return PinCheck("kept", sessions, messages, dropped)
        if status != cp_model.INFEASIBLE:
            return PinCheck("unknown", [], messages, dropped)
        core = set(solver.sufficient_assumptions_for_infeasibility())
        names = [name for name, lit in sm.pin_literals.items() if lit.index in core]
        if not names:
            return PinCheck("unknown", [], messages, dropped)
        left_out = names[-1]
        keys = [_name_key(n) for n in names]
        messages.append(
            f"{' and '.join(_key_label(pb, k) for k in keys)} cannot all be kept together under the "
            f"program's rules (people's session limits, clashes, or too few others to fill the "
            f"sessions); left out: {_key_label(pb, _name_key(left_out))}"
        )
        dropped.add(_name_key(left_out))
        inp2 = replace(
            pb2.inp,
            pins=tuple(p for p in pb2.inp.pins if ("pin", p.official, p.host, p.slot) not in dropped),
            previous=None
            if pb2.inp.previous is None
            else tuple(
                replace(s, pinned=()) if ("session", s.id) in dropped else s for s in pb2.inp.previous
            ),
        )
        pb2 = pb2.with_input(inp2)


def _key_label(pb: Problem, key: PinKey) -> str:
    if key[0] == "pin":
        return pin_label(pb, key[1], key[2], key[3])
    return f"pinned session {key[1]}"


def _name_key(name: str) -> PinKey:
    parts = name.split()
    if parts[0] == "pin":  # "pin o with h at s"
        return ("pin", parts[1], parts[3], parts[5])
    return ("session", parts[1])  # "session id"


# --------------------------------------------------------------------------- unmatched


def explain_unmatched(
    pb: Problem, sessions: list[Draft], deadline: float | None = None
) -> list[UnmatchedOut]:
    """Officials below their minimum, each with a reason staff can act on. Past
    ``deadline`` (``time.monotonic``) the rest get a short reason (the time limit is the
    user's)."""
    count: Counter[str] = Counter(o for d in sessions for o in d.officials)
    ctx = _Context(pb, sessions)
    out = []
    for o, off in pb.officials.items():
        if count[o] >= off.min_sessions:
            continue
        if deadline is not None and time.monotonic() > deadline:
            why = "below their minimum; no reason worked out within the time limit (the check command lists the rules)"
        else:
            why = _reason(pb, off, ctx, count[o])
        out.append(UnmatchedOut(o, count[o], off.min_sessions, why))
    return out


class _Context:
    """What every reason looks up, built once per schedule: the schedule's :class:`Book`
    (sessions by host slot, who is full) and, per host slot, the languages whose speakers
    can follow one of its sessions (a bit mask, as ``pb.kernel.speaks``)."""

    def __init__(self, pb: Problem, sessions: list[Draft]):
        self.pb = pb
        self.book = Book(pb, sessions)
        self.hosts_by_topic: dict[str, set[str]] = defaultdict(set)
        for host in pb.hosts.values():
            for t in host.expertise:
                self.hosts_by_topic[t].add(host.id)
        at: dict[str, set[str]] = defaultdict(set)
        for h, s in pb.host_slots:
            at[s].add(h)
        self.host_sets = {s: frozenset(hs) for s, hs in at.items()}
        self.location = {h.id: h.location for h in pb.hosts.values()}
        self.virtual = {h.id: h.virtual for h in pb.hosts.values()}
        k = pb.kernel
        self.speakers_at: dict[tuple[str, str], int] = {}
        for h, s in pb.host_slots:
            mask = 0
            for opt, serves in zip(pb.options[(h, s)], k.serves(h, s), strict=True):
                if opt.in_person_ok or self.virtual[h]:
                    mask |= serves
            self.speakers_at[(h, s)] = mask


def _reason(pb: Problem, off: OfficialIn, ctx: _Context, has: int) -> str:
    o = off.id
    langs = _languages(pb, off.languages)
    if not off.availability:
        return "is not available at any slot of the program"
    days = sorted({pb.slots[s].day_label or str(pb.slots[s].day) for s in off.availability})
    sites = sorted({_site(pb, w) for w in off.availability.values()})
    where = f"{_list(days)} at {_list(sites)}"
    own = pb.kernel.speaks.get(o, 0)
    # the usual case first: hosts leading a topic they care about, there and then, whom
    # they can follow (set intersections over indexes: cheap at 2,000 officials)
    cares: set[str] = set()
    for t in off.interests:
        cares |= ctx.hosts_by_topic.get(t, set())
    hosts_at = ctx.host_sets
    loc, virt, spk = ctx.location, ctx.virtual, ctx.speakers_at
    topical = [
        (hid, s)
        for s, w in off.availability.items()
        for hid in hosts_at.get(s, frozenset()) & cares
        if (w is None or loc[hid] in w or virt[hid]) and own & spk[(hid, s)]
    ]
    if not topical:
        # 1. a host there and then
        reach = [
            (hid, s)
            for s, w in off.availability.items()
            for hid in hosts_at.get(s, ())
            if w is None or loc[hid] in w or virt[hid]
        ]
        if not reach:
            return f"available only on {where}, where no host is available"
        # 2. a language they follow
        if not any(own & spk[hs] for hs in reach):
            at = "" if sites == ["anywhere"] else f" at {_list(sites)}"
            return f"speaks only {langs}; no host or interpreter{at} speaks {langs}"
        # 3. a topic they care about
        interests = _list(pb.inp.topic_names.get(t, t) for t in off.interests)
        return (
            f"interested only in {interests}; no host at {_list(sites)} who is available then "
            f"and speaks {langs} (or has an interpreter) leads those topics"
        )
    # 4. forbidden pairs
    allowed = [(h, s) for h, s in topical if (o, h) not in pb.forbidden]
    if not allowed:
        return f"the only possible hosts ({_list(pb.who(h) for h, _s in topical)}) are forbidden pairs for {pb.who(o)}"
    hosts = {h for h, _s in allowed}
    if len(hosts) < off.min_sessions:
        return (
            f"can meet only {_n(len(hosts), 'different host')} ({_list(pb.who(h) for h in hosts)}) but needs "
            f"{_n(off.min_sessions, 'session')}; each host can be met once"
        )
    slots = {s for _h, s in allowed}
    if off.max_sessions < off.min_sessions:
        return f"max_sessions ({off.max_sessions}) is below min_sessions ({off.min_sessions})"
    if len(slots) < off.min_sessions:
        return (
            f"has only {_n(len(slots), 'usable slot')} ({_list(pb.when(x) for x in slots)}) but needs "
            f"{_n(off.min_sessions, 'session')}"
        )
    # 5. the possible sessions went elsewhere
    book = ctx.book
    topics = sorted({t for h in hosts for t in pb.hosts[h].expertise if off.interests.get(t, 0) >= 1})
    topic_names = _list(pb.inp.topic_names.get(t, t) for t in topics)
    host_full = [h for h in hosts if book.full(h)]
    other_topic = full = country = 0
    for hs in allowed:
        d = book.at.get(hs)
        if d is None:
            continue
        if off.interests.get(d.topic, 0) < 1:
            other_topic += 1
        elif not book.has_room(d):
            full += 1
        elif not book.country_room(d, o):
            country += 1
    if len(host_full) == len(hosts):
        return (
            f"interested in {topic_names}; the {_n(len(hosts), 'host')} with that expertise who "
            f"could meet them ({_list(pb.who(h) for h in hosts)}) {_are(len(hosts))} full"
        )
    parts = []
    if host_full:
        parts.append(f"{len(host_full)} of the {_n(len(hosts), 'possible host')} {_are(len(host_full))} full")
    if full:
        parts.append(f"{_n(full, 'matching session')} already full ({pb.rules.max_guests} officials)")
    if other_topic:
        parts.append(f"{_n(other_topic, 'possible session')} went to topics they are not interested in")
    if country:
        parts.append(
            f"{_n(country, 'session')} already had {pb.rules.max_same_country} officials from {off.country}"
        )
    detail = "; ".join(parts) if parts else "too few other officials could join the same session"
    return (
        f"interested in {topic_names} on {where}: {detail}; other officials were "
        f"served first (pin them to a host or add a host)"
    )
