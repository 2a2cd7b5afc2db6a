"""Time an xl scenario (2,000 officials) through the service: import, load, export.

    .venv/bin/python benchmarks/import_export.py [--size xl] [--seed 1] [--db URL]

Generates the scenario into a temp folder with the shared generator, then times
``import_file`` (read + check + store, one transaction) and ``export_scenario`` (load +
write), and prints seconds and peak memory. Targets: < 5 s each, < 500 MB.
Timing on a shared machine is noisy; the script prints date, cores and CPU model with the
figures. Give ``--db`` (e.g. a PostgreSQL URL of an empty database) to time another backend.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from common import GENERATOR, machine, peak_rss_mb  # noqa: E402  (puts the project on sys.path)

from exchange_app.io.scenario_json import read_scenario  # noqa: E402
from exchange_app.services import Workspace, export_scenario, import_file  # noqa: E402


def timed(label: str, fn, trace: bool = False):
    """Run ``fn`` and print its time and the process's peak RSS so far. With ``trace``, also
    the peak of Python allocations (tracemalloc slows the run several times: the time
    printed then is not the figure to quote)."""
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    extra = ""
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra = f", peak Python allocations {peak / 2**20:.1f} MB (traced run)"
    print(f"{label:<28} {seconds:6.2f} s   peak RSS {peak_rss_mb():6.0f} MB{extra}")
    return result, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="xl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--generator", type=Path, default=GENERATOR)
    ap.add_argument("--db", help="database to use (default: a new SQLite file in the temp folder)")
    ap.add_argument(
        "--trace",
        action="store_true",
        help="also measure Python allocations (slow: times are not comparable)",
    )
    args = ap.parse_args()

    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        scenario_file = tmp / f"{args.size}.json"
        subprocess.run(
            [
                sys.executable,
                str(args.generator),
                "--size",
                args.size,
                "--seed",
                str(args.seed),
                "--out",
                str(scenario_file),
            ],
            check=True,
        )
        db = args.db or tmp / "bench.db"
        with Workspace.open(db) as ws:
            result, t_import = timed(
                "import (read+check+store)", lambda: import_file(ws, scenario_file), args.trace
            )
            print(f"  {result.summary}")
            loaded, t_load = timed("load scenario", lambda: ws.load_scenario(result.program_id), args.trace)
            out = tmp / "exported.json"
            _, t_export = timed(
                "export (load+write)", lambda: export_scenario(ws, result.program_id, out), args.trace
            )
        same = read_scenario(out) == read_scenario(scenario_file)
        size = Path(db).stat().st_size / 2**20 if not str(db).count("://") else float("nan")
        peak_rss = peak_rss_mb()
        print(
            f"round trip equal: {same}; database file {size:.1f} MB; peak RSS of the process {peak_rss:.0f} MB"
        )
        ok = (args.trace or (t_import < 5 and t_export < 5)) and peak_rss < 500 and same
        print("targets (< 5 s each, < 500 MB):", "met" if ok else "NOT met")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
