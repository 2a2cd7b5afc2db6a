"""Screenshots for docs/guide.md (offscreen): the new-program wizard, Topics & Sites, the
board with "show possible places", the open-session dialog, the card menu, suggestions,
the solve summary and a page of the printed overview.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_guide_screenshots.py [OUT_DIR]

Each picture is saved as OUT_DIR/guide-<view>.png (default OUT_DIR: docs/screenshots).
The overview page needs ``pdftoppm`` (poppler-utils); without it that picture is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QDate, QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from exchange_app.io.overview import write_overview
    from exchange_app.services import Workspace, import_file
    from exchange_app.services.solving import SolveOptions, solve_scenario
    from ui.app import make_application
    from ui.board.mime import DragPayload
    from ui.board.session_dialog import OpenSessionDialog
    from ui.dialogs.new_program import ProgramWizard
    from ui.dialogs.solve import SolveDialog
    from ui.main_window import MainWindow
    from ui.style import apply_theme

    app = make_application()
    apply_theme(app, "light")

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"guide-{name}.png"))
        print("wrote", out / f"guide-{name}.png")

    # 1. the wizard
    wizard = ProgramWizard()
    wizard.name.setText("2026 General Election Peer Exchange")
    wizard.org_name.setText("Program Staff")
    wizard.org_email.setText("staff@exchange.example.org")
    wizard.first_day.setDate(QDate(2026, 10, 29))
    wizard.last_day.setDate(QDate(2026, 10, 30))
    wizard.add_site(
        "Atlanta, Georgia (Fulton County)", "America/New_York", "130 Peachtree St SW, Atlanta, GA 30303"
    )
    wizard.add_site(
        "Phoenix, Arizona (Maricopa County)", "America/Phoenix", "510 S 3rd Ave, Phoenix, AZ 85003"
    )
    wizard.add_site("Honolulu, Hawaii", "Pacific/Honolulu", "530 S King St, Honolulu, HI 96813")
    for t in ("Voter registration", "Ballot access", "Polling operations", "Election technology"):
        wizard.add_topic(t)
    wizard.show()
    wizard.next()
    save(wizard, "new-program-days")
    wizard.next()
    save(wizard, "new-program-sites")
    wizard.next()
    wizard.next()
    save(wizard, "new-program-ready")
    wizard.close()

    # 2. a program with people, solved
    small = ROOT / "tests" / "data" / "sample-small.json"
    ws = Workspace.open(Path(tempfile.mkdtemp()) / "guide.db")
    pid = import_file(ws, small).program_id
    scenario = ws.load_scenario(pid)
    outcome = solve_scenario(scenario, SolveOptions(time_limit=4, workers=1, seed=1))
    ws.save_schedule(pid, outcome.schedule, "solve")
    window = MainWindow(ws, pid)
    window.resize(1440, 900)
    window.show()
    settle()
    window.tabs.setCurrentWidget(window.topics_tab)
    window.topics_tab.topics_view.selectRow(0)
    window.topics_tab.slots_view.selectRow(7)
    save(window, "topics-sites")

    # the dates and hours editor: one more day, then a day that is still used
    from ui.dialogs.slots import DatesHoursDialog

    dates = DatesHoursDialog(ws.load_scenario(pid), ws.load_schedule(pid), window)
    dates.form.weekends.setChecked(True)
    dates.form.last_day.setDate(QDate(2026, 10, 31))
    dates.show()
    save(dates, "dates-hours")
    dates.form.first_day.setDate(QDate(2026, 10, 30))
    save(dates, "dates-hours-refused")
    dates.close()
    if "--slots-only" in sys.argv:
        window.close()
        ws.close()
        return 0

    window.tabs.setCurrentWidget(window.schedule_page)
    window.ensure_schedule_tab()
    from ui.operations import wait_all

    wait_all()  # the board loads in the background
    settle()
    tab = window.schedule_tab
    assert tab is not None, "the schedule did not load"
    doc = tab.document
    # an official with room for one more session, and a free cell where one can be opened
    chosen = None
    for o in doc.scenario.officials:
        for day in doc.days:
            tab.board_model.set_day(day)
            m = tab.board_model
            for r in range(m.rowCount()):
                for c in range(m.columnCount()):
                    i = m.index(r, c)
                    if m.session_at(i) is None and not m.reasons(DragPayload(official=o.id), i):
                        chosen = (o.id, day, i)
                        break
                if chosen:
                    break
            if chosen:
                break
        if chosen:
            break
    assert chosen, "no free cell for a new session in the sample"
    official, day, index = chosen
    tab.day_combo.setCurrentIndex(tab.day_index(day))
    row = tab.unassigned_model.row_of(official)
    if row < 0:
        tab.show_all.setChecked(True)
        row = tab.unassigned_model.row_of(official)
    tab.unassigned.setCurrentIndex(tab.unassigned_model.index(row, 0))
    tab.unassigned.scrollTo(tab.unassigned_model.index(row, 0))
    tab.hand.places.setChecked(True)
    tab.board.scrollTo(index)
    save(window, "board-possible-places")

    host, slot = tab.board_model.host_at(index.row()), tab.board_model.slot_at(index.column())
    dialog = OpenSessionDialog(doc, official, host, slot, doc.open_options(official, host, slot), window)
    dialog.show()
    save(dialog, "open-session")
    dialog.close()
    tab.hand.places.setChecked(False)

    # the card menu of a session
    s = max(doc.schedule.sessions, key=lambda x: len(x.officials))
    tab.select_session(s.id)
    menu = tab.build_menu(tab.board.currentIndex(), s.officials[0])
    menu.popup(window.mapToGlobal(window.rect().center()))
    save(menu, "card-menu")
    menu.close()

    # suggestions: take an official at their minimum out of one session, then select them
    from ui.board import commands

    taken = next(
        (o, x.id)
        for x in doc.schedule.sessions
        if len(x.officials) > doc.scenario.program.min_guests
        for o in x.officials
        if doc.session_count(o) == doc.min_sessions(o)
    )
    tab.undo_stack.push(commands.move_official(doc, taken[0], taken[1], None))
    tab.show_all.setChecked(False)
    listed = tab.unassigned_model.index(tab.unassigned_model.row_of(taken[0]), 0)
    tab.unassigned.setCurrentIndex(listed)
    tab.unassigned.scrollTo(listed)
    tab.side.setCurrentWidget(tab.hand.page)
    tab.hand.refresh()
    save(window, "board-suggestions")
    tab.undo_stack.undo()

    # the solve summary in staff words
    solve = SolveDialog(doc.scenario, SolveOptions(time_limit=4, workers=1, seed=1), None, "Solve", window)
    solve.show()
    solve.start()
    t = time.time()
    while solve.is_running() and time.time() - t < 60:
        app.processEvents()
        time.sleep(0.05)
    save(solve, "solve-summary")
    solve.close()

    # a page of the printed overview
    pdf = Path(tempfile.mkdtemp()) / "overview.pdf"
    write_overview(scenario, outcome.schedule, pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "80",
                "-png",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(out / "guide-overview"),
            ],
            check=True,
        )
        print("wrote", out / "guide-overview.png")
    window.undo_stack.clear()
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
