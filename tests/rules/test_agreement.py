"""The fast checker agrees with a slow, plain re-check (``reference.py``), and the board's
questions (``why_not_join``/``why_not_move``) agree with checking the edited schedule.

The program is ``tests/data/sample-small.json`` with a few extra slots that overlap the
hourly ones without being equal to them, extra pins and forbidden pairs; the starting
schedule is built by a plain greedy (``greedy.py``) and is valid by both checks.
"""

from __future__ import annotations

import copy
import functools
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exchange_app.domain import Forbidden, Mode, Pin, Slot
from exchange_app.io.scenario_json import read_scenario
from exchange_app.rules import (
    RuleContext,
    check_schedule,
    why_not_join,
    why_not_join_all,
    why_not_leave,
    why_not_move,
    why_not_move_all,
)
from tests.rules import test_checker
from tests.rules.greedy import greedy_schedule
from tests.rules.helpers import make_scenario, make_schedule
from tests.rules.reference import plain_check

SMALL = Path(__file__).resolve().parents[1] / "data" / "sample-small.json"


@functools.lru_cache(maxsize=2)
def program(roomy: bool = False):
    """(scenario, context, valid schedule); ``roomy``: smaller sessions, at most two per
    official, so that many joins are legal."""
    sc = read_scenario(SMALL)
    # slots half an hour after every third slot: they overlap two hourly slots each
    extra = [
        Slot(id=f"{s.id}+30", start=s.start + timedelta(minutes=30), end=s.end + timedelta(minutes=30))
        for s in sc.slots[::3]
    ]
    sc.slots[:0] = extra  # first, so that the greedy fills some of them
    for o in sc.officials[::7]:  # some officials may be anywhere
        for w in o.availability:
            w.location = None
    schedule = greedy_schedule(sc, guests=3, sessions_each=2) if roomy else greedy_schedule(sc)
    # more staff decisions that the greedy schedule keeps: pins on some of its meetings,
    # forbidden pairs of officials and hosts who never meet in it
    for s in schedule.sessions[::4]:
        sc.pins.append(Pin(official=s.officials[0], host=s.host, slot=s.slot))
        s.pinned.append(s.officials[0])
    meets = {(o, s.host) for s in schedule.sessions for o in s.officials}
    for o in sc.officials[::5]:
        for h in sc.hosts[::3]:
            if (o.id, h.id) not in meets:
                sc.forbidden.append(Forbidden(official=o.id, host=h.id, reason="test"))
    return sc, RuleContext(sc), schedule


def keys(violations) -> set[tuple]:
    return {v.key for v in violations}


@pytest.mark.parametrize("roomy", [False, True])
def test_greedy_schedule_is_valid_by_both_checks(roomy):
    sc, ctx, schedule = program(roomy)
    assert len(schedule.sessions) >= 15
    assert any(s.interpreter for s in schedule.sessions)
    assert any(s.slot.endswith("+30") for s in schedule.sessions)
    assert any(s.mode == Mode.VIRTUAL for s in schedule.sessions)
    assert len(sc.pins) >= 4 and len(sc.forbidden) >= 10
    assert plain_check(sc, schedule) == set()
    assert check_schedule(sc, schedule, ctx).violations == []


@pytest.mark.parametrize("case", list(test_checker.CASES))
def test_reference_agrees_on_every_hand_made_case(case):
    edit, _ = test_checker.CASES[case]
    sc, sch = make_scenario(), make_schedule()
    edit(sc, sch)
    assert keys(check_schedule(sc, sch).violations) == plain_check(sc, sch)


# --------------------------------------------------------------------------- random edits

EDITS = [
    "move",
    "add",
    "remove",
    "topic",
    "language",
    "slot",
    "host",
    "interpreter",
    "drop-interpreter",
    "mode",
    "pinned",
    "compatriots",
]


def random_edit(data, sc, schedule) -> str:
    """Apply one random edit to ``schedule`` in place; returns a description."""
    kind = data.draw(st.sampled_from(EDITS), label="edit")
    sessions = schedule.sessions
    s = data.draw(st.sampled_from(sessions), label="session")
    official_ids = [o.id for o in sc.officials]
    if kind == "move" and s.officials:
        oid = data.draw(st.sampled_from(s.officials))
        other = data.draw(st.sampled_from(sessions))
        s.officials.remove(oid)
        other.officials.append(oid)
        return f"move {oid} {s.id}->{other.id}"
    if kind == "add":
        oid = data.draw(st.sampled_from(official_ids))
        s.officials.append(oid)
        return f"add {oid} to {s.id}"
    if kind == "remove" and s.officials:
        oid = data.draw(st.sampled_from(s.officials))
        s.officials.remove(oid)
        return f"remove {oid} from {s.id}"
    if kind == "topic":
        s.topic = data.draw(st.sampled_from([t.id for t in sc.topics]))
        return f"topic of {s.id} = {s.topic}"
    if kind == "language":
        s.language = data.draw(st.sampled_from(["en", "es", "fr", "ar", "pt", "ru", "sw"]))
        return f"language of {s.id} = {s.language}"
    if kind == "slot":
        s.slot = data.draw(st.sampled_from([x.id for x in sc.slots]))
        return f"slot of {s.id} = {s.slot}"
    if kind == "host":
        host = data.draw(st.sampled_from(sc.hosts))
        s.host = host.id
        if s.mode == Mode.IN_PERSON and data.draw(st.booleans()):
            s.location = host.location
        return f"host of {s.id} = {s.host}"
    if kind == "interpreter":
        s.interpreter = data.draw(st.sampled_from([i.id for i in sc.interpreters]))
        return f"interpreter of {s.id} = {s.interpreter}"
    if kind == "drop-interpreter":
        s.interpreter = None
        return f"no interpreter in {s.id}"
    if kind == "mode":
        host = next(h for h in sc.hosts if h.id == s.host)
        s.mode = Mode.VIRTUAL if s.mode == Mode.IN_PERSON else Mode.IN_PERSON
        s.location = None if s.mode == Mode.VIRTUAL else host.location
        if data.draw(st.booleans()):  # sometimes forget to fix the location
            s.location = data.draw(st.sampled_from([None, *(x.id for x in sc.locations)]))
        return f"mode of {s.id} = {s.mode}"
    if kind == "compatriots" and s.officials:
        country = next((o.country for o in sc.officials if o.id == s.officials[0]), None)
        same = [o.id for o in sc.officials if o.country == country and o.id not in s.officials]
        s.officials.extend(same[: data.draw(st.integers(1, 2))])
        return f"compatriots of {s.officials[0]} into {s.id}"
    if kind == "pinned":
        oid = data.draw(st.sampled_from(official_ids))
        s.pinned.append(oid)
        return f"pin {oid} in {s.id}"
    return "nothing"


# RULES_EXAMPLES=5000 for a longer hunt
SETTINGS = settings(
    max_examples=int(os.environ.get("RULES_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(st.data())
def test_checker_agrees_with_plain_recheck_after_random_edits(data):
    sc, ctx, base = program()
    schedule = copy.deepcopy(base)
    n = data.draw(st.integers(1, 3), label="edits")
    for _ in range(n):
        random_edit(data, sc, schedule)
    report = check_schedule(sc, schedule, ctx)
    expected = plain_check(sc, schedule)
    for code in sorted({k[1] for k in expected}) or ["valid"]:
        event(code)
    assert keys(report.violations) == expected
    assert report.ok == (not expected)


PROGRAM_EDITS = [
    "limit",
    "per-day",
    "window",
    "window-site",
    "pin",
    "forbid",
    "guests",
    "country",
    "timezone",
    "language",
]


def random_program_edit(data, sc, schedule) -> str:
    """Apply one random edit to the program ``sc`` in place (as staff editing profiles would)."""
    kind = data.draw(st.sampled_from(PROGRAM_EDITS), label="program edit")
    person = data.draw(st.sampled_from(sc.people()), label="person")
    if kind == "limit":
        person.max_sessions = data.draw(st.integers(0, 3))
    elif kind == "per-day":
        person.max_per_day = data.draw(st.integers(0, 2))
    elif kind == "window" and person.availability:
        person.availability.pop(data.draw(st.integers(0, len(person.availability) - 1)))
    elif kind == "window-site" and person.availability:
        w = data.draw(st.sampled_from(person.availability))
        w.location = data.draw(st.sampled_from([None, *(x.id for x in sc.locations)]))
    elif kind == "pin":
        s = data.draw(st.sampled_from(schedule.sessions))
        oid = data.draw(st.sampled_from([o.id for o in sc.officials]))
        sc.pins.append(
            Pin(official=oid, host=s.host, slot=data.draw(st.sampled_from([s.slot, sc.slots[0].id])))
        )
    elif kind == "forbid":
        s = data.draw(st.sampled_from(schedule.sessions))
        if s.officials:
            sc.forbidden.append(Forbidden(official=data.draw(st.sampled_from(s.officials)), host=s.host))
    elif kind == "guests":
        sc.program.min_guests = data.draw(st.integers(1, 4))
        sc.program.max_guests = data.draw(st.integers(2, 6))
    elif kind == "country":
        sc.program.max_same_country = data.draw(st.integers(1, 2))
    elif kind == "timezone":
        sc.program.timezone = data.draw(st.sampled_from(["UTC", "America/Phoenix", "Pacific/Auckland"]))
    elif kind == "language":
        person.languages = data.draw(
            st.lists(st.sampled_from(["en", "es", "fr", "ar"]), max_size=2, unique=True)
        )
    return kind


@SETTINGS
@given(st.data())
def test_checker_agrees_with_plain_recheck_after_program_edits(data):
    base_sc, _, base = program()
    sc, schedule = copy.deepcopy(base_sc), copy.deepcopy(base)
    for _ in range(data.draw(st.integers(1, 2), label="program edits")):
        event(random_program_edit(data, sc, schedule))
    for _ in range(data.draw(st.integers(0, 1), label="schedule edits")):
        random_edit(data, sc, schedule)
    assert keys(check_schedule(sc, schedule).violations) == plain_check(sc, schedule)


def _joined(schedule, oid, target_id, leaving_id):
    edited = copy.deepcopy(schedule)
    target = next(s for s in edited.sessions if s.id == target_id)
    if leaving_id is not None:
        left = next(s for s in edited.sessions if s.id == leaving_id)
        left.officials[:] = [x for x in left.officials if x != oid]
    target.officials.append(oid)
    return edited


@SETTINGS
@given(st.data())
def test_why_not_join_agrees_with_checking_the_edited_schedule(data):
    sc, ctx, base = program(data.draw(st.booleans(), label="roomy"))
    schedule = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(0, 2), label="edits before")):
        random_edit(data, sc, schedule)
    official = data.draw(st.sampled_from(sc.officials), label="official")
    oid = official.id
    slots = {x.id: x for x in sc.slots}
    # half the time a session the official could plausibly join, so that legal joins are common
    site = {h.id: h.location for h in sc.hosts}
    plausible = [
        s
        for s in schedule.sessions
        if oid not in s.officials
        and official.interests.get(s.topic)
        and s.language in official.languages
        and s.slot in slots
        and len(s.officials) < sc.program.max_guests
        and any(
            w.start <= slots[s.slot].start
            and slots[s.slot].end <= w.end
            and w.location in (None, site.get(s.host))
            for w in official.availability
        )
    ]
    pool = plausible if plausible and data.draw(st.booleans(), label="plausible") else schedule.sessions
    target = data.draw(st.sampled_from(pool), label="target").id
    mine = [s.id for s in schedule.sessions if oid in s.officials]
    leaving = data.draw(st.sampled_from([None, *mine, target]), label="leaving")

    before = keys(check_schedule(sc, schedule, ctx).violations)
    after = keys(check_schedule(sc, _joined(schedule, oid, target, leaving), ctx).violations)
    answer = why_not_join(ctx, schedule, oid, target, leaving=leaving)
    event("legal join" if not answer else "illegal join")
    assert keys(answer) == after - before
    assert {v.rule for v in answer} == {k[0] for k in after - before}
    assert keys(why_not_join_all(ctx, schedule, oid, leaving=leaving)[target]) == after - before


@SETTINGS
@given(st.data())
def test_why_not_leave_agrees_with_checking_the_edited_schedule(data):
    sc, ctx, base = program(data.draw(st.booleans(), label="roomy"))
    schedule = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(0, 2), label="edits before")):
        random_edit(data, sc, schedule)
    session = data.draw(st.sampled_from(schedule.sessions), label="session")
    oid = data.draw(st.sampled_from([*session.officials, sc.officials[0].id]), label="official")

    before = keys(check_schedule(sc, schedule, ctx).violations)
    edited = copy.deepcopy(schedule)
    left = next(s for s in edited.sessions if s.id == session.id)
    left.officials[:] = [x for x in left.officials if x != oid]
    after = keys(check_schedule(sc, edited, ctx).violations)
    assert keys(why_not_leave(ctx, schedule, oid, session.id)) == after - before


@SETTINGS
@given(st.data())
def test_why_not_move_agrees_with_checking_the_edited_schedule(data):
    sc, ctx, base = program(data.draw(st.booleans(), label="roomy"))
    schedule = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(0, 2), label="edits before")):
        random_edit(data, sc, schedule)
    session = data.draw(st.sampled_from(schedule.sessions), label="session")
    slot = data.draw(st.sampled_from([x.id for x in sc.slots]), label="slot")

    before = keys(check_schedule(sc, schedule, ctx).violations)
    edited = copy.deepcopy(schedule)
    next(s for s in edited.sessions if s.id == session.id).slot = slot
    after = keys(check_schedule(sc, edited, ctx).violations)
    answer = why_not_move(ctx, schedule, session.id, slot)
    event("legal move" if not answer else "illegal move")
    assert keys(answer) == after - before
    assert keys(why_not_move_all(ctx, schedule, session.id)[slot]) == after - before


def test_board_questions_do_not_change_the_schedule():
    sc, ctx, base = program()
    schedule = copy.deepcopy(base)
    snapshot = copy.deepcopy(schedule)
    s = schedule.sessions[0]
    why_not_join_all(ctx, schedule, sc.officials[0].id, leaving=s.id)
    why_not_move_all(ctx, schedule, s.id)
    assert schedule == snapshot
