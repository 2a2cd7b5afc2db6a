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

import zlib
from collections import defaultdict
from dataclasses import dataclass

from solver.types import IN_PERSON, VIRTUAL, HostIn, OfficialIn, SolverInput

VIRTUAL_PER_SLOT = 8  # virtual candidates kept per official and slot
PER_SLOT = 16  # host choices kept per official and slot (at their site first, then virtual)
PER_SLOT_LARGE = 8  # the same for programs with more than LARGE_PROGRAM officials
LARGE_PROGRAM = 1000


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
            for b in order[i + 1 :]:
                if b.start >= a.end:
                    break
                self.overlap[a.id].add(b.id)
                self.overlap[b.id].add(a.id)
        cliques = set()
        for s in order:
            group = frozenset(x.id for x in order if x.start <= s.start < x.end)
            cliques.add(group)
        # drop groups contained in another group
        self.cliques = [
            sorted(c, key=self.slot_order.index) for c in cliques if not any(c < d for d in cliques)
        ]
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
        """Candidates per official and slot: hosts at the official's site first, then
        virtual ones (hosts elsewhere who offer video), strongest interest first, at most
        ``per_slot`` in all and ``VIRTUAL_PER_SLOT`` virtual ones: in a large program
        every official could otherwise join every virtual host at every slot. Hosts are
        found through indexes (slot and site; slot and topic), never by scanning all."""
        at_site: dict[tuple[str, str], list[str]] = defaultdict(list)  # (slot, site) -> hosts
        at_slot: dict[str, list[str]] = defaultdict(list)
        remote_by_topic: dict[tuple[str, str], list[str]] = defaultdict(
            list
        )  # (slot, topic) -> virtual hosts
        for h, s in self.host_slots:
            host = self.hosts[h]
            at_site[(s, host.location)].append(h)
            at_slot[s].append(h)
            if host.virtual:
                for t in host.expertise:
                    remote_by_topic[(s, t)].append(h)
        follow_cache: dict[tuple[str, str, tuple[str, ...]], tuple[int, ...]] = {}
        per_slot = PER_SLOT if len(self.inp.officials) <= LARGE_PROGRAM else PER_SLOT_LARGE
        self.cands: list[Candidate] = []
        for o in self.inp.officials:
            if o.max_sessions <= 0 or o.max_per_day <= 0:
                continue
            langs = tuple(sorted(o.languages))
            spin = zlib.crc32(o.id.encode())
            by_weight = sorted(o.interests, key=lambda t: (-o.interests[t], t))

            def consider(hid: str, s: str, virtual_only: bool, out: list) -> None:
                if (o.id, hid) in self.forbidden:
                    return
                h = self.hosts[hid]
                topics = [t for t in h.expertise if o.interests.get(t, 0) >= 1]
                if not topics:
                    return
                key = (hid, s, langs)
                opts = follow_cache.get(key)
                if opts is None:
                    opts = tuple(k for k, opt in enumerate(self.options[(hid, s)]) if self.follows(o, opt))
                    follow_cache[key] = opts
                if opts:
                    best = max(o.interests[t] for t in topics)
                    out.append((virtual_only, -best, zlib.crc32(f"{o.id}|{hid}".encode()), hid, topics, opts))

            for s, where in o.availability.items():
                local: list[tuple] = []
                remote: list[tuple] = []
                if where is None:
                    for hid in at_slot.get(s, ()):
                        consider(hid, s, False, local)
                else:
                    for hid in at_site.get((s, where), ()):
                        consider(hid, s, False, local)
                    seen: set[str] = set()
                    for t in by_weight:
                        hosts = remote_by_topic.get((s, t), ())
                        n = len(hosts)
                        for k in range(n):
                            hid = hosts[(k + spin) % n]
                            if hid in seen or self.hosts[hid].location == where:
                                continue
                            seen.add(hid)
                            consider(hid, s, True, remote)
                            if len(remote) >= 2 * VIRTUAL_PER_SLOT:
                                break
                        if len(remote) >= 2 * VIRTUAL_PER_SLOT:
                            break
                local.sort()
                remote.sort()
                local = local[:per_slot]
                remote = remote[: min(VIRTUAL_PER_SLOT, max(per_slot - len(local), VIRTUAL_PER_SLOT // 2))]
                for virtual_only, _b, _r, hid, topics, opts in local + remote:
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
