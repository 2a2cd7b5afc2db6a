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
    sm.hint(start)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30  # stops at the first solution after presolve
    solver.parameters.stop_after_first_solution = True
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    status = solver.solve(sm.m)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    sessions = sm.extract(solver.value)
    objective, _at_min, _interest = score(pb, sessions, Weights())
    # the model's auxiliary terms (reached, fairness, progress) can only lag behind the
    # schedule they describe ...
    assert solver.objective_value <= objective + 1e-6
    # ... and with the schedule fixed, the model's best objective is exactly score()
    for group in (sm.assign, sm.topic, sm.lang, sm.virtual):
        for var in group.values():
            sm.m.add(var == solver.value(var))
    sm.m.clear_hints()
    again = cp_model.CpSolver()
    again.parameters.max_time_in_seconds = 90  # only the auxiliaries are free
    again.parameters.num_workers = 2
    assert again.solve(sm.m) == cp_model.OPTIMAL
    assert again.objective_value == pytest.approx(objective)
