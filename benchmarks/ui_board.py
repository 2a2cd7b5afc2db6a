"""Schedule board: responsiveness figures and screenshots.

    python benchmarks/ui_board.py bench [--size large] [--seconds 20]
        Times opening the Schedule tab on a generated program (600 officials for
        ``large``) until the board is painted, and the work a drag does per mouse move
        (highlight verdicts for the visible day, hover, status line, repaint).
    python benchmarks/ui_board.py screenshots [--scale 1.5] [--dark] [--out docs/screenshots]
        Board, drag highlights, solve dialog and its summary on sample-medium.json.

Figures are noisy on a shared machine: the script prints the date, CPU count and model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT, generate, machine  # noqa: E402  (puts the project on sys.path)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def make_workspace(scenario_path: Path, seconds: float, tmp: Path):
    """A temp SQLite workspace holding the program and one solved schedule version."""
    from exchange_app.services import Workspace, import_file
    from exchange_app.services.solving import SolveOptions, solve_scenario

    ws = Workspace.open(tmp / "program.db")
    pid = import_file(ws, scenario_path).program_id
    scenario = ws.load_scenario(pid)
    t = time.perf_counter()
    outcome = solve_scenario(scenario, SolveOptions(time_limit=seconds, workers=2, seed=1))
    print(
        f"solve (setup, not timed): {time.perf_counter() - t:.1f} s, {len(outcome.schedule.sessions)} sessions"
    )
    ws.save_schedule(pid, outcome.schedule, "solve")
    return ws, pid


def bench(args) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QUndoStack
    from PySide6.QtWidgets import QApplication

    ACTIONS = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    LEFT, NO_MOD = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier

    app = QApplication.instance() or QApplication([])
    print(machine())
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = tmp / f"{args.size}.json"
        generate(args.size, 1, path)
        ws, pid = make_workspace(path, args.seconds, tmp)
        from ui.board.mime import DragPayload
        from ui.board.schedule_tab import ScheduleTab

        opens = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            tab = ScheduleTab(ws, pid, QUndoStack())
            tab.resize(1600, 1000)
            tab.show()
            app.processEvents()
            tab.board.viewport().repaint()
            opens.append(time.perf_counter() - t)
            last = tab
        tab = last
        doc = tab.document
        print(
            f"program: {len(doc.scenario.officials)} officials, {len(doc.scenario.hosts)} hosts, "
            f"{len(doc.schedule.sessions)} sessions; board {tab.board_model.rowCount()} hosts x "
            f"{tab.board_model.columnCount()} slots on {tab.board_model.day}"
        )
        print(
            f"open Schedule tab and paint the board: median {statistics.median(opens) * 1000:.0f} ms, "
            f"max {max(opens) * 1000:.0f} ms over {len(opens)} runs"
        )

        view, model = tab.board, tab.board_model
        busy = [s for s in doc.schedule.sessions if doc.day_of_slot[s.slot] == model.day and s.officials]
        starts, moves, full = [], [], []
        for s in busy[: args.drags]:
            official = s.officials[0]
            payload = DragPayload(official=official, session=s.id)
            data = payload.to_mime()
            doc._set(doc.schedule)  # start cold, as after an edit: every verdict is computed again
            view.scrollTo(model.index_of_session(s.id), view.ScrollHint.PositionAtCenter)
            app.processEvents()
            vp = view.viewport()
            t = time.perf_counter()
            QApplication.sendEvent(vp, QDragEnterEvent(vp.rect().center(), ACTIONS, data, LEFT, NO_MOD))
            app.processEvents()
            vp.repaint()
            starts.append(time.perf_counter() - t)
            # the mouse crosses the visible cells, one move event per cell, as a real drag does
            r = vp.rect()
            step = max(8, view.rowHeight(0) // 3)
            for y in range(r.top() + 5, r.bottom() - 5, step):
                x = r.left() + 5 + (y * 7) % max(1, r.width() - 10)
                ev = QDragMoveEvent(QPoint(x, y), ACTIONS, data, LEFT, NO_MOD)
                t = time.perf_counter()
                QApplication.sendEvent(vp, ev)
                app.processEvents()  # paints what changed (the cell left, the cell entered)
                moves.append(time.perf_counter() - t)
            t = time.perf_counter()
            vp.repaint()  # worst case: the whole visible board (e.g. after an autoscroll)
            full.append(time.perf_counter() - t)
            QApplication.sendEvent(vp, QDragLeaveEvent())
            model.end_highlight()
        print(
            f"drag enters the board (verdicts for every session of the program + paint): "
            f"median {statistics.median(starts) * 1000:.1f} ms, max {max(starts) * 1000:.1f} ms "
            f"over {len(starts)} drags"
        )
        moves.sort()
        print(
            f"drag move (verdict lookup, hover, status line, tooltip, repaint of changed cells): "
            f"median {statistics.median(moves) * 1000:.1f} ms, p95 {moves[int(len(moves) * 0.95)] * 1000:.1f} ms, "
            f"max {moves[-1] * 1000:.1f} ms over {len(moves)} moves"
        )
        # "show possible places": every cell of the day judged exactly (each way to open a
        # session tried until one is legal) and counted for the status line, then painted
        places, cells, greens = [], 0, []
        below = [o.id for o in doc.scenario.officials if doc.session_count(o.id) < doc.min_sessions(o.id)]
        picks = [(o, None) for o in below[: args.drags]] + [
            (s.officials[0], s.id) for s in busy[: args.drags]
        ]
        for official, sid in picks:
            doc._set(doc.schedule)  # cold, as after an edit
            payload = DragPayload(official=official, session=sid)
            t = time.perf_counter()
            model.set_preview(payload)  # what the toggle does (HandEditing.update_preview) ...
            n = sum(
                1
                for r in range(model.rowCount())
                for c in range(model.columnCount())
                if model.legal(payload, model.index(r, c))
            )  # ... with the count for its status line
            view.viewport().repaint()
            places.append(time.perf_counter() - t)
            cells = model.rowCount() * model.columnCount()
            greens.append(n)
            model.set_preview(None)
        if places:
            print(
                f"show possible places for a day ({cells} cells, every option tried until one is legal; "
                f"{len(below)} officials below minimum): median {statistics.median(places) * 1000:.0f} ms, "
                f"max {max(places) * 1000:.0f} ms over {len(places)} officials; green cells median "
                f"{statistics.median(greens) if greens else 0:.0f}"
            )
            print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        # an edit (undo/redo of a pin here): every panel refreshes, the checker runs again
        from ui.board import commands

        edits_t = []
        s0 = busy[0]
        tab.undo_stack.push(
            commands.set_pinned(doc, s0.id, [s0.officials[0]], s0.officials[0] not in s0.pinned)
        )
        for _ in range(args.drags):
            for step in (tab.undo_stack.undo, tab.undo_stack.redo):
                t = time.perf_counter()
                step()
                tab.check_panel.refresh()  # the panel's debounce would run it 30 ms later
                app.processEvents()
                edits_t.append(time.perf_counter() - t)
        print(
            f"an edit (undo or redo) with board, lists, rule check and figures refreshed: "
            f"median {statistics.median(edits_t) * 1000:.0f} ms, max {max(edits_t) * 1000:.0f} ms"
        )
        print(
            f"full repaint of the visible board with highlights: median {statistics.median(full) * 1000:.1f} ms, "
            f"max {max(full) * 1000:.1f} ms"
        )
        tab.close()
        ws.close()


def screenshots(args) -> None:
    if args.scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from ui import style

    style.apply_theme(app, "dark" if args.dark else "light")
    suffix = ("-dark" if args.dark else "") + (f"-{int(args.scale * 100)}" if args.scale != 1 else "")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    medium = ROOT / "tests" / "data" / "sample-medium.json"
    with tempfile.TemporaryDirectory() as d:
        ws, pid = make_workspace(medium, args.seconds, Path(d))
        from exchange_app.services.solving import SolveOptions
        from ui.board.mime import DragPayload
        from ui.board.schedule_tab import ScheduleTab
        from ui.dialogs.solve import SolveDialog

        tab = ScheduleTab(ws, pid, QUndoStack())
        tab.resize(1600, 1000)
        tab.show()
        doc = tab.document
        # a session with a pin, selected, and the check panel visible
        s = max(
            doc.schedule.sessions,
            key=lambda x: (doc.day_of_slot[x.slot] == tab.board_model.day, len(x.officials)),
        )
        from ui.board import commands as board_commands

        tab.undo_stack.push(board_commands.set_pinned(doc, s.id, s.officials[:2], True))  # pin marks show
        tab.select_session(s.id)
        app.processEvents()
        tab.grab().save(str(out / f"board{suffix}.png"))
        # a rule broken on purpose (as if staff insisted), shown in the check panel

        bad = next(
            (
                (o.id, x.id)
                for x in doc.schedule.sessions
                if doc.day_of_slot[x.slot] == tab.board_model.day
                for o in doc.scenario.officials
                if o.id not in x.officials and doc.why_not_join(o.id, x.id)
            ),
            None,
        )
        if bad is not None:
            why = "; ".join(v.message for v in doc.why_not_join(*bad))
            tab.undo_stack.push(board_commands.move_official(doc, bad[0], None, bad[1], why))
            tab.check_panel.refresh()
            tab.side.setCurrentIndex(1)
            tab.check_panel.table.selectRow(0)
            tab.select_session(bad[1])
            app.processEvents()
            tab.grab().save(str(out / f"board-check{suffix}.png"))
            tab.undo_stack.undo()
            tab.select_session(s.id)
        # during a drag: legal targets green, illegal dimmed, the reason on the status line
        model = tab.board_model
        official = s.officials[0]
        tab.board_model.begin_highlight(DragPayload(official=official, session=s.id))
        today = [x for x in doc.schedule.sessions if model.index_of_session(x.id).isValid() and x.id != s.id]
        legal = [x for x in today if not doc.why_not_join(official, x.id, leaving=s.id)]
        if legal:
            target = model.index_of_session(legal[0].id)
            near = sorted(
                (x for x in today if doc.why_not_join(official, x.id, leaving=s.id)),
                key=lambda x: (
                    abs(model.index_of_session(x.id).row() - target.row())
                    + abs(model.index_of_session(x.id).column() - target.column())
                ),
            )
            hover = model.index_of_session(near[0].id) if near else target
            tab.board.scrollTo(target, tab.board.ScrollHint.PositionAtCenter)
        else:
            hover = model.index_of_session(today[0].id)
            tab.board.scrollTo(hover, tab.board.ScrollHint.PositionAtCenter)
        tab._set_status(model.set_hover(hover))
        app.processEvents()
        tab.grab().save(str(out / f"board-drag{suffix}.png"))
        tab.board_model.end_highlight()
        tab.person_panel.show_person(official)
        tab.side.setCurrentWidget(tab.person_panel)
        tab._set_status("")
        app.processEvents()
        app.processEvents()
        tab.grab().save(str(out / f"board-person{suffix}.png"))

        dlg = SolveDialog(doc.scenario, SolveOptions(time_limit=args.seconds, workers=2), None, "Solve")
        dlg.show()
        dlg.start()
        t = time.time()
        while dlg.is_running() and time.time() - t < args.seconds * 0.6:
            app.processEvents()
            time.sleep(0.05)
        dlg.grab().save(str(out / f"board-solve-progress{suffix}.png"))
        while dlg.is_running():
            app.processEvents()
            time.sleep(0.05)
        app.processEvents()
        dlg.grab().save(str(out / f"board-solve-summary{suffix}.png"))
        dlg.done(0)
        # re-optimize around a pin: what moved
        from exchange_app.schedule_diff import diff_schedules
        from exchange_app.services.solving import solve_scenario
        from ui.board import commands
        from ui.board.changes import ChangesDialog

        tab.undo_stack.push(commands.set_pinned(doc, s.id, list(s.officials), True))
        current = doc.schedule
        again = solve_scenario(
            doc.scenario,
            SolveOptions(time_limit=args.seconds, workers=2, keep_previous=True),
            previous=current,
        )
        changes = ChangesDialog(
            doc,
            diff_schedules(current, again.schedule),
            again.schedule.sessions_by_id(),
            "1 session pinned; its officials kept in place.",
        )
        changes.show()
        app.processEvents()
        changes.grab().save(str(out / f"board-reoptimize{suffix}.png"))
        changes.done(0)
        tab.close()
        ws.close()
    print(f"screenshots written to {out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--size", default="large")
    b.add_argument("--seconds", type=float, default=20)
    b.add_argument("--repeat", type=int, default=3)
    b.add_argument("--drags", type=int, default=10)
    b.add_argument("--moves", type=int, default=30)
    s = sub.add_parser("screenshots")
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--dark", action="store_true")
    s.add_argument("--seconds", type=float, default=10)
    s.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = p.parse_args()
    bench(args) if args.cmd == "bench" else screenshots(args)


if __name__ == "__main__":
    main()
