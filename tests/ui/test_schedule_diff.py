"""The app's re-optimize and the CLI's re-solve count "moved" officials the same way: the
board's diff (ui.board.edits.diff_schedules) agrees with the solve's own change summary."""

from __future__ import annotations

import copy

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.board.edits import diff_schedules


def test_board_diff_and_solve_summary_count_moves_alike(small_path):
    scenario = read_scenario(small_path)
    first = solve_scenario(scenario, SolveOptions(time_limit=5, workers=1, seed=0, lns=False)).schedule
    # staff take three officials out of their sessions; the re-solve puts people back
    edited = copy.deepcopy(first)
    for session in edited.sessions[:3]:
        session.officials = session.officials[1:]
    again = solve_scenario(scenario, SolveOptions(time_limit=5, workers=1, seed=7), previous=edited)
    assert again.changes is not None
    diff = diff_schedules(edited, again.schedule)
    assert sorted(m.official for m in diff.officials) == sorted(again.changes.officials_moved)
    assert diff.officials  # the re-solve changed someone's sessions
