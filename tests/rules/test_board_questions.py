"""why_not_join / why_not_move on the hand-made program: what the board shows while dragging."""

from __future__ import annotations

import pytest

from exchange_app.domain import Pin
from exchange_app.errors import NotFoundError
from exchange_app.rules import (
    RuleContext,
    why_not_join,
    why_not_join_all,
    why_not_leave,
    why_not_move,
    why_not_move_all,
)
from tests.rules.helpers import make_scenario, make_schedule, session


def got(violations) -> set[tuple]:
    return {(v.rule, v.code, v.session, v.person) for v in violations}


@pytest.fixture
def roomy():
    """The hand-made program with room for a third official in each session."""
    sc = make_scenario()
    sc.program.max_guests = 3
    return sc, RuleContext(sc), make_schedule()


def test_legal_join_is_empty(roomy):
    sc, ctx, sch = roomy
    assert why_not_join(ctx, sch, "o7", "S3") == []
    assert why_not_join(ctx, sch, "o7", "S1") == []  # o7 speaks en: no interpreter needed


def test_join_beyond_the_program_size(roomy):
    sc, ctx, sch = roomy
    sc.program.max_guests = 2
    ctx = RuleContext(sc)
    assert got(why_not_join(ctx, sch, "o7", "S1")) == {(3, "too-many-guests", "S1", None)}


def test_join_without_a_shared_language(roomy):
    sc, ctx, sch = roomy
    (v,) = why_not_join(ctx, sch, "o2", "S3")
    assert (v.rule, v.code, v.session, v.person) == (5, "language-barrier", "S3", "o2")
    assert "Official O2 (o2)" in v.message and "no interpreter" in v.message


def test_join_after_leaving_reports_both_sides(roomy):
    sc, ctx, sch = roomy
    assert got(why_not_join(ctx, sch, "o1", "S2", leaving="S3")) == {
        (5, "language-barrier", "S2", "o1"),  # S2 is in Spanish
        (3, "too-few-guests", "S3", None),  # S3 keeps only o3
    }


def test_leaving_a_pinned_place(roomy):
    sc, ctx, sch = roomy
    assert got(why_not_join(ctx, sch, "o1", "S2", leaving="S1")) == {
        (5, "language-barrier", "S2", "o1"),
        (3, "too-few-guests", "S1", None),
        (9, "pin-not-kept", "S1", "o1"),
        (9, "pinned-not-in-session", "S1", "o1"),
    }


def test_join_into_an_overlapping_slot_and_a_second_meeting(roomy):
    sc, ctx, sch = roomy
    session(sch, "S3").slot = "d1-1530"
    session(sch, "S3").officials = ["o3", "o7"]
    # o1 is in S1 (15:00-16:00 UTC); S3 is now 15:30-16:30
    assert got(why_not_join(ctx, sch, "o1", "S3")) == {(2, "double-booked", "S3", "o1")}
    session(sch, "S3").host = "h1"
    session(sch, "S3").slot = "d1-16"
    assert got(why_not_join(ctx, sch, "o1", "S3")) == {(8, "same-host-twice", "S3", "o1")}


def test_existing_violations_are_not_repeated(roomy):
    sc, ctx, sch = roomy
    session(sch, "S1").interpreter = None  # o2 now cannot follow S1: already broken
    assert why_not_join(ctx, sch, "o7", "S3") == []
    assert why_not_join(ctx, sch, "o7", "S1") == []


def test_moving_within_the_same_session_is_legal(roomy):
    sc, ctx, sch = roomy
    assert why_not_join(ctx, sch, "o1", "S1", leaving="S1") == []


def test_join_all_answers_for_every_session(roomy):
    sc, ctx, sch = roomy
    answers = why_not_join_all(ctx, sch, "o2")
    assert set(answers) == {"S1", "S2", "S3"}
    for sid, vs in answers.items():
        assert got(vs) == got(why_not_join(ctx, sch, "o2", sid))
    assert got(answers["S1"]) == {(3, "listed-twice", "S1", "o2")}  # already there


def test_unknown_official_is_reported(roomy):
    sc, ctx, sch = roomy
    assert got(why_not_join(ctx, sch, "o-gone", "S3")) == {(2, "unknown-official", "S3", "o-gone")}


def test_unknown_session_raises(roomy):
    sc, ctx, sch = roomy
    with pytest.raises(NotFoundError):
        why_not_join(ctx, sch, "o1", "S9")
    with pytest.raises(NotFoundError):
        why_not_move(ctx, sch, "S9", "d1-15")


def test_move_to_an_overlapping_slot(roomy):
    sc, ctx, sch = roomy
    (v,) = why_not_move(ctx, sch, "S3", "d1-1530")
    assert (v.code, v.session, v.person, v.detail) == ("double-booked", "S3", "o1", "S1")
    assert why_not_move(ctx, sch, "S3", "d1-16") == []  # where it is


def test_move_keeps_per_day_limits_in_program_time(roomy):
    sc, ctx, sch = roomy
    # 'late' is 22:00 on 2 Nov in New York: S2 joins o3's day 1 (S3); limit 3 is fine
    assert why_not_move(ctx, sch, "S2", "late") == []
    sc.officials[2].max_per_day = 1  # o3
    ctx = RuleContext(sc)
    assert got(why_not_move(ctx, sch, "S2", "late")) == {(7, "max-per-day", None, "o3")}


def test_move_breaking_and_reaching_pins(roomy):
    sc, ctx, sch = roomy
    # S1 holds o1's pin with h1 at d1-15: moving it breaks the pin
    assert (9, "pin-not-kept", None, "o1") in got(why_not_move(ctx, sch, "S1", "d2-15"))
    # a pin of o6 with h2 at 'late', not kept now; moving S2 (h2) there without o6 names S2
    sc.pins.append(Pin(official="o6", host="h2", slot="late"))
    ctx = RuleContext(sc)
    assert got(why_not_move(ctx, sch, "S2", "late")) == {(9, "pin-not-kept", "S2", "o6")}
    # with o6 in S2, the move keeps the pin
    session(sch, "S2").officials = ["o4", "o6"]
    session(sch, "S2").language = "en"
    session(sch, "S2").interpreter = None
    assert all(v.code != "pin-not-kept" for v in why_not_move(ctx, sch, "S2", "late"))


def test_move_unavailable_host_and_unknown_slot(roomy):
    sc, ctx, sch = roomy
    sc.hosts[2].availability = sc.hosts[2].availability[:1]  # h3: day 1 only
    ctx = RuleContext(sc)
    assert got(why_not_move(ctx, sch, "S3", "d2-15")) == {
        (2, "unavailable", "S3", "h3"),
        (2, "double-booked", "S3", "o3"),
    }
    assert got(why_not_move(ctx, sch, "S3", "nowhere")) == {(2, "unknown-slot", "S3", None)}


def test_move_all_answers_for_every_slot(roomy):
    sc, ctx, sch = roomy
    answers = why_not_move_all(ctx, sch, "S3")
    assert set(answers) == {s.id for s in sc.slots}
    for slot, vs in answers.items():
        assert got(vs) == got(why_not_move(ctx, sch, "S3", slot))
    assert answers["d1-16"] == []


def test_leaving_for_the_unassigned_list(roomy):
    sc, ctx, sch = roomy
    assert got(why_not_leave(ctx, sch, "o1", "S1")) == {
        (3, "too-few-guests", "S1", None),
        (9, "pin-not-kept", "S1", "o1"),
        (9, "pinned-not-in-session", "S1", "o1"),
    }
    session(sch, "S3").officials.append("o7")
    assert why_not_leave(ctx, sch, "o1", "S3") == []
    assert why_not_leave(ctx, sch, "o5", "S3") == []  # not there: nothing changes
