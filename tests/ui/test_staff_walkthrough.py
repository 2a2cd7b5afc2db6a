"""Issue 12's "Done when" as one test: a new user, in the app alone, creates a program in
the wizard, adds people by spreadsheet, solves, opens a new session by drag and drop,
changes a topic, deletes a session, undoes each, prints the site day grid and exports
calendars. No text editor and no command line: every step goes through the window's
actions and the real dialogs (their ``exec`` is replaced by what a person would click,
so nothing blocks)."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pypdf
from PySide6.QtCore import QDate, QPointF, Qt, QTime
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWizard

from exchange_app import rules
from ui.app import create_main_window
from ui.board.mime import DragPayload
from ui.board.session_dialog import OpenSessionDialog
from ui.dialogs.new_program import ProgramWizard
from ui.dialogs.sheet_import import SheetImportDialog
from ui.dialogs.solve import SolveDialog
from ui.main_window import MainWindow
from ui.operations import wait_all

PEOPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "people.xlsx"
# the sites and topics the example workbook refers to (sites by id, topics by name)
SITES = [
    ("Phoenix, AZ", "America/Phoenix", "175 W Madison St"),
    ("Atlanta, GA", "America/New_York", "141 Pryor St SW"),
    ("Denver, CO", "America/Denver", "200 W 14th Ave"),
]
TOPICS = [
    "Voter registration",
    "Ballot access",
    "Polling place operations",
    "Accessibility measures",
    "Chain-of-custody procedures",
    "Tabulation safeguards",
    "Election security",
    "Election technology",
    "Logistics",
    "Public communication",
    "Dispute resolution",
    "Operational planning",
    "Voter services",
    "Transparency measures",
    "Poll worker training",
]


def _fill_wizard(wizard: ProgramWizard) -> int:
    """What a coordinator types and picks on the wizard's pages, then Finish."""
    wizard.name.setText("Fall Peer Exchange")
    wizard.zone.setCurrentText("America/New_York")
    wizard.org_name.setText("Program Staff")
    wizard.org_email.setText("staff@exchange.example.org")
    wizard.first_day.setDate(QDate(2026, 10, 29))
    wizard.last_day.setDate(QDate(2026, 10, 30))
    wizard.day_start.setTime(QTime(8, 0))
    wizard.day_end.setTime(QTime(18, 0))
    wizard.lunch.setChecked(False)
    for name, tz, address in SITES:
        wizard.add_site(name, tz, address)
    for topic in TOPICS:
        wizard.add_topic(topic)
    wizard._summarize()
    assert wizard._valid, wizard.summary.text()
    return int(QWizard.DialogCode.Accepted)


def _drag(view, kind, pos, data):
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    if kind is QDropEvent:
        ev = QDropEvent(
            QPointF(pos), actions, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    else:
        ev = kind(pos, actions, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), ev)
    return ev


def _free_cell_to_open(tab):
    """(official, day index, model index) of a free cell where a session opens legally."""
    model = tab.board_model
    for official in tab.document.scenario.officials:
        for i in range(tab.day_combo.count()):
            tab.day_combo.setCurrentIndex(i)
            for r in range(model.rowCount()):
                for c in range(model.columnCount()):
                    index = model.index(r, c)
                    if model.session_at(index) is None and model.legal(
                        DragPayload(official=official.id), index
                    ):
                        return official.id, i, index
    raise AssertionError("no free cell where a session can be opened")


def test_a_program_from_the_wizard_to_printed_grid_and_calendars(qtbot, tmp_path, monkeypatch, message_boxes):
    # -- start: an empty database, the inviting window
    window = create_main_window(str(tmp_path / "exchange.db"))
    assert isinstance(window, MainWindow) and window.program_id is None
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    try:
        _walk(window, qtbot, tmp_path, monkeypatch, message_boxes)
    finally:
        wait_all()
        window.close()


def _walk(window, qtbot, tmp_path, monkeypatch, message_boxes):
    ws = window.ws
    stack = window.undo_stack

    # -- 1. File > New program…: the wizard
    monkeypatch.setattr(ProgramWizard, "exec", _fill_wizard)
    window.new_program_action.trigger()
    pid = window.program_id
    assert pid is not None and ws.load_scenario(pid).program.name == "Fall Peer Exchange"
    assert len(ws.load_scenario(pid).locations) == 3 and not ws.load_scenario(pid).officials

    # -- 2. File > Import people from spreadsheet…: check, import, close
    def import_sheet(dlg: SheetImportDialog) -> int:
        dlg.check()
        qtbot.waitUntil(lambda: dlg.plan is not None and not dlg.is_busy(), timeout=60_000)
        assert dlg.problems.rowCount() == 0, dlg.status.text()
        dlg.run_import()
        qtbot.waitUntil(lambda: dlg.result_value is not None, timeout=60_000)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(
        MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(PEOPLE))
    )
    monkeypatch.setattr(SheetImportDialog, "exec", import_sheet)
    window.import_sheet_action.trigger()
    sc = ws.load_scenario(pid)
    assert (len(sc.officials), len(sc.hosts)) == (40, 16)
    assert stack.text(stack.count() - 1) == "Import people from people.xlsx"

    # -- 3. Schedule > Solve (short time limit), use the result
    window.tabs.setCurrentWidget(window.schedule_page)
    window.ensure_schedule_tab()
    wait_all()
    qtbot.waitUntil(lambda: window.schedule_tab is not None, timeout=30_000)
    tab = window.schedule_tab

    def solve(dlg: SolveDialog) -> int:
        dlg.time_limit.setValue(4)
        dlg.workers.setValue(1)
        dlg.start()
        qtbot.waitUntil(lambda: not dlg.is_running(), timeout=90_000)
        assert dlg.outcome is not None and dlg.error is None
        dlg.use_button.click()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(SolveDialog, "exec", solve)
    tab.solve_action.trigger()
    wait_all()
    doc = tab.document
    solved = doc.schedule
    assert solved.sessions and ws.load_schedule(pid).sessions  # stored as a version
    assert rules.check_schedule(doc.scenario, solved).ok

    # -- 4. open a new session by dragging an official onto a free host-slot cell
    official, day_index, index = _free_cell_to_open(tab)
    host, slot = tab.board_model.host_at(index.row()), tab.board_model.slot_at(index.column())
    picked = {}

    def open_dialog(dlg: OpenSessionDialog) -> int:
        picked["topic"] = dlg.chosen().topic  # the legal choice offered first
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(OpenSessionDialog, "exec", open_dialog)
    view = tab.board
    qtbot.wait(50)  # the day's rows are laid out
    view.scrollTo(index)
    qtbot.wait(50)
    pos = view.visualRect(index).center()
    assert view.viewport().rect().contains(pos)
    data = DragPayload(official=official).to_mime()
    assert _drag(view, QDragEnterEvent, pos, data).isAccepted()
    assert _drag(view, QDragMoveEvent, pos, data).isAccepted()
    assert _drag(view, QDropEvent, pos, data).isAccepted()
    opened_id = doc.cell[(host, slot)]
    opened = doc.sessions[opened_id]
    assert opened.officials == [official] and opened.topic == picked["topic"]
    assert "Open session" in stack.text(stack.count() - 1)
    stack.undo()
    assert (host, slot) not in doc.cell and doc.schedule is solved
    stack.redo()
    assert doc.cell[(host, slot)] == opened_id

    # -- 5. change a session's topic from its card's menu: a choice that keeps every rule
    # (✔) when the solved schedule offers one, else one that breaks a rule, confirmed
    def topic_entries(session_id):
        tab.select_session(session_id)
        menu = tab.build_menu(tab.board.currentIndex(), None)
        sub = next(
            (m for m in menu.findChildren(QMenu) if m.title().replace("&", "") == "Change topic"), None
        )
        return menu, (sub.actions() if sub is not None else [])

    changed = before_topic = None
    for legal_only in (True, False):
        for s in doc.schedule.sessions:
            menu, entries = topic_entries(s.id)
            pick = [a for a in entries if a.text().startswith("✔") or not legal_only]
            if pick:
                confirmed = []
                monkeypatch.setattr(
                    "ui.board.hand_editing.confirm_rule_break", lambda *a: confirmed.append(a) or True
                )
                changed, before_topic = s.id, s.topic
                pick[0].trigger()
                assert bool(confirmed) == (not legal_only)  # asked only when a rule breaks
                menu.deleteLater()
                break
            menu.deleteLater()
        if changed is not None:
            break
    assert changed is not None, "no session's menu offers another topic"
    new_topic = doc.sessions[changed].topic
    assert new_topic != before_topic and "topic to" in stack.text(stack.count() - 1)
    stack.undo()
    assert doc.sessions[changed].topic == before_topic
    stack.redo()
    assert doc.sessions[changed].topic == new_topic

    # -- 6. delete a session (one whose deletion breaks no rule, so nothing is asked)
    gone = next(
        s.id
        for s in doc.schedule.sessions
        if s.id not in (opened_id, changed) and not doc.why_not_delete(s.id)
    )
    tab.select_session(gone)
    tab.hand.delete_action.trigger()
    assert gone not in doc.sessions and "Delete session" in stack.text(stack.count() - 1)
    stack.undo()
    assert gone in doc.sessions
    stack.redo()
    assert gone not in doc.sessions

    # -- save the edited schedule as a version
    tab.save_action.trigger()
    wait_all()
    qtbot.waitUntil(lambda: not tab.has_unsaved_changes(), timeout=30_000)
    stored = ws.load_schedule(pid)
    ids = {s.id for s in stored.sessions}
    assert opened_id in ids and gone not in ids
    assert next(s for s in stored.sessions if s.id == changed).topic == new_topic

    # -- 7. File > Export > Overview to print: the site day grid as PDF
    monkeypatch.setattr("ui.dialogs.export.offer_open_folder", lambda parent, summary, folder: None)
    pdf = tmp_path / "print" / "overview.pdf"
    pdf.parent.mkdir()
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": pdf)
    window.export_actions["overview"].trigger()
    qtbot.waitUntil(lambda: window.last_export is not None, timeout=60_000)
    assert window.last_export[0], window.last_export
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    text = " ".join(text.split())  # a grid cell wraps long names
    host_name = doc.scenario.hosts_by_id()[host].name
    assert "Phoenix" in text and "Atlanta" in text and host_name in text

    # -- 8. File > Export > Calendars (for everyone, the first choice offered)
    asked = []

    def first_item(parent, title, label, items, current=0, editable=False):
        asked.append(title)
        return items[0], True

    monkeypatch.setattr("ui.dialogs.export.QInputDialog.getItem", staticmethod(first_item))
    out = tmp_path / "calendars"
    out.mkdir()
    window.last_export = None
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": out)
    window.export_actions["ics"].trigger()
    qtbot.waitUntil(lambda: window.last_export is not None, timeout=60_000)
    assert window.last_export[0], window.last_export
    files = list(out.rglob("*.ics"))
    assert len(files) >= len({s.host for s in stored.sessions})
    status: dict[str, dict[str, str]] = {}  # calendar file -> session id -> event status
    for f in files:
        cal = icalendar.Calendar.from_ical(f.read_bytes())
        status[f.name] = {str(ev["UID"]).split("@")[0]: str(ev["STATUS"]) for ev in cal.walk("VEVENT")}
    # the session opened by hand is in the calendars of its host and its official (and
    # the all-sessions one); the deleted one is there only as a cancellation
    holding = [name for name, events in status.items() if events.get(opened_id) == "CONFIRMED"]
    assert len(holding) >= 3
    assert {events[gone] for events in status.values() if gone in events} == {"CANCELLED"}
    assert asked == ["Export calendars (.ics)"]
    # nothing above asked a question or showed a warning
    assert not [m for m in message_boxes if m[0] in ("warning", "critical", "question", "box")], message_boxes
