"""The Schedule tab on a real workspace: keyboard/menu equivalents of drags, save, reload,
violations that select their session, the person view and re-optimize around a pin."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from exchange_app import rules
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.board import commands
from ui.board.changes import ChangesDialog
from ui.board.picker import TargetPicker
from ui.board.schedule_tab import ScheduleTab
from ui.dialogs.solve import SolveDialog


@functools.cache
def _solved_small(path: str):
    """One short real solve of sample-small, shared by the tests (it is only read)."""
    return solve_scenario(read_scenario(path), SolveOptions(time_limit=3, workers=1, seed=1)).schedule


@pytest.fixture
def tab(qtbot, small_workspace, small_path, message_boxes):
    ws, pid = small_workspace
    ws.save_schedule(pid, _solved_small(str(small_path)), "solve")
    stack = QUndoStack()
    widget = ScheduleTab(ws, pid, stack)
    qtbot.addWidget(widget)
    widget.resize(1500, 950)
    widget.show()
    qtbot.waitExposed(widget)
    widget.stack = stack
    return widget


def _select(tab: ScheduleTab, session: str, official: str | None = None) -> None:
    assert tab.select_session(session)
    if official is not None:
        tab.board.setFocus()
        while tab.board.current_official != official:
            tab.board.step_official(1)


def test_tab_contract_and_accessible_names(tab):
    names = [a.text().replace("&", "") for a in tab.actions_for_menu()]
    for wanted in ("Solve…", "Re-optimize around pins…", "Move to session…", "Unassign", "Save schedule"):
        assert wanted in names
    assert any(n.startswith("Pin") for n in names)
    assert not tab.has_unsaved_changes()
    assert tab.board.accessibleName() and tab.unassigned.accessibleName() and tab.day_combo.accessibleName()
    assert tab.day_combo.count() == len(tab.document.days)


def test_move_to_session_by_keyboard_lists_legal_targets_first(tab, monkeypatch):
    doc = tab.document
    low = doc.scenario.program.min_guests
    source, official = next(
        (s, o)
        for s in doc.schedule.sessions
        if len(s.officials) > low
        for o in s.officials
        if o not in s.pinned
        and any(
            not doc.why_not_join(o, t.id, leaving=s.id) for t in doc.schedule.sessions if o not in t.officials
        )
    )
    _select(tab, source.id, official)
    seen = {}

    def pick(parent, title, prompt, choices):
        seen["choices"] = choices
        legal = [c for c in choices if not c.reasons and c.key is not None]
        return legal[0] if legal else None

    monkeypatch.setattr(TargetPicker, "ask", staticmethod(pick))
    dirty = []
    tab.dirty_changed.connect(dirty.append)
    tab.move_action.trigger()
    choices = seen["choices"]
    order = [bool(c.reasons) for c in TargetPicker("t", "p", choices).choices]
    assert order == sorted(order)  # legal first
    illegal = [c for c in choices if c.reasons]
    assert illegal and all(isinstance(c.reasons, str) for c in illegal)
    target = next(c.key for c in choices if not c.reasons and c.key is not None)
    assert official in doc.sessions[target].officials
    assert dirty == [True] and tab.has_unsaved_changes()
    tab.stack.undo()
    assert official in doc.sessions[source.id].officials and dirty == [True, False]


def test_unassign_pin_and_save_a_new_version(tab, small_workspace):
    ws, pid = small_workspace
    doc = tab.document
    low = doc.scenario.program.min_guests
    s = next(
        s
        for s in doc.schedule.sessions
        if len(s.officials) > low and any(not doc.why_not_unassign(o, s.id) for o in s.officials)
    )
    official = next(o for o in s.officials if not doc.why_not_unassign(o, s.id))
    _select(tab, s.id, official)
    tab.pin_action.trigger()
    assert official in doc.sessions[s.id].pinned
    assert tab.pin_action.text().replace("&", "") == "Unpin official"
    tab.pin_action.trigger()
    assert official not in doc.sessions[s.id].pinned
    tab.unassign_action.trigger()
    assert official not in doc.sessions[s.id].officials
    tab.pin_session_action.trigger()
    assert set(doc.sessions[s.id].pinned) == set(doc.sessions[s.id].officials)
    versions = len(ws.schedule_versions(pid))
    saving = tab.save()
    assert saving is not None and saving.wait()
    number = saving.value
    assert number is not None and not tab.has_unsaved_changes()
    info = ws.schedule_versions(pid)
    assert len(info) == versions + 1 and any(v.number == number and v.source == "edit" for v in info)
    stored = ws.load_schedule(pid)
    assert official not in stored.sessions_by_id()[s.id].officials
    assert set(stored.sessions_by_id()[s.id].pinned) == set(doc.sessions[s.id].officials)
    assert tab.save() is None  # nothing new
    tab.stack.undo()
    assert tab.has_unsaved_changes()


def test_violation_click_selects_its_session_and_person_view(tab, qtbot, qtmodeltester):
    doc = tab.document
    s = doc.schedule.sessions[-1]
    # break a rule on purpose (insist), then find it in the check panel
    official = next(
        o.id for o in doc.scenario.officials if o.id not in s.officials and doc.why_not_join(o.id, s.id)
    )
    tab.undo_stack.push(commands.move_official(doc, official, None, s.id, "test"))
    tab.check_panel.refresh()
    model = tab.check_panel.model
    qtmodeltester.check(model)
    row = next(r for r in range(model.rowCount()) if model.violation(r).session == s.id)
    other_day = next(d for d in doc.days if d != doc.day_of_slot[s.slot]) if len(doc.days) > 1 else None
    if other_day is not None:
        tab.day_combo.setCurrentIndex(tab.day_index(other_day))
    tab.check_panel.table.clicked.emit(model.index(row, 1))
    assert tab.board_model.day == doc.day_of_slot[s.slot]
    assert tab.current_session() == s.id
    assert "Check (" in tab.side.tabText(1)
    tab.board.current_official = official
    tab.itinerary_action.trigger()
    assert tab.side.currentWidget() is tab.person_panel
    assert tab.person_panel.model.person == official
    rows = tab.person_panel.model.rowCount()
    assert rows == len(doc.schedule.sessions_of(official))


def test_reload_keeps_unsaved_edits_and_loads_new_versions(tab, small_workspace):
    ws, pid = small_workspace
    doc = tab.document
    s = next(x for x in doc.schedule.sessions if not x.pinned)
    tab.undo_stack.push(commands.set_pinned(doc, s.id, [s.officials[0]], True))
    tab.reload()
    assert s.officials[0] in doc.sessions[s.id].pinned and tab.has_unsaved_changes()
    tab.stack.undo()
    assert not tab.has_unsaved_changes()
    tab.reload()
    assert not tab.has_unsaved_changes()


def _run_dialog(qtbot, monkeypatch, seconds: int):
    """SolveDialog.ask replaced by the real dialog, started and waited for (no modal loop)."""
    made = []

    def ask(parent, scenario, options=None, previous=None, title="Solve", autostart=False):
        options = SolveOptions(
            time_limit=seconds, workers=1, seed=2, keep_previous=bool(options and options.keep_previous)
        )
        dlg = SolveDialog(scenario, options, previous, title, parent)
        made.append(dlg)
        dlg.start()
        qtbot.waitUntil(lambda: not dlg.is_running(), timeout=120_000)
        assert dlg.use_button.isEnabled()
        return dlg.outcome

    monkeypatch.setattr(SolveDialog, "ask", staticmethod(ask))
    return made


def test_reoptimize_around_a_pin_keeps_the_pinned_official(tab, qtbot, monkeypatch):
    doc = tab.document
    s = max(doc.schedule.sessions, key=lambda x: len(x.officials))
    official = s.officials[0]
    tab.undo_stack.push(commands.set_pinned(doc, s.id, [official], True))
    # staff also move someone, so the re-solve has something to reconsider
    _run_dialog(qtbot, monkeypatch, 4)
    shown = {}

    def accept(parent, document, diff, new_sessions, summary=""):
        shown["diff"] = diff
        return True

    monkeypatch.setattr(ChangesDialog, "ask", staticmethod(accept))
    count = tab.undo_stack.count()
    before = doc.schedule
    tab.reoptimize_action.trigger()
    assert "diff" in shown
    assert tab.undo_stack.count() == count + 1
    assert tab.undo_stack.text(count).startswith("Re-optimize around pins")
    kept = [x for x in doc.schedule.sessions if x.host == s.host and x.slot == s.slot]
    assert kept and official in kept[0].officials and official in kept[0].pinned
    assert rules.check_schedule(doc.scenario, doc.schedule).ok
    tab.stack.undo()
    assert doc.schedule is before


def test_reoptimize_can_be_discarded(tab, qtbot, monkeypatch):
    doc = tab.document
    _run_dialog(qtbot, monkeypatch, 2)
    monkeypatch.setattr(ChangesDialog, "ask", staticmethod(lambda *a, **k: False))
    before, count = doc.schedule, tab.undo_stack.count()
    tab.reoptimize_action.trigger()
    assert doc.schedule is before and tab.undo_stack.count() == count
    assert "discarded" in tab.status.text()


def test_solve_from_the_tab_stores_a_version_and_is_undoable(tab, qtbot, monkeypatch, small_workspace):
    ws, pid = small_workspace
    _run_dialog(qtbot, monkeypatch, 2)
    before, versions = tab.document.schedule, len(ws.schedule_versions(pid))
    tab.solve_action.trigger()
    assert tab.save_op is not None and tab.save_op.wait()
    info = ws.schedule_versions(pid)
    assert len(info) == versions + 1
    assert any(v.source == "solve" and v.number == tab.version for v in info)
    assert tab.document.schedule is not before and not tab.has_unsaved_changes()
    tab.stack.undo()
    assert tab.document.schedule is before and tab.has_unsaved_changes()


def test_a_program_without_a_schedule_shows_an_empty_board(qtbot, small_workspace):
    ws, pid = small_workspace
    widget = ScheduleTab(ws, pid, QUndoStack())
    qtbot.addWidget(widget)
    assert widget.version is None and not widget.document.schedule.sessions
    assert widget.board_model.rowCount() > 0
    assert widget.unassigned_model.rowCount() == len(widget.document.scenario.officials)
    assert widget.save() is None


def test_keyboard_picks_officials_in_a_card(tab, qtbot):
    doc = tab.document
    s = next(x for x in doc.schedule.sessions if len(x.officials) >= 3)
    assert tab.select_session(s.id)
    tab.board.setFocus()
    assert tab.board.current_official == s.officials[0]
    qtbot.keyClick(tab.board, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert tab.board.current_official == s.officials[1]
    qtbot.keyClick(tab.board, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert tab.board.current_official == s.officials[0]
    assert tab.current_official() == (s.officials[0], s.id)
    pinned = s.officials[0] in s.pinned
    qtbot.keyClick(tab.board, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # the Pin shortcut
    assert (s.officials[0] in doc.sessions[s.id].pinned) != pinned
    assert tab.has_unsaved_changes()
    qtbot.keyClick(tab.board, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save schedule
    assert tab.save_op is not None and tab.save_op.wait()
    assert not tab.has_unsaved_changes()


def test_shutdown_detaches_commands_left_on_the_shared_stack(tab):
    doc = tab.document
    s = next(x for x in doc.schedule.sessions if not x.pinned)
    tab.undo_stack.push(commands.set_pinned(doc, s.id, list(s.officials), True))
    pinned = doc.schedule
    tab.shutdown()
    tab.undo_stack.undo()  # the window may keep the stack: nothing happens to a dropped board
    assert doc.schedule is pinned


def test_menu_key_opens_the_actions_of_the_picked_official(tab, qtbot):
    asked = []
    tab.board.menu_requested.disconnect()
    tab.board.menu_requested.connect(lambda index, official, pos: asked.append((index, official)))
    doc = tab.document
    s = next(x for x in doc.schedule.sessions if len(x.officials) >= 2)
    _select(tab, s.id, s.officials[1])
    qtbot.keyClick(tab.board, Qt.Key.Key_Menu)
    qtbot.keyClick(tab.board, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert len(asked) == 2 and asked[0][1] == s.officials[1]
    menu = tab.build_menu(*asked[0])
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert texts[0] == doc.official_label(s.officials[1])
    assert "Move to session…" in texts and "Unassign" in texts and "Move session to slot…" in texts


def test_reload_after_a_host_with_sessions_was_deleted(tab, small_workspace):
    from exchange_app.domain import PersonKind

    ws, pid = small_workspace
    doc = tab.document
    s = next(
        x
        for x in doc.schedule.sessions
        if not any(p.host == x.host for p in doc.scenario.pins)
        and not any(f.host == x.host for f in doc.scenario.forbidden)
    )
    tab.undo_stack.push(commands.set_pinned(doc, s.id, [s.officials[0]], True))  # unsaved edit kept
    ws.delete_person(pid, PersonKind.HOST, s.host)
    tab.reload()
    assert s.host not in doc.hosts and s.id in doc.sessions
    assert all(tab.board_model.host_at(r) != s.host for r in range(tab.board_model.rowCount()))
    assert any(v.session == s.id for v in doc.report.violations)
    tab.check_panel.refresh()
    assert "problem" in tab.check_panel.verdict.text()
    assert doc.session_title(s.id)  # still described, by id


def test_a_failed_save_keeps_the_edits_and_says_why(tab, monkeypatch, message_boxes):
    from exchange_app.errors import LockedError

    doc = tab.document
    s = next(x for x in doc.schedule.sessions if not x.pinned)
    tab.undo_stack.push(commands.set_pinned(doc, s.id, [s.officials[0]], True))

    def refuse(*args, **kwargs):
        raise LockedError("program.db is open in another app (ana on laptop-3, pid 42, since 09:00)")

    monkeypatch.setattr(tab.workspace, "save_schedule", refuse)
    saving = tab.save()
    assert saving is not None and saving.wait() and isinstance(saving.error, LockedError)
    assert tab.has_unsaved_changes() and "not saved" in tab.status.text()
    assert any("ana on laptop-3" in text for _kind, _title, text in message_boxes)


def test_move_session_to_slot_by_keyboard(tab, monkeypatch):
    doc = tab.document
    session, slot = next(
        (s.id, sl)
        for s in doc.schedule.sessions
        for sl in doc.slots
        if sl != s.slot and not doc.why_not_move(s.id, sl)
    )
    old = doc.sessions[session].slot
    seen = {}

    def pick(parent, title, prompt, choices):
        seen["choices"] = choices
        return next(c for c in choices if c.key == slot)

    monkeypatch.setattr(TargetPicker, "ask", staticmethod(pick))
    assert tab.select_session(session)
    tab.move_session_action.trigger()
    assert doc.sessions[session].slot == slot
    assert any(c.reasons for c in seen["choices"])  # illegal slots are listed with their reason
    assert tab.current_session() == session  # the board follows the session
    tab.stack.undo()
    assert doc.sessions[session].slot == old
