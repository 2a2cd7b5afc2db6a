"""Two staff members on one team database (a real PostgreSQL server; SQLite too).

Two Workspaces (two app sessions, users "maria" and "li") edit the same official: the
second save, based on what was loaded before the first, is refused with who and when, and
nothing is lost; after a reload it goes through and both changes are there. The same for a
true race (both save at once from threads) and for a people sheet imported while someone
edits.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest

from exchange_app.domain import PersonKind
from exchange_app.errors import ConflictError
from exchange_app.io import spreadsheets as sheets
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.services import spreadsheets as sheet_service

OFFICIAL = PersonKind.OFFICIAL


@pytest.fixture
def two(db_url, small_path):
    maria = Workspace.open(db_url, user="maria")
    li = Workspace.open(db_url, user="li")
    pid = maria.import_scenario(read_scenario(small_path))
    yield maria, li, pid
    maria.close()
    li.close()


def test_second_save_of_the_same_official_is_refused_naming_who_and_when(two):
    maria, li, pid = two
    # both load the program
    seen_by_maria, seen_by_li = maria.load_scenario(pid), li.load_scenario(pid)
    rev_maria = maria.person_revisions(pid)[(OFFICIAL, "o-0007")]
    rev_li = li.person_revisions(pid)[(OFFICIAL, "o-0007")]
    o_maria = seen_by_maria.officials_by_id()["o-0007"]
    o_li = seen_by_li.officials_by_id()["o-0007"]
    maria.upsert_person(pid, dataclasses.replace(o_maria, title="Head of delegation"), rev_maria.revision)
    with pytest.raises(ConflictError) as e:
        li.upsert_person(pid, dataclasses.replace(o_li, email="new.address@emb.example.org"), rev_li.revision)
    message = str(e.value)
    assert "o-0007" in message and "changed by maria at" in message and "reload" in message
    stored = li.load_scenario(pid).officials_by_id()["o-0007"]
    assert (
        stored.title == "Head of delegation" and stored.email == o_li.email
    )  # maria's kept, li's not written
    # li reloads and saves again: both changes are there
    fresh = li.load_scenario(pid).officials_by_id()["o-0007"]
    li.upsert_person(
        pid,
        dataclasses.replace(fresh, email="new.address@emb.example.org"),
        li.person_revisions(pid)[(OFFICIAL, "o-0007")].revision,
    )
    final = maria.load_scenario(pid).officials_by_id()["o-0007"]
    assert (final.title, final.email) == ("Head of delegation", "new.address@emb.example.org")
    assert maria.person_revisions(pid)[(OFFICIAL, "o-0007")].updated_by == "li"


def test_a_true_race_lets_exactly_one_save_through(two):
    maria, li, pid = two
    base = maria.load_scenario(pid).officials_by_id()["o-0003"]
    revision = maria.person_revisions(pid)[(OFFICIAL, "o-0003")].revision
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(ws, title):
        start.wait()
        try:
            results[ws.user] = ws.upsert_person(pid, dataclasses.replace(base, title=title), revision)
        except ConflictError as e:
            results[ws.user] = e

    threads = [
        threading.Thread(target=save, args=(maria, "by maria")),
        threading.Thread(target=save, args=(li, "by li")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refused = [u for u, r in results.items() if isinstance(r, ConflictError)]
    assert len(results) == 2 and len(refused) == 1, results
    winner = "li" if refused == ["maria"] else "maria"
    assert winner in str(results[refused[0]])
    assert maria.load_scenario(pid).officials_by_id()["o-0003"].title == f"by {winner}"


def test_a_sheet_import_does_not_overwrite_an_edit_made_meanwhile(two, tmp_path, monkeypatch):
    maria, li, pid = two
    path = tmp_path / "people.xlsx"
    sc = maria.load_scenario(pid)
    sc.officials[0].title = "From the sheet"
    sheets.write_people_workbook(sc, path)
    real_plan = sheet_service.plan_import

    def plan_then_li_edits(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        other = li.load_scenario(pid).officials_by_id()["o-0010"]
        li.upsert_person(pid, dataclasses.replace(other, title="Li's edit"))
        return plan

    monkeypatch.setattr(sheet_service, "plan_import", plan_then_li_edits)
    with pytest.raises(ConflictError, match=r"o-0010.*changed by li"):
        sheet_service.import_people(maria, pid, path)
    now = maria.load_scenario(pid).officials_by_id()
    assert now["o-0010"].title == "Li's edit" and now["o-0001"].title != "From the sheet"
    monkeypatch.setattr(sheet_service, "plan_import", real_plan)
    result = sheet_service.import_people(maria, pid, path)  # imported again, on purpose: goes through
    assert result.updated >= 1
    assert maria.load_scenario(pid).officials_by_id()["o-0001"].title == "From the sheet"
