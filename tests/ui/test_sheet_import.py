"""The people-sheet import dialog: column choices, preview, check, import, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.services.spreadsheets import load_mapping
from tests.spreadsheets.helpers import OFFICIAL_HEADER, official_row, without_people, write_csv
from ui.dialogs.sheet_import import NOT_IMPORTED, SheetImportDialog

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.fixture
def program(tmp_path, small_path):
    ws = Workspace.open(tmp_path / "p.db")
    pid = ws.import_scenario(without_people(read_scenario(small_path)))
    yield ws, pid
    ws.close()


def _dialog(qtbot, ws, pid, path) -> SheetImportDialog:
    dlg = SheetImportDialog(ws, pid, path)
    qtbot.addWidget(dlg)
    return dlg


def _combo(dlg, header):
    for r in range(dlg.columns.rowCount()):
        if dlg.columns.item(r, 0).text() == header:
            return dlg.columns.cellWidget(r, 1)
    raise AssertionError(header)


def test_shows_sheets_columns_and_preview_then_checks_and_imports(qtbot, program):
    ws, pid = program
    dlg = _dialog(qtbot, ws, pid, EXAMPLES / "people.xlsx")
    assert dlg.sheet_box.count() == 4 and "Officials" in dlg.sheet_box.itemText(0)
    assert _combo(dlg, "E-mail").currentData() == "email"
    assert _combo(dlg, "Languages spoken").currentData() == "languages"
    assert dlg.preview.rowCount() == 40 and "→ Email" in dlg.preview.horizontalHeaderItem(2).text()
    dlg.sheet_box.setCurrentIndex(3)  # Availability: read automatically
    assert not _combo(dlg, "Person").isEnabled() and _combo(dlg, "Person").currentData() == "person"
    dlg.check()
    qtbot.waitUntil(lambda: dlg.plan is not None and not dlg.is_busy(), timeout=60_000)
    assert "59 added, 0 updated" in dlg.status.text() and dlg.problems.rowCount() == 0
    assert ws.programs()[0].officials == 0  # checking writes nothing
    dlg.run_import()
    qtbot.waitUntil(lambda: dlg.result_value is not None, timeout=60_000)
    assert dlg.result_value.added == 59 and ws.programs()[0].officials == 40


def test_changed_column_choices_are_used_and_remembered(qtbot, program, tmp_path):
    ws, pid = program
    path = write_csv(
        tmp_path / "officials.csv",
        [
            ["Name", "Correo", "Country", "Languages", "Interests", "Notes"],
            ["Ana", "ana@x.example.org", "Peru", "es", "tabulation:2", "private"],
        ],
    )
    dlg = _dialog(qtbot, ws, pid, path)
    assert _combo(dlg, "Correo").currentText() == NOT_IMPORTED
    combo = _combo(dlg, "Correo")
    combo.setCurrentIndex(combo.findData("email"))
    assert "→ Email" in dlg.preview.horizontalHeaderItem(1).text()
    dlg.run_import()
    qtbot.waitUntil(lambda: dlg.result_value is not None, timeout=60_000)
    (o,) = ws.load_scenario(pid).officials
    assert o.email == "ana@x.example.org"
    assert load_mapping(ws)["correo"] == "email"
    again = _dialog(qtbot, ws, pid, path)  # remembered next time
    assert _combo(again, "Correo").currentData() == "email"


def test_problems_are_listed_and_valid_rows_can_be_imported(qtbot, program, tmp_path):
    ws, pid = program
    path = write_csv(
        tmp_path / "officials.csv",
        [OFFICIAL_HEADER, official_row(1), official_row(2, **{"Languages spoken": "Klingon"})],
    )
    dlg = _dialog(qtbot, ws, pid, path)
    dlg.run_import()
    qtbot.waitUntil(lambda: dlg.problems.rowCount() == 1 and not dlg.is_busy(), timeout=60_000)
    assert dlg.result_value is None and "nothing was imported" in dlg.status.text()
    assert dlg.problem_texts() == [
        "row 3 | Languages spoken | 'Klingon' is not a known language "
        "(use a name like 'French' or an ISO 639 code like 'fr')"
    ]
    assert ws.load_scenario(pid).officials == []
    assert dlg.preview.verticalHeaderItem(1).text() == "3"  # the row with the problem is marked
    assert "Klingon" in dlg.preview.item(1, 0).toolTip() and not dlg.preview.item(0, 0).toolTip()
    dlg.valid_only.setChecked(True)
    dlg.run_import()
    qtbot.waitUntil(lambda: dlg.result_value is not None and not dlg.is_busy(), timeout=60_000)
    assert dlg.result_value.added == 1 and len(dlg.result_value.refused_rows) == 1
    assert [o.id for o in ws.load_scenario(pid).officials] == ["x-0001"]
    # the refused rows stay on screen until staff close the dialog
    assert "These rows were not imported" in dlg.status.text() and dlg.problems.rowCount() == 1
    assert dlg.import_button.text() == "&Done" and dlg.import_button.isEnabled()
    dlg.reject()  # closing still reports the import
    assert dlg.result() == dlg.DialogCode.Accepted


def test_an_unreadable_file_is_explained(qtbot, program, tmp_path):
    ws, pid = program
    bad = tmp_path / "people.xlsx"
    bad.write_bytes(b"not a workbook")
    dlg = _dialog(qtbot, ws, pid, bad)
    assert "cannot be imported" in dlg.status.text() and "not a readable .xlsx" in dlg.problem_texts()[0]
    assert not dlg.import_button.isEnabled()


def test_ask_returns_none_when_cancelled(qtbot, program, monkeypatch):
    from PySide6.QtWidgets import QDialog

    ws, pid = program
    monkeypatch.setattr(QDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected))
    assert SheetImportDialog.ask(None, ws, pid, EXAMPLES / "officials.csv") is None
    assert ws.programs()[0].officials == 0
