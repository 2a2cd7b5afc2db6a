"""The staff spreadsheet (CSV/XLSX): one row per session and participant, local and UTC times."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from exchange_app.errors import InputError
from exchange_app.io import schedule_sheet
from exchange_app.io.calendar_ics import CalendarContext
from exchange_app.io.schedule_sheet import COLUMNS, write_schedule_sheet
from tests.io.test_calendar_ics import SITES, STAMP, TRICKY, build_program, build_schedule, move_official

ZONES = {name: tz for _, name, tz in SITES}


@pytest.fixture
def program():
    return build_program()


@pytest.fixture
def ctx(program):
    return CalendarContext(program, stamp=STAMP)


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert b"\n" not in raw.replace(b"\r\n", b"")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_rows_per_participant_with_local_and_utc_times(program, ctx, tmp_path):
    schedule = build_schedule(program)
    n = write_schedule_sheet(ctx, schedule, tmp_path / "s.csv")
    rows = read_csv(tmp_path / "s.csv")
    assert list(rows[0]) == COLUMNS
    expected = {
        (s.id, pid) for s in schedule.sessions for pid in [s.host, s.interpreter, *s.officials] if pid
    }
    assert n == len(rows) == len(expected)
    assert {(r["Session"], r["Person id"]) for r in rows} == expected
    starts = [r["Start (UTC)"] for r in rows]
    assert starts == sorted(starts)
    for r in rows:
        utc = datetime.strptime(r["Start (UTC)"], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
        local = utc.astimezone(ZoneInfo(ZONES[r["Site"]]))
        assert r["Start"] == local.strftime("%Y-%m-%d %H:%M") and r["Time zone"] == local.tzname()
        assert r["Date"] == local.date().isoformat()
    # Either side of the end of DST in Denver: 09:00 MDT, then 08:00 MST for 15:00 UTC.
    denver = {
        (r["Start"], r["Time zone"])
        for r in rows
        if r["Site"].startswith("Denver") and r["Start (UTC)"].endswith("T15:00Z")
    }
    assert denver == {("2026-10-31 09:00", "MDT"), ("2026-11-02 08:00", "MST")}
    assert set(TRICKY) <= {r["Name"] for r in rows}
    assert {r["Role"] for r in rows} == {"host", "interpreter", "official"}


def test_xlsx_keeps_text_as_text_and_times_as_times(program, ctx, tmp_path):
    program.officials[0].name = '=HYPERLINK("http://x","y")'
    program.officials[1].organization = "+1 Commission"
    schedule = build_schedule(program)
    n = write_schedule_sheet(ctx, schedule, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == COLUMNS
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    rows = [dict(zip(header, [c for c in row], strict=False)) for row in ws.iter_rows(min_row=2)]
    assert len(rows) == n
    names = {r["Name"].value for r in rows}
    assert '=HYPERLINK("http://x","y")' in names and set(TRICKY[1:]) <= names
    for r in rows:
        assert {r["Name"].data_type, r["Organization"].data_type} <= {"s", "inlineStr"}  # text, not "f"
        assert isinstance(r["Start (UTC)"].value, datetime) and isinstance(r["Start"].value, datetime)
        utc = r["Start (UTC)"].value.replace(tzinfo=UTC)
        assert utc.astimezone(ZoneInfo(ZONES[r["Site"].value])).replace(tzinfo=None) == r["Start"].value


def test_csv_defuses_formulas(program, ctx, tmp_path):
    program.officials[0].name = "=1+2"
    program.officials[1].name = "@SUM(A1)"
    write_schedule_sheet(ctx, build_schedule(program), tmp_path / "s.csv")
    names = {r["Name"] for r in read_csv(tmp_path / "s.csv")}
    assert {"'=1+2", "'@SUM(A1)"} <= names and "=1+2" not in names


def test_change_column_since_an_earlier_version(program, ctx, tmp_path):
    v1 = build_schedule(program)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    write_schedule_sheet(ctx, v2, tmp_path / "s.csv", since=v1)
    rows = read_csv(tmp_path / "s.csv")
    change = {(r["Session"], r["Person id"]): r["Change"] for r in rows}
    assert change[("s-03", "o-1")] == "cancelled" and change[("s-04", "o-1")] == "new"
    # A roster change is news only for the one who moved.
    assert {k for k, v in change.items() if v == "changed"} == set()
    assert {v for k, v in change.items() if k[1] != "o-1"} == {""}


def test_failed_write_leaves_the_old_file(program, ctx, tmp_path, monkeypatch):
    target = tmp_path / "s.csv"
    target.write_text("old", encoding="utf-8")
    calls = {"n": 0}
    real = schedule_sheet._csv_value

    def failing(value):
        calls["n"] += 1
        if calls["n"] > 100:
            raise OSError("disk full")
        return real(value)

    monkeypatch.setattr(schedule_sheet, "_csv_value", failing)
    with pytest.raises(OSError):
        write_schedule_sheet(ctx, build_schedule(program), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]


def test_other_suffix_is_refused(program, ctx, tmp_path):
    with pytest.raises(InputError, match="must end in .csv or .xlsx"):
        write_schedule_sheet(ctx, build_schedule(program), tmp_path / "s.ods")
