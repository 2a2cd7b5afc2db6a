"""The CP-SAT model, built in one small function per rule family.

Variables (only for combinations that survived :mod:`solver.problem`'s filtering):

* ``topic[h,s,t]``   host ``h`` holds a session on topic ``t`` at slot ``s``;
* ``lang[h,s,k]``    that session uses language option ``k`` (language + interpreter);
* ``virtual[h,s]``   that session is held by video (only hosts who offer it);
* ``assign[o,h,s,t]`` official ``o`` is in it.

The session exists when one ``topic`` variable is true; the ``lang`` options then sum to
one. ``assign <= topic`` (disaggregated, so the LP relaxation is tight) and
``assign <= sum of the options the official can follow``.

Objective (maximised; weights chosen so the order of the spec's soft goals holds in
practice, see ``docs/solver.md``)::

    1000 * officials reaching min_sessions
    + 200 * sum over officials (min_sessions >= 2) of min(sessions, min_sessions)  (progress)
    + 10 * sum over officials of min(interest total, 2 * min_sessions)   (fairness)
    + 10 * total interest weight
    -  3 * sessions with an interpreter
    -  2 * sessions                                      (fewer, fuller sessions)
    + 2000 * previous assignments kept                   (re-solve with keep_previous only)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import IntVar, LinearExprT

from solver.kernel import Book, Draft
from solver.problem import Candidate, Problem
from solver.types import IN_PERSON, VIRTUAL, OfficialIn

W_REACH = 1000
W_FAIR = 10
W_INTEREST = 10
W_INTERPRETER = 3
W_SESSION = 2
W_PROGRESS = 200
W_PIN = 10_000_000  # (score only) a missed pin
W_KEEP = 2 * W_REACH  # re-solve with keep_previous: keeping an assignment outranks everything


@dataclass(slots=True)
class Weights:
    reach: int = W_REACH
    fair: int = W_FAIR
    interest: int = W_INTEREST
    interpreter: int = W_INTERPRETER
    session: int = W_SESSION
    keep: int = W_KEEP
    progress: int = W_PROGRESS


def select_candidates(
    pb: Problem, per_official: int, keep: set[tuple[str, str, str, str]]
) -> list[Candidate]:
    """Each official's best ``per_official`` candidates (strongest interest first, then the
    rarer host slots), plus every pinned or kept one; then drop topic choices that can no
    longer draw ``min_guests`` officials."""
    must = set(keep)
    for p in pb.inp.pins:
        if p.host in pb.hosts:
            must.update((p.official, p.host, p.slot, t) for t in pb.hosts[p.host].expertise)
    for ps in pb.inp.previous or ():
        must.update((o, ps.host, ps.slot, ps.topic) for o in ps.pinned)
    by_official: dict[str, list[Candidate]] = defaultdict(list)
    for c in pb.cands:
        by_official[c.o].append(c)
    # how many officials compete for each host slot: fewer competitors = rarer chance
    demand: dict[tuple[str, str], int] = defaultdict(int)
    for c in pb.cands:
        demand[(c.h, c.s)] += 1
    chosen: list[Candidate] = []
    for _o, cs in by_official.items():
        if per_official and len(cs) > per_official:
            cs = sorted(cs, key=lambda c: (-c.weight, c.virtual_only, demand[(c.h, c.s)]))
            keep_o = cs[:per_official] + [c for c in cs[per_official:] if (c.o, c.h, c.s, c.t) in must]
            chosen.extend(keep_o)
        else:
            chosen.extend(cs)
    # iteratively drop (h, s, t) with too few candidates (unless something must stay)
    while True:
        count: dict[tuple[str, str, str], int] = defaultdict(int)
        for c in chosen:
            count[(c.h, c.s, c.t)] += 1
        fixed_hst = {(h, s, t) for (_o, h, s, t) in must}
        kept = [
            c for c in chosen if count[(c.h, c.s, c.t)] >= pb.rules.min_guests or (c.h, c.s, c.t) in fixed_hst
        ]
        if len(kept) == len(chosen):
            return kept
        chosen = kept


class _CpModel(cp_model.CpModel):
    """A CP-SAT model without the camelCase aliases of every method, which ortools sets on
    each new model (about 1.5 ms a model, and the neighbourhood search builds thousands)."""

    def _add_pre_pep8_methods(self) -> None:
        pass


class SessionModel:
    """The CP-SAT model over ``cands``; with ``fixed`` sessions (a :class:`Book` of the
    sessions that stay) it is a neighbourhood model: only the free part is variable, the
    fixed sessions count against the limits and towards each official's minimum
    (``filtered``: ``cands`` are ``fixed.filter``'s already)."""

    def __init__(
        self,
        pb: Problem,
        cands: list[Candidate],
        weights: Weights | None = None,
        keep: set[tuple[str, str, str, str]] | None = None,
        pins_as_assumptions: bool = False,
        fixed: Book | None = None,
        filtered: bool = False,
    ):
        self.pb = pb
        self.w = weights or Weights()
        self.keep = keep or set()
        self.m = _CpModel()
        self.fixed = fixed or Book(pb)
        # host slots this model decides (a pin elsewhere is not this model's to keep)
        self.region = {(c.h, c.s) for c in cands}
        self.cands = cands if filtered else self.fixed.filter(cands)
        self.pin_literals: dict[str, cp_model.IntVar] = {}  # message key -> literal
        self._variables()
        self._session_shape()
        self._country_limit()
        self._official_limits()
        self._host_limits()
        self._interpreter_limits()
        self._pins(pins_as_assumptions)
        self._objective()

    # ------------------------------------------------------------------ variables
    def _variables(self) -> None:
        m = self.m
        self.assign: dict[tuple[str, str, str, str], cp_model.IntVar] = {}
        self.topic: dict[tuple[str, str, str], cp_model.IntVar] = {}
        self.by_hst: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
        self.by_hs: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        self.by_o: dict[str, list[Candidate]] = defaultdict(list)
        for c in self.cands:
            key = (c.o, c.h, c.s, c.t)
            self.assign[key] = m.new_bool_var("")
            self.by_hst[(c.h, c.s, c.t)].append(c)
            self.by_hs[(c.h, c.s)].append(c)
            self.by_o[c.o].append(c)
        for h, s, t in self.by_hst:
            self.topic[(h, s, t)] = m.new_bool_var("")
        self.topics_of: dict[tuple[str, str], list[str]] = defaultdict(list)
        for h, s, t in self.topic:
            self.topics_of[(h, s)].append(t)
        self.lang: dict[tuple[str, str, int], cp_model.IntVar] = {}
        self.virtual: dict[tuple[str, str], cp_model.IntVar] = {}
        for hs, cs in self.by_hs.items():
            used = sorted({k for c in cs for k in c.options})
            for k in used:
                self.lang[(*hs, k)] = m.new_bool_var("")
            if self.pb.hosts[hs[0]].virtual:
                self.virtual[hs] = m.new_bool_var("")
        self.options_of: dict[tuple[str, str], list[int]] = defaultdict(list)
        for h, s, k in self.lang:
            self.options_of[(h, s)].append(k)

    def session(self, h: str, s: str) -> LinearExprT:
        return sum(self.topic[(h, s, t)] for t in self.topics_of[(h, s)])

    # ------------------------------------------------------------------ rule families
    def _session_shape(self) -> None:
        """One topic, one language option, one mode per session; guests follow it (rules
        1, 3 (size), 4, 5, 6)."""
        m, pb, rules = self.m, self.pb, self.pb.rules
        for hs, _topics in self.topics_of.items():
            exists = self.session(*hs)
            m.add(exists <= 1)
            opts = self.options_of[hs]
            m.add(sum(self.lang[(*hs, k)] for k in opts) == exists)
            v = self.virtual.get(hs)
            if v is not None:
                m.add(v <= exists)
            for k in opts:
                if not pb.options[hs][k].in_person_ok:
                    m.add_implication(self.lang[(*hs, k)], self.virtual[hs])
        for (h, s, t), cs in self.by_hst.items():
            y = self.topic[(h, s, t)]
            n = sum(self.assign[(c.o, c.h, c.s, c.t)] for c in cs)
            m.add(n <= rules.max_guests * y)
            m.add(n >= rules.min_guests * y)
            all_opts = self.options_of[(h, s)]
            for c in cs:
                x = self.assign[(c.o, c.h, c.s, c.t)]
                m.add_implication(x, y)
                if len(c.options) < len(all_opts):
                    m.add_bool_or([self.lang[(h, s, k)] for k in c.options]).only_enforce_if(x)
                if c.virtual_only:
                    m.add_implication(x, self.virtual[(h, s)])

    def _country_limit(self) -> None:
        """At most ``max_same_country`` officials of one country in a session (rule 3)."""
        cap = self.pb.rules.max_same_country
        for (_h, _s), cs in self.by_hs.items():
            per: dict[str, list[IntVar]] = defaultdict(list)
            for c in cs:
                per[self.pb.officials[c.o].country].append(self.assign[(c.o, c.h, c.s, c.t)])
            for xs in per.values():
                if len(xs) > cap:
                    m_ = self.m
                    m_.add(sum(xs) <= cap)

    def _limits(
        self, person: str, items: list[tuple[str, IntVar]], max_sessions: int, max_per_day: int
    ) -> None:
        """Shared counting rules (2 and 7): ``items`` are (slot, literal) of one person;
        sessions already fixed count against the limits."""
        m, pb, fx = self.m, self.pb, self.fixed
        max_sessions -= fx.total.get(person, 0)
        by_slot: dict[str, list[IntVar]] = defaultdict(list)
        by_day: dict[int, list[IntVar]] = defaultdict(list)
        for s, lit in items:
            by_slot[s].append(lit)
            by_day[pb.day(s)].append(lit)
        if len(by_slot) > 1 or any(len(lits) > 1 for lits in by_slot.values()):
            for n in sorted({n for s in by_slot for n in pb.cliques_of[s]}):
                lits = [x for s in pb.cliques[n] for x in by_slot.get(s, ())]
                if len(lits) > 1:
                    m.add_at_most_one(lits)
        for day, lits in by_day.items():
            cap = max_per_day - fx.per_day.get((person, day), 0)
            if len(lits) > cap:
                m.add(sum(lits) <= cap)
        if len(items) > max_sessions:
            m.add(sum(lit for _s, lit in items) <= max_sessions)

    def _official_limits(self) -> None:
        """Officials: one session at a time, per-day and total limits, meet a host once."""
        for o, cs in self.by_o.items():
            off = self.pb.officials[o]
            self._limits(
                o, [(c.s, self.assign[(c.o, c.h, c.s, c.t)]) for c in cs], off.max_sessions, off.max_per_day
            )
            per_host: dict[str, list[IntVar]] = defaultdict(list)
            for c in cs:
                per_host[c.h].append(self.assign[(c.o, c.h, c.s, c.t)])
            for xs in per_host.values():
                if len(xs) > 1:
                    self.m.add_at_most_one(xs)

    def _host_limits(self) -> None:
        per_host: dict[str, list[tuple[str, IntVar]]] = defaultdict(list)
        for (h, s, _t), y in self.topic.items():
            per_host[h].append((s, y))
        for h, items in per_host.items():
            host = self.pb.hosts[h]
            self._limits(h, items, host.max_sessions, host.max_per_day)

    def _interpreter_limits(self) -> None:
        per: dict[str, list[tuple[str, IntVar]]] = defaultdict(list)
        for (h, s, k), lit in self.lang.items():
            i = self.pb.options[(h, s)][k].interpreter
            if i is not None:
                per[i].append((s, lit))
        for i, items in per.items():
            it = self.pb.interpreters[i]
            self._limits(i, items, it.max_sessions, it.max_per_day)

    def _pins(self, as_assumptions: bool) -> None:
        """Scenario pins and the previous schedule's pinned sessions (rule 9; hard).
        Each gets a literal: fixed true, or an assumption when diagnosing a conflict."""
        m, pb = self.m, self.pb
        fx = self.fixed
        region = self.region
        for p in pb.inp.pins:
            if (p.host, p.slot) in fx.at:
                continue  # kept by a fixed session
            if (p.host, p.slot) not in region:
                continue  # outside this neighbourhood (not placed yet): other neighbourhoods work on it
            lit = m.new_bool_var(f"pin[{p.official},{p.host},{p.slot}]")
            xs = [
                self.assign[(c.o, c.h, c.s, c.t)]
                for c in self.by_o.get(p.official, ())
                if c.h == p.host and c.s == p.slot
            ]
            if xs:
                m.add(sum(xs) == 1).only_enforce_if(lit)
            else:
                m.add_bool_or([]).only_enforce_if(lit)  # impossible: lit must be false
            self.pin_literals[f"pin {p.official} with {p.host} at {p.slot}"] = lit
        for ps in pb.inp.previous or ():
            if not ps.pinned or (ps.host, ps.slot) in fx.at or (ps.host, ps.slot) not in region:
                continue
            lit = m.new_bool_var(f"pinned-session[{ps.id}]")
            hs = (ps.host, ps.slot)
            y = self.topic.get((ps.host, ps.slot, ps.topic))
            members = [self.assign.get((o, ps.host, ps.slot, ps.topic)) for o in ps.pinned]
            if y is None or any(x is None for x in members):
                m.add_bool_or([]).only_enforce_if(lit)
            else:
                m.add_implication(lit, y)
                for x in members:
                    if x is not None:
                        m.add_implication(lit, x)
                for k in self.options_of[hs]:
                    if pb.options[hs][k].language != ps.language:
                        m.add_implication(lit, self.lang[(*hs, k)].Not())
                v = self.virtual.get(hs)
                if ps.mode == VIRTUAL:
                    if v is None:
                        m.add_bool_or([]).only_enforce_if(lit)
                    else:
                        m.add_implication(lit, v)
                elif v is not None:
                    m.add_implication(lit, v.Not())
            self.pin_literals[f"session {ps.id}"] = lit
        if as_assumptions:
            m.add_assumptions(list(self.pin_literals.values()))
        else:
            for lit in self.pin_literals.values():
                m.add(lit == 1)

    # ------------------------------------------------------------------ objective
    def _objective(self) -> None:
        """:func:`objective` over the model's variables. Per official (with the fixed
        sessions' ``done`` sessions and ``had`` interest): ``reach`` is 1 only when the
        free part brings them to their minimum, ``progress <= min(count, need)``,
        ``fair <= min(interest, 2 * min_sessions - had)``: maximising gives each term of
        :func:`official_terms` less its fixed part (a constant)."""
        m, pb, w = self.m, self.pb, self.w
        self.reach: dict[str, IntVar] = {}
        self.fair: dict[str, IntVar] = {}
        self.progress: dict[str, IntVar] = {}
        interest_terms: list[LinearExprT] = []
        for o, cs in self.by_o.items():  # officials without a candidate here: constants
            off = pb.officials[o]
            count = sum(self.assign[(c.o, c.h, c.s, c.t)] for c in cs)
            interest = sum(c.weight * self.assign[(c.o, c.h, c.s, c.t)] for c in cs)
            interest_terms.append(interest)
            done, had = self.fixed.total.get(o, 0), self.fixed.interest.get(o, 0)
            need = off.min_sessions - done
            cap = 2 * off.min_sessions - had
            if off.min_sessions <= 0 or need <= 0 or len(cs) < need:
                pass  # reached already, or out of reach here: a constant
            else:
                r = m.new_bool_var(f"reach[{o}]")
                m.add(count >= need * r)
                self.reach[o] = r
            if off.min_sessions > 1 and need >= 1 and cs and w.progress:
                # partial credit on the way to the minimum (a smoother landscape for search)
                p = m.new_int_var(0, need, f"progress[{o}]")
                m.add(p <= count)
                self.progress[o] = p
            if off.min_sessions <= 0 or cap <= 0 or not cs:
                continue
            f = m.new_int_var(0, cap, f"fair[{o}]")
            m.add(f <= interest)
            self.fair[o] = f
        self.total_interest = m.new_int_var(0, sum(c.weight for c in self.cands), "total_interest")
        m.add(self.total_interest == sum(interest_terms))
        self.at_min = m.new_int_var(0, len(pb.officials), "officials_at_min")
        m.add(self.at_min == sum(self.reach.values()))
        interpreted = [
            lit for (h, s, k), lit in self.lang.items() if pb.options[(h, s)][k].interpreter is not None
        ]
        kept = [x for key, x in self.assign.items() if key in self.keep] if self.keep else []
        m.maximize(
            objective(
                w,
                self.at_min,
                sum(self.progress.values()),
                sum(self.fair.values()),
                self.total_interest,
                sum(self.topic.values()),
                sum(interpreted),
                sum(kept),
            )
        )

    # ------------------------------------------------------------------ hints and results
    def hint(self, sessions: list[Draft]) -> None:
        """A complete hint from a valid schedule."""
        m, pb = self.m, self.pb
        on_assign = {(o, d.host, d.slot, d.topic) for d in sessions for o in d.officials}
        on_topic = {(d.host, d.slot, d.topic) for d in sessions}
        on_virtual = {(d.host, d.slot) for d in sessions if d.mode == VIRTUAL}
        on_lang = set()
        for d in sessions:
            for k, opt in enumerate(pb.options.get((d.host, d.slot), ())):
                if opt.language == d.language and opt.interpreter == d.interpreter:
                    on_lang.add((d.host, d.slot, k))
        m.clear_hints()  # type: ignore[no-untyped-call]  # untyped in ortools' stubs
        for key, x in self.assign.items():
            m.add_hint(x, key in on_assign)
        for tkey, y in self.topic.items():
            m.add_hint(y, tkey in on_topic)
        for vkey, v in self.virtual.items():
            m.add_hint(v, vkey in on_virtual)
        for lkey, lit in self.lang.items():
            m.add_hint(lit, lkey in on_lang)
        count: dict[str, int] = defaultdict(int)
        interest: dict[str, int] = defaultdict(int)
        for d in sessions:
            for o in d.officials:
                count[o] += 1
                interest[o] += pb.officials[o].interests.get(d.topic, 0)
        fx = self.fixed
        reached = 0
        for o in self.reach.keys() | self.fair.keys() | self.progress.keys():
            off, done, had = pb.officials[o], fx.total.get(o, 0), fx.interest.get(o, 0)
            r_all, p_all, f_all = official_terms(off, count[o] + done, interest[o] + had)
            _r, p_fixed, f_fixed = official_terms(off, done, had)
            if o in self.reach:
                reached += r_all
                m.add_hint(self.reach[o], r_all)
            if o in self.fair:
                m.add_hint(self.fair[o], f_all - f_fixed)
            if o in self.progress:
                m.add_hint(self.progress[o], p_all - p_fixed)
        m.add_hint(self.total_interest, sum(interest.values()))
        m.add_hint(self.at_min, reached)
        for lit in self.pin_literals.values():
            m.add_hint(lit, 1)

    def covers(self, sessions: list[Draft]) -> bool:
        """Whether every assignment of ``sessions`` has a variable (so the hint is complete)."""
        for d in sessions:
            if (d.host, d.slot, d.topic) not in self.topic:
                return False
            if not any(
                (d.host, d.slot, k) in self.lang
                for k, opt in enumerate(self.pb.options[(d.host, d.slot)])
                if opt.language == d.language and opt.interpreter == d.interpreter
            ):
                return False
            if any((o, d.host, d.slot, d.topic) not in self.assign for o in d.officials):
                return False
        return True

    def extract(self, value: Callable[[IntVar], int]) -> list[Draft]:
        """Sessions from a solution (``value(var) -> int``)."""
        pb = self.pb
        out: list[Draft] = []
        chosen = [key for key, y in self.topic.items() if value(y)]
        for h, s, t in chosen:
            guests = [c.o for c in self.by_hst[(h, s, t)] if value(self.assign[(c.o, c.h, c.s, c.t)])]
            k = next(k for k in self.options_of[(h, s)] if value(self.lang[(h, s, k)]))
            opt = pb.options[(h, s)][k]
            v = self.virtual.get((h, s))
            mode = VIRTUAL if v is not None and value(v) else IN_PERSON
            out.append(Draft(h, s, t, opt.language, mode, opt.interpreter, guests, []))
        return out


def official_terms(off: OfficialIn, count: int, interest: int) -> tuple[int, int, int]:
    """One official's (reached their minimum, progress, fairness) with ``count`` sessions
    and ``interest`` in all: the per-official terms of :func:`objective`."""
    if off.min_sessions <= 0:
        return 0, 0, 0
    reached = int(count >= off.min_sessions)
    progress = min(count, off.min_sessions) if off.min_sessions > 1 else 0
    return reached, progress, min(interest, 2 * off.min_sessions)


def objective(
    w: Weights,
    reached: Any,
    progress: Any,
    fairness: Any,
    interest: Any,
    sessions: Any,
    interpreted: Any,
    kept: Any,
) -> Any:
    """The objective (maximised), the one formula of the model and of :func:`score`:
    numbers for a schedule, CP-SAT expressions for the model."""
    return (
        w.reach * reached
        + w.progress * progress
        + w.fair * fairness
        + w.interest * interest
        - w.interpreter * interpreted
        - w.session * sessions
        + w.keep * kept
    )


def _tally(
    pb: Problem, sessions: list[Draft], keep: set[tuple[str, str, str, str]] | None
) -> tuple[dict[str, int], dict[str, int], int]:
    """Per official their sessions and interest in ``sessions``, and the kept assignments."""
    count: dict[str, int] = defaultdict(int)
    interest: dict[str, int] = defaultdict(int)
    kept = 0
    for d in sessions:
        for o in d.officials:
            count[o] += 1
            interest[o] += pb.officials[o].interests.get(d.topic, 0)
            if keep and (o, d.host, d.slot, d.topic) in keep:
                kept += 1
    return count, interest, kept


def score(
    pb: Problem,
    sessions: list[Draft],
    w: Weights | None = None,
    keep: set[tuple[str, str, str, str]] | None = None,
) -> tuple[int, int, int]:
    """(objective, officials at their minimum, total interest) of a whole schedule:
    :func:`objective` of its figures, less ``W_PIN`` per pin it misses."""
    w = w or Weights()
    count, interest, kept = _tally(pb, sessions, keep)
    at_min = progress = fairness = 0
    for o, off in pb.officials.items():
        r, p, f = official_terms(off, count[o], interest[o])
        at_min, progress, fairness = at_min + r, progress + p, fairness + f
    total = sum(interest.values())
    interpreted = sum(1 for d in sessions if d.interpreter)
    obj = objective(w, at_min, progress, fairness, total, len(sessions), interpreted, kept if keep else 0)
    # pins are hard in the model; a schedule that misses one (the construction could
    # not place it) must lose against any schedule that keeps it
    where = {(o, d.host, d.slot) for d in sessions for o in d.officials}
    obj -= W_PIN * sum(1 for p in pb.inp.pins if (p.official, p.host, p.slot) not in where)
    return obj, at_min, total


def score_change(
    pb: Problem,
    rest: Book,
    old: list[Draft],
    new: list[Draft],
    w: Weights | None = None,
    keep: set[tuple[str, str, str, str]] | None = None,
) -> tuple[int, int, int]:
    """``score(rest + new) - score(rest + old)`` from a :class:`Book` of the ``rest`` of the
    schedule, in the time of ``old`` and ``new`` (one neighbourhood), not of the schedule:
    :func:`objective` is linear, so it takes the changes of its parts."""
    w = w or Weights()
    c0, i0, k0 = _tally(pb, old, keep)
    c1, i1, k1 = _tally(pb, new, keep)
    at_min = progress = fairness = 0
    for o in c0.keys() | c1.keys():
        off, n, i = pb.officials[o], rest.total.get(o, 0), rest.interest.get(o, 0)
        r_new, p_new, f_new = official_terms(off, n + c1[o], i + i1[o])
        r_old, p_old, f_old = official_terms(off, n + c0[o], i + i0[o])
        at_min, progress, fairness = (
            at_min + r_new - r_old,
            progress + p_new - p_old,
            fairness + f_new - f_old,
        )
    interest = sum(i1.values()) - sum(i0.values())
    interpreted = sum(1 for d in new if d.interpreter) - sum(1 for d in old if d.interpreter)
    obj = objective(
        w, at_min, progress, fairness, interest, len(new) - len(old), interpreted, k1 - k0 if keep else 0
    )
    # pins at the host slots that changed
    was = {(d.host, d.slot): d.officials for d in old}
    now = {(d.host, d.slot): d.officials for d in new}
    for p in pb.inp.pins:
        hs = (p.host, p.slot)
        if hs in was or hs in now:
            obj -= W_PIN * ((p.official not in now.get(hs, ())) - (p.official not in was.get(hs, ())))
    return obj, at_min, interest
