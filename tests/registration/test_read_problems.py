"""Reading returned workbooks: problems named by file, sheet and cell; good files still read;
the same person twice; another program; staff edits kept; status and the reminder CSV; undo."""

from __future__ import annotations

import csv
import os
import shutil
import time
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from exchange_app.errors import InputError
from exchange_app.services import Workspace
from exchange_app.services import registration as service

from .helpers import DAYS, Answers, far_program, fill


@pytest.fixture
def made(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    pid = ws.import_scenario(far_program())
    result = service.make_workbooks(ws, pid, tmp_path / "out")
    books = {pid_: b.path for b in result.workbooks for _, pid_ in b.people}
    yield ws, pid, books
    ws.close()


def _person(ws, pid, person_id):
    return next(p for p in ws.load_scenario(pid).people() if p.id == person_id)


def _set(path, sheet, cell, value, modified=None):
    book = openpyxl.load_workbook(path)
    book[sheet][cell].value = value
    if modified is not None:
        book.properties.modified = modified
    book.save(path)


def test_a_bad_cell_is_named_and_the_good_files_are_still_read(made):
    ws, pid, books = made
    fill(
        books["o-3"],
        "Marie Dubois",
        Answers(
            languages=["French", "English"],
            interests={"Post-election audits": 3},
            days={DAYS[3]: ("Atlanta, Georgia", [14, 15, 16, 17])},
        ),
    )
    fill(books["o-1"], "Ana Lima", Answers(languages=["Portuguese"], interests={"Voter registration": 3}))
    _set(books["o-1"], "Availability", "E6", "maybe")
    plan = service.plan_read(ws, pid, [books["o-1"], books["o-3"]])
    errors = [str(f) for f in plan.errors]
    assert any(
        books["o-1"].name in e and "sheet Availability, cell E6" in e and "'maybe' is not a tick" in e
        for e in errors
    ), errors
    assert [c.id for c in plan.changes] == ["o-3"]
    with pytest.raises(InputError, match="cell E6"):
        service.apply_plan(ws, pid, plan, all_or_nothing=True)
    assert _person(ws, pid, "o-3").languages == ["fr"]  # nothing written
    service.apply_plan(ws, pid, plan)
    assert _person(ws, pid, "o-3").languages == ["fr", "en"]
    assert _person(ws, pid, "o-1").languages == ["pt", "en"]  # the bad file was not read


def test_a_renamed_file_is_matched_and_a_changed_hidden_sheet_is_refused(made, tmp_path):
    ws, pid, books = made
    fill(
        books["i-1"],
        "Chloé Martin",
        Answers(languages=["French"], days={DAYS[4]: ("Atlanta, Georgia", [15])}),
    )
    renamed = tmp_path / "my answers.xlsx"
    shutil.copy(books["i-1"], renamed)
    plan = service.plan_read(ws, pid, [renamed])
    assert [(c.id, c.file) for c in plan.changes] == [("i-1", "my answers.xlsx")]
    _set(renamed, "Registration", "B4", "official o-1")  # not the data, but B2's checksum still holds
    assert service.plan_read(ws, pid, [renamed]).changes  # the readable labels are not trusted
    book = openpyxl.load_workbook(renamed)
    data = book["Registration"]["B5"].value
    book["Registration"]["B5"].value = data.replace('"id":"i-1"', '"id":"o-1"')
    book.save(renamed)
    plan = service.plan_read(ws, pid, [renamed])
    assert plan.changes == []
    assert any("sheet Registration, cell B2" in str(f) and "was changed" in str(f) for f in plan.errors)


def test_a_workbook_of_another_program_is_refused(made, tmp_path):
    ws, pid, books = made
    other_sc = far_program()
    other_sc.program.name = "Another program"
    other = ws.import_scenario(other_sc)
    other_books = service.make_workbooks(ws, other, tmp_path / "other")
    plan = service.plan_read(ws, pid, [other_books.workbooks[0].path, books["o-2"]])
    assert any(
        "is a workbook of another program ('Another program'" in str(f) and "sheet Registration" in str(f)
        for f in plan.errors
    )
    assert plan.unchanged == [] and plan.changes == []
    assert any(
        "has not been filled in" in f.message and "not counted as returned" in f.message for f in plan.notices
    )


def test_the_same_person_twice_the_newer_file_wins_and_staff_are_told(made, tmp_path):
    ws, pid, books = made
    older = tmp_path / "older.xlsx"
    shutil.copy(books["o-2"], older)
    t = datetime(2026, 11, 20, 9, tzinfo=UTC)
    fill(older, "Kenji Sato", Answers(languages=["Japanese"], interests={"Ballot access": 1}))
    _set(older, "About you", "D5", "Deputy", modified=t)
    time.sleep(1.1)  # openpyxl stamps "modified" (to the second) when it saves, as Excel does
    fill(books["o-2"], "Kenji Sato", Answers(languages=["English"], interests={"Ballot access": 3}))
    _set(books["o-2"], "About you", "D5", "Chair", modified=t + timedelta(hours=2))
    # openpyxl stamps "modified" with the second it saves; the files' times tell them apart
    os.utime(older, (t.timestamp(), t.timestamp()))
    plan = service.plan_read(ws, pid, [older, books["o-2"]])
    assert [c.file for c in plan.changes] == [books["o-2"].name]
    assert any(f.file == "older.xlsx" and "the newer file was read" in f.message for f in plan.notices)
    service.apply_plan(ws, pid, plan)
    o2 = _person(ws, pid, "o-2")
    assert (
        o2.languages == ["en"] and o2.interests == {"ballot-access": 3, "audits": 1} and o2.title == "Chair"
    )
    # read again later: the older file is not read over the newer one
    plan = service.plan_read(ws, pid, [older])
    assert plan.changes == [] and any("before the one already read" in f.message for f in plan.notices)


def test_staff_edits_made_meanwhile_are_kept_where_the_person_changed_nothing(made):
    ws, pid, books = made
    o3 = _person(ws, pid, "o-3")
    o3.interests = {"audits": 3, "ballot-access": 2}  # staff, after the workbook was made
    ws.upsert_person(pid, o3)
    book = openpyxl.load_workbook(books["o-3"])
    book["About you"]["G5"].value = "English"  # Language 2; interests left as sent
    book.save(books["o-3"])
    plan = service.plan_read(ws, pid, [books["o-3"]])
    assert [f.field for c in plan.changes for f in c.fields] == ["Languages"]
    service.apply_plan(ws, pid, plan)
    o3 = _person(ws, pid, "o-3")
    assert o3.languages == ["fr", "en"] and o3.interests == {"audits": 3, "ballot-access": 2}


def test_a_topic_removed_from_the_program_is_a_notice_with_its_cell(made):
    ws, pid, books = made
    fill(
        books["o-2"],
        "Kenji Sato",
        Answers(languages=["Japanese"], interests={"Ballot access": 2, "Voter registration": 3}),
    )
    sc = ws.load_scenario(pid)
    sc.topics = [t for t in sc.topics if t.id != "voter-registration"]
    for o in sc.officials:
        o.interests.pop("voter-registration", None)
        if not o.interests:
            o.interests = {"audits": 1}
    sc.hosts[0].expertise = ["ballot-access"]
    ws.replace_scenario(pid, sc)
    plan = service.plan_read(ws, pid, [books["o-2"]])
    notes = [str(f) for f in plan.notices]
    assert any(
        "sheet Interests, cell C5" in n and "'voter-registration' is no longer part of the program" in n
        for n in notes
    ), notes
    service.apply_plan(ws, pid, plan)
    assert _person(ws, pid, "o-2").interests == {"ballot-access": 2, "audits": 1}


def test_status_lists_who_returned_and_writes_the_missing_as_csv(made, tmp_path):
    ws, pid, books = made
    rows = service.status(ws, pid)
    assert {r.state for r in rows} == {"missing"} and len(rows) == 6
    fill(
        books["h-2"],
        "Sam Nanook",
        Answers(languages=["English"], video=False, expertise={"Post-election audits": True}),
    )
    service.read_workbooks(ws, pid, [books["h-2"]])
    rows = {r.id: r for r in service.status(ws, pid)}
    assert rows["h-2"].state == "returned" and rows["h-2"].returned_file == books["h-2"].name
    n = service.write_missing_csv(rows.values(), tmp_path / "missing.csv")
    with open(tmp_path / "missing.csv", encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert n == 5 and sorted(r["Id"] for r in table) == ["h-1", "i-1", "o-1", "o-2", "o-3"]
    assert table[0]["E-mail"] and table[0]["Workbook"].endswith(".xlsx")


def test_undo_puts_back_people_and_status_exactly(made):
    ws, pid, books = made
    before = ws.load_scenario(pid)
    fill(
        books["h-1"],
        "Leilani Kahale",
        Answers(
            languages=["English", "Japanese"],
            video=True,
            expertise={"Ballot access": True},
            days={DAYS[0]: (None, [9, 10])},
        ),
    )
    plan, applied = service.read_workbooks(ws, pid, [books["h-1"]])
    assert [c.id for c in plan.changes] == ["h-1"]
    after = ws.load_scenario(pid)
    service.put_back(ws, pid, applied, undo=True)
    assert ws.load_scenario(pid).hosts == before.hosts
    assert {r.id: r.state for r in service.status(ws, pid)}["h-1"] == "missing"
    service.put_back(ws, pid, applied, undo=False)
    assert ws.load_scenario(pid).hosts == after.hosts
    assert {r.id: r.state for r in service.status(ws, pid)}["h-1"] == "returned"


def test_make_read_status_on_sqlite_and_postgresql(db_url, tmp_path):
    with Workspace.open(db_url) as ws:
        pid = ws.import_scenario(far_program())
        made = service.make_workbooks(ws, pid, tmp_path / "out", people=["o-3", "i-1"])
        fill(
            made.workbooks[0].path,
            "Marie Dubois",
            Answers(languages=["French", "German"], interests={"Ballot access": 1}),
        )
        plan, _ = service.read_workbooks(ws, pid, [tmp_path / "out"])
        assert [c.id for c in plan.changes] == ["o-3"]
        assert _person(ws, pid, "o-3").languages == ["fr", "de"]
        assert {r.id: r.state for r in service.status(ws, pid) if r.sent_at} == {
            "o-3": "returned",
            "i-1": "missing",
        }
