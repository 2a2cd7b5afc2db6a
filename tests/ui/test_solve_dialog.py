"""The solve dialog with a real small solve, with cancel (the best so far is kept) and
closed while solving (the worker thread is joined)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from exchange_app import rules
from exchange_app.io.scenario_json import read_scenario
from exchange_app.naming import number, plural
from exchange_app.services.solving import SolveOptions
from ui.dialogs.solve import SolveDialog


def test_a_real_small_solve_shows_progress_and_a_summary(qtbot, tiny_path):
    scenario = read_scenario(tiny_path)
    dlg = SolveDialog(scenario, SolveOptions(time_limit=3, workers=1, seed=1))
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.time_limit.value() == 3 and not dlg.use_button.isEnabled()
    dlg.start()
    assert dlg.is_running() and not dlg.start_button.isEnabled() and dlg.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=60_000)
    outcome = dlg.outcome
    assert outcome is not None and dlg.error is None
    assert rules.check_schedule(scenario, outcome.schedule).ok
    assert dlg.use_button.isEnabled() and dlg.summary_box.isVisible()
    assert dlg.log.toPlainText().strip() and dlg.chart.points  # improvements logged and charted
    assert dlg.unmatched.rowCount() == len(outcome.schedule.unmatched)
    text = dlg.summary.text()
    f = outcome.report.figures
    assert f"{f.officials_at_min} of {f.officials_total} reach their minimum;" in text  # staff words
    assert text.count("reach their minimum") == 1  # said once, in the quality line
    assert f"{plural(f.sessions, 'session')}, {plural(f.assignments, 'place')};" in text
    assert f"total interest {number(f.total_interest)};" in text
    for row, u in enumerate(outcome.schedule.unmatched):
        assert dlg.unmatched.item(row, 2).text() == u.reason
    dlg.use_button.click()
    assert dlg.result() == QDialog.DialogCode.Accepted


def test_cancel_keeps_the_best_schedule_so_far(qtbot, small_path):
    scenario = read_scenario(small_path)
    dlg = SolveDialog(scenario, SolveOptions(time_limit=120, workers=1, seed=1))
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.start()
    qtbot.waitUntil(lambda: dlg.objective.text() != "—", timeout=60_000)  # a first schedule exists
    dlg.cancel_button.click()
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=60_000)
    assert dlg.runner.cancelled and dlg.outcome is not None
    assert dlg.phase.text() == "stopped"
    assert rules.check_schedule(scenario, dlg.outcome.schedule).ok
    assert dlg.outcome.schedule.sessions


def test_closing_while_solving_stops_and_joins_the_worker(qtbot, small_path):
    scenario = read_scenario(small_path)
    dlg = SolveDialog(scenario, SolveOptions(time_limit=120, workers=1))
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.start()
    runner = dlg.runner
    dlg.reject()
    assert not runner._thread.isRunning()
    assert dlg.result() == QDialog.DialogCode.Rejected


def test_the_dialog_remembers_the_last_settings(qtbot, tiny_path):
    scenario = read_scenario(tiny_path)
    first = SolveDialog(scenario)
    qtbot.addWidget(first)
    first.time_limit.setValue(2)
    first.seed.setValue(7)
    first.workers.setValue(1)
    first.start()
    qtbot.waitUntil(lambda: not first.is_running(), timeout=60_000)
    again = SolveDialog(scenario)
    qtbot.addWidget(again)
    assert (again.time_limit.value(), again.seed.value(), again.workers.value()) == (2, 7, 1)
