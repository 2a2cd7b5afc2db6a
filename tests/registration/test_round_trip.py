"""Make a workbook, fill it in as a person would, read it back: the stored profile is what
was filled in, for every kind of person, far sites (Honolulu, Anchorage) and across the
2026-11-01 change."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from exchange_app.io import registration as reg
from exchange_app.io.spreadsheets import language_code
from exchange_app.services import Workspace
from exchange_app.services import registration as service

from .helpers import DAYS, SITES, Answers, expected_windows, far_program, fill, random_answers

SITE_IDS = {v[0]: k for k, v in SITES.items()}
TOPIC_IDS = {
    "Voter registration": "voter-registration",
    "Ballot access": "ballot-access",
    "Post-election audits": "audits",
}
HOST_HOURS = {"h-1": range(8, 18), "h-2": range(10, 19)}


@pytest.fixture
def program(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    pid = ws.import_scenario(far_program())
    yield ws, pid
    ws.close()


def _book_of(result: service.MakeResult, person: str) -> Path:
    return next(b.path for b in result.workbooks if any(pid == person for _, pid in b.people))


def _check_stored(ws: Workspace, pid: int, filled: dict[str, Answers]) -> None:
    sc = ws.load_scenario(pid)
    people = {p.id: p for p in sc.people()}
    for person_id, a in filled.items():
        p = people[person_id]
        assert p.languages == [language_code(x) for x in a.languages], person_id
        host_site = getattr(p, "location", None) if p.kind.value == "host" else None
        got = sorted((w.start, w.end, w.location) for w in p.availability)
        assert got == expected_windows(a, SITE_IDS, host_site), person_id
        if p.kind.value == "official":
            assert p.interests == {TOPIC_IDS[t]: w for t, w in a.interests.items() if w}
            assert (p.title or "") == a.title
        if p.kind.value == "host":
            assert set(p.expertise) == {TOPIC_IDS[t] for t, yes in a.expertise.items() if yes}
            assert p.virtual is a.video
            assert (p.title or "") == a.title


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_kind_round_trips_through_its_workbook(program, tmp_path, seed):
    ws, pid = program
    made = service.make_workbooks(ws, pid, tmp_path / "out")
    assert len(made.workbooks) == 6
    rng = random.Random(seed)
    sc = ws.load_scenario(pid)
    filled: dict[str, Answers] = {}
    for p in sc.people():
        hours = HOST_HOURS.get(p.id, range(8, 23))
        a = random_answers(rng, p.kind.value, list(SITE_IDS), hours)
        fill(_book_of(made, p.id), p.name, a)
        filled[p.id] = a
    plan, applied = service.read_workbooks(ws, pid, [tmp_path / "out"])
    assert plan.errors == [], [str(f) for f in plan.errors]
    assert len(plan.changes) + len(plan.unchanged) == 6
    _check_stored(ws, pid, filled)

    # Made again from what is stored, the workbooks show exactly what was filled in ...
    again = service.make_workbooks(ws, pid, tmp_path / "again")
    for p in sc.people():
        back = reg.read_workbook(_book_of(again, p.id))
        form = back.forms[0]
        a = filled[p.id]
        hours = [(d.day, [int(back.meta.grid.label(i)[:2]) for i in d.ticks]) for d in form.days]
        assert hours == [(d, a.days[d][1]) for d in DAYS], p.id
        if p.kind.value != "host":
            days_with_ticks = [d for d in DAYS if a.days[d][1]]
            assert [form.days[DAYS.index(d)].site for d in days_with_ticks] == [
                SITE_IDS[a.days[d][0]] for d in days_with_ticks
            ]
    # ... and reading them back changes nothing.
    plan2 = service.plan_read(ws, pid, [tmp_path / "again"])
    assert plan2.changes == [] and plan2.errors == []


def test_dst_change_in_anchorage_is_kept_hour_by_hour(program, tmp_path):
    """09:00 on 31 October is 17:00 UTC (AKDT), 09:00 on 1 November is 18:00 UTC (AKST)."""
    ws, pid = program
    made = service.make_workbooks(ws, pid, tmp_path / "out", people=["o-2"])
    a = Answers(
        languages=["Japanese"],
        interests={"Ballot access": 2},
        days={d: ("Anchorage, Alaska", [9]) for d in DAYS[1:3]},
    )
    fill(made.workbooks[0].path, "Kenji Sato", a)
    service.read_workbooks(ws, pid, [made.workbooks[0].path])
    o2 = next(o for o in ws.load_scenario(pid).officials if o.id == "o-2")
    assert [(w.start.isoformat(), w.end.isoformat()) for w in o2.availability] == [
        ("2026-10-31T17:00:00+00:00", "2026-10-31T18:00:00+00:00"),
        ("2026-11-01T18:00:00+00:00", "2026-11-01T19:00:00+00:00"),
    ]
    assert {w.location for w in o2.availability} == {"anchorage"}


def test_a_delegation_workbook_has_each_member(program, tmp_path):
    ws, pid = program
    made = service.make_workbooks(ws, pid, tmp_path / "out", delegations=["D1"])
    assert len(made.workbooks) == 1 and made.workbooks[0].people == [
        (k, i) for k, i in made.workbooks[0].people
    ]
    assert [pid_ for _, pid_ in made.workbooks[0].people] == ["o-1", "o-2"]
    rng = random.Random(7)
    filled = {}
    for person_id, name in (("o-1", "Ana Lima"), ("o-2", "Kenji Sato")):
        a = random_answers(rng, "official", list(SITE_IDS), range(8, 23))
        fill(made.workbooks[0].path, name, a)
        filled[person_id] = a
    plan, _ = service.read_workbooks(ws, pid, [made.workbooks[0].path])
    assert plan.errors == []
    _check_stored(ws, pid, filled)
