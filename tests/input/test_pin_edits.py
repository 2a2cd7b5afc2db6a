"""Pins changed in the app (``Workspace.set_pins`` / ``add_pins``) get the import's
contradiction check (issue 14 item 2): refused whole with both pins named, nothing written.
The check is the import's own (``scenario_json.pin_contradictions``), not a copy."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exchange_app.domain import Forbidden, Pin
from exchange_app.errors import InputError
from exchange_app.io.scenario_json import parse_scenario
from exchange_app.services import Workspace
from exchange_app.storage import programs as db_programs
from tests.storage.cases import dump

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = json.loads((DATA / "sample-tiny.json").read_text("utf-8"))
SLOT = [s["id"] for s in TINY["slots"]]
KEPT = Pin(official="o-0004", host="h-0005", slot="20261029T2000Z")  # the sample's own pin


def program(tmp_path: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> tuple[Workspace, int]:
    doc = copy.deepcopy(TINY)
    if edit is not None:
        edit(doc)
    ws = Workspace.open(tmp_path / "pins.db")
    return ws, ws.import_scenario(parse_scenario(doc, "tiny"))


def refused(ws: Workspace, pid: int, change: Callable[[], object]) -> str:
    """Run ``change``; asserts an InputError and the database as it was; its words."""
    before = dump(ws.engine)
    with pytest.raises(InputError) as e:
        change()
    assert dump(ws.engine) == before
    return str(e.value)


def name(p: Pin) -> str:
    return f"pin {p.official} with {p.host} at {p.slot}"


def test_a_pin_on_a_forbidden_pair(tmp_path):
    ws, pid = program(tmp_path)
    bad = Pin(official="o-0001", host="h-0004", slot=SLOT[3])
    for change in (lambda: ws.set_pins(pid, [KEPT, bad], base=[KEPT]), lambda: ws.add_pins(pid, [bad])):
        err = refused(ws, pid, change)
        assert f"{name(bad)}:" in err and "forbidden[0] says they must never share a session" in err
        assert "conflict of interest declared" in err
    assert ws.pins(pid) == [KEPT]


def test_a_forbidden_pair_added_on_a_stored_pin(tmp_path):
    ws, pid = program(tmp_path)
    err = refused(ws, pid, lambda: ws.add_pins(pid, [], [Forbidden(official=KEPT.official, host=KEPT.host)]))
    assert f"{name(KEPT)}:" in err and "must never share a session" in err


def test_an_official_pinned_to_two_hosts_at_the_same_slot(tmp_path):
    ws, pid = program(tmp_path)
    a = Pin(official="o-0002", host="h-0001", slot=SLOT[0])
    b = Pin(official="o-0002", host="h-0002", slot=SLOT[0])
    err = refused(ws, pid, lambda: ws.set_pins(pid, [KEPT, a, b]))
    assert f"{name(b)}:" in err and f"overlaps {name(a)}" in err and "two sessions at once" in err
    ws.add_pins(pid, [a])  # one of them is fine
    err = refused(ws, pid, lambda: ws.add_pins(pid, [b]))
    assert f"{name(b)}:" in err and f"overlaps {name(a)}" in err


def test_an_official_pinned_in_overlapping_slots(tmp_path):
    def edit(d: dict[str, Any]) -> None:
        d["slots"].append({"id": "half-past", "start": "2026-10-29T12:30Z", "end": "2026-10-29T13:30Z"})

    ws, pid = program(tmp_path, edit)
    a = Pin(official="o-0002", host="h-0001", slot=SLOT[0])
    b = Pin(official="o-0002", host="h-0002", slot="half-past")
    err = refused(ws, pid, lambda: ws.set_pins(pid, [*ws.pins(pid), a, b], base=ws.pins(pid)))
    assert f"{name(b)}:" in err and f"overlaps {name(a)}" in err


def test_more_pins_to_one_host_slot_than_max_guests(tmp_path):
    def edit(d: dict[str, Any]) -> None:
        d["program"]["max_same_country"] = 9

    ws, pid = program(tmp_path, edit)
    nine = [Pin(official=f"o-{n:04d}", host="h-0005", slot=SLOT[8]) for n in range(1, 10)]
    err = refused(ws, pid, lambda: ws.set_pins(pid, nine))
    assert "is pin number 7 to host" in err and f"(with {name(nine[0])}" in err
    assert "program.max_guests is 6" in err


def test_more_pins_from_one_country_than_max_same_country(tmp_path):
    by_country: dict[str, list[str]] = {}
    for o in TINY["officials"]:
        by_country.setdefault(o["country"], []).append(o["id"])
    country, ids = next((c, ids) for c, ids in by_country.items() if len(ids) >= 2)

    def edit(d: dict[str, Any]) -> None:
        d["program"]["max_same_country"] = 1

    ws, pid = program(tmp_path, edit)
    two = [Pin(official=x, host="h-0001", slot=SLOT[8]) for x in ids[:2]]
    err = refused(ws, pid, lambda: ws.add_pins(pid, two))
    assert f"{name(two[1])}: pins a 2th official from {country}" in err and f"(with {name(two[0])})" in err
    assert "max_same_country is 1" in err


def test_more_pins_than_max_sessions_and_max_per_day(tmp_path):
    def edit(d: dict[str, Any]) -> None:
        d["officials"][1].update(max_sessions=1, min_sessions=1)
        d["officials"][2]["max_per_day"] = 1

    ws, pid = program(tmp_path, edit)
    a, b = (
        Pin(official="o-0002", host="h-0001", slot=SLOT[0]),
        Pin(official="o-0002", host="h-0002", slot=SLOT[5]),
    )
    err = refused(ws, pid, lambda: ws.set_pins(pid, [KEPT, a, b]))
    assert f"{name(b)}: is pin number 2 of official" in err and f"(with {name(a)})" in err
    assert "their max_sessions is 1" in err
    c, d = (
        Pin(official="o-0003", host="h-0001", slot=SLOT[0]),
        Pin(official="o-0003", host="h-0002", slot=SLOT[2]),
    )
    err = refused(ws, pid, lambda: ws.add_pins(pid, [c, d]))
    assert f"{name(d)}: is pin number 2 of official" in err and "their max_per_day is 1" in err


def test_a_stored_contradiction_does_not_block_other_pin_changes(tmp_path):
    ws, pid = program(tmp_path)
    a = Pin(official="o-0002", host="h-0001", slot=SLOT[0])
    b = Pin(official="o-0002", host="h-0002", slot=SLOT[0])
    with ws._sessions.begin() as s:  # as an older version stored it, bypassing the check
        db_programs.set_pins(s, pid, [KEPT, a, b])
    good = Pin(official="o-0003", host="h-0003", slot=SLOT[4])
    assert ws.set_pins(pid, [KEPT, a, b, good], base=[KEPT, a, b]) == [KEPT, a, b, good]
    assert ws.set_pins(pid, [KEPT, a]) == [KEPT, a]  # removing one of the pair mends it
    err = refused(ws, pid, lambda: ws.add_pins(pid, [b]))
    assert f"overlaps {name(a)}" in err


def test_pins_that_keep_the_rules_are_stored(tmp_path):
    ws, pid = program(tmp_path)
    more = [
        Pin(official="o-0002", host="h-0001", slot=SLOT[0]),
        Pin(official="o-0003", host="h-0001", slot=SLOT[0]),
    ]
    assert ws.set_pins(pid, [KEPT, *more], base=[KEPT]) == [KEPT, *more]
    ws.add_pins(pid, [Pin(official="o-0002", host="h-0002", slot=SLOT[2])])
    assert len(ws.pins(pid)) == 4
