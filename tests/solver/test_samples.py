"""Every sample program solves, with a short time limit, to a schedule without violations."""

from __future__ import annotations

import subprocess
import sys

import pytest

from exchange_app.io.scenario_json import read_scenario
from tests.solver.helpers import solve_checked


@pytest.mark.parametrize("name, seconds", [("tiny", 2), ("small", 3), ("medium", 6)])
def test_sample_solves_without_violations(data_dir, name, seconds):
    sc = read_scenario(data_dir / f"sample-{name}.json")
    out = solve_checked(sc, time_limit=seconds)
    r = out.result
    assert out.report.ok
    assert out.schedule.sessions and out.schedule.solver.status in ("optimal", "feasible")
    assert r.first_solution_seconds is not None and r.first_solution_seconds <= r.seconds
    # the solver's own figures agree with the rule checker's
    assert out.report.figures.total_interest == r.total_interest
    # every official below their minimum is listed with a reason
    below = {
        o.id
        for o in sc.officials
        if sum(o.id in s.officials for s in out.schedule.sessions) < sc.min_sessions(o)
    }
    assert below == {u.official for u in out.schedule.unmatched}
    assert all(u.reason for u in out.schedule.unmatched)
    assert not r.pin_conflicts  # the samples' pins can all be kept
    for pin in sc.pins:
        assert any(
            s.host == pin.host and s.slot == pin.slot and pin.official in s.pinned
            for s in out.schedule.sessions
        )


def test_solver_package_does_not_import_qt_or_the_app():
    code = (
        "import sys, solver, solver.solve, solver.model, solver.greedy, solver.diagnosis; "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'exchange_app', 'ui'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
