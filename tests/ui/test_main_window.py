"""The main window: tabs, status bar, menus, import with a report, exports in a worker,
program settings (undoable), Topics & Sites, theme, empty database."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication

from exchange_app.domain import PersonKind
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from ui.dialogs.import_report import ImportReport, ImportReportDialog
from ui.dialogs.settings import ProgramSettingsDialog
from ui.main_window import MainWindow, recent_databases, remember_database
from ui.operations import wait_all
from ui.topics_sites import TopicsSitesTab, offsets_on_days


@pytest.fixture
def captured_reports(monkeypatch):
    reports: list[ImportReport] = []
    monkeypatch.setattr(
        ImportReportDialog, "ask", classmethod(lambda cls, parent, report: reports.append(report))
    )
    return reports


def _dump(ws: Workspace) -> tuple:
    """Everything a test can compare: programs with counts, and each program's scenario."""
    programs = ws.programs()
    return tuple(programs), tuple(ws.load_scenario(p.id) for p in programs)


def test_window_shows_tabs_status_and_menus(main_window, small_path):
    scenario = read_scenario(small_path)
    titles = [
        main_window.tabs.tabText(i).replace("&&", "\0").replace("&", "").replace("\0", "&")
        for i in range(main_window.tabs.count())
    ]
    assert titles == ["Officials", "Hosts", "Interpreters", "Topics & Sites", "Schedule"]
    assert main_window.program_label.text() == scenario.program.name
    assert main_window.counts_label.text() == (
        f"{len(scenario.officials)} officials · {len(scenario.hosts)} hosts · "
        f"{len(scenario.interpreters)} interpreters"
    )
    wait_all()
    assert main_window.schedule_label.text() == "No schedule yet"
    assert scenario.program.name in main_window.windowTitle()
    for kind, tab in main_window.people_tabs.items():
        assert tab.model.rowCount() == len(getattr(scenario, kind.value + "s"))
    menus = [a.text().replace("&", "") for a in main_window.menuBar().actions() if a.isVisible()]
    assert menus[:3] == ["File", "Edit", "View"] and menus[-1] == "Help"
    assert main_window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert main_window.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert not main_window.quit_action.shortcut().isEmpty()
    assert main_window.quit_action.shortcut() in (
        QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")]
    )
    main_window.go_to_actions[2].trigger()
    assert main_window.tabs.currentWidget() is main_window.people_tabs[PersonKind.INTERPRETER]
    assert main_window.go_to_actions[4].shortcut() == QKeySequence("Ctrl+5")
    assert set(main_window.export_actions) == {
        "scenario",
        "schedule",
        "ics",
        "invitations",
        "itineraries",
        "spreadsheet",
        "overview",
    }


def test_status_bar_shows_schedule_version_and_last_solve(main_window, small_workspace):
    from exchange_app.domain import Schedule, SolverInfo

    ws, pid = small_workspace
    ws.save_schedule(
        pid,
        Schedule(sessions=[], solver=SolverInfo(status="feasible", objective=120, bound=130, seconds=2.5)),
        source="solve",
    )
    wait_all()
    import threading

    threads = []
    real = ws.schedule_versions
    ws.schedule_versions = lambda p: threads.append(threading.current_thread()) or real(p)
    main_window.reload()
    for _ in range(20):  # status updates read no database on the UI thread
        main_window._update_status()
    wait_all()
    assert threads and threading.main_thread() not in threads
    assert main_window.schedule_label.text().startswith("Schedule v1 (solve)")
    assert "saved" in main_window.schedule_label.text()
    assert main_window.solve_label.text() == "Last solve v1: valid, not proven best, 2.5 s"
    assert "Solver feasible: score 120, bound 130" in main_window.solve_label.toolTip()
    assert "Version 1: 0 sessions, solve by" in main_window.schedule_label.toolTip()


def test_import_bad_scenario_via_menu_reports_and_leaves_database_unchanged(
    main_window, small_workspace, small_path, tmp_path, monkeypatch, captured_reports
):
    ws, pid = small_workspace
    doc = json.loads(small_path.read_text("utf-8"))
    doc["officials"][3]["email"] = "not-an-address"
    topic = next(iter(doc["officials"][5]["interests"]))
    doc["officials"][5]["interests"][topic] = 5
    bad = tmp_path / "bad-scenario.json"
    bad.write_text(json.dumps(doc), "utf-8")
    before = _dump(ws)
    monkeypatch.setattr(MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(bad)))

    main_window.import_action.trigger()

    wait_all()

    assert len(captured_reports) == 1
    report = captured_reports[0]
    assert not report.ok and report.source == str(bad)
    texts = [str(p) for p in report.problems]
    assert any(
        "officials[3] (o-0004), field 'email'" in t and "not a valid email address" in t for t in texts
    )
    assert any(
        f"officials[5] (o-0006), field 'interests.{topic}': interest weight 5 is outside 1..3" in t
        for t in texts
    )
    assert "nothing was imported" in report.summary
    assert _dump(ws) == before
    assert main_window.program_id == pid
    # the dialog lists every problem
    dialog = ImportReportDialog(report, main_window)
    assert dialog.table.rowCount() == len(report.problems)
    assert dialog.table.item(0, 0).text() == report.problems[0].record
    dialog.deleteLater()


def test_import_file_that_is_not_json(main_window, small_workspace, tmp_path, monkeypatch, captured_reports):
    ws, _ = small_workspace
    bad = tmp_path / "notes.json"
    bad.write_text("this is { not json", "utf-8")
    before = _dump(ws)
    monkeypatch.setattr(MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(bad)))
    main_window.import_action.trigger()
    wait_all()
    assert not captured_reports[0].ok
    assert "is not valid JSON" in str(captured_reports[0].problems[0])
    assert _dump(ws) == before


def test_import_good_scenario_opens_the_new_program(
    main_window, small_workspace, tiny_path, monkeypatch, captured_reports
):
    ws, pid = small_workspace
    monkeypatch.setattr(
        MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(tiny_path))
    )
    main_window.import_action.trigger()
    wait_all()
    assert captured_reports[0].ok
    tiny = read_scenario(tiny_path)
    assert main_window.program_id != pid
    assert main_window.scenario == ws.load_scenario(main_window.program_id)
    assert main_window.people_tabs[PersonKind.OFFICIAL].model.rowCount() == len(tiny.officials)
    assert main_window.switch_program_action.isEnabled()


def test_program_settings_are_saved_and_undoable(main_window, small_workspace, monkeypatch):
    import dataclasses

    ws, pid = small_workspace
    before = ws.load_scenario(pid).program
    after = dataclasses.replace(before, name="Autumn exchange", timezone="America/Denver", max_guests=5)
    monkeypatch.setattr(ProgramSettingsDialog, "ask", classmethod(lambda cls, parent, program: after))
    main_window.settings_action.trigger()
    assert ws.load_scenario(pid).program == after
    assert main_window.program_label.text() == "Autumn exchange"
    assert main_window.undo_action.text() == "&Undo Change program settings"
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid).program == before
    assert main_window.program_label.text() == before.name
    main_window.redo_action.trigger()
    assert ws.load_scenario(pid).program == after


def test_settings_dialog_checks_time_zone_and_guests(qtbot, small_path):
    program = read_scenario(small_path).program
    dialog = ProgramSettingsDialog(program)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled() and dialog.program() == program
    dialog.timezone.setText("America/Atlantis")
    assert not ok.isEnabled()
    assert any(
        p.field == "timezone" and "unknown time zone 'America/Atlantis'" in p.message
        for p in dialog.problems()
    )
    assert dialog.timezone.property("invalid") is True
    dialog.timezone.setText("America/Phoenix")
    dialog.min_guests.setValue(7)
    dialog.max_guests.setValue(4)
    assert any("min_guests 7 is above max_guests 4" in p.message for p in dialog.problems())
    dialog.max_guests.setValue(8)
    dialog.organizer_email.setText("staff at example")
    assert any(p.field == "organizer.email" for p in dialog.problems())
    dialog.organizer_email.setText("staff@example.org")
    assert ok.isEnabled()
    assert (
        dialog.program().timezone == "America/Phoenix"
        and dialog.program().organizer.email == "staff@example.org"
    )


def test_topics_and_sites_tab(qtmodeltester, main_window, small_path):
    scenario = read_scenario(small_path)
    tab = main_window.topics_tab
    assert isinstance(tab, TopicsSitesTab)
    qtmodeltester.check(tab.topics_model)
    qtmodeltester.check(tab.sites_model)
    assert tab.topics_model.rowCount() == len(scenario.topics)
    first = scenario.topics[0]
    row = next(
        r for r in range(tab.topics_model.rowCount()) if tab.topics_model.index(r, 1).data() == first.id
    )
    interested = sum(1 for o in scenario.officials if first.id in o.interests)
    assert tab.topics_model.index(row, 2).data().startswith(f"{interested} (")
    assert tab.topics_model.index(row, 3).data() == str(
        sum(1 for h in scenario.hosts if first.id in h.expertise)
    )
    phoenix = next(
        r for r in range(tab.sites_model.rowCount()) if tab.sites_model.index(r, 1).data() == "phoenix-az"
    )
    assert tab.sites_model.index(phoenix, 3).data() == "UTC−07:00"


def test_offsets_name_the_day_clocks_change():
    from datetime import date

    days = [date(2026, 10, 29), date(2026, 10, 30), date(2026, 11, 2)]
    assert offsets_on_days("America/New_York", days) == "UTC−04:00, UTC−05:00 from Mon 02 Nov"
    assert offsets_on_days("America/Phoenix", days) == "UTC−07:00"


def test_export_scenario_runs_in_a_worker(main_window, small_workspace, tmp_path, monkeypatch, qtbot):
    import ui.dialogs.export as export

    ws, pid = small_workspace
    out = tmp_path / "out" / "program.json"
    out.parent.mkdir()
    offered = []
    monkeypatch.setattr(export, "ask_target", lambda parent, kind, start_dir="": out)
    monkeypatch.setattr(
        export, "offer_open_folder", lambda parent, summary, folder: offered.append((summary, folder))
    )
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": out)
    main_window.export_actions["scenario"].trigger()
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=20000)
    assert main_window.last_export[0] is True
    assert not main_window.exporting()
    assert read_scenario(out) == ws.load_scenario(pid)
    assert offered == [(f"Scenario written to {out}.", out.parent)]


def test_failed_export_is_reported(main_window, tmp_path, monkeypatch, qtbot, message_boxes):
    out = tmp_path / "schedule.json"  # there is no schedule yet
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": out)
    main_window.export_actions["schedule"].trigger()
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=20000)
    ok, text = main_window.last_export
    assert not ok and text
    assert ("warning", "Export failed", text) in message_boxes
    assert not out.exists()


def test_theme_choice_switches_palette(main_window):
    app = QApplication.instance()
    main_window.theme_actions["dark"].trigger()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 100
    main_window.theme_actions["light"].trigger()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 180


def test_recent_databases_are_remembered_newest_first():
    remember_database("/a.db")
    remember_database("/b.db")
    remember_database("/a.db")
    assert recent_databases() == ["/a.db", "/b.db"]


def test_empty_database_invites_import(
    qtbot, tmp_path, tiny_path, monkeypatch, captured_reports, message_boxes
):
    ws = Workspace.open(tmp_path / "empty.db")
    window = MainWindow(ws, None)
    qtbot.addWidget(window)
    try:
        assert window.pages.currentWidget() is window.empty_page
        assert window.program_label.text() == "No program"
        assert not window.export_actions["scenario"].isEnabled()
        monkeypatch.setattr(
            MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(tiny_path))
        )
        window.empty_import_button.click()
        wait_all()
        assert captured_reports[0].ok
        assert window.program_id is not None and window.pages.currentWidget() is window.tabs
        assert window.export_actions["scenario"].isEnabled()
    finally:
        window.close()
        ws.close()


def _mnemonic(text: str) -> str | None:
    import re

    m = re.search(r"&([^&])", text.replace("&&", ""))
    return m.group(1).lower() if m else None


def test_mnemonics_are_unique_on_every_profile_view(main_window):
    """Alt+letter must reach one control: menus, tab titles and the visible tab's controls."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    window_level = [a.text() for a in main_window.menuBar().actions() if a.isVisible()]
    window_level += [main_window.tabs.tabText(i) for i in range(main_window.tabs.count())]
    # the board's controls on the Schedule tab take these (ui/board/schedule_tab.py)
    board = ["&Day:", "&Times in:", "Show &all officials", "&Person:"]
    assert not {_mnemonic(t) for t in window_level if _mnemonic(t)} & {_mnemonic(t) for t in board}
    for i in range(4):  # the Schedule tab belongs to the board
        main_window.tabs.setCurrentIndex(i)
        page = main_window.tabs.currentWidget()
        if i < 3:
            page.select(page.model.id_at(0))
        texts = list(window_level)
        for w in page.findChildren(QLabel):
            if w.isVisible() and w.buddy() is not None:
                texts.append(w.text())
        for w in page.findChildren(QAbstractButton):
            if w.isVisible():
                texts.append(w.text())
        for w in page.findChildren(QGroupBox):
            if w.isVisible():
                texts.append(w.title())
        letters = [m for m in map(_mnemonic, texts) if m]
        duplicates = {x for x in letters if letters.count(x) > 1}
        assert not duplicates, f"tab {main_window.tabs.tabText(i)}: Alt+{duplicates} is used twice in {texts}"
        assert len(letters) >= 6  # the menus and at least one control


def _one_session_schedule(sc, n_guests: int = 2):
    from exchange_app.domain import Schedule, Session

    host = next(h for h in sc.hosts if h.availability)
    slot = next(s for s in sc.slots if host.window_for(s))
    topic = host.expertise[0]
    guests = [o.id for o in sc.officials if topic in o.interests][:n_guests]
    return Schedule(
        sessions=[
            Session(
                id="s-0001",
                host=host.id,
                slot=slot.id,
                topic=topic,
                language=host.languages[0],
                officials=guests,
                location=host.location,
            )
        ]
    )


def test_export_calendars_for_a_stored_schedule(main_window, small_workspace, tmp_path, monkeypatch, qtbot):
    import ui.dialogs.export as export

    ws, pid = small_workspace
    ws.save_schedule(pid, _one_session_schedule(ws.load_scenario(pid)), source="edit")
    out = tmp_path / "calendars"
    out.mkdir()
    offered = []
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": out)
    monkeypatch.setattr(
        export, "offer_open_folder", lambda parent, summary, folder: offered.append((summary, folder))
    )
    main_window.export_actions["ics"].trigger()
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=30000)
    ok, summary = main_window.last_export
    assert ok, summary
    files = sorted(p.name for p in out.rglob("*.ics"))
    assert len(files) >= 3  # the host and two officials at least
    assert offered == [(summary, out)]


def test_schedule_tab_embeds_the_board_and_sees_profile_edits(main_window, qtbot):
    from ui.board.schedule_tab import ScheduleTab

    main_window.go_to_actions[4].trigger()
    wait_all()
    board = main_window.schedule_tab
    assert isinstance(board, ScheduleTab)
    assert board.isVisible()
    assert main_window.schedule_menu.menuAction().isVisible()
    assert main_window.schedule_menu.actions() == board.actions_for_menu()
    # a profile edit reaches the board's copy of the program
    tab = main_window.people_tabs[PersonKind.OFFICIAL]
    main_window.go_to_actions[0].trigger()
    tab.select("o-0007")
    tab.editor.name_edit.setText("Renamed Official")
    tab.editor.save()
    assert board.document.scenario.officials_by_id()["o-0007"].name == "Renamed Official"


def test_program_settings_changed_elsewhere_are_not_overwritten(
    main_window, small_workspace, monkeypatch, message_boxes
):
    import dataclasses

    ws, pid = small_workspace
    before = ws.load_scenario(pid).program
    with Workspace.open(ws.path, user="maria") as other:
        other.save_program_settings(pid, dataclasses.replace(before, max_guests=4))
    mine = dataclasses.replace(before, name="My name for it")
    monkeypatch.setattr(ProgramSettingsDialog, "ask", classmethod(lambda cls, parent, program: mine))
    main_window.settings_action.trigger()
    assert message_boxes[-1][:2] == ("warning", "Changed meanwhile") and "maria" in message_boxes[-1][2]
    assert ws.load_scenario(pid).program == dataclasses.replace(before, max_guests=4)
    assert main_window.undo_stack.count() == 0
    assert main_window.scenario.program.max_guests == 4  # reloaded


def test_closing_with_an_unsaved_profile_edit_offers_to_save(
    qtbot, small_workspace, monkeypatch, message_boxes
):
    from ui.profiles.tab import PeopleTab

    ws, pid = small_workspace
    monkeypatch.setattr(PeopleTab, "ask_unsaved", staticmethod(lambda parent, name, can_save: can_save))
    window = MainWindow(ws, pid)
    qtbot.addWidget(window)
    window.show()
    tab = window.people_tabs[PersonKind.HOST]
    window.tabs.setCurrentWidget(tab)
    host = window.scenario.hosts[1]
    tab.select(host.id)
    tab.editor.title_edit.setText("Elections Director")
    window.close()
    assert window.ws is None  # closed and released
    with Workspace.open(ws.path) as again:
        assert again.load_scenario(pid).hosts_by_id()[host.id].title == "Elections Director"


def test_import_people_from_a_spreadsheet_reloads_the_profiles(
    main_window, small_workspace, tmp_path, monkeypatch
):
    import dataclasses
    from types import SimpleNamespace

    from ui.dialogs import sheet_import

    ws, pid = small_workspace
    sheet = tmp_path / "people.csv"
    sheet.write_text("id,name\n", "utf-8")
    seen = []

    def fake_dialog(cls, parent, workspace, program_id, path):
        # stands in for the sheet dialog (tested by its owner): stores one changed official
        seen.append((program_id, path))
        official = workspace.load_scenario(program_id).officials_by_id()["o-0002"]
        workspace.upsert_person(program_id, dataclasses.replace(official, name="Andrei Kowalska-Imported"))
        workspace.upsert_person(program_id, dataclasses.replace(official, id="o-0900", name="New From Sheet"))
        return SimpleNamespace(added=1, updated=1, refused_rows=[], summary="1 official added, 1 updated")

    monkeypatch.setattr(
        MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(sheet))
    )
    monkeypatch.setattr(sheet_import.SheetImportDialog, "ask", classmethod(fake_dialog))
    assert main_window.import_sheet_action is not None and main_window.import_sheet_action.isEnabled()
    tab = main_window.people_tabs[PersonKind.OFFICIAL]
    tab.select("o-0003")  # an earlier edit stays undoable after the import
    tab.editor.name_edit.setText("Edited Before")
    tab.editor.save()
    before = ws.load_scenario(pid)
    main_window.import_sheet_action.trigger()
    assert seen == [(pid, sheet)]
    row = tab.model.row_of("o-0002")
    assert tab.model.index(row, 0).data() == "Andrei Kowalska-Imported"
    # the import is one undoable step, and the stack below it is kept
    assert main_window.undo_stack.count() == 2
    assert main_window.undo_action.text().replace("&", "") == "Undo Import people from people.csv"
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid) == before
    assert tab.model.row_of("o-0900") is None
    main_window.redo_action.trigger()
    after = ws.load_scenario(pid).officials_by_id()
    assert after["o-0002"].name == "Andrei Kowalska-Imported" and after["o-0900"].name == "New From Sheet"
    main_window.undo_action.trigger()
    main_window.undo_action.trigger()
    assert ws.load_scenario(pid).officials_by_id()["o-0003"].name != "Edited Before"


def test_restoring_a_backup_reloads_the_window(main_window, small_workspace, monkeypatch):
    from ui.dialogs import backups

    ws, pid = small_workspace
    main_window.people_tabs[PersonKind.OFFICIAL].select("o-0003")
    main_window.people_tabs[PersonKind.OFFICIAL].editor.name_edit.setText("Changed")
    main_window.people_tabs[PersonKind.OFFICIAL].editor.save()
    assert main_window.undo_stack.count() == 1

    def fake_restore(cls, parent, workspace):
        # stands in for the backups dialog (tested by its owner): the restored data differ
        workspace.delete_person(pid, PersonKind.INTERPRETER, workspace.load_scenario(pid).interpreters[0].id)
        return True

    monkeypatch.setattr(backups.BackupsDialog, "ask", classmethod(fake_restore))
    assert main_window.backups_action is not None
    main_window.backups_action.trigger()
    assert main_window.undo_stack.count() == 0  # steps from before the restore no longer apply
    assert main_window.people_tabs[PersonKind.INTERPRETER].model.rowCount() == len(
        ws.load_scenario(pid).interpreters
    )


def test_export_invitations_only_for_changes_since_a_version(
    main_window, small_workspace, tmp_path, monkeypatch, qtbot
):
    import ui.dialogs.export as export

    ws, pid = small_workspace
    sc = ws.load_scenario(pid)
    ws.save_schedule(pid, _one_session_schedule(sc, 2), source="edit")
    ws.save_schedule(pid, _one_session_schedule(sc, 3), source="edit")  # one more guest in version 2
    offered_versions = []

    def choose(parent, kind, versions):
        offered_versions.extend(v.number for v in versions)
        return 1

    out = tmp_path / "invitations"
    out.mkdir()
    monkeypatch.setattr(export, "ask_since_version", choose)
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": out)
    monkeypatch.setattr(export, "offer_open_folder", lambda parent, summary, folder: None)
    main_window.export_actions["invitations"].trigger()
    qtbot.waitUntil(lambda: main_window.last_export is not None, timeout=30000)
    ok, summary = main_window.last_export
    assert ok, summary
    assert sorted(offered_versions) == [1, 2]
    assert "since version 1" in summary
    assert list(out.rglob("*.eml"))  # the session changed: its people get an update


def test_cancelling_the_since_choice_exports_nothing(main_window, small_workspace, monkeypatch):
    import ui.dialogs.export as export

    ws, pid = small_workspace
    sc = ws.load_scenario(pid)
    ws.save_schedule(pid, _one_session_schedule(sc, 2), source="edit")
    ws.save_schedule(pid, _one_session_schedule(sc, 3), source="edit")
    asked = []
    monkeypatch.setattr(export, "ask_since_version", lambda parent, kind, versions: False)
    monkeypatch.setattr("ui.main_window.ask_target", lambda parent, kind, start_dir="": asked.append(kind))
    main_window.export_actions["ics"].trigger()
    assert asked == [] and not main_window.exporting()


def test_a_recent_database_that_is_gone_is_dropped_not_created(main_window, tmp_path, message_boxes):
    gone = str(tmp_path / "moved-away.db")
    remember_database(gone)
    assert main_window.open_recent(gone) is False
    assert message_boxes[-1][:2] == ("warning", "Database not found")
    assert gone not in recent_databases()
    assert not (tmp_path / "moved-away.db").exists()


@pytest.mark.parametrize("again", [False, True])
def test_importing_a_program_that_exists_asks_first(
    main_window, small_workspace, small_path, monkeypatch, captured_reports, again
):
    ws, pid = small_workspace
    asked = []
    monkeypatch.setattr(
        MainWindow, "ask_import_again", staticmethod(lambda parent, name: asked.append(name) or again)
    )
    monkeypatch.setattr(
        MainWindow, "ask_open_file", staticmethod(lambda parent, caption, filters: str(small_path))
    )
    main_window.import_action.trigger()
    wait_all()
    assert asked == [read_scenario(small_path).program.name]
    assert len(ws.programs()) == (2 if again else 1)
    assert len(captured_reports) == (1 if again else 0)
    assert (main_window.program_id != pid) is again
