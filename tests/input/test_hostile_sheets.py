"""Hostile spreadsheets: XLSX that are not zip files, zip bombs, external entities in the
XML, CSV in UTF-16 or Latin-1, control characters, ids clashing across kinds. Either a
named refusal with nothing imported, or a correct import; never a traceback (issue 14
item 4; issue 15 items 1, 8 and 10)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from exchange_app.cli import main
from exchange_app.errors import InputError
from exchange_app.io.spreadsheets import csv_safe, write_people_csv
from exchange_app.io.validation import MAX_UNCOMPRESSED_BYTES
from exchange_app.services.spreadsheets import import_people
from tests.spreadsheets.helpers import OFFICIAL_HEADER, official_row, open_program, write_book, write_csv
from tests.storage.cases import dump


@pytest.fixture
def program(tmp_path, small_path):
    ws, pid, sc = open_program(tmp_path / "p.db", small_path, people=False)
    yield ws, pid, sc
    ws.close()


def refused(program: Any, path: Path) -> str:
    ws, pid, _ = program
    before = dump(ws.engine)
    with pytest.raises(InputError) as e:
        import_people(ws, pid, path)
    assert dump(ws.engine) == before
    return str(e.value)


def rewrite(path: Path, name: str, change: Any) -> None:
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files[name] = change(files[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)


def test_an_xlsx_that_is_not_a_zip_file(program, tmp_path):
    bad = tmp_path / "people.xlsx"
    bad.write_text("Id,Name\nx-1,Ana\n")
    assert (
        "is not a readable .xlsx workbook (an .xlsx file is a zip archive; this looks like a CSV"
        in refused(program, bad)
    )
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "is not a readable .xlsx workbook" in refused(program, bad)


def test_a_zip_that_is_not_a_workbook(program, tmp_path):
    bad = tmp_path / "people.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "no [Content_Types].xml" in refused(program, bad)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(program, tmp_path):
    bomb = tmp_path / "people.xlsx"
    write_book(bomb, {"Officials": [OFFICIAL_HEADER, official_row(1)]})
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z,
        z.open("xl/comments1.xml", "w", force_zip64=True) as f,
    ):
        chunk = b" " * (1 << 20)
        for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
            f.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    message = refused(program, bomb)
    assert (
        "unpacks to more than 200 MB" in message and "'xl/comments1.xml'" in message and "zip bomb" in message
    )


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ],
    ids=["external-entity", "entity-expansion"],
)
def test_entities_in_the_xml_are_refused(program, tmp_path, doctype):
    path = tmp_path / "people.xlsx"
    write_book(path, {"Officials": [OFFICIAL_HEADER, official_row(1, Name="PLACEHOLDER")]})
    ref = "&xxe;" if "xxe" in doctype else "&b;"

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        text = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + doctype, text, count=1)
        return text.replace("PLACEHOLDER", ref).encode()

    with zipfile.ZipFile(path) as z:
        strings = (
            "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in z.namelist() else "xl/worksheets/sheet1.xml"
        )
    rewrite(path, strings, change)
    message = refused(program, path)
    assert "declares entities or a DTD" in message and "root:" not in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1"])
def test_csv_in_utf16_utf32_and_latin1_is_read_correctly(program, tmp_path, encoding):
    ws, pid, _ = program
    path = write_csv(
        tmp_path / "officials.csv",
        [OFFICIAL_HEADER, official_row(1, Name="Aminata Traoré"), official_row(2, Name="José Núñez")],
        encoding=encoding,
    )
    result = import_people(ws, pid, path)
    assert result.added == 2
    names = sorted(o.name for o in ws.load_scenario(pid).officials)
    assert names == ["Aminata Traoré", "José Núñez"]


def test_a_binary_file_named_csv_is_one_message(program, tmp_path):
    path = tmp_path / "officials.csv"
    path.write_bytes(bytes(range(256)) * 50)
    message = refused(program, path)
    assert "holds NUL bytes: it is not a text CSV file" in message
    assert message.count("\n") == 1


def test_a_line_break_inside_a_name_cell_is_refused_with_row_and_column(program, tmp_path):
    path = write_csv(tmp_path / "officials.csv", [OFFICIAL_HEADER, official_row(1, Name="Ana\nMaria")])
    message = refused(program, path)
    assert "row 2, column 'Name': holds a control character (U+000A LINE FEED)" in message


def test_a_name_above_200_characters_in_a_sheet(program, tmp_path):
    path = tmp_path / "people.xlsx"
    write_book(path, {"Officials": [OFFICIAL_HEADER, official_row(1, Name="N" * 100_000)]})
    message = refused(program, path)
    # openpyxl writes at most 32,767 characters in a cell, as Excel does
    assert "sheet Officials, row 2, column 'Name': is 32,767 characters long; at most 200" in message


def test_an_id_clash_across_kinds_in_a_sheet(tmp_path, small_path):
    ws, pid, sc = open_program(tmp_path / "p.db", small_path, people=True)
    try:
        host = sc.hosts[0]
        path = write_csv(tmp_path / "officials.csv", [OFFICIAL_HEADER, official_row(1, Id=host.id)])
        message = refused((ws, pid, sc), path)
        assert f"row 2, column 'Id': id {host.id!r} is already host {host.name} ({host.id})" in message
    finally:
        ws.close()


def test_cells_starting_with_spaces_before_a_formula_sign_are_neutralised(tmp_path, small_path):
    for value in ("=1+1", ' =HYPERLINK("x")', "\u00a0=cmd", "\u3000+1", "\t=1", "@SUM(A1)", "-2"):
        assert csv_safe(value) == "'" + value
    for value in ("Ana", "a=b", "O'Brien", 3):
        assert csv_safe(value) == value
    ws, pid, sc = open_program(tmp_path / "p.db", small_path, people=True)
    try:
        sc.officials[0].name = '\u00a0=HYPERLINK("http://evil")'
        out = tmp_path / "officials.csv"
        from exchange_app.domain import PersonKind

        write_people_csv(sc, PersonKind.OFFICIAL, out)
        rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
        assert rows[1][1] == '\'\u00a0=HYPERLINK("http://evil")'
    finally:
        ws.close()


def test_the_staff_spreadsheet_neutralises_formulas_after_spaces(tmp_path, tiny_path, capsys):
    import json

    doc = json.loads(tiny_path.read_text("utf-8"))
    doc["officials"][0]["name"] = " =1+1"
    doc["hosts"][0]["organization"] = "\u00a0@SUM(A1)"
    src = tmp_path / "tiny.json"
    src.write_text(json.dumps(doc), "utf-8")
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "import", str(src)]) == 0
    assert main(["--db", db, "solve", "--time-limit", "2"]) in (0, 1)
    out = tmp_path / "schedule.csv"
    assert main(["--db", db, "export", "spreadsheet", "--out", str(out)]) == 0
    text = out.read_text("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not any(re.match(r"^[\s\u00a0]*[=+@]", c) for c in cells)
    assert "' =1+1" in cells or not any("=1+1" in c for c in cells)


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("Availability", "2026-13-02 08:00-12:00 @ phoenix-az", "month must be in 1..12"),
        ("Availability", "9999-12-31 22:00-23:00 @ phoenix-az", "dates must fall in 1900..2200"),
        ("Availability", "2026-10-29 25:00-26:00 @ phoenix-az", "'25:00' is not a time of day"),
        ("Max sessions", "99999999999999999999", "is above 10,000"),
        ("Max sessions", 1e308, "is above 10,000"),
    ],
)
def test_bad_dates_and_numbers_in_cells_are_named(program, tmp_path, column, value, words):
    header = [*OFFICIAL_HEADER, "Max sessions"]
    row = official_row(1) + [2]
    row[header.index(column)] = value
    path = write_book(tmp_path / "people.xlsx", {"Officials": [header, row]})
    message = refused(program, path)
    assert f"sheet Officials, row 2, column '{column}'" in message and words in message
