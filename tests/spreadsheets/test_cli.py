"""``exchange-app --db FILE import people.xlsx`` from the command line."""

from __future__ import annotations

from exchange_app.cli import main
from exchange_app.io import spreadsheets as sheets
from exchange_app.io.scenario_json import read_scenario, write_scenario
from exchange_app.services import Workspace
from tests.spreadsheets.helpers import OFFICIAL_HEADER, official_row, without_people, write_csv


def _db_with_program(tmp_path, small_path) -> str:
    db = str(tmp_path / "p.db")
    write_scenario(without_people(read_scenario(small_path)), tmp_path / "program.json")
    assert main(["--db", db, "import", str(tmp_path / "program.json")]) == 0
    return db


def _officials(db: str) -> list[str]:
    with Workspace.open(db) as ws:
        return [o.id for o in ws.load_scenario(ws.programs()[0].id).officials]


def test_cli_imports_a_workbook(tmp_path, small_path, capsys):
    db = _db_with_program(tmp_path, small_path)
    sheets.write_people_workbook(read_scenario(small_path), tmp_path / "people.xlsx")
    capsys.readouterr()
    assert main(["--db", db, "import", str(tmp_path / "people.xlsx")]) == 0
    assert "people.xlsx: 59 added, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert len(_officials(db)) == 40


def test_cli_refuses_a_bad_sheet_with_exit_2_and_writes_nothing(tmp_path, small_path, capsys):
    db = _db_with_program(tmp_path, small_path)
    path = write_csv(
        tmp_path / "officials.csv",
        [OFFICIAL_HEADER, official_row(1), official_row(2, **{"Languages spoken": "Klingon"})],
    )
    capsys.readouterr()
    assert main(["--db", db, "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "officials.csv: row 3, column 'Languages spoken': 'Klingon' is not a known language" in err
    assert "nothing was imported" in err
    assert _officials(db) == []
    assert main(["--db", db, "import", "--valid-rows-only", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and "not imported: row 3, column 'Languages spoken'" in out
    assert _officials(db) == ["x-0001"]


def test_cli_on_both_databases_imports_sheets_and_lists_backups(db_url, tmp_path, small_path, capsys):
    write_scenario(without_people(read_scenario(small_path)), tmp_path / "program.json")
    assert main(["--db", db_url, "import", str(tmp_path / "program.json")]) == 0
    sheets.write_people_workbook(read_scenario(small_path), tmp_path / "people.xlsx")
    assert main(["--db", db_url, "import", str(tmp_path / "people.xlsx")]) == 0
    assert "59 added" in capsys.readouterr().out
    assert main(["--db", db_url, "backups", "--now"]) == 0
    out = capsys.readouterr().out
    assert "Made" in out or "pg_dump is not installed" in out
