"""``exchange-app --demo`` opens on a program with a solved schedule already stored: the
board is full and the rule check shows no broken pins."""

from __future__ import annotations

from exchange_app.services import Workspace, demo_database
from ui.main_window import MainWindow
from ui.operations import wait_all


def test_the_demo_opens_on_a_full_board_with_every_pin_kept(qtbot, message_boxes):
    path = demo_database()
    ws = Workspace.open(path)
    [info] = ws.programs()
    assert info.versions == 1
    window = MainWindow(ws, info.id)
    qtbot.addWidget(window)
    try:
        window.go_to_actions[4].trigger()
        wait_all()
        board = window.schedule_tab
        doc = board.document
        assert board.version == 1 and len(doc.schedule.sessions) > 100
        scenario = doc.scenario
        placed = {o for s in doc.schedule.sessions for o in s.officials}
        assert len(placed) > 0.8 * len(scenario.officials)
        assert scenario.pins
        assert not [v for v in doc.report.violations if v.rule == 9], doc.report.violations[:3]
        assert doc.report.ok
        assert window.schedule_label.text().startswith("Schedule v1")
    finally:
        window.close()
        ws.close()
