"""The app's re-optimize lists the moves of exchange_app.schedule_diff.diff_schedules, the
same diff the CLI's re-solve prints (tests/cli/test_cli.py), so both count "moved"
officials alike."""

from __future__ import annotations

import copy

from exchange_app.io.scenario_json import read_scenario
from exchange_app.schedule_diff import diff_schedules
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.board.changes import ChangesDialog, describe_diff
from ui.board.schedule_tab import ScheduleTab


def test_reoptimize_shows_the_diff_the_cli_prints(
    qtbot, small_workspace, small_path, monkeypatch, message_boxes
):
    from PySide6.QtGui import QUndoStack

    scenario = read_scenario(small_path)
    first = solve_scenario(scenario, SolveOptions(time_limit=3, workers=1, seed=1)).schedule
    edited = copy.deepcopy(first)  # staff take three officials out of their sessions
    for session in edited.sessions[:3]:
        session.officials = session.officials[1:]
    ws, pid = small_workspace
    ws.save_schedule(pid, edited, "edit")
    tab = ScheduleTab(ws, pid, QUndoStack())
    qtbot.addWidget(tab)
    current = tab.document.schedule
    outcome = solve_scenario(
        tab.document.scenario, SolveOptions(time_limit=3, workers=1, seed=7), previous=current
    )
    shown = {}

    def ask(parent, document, diff, new_sessions, summary=""):
        shown["diff"], shown["lines"] = diff, describe_diff(document, diff, new_sessions)
        return False

    monkeypatch.setattr(ChangesDialog, "ask", staticmethod(ask))
    tab.offer_reoptimized(current, outcome)
    diff = shown["diff"]
    assert outcome.changes is not None  # what the CLI prints (exchange_app/cli/solve.py)
    assert (
        diff.officials_moved
        == outcome.changes.officials_moved
        == diff_schedules(current, outcome.schedule).officials_moved
    )
    assert diff.officials  # the re-solve put people back
    moved_lines = shown["lines"].get("Officials moved", [])
    assert len(moved_lines) == len(diff.officials)
