"""The model's objective and ``score()`` are the same function of a schedule."""

from __future__ import annotations

from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services.solving import build_input
from solver.greedy import greedy
from solver.model import SessionModel, Weights, score, select_candidates
from solver.problem import Problem

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "name",
    ["sample-tiny.json", "sample-small.json", pytest.param("sample-medium.json", marks=pytest.mark.slow)],
)
def test_cp_sat_objective_equals_score_of_the_extracted_schedule(name):
    pb = Problem(build_input(read_scenario(DATA / name)))
    sm = SessionModel(pb, select_candidates(pb, 0, set()), Weights())
    start, _failed = greedy(pb)
    assert sm.covers(start)
    # the schedule's decisions fixed (sessions, topics, languages, modes, guests): only the
    # model's auxiliary terms (reached, fairness, progress) are left to the solver
    on_assign = {(o, d.host, d.slot, d.topic) for d in start for o in d.officials}
    on_topic = {(d.host, d.slot, d.topic) for d in start}
    on_virtual = {(d.host, d.slot) for d in start if d.mode == "virtual"}
    on_lang = {
        (d.host, d.slot, k)
        for d in start
        for k, opt in enumerate(pb.options[(d.host, d.slot)])
        if opt.language == d.language and opt.interpreter == d.interpreter
    }
    for group, on in (
        (sm.assign, on_assign),
        (sm.topic, on_topic),
        (sm.virtual, on_virtual),
        (sm.lang, on_lang),
    ):
        for key, var in group.items():
            sm.m.add(var == int(key in on))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 120  # a fixed model: quick unless the machine is loaded
    solver.parameters.num_workers = 2
    assert solver.solve(sm.m) == cp_model.OPTIMAL
    sessions = sm.extract(solver.value)
    assert sorted((d.host, d.slot, d.topic, sorted(d.officials)) for d in sessions) == sorted(
        (d.host, d.slot, d.topic, sorted(d.officials)) for d in start
    )
    objective, _at_min, _interest = score(pb, sessions, Weights())
    assert solver.objective_value == pytest.approx(objective)
