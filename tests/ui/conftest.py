"""Fixtures for the desktop app tests (offscreen Qt, temp databases, no real dialogs)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """QSettings in a temp folder, so tests never read or write the user's settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield


@pytest.fixture
def message_boxes(monkeypatch):
    """Message boxes and modal dialogs never block a test: each is recorded as
    (kind, title, text) and answered with No / Cancel / Rejected."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    shown: list[tuple[str, str, str]] = []

    def static(kind, answer):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer

        return show

    monkeypatch.setattr(QMessageBox, "question", static("question", QMessageBox.StandardButton.No))
    monkeypatch.setattr(QMessageBox, "warning", static("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", static("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", static("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(
        QMessageBox, "about", lambda parent, title, text: shown.append(("about", title, text))
    )

    def exec_box(self):
        shown.append(("box", self.windowTitle(), self.text()))
        return int(QMessageBox.StandardButton.Cancel)

    def exec_dialog(self):
        shown.append(("dialog", self.windowTitle(), ""))
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    monkeypatch.setattr(QDialog, "exec", exec_dialog)
    return shown


@pytest.fixture
def small_workspace(tmp_path, small_path):
    """(workspace, program id) for a temp SQLite database holding sample-small.json."""
    from exchange_app.services import Workspace, import_file

    ws = Workspace.open(tmp_path / "program.db")
    result = import_file(ws, small_path)
    try:
        yield ws, result.program_id
    finally:
        ws.close()


@pytest.fixture
def main_window(qtbot, small_workspace, message_boxes):
    """The main window on sample-small.json; closed (threads joined, database released) at
    teardown without asking anything."""
    from ui.main_window import MainWindow

    ws, pid = small_workspace
    window = MainWindow(ws, pid)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for tab in window.people_tabs.values():
        if tab.editor.is_dirty():
            tab.editor.load(None, window.scenario)
    from ui.operations import wait_all

    wait_all()
    window.close()
