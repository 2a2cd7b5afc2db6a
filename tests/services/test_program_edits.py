"""Editing a program's dates and slot grid after it was made (issue 12, "everything stays
editable"): new dates and hours make the grid again with the wizard's generator, single
slots are added and removed, and a slot that sessions, pins or availability windows use
is never dropped: the edit is refused naming what uses it. Every edit stores and its
inverse (storing the program as it was) restores exactly."""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta

import pytest

from exchange_app.domain import Host, Official, Pin, Schedule, Session, Window, zone
from exchange_app.errors import InputError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace, new_program, program_edits
from exchange_app.services.new_program import (
    DayHours,
    ProgramSpec,
    SiteSpec,
    TopicSpec,
    build_scenario,
    infer_hours,
    slot_grid,
)

NY, HNL = "America/New_York", "Pacific/Honolulu"
THU, FRI, MON = date(2026, 10, 29), date(2026, 10, 30), date(2026, 11, 2)
HOURS = DayHours(day_start=time(9), day_end=time(17), block_minutes=90, lunch=(time(12), time(13)))


def _program(days=(THU, FRI)):
    spec = ProgramSpec(
        name="Edits",
        dates=list(days),
        sites=[
            SiteSpec(name="New York, New York", timezone=NY),
            SiteSpec(name="Honolulu, Hawaii", timezone=HNL),
        ],
        topics=[TopicSpec(name="Voter registration")],
        block_minutes=90,
    )
    return build_scenario(spec)


def _with_people(sc):
    """An official available on Friday only (New York hours) and a host in New York."""
    sc = copy.deepcopy(sc)
    ny = zone(NY)
    sc.officials.append(
        Official(
            id="o-1",
            name="Mariam Batbayar",
            country="MN",
            languages=["en"],
            interests={"voter-registration": 3},
            availability=[
                Window(start=datetime.combine(FRI, time(9), ny), end=datetime.combine(FRI, time(17), ny))
            ],
        )
    )
    sc.hosts.append(
        Host(
            id="h-1",
            name="Denise Harris",
            location="new-york-new-york",
            languages=["en"],
            expertise=["voter-registration"],
        )
    )
    return sc


def _slot_at(sc, day, hh, mm=0, tz=NY):
    start = datetime.combine(day, time(hh, mm), zone(tz))
    return next(x for x in sc.slots if x.start == start)


def test_infer_hours_gives_back_the_wizard_hours_and_regrid_with_them_changes_nothing():
    sc = _program()
    assert infer_hours(sc) == DayHours(
        day_start=time(9), day_end=time(16), block_minutes=90, lunch=(time(12), time(13))
    )
    same, added, removed = program_edits.regrid(sc, [THU, FRI], infer_hours(sc))
    assert (added, removed) == (0, 0) and [x.id for x in same.slots] == [x.id for x in sc.slots]


def test_more_days_add_each_sites_business_hours_and_keep_the_old_slots():
    sc = _program()
    after, added, removed = program_edits.regrid(sc, [THU, FRI, MON], HOURS)
    per_day = len(sc.slots) // 2
    assert (added, removed) == (per_day, 0)
    assert {x.id for x in sc.slots} <= {x.id for x in after.slots}
    monday = [x for x in after.slots if after.day_of(x) == MON]
    assert {x.start.astimezone(zone(HNL)).time() for x in monday} >= {
        time(9),
        time(10, 30),
        time(13),
        time(14, 30),
    }
    assert {x.start.astimezone(zone(NY)).time() for x in monday} >= {
        time(9),
        time(10, 30),
        time(13),
        time(14, 30),
    }
    assert [x.id for x in after.slots] == [x.id for x in slot_grid([THU, FRI, MON], [NY, HNL], HOURS)]
    assert sc.slots == _program().slots  # the argument is never changed


def test_new_hours_make_a_new_grid_when_nothing_uses_the_old_one():
    sc = _program()
    hourly = DayHours(day_start=time(8), day_end=time(12), block_minutes=60, lunch=None)
    after, added, removed = program_edits.regrid(sc, [THU], hourly)
    assert removed == len(sc.slots) and added == len(after.slots) == 8  # 4 blocks in each of two zones
    assert all(int((x.end - x.start).total_seconds()) == 3600 for x in after.slots)


def test_bad_hours_or_no_day_are_refused_naming_the_field():
    with pytest.raises(InputError) as e:
        program_edits.regrid(_program(), [], DayHours(day_start=time(17), day_end=time(9)))
    fields = {(p.record, p.field) for p in e.value.problems}
    assert ("hours", "end") in fields and ("dates and hours", "dates") in fields


def test_shrinking_dates_is_refused_naming_the_people_whose_availability_would_hold_no_slot():
    sc = _with_people(_program())
    with pytest.raises(InputError) as e:
        program_edits.regrid(sc, [THU], HOURS)
    message = e.value.problems[0].message
    assert "cannot remove 8 slots" in message and "Fri 30 Oct" in message
    assert "availability window of 1 person (Mariam Batbayar)" in message
    # dropping the Thursday nobody needs is fine
    after, added, removed = program_edits.regrid(sc, [FRI], HOURS)
    assert (added, removed) == (0, 8) and {after.day_of(x) for x in after.slots} == {FRI}


def test_shrinking_dates_is_refused_naming_sessions_and_pins_on_the_days_that_go():
    sc = _program()
    thu = _slot_at(sc, THU, 9)
    sc.pins.append(Pin(official="o-1", host="h-1", slot=thu.id))
    sc = _with_people(sc)
    schedule = Schedule(
        sessions=[
            Session(
                id="s-1",
                host="h-1",
                slot=thu.id,
                topic="voter-registration",
                language="en",
                officials=["o-1"],
            )
        ]
    )
    with pytest.raises(InputError) as e:
        program_edits.regrid(sc, [FRI], HOURS, schedule)
    message = e.value.problems[0].message
    assert (
        "1 session of the latest schedule (Voter registration with Denise Harris, Thu 29 Oct 09:00 EDT, New York)"
        in message
    )
    assert "1 pin (Mariam Batbayar (o-1) with Denise Harris, Thu 29 Oct 09:00 EDT, New York)" in message


def test_add_a_slot_sorted_in_time_and_refuse_a_copy_or_a_backwards_one():
    sc = _program()
    start = datetime.combine(THU, time(7, 30), zone(NY))
    after, sid = program_edits.add_slot(sc, start, start + timedelta(minutes=45))
    assert sid == "20261029T1130Z-45" and after.slots[0].id == sid and len(after.slots) == len(sc.slots) + 1
    with pytest.raises(InputError, match="already has this slot \\(Thu 29 Oct 07:30-08:15 EDT\\)"):
        program_edits.add_slot(after, start, start + timedelta(minutes=45))
    with pytest.raises(InputError) as e:
        program_edits.add_slot(sc, start, start - timedelta(hours=1))
    assert e.value.problems[0].field == "end" and "is not after the start" in e.value.problems[0].message
    with pytest.raises(InputError, match="needs a time zone"):
        program_edits.add_slot(sc, datetime(2026, 10, 29, 9), datetime(2026, 10, 29, 10))


def test_remove_a_free_slot_and_refuse_one_a_session_pin_or_window_needs():
    sc = _with_people(_program())
    thu = _slot_at(sc, THU, 9)
    after = program_edits.remove_slot(sc, thu.id)
    assert thu.id not in {x.id for x in after.slots} and len(after.slots) == len(sc.slots) - 1

    pinned = copy.deepcopy(sc)
    pinned.pins.append(Pin(official="o-1", host="h-1", slot=thu.id))
    with pytest.raises(InputError) as e:
        program_edits.remove_slot(pinned, thu.id)
    assert e.value.problems[0].record == "slot Thu 29 Oct 09:00-10:30 EDT"
    assert e.value.problems[0].message.startswith(
        "cannot be removed while it is used: 1 pin (Mariam Batbayar (o-1)"
    )

    schedule = Schedule(
        sessions=[Session(id="s-1", host="h-1", slot=thu.id, topic="voter-registration", language="en")]
    )
    with pytest.raises(InputError, match="1 session of the latest schedule"):
        program_edits.remove_slot(sc, thu.id, schedule)

    # a window that holds only one slot keeps it
    narrow = copy.deepcopy(sc)
    fri = _slot_at(sc, FRI, 10, 30)
    narrow.officials[0].availability = [Window(start=fri.start, end=fri.end)]
    with pytest.raises(InputError, match="availability window of 1 person \\(Mariam Batbayar\\)"):
        program_edits.remove_slot(narrow, fri.id)
    with pytest.raises(InputError, match="is not in the program"):
        program_edits.remove_slot(sc, "no-such-slot")


def test_grid_summary_names_slots_and_days():
    assert new_program.grid_summary(_program()) == "16 slots on 2 days (Thu 29 Oct – Fri 30 Oct)"


def test_stored_regrid_and_its_undo_restore_the_program_exactly(tmp_path, small_path):
    sc = read_scenario(small_path)
    with Workspace.open(tmp_path / "p.db") as ws:
        pid = ws.import_scenario(sc, source="small")
        before = ws.load_scenario(pid)
        days = sorted({before.day_of(x) for x in before.slots})
        after, added, removed = program_edits.regrid(
            before, [*days, days[-1] + timedelta(days=1)], infer_hours(before)
        )
        assert added > 0 and removed == 0
        ws.replace_scenario(pid, after)
        assert len(ws.load_scenario(pid).slots) == len(before.slots) + added
        ws.replace_scenario(pid, before)  # what the undo command does
        again = ws.load_scenario(pid)
        assert again.slots == before.slots and again.pins == before.pins
        assert [p.availability for p in again.people()] == [p.availability for p in before.people()]
        # the sample's only pin keeps its slot: removing it is refused and nothing is stored
        pin = before.pins[0]
        with pytest.raises(InputError, match="1 pin"):
            program_edits.remove_slot(before, pin.slot)
        assert ws.load_scenario(pid).slots == before.slots
