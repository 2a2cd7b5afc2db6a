"""How long the desktop app takes to open a large program and show its window.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_open.py [--size large] [--repeat 3]

Generates a scenario (``--size large`` = 600 officials) into a temp database, then times,
in a fresh process per run: locking and opening the database, building the main window
(all tabs, the schedule board included when it is installed) and showing it until the
first paint. Target: under 2 s for ``large``. The board's own figures are in
``benchmarks/ui_board.py``. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, generate, machine  # noqa: E402  (puts the project on sys.path)


def one_run(db: str) -> dict:
    """Runs in the child process: time from nothing to a painted main window."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from ui.app import make_application
    from ui.main_window import MainWindow, open_database, pick_program

    app = make_application()
    t_imports = time.perf_counter()
    ws, lock = open_database(db)
    pid = pick_program(None, ws)
    t_open = time.perf_counter()
    window = MainWindow(ws, pid, lock=lock)
    t_built = time.perf_counter()
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    window.grab()  # forces a full paint of the visible tab (the officials)
    t_shown = time.perf_counter()
    c_shown = time.process_time()
    board = window.ensure_schedule_tab()  # what the zero-timer after showing does
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    app.processEvents()
    window.grab()
    t_board = time.perf_counter()
    officials = len(window.scenario.officials)
    window.close()
    return {
        "officials": officials,
        "board": board is not None,
        "imports+app": t_imports - t0,
        "lock+open db": t_open - t_imports,
        "build window": t_built - t_open,
        "show+paint": t_shown - t_built,
        "total: window shown": t_shown - t0,
        "  CPU time (this process)": c_shown - c0,
        "then board built+shown": t_board - t_shown,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["tiny", "small", "medium", "large", "xl"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", type=Path, help="use this scenario file instead of generating one")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        scenario = args.scenario or Path(tmp) / f"{args.size}.json"
        if args.scenario is None:
            generate(args.size, args.seed, scenario)
        db = Path(tmp) / "bench.db"
        from exchange_app.services import Workspace, import_file

        with Workspace.open(db) as ws:
            import_file(ws, scenario)
        env = dict(
            os.environ,
            QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            XDG_DATA_HOME=str(Path(tmp) / "data"),
        )
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(db)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    source = args.scenario.name if args.scenario else f"--size {args.size}"
    print(f"ui_open: {source} ({runs[0]['officials']} officials), {args.repeat} fresh processes")
    print(f"machine: {machine()}")
    print(
        "  schedule board: "
        + ("built after the window shows (ui/board)" if runs[0]["board"] else "not available")
    )
    for key in runs[0]:
        if key in ("officials", "board"):
            continue
        values = [r[key] for r in runs]
        print(
            f"  {key:<26} median {statistics.median(values):6.3f} s   (min {min(values):.3f}, max {max(values):.3f})"
        )
    total = statistics.median(r["total: window shown"] for r in runs)
    print(f"open and show the window: {total:.2f} s (target < 2 s: {'met' if total < 2 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
