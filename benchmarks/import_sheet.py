"""Time people-sheet imports: an xl program's 2,000 officials (plus hosts and interpreters)
as an XLSX workbook with an Availability sheet, and as CSV; then a re-import (all unchanged).

    .venv/bin/python benchmarks/import_sheet.py [--size xl] [--seed 1] [--db URL]

Target (issue 6): a 2,000-row sheet imports in under 10 s. Generates the scenario with the
shared generator into a temp folder; the program is imported without people first, then
the sheet goes through ``import_people`` (read, check every cell, one transaction). Timing
on a shared machine is noisy: date, cores and CPU model are printed with the figures.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

from common import generate, machine  # noqa: E402  (puts the project on sys.path)

from exchange_app.domain import PersonKind  # noqa: E402
from exchange_app.io import spreadsheets as sheets  # noqa: E402
from exchange_app.io.scenario_json import read_scenario  # noqa: E402
from exchange_app.services import Workspace  # noqa: E402
from exchange_app.services.spreadsheets import import_people  # noqa: E402


def timed(label: str, fn):
    t = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - t:6.2f} s")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="xl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", help="database URL (default: an SQLite file in the temp folder)")
    args = ap.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        scenario_path = tmp / "scenario.json"
        generate(args.size, args.seed, scenario_path)
        sc = read_scenario(scenario_path)
        rows = len(sc.officials) + len(sc.hosts) + len(sc.interpreters)
        windows = sum(len(p.availability) for p in sc.people())
        print(
            f"program: {len(sc.officials)} officials, {len(sc.hosts)} hosts, {len(sc.interpreters)} interpreters "
            f"({rows} rows, {windows} availability windows)"
        )
        empty = copy.copy(sc)
        empty.officials, empty.hosts, empty.interpreters, empty.pins, empty.forbidden = [], [], [], [], []
        xlsx, csv_path, officials_xlsx = tmp / "people.xlsx", tmp / "officials.csv", tmp / "officials.xlsx"
        timed("write workbook (people + availability sheets)", lambda: sheets.write_people_workbook(sc, xlsx))
        sheets.write_people_csv(sc, PersonKind.OFFICIAL, csv_path)
        only = copy.copy(sc)
        only.hosts, only.interpreters = [], []
        sheets.write_people_workbook(only, officials_xlsx, availability="column")
        for label, path in (
            ("xlsx (all people + availability sheet)", xlsx),
            ("xlsx (officials, windows as text)", officials_xlsx),
            ("csv (officials, windows as text)", csv_path),
        ):
            db = args.db or str(tmp / f"bench-{path.suffix[1:]}.db")
            with Workspace.open(db) as ws:
                pid = ws.import_scenario(empty)
                r = timed(f"import {label}: new people", lambda: import_people(ws, pid, path))
                print(f"    {r.summary.splitlines()[0]}")
                r = timed(f"re-import {label}: nothing changed", lambda: import_people(ws, pid, path))
                print(f"    {r.summary.splitlines()[0]}")
                if args.db:
                    ws.delete_program(pid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
