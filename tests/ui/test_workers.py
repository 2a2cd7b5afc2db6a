"""The solve worker: runs off the UI thread on a snapshot, reports, can be cancelled."""

from __future__ import annotations

import threading

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services.solving import SolveOptions
from ui.workers import SolveRunner


def test_runner_solves_in_another_thread_on_a_snapshot(qtbot, tiny_path):
    scenario = read_scenario(tiny_path)
    threads = set()
    runner = SolveRunner(scenario, SolveOptions(time_limit=2, workers=1))
    assert runner._worker.scenario is not scenario  # a copy: the UI may go on editing
    progress = []
    runner.progress.connect(progress.append)
    runner.progress.connect(lambda _p: threads.add(threading.current_thread().name))
    with qtbot.waitSignal(runner.finished, timeout=60_000) as done:
        runner.start()
    assert runner.wait()
    outcome = done.args[0]
    assert outcome.schedule.sessions and progress
    assert threads == {threading.main_thread().name}  # signals arrive on the UI thread


def test_runner_cancel_returns_the_best_so_far(qtbot, small_path):
    scenario = read_scenario(small_path)
    runner = SolveRunner(scenario, SolveOptions(time_limit=120, workers=1))
    seen = []
    runner.progress.connect(lambda p: seen.append(p) or (p.objective is not None and runner.cancel()))
    with qtbot.waitSignal(runner.finished, timeout=90_000) as done:
        runner.start()
    assert runner.wait() and runner.cancelled
    assert done.args[0].schedule.sessions
