"""The solve operation: runs off the UI thread on a snapshot, reports, can be cancelled."""

from __future__ import annotations

import threading

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services.solving import SolveOptions
from ui.workers import solve_operation


def test_solve_runs_in_another_thread_on_a_snapshot(qtbot, tiny_path):
    scenario = read_scenario(tiny_path)
    threads = set()
    progress = []
    outcomes = []

    def on_progress(p):
        progress.append(p)
        threads.add(threading.current_thread().name)

    operation = (
        solve_operation(None, scenario, SolveOptions(time_limit=2, workers=1))
        .progress(on_progress)
        .success(outcomes.append)
    )
    scenario.officials.clear()  # the UI edits on; the solve has its own copy
    operation.run_in_background()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=60_000)
    assert outcomes[0].schedule.sessions and progress
    assert threads == {threading.main_thread().name}  # reports arrive on the UI thread


def test_solve_cancel_returns_the_best_so_far(qtbot, small_path):
    scenario = read_scenario(small_path)
    outcomes = []
    operation = solve_operation(None, scenario, SolveOptions(time_limit=120, workers=1))
    operation.progress(lambda p: p.objective is not None and operation.cancel()).success(outcomes.append)
    operation.run_in_background()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=90_000)
    assert operation.cancelled and outcomes[0].schedule.sessions
