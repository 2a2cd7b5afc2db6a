"""The hard-rule kernel: the one place inside the solver that knows the spec's hard rules.

Two pieces, both built on :class:`solver.problem.Problem`'s indexes:

* :class:`Kernel` (one per problem, ``pb.kernel``): the static rules, as indexed or bit
  data: each person's limits, each slot's program day and the slots it overlaps (a bit
  mask), the languages each person speaks and each language option serves (bit masks),
  availability and sites, forbidden pairs, and :meth:`Kernel.fits` (may this official
  join this session, all but the counting rules).
* :class:`Book`: the counting rules over a set of sessions: who is busy at a slot (one
  session at a time), sessions per person and per program day, the host met once, the
  country cap and the guest cap of a session. The construction fills one, a neighbourhood
  model counts the fixed sessions with one (:meth:`Book.filter`), the solver's own check
  replays a schedule into one (:func:`violations`) and the diagnosis reads one.

Availability comes resolved per slot (``{slot: site or None}``) the way the rule checker
resolves it: every window that holds the slot counts, one without a location makes the
person available anywhere then (``exchange_app.services.solving``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from solver.types import IN_PERSON, VIRTUAL, HostIn, OfficialIn, Where

if TYPE_CHECKING:
    from solver.problem import Problem


@dataclass(slots=True)
class LangOption:
    """A host slot's language option: the language, and the interpreter or None."""

    language: str
    interpreter: str | None
    in_person_ok: bool  # False: the interpreter is elsewhere, so the session must be virtual


@dataclass(slots=True)
class Candidate:
    """Official ``o`` could join host ``h`` at slot ``s`` on topic ``t``."""

    o: str
    h: str
    s: str
    t: str
    weight: int
    virtual_only: bool  # the official is elsewhere at that slot
    options: tuple[int, ...]  # indices of the host slot's language options the official can follow


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

    def copy(self) -> Draft:
        return Draft(
            self.host,
            self.slot,
            self.topic,
            self.language,
            self.mode,
            self.interpreter,
            list(self.officials),
            list(self.pinned),
            self.id,
        )


def at_site(where: Where, host: HostIn) -> bool:
    """A person who may be at ``where`` at a slot can be at ``host``'s site then."""
    return where is None or host.location in where


def places(where: Where) -> Iterable[str | None]:
    """The index keys of ``where``: each of its sites, or None for anywhere."""
    return (None,) if where is None else where


class Kernel:
    """The static hard rules of one problem, as indexed data."""

    def __init__(self, pb: Problem):
        self.pb = pb
        self.rules = pb.rules
        self.officials = pb.officials
        self.hosts = pb.hosts
        self.interpreters = pb.interpreters
        self.forbidden = pb.forbidden
        # per person: (max_sessions, max_per_day)
        self.limit: dict[str, tuple[int, int]] = {}
        for people in (pb.inp.interpreters, pb.inp.hosts, pb.inp.officials):
            for p in people:
                self.limit[p.id] = (p.max_sessions, p.max_per_day)
        # per slot: program day, own bit, bit mask of the slots it overlaps (itself too)
        self.day: dict[str, int] = {s: pb.slots[s].day for s in pb.slot_order}
        self.bit: dict[str, int] = {s: 1 << i for i, s in enumerate(pb.slot_order)}
        self.clash_mask: dict[str, int] = {s: sum(self.bit[x] for x in pb.overlap[s]) for s in pb.slot_order}
        # languages as bits: what each person speaks, what each language option serves
        self._lang_bit: dict[str, int] = {}
        self.speaks: dict[str, int] = {}
        for people2 in (pb.inp.officials, pb.inp.hosts, pb.inp.interpreters):
            for q in people2:
                self.speaks[q.id] = self.lang_mask(q.languages)
        self._serves: dict[tuple[str, str], list[int]] = {}
        self._by_site: dict[tuple[str, str | None, str], list[str]] | None = None
        self._by_slot: dict[tuple[str, str], list[str]] = {}

    # ------------------------------------------------------------------ availability
    def interested(self, slot: str, topic: str, location: str | None) -> list[str]:
        """Officials available at ``slot`` and interested in ``topic`` who can be at
        ``location`` then (there, or anywhere); ``location`` None: wherever they are (a
        session by video). An index built once."""
        if self._by_site is None:
            by_site: dict[tuple[str, str | None, str], list[str]] = defaultdict(list)
            by_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
            for o in self.pb.inp.officials:
                topics = [t for t, w in o.interests.items() if w >= 1]
                for s, where in o.availability.items():
                    for t in topics:
                        for loc in places(where):
                            by_site[(s, loc, t)].append(o.id)
                        by_slot[(s, t)].append(o.id)
            self._by_site, self._by_slot = dict(by_site), dict(by_slot)
        if location is None:
            return self._by_slot.get((slot, topic), [])
        return self._by_site.get((slot, location, topic), []) + self._by_site.get((slot, None, topic), [])

    # ------------------------------------------------------------------ languages
    def lang_mask(self, languages: Iterable[str]) -> int:
        mask = 0
        for lang in languages:
            b = self._lang_bit.get(lang)
            if b is None:
                b = self._lang_bit[lang] = 1 << len(self._lang_bit)
            mask |= b
        return mask

    def serves(self, h: str, s: str) -> list[int]:
        """Per language option of host slot ``(h, s)``: the languages whose speakers can
        follow it (its language, and the interpreter's)."""
        got = self._serves.get((h, s))
        if got is None:
            got = []
            for opt in self.pb.options.get((h, s), ()):
                mask = self.lang_mask((opt.language,))
                if opt.interpreter is not None:
                    mask |= self.speaks.get(opt.interpreter, 0)
                got.append(mask)
            self._serves[(h, s)] = got
        return got

    def option_mask(self, opt: LangOption) -> int:
        mask = self.lang_mask((opt.language,))
        if opt.interpreter is not None:
            mask |= self.speaks.get(opt.interpreter, 0)
        return mask

    def follows(self, o: OfficialIn, opt: LangOption) -> bool:
        """Can the official follow a session in this language option (rule 5)?"""
        return bool(self.speaks.get(o.id, 0) & self.option_mask(opt))

    # ------------------------------------------------------------------ time
    def overlaps(self, a: str, b: str) -> bool:
        return bool(self.clash_mask[a] & self.bit[b])

    # ------------------------------------------------------------------ one official, one session
    def fits(self, o: OfficialIn, h: HostIn, s: str, t: str, opt: LangOption, mode: str) -> bool:
        """Whether official ``o`` may join this session: every per-official hard rule but
        the counting ones (available, not a forbidden pair, interested in a topic the host
        leads, at the site for an in-person session, follows the language)."""
        if s not in o.availability or (o.id, h.id) in self.forbidden:
            return False
        where = o.availability[s]
        if o.interests.get(t, 0) < 1 or t not in h.expertise:
            return False
        if mode == IN_PERSON and not at_site(where, h):
            return False
        if mode == VIRTUAL and not h.virtual:
            return False
        return self.follows(o, opt)

    def country_excess(self, officials: Iterable[str]) -> dict[str, int]:
        """Countries with more than ``max_same_country`` of ``officials``, and how many."""
        count: dict[str, int] = defaultdict(int)
        for o in officials:
            off = self.officials.get(o)
            if off is not None:
                count[off.country] += 1
        cap = self.rules.max_same_country
        return {c: n for c, n in count.items() if n > cap}


class Book:
    """The counting rules over a set of sessions: who is busy when (bit masks of slots),
    sessions per person and per day, hosts met, and the sessions by host slot."""

    def __init__(self, pb: Problem, sessions: Sequence[Draft] = ()):
        self.pb = pb
        self.k = pb.kernel
        self.reset(sessions)

    def reset(self, sessions: Sequence[Draft]) -> None:
        """Count ``sessions`` afresh (this same book: whoever holds it keeps holding it)."""
        self.total: dict[str, int] = defaultdict(int)
        self.per_day: dict[tuple[str, int], int] = defaultdict(int)
        self.busy: dict[str, int] = defaultdict(int)  # person -> bit mask of their slots
        self.met: set[tuple[str, str]] = set()
        self.interest: dict[str, int] = defaultdict(int)  # official -> interest so far
        self.at: dict[tuple[str, str], Draft] = {}  # (host, slot) -> session, in the order opened
        # the officials free at one slot, kept up to date (the construction asks per host)
        self._free_slot: str | None = None
        self._free_set: set[str] = set()
        for d in sessions:
            self.open(d)

    @property
    def sessions(self) -> list[Draft]:
        """The sessions, in the order they were opened."""
        return list(self.at.values())

    def busy_host_slots(self, person: str) -> list[tuple[str, str]]:
        """The (host, slot) of every session ``person`` is in (a scan: for occasional use)."""
        return [hs for hs, d in self.at.items() if person in d.officials or d.host == person]

    # ------------------------------------------------------------------ who is free
    def clashes(self, person: str, slot: str) -> bool:
        """In a session at a time that overlaps ``slot`` (rule 2)."""
        return bool(self.busy.get(person, 0) & self.k.clash_mask[slot])

    def free(self, person: str, slot: str) -> bool:
        """Not busy then, below their session limit and their limit for that day (rules 2, 7)."""
        max_sessions, max_per_day = self.k.limit[person]
        return (
            self.total.get(person, 0) < max_sessions
            and self.per_day.get((person, self.k.day[slot]), 0) < max_per_day
            and not self.busy.get(person, 0) & self.k.clash_mask[slot]
        )

    def official_free(self, o: str, slot: str, host: str) -> bool:
        """Free, and has not met ``host`` yet (rule 8)."""
        return (o, host) not in self.met and self.free(o, slot)

    host_free = free
    interpreter_free = free

    def free_officials(self, slot: str) -> set[str]:
        """The officials available at ``slot`` and :meth:`free` then (kept up to date as
        sessions change, for one slot at a time)."""
        if self._free_slot != slot:
            self._free_set = {o for o in self.pb.officials_at(slot) if self.free(o, slot)}
            self._free_slot = slot
        return self._free_set

    def full(self, person: str) -> bool:
        """At their session limit."""
        return self.total.get(person, 0) >= self.k.limit[person][0]

    # ------------------------------------------------------------------ one session
    def country_room(self, d: Draft, o: str) -> bool:
        """Adding ``o`` keeps the country cap of session ``d`` (rule 3)."""
        offs = self.k.officials
        c = offs[o].country
        return sum(1 for x in d.officials if offs[x].country == c) < self.k.rules.max_same_country

    def has_room(self, d: Draft) -> bool:
        """Below the guest cap (rule 3)."""
        return len(d.officials) < self.k.rules.max_guests

    def can_join(self, d: Draft, o: str) -> bool:
        """Every hard rule holds with ``o`` added to session ``d``."""
        pb = self.pb
        if o in d.officials or not self.has_room(d):
            return False
        opt = LangOption(d.language, d.interpreter, True)
        return (
            self.k.fits(pb.officials[o], pb.hosts[d.host], d.slot, d.topic, opt, d.mode)
            and self.official_free(o, d.slot, d.host)
            and self.country_room(d, o)
        )

    # ------------------------------------------------------------------ changes
    def _take(self, person: str, slot: str, sign: int) -> None:
        self.total[person] += sign
        self.per_day[(person, self.k.day[slot])] += sign
        if sign > 0:
            self.busy[person] |= self.k.bit[slot]
            if self._free_slot is not None and person in self._free_set:
                if not self.free(person, self._free_slot):
                    self._free_set.discard(person)
        else:
            self.busy[person] &= ~self.k.bit[slot]
            self._free_slot = None  # someone may be free again: recount when asked

    def count(self, person: str, slot: str) -> None:
        """Count ``person`` busy at ``slot`` (a session not in this book, e.g. a previous one)."""
        self._take(person, slot, 1)

    def open(self, d: Draft) -> None:
        self._take(d.host, d.slot, 1)
        if d.interpreter:
            self._take(d.interpreter, d.slot, 1)
        offs = self.k.officials
        for o in d.officials:
            self._take(o, d.slot, 1)
            self.met.add((o, d.host))
            self.interest[o] += offs[o].interests.get(d.topic, 0)
        self.at[(d.host, d.slot)] = d

    def add(self, d: Draft, o: str) -> None:
        d.officials.append(o)
        self._take(o, d.slot, 1)
        self.met.add((o, d.host))
        self.interest[o] += self.k.officials[o].interests.get(d.topic, 0)

    def remove(self, d: Draft, o: str) -> None:
        d.officials.remove(o)
        if o in d.pinned:
            d.pinned.remove(o)
        self._take(o, d.slot, -1)
        self.met.discard((o, d.host))
        self.interest[o] -= self.k.officials[o].interests.get(d.topic, 0)

    def withdraw(self, d: Draft) -> None:
        """Undo :meth:`open`, leaving ``d`` as it is (to :meth:`open` it again)."""
        offs = self.k.officials
        for o in d.officials:
            self._take(o, d.slot, -1)
            self.met.discard((o, d.host))
            self.interest[o] -= offs[o].interests.get(d.topic, 0)
        self._take(d.host, d.slot, -1)
        if d.interpreter:
            self._take(d.interpreter, d.slot, -1)
        del self.at[(d.host, d.slot)]

    def close(self, d: Draft) -> None:
        """Take session ``d`` out, its officials (and pins) removed from it."""
        self.withdraw(d)
        d.officials.clear()
        d.pinned.clear()

    # ------------------------------------------------------------------ candidates
    def filter(self, cands: list[Candidate]) -> list[Candidate]:
        """The candidates still possible next to this book's sessions (held fixed while a
        neighbourhood is re-optimised): the host slot is free, the official has room and
        has not met the host, the host has room, and a language option's interpreter too."""
        if not self.at:
            return list(cands)
        pb = self.pb
        out = []
        bad_option: dict[tuple[str, str], set[int]] = {}
        # each official and host slot comes up once per topic: ask once
        host_free: dict[tuple[str, str], bool] = {}
        official_free: dict[tuple[str, str], bool] = {}
        met = self.met
        for c in cands:
            hs = (c.h, c.s)
            if hs in self.at or (c.o, c.h) in met:
                continue
            ok = host_free.get(hs)
            if ok is None:
                ok = host_free[hs] = self.free(c.h, c.s)
            if not ok:
                continue
            ok = official_free.get((c.o, c.s))
            if ok is None:
                ok = official_free[(c.o, c.s)] = self.free(c.o, c.s)
            if not ok:
                continue
            bad = bad_option.get((c.h, c.s))
            if bad is None:
                bad = {
                    k
                    for k, opt in enumerate(pb.options[(c.h, c.s)])
                    if opt.interpreter and not self.free(opt.interpreter, c.s)
                }
                bad_option[(c.h, c.s)] = bad
            if bad:
                opts = tuple(k for k in c.options if k not in bad)
                if not opts:
                    continue
                if len(opts) < len(c.options):
                    c = Candidate(c.o, c.h, c.s, c.t, c.weight, c.virtual_only, opts)
            out.append(c)
        return out


def session_faults(pb: Problem, d: Draft) -> list[str]:
    """The hard rules session ``d`` breaks on its own (not counting the other sessions)."""
    k = pb.kernel
    rules = pb.rules
    name = f"session {d.host}@{d.slot}"
    h = pb.hosts.get(d.host)
    if h is None or d.slot not in h.availability or d.slot not in k.day:
        return [f"{name}: host not available"]
    out: list[str] = []
    if d.topic not in h.expertise or d.language not in h.languages:
        out.append(f"{name}: topic or language not the host's")
    if d.mode == VIRTUAL and not h.virtual:
        out.append(f"{name}: host does not hold virtual sessions")
    if not rules.min_guests <= len(d.officials) <= rules.max_guests or len(set(d.officials)) != len(
        d.officials
    ):
        out.append(f"{name}: {len(d.officials)} officials")
    if k.country_excess(d.officials):
        out.append(f"{name}: too many from one country")
    if d.interpreter is not None:
        it = pb.interpreters.get(d.interpreter)
        if it is None or d.slot not in it.availability or d.language not in it.languages:
            out.append(f"{name}: interpreter not available or does not speak {d.language}")
        elif d.mode != VIRTUAL and not at_site(it.availability[d.slot], h):
            out.append(f"{name}: interpreter elsewhere")
    opt = LangOption(d.language, d.interpreter, True)
    for o in d.officials:
        off = pb.officials.get(o)
        if off is None or not k.fits(off, h, d.slot, d.topic, opt, d.mode):
            out.append(f"{name}: official {o} cannot join")
    return out


def violations(pb: Problem, sessions: Sequence[Draft], book: Book | None = None) -> list[str]:
    """Every hard rule the schedule breaks: each session's own faults, then the counting
    rules, by replaying the sessions into a :class:`Book`. With ``book`` (the sessions
    around them, valid on their own) ``sessions`` are replayed into it (and stay there) and
    only the people they touch are counted: a neighbourhood's change is checked in the
    time of the neighbourhood, not of the schedule."""
    k = pb.kernel
    out: list[str] = []
    whole = book is None
    book = Book(pb) if book is None else book
    slots_of: dict[str, list[str]] = defaultdict(list)
    touched: set[str] = set()
    for d in sessions:
        faults = session_faults(pb, d)
        out.extend(faults)
        if faults and faults[0].endswith("host not available"):
            continue
        people = [d.host] + ([d.interpreter] if d.interpreter in k.limit else [])
        for o in d.officials:
            if o in k.limit:
                if (o, d.host) in book.met:
                    out.append(f"session {d.host}@{d.slot}: official {o} meets the host twice")
                people.append(o)
        for p in people:
            if book.clashes(p, d.slot):
                other = next((s for s in slots_of[p] if k.overlaps(s, d.slot)), "another session")
                out.append(f"{p}: in two sessions at once ({other}, {d.slot})")
            slots_of[p].append(d.slot)
        touched.update(people)
        valid = [o for o in d.officials if o in k.limit]
        book.open(
            Draft(
                d.host,
                d.slot,
                d.topic,
                d.language,
                d.mode,
                d.interpreter if d.interpreter in k.limit else None,
                valid,
                list(d.pinned),
                d.id,
            )
            if whole or len(valid) != len(d.officials) or (d.interpreter and d.interpreter not in k.limit)
            else d
        )
    for p in book.total if whole else touched:
        max_sessions, max_per_day = k.limit[p]
        if book.total[p] > max_sessions:
            out.append(f"{p}: more than {max_sessions} sessions")
    days = book.per_day if whole else {(p, k.day[s]) for p, ss in slots_of.items() for s in ss}
    over = sorted({p for (p, day) in days if book.per_day[(p, day)] > k.limit[p][1]})
    out.extend(f"{p}: more than {k.limit[p][1]} sessions on a day" for p in over)
    return out
