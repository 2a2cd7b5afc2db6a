"""Benchmark: every export file for a generated program (default ``--size xl``, 2,000 officials).

Generates the program, builds a schedule with a simple greedy (the solver is not needed
for this), stores it as version 1 and an edited copy as version 2 in a fresh SQLite
database, then times each export through the same service functions the CLI calls and
prints the figures. Target: all files in under 30 s.

    .venv/bin/python benchmarks/export_calendars.py [--size xl] [--seed 7] [--workers N] [--keep DIR]
        [--non-latin SHARE]

The generated names are all in Windows-1252, so every itinerary is set in the PDF core font;
``--non-latin 0.1`` gives a tenth of the officials names in other scripts (Cyrillic, Greek,
Armenian, Georgian, Vietnamese, Turkish), and every itinerary that names one of them embeds
the bundled font (slower): the line for itineraries says how many did.
"""

from __future__ import annotations

import argparse
import copy
import random
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import generate, machine  # noqa: E402  (puts the project on sys.path)

from exchange_app.domain import Scenario, Schedule  # noqa: E402
from exchange_app.io.scenario_json import read_scenario  # noqa: E402
from exchange_app.services import Workspace  # noqa: E402
from exchange_app.services.exports import (  # noqa: E402
    export_ics,
    export_invitations,
    export_itineraries,
    export_spreadsheet,
)
from tests.rules.greedy import greedy_schedule  # noqa: E402  (a valid schedule without the solver)

NON_LATIN_NAMES = [
    "Олена Коваленко",
    "Иван Петров",
    "Γιώργος Παπαδόπουλος",
    "Նարեկ Սարգսյան",
    "გიორგი ბერიძე",
    "Đặng Thị Ngọc Ánh",
    "Ayşe Yılmaz",
]


def non_latin_names(sc: Scenario, share: float, seed: int) -> int:
    """Give about ``share`` of the officials a name in another script; how many."""
    rng = random.Random(seed)
    n = 0
    for o in sc.officials:
        if rng.random() < share:
            o.name = rng.choice(NON_LATIN_NAMES)
            n += 1
    return n


def edited(schedule: Schedule, seed: int) -> Schedule:
    """A second version: 5 sessions dropped, 20 officials moved between sessions of a slot."""
    rng = random.Random(seed)
    new = copy.deepcopy(schedule)
    for _ in range(5):
        new.sessions.pop(rng.randrange(len(new.sessions)))
    by_slot = defaultdict(list)
    for s in new.sessions:
        by_slot[s.slot].append(s)
    moved = 0
    for group in by_slot.values():
        if moved == 20:
            break
        if len(group) >= 2 and len(group[0].officials) > 2:
            group[1].officials.append(group[0].officials.pop())
            moved += 1
    return new


def _cpu() -> float:
    """CPU seconds of this process and its finished worker processes (load-independent)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="xl")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scenario", type=Path, help="use this scenario file instead of generating one")
    ap.add_argument("--workers", type=int, default=None, help="processes for itineraries (default: up to 4)")
    ap.add_argument("--keep", type=Path, help="write the files here and keep them")
    ap.add_argument("--only", nargs="*", help="run only the exports whose name starts with one of these")
    ap.add_argument(
        "--non-latin",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of officials given names in other scripts (default 0: all Windows-1252)",
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = args.keep or tmp / "out"
        path = args.scenario
        if path is None:
            path = tmp / "scenario.json"
            generate(args.size, args.seed, path)
        scenario = read_scenario(path)
        renamed = non_latin_names(scenario, args.non_latin, args.seed) if args.non_latin else 0
        t = time.perf_counter()
        v1 = greedy_schedule(scenario)
        greedy_s = time.perf_counter() - t
        v2 = edited(v1, args.seed)
        ws = Workspace.open(tmp / "bench.db")
        pid = ws.import_scenario(scenario)
        ws.save_schedule(pid, v1, "edit")
        ws.save_schedule(pid, v2, "edit")
        assignments = sum(len(s.officials) for s in v2.sessions)
        print(f"Machine: {machine()} (shared machine: figures are noisy)")
        print(
            f"Program: {len(scenario.officials):,} officials, {len(scenario.hosts):,} hosts, "
            f"{len(scenario.interpreters):,} interpreters; greedy schedule {len(v2.sessions):,} sessions, "
            f"{assignments:,} official assignments (built in {greedy_s:.1f} s); 2 versions stored"
            + (f"; {renamed:,} officials with non-Latin names" if renamed else "")
        )

        runs = [
            ("ics", lambda: export_ics(ws, pid, out / "ics")),
            ("invitations", lambda: export_invitations(ws, pid, out / "invitations")),
            (
                "invitations --since-version 1",
                lambda: export_invitations(ws, pid, out / "invitations-v1", since_version=1),
            ),
            ("itineraries", lambda: export_itineraries(ws, pid, out / "itineraries", workers=args.workers)),
            ("spreadsheet .csv", lambda: export_spreadsheet(ws, pid, out / "schedule.csv")),
            ("spreadsheet .xlsx", lambda: export_spreadsheet(ws, pid, out / "schedule.xlsx")),
        ]
        total = 0.0
        full = 0.0
        for name, run in runs:
            if args.only and not any(name.startswith(x) for x in args.only):
                continue
            t = time.perf_counter()
            cpu = _cpu()
            report = run()
            seconds = time.perf_counter() - t
            cpu = _cpu() - cpu
            total += seconds
            if "since" not in name:
                full += seconds
            size = sum(p.stat().st_size for p in report.files)
            note = ""
            if name == "itineraries":
                embedded = sum(1 for p in report.files if b"/FontFile2" in p.read_bytes())
                note = f"  ({embedded:,} with the embedded font, {len(report.files) - embedded:,} in the core font)"
            print(
                f"  {name:<32} {seconds:7.2f} s wall {cpu:7.2f} s CPU  {len(report.files):>7,} files  "
                f"{size / 1e6:8.1f} MB{note}"
            )
        print(
            f"All files (every kind once, full exports): {full:.1f} s (target < 30 s); "
            f"with the --since-version run: {total:.1f} s"
        )
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
