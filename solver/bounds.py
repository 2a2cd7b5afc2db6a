"""Proven upper bounds on the two numbers staff read: how many officials can reach their
minimum at all, and how much interest any valid schedule can collect (``score()``'s
"total interest": the interest weight of every assignment).

The bounds are computed from the :class:`SolverInput` alone, never from the solver's
candidates (those are pruned per slot, so a bound over them proves nothing). Every step
*relaxes* the spec's rules, so each value is at least what any valid schedule reaches:

1. **Combinatorial floor.** An official's sessions are with distinct hosts (rule 8), on
   non-overlapping slots they and a compatible host share (rules 1, 2, 4, 5, 6, 9's
   forbidden pairs), at most ``max_per_day`` a day and ``max_sessions`` in all (rule 7).
   That gives each official a most-possible number of sessions; one below the minimum
   can never reach it, and their interest is at most their best interests over that many
   distinct hosts. Seats: every official at their minimum holds ``min_sessions`` seats of
   at most ``max_guests`` per session of each host's possible sessions.
2. **LP relaxation by slot (or day) and site.** Hosts are grouped into classes by site and
   whether they offer video; one variable per official, class, slot (or program day, on
   big programs) and interest level counts the official's sessions there. Constraints:
   the official's limits (one at a time, per day, in total, each host once per class and
   interest level), the class's seats per slot, per day and in total, and the country
   limit per slot. The LP optimum (HiGHS or GLOP, time-boxed) is an upper bound; when the
   solver does not finish in its share the combinatorial floor stands.

Left out (each only loosens the bound, so it stays valid): pins, the minimum of guests
per session, that one session shares one topic and one language, interpreters' limits
and whereabouts (any interpreter of the program may bridge), and the host's own window
location.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from solver.types import SolverInput

# an LP above this many variables is built per program day instead of per slot
SLOT_LEVEL_LIMIT = 400_000
EPS = 1e-6
COMPLETE_PER_SLOT = 4  # no cap of ``Problem`` keeps fewer hosts per official and slot


@dataclass(frozen=True, slots=True)
class Bounds:
    """Upper bounds, valid for every schedule that keeps the spec's hard rules."""

    at_min: int  # officials (with a minimum above 0) who can reach their minimum
    interest: int  # total interest weight of all assignments
    officials: int  # officials with a minimum above 0 (what ``at_min`` counts out of)
    cannot_reach: tuple[str, ...]  # officials who cannot reach their minimum in any schedule
    method: str  # "lp by slot", "lp by day" or "combinatorial" (the LP did not finish)
    seconds: float
    # no official has more than COMPLETE_PER_SLOT possible hosts at any slot, so the
    # solver's per-slot caps prune nothing and a bound of its full model is a proof
    complete_candidates: bool = False


def _non_overlapping(starts: list[int], ends: list[int]) -> int:
    """Most intervals that can be picked without overlap (earliest end first)."""
    n, last = 0, -(10**18)
    for s, e in sorted(zip(starts, ends, strict=True), key=lambda x: x[1]):
        if s >= last:
            n += 1
            last = e
    return n


class _Data:
    """Arrays of the program: officials × hosts compatibility, availability by slot."""

    def __init__(self, inp: SolverInput):
        self.inp = inp
        self.slots = list(inp.slots)
        sidx = {s.id: i for i, s in enumerate(self.slots)}
        self.days = sorted({s.day for s in self.slots})
        didx = {d: i for i, d in enumerate(self.days)}
        self.slot_day = np.array([didx[s.day] for s in self.slots], dtype=np.int64)
        starts = [s.start for s in self.slots]
        ends = [s.end for s in self.slots]
        self.starts, self.ends = starts, ends
        # cliques of overlapping slots: the slots holding each slot's start time
        cl = {
            tuple(j for j in range(len(starts)) if starts[j] <= starts[i] < ends[j])
            for i in range(len(starts))
        }
        self.overlaps = any(len(c) > 1 for c in cl)
        self.cliques = sorted(c for c in cl if len(c) > 1)
        offs, hosts = list(inp.officials), list(inp.hosts)
        self.offs, self.hosts = offs, hosts
        no, nh, ns = len(offs), len(hosts), len(self.slots)
        topics = sorted({t for o in offs for t in o.interests} | {t for h in hosts for t in h.expertise})
        tidx = {t: i for i, t in enumerate(topics)}
        interest = np.zeros((no, max(1, len(topics))), dtype=np.int64)
        for i, o in enumerate(offs):
            for t, w in o.interests.items():
                if w >= 1:
                    interest[i, tidx[t]] = w
        expert = np.zeros((nh, max(1, len(topics))), dtype=np.float64)
        for j, h in enumerate(hosts):
            for t in h.expertise:
                expert[j, tidx[t]] = 1.0
        # best interest weight of an official in a topic the host leads (0: none)
        best = np.zeros((no, nh), dtype=np.int64)
        # interest levels 1..3 by the schema; any higher weight gets its own level
        self.levels = tuple(range(1, max(3, int(interest.max(initial=0))) + 1))
        for k in self.levels:
            best[((interest >= k).astype(np.float64) @ expert.T) > 0] = k
        # language: a shared language, or some interpreter of the program bridges one
        langs = sorted(
            {la for p in offs for la in p.languages}
            | {la for p in hosts for la in p.languages}
            | {la for p in inp.interpreters for la in p.languages}
        )
        lidx = {la: i for i, la in enumerate(langs)}
        nl = max(1, len(langs))
        lo = np.zeros((no, nl))
        for i, o in enumerate(offs):
            for la in o.languages:
                lo[i, lidx[la]] = 1.0
        lh = np.zeros((nh, nl))
        for j, h in enumerate(hosts):
            for la in h.languages:
                lh[j, lidx[la]] = 1.0
        bridge = np.eye(nl)
        for p in inp.interpreters:
            ls = [lidx[la] for la in p.languages]
            for a in ls:
                for b in ls:
                    bridge[a, b] = 1.0
        follows = (lo @ bridge @ lh.T) > 0
        best[~follows] = 0
        oidx = {o.id: i for i, o in enumerate(offs)}
        hidx = {h.id: j for j, h in enumerate(hosts)}
        for f in inp.forbidden:
            if f.official in oidx and f.host in hidx:
                best[oidx[f.official], hidx[f.host]] = 0
        self.best = best
        # availability
        self.host_av = np.zeros((nh, ns), dtype=bool)
        for j, h in enumerate(hosts):
            for s in h.availability:
                if s in sidx:
                    self.host_av[j, sidx[s]] = True
        self.off_av = np.zeros((no, ns), dtype=bool)
        sites = sorted({h.location for h in hosts})
        self.sites = sites
        site_idx = {x: i for i, x in enumerate(sites)}
        # -1: anywhere; -2: a place with no host
        self.off_loc = np.full((no, ns), -2, dtype=np.int64)
        for i, o in enumerate(offs):
            for s, loc in o.availability.items():
                if s in sidx:
                    self.off_av[i, sidx[s]] = True
                    # several sites: counted as anywhere, which only loosens the bound
                    self.off_loc[i, sidx[s]] = (
                        -1 if loc is None or len(loc) > 1 else site_idx.get(next(iter(loc)), -2)
                    )
        # classes of hosts: (site, offers video)
        cls: dict[tuple[int, bool], list[int]] = defaultdict(list)
        for j, h in enumerate(hosts):
            cls[(site_idx[h.location], bool(h.virtual))].append(j)
        self.classes = sorted(cls.items())
        self.min_s = np.array([o.min_sessions for o in offs], dtype=np.int64)
        self.max_s = np.array([o.max_sessions for o in offs], dtype=np.int64)
        self.max_d = np.array([o.max_per_day for o in offs], dtype=np.int64)
        self.country = [o.country for o in offs]
        # per host: most sessions per day and in all
        nd = len(self.days)
        self.host_day_cap = np.zeros((nh, nd), dtype=np.int64)
        for j, h in enumerate(hosts):
            for d in range(nd):
                av = [k for k in range(ns) if self.host_av[j, k] and self.slot_day[k] == d]
                n = (
                    len(av)
                    if not self.overlaps
                    else _non_overlapping([starts[k] for k in av], [ends[k] for k in av])
                )
                self.host_day_cap[j, d] = min(h.max_per_day, n)
        self.host_cap = np.minimum(
            np.array([h.max_sessions for h in hosts], dtype=np.int64), self.host_day_cap.sum(1)
        )

    def usable(self, site: int, virtual: bool) -> NDArray[np.bool_]:
        """officials × slots: available, and at the site (or anywhere) unless the class offers video."""
        if virtual:
            return self.off_av
        here: NDArray[np.bool_] = self.off_av & ((self.off_loc == site) | (self.off_loc == -1))
        return here


def compute_bounds(
    inp: SolverInput,
    deadline: float | None = None,
    solver: str = "glop",
    report: Callable[[Bounds], None] | None = None,
) -> Bounds:
    """The bounds of ``inp``: the combinatorial floor (passed to ``report`` as soon as it
    is known), tightened by the LP unless it does not finish by ``deadline``
    (``time.monotonic``)."""
    t0 = time.monotonic()
    dt = _Data(inp)
    no, ns = len(dt.offs), len(dt.slots)
    nd = len(dt.days)
    rules = inp.rules
    # -- per class: which official can use it at which slot, with which interest level
    # lev[c][k-1][o, s]: some host of class c with interest >= k for o is available at s
    # and o can join there; ncomp[c][k-1][o]: hosts of class c with interest >= k for o
    # (and some shared usable slot)
    lev: list[list[NDArray[np.bool_]]] = []
    ncomp: list[list[NDArray[np.int64]]] = []
    usable_any = np.zeros((no, ns), dtype=bool)
    host_ok = np.zeros_like(dt.best)  # best, where the pair shares a usable slot
    for (site, virtual), hc in dt.classes:
        mask = dt.usable(site, virtual)
        av = dt.host_av[hc].astype(np.float64)  # Hc × S
        share = (mask.astype(np.float64) @ av.T) > 0  # O × Hc: a common usable slot
        b = np.where(share, dt.best[:, hc], 0)
        host_ok[:, hc] = b
        lv, nc = [], []
        for k in dt.levels:
            ck = (b >= k).astype(np.float64)
            lv.append(((ck @ av) > 0) & mask)
            nc.append((b >= k).sum(1).astype(np.int64))
        usable_any |= lv[0]
        lev.append(lv)
        ncomp.append(nc)
    # -- combinatorial floor per official
    day_cap = np.zeros((no, nd), dtype=np.int64)
    for d in range(nd):
        cols = np.nonzero(dt.slot_day == d)[0]
        if not dt.overlaps:
            n = usable_any[:, cols].sum(1)
        else:
            n = np.array(
                [
                    _non_overlapping(
                        [dt.starts[k] for k in cols if usable_any[i, k]],
                        [dt.ends[k] for k in cols if usable_any[i, k]],
                    )
                    for i in range(no)
                ],
                dtype=np.int64,
            )
        day_cap[:, d] = np.minimum(dt.max_d, n)
    n_hosts = (host_ok > 0).sum(1)
    cap = np.minimum(np.minimum(dt.max_s, day_cap.sum(1)), n_hosts)
    counted = dt.min_s > 0
    can = counted & (cap >= dt.min_s)
    cannot = tuple(dt.offs[i].id for i in np.nonzero(counted & ~can)[0])
    srt = -np.sort(-host_ok, axis=1)
    csum = np.concatenate([np.zeros((no, 1), dtype=np.int64), np.cumsum(srt, axis=1)], axis=1)
    best_interest = csum[np.arange(no), cap]
    seats = int(rules.max_guests * dt.host_cap.sum())
    # officials at their minimum, fewest seats first, within every seat there is
    need = np.sort(dt.min_s[can])
    at_min_floor = int(np.searchsorted(np.cumsum(need), seats, side="right"))
    interest_floor = int(min(best_interest.sum(), dt.levels[-1] * seats))
    method = "combinatorial"
    at_min, interest = at_min_floor, interest_floor
    # the per-slot caps of the solver's candidates keep at least this many hosts per
    # official and slot; below it the candidates are complete and the full model's
    # bound is a proof too
    per_slot = np.zeros((no, ns), dtype=np.int64)
    for (site, virtual), hc in dt.classes:
        mask = dt.usable(site, virtual)
        per_slot += (
            ((dt.best[:, hc] > 0).astype(np.float64) @ dt.host_av[hc].astype(np.float64)) * mask
        ).astype(np.int64)
    complete = bool(per_slot.max(initial=0) <= COMPLETE_PER_SLOT)
    floor = Bounds(
        at_min=int(at_min),
        interest=int(interest),
        officials=int(counted.sum()),
        cannot_reach=cannot,
        method=method,
        seconds=round(time.monotonic() - t0, 3),
        complete_candidates=complete,
    )
    if report is not None:
        report(floor)
    left = None if deadline is None else deadline - time.monotonic()
    if left is None or left > 0.05:
        lp = _lp(dt, lev, ncomp, day_cap, cap, can, deadline, solver)
        if lp is not None:
            lp_at_min, lp_interest, method = lp
            at_min = min(at_min, math.floor(lp_at_min + EPS * max(1.0, abs(lp_at_min)) + EPS))
            interest = min(interest, math.floor(lp_interest + EPS * max(1.0, abs(lp_interest)) + EPS))
    out = replace(
        floor,
        at_min=int(at_min),
        interest=int(interest),
        method=method,
        seconds=round(time.monotonic() - t0, 3),
    )
    if report is not None and method != "combinatorial":
        report(out)
    return out


class _Rows:
    """A sparse constraint matrix built row by row (numpy arrays of column indices)."""

    def __init__(self) -> None:
        self.cols: list[NDArray[np.int64]] = []
        self.vals: list[NDArray[np.float64]] = []
        self.ub: list[float] = []

    def add(self, cols: NDArray[np.int64], ub: float, vals: NDArray[np.float64] | None = None) -> None:
        if len(cols) == 0:
            return
        v = np.ones(len(cols)) if vals is None else vals
        if vals is None and len(cols) <= ub:  # cannot bind: every variable is at most 1
            return
        self.cols.append(cols)
        self.vals.append(v)
        self.ub.append(float(ub))


def _lp(
    dt: _Data,
    lev: list[list[NDArray[np.bool_]]],
    ncomp: list[list[NDArray[np.int64]]],
    day_cap: NDArray[np.int64],
    cap: NDArray[np.int64],
    can: NDArray[np.bool_],
    deadline: float | None,
    solver: str,
) -> tuple[float, float, str] | None:
    rules = dt.inp.rules
    no, ns, nd, ncl = len(dt.offs), len(dt.slots), len(dt.days), len(dt.classes)
    n_slot_vars = sum(int(m.sum()) for lv in lev for m in lv)
    by_slot = n_slot_vars <= SLOT_LEVEL_LIMIT
    nb = ns if by_slot else nd
    # variables y[o, c, b, k]: arrays of (o, c, b, k, ub)
    vo, vc, vb, vk, vub = [], [], [], [], []
    for c in range(ncl):
        for k in dt.levels:
            m = lev[c][k - 1]
            if by_slot:
                o, s = np.nonzero(m)
                vo.append(o)
                vc.append(np.full(len(o), c))
                vb.append(s)
                vk.append(np.full(len(o), k))
                vub.append(np.ones(len(o)))
            else:
                cnt = np.zeros((no, nd), dtype=np.int64)
                for d in range(nd):
                    cnt[:, d] = m[:, dt.slot_day == d].sum(1)
                cnt = np.minimum(cnt, day_cap)
                o, d_ = np.nonzero(cnt)
                vo.append(o)
                vc.append(np.full(len(o), c))
                vb.append(d_)
                vk.append(np.full(len(o), k))
                vub.append(cnt[o, d_].astype(np.float64))
    method = "lp by slot" if by_slot else "lp by day"
    if not vo or sum(len(a) for a in vo) == 0:
        return 0.0, 0.0, method
    yo, yc, yb, yk = (np.concatenate(a).astype(np.int64) for a in (vo, vc, vb, vk))
    yub = np.concatenate(vub)
    ny = len(yo)
    ydays = dt.slot_day[yb] if by_slot else yb
    rows = _Rows()
    allc = np.arange(ny, dtype=np.int64)

    def grouped(key: NDArray[np.int64], ub: NDArray[np.float64] | float) -> None:
        order = np.argsort(key, kind="stable")
        k = key[order]
        cut = np.nonzero(np.diff(k))[0] + 1
        for kk, cc in zip(np.split(k, cut), np.split(allc[order], cut), strict=True):
            u = float(ub if isinstance(ub, float) else ub[int(kk[0])])
            if yub[cc].sum() <= u + EPS:
                continue
            rows.cols.append(cc)
            rows.vals.append(np.ones(len(cc)))
            rows.ub.append(u)

    # the official: one session at a time, per day, in all
    if by_slot:
        grouped(yo * ns + yb, 1.0)
        for cl in dt.cliques:
            sel = np.nonzero(np.isin(yb, cl))[0]
            if len(sel):
                order = np.argsort(yo[sel], kind="stable")
                cut = np.nonzero(np.diff(yo[sel][order]))[0] + 1
                for cc in np.split(sel[order], cut):
                    if len(cc) > 1:
                        rows.add(cc, 1.0)
    grouped(yo * nd + ydays, day_cap.reshape(-1).astype(np.float64))
    grouped(yo, cap.astype(np.float64))
    # each host at most once: per official, class and interest level (>= j)
    ncomp_arr = np.stack([np.stack(nc) for nc in ncomp])  # C × levels × O
    for j in dt.levels:
        sel = np.nonzero(yk >= j)[0]
        if len(sel) == 0:
            continue
        key = yo[sel] * ncl + yc[sel]
        order = np.argsort(key, kind="stable")
        ks = key[order]
        cut = np.nonzero(np.diff(ks))[0] + 1
        for kk, cc in zip(np.split(ks, cut), np.split(sel[order], cut), strict=True):
            oi, ci = divmod(int(kk[0]), ncl)
            u = float(ncomp_arr[ci, j - 1, oi])
            if yub[cc].sum() > u + EPS:
                rows.cols.append(cc)
                rows.vals.append(np.ones(len(cc)))
                rows.ub.append(u)
    if deadline is not None and time.monotonic() > deadline:
        return None
    # the class's seats: per slot (or day), per day, in all; the country limit per slot
    g = rules.max_guests
    host_slot = np.zeros((ncl, ns), dtype=np.int64)
    host_day = np.zeros((ncl, nd), dtype=np.int64)
    host_all = np.zeros(ncl, dtype=np.int64)
    for c, (_key, hc) in enumerate(dt.classes):
        host_slot[c] = dt.host_av[hc].sum(0)
        host_day[c] = dt.host_day_cap[hc].sum(0)
        host_all[c] = dt.host_cap[hc].sum()
    if by_slot:
        grouped(yc * ns + yb, (g * host_slot).reshape(-1).astype(np.float64))
        for cl in dt.cliques:
            sel = np.nonzero(np.isin(yb, cl))[0]
            for c, (_key, hc) in enumerate(dt.classes):
                cc = sel[yc[sel] == c]
                hosts = int(dt.host_av[np.ix_(hc, list(cl))].any(1).sum())
                if len(cc) and yub[cc].sum() > g * hosts:
                    rows.add(cc, float(g * hosts))
    grouped(yc * nd + ydays, (g * host_day).reshape(-1).astype(np.float64))
    grouped(yc, (g * host_all).astype(np.float64))
    countries = {x: i for i, x in enumerate(sorted(set(dt.country)))}
    cidx = np.array([countries[x] for x in dt.country], dtype=np.int64)[yo]
    ncty = len(countries)
    per = host_slot if by_slot else host_day
    grouped(
        (yc * nb + yb) * ncty + cidx,
        np.repeat((rules.max_same_country * per).reshape(-1).astype(np.float64), ncty),
    )
    # reach variables r[o] <= sum y / min: min*r - sum y <= 0
    counted = np.nonzero(can)[0]
    nr = len(counted)
    r_of = {int(o): ny + i for i, o in enumerate(counted)}
    order = np.argsort(yo, kind="stable")
    ks = yo[order]
    cut = np.nonzero(np.diff(ks))[0] + 1
    for kk, cc in zip(np.split(ks, cut), np.split(allc[order], cut), strict=True):
        oi = int(kk[0])
        if oi in r_of:
            rows.cols.append(np.concatenate([cc, np.array([r_of[oi]])]))
            rows.vals.append(np.concatenate([-np.ones(len(cc)), np.array([float(dt.min_s[oi])])]))
            rows.ub.append(0.0)
    ub = np.concatenate([yub, np.ones(nr)])
    obj_interest = np.concatenate([yk.astype(np.float64), np.zeros(nr)])
    obj_reach = np.concatenate([np.zeros(ny), np.ones(nr)])
    vals = _solve_lp(ub, [obj_reach, obj_interest], rows, deadline, solver)
    if vals is None:
        return None
    return vals[0], vals[1], method


def _solve_lp(
    ub: NDArray[np.float64],
    objectives: list[NDArray[np.float64]],
    rows: _Rows,
    deadline: float | None,
    solver: str,
) -> list[float] | None:
    """max obj·x, 0 <= x <= ub, rows·x <= rows.ub, for each objective; None unless every
    one is proven optimal by ``deadline`` (building the model counts too)."""
    from ortools.linear_solver.python import model_builder_helper as mbh

    def left() -> float | None:
        return None if deadline is None else deadline - time.monotonic()

    model = mbh.ModelBuilderHelper()
    n = len(ub)
    model.add_var_array_with_bounds(np.zeros(n), ub.astype(np.float64), np.zeros(n, dtype=bool), "y")  # type: ignore[arg-type]
    model.set_maximize(True)
    for i, (cols, vals, u) in enumerate(zip(rows.cols, rows.vals, rows.ub, strict=True)):
        if i % 2000 == 0 and (lf := left()) is not None and lf <= 0:
            return None
        ct = model.add_linear_constraint()
        model.set_constraint_upper_bound(ct, u)
        model.set_constraint_lower_bound(ct, -math.inf)
        for c, v in zip(cols.tolist(), vals.tolist(), strict=True):
            model.set_constraint_coefficient(ct, c, v)
    out = []
    for obj in objectives:
        lf = left()
        if lf is not None and lf <= 0.05:
            return None
        model.clear_objective()
        model.set_maximize(True)
        model.set_objective_coefficients(list(range(n)), [float(x) for x in obj])
        sv = mbh.ModelSolverHelper(solver)
        if not sv.solver_is_supported():
            sv = mbh.ModelSolverHelper("glop")
        if lf is not None:
            sv.set_time_limit_in_seconds(max(0.05, lf))
        sv.solve(model)
        if not sv.has_response() or sv.status() != mbh.SolveStatus.OPTIMAL:
            return None
        out.append(float(sv.objective_value()))
    return out


def from_objective_bound(
    inp: SolverInput,
    bound: float,
    reach: int,
    fair: int,
    interest: int,
    progress: int,
    per_session: int,
) -> tuple[int, int]:
    """(officials at their minimum, total interest) that an upper bound ``bound`` on the
    solver's weighted objective proves (only valid when the model had every candidate).

    Every term of the objective is at least 0 per official except the per-session costs
    (``per_session``: a session and an interpreter), and a session has at least
    ``min_guests`` officials, each worth at least ``interest`` (weight 1): so
    ``bound >= reach * a + sum of each such official's least worth``, and
    ``bound >= (interest - per_session / min_guests) * total interest``."""
    g = max(1, inp.rules.min_guests)
    net = interest - per_session / g  # least worth of one assignment after session costs
    if net <= 0:
        return len(inp.officials), 3 * sum(o.max_sessions for o in inp.officials)
    worth = sorted(
        reach + o.min_sessions * (net + fair) + (progress * o.min_sessions if o.min_sessions > 1 else 0)
        for o in inp.officials
        if o.min_sessions > 0
    )
    a, total = 0, 0.0
    for w in worth:
        if total + w > bound + EPS * max(1.0, abs(bound)):
            break
        total += w
        a += 1
    return a, max(0, math.floor(bound / net + EPS * max(1.0, abs(bound)) + EPS))


def proven(
    b: Bounds | None, inp: SolverInput, objective_bound: float | None
) -> tuple[int | None, int | None]:
    """(at-min bound, interest bound) for staff: the bounds above, or what the full
    model's objective bound proves where that is tighter (only when the model had every
    candidate: pass ``None`` for a model over fewer)."""
    if b is None:
        return None, None
    at_min, interest = b.at_min, b.interest
    if objective_bound is not None and b.complete_candidates:
        from solver.model import W_FAIR, W_INTEREST, W_INTERPRETER, W_PROGRESS, W_REACH, W_SESSION

        a, i = from_objective_bound(
            inp, objective_bound, W_REACH, W_FAIR, W_INTEREST, W_PROGRESS, W_SESSION + W_INTERPRETER
        )
        at_min, interest = min(at_min, a), min(interest, i)
    return at_min, interest


__all__ = ["Bounds", "compute_bounds", "from_objective_bound", "proven"]
