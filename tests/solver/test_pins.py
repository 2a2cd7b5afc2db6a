"""Pins are hard; pins that cannot be kept are named with a reason, never dropped silently."""

from __future__ import annotations

from exchange_app.domain import Mode, Pin, Schedule, Session
from tests.solver.helpers import host, official, scenario, sessions_of, slots, solve_checked


def _program():
    sl = slots(per_day=3)
    offs = [official(f"o-{i}", f"C{i}", sl, interests={"tabulation": 2, "security": 1}) for i in range(6)]
    hosts = [host("h-1", sl, expertise=("tabulation", "security")), host("h-2", sl, expertise=("security",))]
    return sl, scenario(sl, offs, hosts)


def test_pin_is_kept_and_marked():
    sl, sc = _program()
    sc.pins = [Pin(official="o-3", host="h-2", slot=sl[2].id)]
    out = solve_checked(sc)
    [session] = [s for s in sessions_of(out, "o-3") if s.host == "h-2"]
    assert session.slot == sl[2].id and session.topic == "security"
    assert "o-3" in session.pinned
    assert not out.result.pin_conflicts


def test_pins_in_two_places_at_once_are_named():
    sl, sc = _program()
    sc.pins = [Pin(official="o-1", host="h-1", slot=sl[0].id), Pin(official="o-1", host="h-2", slot=sl[0].id)]
    out = solve_checked(sc, allow={"pin-not-kept"})
    [msg] = out.result.pin_conflicts
    assert f"pin o-1 with h-1 at {sl[0].id}" in msg and f"pin o-1 with h-2 at {sl[0].id}" in msg
    assert "two sessions at once" in msg


def test_pin_with_unavailable_host_is_named():
    sl = slots(days=2, per_day=2)
    offs = [official(f"o-{i}", f"C{i}", sl) for i in range(3)]
    sc = scenario(sl, offs, [host("h-1", sl, days=[0])])
    sc.pins = [Pin(official="o-0", host="h-1", slot=sl[3].id)]
    out = solve_checked(sc, allow={"pin-not-kept"})
    # people, hosts, sites and local times as staff see them (ids in parentheses at most)
    assert out.result.pin_conflicts == (
        f"pin o-0 with h-1 at {sl[3].id} (Fri 30 Oct 08:00 MDT, denver-co): "
        "h-1 is not available at Fri 30 Oct 08:00 MDT",
    )
    assert [v.code for v in out.report.violations] == ["pin-not-kept"]


def test_pins_that_only_fail_together_are_named_by_cp_sat():
    # each pin alone is fine, but the two pinned sessions run at the same time and only
    # one more official (o-2) exists: both sessions cannot reach min_guests (2).
    sl = slots(per_day=1)
    offs = [official("o-0", "A", sl), official("o-1", "B", sl), official("o-2", "C", sl)]
    sc = scenario(sl, offs, [host("h-1", sl), host("h-2", sl)])
    sc.pins = [Pin(official="o-0", host="h-1", slot=sl[0].id), Pin(official="o-1", host="h-2", slot=sl[0].id)]
    out = solve_checked(sc, allow={"pin-not-kept"})
    assert out.result.pin_conflicts
    [msg] = out.result.pin_conflicts
    assert "cannot all be kept" in msg
    assert "pin o-0 with h-1" in msg and "pin o-1 with h-2" in msg
    # only one of the two is left out: the other is kept
    assert len([v for v in out.report.violations if v.code == "pin-not-kept"]) == 1


def test_pinned_session_of_previous_schedule_stays():
    sl, sc = _program()
    prev = Schedule(
        sessions=[
            Session(
                id="s-0007",
                host="h-1",
                slot=sl[1].id,
                topic="security",
                language="en",
                officials=["o-0", "o-1"],
                mode=Mode.IN_PERSON,
                location="denver-co",
                pinned=["o-0", "o-1"],
            )
        ]
    )
    out = solve_checked(sc, previous=prev)
    [kept] = [s for s in out.schedule.sessions if s.id == "s-0007"]
    assert (kept.host, kept.slot, kept.topic, kept.language, kept.mode) == (
        "h-1",
        sl[1].id,
        "security",
        "en",
        Mode.IN_PERSON,
    )
    assert {"o-0", "o-1"} <= set(kept.officials) and set(kept.pinned) == {"o-0", "o-1"}
    # new sessions get fresh ids after the highest previous one
    others = [s.id for s in out.schedule.sessions if s.id != "s-0007"]
    assert others and all(int(x.split("-")[1]) > 7 for x in others)
