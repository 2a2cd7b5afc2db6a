"""Indexed view of a :class:`SolverInput`: who can meet whom, where and when.

Everything the model, the construction heuristic and the diagnosis need is computed here
once, from indexed data (no nested scans over the whole program). Impossible
combinations are filtered before any CP-SAT variable exists:

* a host slot ``(h, s)`` exists only when the host is available and has any capacity;
* a *language option* of a host slot is ``(language, interpreter or None)``; an
  interpreter whose window at that slot is elsewhere makes the option virtual-only;
* a *candidate* ``(o, h, s, t)`` needs the official available at ``s``, interested in
  ``t`` (which the host leads), not forbidden with the host, at the host's site (or the
  host offers video), and at least one language option the official can follow.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from solver.types import IN_PERSON, VIRTUAL, HostIn, OfficialIn, SolverInput


@dataclass(slots=True)
class LangOption:
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


class Problem:
    def __init__(self, inp: SolverInput):
        self.inp = inp
        self.rules = inp.rules
        self.slots = {s.id: s for s in inp.slots}
        self.slot_order = [s.id for s in sorted(inp.slots, key=lambda s: (s.start, s.end, s.id))]
        self.officials = {o.id: o for o in inp.officials}
        self.hosts = {h.id: h for h in inp.hosts}
        self.interpreters = {i.id: i for i in inp.interpreters}
        self.forbidden = {(f.official, f.host) for f in inp.forbidden}
        self._overlaps()
        self._language_options()
        self._candidates()

    # ------------------------------------------------------------------ time
    def _overlaps(self) -> None:
        """``overlap[s]``: slots whose time overlaps ``s`` (incl. ``s``); ``cliques``: groups
        of slots that all share one instant (at most one session per person per group)."""
        order = [self.slots[x] for x in self.slot_order]
        self.overlap: dict[str, set[str]] = {s.id: {s.id} for s in order}
        for i, a in enumerate(order):
            for b in order[i + 1:]:
                if b.start >= a.end:
                    break
                self.overlap[a.id].add(b.id)
                self.overlap[b.id].add(a.id)
        cliques = set()
        for s in order:
            group = frozenset(x.id for x in order if x.start <= s.start < x.end)
            cliques.add(group)
        # drop groups contained in another group
        self.cliques = [sorted(c, key=self.slot_order.index) for c in cliques
                        if not any(c < d for d in cliques)]
        self.days = sorted({s.day for s in order})

    def day(self, slot: str) -> int:
        return self.slots[slot].day

    # ------------------------------------------------------------------ host slots
    def _language_options(self) -> None:
        by_slot: dict[str, list[str]] = defaultdict(list)
        for i in self.inp.interpreters:
            if i.max_sessions > 0 and i.max_per_day > 0:
                for s in i.availability:
                    if s in self.slots:
                        by_slot[s].append(i.id)
        self.host_slots: list[tuple[str, str]] = []
        self.options: dict[tuple[str, str], list[LangOption]] = {}
        for h in self.inp.hosts:
            if h.max_sessions <= 0 or h.max_per_day <= 0:
                continue
            for s in self.slot_order:
                if s not in h.availability:
                    continue
                opts = []
                for lang in h.languages:
                    opts.append(LangOption(lang, None, True))
                    for iid in by_slot.get(s, ()):
                        interp = self.interpreters[iid]
                        if lang not in interp.languages:
                            continue
                        where = interp.availability[s]
                        ok = where is None or where == h.location
                        if ok or h.virtual:
                            opts.append(LangOption(lang, iid, ok))
                self.host_slots.append((h.id, s))
                self.options[(h.id, s)] = opts

    # ------------------------------------------------------------------ candidates
    def follows(self, o: OfficialIn, opt: LangOption) -> bool:
        """Can the official follow a session in this language option?"""
        if opt.language in o.languages:
            return True
        if opt.interpreter is None:
            return False
        interp = self.interpreters[opt.interpreter]
        return any(lang in interp.languages for lang in o.languages)

    @staticmethod
    def at_site(where: str | None, host: HostIn) -> bool:
        return where is None or where == host.location

    def _candidates(self) -> None:
        hosts_at: dict[str, list[str]] = defaultdict(list)  # slot -> hosts available
        for h, s in self.host_slots:
            hosts_at[s].append(h)
        self.cands: list[Candidate] = []
        for o in self.inp.officials:
            if o.max_sessions <= 0 or o.max_per_day <= 0:
                continue
            for s, where in o.availability.items():
                for hid in hosts_at.get(s, ()):
                    if (o.id, hid) in self.forbidden:
                        continue
                    h = self.hosts[hid]
                    virtual_only = not self.at_site(where, h)
                    if virtual_only and not h.virtual:
                        continue
                    topics = [t for t in h.expertise if o.interests.get(t, 0) >= 1]
                    if not topics:
                        continue
                    opts = tuple(k for k, opt in enumerate(self.options[(hid, s)]) if self.follows(o, opt))
                    if not opts:
                        continue
                    for t in topics:
                        self.cands.append(Candidate(o.id, hid, s, t, o.interests[t], virtual_only, opts))

    # ------------------------------------------------------------------ checks
    def fits(self, o: OfficialIn, h: HostIn, s: str, t: str, opt: LangOption, mode: str) -> bool:
        """Whether official ``o`` may join this session (all per-official hard rules but
        counting limits and clashes)."""
        if s not in o.availability or (o.id, h.id) in self.forbidden:
            return False
        if o.interests.get(t, 0) < 1 or t not in h.expertise:
            return False
        if mode == IN_PERSON and not self.at_site(o.availability[s], h):
            return False
        if mode == VIRTUAL and not h.virtual:
            return False
        return self.follows(o, opt)
