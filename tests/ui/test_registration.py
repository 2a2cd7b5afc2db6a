"""File > Registration: make workbooks, read returned ones (preview, one undoable step), status."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exchange_app.services import Workspace
from exchange_app.services import registration as service
from tests.registration.helpers import DAYS, Answers, far_program, fill
from ui.dialogs import registration as dialogs
from ui.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def program(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    pid = ws.import_scenario(far_program())
    yield ws, pid
    ws.close()


def test_make_dialog_writes_a_workbook_per_person(qtbot, program, tmp_path):
    ws, pid = program
    dlg = dialogs.MakeWorkbooksDialog(ws, pid)
    qtbot.addWidget(dlg)
    dlg.folder.setText(str(tmp_path / "books"))
    dlg.kind_boxes[dialogs.PersonKind.INTERPRETER].setChecked(False)
    dlg.make()
    qtbot.waitUntil(lambda: dlg.result_value is not None, timeout=60_000)
    assert len(dlg.result_value.workbooks) == 5
    assert len(list((tmp_path / "books").glob("*.xlsx"))) == 5
    assert "5 registration workbooks" in dlg.status.text()
    dlg.wait()


def test_read_preview_then_apply_is_one_undoable_step(qtbot, program, tmp_path, monkeypatch):
    ws, pid = program
    made = service.make_workbooks(ws, pid, tmp_path / "books")
    paths = {p: b.path for b in made.workbooks for _, p in b.people}
    fill(
        paths["o-3"],
        "Marie Dubois",
        Answers(
            languages=["French", "Spanish"],
            interests={"Ballot access": 2},
            days={DAYS[3]: ("Atlanta, Georgia", [14, 15])},
        ),
    )
    fill(paths["o-1"], "Ana Lima", Answers(languages=["Portuguese"]))
    import openpyxl

    book = openpyxl.load_workbook(paths["o-1"])
    book["Interests"]["C6"].value = 7
    book.save(paths["o-1"])

    dlg = dialogs.ReadWorkbooksDialog(ws, pid, [paths["o-3"], paths["o-1"]])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.plan is not None, timeout=60_000)
    fields = [dlg.changes.item(r, 2).text() for r in range(dlg.changes.rowCount())]
    assert fields == ["Languages", "Interests", "Availability"]
    where = [dlg.findings.item(r, 1).text() for r in range(dlg.findings.rowCount())]
    assert any("sheet Interests, cell C6" in w for w in where)
    assert dlg.apply_button.isEnabled()
    dlg.all_or_nothing.setChecked(True)
    assert not dlg.apply_button.isEnabled()
    dlg.all_or_nothing.setChecked(False)
    # EXCHANGE_SCREENSHOTS=1 refreshes the picture in docs/screenshots; otherwise a temp file
    shots = SCREENSHOTS if os.environ.get("EXCHANGE_SCREENSHOTS") else tmp_path
    assert dlg.grab().save(str(shots / "registration-read.png"))
    plan = dlg.plan
    dlg.wait()

    window = MainWindow(ws, pid)
    qtbot.addWidget(window)
    monkeypatch.setattr(dialogs, "ask_workbooks", lambda parent: [paths["o-3"]])
    monkeypatch.setattr(dialogs.ReadWorkbooksDialog, "ask", classmethod(lambda cls, *a: (plan, False)))
    before = ws.load_scenario(pid).officials_by_id()["o-3"]
    dialogs.read_returned(window)
    o3 = ws.load_scenario(pid).officials_by_id()["o-3"]
    assert o3.languages == ["fr", "es"] and o3.interests == {"ballot-access": 2, "audits": 3}
    assert window.scenario.officials_by_id()["o-3"].languages == ["fr", "es"]  # reloaded
    assert window.undo_stack.count() == 1 and "registration workbook" in window.undo_stack.undoText()
    window.undo_stack.undo()
    assert ws.load_scenario(pid).officials_by_id()["o-3"] == before
    window.undo_stack.redo()
    assert ws.load_scenario(pid).officials_by_id()["o-3"].languages == ["fr", "es"]
    assert window.findChild(dialogs.QAction, "registration_read") is not None


def test_status_dialog_lists_the_missing_and_saves_the_csv(qtbot, program, tmp_path, monkeypatch):
    ws, pid = program
    made = service.make_workbooks(ws, pid, tmp_path / "books", people=["o-1", "h-1"])
    fill(
        made.workbooks[1].path,
        "Leilani Kahale",
        Answers(languages=["English"], video=True, expertise={"Ballot access": True}),
    )
    service.read_workbooks(ws, pid, [made.workbooks[1].path])
    dlg = dialogs.StatusDialog(ws, pid)
    qtbot.addWidget(dlg)
    states = [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]
    assert states[0] == "missing" and states.count("returned") == 1 and states.count("not sent") == 4
    target = tmp_path / "missing.csv"
    monkeypatch.setattr(dialogs.StatusDialog, "ask_csv_path", staticmethod(lambda parent: str(target)))
    dlg.save_csv()
    assert "1 missing person saved" in dlg.summary.text()
    assert "Ana Lima" in target.read_text("utf-8-sig")


def test_make_dialog_says_why_nothing_was_written(qtbot, program, tmp_path):
    ws, pid = program
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dlg = dialogs.MakeWorkbooksDialog(ws, pid)
    qtbot.addWidget(dlg)
    dlg.folder.setText(str(blocker))
    dlg.make()
    assert dlg.wait()
    assert dlg.result_value is None and dlg.status.text().startswith("Not written: ")
    assert dlg.make_button.isEnabled() and dlg.bar.isHidden()
