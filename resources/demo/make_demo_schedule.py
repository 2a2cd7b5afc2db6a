"""Build resources/demo/demo-schedule.json: the demo program solved once, so
``exchange-app --demo`` opens on a full board without solving at start-up.

Run after changing demo-program.json (it takes about a minute)::

    .venv/bin/python resources/demo/make_demo_schedule.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from exchange_app.io.scenario_json import read_scenario
from exchange_app.io.schedule_json import write_schedule
from exchange_app.rules import check_schedule
from exchange_app.services.solving import SolveOptions, solve_scenario

HERE = Path(__file__).resolve().parent


def main(seconds: float = 60.0) -> int:
    scenario = read_scenario(HERE / "demo-program.json")
    outcome = solve_scenario(scenario, SolveOptions(time_limit=seconds, workers=2, seed=0))
    report = check_schedule(scenario, outcome.schedule)
    if not report.ok:
        print(f"the solved demo schedule breaks rules: {report.violations[:3]}", file=sys.stderr)
        return 1
    write_schedule(outcome.schedule, HERE / "demo-schedule.json", scenario.program.name)
    f = report.figures
    print(
        f"demo-schedule.json: {f.sessions} sessions, {f.officials_at_min} of {f.officials_total} officials "
        f"at their minimum, status {outcome.schedule.solver.status if outcome.schedule.solver else '?'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0))
