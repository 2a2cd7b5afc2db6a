"""solve_program: load, solve, check, store as a new version (solve, then re-solve)."""

from __future__ import annotations

from exchange_app.io.scenario_json import read_scenario
from exchange_app.io.schedule_json import schedule_to_dict
from exchange_app.services import Workspace
from exchange_app.services.solving import build_input, solve_program
from solver import SolveOptions


def test_solve_then_resolve_stores_versions(db_url, small_path):
    with Workspace.open(db_url) as ws:
        pid = ws.import_scenario(read_scenario(small_path), "sample-small.json")
        seen = []
        first = solve_program(ws, pid, SolveOptions(time_limit=4), progress=seen.append)
        assert first.report.ok and first.version is not None and first.changes is None
        assert seen and seen[0].phase == "greedy"
        stored = ws.load_schedule(pid, first.version)
        assert stored.solver is not None and stored.solver.status == first.result.status
        assert {s.id for s in stored.sessions} == {s.id for s in first.schedule.sessions}
        assert [u.official for u in stored.unmatched] == [u.official for u in first.schedule.unmatched]

        again = solve_program(ws, pid, SolveOptions(time_limit=4, keep_previous=True))
        assert again.report.ok and again.version > first.version
        assert again.changes is not None
        versions = ws.schedule_versions(pid)
        assert [v.number for v in versions][-2:] == [first.version, again.version]
        doc = schedule_to_dict(ws.load_schedule(pid))
        assert doc["solver"]["status"] in ("optimal", "feasible")
        assert all("reason" in u for u in doc["unmatched"])


def test_build_input_fills_defaults_and_resolves_availability(small_path):
    sc = read_scenario(small_path)
    inp = build_input(sc)
    o = sc.officials[0]
    [oi] = [x for x in inp.officials if x.id == o.id]
    assert oi.min_sessions == sc.min_sessions(o) and oi.max_per_day == sc.max_per_day(o)
    for slot in sc.slots:
        w = o.window_for(slot)
        assert (slot.id in oi.availability) == (w is not None)
        if w is not None:
            held = [x for x in o.availability if x.holds(slot.start, slot.end)]
            expected = None if any(x.location is None for x in held) else {x.location for x in held}
            assert oi.availability[slot.id] == expected
    days = {s.day for s in inp.slots}
    assert days == set(range(len({sc.day_of(s) for s in sc.slots})))
