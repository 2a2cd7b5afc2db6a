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

import copy
import time
import zlib
from collections import defaultdict
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from solver.kernel import Candidate, Kernel, LangOption, at_site, places
from solver.types import SolverInput

__all__ = ["Candidate", "LangOption", "Problem"]

VIRTUAL_PER_SLOT = 8  # virtual candidates kept per official and slot
PER_SLOT = 16  # host choices kept per official and slot (at their site first, then virtual)
PER_SLOT_LARGE = 8  # the same for programs with more than LARGE_PROGRAM officials
LARGE_PROGRAM = 1000


# (virtual only, -strongest interest, tie-break, host, shared topics, language options)
_Choice = tuple[bool, int, int, str, list[str], tuple[int, ...]]


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
        self.kernel = Kernel(self)
        self._cands: list[Candidate] | None = None
        self._at_slot: dict[str, list[str]] | None = None
        self._at_site: dict[tuple[str, str | None], list[str]] | None = None

    @property
    def cands(self) -> list[Candidate]:
        """Every candidate (built on first use; see :meth:`build_candidates`)."""
        if self._cands is None:
            self.build_candidates()
        assert self._cands is not None
        return self._cands

    def build_candidates(self, deadline: float | None = None) -> bool:
        """Build the candidates; False (and none kept) when ``deadline`` (``time.monotonic``)
        passes first: the construction needs none, only the CP-SAT phases do."""
        if self._cands is None:
            self._cands = self._candidates(deadline)
        return self._cands is not None

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
        # slot -> the cliques that hold it (indexes into ``cliques``)
        self.cliques_of: dict[str, list[int]] = defaultdict(list)
        for n, c in enumerate(self.cliques):
            for x in c:
                self.cliques_of[x].append(n)
        self.days = sorted({s.day for s in order})

    def day(self, slot: str) -> int:
        return self.slots[slot].day

    # ------------------------------------------------------------------ host slots
    def _language_options(self) -> None:
        # (slot, language) -> interpreters working in it then (in input order)
        by_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
        for i in self.inp.interpreters:
            if i.max_sessions > 0 and i.max_per_day > 0:
                for s in i.availability:
                    if s in self.slots:
                        for lang in dict.fromkeys(i.languages):
                            by_slot[(s, lang)].append(i.id)
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
                    for iid in by_slot.get((s, lang), ()):
                        where = self.interpreters[iid].availability[s]
                        ok = at_site(where, h)
                        if ok or h.virtual:
                            opts.append(LangOption(lang, iid, ok))
                self.host_slots.append((h.id, s))
                self.options[(h.id, s)] = opts

    # ------------------------------------------------------------------ candidates
    def _candidates(self, deadline: float | None) -> list[Candidate] | None:
        """Candidates per official and slot: hosts at the official's site first, then
        virtual ones (hosts elsewhere who offer video), strongest interest first, at most
        ``per_slot`` in all and ``VIRTUAL_PER_SLOT`` virtual ones: in a large program
        every official could otherwise join every virtual host at every slot. Hosts are
        found through indexes (slot and site; slot and topic), never by scanning all."""
        hosts_at_site: dict[tuple[str, str], list[str]] = defaultdict(list)  # (slot, site) -> hosts
        at_slot: dict[str, list[str]] = defaultdict(list)
        remote_by_topic: dict[tuple[str, str], list[str]] = defaultdict(
            list
        )  # (slot, topic) -> virtual hosts
        for h, s in self.host_slots:
            host = self.hosts[h]
            hosts_at_site[(s, host.location)].append(h)
            at_slot[s].append(h)
            if host.virtual:
                for t in host.expertise:
                    remote_by_topic[(s, t)].append(h)
        # per host slot: language -> bit mask of the options a speaker of it can follow
        lang_masks: dict[tuple[str, str], dict[str, int]] = {}
        mask_opts: dict[int, tuple[int, ...]] = {0: ()}

        def masks_of(hid: str, s: str) -> dict[str, int]:
            got = lang_masks.get((hid, s))
            if got is None:
                got = defaultdict(int)
                for k, opt in enumerate(self.options[(hid, s)]):
                    speakers = {opt.language}
                    if opt.interpreter is not None:
                        speakers.update(self.interpreters[opt.interpreter].languages)
                    for lang in speakers:
                        got[lang] |= 1 << k
                got = dict(got)
                lang_masks[(hid, s)] = got
            return got

        per_slot = PER_SLOT if len(self.inp.officials) <= LARGE_PROGRAM else PER_SLOT_LARGE
        # host slots a pin needs: every candidate there is kept, whatever the caps
        pinned_at: dict[str, set[str]] = defaultdict(set)
        for h, s in self.pin_host_slots():
            pinned_at[s].add(h)
        cands: list[Candidate] = []
        for o in self.inp.officials:
            if o.max_sessions <= 0 or o.max_per_day <= 0:
                continue
            if deadline is not None and time.monotonic() > deadline:
                return None
            langs = tuple(sorted(o.languages))
            spin = zlib.crc32(o.id.encode())
            by_weight = sorted(o.interests, key=lambda t: (-o.interests[t], t))
            # per host: the shared topics, the strongest interest, the tie-break (None: no topic)
            match: dict[str, tuple[list[str], int, int] | None] = {}

            def consider(hid: str, s: str, virtual_only: bool, out: list[_Choice]) -> None:
                if hid in match:
                    m = match[hid]
                else:
                    topics = [t for t in self.hosts[hid].expertise if o.interests.get(t, 0) >= 1]
                    if not topics or (o.id, hid) in self.forbidden:
                        m = None
                    else:
                        best = max(o.interests[t] for t in topics)
                        m = (topics, best, zlib.crc32(f"{o.id}|{hid}".encode()))
                    match[hid] = m
                if m is None:
                    return
                masks = masks_of(hid, s)
                mask = 0
                for lang in langs:
                    mask |= masks.get(lang, 0)
                if mask:
                    opts = mask_opts.get(mask)
                    if opts is None:
                        opts = tuple(k for k in range(mask.bit_length()) if mask >> k & 1)
                        mask_opts[mask] = opts
                    out.append((virtual_only, -m[1], m[2], hid, m[0], opts))

            for s, where in o.availability.items():
                local: list[_Choice] = []
                remote: list[_Choice] = []
                if where is None:
                    for hid in at_slot.get(s, ()):
                        consider(hid, s, False, local)
                else:
                    for loc in where:
                        for hid in hosts_at_site.get((s, loc), ()):
                            consider(hid, s, False, local)
                    seen: set[str] = set()
                    for t in by_weight:
                        hosts = remote_by_topic.get((s, t), ())
                        n = len(hosts)
                        for k in range(n):
                            hid = hosts[(k + spin) % n]
                            if hid in seen or self.hosts[hid].location in where:
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
                reserved: list[_Choice] = []
                pinned_hosts = pinned_at.get(s)
                if pinned_hosts:
                    kept = {x[3] for x in local} | {x[3] for x in remote}
                    for hid in sorted(pinned_hosts - kept):
                        if at_site(where, self.hosts[hid]):
                            consider(hid, s, False, reserved)
                        elif self.hosts[hid].virtual:
                            consider(hid, s, True, reserved)
                for virtual_only, _b, _r, hid, topics, opts in local + remote + reserved:
                    for t in topics:
                        cands.append(Candidate(o.id, hid, s, t, o.interests[t], virtual_only, opts))
        return cands

    def candidates_at(self, host_slots: set[tuple[str, str]]) -> list[Candidate]:
        """Every candidate at these host slots, uncapped (the pin check's model)."""
        out: list[Candidate] = []
        for h, s in sorted(host_slots):
            host = self.hosts[h]
            opts_all = self.options.get((h, s))
            if opts_all is None:
                continue
            for oid in self.officials_at(s):
                o = self.officials[oid]
                if o.max_sessions <= 0 or o.max_per_day <= 0 or (oid, h) in self.forbidden:
                    continue
                where = o.availability[s]
                if at_site(where, host):
                    virtual_only = False
                elif host.virtual:
                    virtual_only = True
                else:
                    continue
                speaks = self.kernel.speaks.get(oid, 0)
                opts = tuple(k for k, mask in enumerate(self.kernel.serves(h, s)) if speaks & mask)
                if not opts:
                    continue
                for t in host.expertise:
                    if o.interests.get(t, 0) >= 1:
                        out.append(Candidate(oid, h, s, t, o.interests[t], virtual_only, opts))
        return out

    def officials_at_site(self, slot: str, location: str) -> list[str]:
        """Officials who can be at ``location`` at ``slot`` (there, or anywhere)."""
        if self._at_site is None:
            at: dict[tuple[str, str | None], list[str]] = defaultdict(list)
            for o in self.inp.officials:
                for s, where in o.availability.items():
                    for loc in places(where):
                        at[(s, loc)].append(o.id)
            self._at_site = dict(at)
        return self._at_site.get((slot, location), []) + self._at_site.get((slot, None), [])

    def officials_at(self, slot: str) -> list[str]:
        """Officials available at ``slot`` (an index built once)."""
        if self._at_slot is None:
            at: dict[str, list[str]] = defaultdict(list)
            for o in self.inp.officials:
                for s in o.availability:
                    at[s].append(o.id)
            self._at_slot = dict(at)
        return self._at_slot.get(slot, [])

    def with_input(self, inp: SolverInput) -> Problem:
        """The same problem with other pins or previous sessions (candidates are kept: the
        reserved ones of dropped pins only add choices)."""
        other = copy.copy(self)
        other.inp = inp
        return other

    # ------------------------------------------------------------------ names for messages
    def who(self, pid: str) -> str:
        """``Mariam Batbayar (o-0012)``, or the id when the name is unknown."""
        name = self.inp.names.get(pid)
        return f"{name} ({pid})" if name and name != pid else pid

    def site(self, location: str | frozenset[str] | None) -> str:
        """A site's name; for the sites a person may be at, ``Phoenix or Denver``."""
        if location is None:
            return "anywhere"
        if isinstance(location, frozenset):
            return " or ".join(sorted(self.site(x) for x in location))
        return self.inp.location_names.get(location, location)

    def topic_name(self, t: str) -> str:
        return self.inp.topic_names.get(t, t)

    def language_name(self, code: str) -> str:
        """``Indonesian (id)``, or the code when the name is unknown."""
        return self.inp.language_names.get(code, code)

    def when(self, slot: str, location: str | None = None) -> str:
        """The slot's start in local time: at ``location`` (its zone) or the program's."""
        s = self.slots.get(slot)
        if s is None:
            return slot
        zone = self.inp.location_zones.get(location or "", self.inp.zone)
        try:
            tz: tzinfo = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            tz, zone = UTC, "UTC"
        start = datetime.fromtimestamp(s.start * 60, UTC).astimezone(tz)
        return f"{start:%a %d %b %H:%M} {start.tzname() or zone}"

    def host_slot(self, h: str, s: str) -> str:
        """``Ana Ruiz (h-0003) at 20261029T1300Z (Thu 29 Oct 09:00 EDT, Atlanta)``."""
        host = self.hosts.get(h)
        loc = host.location if host else None
        return f"{self.who(h)} at {s} ({self.when(s, loc)}, {self.site(loc)})"

    def pin_host_slots(self) -> set[tuple[str, str]]:
        """Host slots named by a pin or a pinned previous session (that exist)."""
        out = {(p.host, p.slot) for p in self.inp.pins}
        out |= {(ps.host, ps.slot) for ps in self.inp.previous or () if ps.pinned}
        return {hs for hs in out if hs in self.options}
