"""Builders for spreadsheet tests: programs without people, workbooks, CSV files."""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from exchange_app.domain import Scenario
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace

OFFICIAL_HEADER = ["Id", "Name", "E-mail", "Country", "Languages spoken", "Interests", "Availability"]


def without_people(sc: Scenario) -> Scenario:
    empty = copy.copy(sc)
    empty.officials, empty.hosts, empty.interpreters, empty.pins, empty.forbidden = [], [], [], [], []
    return empty


def open_program(db, scenario_path: Path, people: bool = True) -> tuple[Workspace, int, Scenario]:
    sc = read_scenario(scenario_path)
    ws = Workspace.open(db)
    pid = ws.import_scenario(sc if people else without_people(sc))
    return ws, pid, sc


def write_book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for rng in (merges or {}).get(title, []):
            sheet.merge_cells(rng)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def save_formula_value(path: Path, cell: str, value: str) -> None:
    """Give the formula in ``cell`` (first sheet) a saved value, as a spreadsheet program would."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = files[name].decode()
    xml, n = re.subn(
        rf'<c r="{cell}"><f>(.*?)</f><v\s*(?:/>|></v>)',
        rf'<c r="{cell}" t="str"><f>\1</f><v>{value}</v>',
        xml,
    )
    assert n == 1, "formula cell not found"
    files[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n_, data in files.items():
            z.writestr(n_, data)


def official_row(i: int, **over) -> list:
    """A valid row for sample-small (topics voter-registration..., site phoenix-az)."""
    row = {
        "Id": f"x-{i:04d}",
        "Name": f"Guest {i}",
        "E-mail": f"guest{i}@emb.example.org",
        "Country": "Kenya",
        "Languages spoken": "English, French",
        "Interests": "Voter registration:3; ballot-access:1",
        "Availability": "2026-10-29 08:00-12:00 @ phoenix-az",
    }
    row.update(over)
    return [row[h] for h in OFFICIAL_HEADER]
