"""Team databases: pins and board edits are saved as changes against what the editor
loaded. Changes that touch different things merge; the rest is refused naming who and when.
Two workspaces (two staff) on one database, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from exchange_app.domain import Pin
from exchange_app.errors import ConflictError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from tests.storage.helpers import hand_schedule


@pytest.fixture
def two(db_url, tiny_path):
    """(maria's workspace, jon's workspace, program id) on one fresh database."""
    a = Workspace.open(db_url, user="maria")
    b = Workspace.open(db_url, user="jon")
    try:
        pid = a.import_scenario(read_scenario(tiny_path))
        yield a, b, pid
    finally:
        a.close()
        b.close()


def test_pins_of_two_editors_both_stay(two):
    a, b, pid = two
    sc = a.load_scenario(pid)
    base_a, base_b = a.pins(pid), b.pins(pid)
    mine = Pin(official=sc.officials[1].id, host=sc.hosts[0].id, slot=sc.slots[1].id)
    theirs = Pin(official=sc.officials[2].id, host=sc.hosts[1].id, slot=sc.slots[2].id)
    a.set_pins(pid, [*base_a, mine], base=base_a)
    stored = b.set_pins(pid, [*base_b, theirs], base=base_b)  # jon never saw maria's pin
    assert set(stored) == {*base_a, mine, theirs}
    assert set(a.load_scenario(pid).pins) == {*base_a, mine, theirs}
    # a removal is a change too: maria removes her pin from what she loaded
    now = a.pins(pid)
    a.set_pins(pid, [p for p in now if p != mine], base=now)
    assert set(b.pins(pid)) == {*base_a, theirs}


def test_a_clashing_pin_is_refused_naming_who(two):
    a, b, pid = two
    sc = a.load_scenario(pid)
    base = b.pins(pid)
    o, slot = sc.officials[1].id, sc.slots[1].id
    a.set_pins(pid, [*base, Pin(official=o, host=sc.hosts[0].id, slot=slot)], base=base)
    with pytest.raises(
        ConflictError, match=rf"maria pinned {o} with {sc.hosts[0].id} at that slot at \d{{4}}-"
    ):
        b.set_pins(pid, [*base, Pin(official=o, host=sc.hosts[1].id, slot=slot)], base=base)
    assert len(a.pins(pid)) == len(base) + 1  # nothing of jon's save was written


def _move(schedule, official: str, to_session: str):
    out = dataclasses.replace(
        schedule, sessions=[dataclasses.replace(x, officials=list(x.officials)) for x in schedule.sessions]
    )
    for x in out.sessions:
        if official in x.officials:
            x.officials.remove(official)
            x.pinned = [p for p in x.pinned if p != official]
    next(x for x in out.sessions if x.id == to_session).officials.append(official)
    return out


def test_board_edits_on_different_sessions_merge(two):
    a, b, pid = two
    sc = a.load_scenario(pid)
    base_number = a.save_schedule(pid, hand_schedule(sc), "edit")
    base = a.load_schedule(pid, base_number)
    s1, s2, s3 = (x.id for x in base.sessions[:3])
    # maria changes session 1's language; jon moves an official from the virtual session to session 3
    mine = dataclasses.replace(
        base,
        sessions=[
            dataclasses.replace(x, language=sc.hosts[0].languages[-1]) if x.id == s1 else x
            for x in base.sessions
        ],
    )
    s2 = base.sessions[3].id  # the virtual session: its officials are in no other session
    mover = base.sessions[3].officials[0]
    theirs = _move(base, mover, s3)
    jon = b.save_schedule(pid, theirs, "edit", base_version=base_number)
    merged_number = a.save_schedule(pid, mine, "edit", base_version=base_number)
    assert (jon, merged_number) == (base_number + 1, base_number + 2)
    merged = {x.id: x for x in a.load_schedule(pid, merged_number).sessions}
    assert merged[s1].language == sc.hosts[0].languages[-1]  # maria's change
    assert mover in merged[s3].officials and mover not in merged[s2].officials  # jon's change kept
    (info,) = [v for v in a.schedule_versions(pid) if v.number == merged_number]
    assert f"merged with version {jon} by jon" in info.note


def test_board_edits_on_the_same_session_are_refused_naming_who_and_when(two):
    a, b, pid = two
    sc = a.load_scenario(pid)
    base_number = a.save_schedule(pid, hand_schedule(sc), "edit")
    base = a.load_schedule(pid, base_number)
    s1, s2, s3 = (x.id for x in base.sessions[:3])
    mover = next(
        o
        for o in base.sessions[0].officials
        if o not in base.sessions[1].officials + base.sessions[2].officials
    )
    b.save_schedule(pid, _move(base, mover, s2), "edit", base_version=base_number)
    with pytest.raises(ConflictError) as e:
        a.save_schedule(pid, _move(base, mover, s3), "edit", base_version=base_number)
    text = str(e.value)
    assert (
        f"version {base_number + 1} by jon at " in text
        and f"official {mover}" in text
        and "nothing was saved" in text
    )
    assert [v.number for v in a.schedule_versions(pid)] == [base_number, base_number + 1]
