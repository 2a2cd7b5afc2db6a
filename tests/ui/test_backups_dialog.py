"""The backups dialog: list, back up now, restore (asked first)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, backups
from ui.dialogs.backups import BackupsDialog


@pytest.fixture
def ws(tmp_path, tiny_path):
    ws = Workspace.open(tmp_path / "p.db")
    ws.import_scenario(read_scenario(tiny_path))
    yield ws
    ws.close()


def test_back_up_now_and_restore(qtbot, ws, monkeypatch):
    dlg = BackupsDialog(ws)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 0 and not dlg.restore_button.isEnabled()
    operation = dlg.back_up_now()
    assert operation.wait()
    made = operation.value
    assert made is not None and dlg.table.rowCount() == 1 and "Made" in dlg.status.text()
    assert dlg.table.item(0, 1).text() == "made by hand" and dlg.restore_button.isEnabled()
    ws.delete_program(ws.programs()[0].id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert dlg.restore_selected() is None and ws.programs() == []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    operation = dlg.restore_selected()
    assert operation is not None and operation.wait() and dlg.restored
    assert [p.officials for p in ws.programs()] == [12]
    assert "Restored" in dlg.status.text()
    reasons = [dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())]
    assert "before a restore" in reasons  # the state before it can be restored too


def test_ask_tells_whether_a_backup_was_restored(qtbot, ws, monkeypatch):
    from PySide6.QtWidgets import QDialog

    backups.back_up(ws)
    monkeypatch.setattr(QDialog, "exec", lambda self: 0)
    assert BackupsDialog.ask(None, ws) is False
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QDialog, "exec", lambda self: (self.restore_selected().wait(), 0)[1])
    assert BackupsDialog.ask(None, ws) is True


def test_a_failed_backup_is_shown_in_the_one_error_dialog(qtbot, ws, monkeypatch):
    from exchange_app.errors import ExchangeError
    from ui import operations

    shown = []
    monkeypatch.setattr(operations, "show_error", lambda parent, title, exc: shown.append((title, str(exc))))
    monkeypatch.setattr("ui.dialogs.backups.show_error", operations.show_error)

    def full_disk(*_a, **_k):
        raise ExchangeError("No backup: the disk holding /backups is full")

    monkeypatch.setattr(backups, "back_up", full_disk)
    dlg = BackupsDialog(ws)
    qtbot.addWidget(dlg)
    assert dlg.back_up_now().wait()
    assert shown == [("Backup failed", "No backup: the disk holding /backups is full")]
    assert "disk holding /backups is full" in dlg.status.text() and dlg.backup_button.isEnabled()
