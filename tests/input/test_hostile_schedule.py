"""Hostile schedule files and the checker on huge schedules: a schedule import refuses
more sessions than host-slots, unknown ids and contradictory pins whole; ``check`` stays
linear and groups repeated problems (issue 14 items 2-3; issue 15 item 8)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from exchange_app.cli import main
from exchange_app.domain import Session
from exchange_app.io.scenario_json import read_scenario
from exchange_app.rules import check_schedule
from exchange_app.services import Workspace
from tests.storage.cases import dump

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = read_scenario(DATA / "sample-tiny.json")
PIN = TINY.pins[0]


def session(
    i: int, host: str, slot: str, officials: list[str], pinned: list[str] | None = None
) -> dict[str, Any]:
    h = next(x for x in TINY.hosts if x.id == host)
    return {
        "id": f"s-{i:04d}",
        "host": host,
        "slot": slot,
        "topic": h.expertise[0],
        "language": h.languages[0],
        "officials": officials,
        "pinned": pinned or [],
    }


def schedule(*sessions: dict[str, Any]) -> dict[str, Any]:
    return {"format": "exchange-schedule/1", "program": TINY.program.name, "sessions": list(sessions)}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "programs.db"
    assert main(["--db", str(path), "import", str(DATA / "sample-tiny.json")]) == 0
    return path


def refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: Any) -> str:
    with Workspace.open(db) as ws:
        before = dump(ws.engine)
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(doc), "utf-8")
    capsys.readouterr()
    code = main(["--db", str(db), "import", str(path)])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in err and f"{path}: refused" in err
    with Workspace.open(db) as ws:
        assert dump(ws.engine) == before
    return err


OFFICIALS = [o.id for o in TINY.officials]
SLOTS = [s.id for s in TINY.slots]


def test_100000_sessions_for_a_program_with_65_host_slots(db, tmp_path, capsys):
    one = session(1, "h-0001", SLOTS[0], OFFICIALS[:3])
    doc = schedule(*[dict(one, id=f"s-{i}") for i in range(100_000)])
    err = refused(db, tmp_path, capsys, doc)
    assert "holds 100,000 sessions" in err and "5 hosts x 13 slots = 65 host-slots" in err


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"host": "h-9999"}, "host", "unknown host 'h-9999'"),
        ({"slot": "never"}, "slot", "unknown slot 'never'"),
        ({"officials": ["o-0001", "o-9999"]}, "officials[1]", "unknown official 'o-9999'"),
        ({"interpreter": "o-0001"}, "interpreter", "unknown interpreter 'o-0001'"),
        ({"officials": [1, 2]}, "officials[0]", "1 is not an official id"),
        ({"officials": ["o-0001"] * 13}, "officials", "lists 13 officials; the program has only 12"),
        ({"host": ["h-0001"]}, "host", "['h-0001'] is not an id"),
        ({"mode": {"x": 1}}, "mode", "is neither 'in-person' nor 'virtual'"),
        ({"language": "en\r\nX"}, "language", "control character"),
        ({"id": "s\x00"}, "id", "control character"),
    ],
)
def test_sessions_with_unknown_or_malformed_fields(db, tmp_path, capsys, change, field, words):
    doc = schedule(dict(session(1, "h-0001", SLOTS[0], OFFICIALS[:3]), **change))
    err = refused(db, tmp_path, capsys, doc)
    assert "sessions[0]" in err and f"field '{field}'" in err and words in err


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("unmatched", [{"official": "o-0001", "sessions": "abc"}], "'abc' is not a whole number"),
        ("unmatched", [{"official": "o-0001", "sessions": 1e308}], "decimal number"),
        ("unmatched", [{"official": "o-0001", "min_sessions": 2**70}], "is above 10,000"),
        ("unmatched", [{"official": "o-4242"}], "unknown official 'o-4242'"),
        ("solver", {"status": "optimal", "objective": "lots"}, "'lots' is not a number"),
        ("solver", {"status": "optimal", "bound": 1e300}, "out of range"),
        ("solver", {"status": ["x"]}, "is not a solver status"),
        ("program", 42, "42 is not a program name"),
    ],
)
def test_malformed_unmatched_solver_and_program(db, tmp_path, capsys, key, value, words):
    doc = schedule(session(1, "h-0001", SLOTS[0], OFFICIALS[:3]))
    doc[key] = value
    assert words in refused(db, tmp_path, capsys, doc)


def test_an_official_pinned_in_two_sessions_at_once(db, tmp_path, capsys):
    doc = schedule(
        session(1, "h-0001", SLOTS[0], OFFICIALS[:3], pinned=[OFFICIALS[1]]),
        session(2, "h-0002", SLOTS[0], OFFICIALS[1:4], pinned=[OFFICIALS[1]]),
    )
    err = refused(db, tmp_path, capsys, doc)
    assert "sessions[1] (s-0002), field 'pinned[0]'" in err and "overlaps sessions[0] (s-0001)" in err


def test_a_pinned_official_on_a_forbidden_pair(db, tmp_path, capsys):
    fb = TINY.forbidden[0]
    doc = schedule(session(1, fb.host, SLOTS[3], [fb.official, OFFICIALS[5]], pinned=[fb.official]))
    err = refused(db, tmp_path, capsys, doc)
    assert "sessions[0] (s-0001), field 'pinned[0]'" in err and "forbidden[0] says they must never" in err


def test_more_pinned_than_max_guests(db, tmp_path, capsys):
    doc = schedule(session(1, "h-0003", SLOTS[6], OFFICIALS[:8], pinned=OFFICIALS[:8]))
    err = refused(db, tmp_path, capsys, doc)
    assert "field 'pinned[6]': is pin number 7" in err and "program.max_guests is 6" in err


def test_a_file_pin_against_the_programs_pin(db, tmp_path, capsys):
    other = next(h.id for h in TINY.hosts if h.id != PIN.host)
    doc = schedule(session(1, other, PIN.slot, [PIN.official, OFFICIALS[0]], pinned=[PIN.official]))
    err = refused(db, tmp_path, capsys, doc)
    assert "program pins[0]" in err and "two sessions at once" in err


def test_a_kept_program_pin_is_not_a_contradiction(db, tmp_path, capsys):
    path = tmp_path / "ok.json"
    host = next(h for h in TINY.hosts if h.id == PIN.host)
    doc = schedule(
        dict(
            session(1, PIN.host, PIN.slot, [PIN.official, OFFICIALS[0]], pinned=[PIN.official]),
            topic=host.expertise[0],
        )
    )
    path.write_text(json.dumps(doc), "utf-8")
    assert main(["--db", str(db), "import", str(path)]) == 0


# --------------------------------------------------------------------------- check stays linear


def repeated(n: int, same_id: bool) -> Any:
    from exchange_app.domain import Schedule

    base = Session(
        id="s-0001",
        host="h-0001",
        slot=SLOTS[0],
        topic="security",
        language="en",
        officials=OFFICIALS[:6],
        location="x",
    )
    return Schedule(
        sessions=[dataclasses.replace(base, id=base.id if same_id else f"s-{i}") for i in range(n)]
    )


def test_check_groups_one_session_repeated_3000_times():
    report = check_schedule(TINY, repeated(3000, same_id=True))
    assert len(report.violations) < 100
    double = [v for v in report.violations if v.code == "double-booked"]
    assert {v.person for v in double} == {"h-0001", *OFFICIALS[:6]}
    assert all(v.count == 2999 and v.message.endswith("(2,999 times)") for v in double)
    dup = next(v for v in report.violations if v.code == "duplicate-session-id")
    assert "used by 3000 sessions" in dup.message


def test_check_of_3000_distinct_copies_reports_each_later_session_once():
    report = check_schedule(TINY, repeated(3000, same_id=False))
    double = [v for v in report.violations if v.code == "double-booked"]
    assert len(double) == 7 * 2999  # one per later session and person, not one per pair
    last = next(v for v in double if v.session == "s-999" and v.person == "h-0001")  # last by id
    assert last.detail == "s-0" and "(and 2998 more at overlapping times)" in last.message
    assert len(report.violations) < 3000 * 40  # linear: a bounded number per session
