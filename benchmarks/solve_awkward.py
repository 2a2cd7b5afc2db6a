"""Solver benchmark on awkward programs (``tests/data/make_awkward.py``): far sites with
video hosts, windows with no location, remote interpreters, odd names, languages nobody
bridges, pins from a known valid schedule, forbidden pairs. Not a test.

    .venv/bin/python benchmarks/solve_awkward.py --size medium --time-limit 60
    .venv/bin/python benchmarks/solve_awkward.py --size large --seed 4 --time-limit 120
    .venv/bin/python benchmarks/solve_awkward.py --size xl --time-limit 600

Prints the machine line and ``uptime`` (figures under load are not final), then: the
greedy baseline, seconds to the first schedule, wall time against the limit (building
the input, solving, diagnosis and the rule check; the CLI adds loading and storing
inside the same limit), officials at their minimum, interest, pins kept, the bound,
violations and peak memory.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import ROOT, bounds_lines, machine, peak_rss_mb  # noqa: F401  (ROOT puts the project on sys.path)

from exchange_app.io.scenario_json import parse_scenario
from exchange_app.rules import check_schedule
from exchange_app.services.solving import build_input, solve_scenario, to_schedule
from solver import SolveOptions
from solver.greedy import greedy
from solver.problem import Problem
from solver.solve import _result, _Run
from tests.data.make_awkward import awkward


def _pins_kept(sc, schedule) -> int:
    where = {(o, s.host, s.slot) for s in schedule.sessions for o in s.officials}
    return sum((p.official, p.host, p.slot) in where for p in sc.pins)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--size", default="medium", help="tiny, small, medium, large or xl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    print(f"# {machine()}")
    print(f"# uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    t = time.monotonic()
    sc = parse_scenario(awkward(args.size, args.seed))
    print(
        f"# awkward {args.size} seed {args.seed} ({time.monotonic() - t:.1f} s to make): "
        f"{len(sc.officials):,} officials, {len(sc.hosts):,} hosts, {len(sc.interpreters)} interpreters, "
        f"{len(sc.slots)} slots, {len(sc.pins)} pins, {len(sc.forbidden)} forbidden pairs; "
        f"--time-limit {args.time_limit:g} --workers {args.workers}"
    )

    t = time.monotonic()
    pb = Problem(build_input(sc))
    sessions, _failed = greedy(pb)
    run = _Run(pb, SolveOptions(time_limit=0), None, None, set())
    run.offer(sessions, "greedy")
    base = to_schedule(_result(run, []))
    fg = check_schedule(sc, base).figures
    print(
        f"greedy baseline: {time.monotonic() - t:.1f} s, at minimum {fg.officials_at_min:,}, "
        f"interest {fg.total_interest:,}, pins kept {_pins_kept(sc, base)} of {len(sc.pins)}"
    )

    first: list[float] = []
    t = time.monotonic()
    out = solve_scenario(
        sc,
        SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed),
        progress=lambda p: first.append(time.monotonic() - t) if not first else None,
        started=t,
    )
    wall = time.monotonic() - t
    r, f = out.result, out.report.figures
    allowed = args.time_limit * 1.05 + 3
    bound = "n/a" if r.bound is None else f"{r.bound:,.0f}"
    print(
        f"solve: first schedule {first[0] if first else float('nan'):.1f} s, wall {wall:.1f} s of "
        f"{args.time_limit:g} s (allowed {allowed:.1f} s: {'ok' if wall <= allowed else 'OVER'}), "
        f"status {r.status}"
    )
    gain = 100 * (f.total_interest / fg.total_interest - 1) if fg.total_interest else float("nan")
    print(
        f"solve: at minimum {f.officials_at_min:,} of {f.officials_total:,}, interest {f.total_interest:,} "
        f"({gain:+.1f}% over greedy), pins kept {_pins_kept(sc, out.schedule)} of {len(sc.pins)}, "
        f"objective {r.objective:,.0f}, bound {bound}, violations {len(out.report.violations)}"
    )
    for msg in r.pin_conflicts:
        print(f"  pin: {msg}")
    bounds_lines("solve", build_input(sc), r, f)
    print(f"peak memory: {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
