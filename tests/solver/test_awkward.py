"""Pins on programs unlike the samples: far sites with video hosts, windows with no
location, remote interpreters, names with commas, quotes and other scripts, languages
nobody bridges, forbidden pairs. The pins come from a known valid schedule, so every one
of them can be kept together: the solver must keep every pin, every time."""

from __future__ import annotations

import pytest

from exchange_app.domain import Pin
from exchange_app.io.scenario_json import parse_scenario
from exchange_app.services.solving import build_input
from solver.problem import PER_SLOT, Problem
from tests.data.make_awkward import awkward
from tests.solver.helpers import host, official, scenario, slots, solve_checked


def _kept(sc, outcome) -> tuple[int, int]:
    """(pins kept, pins); a kept pin is marked as pinned in its session."""
    where = {(o, s.host, s.slot) for s in outcome.schedule.sessions for o in s.officials}
    pinned = {(o, s.host, s.slot) for s in outcome.schedule.sessions for o in s.pinned}
    pins = [(p.official, p.host, p.slot) for p in sc.pins]
    assert all(p in pinned for p in pins if p in where)
    return sum(p in where for p in pins), len(pins)


def _solve_awkward(size: str, seed: int, pins: int, time_limit: float):
    sc = parse_scenario(awkward(size, seed, pins=pins))
    assert len(sc.pins) == pins
    return sc, solve_checked(sc, time_limit=time_limit)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_pin_kept_small(seed):
    sc, out = _solve_awkward("small", seed, pins=6, time_limit=4)
    assert _kept(sc, out) == (6, 6)
    assert not out.result.pin_conflicts


@pytest.mark.parametrize("seed", [1, 2])
def test_every_pin_kept_medium(seed):
    sc, out = _solve_awkward("medium", seed, pins=12, time_limit=6)
    assert _kept(sc, out) == (12, 12)
    assert not out.result.pin_conflicts


@pytest.mark.slow
def test_every_pin_kept_large():
    # seed 4: the construction alone cannot place one of the pins; the pin check (5 % of
    # the limit) or the search around the pin finds sessions that keep them all. At 12 s
    # with three solves on two cores the search got no time and the pin was "not placed
    # yet" (said so, with what to try); 30 s keeps it under that load
    sc, out = _solve_awkward("large", 4, pins=15, time_limit=30)
    assert _kept(sc, out) == (15, 15)
    assert not out.result.pin_conflicts


def test_awkward_names_reach_the_messages():
    sc = parse_scenario(awkward("small", 5, pins=2))
    names = {p.name for p in (*sc.officials, *sc.hosts, *sc.interpreters)}
    assert any("," in n for n in names) and any('"' in n for n in names)
    assert any(any(ord(ch) > 0x3000 for ch in n) for n in names)  # CJK
    inp = build_input(sc)
    pb = Problem(inp)
    o = sc.officials[0]
    assert pb.who(o.id) == f"{o.name} ({o.id})"


def test_pin_candidate_is_kept_whatever_the_per_slot_cap():
    # more hosts at the official's site than the per-slot cap, all leading the topic the
    # official cares most about; the pinned host leads only their weakest interest, so the
    # cap alone would drop the pinned host slot
    sl = slots(per_day=1)
    n = PER_SLOT + 4
    hosts = [host(f"h-{i:02d}", sl, expertise=("tabulation",)) for i in range(n)]
    hosts.append(host("h-pin", sl, expertise=("logistics",)))
    offs = [official(f"o-{i}", f"C{i}", sl, interests={"tabulation": 3, "logistics": 1}) for i in range(3)]
    sc = scenario(sl, offs, hosts)
    sc.pins = [Pin(official="o-0", host="h-pin", slot=sl[0].id)]
    pb = Problem(build_input(sc))
    at_pin = {c.o for c in pb.cands if (c.h, c.s) == ("h-pin", sl[0].id)}
    assert at_pin == {"o-0", "o-1", "o-2"}  # the pinned official and enough others to fill it
    out = solve_checked(sc, time_limit=5)
    [s] = [s for s in out.schedule.sessions if s.host == "h-pin"]
    assert "o-0" in s.officials and "o-0" in s.pinned and s.topic == "logistics"
