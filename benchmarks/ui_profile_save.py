"""How long one profile save takes on a large program, in its parts.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_profile_save.py [--size large] [--repeat 5]

Generates a scenario (``--size large`` = 600 officials) into a temp database, opens the
main window on it (with its schedule board built, as it is 100 ms after the window shows)
and times, per save of one official's title: the write itself (``Workspace.upsert_person``,
one transaction, revision checked) and the window's refresh afterwards (that person read
again, their table row rebuilt, counts, topics and the board updated for that person only:
BoardDocument.update_person; the live check then runs on its timer, not timed here). For comparison it
also times a full reload (the whole program read again into every tab, what a save did
before). Aim: the whole save under 50 ms on large. Prints figures (with ``uptime``: the
machine may be shared); asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import generate, machine  # noqa: E402  (puts the project on sys.path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from exchange_app.domain import PersonKind
    from exchange_app.services import Workspace, import_file
    from ui.app import make_application
    from ui.main_window import MainWindow
    from ui.operations import wait_all
    from ui.profiles.commands import SavePersonCommand

    tmp = Path(tempfile.mkdtemp())
    scenario_path = generate(args.size, 1, tmp / "scenario.json")
    app = make_application()
    ws = Workspace.open(tmp / "bench.db")
    pid = import_file(ws, scenario_path).program_id
    window = MainWindow(ws, pid)
    window.show()
    app.processEvents()
    window.ensure_schedule_tab()
    wait_all()
    app.processEvents()
    assert window.schedule_tab is not None, "the board is built"
    writes, refreshes, reloads = [], [], []
    for i in range(args.repeat):
        before = window.scenario.officials[i]
        after = dataclasses.replace(before, title=f"Title {i}")
        rev = window.revisions[(PersonKind.OFFICIAL, before.id)].revision
        t0 = time.perf_counter()
        command = SavePersonCommand(ws, pid, before, after, lambda _k, _p: None, None, rev)
        command.apply()
        t1 = time.perf_counter()
        window._data_changed(PersonKind.OFFICIAL, before.id)
        app.processEvents()
        t2 = time.perf_counter()
        window.reload()
        window.schedule_tab.reload()
        app.processEvents()
        t3 = time.perf_counter()
        writes.append((t1 - t0) * 1000)
        refreshes.append((t2 - t1) * 1000)
        reloads.append((t3 - t2) * 1000)
    n = len(window.scenario.officials)
    print(f"profile save, {args.size} ({n} officials), {args.repeat} saves; {machine()}")
    for label, figures in (
        ("write (upsert_person)", writes),
        ("window refresh", refreshes),
        ("write + refresh", [w + r for w, r in zip(writes, refreshes, strict=True)]),
        ("full reload (comparison)", reloads),
    ):
        print(f"  {label + ':':26} median {statistics.median(figures):7.1f} ms, max {max(figures):7.1f} ms")
    print("  uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
