"""People sheets: round trips, updates by id or email, malformed sheets refused by row and column."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from exchange_app.domain import PersonKind
from exchange_app.errors import InputError
from exchange_app.io import spreadsheets as sheets
from exchange_app.services.spreadsheets import import_people, load_mapping, plan_import, save_mapping
from tests.spreadsheets.helpers import (
    OFFICIAL_HEADER,
    official_row,
    open_program,
    save_formula_value,
    write_book,
    write_csv,
)


@pytest.fixture
def empty_program(tmp_path, small_path):
    ws, pid, sc = open_program(tmp_path / "p.db", small_path, people=False)
    yield ws, pid, sc
    ws.close()


@pytest.fixture
def full_program(tmp_path, small_path):
    ws, pid, sc = open_program(tmp_path / "p.db", small_path, people=True)
    yield ws, pid, sc
    ws.close()


def _refused(excinfo) -> str:
    return "\n".join(str(p) for p in excinfo.value.problems)


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("layout", ["sheet", "column"])
def test_workbook_round_trip_gives_the_same_people(empty_program, tmp_path, layout):
    ws, pid, sc = empty_program
    path = tmp_path / "people.xlsx"
    sheets.write_people_workbook(sc, path, availability=layout)
    result = import_people(ws, pid, path)
    assert (result.added, result.updated, result.refused_rows) == (59, 0, [])
    got = ws.load_scenario(pid)
    assert got.officials == sc.officials and got.hosts == sc.hosts and got.interpreters == sc.interpreters
    again = import_people(ws, pid, path)  # re-import: nobody duplicated, nothing changed
    assert (again.added, again.updated, again.unchanged) == (0, 0, 59)
    assert len(ws.load_scenario(pid).officials) == 40


def test_csv_per_kind_round_trip(empty_program, tmp_path):
    ws, pid, sc = empty_program
    for kind in PersonKind:
        sheets.write_people_csv(sc, kind, tmp_path / f"{kind.value}s.csv")
        import_people(ws, pid, tmp_path / f"{kind.value}s.csv")
    got = ws.load_scenario(pid)
    assert got.officials == sc.officials and got.hosts == sc.hosts and got.interpreters == sc.interpreters


def test_shipped_examples_import(tmp_path):
    from pathlib import Path

    from exchange_app.services import Workspace, import_file

    examples = Path(__file__).resolve().parents[2] / "resources" / "examples"
    with Workspace.open(tmp_path / "e.db") as ws:
        result = import_file(ws, examples / "program-without-people.json")
        assert result.counts["officials"] == 0
        assert import_file(ws, examples / "people.xlsx").counts["added"] == 59
        again = import_file(ws, examples / "officials.csv")
        assert again.counts == {"added": 0, "updated": 0, "refused rows": 0}
        info = ws.programs()[0]
        assert (info.officials, info.hosts, info.interpreters) == (40, 16, 3)


# --------------------------------------------------------------------------- updates


def test_reimport_updates_by_id_and_by_email(full_program, tmp_path):
    ws, pid, sc = full_program
    o1, o2 = sc.officials[0], sc.officials[1]
    path = write_csv(
        tmp_path / "officials.csv",
        [
            ["Id", "Name", "Email", "Languages"],
            [o1.id, "Renamed One", o1.email, "Arabic; fr"],
            ["", "Renamed Two", o2.email.upper(), "es"],  # no id: found by email (any case)
        ],
    )
    result = import_people(ws, pid, path)
    assert (result.added, result.updated) == (0, 2)
    got = ws.load_scenario(pid).officials_by_id()
    assert got[o1.id].name == "Renamed One" and got[o1.id].languages == ["ar", "fr"]
    assert got[o2.id].name == "Renamed Two" and got[o2.id].languages == ["es"]
    # columns that are not in the sheet keep their values
    assert got[o1.id].interests == o1.interests and got[o1.id].availability == o1.availability
    assert len(got) == 40


def test_new_people_get_fresh_ids(full_program, tmp_path):
    ws, pid, sc = full_program
    path = write_csv(
        tmp_path / "officials.csv", [OFFICIAL_HEADER, official_row(1, Id=""), official_row(2, Id="")]
    )
    result = import_people(ws, pid, path)
    assert result.added == 2
    ids = [o.id for o in ws.load_scenario(pid).officials][-2:]
    assert ids == ["o-0041", "o-0042"]


def test_id_and_email_that_disagree_are_refused(full_program, tmp_path):
    ws, pid, sc = full_program
    path = write_csv(
        tmp_path / "officials.csv", [OFFICIAL_HEADER, official_row(1, **{"E-mail": sc.officials[3].email})]
    )
    with pytest.raises(InputError) as e:
        import_people(ws, pid, path)
    assert f"is the email of official {sc.officials[3].id}" in _refused(e)


# --------------------------------------------------------------------------- cell values


def test_language_and_country_names_or_codes(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        OFFICIAL_HEADER,
        official_row(1, Country="KEN", **{"Languages spoken": "French; fra; FR"}),
        official_row(2, Country="ke", **{"Languages spoken": "Farsi, Kyrgyz"}),
        official_row(3, Country="Côte d’Ivoire", **{"Languages spoken": "Filipino / Swahili"}),
    ]
    import_people(ws, pid, write_csv(tmp_path / "officials.csv", rows))
    got = ws.load_scenario(pid).officials_by_id()
    assert (got["x-0001"].country, got["x-0001"].languages) == ("KE", ["fr"])
    assert (got["x-0002"].country, got["x-0002"].languages) == ("KE", ["fa", "ky"])
    assert (got["x-0003"].country, got["x-0003"].languages) == ("CI", ["fil", "sw"])


def test_windows_are_read_in_the_sites_time_or_the_program_zone(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        OFFICIAL_HEADER,
        official_row(1, Availability="2026-11-02 08:00-12:00 @ phoenix-az; 2026-11-03 09:00-10:30"),
    ]
    import_people(ws, pid, write_csv(tmp_path / "officials.csv", rows))
    (o,) = ws.load_scenario(pid).officials
    utc = UTC
    assert [(w.start.astimezone(utc), w.end.astimezone(utc), w.location) for w in o.availability] == [
        (datetime(2026, 11, 2, 15, 0, tzinfo=utc), datetime(2026, 11, 2, 19, 0, tzinfo=utc), "phoenix-az"),
        (
            datetime(2026, 11, 3, 14, 0, tzinfo=utc),
            datetime(2026, 11, 3, 15, 30, tzinfo=utc),
            None,
        ),  # New York, EST
    ]


def test_availability_sheet_rows_by_email_with_excel_dates(empty_program, tmp_path):
    ws, pid, _ = empty_program
    path = write_book(
        tmp_path / "people.xlsx",
        {
            "Officials": [OFFICIAL_HEADER[:-1], official_row(1)[:-1]],
            "Availability": [
                ["Email", "Date", "Start", "End", "Site"],
                ["guest1@emb.example.org", datetime(2026, 10, 29), "08:00", "10:00", "Phoenix"],
                ["guest1@emb.example.org", "2026-10-30", datetime(2026, 10, 30, 9, 0).time(), "11:00", ""],
            ],
        },
    )
    import_people(ws, pid, path)
    (o,) = ws.load_scenario(pid).officials
    phoenix, new_york = ZoneInfo("America/Phoenix"), ZoneInfo("America/New_York")
    first, second = o.availability
    assert (first.start.astimezone(phoenix).hour, first.end.astimezone(phoenix).hour, first.location) == (
        8,
        10,
        "phoenix-az",
    )
    assert (second.start.astimezone(new_york).hour, second.location) == (9, None)


def test_one_sheet_with_a_kind_column(empty_program, tmp_path):
    ws, pid, _ = empty_program
    path = write_csv(
        tmp_path / "people.csv",
        [
            ["Kind", "Name", "Email", "Languages", "Country", "Topics", "Site"],
            ["Official", "Ana", "ana@x.example.org", "Spanish", "Peru", "tabulation:3; security:2", ""],
            ["host", "Bob", "bob@y.example.gov", "English", "", "Tabulation safeguards; security", "Denver"],
            ["interpreter", "Chen", "chen@z.example.com", "en, es", "", "", ""],
        ],
    )
    result = import_people(ws, pid, path)
    assert result.added == 3
    sc = ws.load_scenario(pid)
    assert sc.officials[0].interests == {"tabulation": 3, "security": 2} and sc.officials[0].country == "PE"
    assert sc.hosts[0].expertise == ["tabulation", "security"] and sc.hosts[0].location == "denver-co"
    assert sc.interpreters[0].languages == ["en", "es"]


def test_saved_mapping_maps_unknown_headers(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        ["Nombre", "Correo", "País", "Idiomas", "Intereses", "Notes"],
        ["Ana", "ana@x.example.org", "Peru", "es", "tabulation:2", "private note"],
    ]
    path = write_csv(tmp_path / "officials.csv", rows)
    with pytest.raises(InputError, match="no 'Name' column"):
        import_people(ws, pid, path)
    save_mapping(
        ws,
        {
            "Nombre": "name",
            "Correo": "email",
            "País": "country",
            "Idiomas": "languages",
            "Intereses": "interests",
            "Notes": None,
        },
    )
    assert load_mapping(ws)["correo"] == "email"
    result = import_people(ws, pid, path)
    assert result.added == 1 and result.ignored_columns == {"officials.csv": ["Notes"]}
    (o,) = ws.load_scenario(pid).officials
    assert (o.name, o.email, o.country, o.languages, o.interests) == (
        "Ana",
        "ana@x.example.org",
        "PE",
        ["es"],
        {"tabulation": 2},
    )


# --------------------------------------------------------------------------- malformed sheets


def test_unknown_language_names_sheet_row_and_column(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [OFFICIAL_HEADER] + [official_row(i) for i in range(1, 13)]
    rows[12] = official_row(12, **{"Languages spoken": "English, Klingon"})  # spreadsheet row 13
    path = write_book(
        tmp_path / "officials.xlsx", {"Officials": [[""] * 7, *rows]}
    )  # row 1 empty: header on row 2
    with pytest.raises(InputError) as e:
        import_people(ws, pid, path)
    assert e.value.exit_code == 2
    text = str(e.value)
    assert (
        "officials.xlsx: sheet Officials, row 14, column 'Languages spoken': 'Klingon' is not a known language"
        in text
    )
    assert "nothing was imported" in text
    assert ws.load_scenario(pid).officials == []


def test_every_bad_cell_is_listed_and_nothing_imported(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        OFFICIAL_HEADER,
        official_row(1, Country="Atlantis"),
        official_row(2, Availability="2026-10-29 14:00-12:00"),
        official_row(3, Availability="2026-13-02 08:00-09:00"),
        official_row(4, Availability="tomorrow morning"),
        official_row(5, Interests="Knitting:2"),
        official_row(6, Interests="tabulation:5"),
        official_row(7, **{"E-mail": "not-an-address"}),
        official_row(8, Name=""),
        official_row(9, **{"E-mail": "guest1@emb.example.org"}),  # same email as row 2
        official_row(10, Availability="2026-10-29 08:00-09:00 @ mars-base"),
    ]
    path = write_csv(tmp_path / "officials.csv", rows)
    with pytest.raises(InputError) as e:
        import_people(ws, pid, path)
    text = _refused(e)
    expected = [
        ("row 2, column 'Country'", "'Atlantis' is not a known country"),
        ("row 3, column 'Availability'", "ends before it starts"),
        ("row 4, column 'Availability'", "is not a date"),
        ("row 5, column 'Availability'", "is not a window like"),
        ("row 6, column 'Interests'", "'Knitting' is not a topic of this program"),
        ("row 7, column 'Interests'", "interest weight 5"),
        ("row 8, column 'E-mail'", "is not a valid email address"),
        ("row 9, column 'Name'", "is empty"),
        ("row 10, column 'E-mail'", "guest1@emb.example.org is also in row 2"),
        ("row 11, column 'Availability'", "'mars-base' is not a site"),
    ]
    for where, what in expected:
        assert any(where in line and what in line for line in text.splitlines()), (where, what, text)
    assert len(e.value.problems) == len(expected)
    assert ws.load_scenario(pid).officials == []


def test_valid_rows_only_imports_the_rest_and_reports_the_refused(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        OFFICIAL_HEADER,
        official_row(1),
        official_row(2, Country="Atlantis"),
        official_row(3),
        official_row(4, **{"Languages spoken": "Klingon"}),
    ]
    result = import_people(ws, pid, write_csv(tmp_path / "officials.csv", rows), valid_rows_only=True)
    assert result.added == 2
    assert [p.record for p in result.refused_rows] == ["row 3", "row 5"]
    assert sorted(o.id for o in ws.load_scenario(pid).officials) == ["x-0001", "x-0003"]


def test_missing_columns_for_new_people(empty_program, tmp_path):
    ws, pid, _ = empty_program
    path = write_csv(
        tmp_path / "officials.csv", [["Name", "Email", "Languages"], ["Ana", "ana@x.example.org", "es"]]
    )
    with pytest.raises(InputError) as e:
        import_people(ws, pid, path)
    text = _refused(e)
    assert (
        "a new official needs a Country column" in text and "a new official needs a Interests column" in text
    )


def test_a_sheet_whose_kind_is_unclear_is_refused(empty_program, tmp_path):
    ws, pid, _ = empty_program
    path = write_csv(tmp_path / "registrations.csv", [["Name", "Email"], ["Ana", "ana@x.example.org"]])
    with pytest.raises(InputError, match="cannot tell whether the rows are officials, hosts or interpreters"):
        import_people(ws, pid, path)


def test_empty_rows_merged_cells_and_formulas(empty_program, tmp_path):
    ws, pid, _ = empty_program
    header = OFFICIAL_HEADER[:-1]
    rows = [
        header,
        official_row(1)[:-1],
        [None] * 6,
        official_row(2)[:-1],
        official_row(3)[:-1],
        official_row(4, **{"Languages spoken": '=LOWER("FR")'})[:-1],
    ]
    path = write_book(tmp_path / "officials.xlsx", {"Officials": rows}, merges={"Officials": ["D4:D5"]})
    with pytest.raises(InputError) as e:  # a formula never calculated has no value to import
        import_people(ws, pid, path)
    assert "row 6, column 'Languages spoken': holds a formula without a saved value" in _refused(e)
    save_formula_value(path, "E6", "fr")
    result = import_people(ws, pid, path)
    assert result.added == 4
    got = ws.load_scenario(pid).officials_by_id()
    assert got["x-0004"].languages == ["fr"]
    assert got["x-0002"].country == got["x-0003"].country == "KE"  # the merged block's value fills it


def test_spreadsheet_error_values_are_reported(empty_program, tmp_path):
    ws, pid, _ = empty_program
    path = write_csv(tmp_path / "officials.csv", [OFFICIAL_HEADER, official_row(1, Country="#N/A")])
    with pytest.raises(InputError, match=r"row 2, column 'Country': holds the spreadsheet error #N/A"):
        import_people(ws, pid, path)


def test_unreadable_files(empty_program, tmp_path):
    ws, pid, _ = empty_program
    bad = tmp_path / "people.xlsx"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        import_people(ws, pid, bad)
    old = tmp_path / "people.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .xlsx first"):
        import_people(ws, pid, old)
    empty = tmp_path / "officials.csv"
    empty.write_text("\n\n")
    with pytest.raises(InputError, match="holds no rows"):
        import_people(ws, pid, empty)


def test_semicolon_separated_windows_1252_csv(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [OFFICIAL_HEADER, official_row(1, Name="José Müller")]
    path = write_csv(tmp_path / "officials.csv", rows, encoding="cp1252", delimiter=";")
    import_people(ws, pid, path)
    assert ws.load_scenario(pid).officials[0].name == "José Müller"


def test_plan_shows_what_would_change_without_writing(full_program, tmp_path):
    ws, pid, sc = full_program
    o = sc.officials[0]
    path = write_csv(
        tmp_path / "officials.csv",
        [OFFICIAL_HEADER, official_row(1), [o.id, "New Name", o.email, "", "", "", ""]],
    )
    plan = plan_import(ws, pid, path)
    assert plan.added == [(PersonKind.OFFICIAL, "x-0001")]
    assert len(plan.problems) == 3  # empty country, languages and interests for the existing one
    assert all(p.record == "row 3" for p in plan.problems)
    assert ws.load_scenario(pid).officials == sc.officials


def test_ten_thousand_rows_with_one_bad_row_import_nothing(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [OFFICIAL_HEADER[:-1]] + [official_row(i)[:-1] for i in range(1, 10_001)]
    rows[10_000] = official_row(10_000, Country="Narnia")[:-1]  # spreadsheet row 10001
    path = write_book(tmp_path / "officials.xlsx", {"Officials": rows})
    with pytest.raises(InputError) as e:
        import_people(ws, pid, path)
    assert [str(p) for p in e.value.problems] == [
        "sheet Officials, row 10001, column 'Country': 'Narnia' is not a known country "
        "(use a name like 'Kenya' or an ISO 3166 code like 'KE')"
    ]
    assert ws.programs()[0].officials == 0
    result = import_people(ws, pid, path, valid_rows_only=True)
    assert result.added == 9_999 and ws.programs()[0].officials == 9_999


def test_import_into_both_databases(db_url, small_path, tmp_path):
    ws, pid, sc = open_program(db_url, small_path, people=False)
    try:
        path = tmp_path / "people.xlsx"
        sheets.write_people_workbook(sc, path)
        assert import_people(ws, pid, path).added == 59
        assert ws.load_scenario(pid).officials == sc.officials
    finally:
        ws.close()


def test_the_separator_comes_from_the_header_line(empty_program, tmp_path):
    ws, pid, _ = empty_program
    text = (
        "Name,Email,Country,Languages,Interests\n"
        "Ana,ana@x.example.org,Peru,es; en,tabulation:3; security:2; logistics:1\n"
    )
    path = tmp_path / "officials.csv"
    path.write_text(text)
    import_people(ws, pid, path)
    (o,) = ws.load_scenario(pid).officials
    assert o.languages == ["es", "en"] and o.interests == {"tabulation": 3, "security": 2, "logistics": 1}


def test_windows_around_the_clock_change_reimport_unchanged(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        OFFICIAL_HEADER,
        official_row(1, Availability="2026-10-31 19:00-2026-11-01 01:00; 2026-11-01 01:30-03:00"),
    ]
    path = write_csv(tmp_path / "officials.csv", rows)
    import_people(ws, pid, path)
    (o,) = ws.load_scenario(pid).officials
    utc = UTC
    assert [w.end.astimezone(utc).hour for w in o.availability] == [5, 8]  # 01:00 EDT; 03:00 EST
    again = import_people(ws, pid, path)
    assert (again.updated, again.unchanged) == (0, 1)


def test_csv_rows_are_counted_as_a_spreadsheet_shows_them(empty_program, tmp_path):
    ws, pid, _ = empty_program
    rows = [
        OFFICIAL_HEADER,
        official_row(1, Availability="2026-10-29 08:00-09:00\n2026-10-30 08:00-09:00"),
        official_row(2, Country="Atlantis"),
    ]
    with pytest.raises(InputError) as e:
        import_people(ws, pid, write_csv(tmp_path / "officials.csv", rows))
    assert [p.record for p in e.value.problems] == ["row 3"]  # not line 4 of the file


def test_a_sheet_without_ids_or_emails_does_not_add_everyone_again(empty_program, tmp_path):
    ws, pid, _ = empty_program
    path = write_csv(
        tmp_path / "officials.csv",
        [["Name", "Country", "Languages", "Interests"], ["Ana Pérez", "Peru", "es", "tabulation"]],
    )
    assert import_people(ws, pid, path).added == 1
    with pytest.raises(InputError, match=r"row 2, column 'Name': official o-0001 already has this name"):
        import_people(ws, pid, path)
    assert len(ws.load_scenario(pid).officials) == 1


def test_an_availability_csv_on_its_own_replaces_windows(full_program, tmp_path):
    ws, pid, sc = full_program
    o = sc.officials[4]
    path = write_csv(
        tmp_path / "availability.csv",
        [
            ["Person", "Date", "Start", "End", "Site"],
            [o.id, "2026-10-29", "09:00", "11:00", "denver-co"],
            [o.email, "2026-10-30", "13:00", "15:30", ""],
        ],
    )
    result = import_people(ws, pid, path)
    assert (result.added, result.updated) == (0, 1)
    got = ws.load_scenario(pid).officials_by_id()[o.id]
    assert [(w.start.astimezone(ZoneInfo("America/Denver")).hour, w.location) for w in got.availability][
        :1
    ] == [(9, "denver-co")]
    assert len(got.availability) == 2 and got.name == o.name and got.interests == o.interests
