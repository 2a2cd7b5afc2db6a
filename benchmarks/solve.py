"""Solver benchmark: quality and speed figures per program size (not a test).

    .venv/bin/python benchmarks/solve.py --size medium --time-limit 60 --workers 2
    .venv/bin/python benchmarks/solve.py --size large --seed 3 --time-limit 120
    .venv/bin/python benchmarks/solve.py --size medium --resolve --time-limit 60
    .venv/bin/python benchmarks/solve.py --size path/to/program.json

``medium`` with seed 1 is ``tests/data/sample-medium.json``; other sizes and seeds come
from ``../shared/tools/make_scenario.py``. Prints seconds to the first schedule and to
the final one, objective, bound, gap, the rule checker's figures (every schedule must
have zero violations), peak memory, and the greedy baseline (slot by slot, each free
host takes the topic that draws the most guests, least-served guests first).
``--resolve`` measures the re-solve target: pin one official elsewhere, re-solve with
``keep_previous``, count how many of the other assignments changed.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import bounds_lines  # noqa: E402

from exchange_app.domain import Pin, Schedule  # noqa: E402
from exchange_app.io.scenario_json import read_scenario  # noqa: E402
from exchange_app.rules import check_schedule  # noqa: E402
from exchange_app.services.solving import build_input, solve_scenario  # noqa: E402
from solver import SolveOptions  # noqa: E402
from solver.greedy import greedy  # noqa: E402
from solver.problem import Problem  # noqa: E402

GENERATOR = ROOT.parent / "shared" / "tools" / "make_scenario.py"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{platform.node()} {os.cpu_count()} CPUs ({cpu}), load {load:.1f}"


def program_file(size: str, seed: int) -> Path:
    if Path(size).exists():
        return Path(size)
    if size == "medium" and seed == 1:
        return ROOT / "tests" / "data" / "sample-medium.json"
    out = Path(tempfile.gettempdir()) / f"exchange-bench-{size}-{seed}.json"
    if not out.exists():
        subprocess.run(
            [sys.executable, str(GENERATOR), "--size", size, "--seed", str(seed), "--out", str(out)],
            check=True,
        )
    return out


def baseline(sc) -> tuple[float, dict]:
    t = time.monotonic()
    pb = Problem(build_input(sc))
    sessions, _failed = greedy(pb)
    seconds = time.monotonic() - t
    from exchange_app.services.solving import to_schedule
    from solver.solve import _result, _Run  # the same conversion the solver uses

    run = _Run(pb, SolveOptions(time_limit=0), None, None, set())
    run.offer(sessions, "greedy")
    schedule = to_schedule(_result(run, []))
    return seconds, check_schedule(sc, schedule).figures


def show_figures(label: str, f) -> None:
    print(
        f"{label}: sessions {f.sessions}, assignments {f.assignments}, total interest {f.total_interest}, "
        f"officials at min {f.officials_at_min}/{f.officials_total}, lowest interest {f.lowest_interest}, "
        f"p10 interest {f.p10_interest:g}, interpreters used {f.interpreters_used}, "
        f"officials/session {f.mean_guests:.2f}, countries/session {f.countries_per_session:.2f}"
    )


def solve_once(sc, args, previous=None, keep=False, label="solve", time_limit=None):
    marks = []

    def progress(p):
        marks.append(p)
        if args.verbose:
            print(
                f"  {p.seconds:7.1f}s {p.phase:8} obj {p.objective} bound {p.bound} "
                f"at_min {p.officials_at_min} interest {p.total_interest}",
                flush=True,
            )

    options = SolveOptions(
        time_limit=time_limit or args.time_limit, workers=args.workers, seed=args.seed, keep_previous=keep
    )
    t = time.monotonic()
    out = solve_scenario(sc, options, previous, progress)
    wall = time.monotonic() - t
    r = out.result
    gap = "n/a" if r.gap is None else f"{100 * r.gap:.1f}%"
    print(
        f"{label}: status {r.status}, first schedule {r.first_solution_seconds:.2f} s, final {wall:.1f} s, "
        f"objective {r.objective:g}, bound {r.bound if r.bound is None else f'{r.bound:g}'}, gap {gap}"
    )
    show_figures(f"{label} checker", out.report.figures)
    bounds_lines(label, build_input(sc, previous), r, out.report.figures)
    print(
        f"{label} violations: {len(out.report.violations)}"
        + ("" if out.report.ok else f"  <-- {out.report.summary()}")
    )
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="medium", help="medium, large, xl (generated) or a scenario FILE")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--resolve", action="store_true", help="measure the pin-one-official-elsewhere re-solve")
    ap.add_argument(
        "--resolve-time-limit", type=float, default=15.0, help="time limit of the re-solve (default 15)"
    )
    ap.add_argument("--verbose", "-v", action="store_true", help="print every progress report")
    args = ap.parse_args(argv)

    path = program_file(args.size, args.seed)
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}")
    print(
        f"# program {path.name}: --time-limit {args.time_limit:g} --workers {args.workers} --seed {args.seed}"
    )
    t = time.monotonic()
    sc = read_scenario(path)
    print(
        f"read: {time.monotonic() - t:.1f} s; {len(sc.officials)} officials, {len(sc.hosts)} hosts, "
        f"{len(sc.interpreters)} interpreters, {len(sc.slots)} slots"
    )
    seconds, f = baseline(sc)
    show_figures(f"greedy baseline ({seconds:.2f} s)", f)
    out = solve_once(sc, args)
    fs = out.report.figures
    if f.total_interest:
        print(
            f"vs greedy: interest {100 * (fs.total_interest / f.total_interest - 1):+.1f}%, "
            f"officials at min {fs.officials_at_min - f.officials_at_min:+d}"
        )
    if args.resolve:
        resolve(sc, out, args)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")
    return 0


def resolve(sc, first, args) -> None:
    from tests.solver.test_resolve_and_cancel import _pin_elsewhere

    before: Schedule = first.schedule
    pin: Pin = _pin_elsewhere(sc, before)
    sc.pins.append(pin)
    print(f"re-solve: pin {pin.official} with {pin.host} at {pin.slot}")
    again = solve_once(
        sc, args, previous=before, keep=True, label="re-solve", time_limit=args.resolve_time_limit
    )
    old = {(o, s.host, s.slot) for s in before.sessions for o in s.officials if o != pin.official}
    new = {(o, s.host, s.slot) for s in again.schedule.sessions for o in s.officials}
    changed = len(old - new)
    print(
        f"re-solve: repaired schedule after {again.result.first_solution_seconds:.2f} s; "
        f"{changed} of {len(old)} other assignments changed ({100 * changed / max(1, len(old)):.1f}%); "
        f"{again.changes.describe()}"
    )
    fb, fa = first.report.figures, again.report.figures
    print(
        f"re-solve quality: officials at min {fb.officials_at_min} -> {fa.officials_at_min}, "
        f"interest {fb.total_interest} -> {fa.total_interest}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
