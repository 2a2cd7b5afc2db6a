"""Construction benchmark: seconds to the first schedule (``Problem`` + ``greedy``) on an
awkward program, with a cProfile of where they go. Not a test.

    .venv/bin/python benchmarks/construction.py --size xl --seed 1
    .venv/bin/python benchmarks/construction.py --file /tmp/awkward-xl-1.json --profile 25

Prints the machine line and ``uptime`` (figures under load are not final), the seconds
to build the input, the ``Problem`` (host slots and language options) and the
construction, the schedule's officials at their minimum, interest and pins kept, the
rule checker's violations, and (``--profile N``) the N functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import time
from pathlib import Path

from common import ROOT, machine  # noqa: F401  (ROOT puts the project on sys.path)

from exchange_app.io.scenario_json import parse_scenario
from exchange_app.rules import check_schedule
from exchange_app.services.solving import build_input, to_schedule
from solver import SolveOptions
from solver.greedy import greedy
from solver.problem import Problem
from solver.solve import _result, _Run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--size", default="large", help="tiny, small, medium, large or xl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file", type=Path, help="a scenario file instead of --size/--seed")
    ap.add_argument("--profile", type=int, default=0, help="print the N functions with most own time")
    args = ap.parse_args(argv)
    print(f"# {machine()}")
    print(f"# uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if args.file:
        sc = parse_scenario(json.loads(args.file.read_text(encoding="utf-8")), str(args.file))
        label = str(args.file)
    else:
        from tests.data.make_awkward import awkward

        sc = parse_scenario(awkward(args.size, args.seed))
        label = f"awkward {args.size} seed {args.seed}"
    print(
        f"# {label}: {len(sc.officials):,} officials, {len(sc.hosts):,} hosts, {len(sc.slots)} slots, {len(sc.pins)} pins"
    )
    prof = cProfile.Profile() if args.profile else None
    t0 = time.monotonic()
    if prof:
        prof.enable()
    inp = build_input(sc)
    t1 = time.monotonic()
    pb = Problem(inp)
    t2 = time.monotonic()
    sessions, failed = greedy(pb)
    t3 = time.monotonic()
    if prof:
        prof.disable()
    run = _Run(pb, SolveOptions(time_limit=0), None, None, set())
    run.offer(sessions, "greedy")
    report = check_schedule(sc, to_schedule(_result(run, [])))
    fg = report.figures
    print(
        f"input {t1 - t0:.2f} s, Problem {t2 - t1:.2f} s, construction {t3 - t2:.2f} s, "
        f"first schedule {t3 - t0:.2f} s{' (profiled: slower)' if prof else ''}"
    )
    print(
        f"{len(sessions):,} sessions, at minimum {fg.officials_at_min:,}, interest {fg.total_interest:,}, "
        f"pins not placed {len(failed)}, violations {len(report.violations)}"
    )
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
