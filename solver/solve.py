"""Solving: a quick construction, then CP-SAT on neighbourhoods, then the full model.

1. **Construction** (:mod:`solver.greedy`, or ``repair`` of the previous schedule): a
   valid schedule in well under a second, reported through ``progress`` at once; cancel
   or a time limit at any later point still returns at least this.
2. **Improve** (large-neighbourhood search, most of the time limit): the sessions of a
   few host slots are dissolved (one program day at one or two sites, every slot of one
   site, or every chance of one official below their minimum) and CP-SAT re-forms them
   with everything else fixed (a :class:`solver.kernel.Book`). A neighbourhood model has a
   few thousand variables and is solved in about a second; a change is kept when the
   whole schedule's objective does not get worse. Program structure makes this work:
   officials are at one site a day, so days and sites barely interact.
3. **Prove** (the rest): the full model, hinted with the best schedule, for the proven
   bound (and sometimes a last improvement). When it ends inside presolve, the schedule
   from phase 2 stands and the bound is unknown.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence, Set

from ortools.sat.python import cp_model

from solver.bounds import Bounds, compute_bounds, proven
from solver.check import problems
from solver.diagnosis import explain_unmatched, pin_check, pin_check_seconds, pin_conflicts, pin_label
from solver.greedy import Draft, greedy, polish, repair
from solver.kernel import Book, violations
from solver.model import SessionModel, Weights, score, score_change, select_candidates
from solver.problem import Candidate, Problem
from solver.types import (
    Changes,
    Progress,
    SessionOut,
    SolveOptions,
    SolverInput,
    SolverResult,
)

LIVE_SIZE = 200  # candidates a neighbourhood model should have (twice that for travels and pins)
LIVE_SHARE = 0.15  # first guess of the share of a neighbourhood's candidates that stay live
SUB_LIMIT = 1.5  # seconds per neighbourhood (raised a little while nothing improves)
FINISH_SECONDS = 0.3  # time kept back at the end for polish and diagnosis ...
FINISH_SECONDS_PER_OFFICIAL = 0.004  # ... and per official
CAP_SAMPLE = 200  # host slots drawn to fill one neighbourhood
SMALL_MODEL = 3_000  # candidates up to which the full model alone is used
FULL_MODEL_LIMIT = 150_000  # candidates above which the full model is not built
SEARCHERS = 3  # neighbourhood searchers at most (threads; more would wait for the GIL)
# CP-SAT settings for a neighbourhood: small models with a hint, solved to optimality many
# times a second; these settings solve them about three times as fast as the defaults
# (measured on dumped neighbourhoods of large programs, docs/solver.md)
NEIGHBOURHOOD_PARAMS: dict[str, object] = {
    "cp_model_probing_level": 0,
    "linearization_level": 2,
    "symmetry_level": 0,
    "max_presolve_iterations": 1,
}
BOUNDS_SHARE = 0.1  # of the time limit, at most, for the LP of the proven bounds (beside the search)


class _Run:
    """State of one solve: time, cancel, progress and the best schedule so far."""

    def __init__(
        self,
        pb: Problem,
        options: SolveOptions,
        progress: Callable[[Progress], None] | None,
        cancel: threading.Event | None,
        keep: set[tuple[str, str, str, str]],
        t0: float | None = None,
    ):
        self.pb = pb
        self.options = options
        self.progress = progress
        self.cancel = cancel or threading.Event()
        self.t0 = time.monotonic() if t0 is None else t0
        self.deadline = self.t0 + max(0.0, options.time_limit)
        self.keep = keep
        self.weights = Weights(keep=Weights().keep if keep else 0)
        self.best: list[Draft] = []
        self.best_score: tuple[int | None, int, int] = (None, 0, 0)
        self.version = 0  # counts changes of ``best`` (the search notices another thread's)
        self.bound: float | None = None
        self.bounds: Bounds | None = None  # proven bounds on officials at min and interest
        self._hopeless: frozenset[str] = frozenset()
        self.first: float | None = None
        self.status = "heuristic"
        self.rng = random.Random(options.seed)
        self.lock = threading.RLock()
        self.proved = threading.Event()  # the full model found the optimum
        self.cp_used = False

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def stopped(self) -> bool:
        return self.cancel.is_set() or self.left() <= 0

    def offer(self, sessions: list[Draft], phase: str) -> bool:
        """Keep ``sessions`` when valid and not worse than the best; report progress.
        Thread-safe (the full-model search reports from its own thread)."""
        sc = score(self.pb, sessions, self.weights, self.keep)
        with self.lock:
            if self.best_score[0] is not None and sc[0] < self.best_score[0]:
                return False
        if problems(self.pb, sessions):  # never keep an invalid schedule
            return False
        with self.lock:
            if self.best_score[0] is not None and sc[0] < self.best_score[0]:
                return False
            better = self.best_score[0] is None or sc[0] > self.best_score[0]
            self._set(sessions, sc, phase, better)
        return better

    def accept(self, sessions: Sequence[Draft], sc: tuple[int, int, int], phase: str) -> int | None:
        """Keep ``sessions``, already checked and scored by the caller (the search's
        :class:`_Current`), unless another thread's best is better; returns the new
        version, or None when another thread's best stays."""
        with self.lock:
            if self.best_score[0] is not None and sc[0] < self.best_score[0]:
                return None
            better = self.best_score[0] is None or sc[0] > self.best_score[0]
            self._set(sessions, sc, phase, better, copy=False)
            return self.version

    def _set(
        self, sessions: Sequence[Draft], sc: tuple[int, int, int], phase: str, better: bool, copy: bool = True
    ) -> None:
        # ``accept`` shares the search's sessions: they are never changed once scheduled
        self.best, self.best_score = [_copy(d) for d in sessions] if copy else list(sessions), sc
        self.version += 1
        if self.first is None:
            self.first = self.elapsed()
        if better:
            self.report(phase)

    def set_bound(self, bound: float) -> None:
        with self.lock:
            if self.bound is None or bound < self.bound:
                self.bound = bound
                self.report("search")

    def set_bounds(self, b: Bounds) -> None:
        with self.lock:
            self.bounds = b
            self._hopeless = frozenset(b.cannot_reach)
            self.report("bounds")

    def hopeless(self) -> Set[str]:
        """Officials proven unable to reach their minimum in any schedule (empty until the
        bounds are known)."""
        return self._hopeless

    def proven_bounds(self) -> tuple[int | None, int | None]:
        """(officials at min, interest) bounds; the full model's bound counts only when
        it had every candidate."""
        exact = self.options.candidates_per_official == 0
        return proven(self.bounds, self.pb.inp, self.bound if exact else None)

    def report(self, phase: str) -> None:
        if self.progress is not None:
            obj, at_min, interest = self.best_score
            a, i = self.proven_bounds()
            self.progress(Progress(phase, obj, self.bound, round(self.elapsed(), 2), at_min, interest, a, i))

    def run_cp(
        self,
        model: cp_model.CpModel,
        limit: float,
        workers: int,
        on_solution: cp_model.CpSolverSolutionCallback | None = None,
        params: dict[str, object] | None = None,
        bound_callback: Callable[[float], None] | None = None,
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        """Solve with a time limit, stopping early when ``cancel`` is set."""
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.05, limit)
        p.num_workers = max(1, workers)
        p.random_seed = self.rng.randrange(1 << 30)
        p.log_search_progress = self.options.log
        for k, v in (params or {}).items():
            setattr(p, k, v)
        if bound_callback is not None:
            solver.best_bound_callback = bound_callback
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.05):
                if self.cancel.is_set() or (self.proved.is_set() and on_solution is None):
                    solver.stop_search()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            status = solver.solve(model, on_solution) if on_solution else solver.solve(model)
        finally:
            done.set()
            watcher.join()
        return solver, status


def _copy(d: Draft) -> Draft:
    return Draft(
        d.host, d.slot, d.topic, d.language, d.mode, d.interpreter, list(d.officials), list(d.pinned), d.id
    )


# --------------------------------------------------------------------------- neighbourhoods


class Neighbourhoods:
    """Sets of host slots to dissolve and re-form."""

    def __init__(self, pb: Problem, cands: list[Candidate], rng: random.Random):
        self.pb = pb
        self.rng = rng
        self.by_day_site: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
        self.by_site: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.size: dict[tuple[str, str], int] = defaultdict(int)
        self.of_official: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.cands_at: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in cands:
            self.size[(c.h, c.s)] += 1
            self.cands_at[(c.h, c.s)].append(c)
            self.of_official[c.o].add((c.h, c.s))
        for hs in self.size:
            h, s = hs
            site = pb.hosts[h].location
            self.by_day_site[(pb.day(s), site)].append(hs)
            self.by_site[site].append(hs)
        self.keys = sorted(self.by_day_site)
        self.officials = sorted(self.of_official)
        self.sites = sorted(self.by_site)
        self.at: Set[tuple[str, str]] = frozenset()  # host slots holding a session (set by ``pick``)
        self.days_sites: dict[str, list[tuple[int, str]]] = {}  # (day, site) of each official's chances
        # the share of a neighbourhood's candidates that stay live once the fixed part is
        # counted: about 0.1 on large programs, 0.3-0.6 on medium ones (officials there
        # have fewer sessions and fewer rivals), so the size is set by what stays live
        self.live_share: dict[str, float] = {}

    def _cap(
        self,
        hss: list[tuple[str, str]],
        limit: int,
        must: Set[tuple[str, str]] = frozenset(),
        prefer: Set[tuple[str, str]] = frozenset(),
    ) -> set[tuple[str, str]]:
        """At most ``limit`` candidates' worth of ``must`` and ``hss``, ``must`` first.
        Host slots that hold a session come before empty ones, and empty ones at the
        slots already taken before the others (``prefer`` first in each group): a
        candidate counts in the model only when its official is free then, and freeing a
        session frees its officials, so a neighbourhood of sessions and the empty host
        slots beside them re-forms many sessions, where a random sample of host slots
        re-forms two or three (measured: 8-10 sessions and 150-180 live candidates
        instead of 2-3 and 25-50, from the same 1,400 candidates)."""
        at = self.at
        held: list[tuple[str, str]] = []
        empty: list[tuple[str, str]] = []
        for hs in hss:
            if hs not in must:
                (held if hs in at else empty).append(hs)
        rng = self.rng
        held = rng.sample(held, min(len(held), CAP_SAMPLE))
        empty = rng.sample(empty, min(len(empty), CAP_SAMPLE))
        if prefer:
            held.sort(key=lambda hs: hs not in prefer)
            empty.sort(key=lambda hs: hs not in prefer)
        out: set[tuple[str, str]] = set()
        n = 0

        def take(group: Iterable[tuple[str, str]], budget: int) -> None:
            nonlocal n
            for hs in group:
                if hs in out or (n + self.size[hs] > budget and out):
                    continue
                out.add(hs)
                n += self.size[hs]

        take(rng.sample(list(must), len(must)), limit)
        take(held, limit // 2)
        slots = {s for _h, s in out}
        take((hs for hs in empty if hs[1] in slots), limit)
        take(held, limit)
        take(empty, limit)
        return out

    def budget(self, kind: str) -> int:
        """Candidates to take for a neighbourhood of ``kind`` so that about
        :data:`LIVE_SIZE` of them stay live (twice that for travels and pins)."""
        live = LIVE_SIZE * (2 if kind in ("travels", "pin") else 1)
        return int(min(100_000, live / max(self.live_share.get(kind, LIVE_SHARE), 1e-3)))

    def learn(self, kind: str, free: Set[tuple[str, str]], live: int) -> None:
        """How many of the candidates of ``free`` stayed live: the share that
        :meth:`budget` plans with, a running average per kind."""
        taken = sum(self.size[hs] for hs in free)
        if taken:
            old = self.live_share.get(kind, LIVE_SHARE)
            self.live_share[kind] = 0.9 * old + 0.1 * live / taken

    def _around(self, o: str, book: Book, limit: int) -> set[tuple[str, str]]:
        """An official's sessions first, then where they could go, then the rest of the
        site-days where they could go."""
        hss = self.of_official[o]
        keys = self.days_sites.get(o)
        if keys is None:
            keys = self.days_sites[o] = sorted({(self.pb.day(s), self.pb.hosts[h].location) for h, s in hss})
        must = {hs for hs in book.busy_host_slots(o) if hs in self.size}
        return self._cap([hs for k in keys for hs in self.by_day_site[k]], limit, must, prefer=hss)

    def pick(
        self, book: Book, below: list[str], unplaced: Sequence[tuple[str, str, str]] = ()
    ) -> tuple[str, set[tuple[str, str]]]:
        self.at = book.at.keys()
        r = self.rng.random()
        if unplaced and r < 0.5:
            # a pin not placed yet: its host slot, every session of its official and of its
            # host (either may be at their limit), the sessions at that time of the
            # officials who could join it, and the rest of that site-day
            o, h, s = self.rng.choice(unplaced)
            day = self.pb.day(s)
            clash = self.pb.overlap[s]
            could = {c.o for c in self.cands_at.get((h, s), ())}
            must = {(h, s)} | {
                hs
                for hs, d in book.at.items()
                if o in d.officials or d.host == h or (d.slot in clash and could.intersection(d.officials))
            }
            site = self.pb.hosts[h].location
            extra = list(self.by_day_site.get((day, site), ()))
            return "pin", self._cap(extra, self.budget("pin"), must)
        r = self.rng.random()
        if below and r < 0.4:
            # one official below their minimum: their sessions, then the sessions and host
            # slots where they could go, and the rest of those site-days
            o = self.rng.choice(below)
            return "official", self._around(o, book, self.budget("official"))
        if r < 0.55 and self.officials:
            # every site-day of one official's travels: lets sessions move between days
            o = self.rng.choice(self.officials)
            return "travels", self._around(o, book, self.budget("travels"))
        if r < 0.8 or len(self.sites) < 2:
            day, site = self.rng.choice(self.keys)
            day_hss = list(self.by_day_site[(day, site)])
            others = [k for k in self.keys if k[0] == day and k != (day, site)]
            if others:
                day_hss += self.by_day_site[self.rng.choice(others)]
            return "day", self._cap(day_hss, self.budget("day"))
        site = self.rng.choice(self.sites)
        return "site", self._cap(list(self.by_site[site]), self.budget("site"))


# --------------------------------------------------------------------------- phases


class _Current:
    """The search's own copy of the best schedule, kept in a :class:`Book` and changed in
    place one neighbourhood at a time: taking the neighbourhood's sessions out, scoring
    the change (:func:`solver.model.score_change`) and checking it
    (:func:`solver.kernel.violations` against the rest) cost the neighbourhood's size, not
    the schedule's. It follows ``run.best`` when another thread improves it. The searchers
    share it under ``lock``; ``reserved`` holds the host slots a searcher is re-forming and
    ``people`` the people its model may place: another searcher's model leaves both alone,
    so two changes made at once never break a limit together."""

    def __init__(self, run: _Run):
        self.run = run
        self.lock = threading.Lock()
        self.reserved: set[tuple[str, str]] = set()
        self.people: Counter[str] = Counter()
        self.pinned: dict[tuple[str, str], list[str]] = defaultdict(list)  # pinned officials per host slot
        for p in run.pb.inp.pins:
            self.pinned[(p.host, p.slot)].append(p.official)
        self.dirty = False  # holds a change of equal score not yet handed to ``run``
        self.load()

    def load(self) -> None:
        run = self.run
        with run.lock:
            sessions, self.score, self.version = [_copy(d) for d in run.best], run.best_score, run.version
        self.book = Book(run.pb, sessions)
        self.dirty = False

    def sync(self) -> None:
        """Hand over a pending change, or take another thread's better schedule."""
        run = self.run
        if self.dirty:
            self._hand_over()
        if run.version != self.version:
            self.load()

    def _hand_over(self) -> None:
        version = self.run.accept(self.book.sessions, self._score(), "improve")
        self.version = -1 if version is None else version  # -1: load the better one next
        self.dirty = False

    def _score(self) -> tuple[int, int, int]:
        obj, at_min, interest = self.score
        assert obj is not None
        return obj, at_min, interest

    def unclaimed(self, free: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """The host slots of ``free`` that another searcher's model leaves alone: not its
        own, not of a host it may place, and not a session with someone it may place."""
        free = free - self.reserved
        people = self.people
        if not people:
            return free
        at = self.book.at
        pinned = self.pinned
        out = set()
        for hs in free:
            if hs[0] in people or any(o in people for o in pinned.get(hs, ())):
                continue  # (a pin whose official may be placed elsewhere could not be kept here)
            d = at.get(hs)
            if d is not None and (d.interpreter in people or any(o in people for o in d.officials)):
                continue
            out.add(hs)
        return out

    def unreserved(self, cands: list[Candidate]) -> list[Candidate]:
        """``cands`` without the people another searcher's model may place."""
        people = self.people
        if not people:
            return cands
        options = self.run.pb.options
        out = []
        for c in cands:
            if c.o in people or c.h in people:
                continue
            opts = options[(c.h, c.s)]
            keep = tuple(k for k in c.options if opts[k].interpreter not in people)
            if keep:
                out.append(
                    c
                    if len(keep) == len(c.options)
                    else Candidate(c.o, c.h, c.s, c.t, c.weight, c.virtual_only, keep)
                )
        return out

    def reserve(self, cands: list[Candidate], sign: int) -> set[str]:
        """The people ``cands`` may place (officials, hosts, interpreters), counted in
        ``people`` (``sign`` 1) or taken off again (-1)."""
        options = self.run.pb.options
        who = {c.o for c in cands} | {c.h for c in cands}
        who |= {i for c in cands for k in c.options if (i := options[(c.h, c.s)][k].interpreter)}
        for p in who:
            self.people[p] += sign
            if self.people[p] <= 0:
                del self.people[p]
        return who

    def take_out(self, free: Set[tuple[str, str]]) -> list[Draft]:
        out = [self.book.at[hs] for hs in free if hs in self.book.at]
        for d in out:
            self.book.withdraw(d)
        return out

    def put_back(self, old: list[Draft]) -> None:
        for d in old:
            self.book.open(d)

    def holds(self, book: Book, old: list[Draft]) -> bool:
        """Whether ``old`` (taken out of ``book`` to build a model) are still this
        schedule's sessions: another searcher's change or another thread's better
        schedule makes a model stale."""
        return self.book is book and all(book.at.get((d.host, d.slot)) is d for d in old)

    def replace(self, old: list[Draft], new: list[Draft]) -> bool:
        """``new`` instead of ``old`` (taken out) when valid and not worse; True when better."""
        run = self.run
        delta = score_change(run.pb, self.book, old, new, run.weights, run.keep)
        if delta[0] < 0:
            self.put_back(old)
            return False
        rest = self.book.sessions
        if violations(run.pb, new, self.book):  # never keep an invalid schedule
            self.book.reset(rest + old)  # the book now holds the faulty sessions: count again
            return False
        obj, at_min, interest = self._score()
        self.score = (obj + delta[0], at_min + delta[1], interest + delta[2])
        if delta[0] > 0:
            self._hand_over()
            return True
        self.dirty = True
        return False


def _improve(run: _Run, cands: list[Candidate], until: float, workers: int) -> None:
    """The neighbourhood search: ``workers`` searchers (threads, one CP-SAT worker each,
    at most :data:`SEARCHERS`) re-form disjoint neighbourhoods of one shared schedule.
    CP-SAT runs without the GIL, so while one searcher solves, another builds its model."""
    hoods = Neighbourhoods(run.pb, cands, run.rng)
    if not hoods.keys:
        return
    cur = _Current(run)
    searchers = max(1, min(workers, SEARCHERS))
    cp_workers = max(1, workers // searchers)
    polish_every = max(5.0, run.options.time_limit / 10)
    next_polish = [time.monotonic() + polish_every]
    others = [
        threading.Thread(target=_search, args=(run, cur, hoods, until, cp_workers, next_polish, polish_every))
        for _ in range(searchers - 1)
    ]
    for t in others:
        t.start()
    _search(run, cur, hoods, until, cp_workers, next_polish, polish_every)
    for t in others:
        t.join()
    with cur.lock:
        cur.sync()


def _search(
    run: _Run,
    cur: _Current,
    hoods: Neighbourhoods,
    until: float,
    workers: int,
    next_polish: list[float],
    polish_every: float,
) -> None:
    """One searcher of :func:`_improve`: pick, build and hint under the lock, solve
    outside it, then check and keep the change under the lock again."""
    pb = run.pb
    stall = 0
    while not run.cancel.is_set() and not run.proved.is_set() and time.monotonic() < until:
        with cur.lock:
            if time.monotonic() >= next_polish[0]:
                next_polish[0] = time.monotonic() + polish_every
                cur.sync()
                with run.lock:
                    current = list(run.best)
                run.offer(polish(pb, current), "improve")
            cur.sync()
            book = cur.book
            # officials below their minimum who can still reach it (the proven bounds name
            # those who cannot in any schedule: neighbourhoods around them are wasted)
            hopeless = run.hopeless()
            below = [
                o
                for o, off in pb.officials.items()
                if book.total.get(o, 0) < off.min_sessions and hoods.of_official.get(o) and o not in hopeless
            ]
            # pins not placed yet that no other searcher is working on
            unplaced = [
                (p.official, p.host, p.slot)
                for p in pb.inp.pins
                if p.official not in getattr(book.at.get((p.host, p.slot)), "officials", ())
                and cur.unclaimed({(p.host, p.slot)})
            ]
            kind, free = hoods.pick(book, below, unplaced)
            free = cur.unclaimed(free)  # another searcher is re-forming those
            old = cur.take_out(free)
            sub = cur.unreserved(book.filter([c for hs in free for c in hoods.cands_at.get(hs, ())]))
            hoods.learn(kind, free, len(sub))
            limit = min(until - time.monotonic(), SUB_LIMIT * (1 + stall * 0.25))
            if not sub or limit <= 0.05:
                cur.put_back(old)
                if limit <= 0.05:
                    break
                continue
            sm = SessionModel(pb, sub, run.weights, run.keep, fixed=book, filtered=True)
            if sm.covers(old):
                sm.hint(old)
            cur.put_back(old)
            cur.reserved |= free
            cur.reserve(sub, 1)
        try:
            solver, status = run.run_cp(sm.m, limit, workers, params=NEIGHBOURHOOD_PARAMS)
            found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            new = sm.extract(solver.value) if found else []
        finally:
            with cur.lock:
                cur.reserved -= free
                cur.reserve(sub, -1)
        with cur.lock:
            if found and cur.holds(book, old):
                cur.take_out(free)
                _carry_pins_and_ids(pb, old, new)
                if cur.replace(old, new):
                    stall = 0
                    continue
        stall = min(stall + 1, 8)


def _prove(run: _Run, cands: list[Candidate], until: float, workers: int) -> None:
    """The full model, hinted with the best schedule: the proven bound, sometimes a
    better schedule, and for small programs the optimum."""
    with run.lock:
        start = list(run.best)
    sm = SessionModel(run.pb, cands, run.weights, run.keep)
    if sm.covers(start):
        sm.hint(start)
    limit = until - time.monotonic()
    if limit <= 0.5 or run.cancel.is_set():
        return

    class Callback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            new = sm.extract(self.boolean_value)
            _carry_pins_and_ids(run.pb, start, new)
            run.offer(new, "search")

    def on_bound(bound: float) -> None:
        run.set_bound(bound)

    run.cp_used = True
    solver, status = run.run_cp(sm.m, limit, workers, Callback(), bound_callback=on_bound)
    if status == cp_model.OPTIMAL:
        run.set_bound(solver.objective_value)
        run.proved.set()
    elif status == cp_model.FEASIBLE:
        run.set_bound(solver.best_objective_bound)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        new = sm.extract(solver.value)
        _carry_pins_and_ids(run.pb, start, new)
        run.offer(new, "search")


def _carry_pins_and_ids(pb: Problem, old: list[Draft], new: list[Draft]) -> None:
    """Pinned officials and kept ids follow a session re-formed at the same host slot."""
    by_hs = {(d.host, d.slot): d for d in old}
    pins = defaultdict(set)
    for p in pb.inp.pins:
        pins[(p.host, p.slot)].add(p.official)
    for d in new:
        was = by_hs.get((d.host, d.slot))
        keep_pinned = set(pins.get((d.host, d.slot), ()))
        if was is not None:
            keep_pinned |= set(was.pinned)
            if was.topic == d.topic and d.id is None:
                d.id = was.id
        d.pinned = [o for o in d.officials if o in keep_pinned]


# --------------------------------------------------------------------------- entry point


def solve(
    inp: SolverInput,
    options: SolveOptions,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> SolverResult:
    """Form the sessions of ``inp``. Always returns a valid schedule (pins that cannot be
    kept are named in ``pin_conflicts`` and left out)."""
    t0 = time.monotonic()
    # one deadline for every phase: the result is back by then (``time.monotonic``)
    end = t0 + max(0.0, options.time_limit) if deadline is None else deadline
    pb = Problem(inp)
    conflicts, dropped = pin_conflicts(pb, options)
    if dropped:
        pb = pb.with_input(_without(inp, dropped))
        inp = pb.inp
    keep: set[tuple[str, str, str, str]] = set()
    if inp.previous and options.keep_previous:
        keep = {(o, s.host, s.slot, s.topic) for s in inp.previous for o in s.officials}
    # the construction first (it places the pins first): the first schedule comes in
    # seconds whatever the time limit; when a pin is left over, the pin check (its share
    # of the time limit) looks for sessions that keep them all, and the construction runs
    # again around them
    run = _Run(pb, options, progress, cancel, keep, t0)
    run.deadline = end
    phase = "repair" if inp.previous else "greedy"
    sessions, failed = repair(pb) if inp.previous else greedy(pb)
    run.offer(sessions, phase)
    if failed:  # pins that pass every check alone: can they be kept together?
        share = min(pin_check_seconds(options.time_limit), max(0.0, end - time.monotonic()))
        check = pin_check(pb, share, options.seed)
        conflicts += check.messages
        if check.dropped:
            dropped |= check.dropped
            pb = pb.with_input(_without(inp, dropped))
            inp = pb.inp
            with run.lock:  # scores and checks from now on without the pins proven impossible
                first, run.pb, run.best, run.best_score = run.best, pb, [], (None, 0, 0)
            run.offer(first, phase)
        if check.status == "kept" or check.dropped:
            sessions, failed = repair(pb, check.sessions) if inp.previous else greedy(pb, check.sessions)
            run.offer(sessions, phase)
    if not run.best and sessions:  # the construction keeps every rule; an empty schedule is the last resort
        run.offer([], "greedy")
    # proven bounds beside the search, in a small share of the time limit
    bounder = threading.Thread(
        target=_bounds,
        args=(run, min(run.deadline, time.monotonic() + BOUNDS_SHARE * options.time_limit)),
        daemon=True,
    )
    bounder.start()
    # leave time to finish (polish, diagnosis) inside the time limit
    run.deadline -= min(
        0.1 * options.time_limit, FINISH_SECONDS + FINISH_SECONDS_PER_OFFICIAL * len(pb.officials)
    )
    # the CP-SAT phases need the candidates; building them stops at the deadline
    built = not run.stopped() and pb.build_candidates(run.deadline)
    cands = select_candidates(pb, options.candidates_per_official, keep) if built else []
    if built and not run.stopped():
        full_ok = len(cands) <= FULL_MODEL_LIMIT
        small = len(cands) <= SMALL_MODEL or not options.lns
        workers = max(1, options.workers)
        prover = None
        if full_ok:
            # the full model runs beside the neighbourhood search, on one of the workers
            prover_workers = workers if small else max(1, workers - 1)
            prover = threading.Thread(
                target=_prove, args=(run, cands, run.deadline, prover_workers), daemon=True
            )
            prover.start()
        if not small:
            run.cp_used = True
            _improve(run, cands, run.deadline, max(1, workers - 1) if full_ok else workers)
        if prover is not None:
            prover.join()
        with run.lock:
            current = list(run.best)
        run.offer(polish(pb, current), "improve")
    while bounder.is_alive() and not run.stopped():  # a cancel does not wait for the LP
        bounder.join(0.05)
    with run.lock:
        if run.proved.is_set() or (
            run.bound is not None and run.best_score[0] is not None and run.best_score[0] >= run.bound
        ):
            run.status = "optimal"
        elif run.cp_used:
            run.status = "feasible"

    return _result(run, conflicts, end)


def _bounds(run: _Run, deadline: float) -> None:
    """The proven bounds (``solver/bounds.py``): the combinatorial floor at once, the LP
    when it finishes by ``deadline``."""
    if not run.stopped():
        compute_bounds(run.pb.inp, deadline, report=run.set_bounds)


def _without(inp: SolverInput, dropped: set[tuple[str, ...]]) -> SolverInput:
    from dataclasses import replace

    pins = tuple(p for p in inp.pins if ("pin", p.official, p.host, p.slot) not in dropped)
    prev = inp.previous
    if prev is not None:
        prev = tuple(replace(s, pinned=()) if ("session", s.id) in dropped else s for s in prev)
    return replace(inp, pins=pins, previous=prev)


def _result(run: _Run, conflicts: list[str], end: float | None = None) -> SolverResult:
    pb = run.pb
    sessions = _with_ids(pb, run.best)
    where = {(o, d.host, d.slot) for d in sessions for o in d.officials}
    conflicts = list(conflicts) + [
        f"{pin_label(pb, p.official, p.host, p.slot)}: not placed yet; no rule rules it out, but the "
        f"search found no room for it within the time limit ({run.options.time_limit:g} s). Try a longer "
        f"time limit, or free {pb.who(p.official)} or {pb.who(p.host)} around that time "
        f"(another pin or a busy day)"
        for p in pb.inp.pins
        if (p.official, p.host, p.slot) not in where
    ]
    obj, at_min, interest = run.best_score
    bound = run.bound
    at_min_bound, interest_bound = run.proven_bounds()
    gap = None
    if obj is not None and bound is not None:
        gap = max(0.0, (bound - obj) / max(1.0, abs(bound)))
    out = tuple(
        SessionOut(
            id=d.id or "",
            host=d.host,
            slot=d.slot,
            topic=d.topic,
            language=d.language,
            mode=d.mode,
            location=pb.hosts[d.host].location if d.mode != "virtual" else None,
            interpreter=d.interpreter,
            officials=tuple(d.officials),
            pinned=tuple(d.pinned),
        )
        for d in sorted(sessions, key=lambda d: d.id or "")
    )
    return SolverResult(
        sessions=out,
        status=run.status,
        objective=obj,
        bound=bound,
        gap=gap,
        seconds=round(run.elapsed(), 3),
        first_solution_seconds=None if run.first is None else round(run.first, 3),
        unmatched=tuple(explain_unmatched(pb, sessions, end)),
        changes=_changes(pb, sessions),
        pin_conflicts=tuple(conflicts),
        cancelled=run.cancel.is_set(),
        officials_at_min=at_min,
        total_interest=interest,
        at_min_bound=at_min_bound,
        interest_bound=interest_bound,
        bounds_method=run.bounds.method if run.bounds is not None else "",
    )


def _with_ids(pb: Problem, sessions: list[Draft]) -> list[Draft]:
    """Kept sessions keep their ids; new ones get ``s-NNNN`` after the highest one used."""
    prev = pb.inp.previous or ()
    prev_by_id = {s.id: s for s in prev}
    out = [_copy(d) for d in sessions]
    used: set[str] = set()
    for d in out:
        p = prev_by_id.get(d.id) if d.id else None
        if p is None or p.host != d.host or p.slot != d.slot or p.topic != d.topic or d.id in used:
            d.id = None
        elif d.id is not None:
            used.add(d.id)
    # a previous session at the same host slot and topic keeps its id
    by_key = {(s.host, s.slot, s.topic): s.id for s in prev}
    for d in out:
        if d.id is None:
            sid = by_key.get((d.host, d.slot, d.topic))
            if sid is not None and sid not in used:
                d.id = sid
                used.add(sid)
    highest = 0
    for sid in [s.id for s in prev]:
        tail = sid.rsplit("-", 1)[-1]
        if tail.isdigit():
            highest = max(highest, int(tail))
    for d in sorted((d for d in out if d.id is None), key=lambda d: (pb.slot_order.index(d.slot), d.host)):
        highest += 1
        while f"s-{highest:04d}" in used or f"s-{highest:04d}" in prev_by_id:
            highest += 1
        d.id = f"s-{highest:04d}"
        used.add(d.id)
    return out


def _changes(pb: Problem, sessions: list[Draft]) -> Changes | None:
    prev = pb.inp.previous
    if prev is None:
        return None
    old_ids = {s.id for s in prev}
    new_ids = {d.id for d in sessions if d.id is not None}
    old_assign = {(o, s.host, s.slot, s.topic) for s in prev for o in s.officials}
    new_assign = {(o, d.host, d.slot, d.topic) for d in sessions for o in d.officials}
    old_by_o: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    new_by_o: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for a in old_assign:
        old_by_o[a[0]].add(a[1:])
    for a in new_assign:
        new_by_o[a[0]].add(a[1:])
    moved = sorted(o for o in set(old_by_o) | set(new_by_o) if old_by_o[o] != new_by_o[o])
    return Changes(
        sessions_added=tuple(sorted(new_ids - old_ids)),
        sessions_removed=tuple(sorted(old_ids - new_ids)),
        sessions_kept=len(new_ids & old_ids),
        officials_moved=tuple(moved),
        assignments_kept=len(old_assign & new_assign),
        assignments_changed=len(old_assign - new_assign),
    )
