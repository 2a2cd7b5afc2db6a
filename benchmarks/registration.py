"""Time registration workbooks: 2,000 made (one per official of an xl program) and read back.

    .venv/bin/python benchmarks/registration.py [--size xl] [--count 2000] [--workers 2] [--fill 200]

Targets (issue 13): 2,000 workbooks made in under 60 s and read back in under 120 s on this
2-core machine. ``--fill`` workbooks are filled in first (openpyxl, not timed: changed
languages and interests, a new availability row), so the read applies real changes in one
transaction. The machine is shared: ``uptime`` and the machine line are printed with the
figures, which are not final.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl  # noqa: E402
from common import generate, machine, peak_rss_mb  # noqa: E402  (puts the project on sys.path)

from exchange_app.io.scenario_json import read_scenario  # noqa: E402
from exchange_app.services import Workspace  # noqa: E402
from exchange_app.services import registration as service  # noqa: E402


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(uptime not available)"


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished worker processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def fill_some(paths: list[Path]) -> None:
    for path in paths:
        book = openpyxl.load_workbook(path)
        about = book["About you"]
        about["G5"].value = "Spanish"
        interests = book["Interests"]
        interests["C5"].value = 3
        interests["C6"].value = 0
        av = book["Availability"]
        for c in range(3, 9):
            av.cell(6, c).value = "x"
        book.save(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="xl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000, help="workbooks (officials) to make")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fill", type=int, default=200, help="workbooks filled in before reading")
    args = ap.parse_args()
    print(machine())
    print("before:", uptime())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        generate(args.size, args.seed, tmp / "scenario.json")
        sc = read_scenario(tmp / "scenario.json")
        ws = Workspace.open(tmp / "p.db")
        pid = ws.import_scenario(sc)
        ids = [o.id for o in sc.officials][: args.count]
        print(
            f"program: {len(sc.officials)} officials, {len(sc.topics)} topics, {len(sc.locations)} sites, {len(sc.slots)} slots"
        )
        t, cpu = time.perf_counter(), cpu_seconds()
        made = service.make_workbooks(ws, pid, tmp / "out", people=ids, workers=args.workers)
        make_s, make_cpu = time.perf_counter() - t, cpu_seconds() - cpu
        size = sum(b.path.stat().st_size for b in made.workbooks)
        print(
            f"made {len(made.workbooks)} workbooks ({args.workers} workers): {make_s:6.1f} s  "
            f"({1000 * make_s / len(made.workbooks):.0f} ms each, {size / len(made.workbooks) / 1024:.0f} KB each)  target < 60 s"
        )
        print(
            f"  CPU time {make_cpu:.1f} s (on {args.workers} free cores: about {make_cpu / args.workers:.0f} s)"
        )
        print("after making:", uptime())
        fill_some([b.path for b in made.workbooks[: args.fill]])
        t, cpu = time.perf_counter(), cpu_seconds()
        plan = service.plan_read(ws, pid, [tmp / "out"], workers=args.workers)
        read_s, read_cpu = time.perf_counter() - t, cpu_seconds() - cpu
        t = time.perf_counter()
        applied = service.apply_plan(ws, pid, plan)
        apply_s = time.perf_counter() - t
        print(
            f"read {len(plan.files)} workbooks ({args.workers} workers): {read_s:6.1f} s; applied "
            f"{len(applied.after)} changed profiles in one transaction: {apply_s:5.1f} s; "
            f"total {read_s + apply_s:6.1f} s  target < 120 s"
        )
        print(
            f"  CPU time reading {read_cpu:.1f} s (on {args.workers} free cores: about {read_cpu / args.workers:.0f} s)"
        )
        print(f"plan: {plan.counts()}")
        print("after reading:", uptime())
        print(f"peak memory (this process): {peak_rss_mb():.0f} MB")
        ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
