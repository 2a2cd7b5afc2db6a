"""Each rule family on a tiny hand-made program: a feasible case the solver must use,
and a case it must refuse (the official stays unmatched, with a reason)."""

from __future__ import annotations

from collections import Counter

from tests.solver.helpers import (
    host,
    interpreter,
    official,
    reason,
    scenario,
    sessions_of,
    slots,
    solve_checked,
)


def test_everyone_reaches_minimum_when_possible():
    sl = slots(per_day=3)
    offs = [official(f"o-{i}", c, sl, min_sessions=2) for i, c in enumerate("AB CD EF".replace(" ", ""))]
    hosts = [host("h-1", sl), host("h-2", sl)]
    out = solve_checked(scenario(sl, offs, hosts))
    assert not out.schedule.unmatched
    assert out.report.figures.officials_at_min == len(offs)
    assert out.result.status == "optimal"


def test_topic_must_be_shared():
    sl = slots()
    offs = [
        official("o-1", "A", sl),
        official("o-2", "B", sl),
        official("o-3", "C", sl, interests={"dispute-resolution": 3}),
    ]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl, expertise=("tabulation", "security"))]))
    assert sessions_of(out, "o-1") and sessions_of(out, "o-2")
    assert not sessions_of(out, "o-3")
    assert "interested only in Dispute Resolution" in reason(out, "o-3")


def test_language_needs_speaker_or_interpreter():
    sl = slots()
    offs = [official("o-1", "A", sl), official("o-2", "B", sl), official("o-3", "MN", sl, languages=("mn",))]
    sc = scenario(sl, offs, [host("h-1", sl)])
    out = solve_checked(sc)
    assert not sessions_of(out, "o-3")
    assert reason(out, "o-3") == (
        "speaks only Mongolian (mn); no host or interpreter at denver-co speaks Mongolian (mn)"
    )

    sc.interpreters.append(interpreter("i-1", sl, languages=("en", "mn")))
    out = solve_checked(sc)
    [session] = sessions_of(out, "o-3")
    assert session.interpreter == "i-1" and session.language == "en"


def test_interpreter_only_when_needed():
    sl = slots()
    offs = [official("o-1", "A", sl), official("o-2", "B", sl)]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl)], [interpreter("i-1", sl)]))
    assert out.schedule.sessions
    assert all(s.interpreter is None for s in out.schedule.sessions)


def test_site_and_virtual_sessions():
    sl = slots()
    offs = [
        official("o-1", "A", sl),
        official("o-2", "B", sl),
        official("o-3", "C", sl, site="raleigh-nc"),
        official("o-4", "D", sl, site="raleigh-nc"),
    ]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl)]))
    assert not sessions_of(out, "o-3")
    assert "where no host is available" in reason(out, "o-3")
    assert "raleigh-nc" in reason(out, "o-3")

    out = solve_checked(scenario(sl, offs, [host("h-1", sl, virtual=True)]))
    for o in ("o-3", "o-4"):
        assert sessions_of(out, o) and all(s.mode == "virtual" for s in sessions_of(out, o))


def test_available_only_where_no_host_is():
    sl = slots(days=2)
    offs = [official("o-1", "A", sl), official("o-2", "B", sl), official("o-3", "C", sl, days=[1])]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl, days=[0])]))
    assert not sessions_of(out, "o-3")
    assert reason(out, "o-3") == "available only on 2026-10-30 at denver-co, where no host is available"


def test_session_size_limits():
    sl = slots(per_day=1)
    offs = [official(f"o-{i}", f"C{i}", sl) for i in range(8)]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl)], max_guests=5))
    [session] = out.schedule.sessions
    assert len(session.officials) == 5
    assert len(out.schedule.unmatched) == 3

    # a lone interested official cannot form a session (min_guests 2)
    out = solve_checked(scenario(sl, offs[:1], [host("h-1", sl)]))
    assert not out.schedule.sessions
    assert "too few other officials" in reason(out, "o-0")


def test_country_mix():
    sl = slots(per_day=1)
    offs = [official(f"o-{i}", "KE", sl) for i in range(4)] + [official("o-9", "PH", sl)]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl)]))
    [session] = out.schedule.sessions
    assert sum(1 for o in session.officials if o != "o-9") == 2  # two from KE, not four
    assert "o-9" in session.officials


def test_session_limits_per_person():
    sl = slots(days=2, per_day=4)
    offs = [
        official(
            f"o-{i}",
            f"C{i}",
            sl,
            max_sessions=3,
            max_per_day=2,
            interests={"tabulation": 3, "security": 3, "logistics": 3, "dispute-resolution": 3},
        )
        for i in range(4)
    ]
    hosts = [
        host(
            f"h-{k}",
            sl,
            expertise=("tabulation", "security", "logistics", "dispute-resolution"),
            max_sessions=3,
            max_per_day=2,
        )
        for k in range(5)
    ]
    out = solve_checked(scenario(sl, offs, hosts))
    for o in offs:
        mine = sessions_of(out, o.id)
        assert len(mine) == 3  # the most allowed, and more would pay
        assert max(Counter(s.slot[:8] for s in mine).values()) <= 2


def test_meet_a_host_once():
    sl = slots(per_day=3)
    offs = [
        official(f"o-{i}", f"C{i}", sl, min_sessions=2, interests={"tabulation": 2, "security": 2})
        for i in range(3)
    ]
    out = solve_checked(scenario(sl, offs, [host("h-1", sl, expertise=("tabulation", "security"))]))
    for o in offs:
        assert len(sessions_of(out, o.id)) == 1
        assert "can meet only 1 different host (h-1)" in reason(out, o.id)


def test_hosts_full():
    sl = slots(per_day=2)
    offs = [official(f"o-{i}", f"C{i}", sl, interests={"dispute-resolution": 3}) for i in range(10)]
    hosts = [
        host("h-1", sl, expertise=("dispute-resolution",), max_sessions=1),
        host("h-2", sl, expertise=("dispute-resolution",), max_sessions=1),
    ]
    out = solve_checked(scenario(sl, offs, hosts, max_guests=4))
    assert len(out.schedule.sessions) == 2
    assert len(out.schedule.unmatched) == 2
    for u in out.schedule.unmatched:
        assert "Dispute Resolution" in u.reason and "are full" in u.reason


def test_forbidden_pair_never_meets():
    sl = slots(per_day=2)
    offs = [official(f"o-{i}", f"C{i}", sl, min_sessions=2) for i in range(4)]
    hosts = [host("h-1", sl), host("h-2", sl)]
    out = solve_checked(scenario(sl, offs, hosts, forbidden=[("o-0", "h-1")]))
    assert all(s.host != "h-1" for s in sessions_of(out, "o-0"))
    assert sessions_of(out, "o-0")


def test_solver_is_never_worse_than_the_construction(small_path):
    from exchange_app.io.scenario_json import read_scenario
    from exchange_app.services.solving import build_input
    from solver.greedy import greedy
    from solver.model import score
    from solver.problem import Problem

    sc = read_scenario(small_path)
    pb = Problem(build_input(sc))
    sessions, _failed = greedy(pb)
    baseline = score(pb, sessions)[0]
    out = solve_checked(sc, time_limit=3)
    assert out.result.objective >= baseline
    assert out.report.figures.officials_at_min == out.result.officials_at_min  # the checker agrees


def test_every_window_holding_a_slot_counts():
    # two windows hold the slot: one at a site, one without a location (anywhere); the
    # rule checker accepts the official in person anywhere then, and so does the solver
    from exchange_app.domain import Window
    from exchange_app.services.solving import build_input

    sl = slots(per_day=2)
    o = official("o-0", "A", sl, site="raleigh-nc")
    o.availability.append(Window(start=sl[0].start, end=sl[-1].end, location=None))
    sc = scenario(sl, [o, official("o-1", "B", sl)], [host("h-1", sl)])
    assert build_input(sc).officials[0].availability[sl[0].id] is None
    out = solve_checked(sc, time_limit=5)
    assert any("o-0" in s.officials for s in out.schedule.sessions)
