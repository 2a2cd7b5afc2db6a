"""The schedule board: models, drag and drop (through the model and through drag events
on the view), undo/redo of every edit, pins, panels and the Schedule tab."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from exchange_app import rules
from exchange_app.io.scenario_json import read_scenario
from exchange_app.schedule_diff import diff_schedules
from exchange_app.services.solving import SolveOptions, solve_scenario
from ui.board import commands, edits
from ui.board.check_panel import CheckPanel
from ui.board.document import BoardDocument
from ui.board.mime import MIME_TYPE, DragPayload
from ui.board.model import ILLEGAL, LEGAL, NONE, BoardModel, CardRole, HighlightRole, ReasonRole
from ui.board.person_view import PersonPanel
from ui.board.unassigned import UnassignedModel, UnassignedView
from ui.board.view import BoardView

DATA = Path(__file__).resolve().parents[1] / "data"


@functools.cache
def _solved(name: str) -> tuple:
    """(scenario, schedule) of a short real solve, shared by the tests (schedules are never
    changed in place: edits make new ones)."""
    scenario = read_scenario(DATA / name)
    outcome = solve_scenario(scenario, SolveOptions(time_limit=3, workers=1, seed=1))
    return scenario, outcome.schedule


@pytest.fixture
def doc(qtbot):
    scenario, schedule = _solved("sample-small.json")
    return BoardDocument(scenario, schedule)


@pytest.fixture
def stack():
    return QUndoStack()


@pytest.fixture
def board(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    view = BoardView(model)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    return model, view


def _show_session(model: BoardModel, session_id: str):
    model.set_day(model.document.day_of_slot[model.document.sessions[session_id].slot])
    index = model.index_of_session(session_id)
    assert index.isValid()
    return index


def _find_join(doc: BoardDocument, legal: bool, need_spare: bool = True):
    """(official, source, target) with a join that is legal (or not)."""
    low = doc.scenario.program.min_guests
    for s in doc.schedule.sessions:
        if need_spare and len(s.officials) <= low:
            continue
        for o in s.officials:
            if o in s.pinned:
                continue
            for t in doc.schedule.sessions:
                if t.id == s.id or o in t.officials:
                    continue
                if (not doc.why_not_join(o, t.id, leaving=s.id)) == legal:
                    return o, s.id, t.id
    pytest.fail("no such move in the sample schedule")


def _find_session_move(doc: BoardDocument, legal: bool):
    for s in doc.schedule.sessions:
        day = doc.day_of_slot[s.slot]
        for slot in doc.slots_of_day(day):
            if slot != s.slot and (not doc.why_not_move(s.id, slot)) == legal:
                return s.id, slot
    pytest.fail("no such session move in the sample schedule")


# ---------------------------------------------------------------------------- models


def test_models_pass_the_model_tester(qtmodeltester, doc, stack):
    board_model = BoardModel(doc, stack)
    assert board_model.rowCount() > 0 and board_model.columnCount() > 0
    qtmodeltester.check(board_model)
    unassigned = UnassignedModel(doc, stack)
    qtmodeltester.check(unassigned)
    unassigned.set_show_all(True)
    assert unassigned.rowCount() == len(doc.scenario.officials)
    qtmodeltester.check(unassigned)
    panel = CheckPanel(doc)
    qtmodeltester.check(panel.model)
    person = PersonPanel(doc)
    busiest = max(doc.scenario.officials, key=lambda o: doc.session_count(o.id))
    assert person.show_person(busiest.id)
    assert person.model.rowCount() == doc.session_count(busiest.id) > 0
    qtmodeltester.check(person.model)


def test_board_shows_one_day_hosts_by_site_and_cards(doc, stack):
    model = BoardModel(doc, stack)
    for day in doc.days:
        model.set_day(day)
        assert [model.slot_at(c) for c in range(model.columnCount())] == doc.slots_of_day(day)
        shown = {
            model.session_at(model.index(r, c))
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        } - {None}
        assert shown == {s.id for s in doc.schedule.sessions if doc.day_of_slot[s.slot] == day}
        sites = [doc.locations[doc.hosts[model.host_at(r)].location].name for r in range(model.rowCount())]
        assert sites == sorted(sites)
    s = doc.schedule.sessions[0]
    index = _show_session(model, s.id)
    card = index.data(CardRole)
    assert card.topic == doc.topics[s.topic].name and card.language == s.language
    assert [o.id for o in card.officials] == s.officials
    assert all(o.country == doc.officials[o.id].country for o in card.officials)
    text = index.data(Qt.ItemDataRole.DisplayRole)
    assert doc.officials[s.officials[0]].name in text
    header = model.headerData(index.row(), Qt.Orientation.Vertical)
    assert doc.hosts[s.host].name in header
    # display zone changes the slot headers, not the slots
    before = model.headerData(index.column(), Qt.Orientation.Horizontal)
    model.set_display_zone("UTC")
    assert "UTC" in model.headerData(index.column(), Qt.Orientation.Horizontal) != before


def test_mime_carries_ids_only_and_rejects_damage():
    payload = DragPayload(official="o-1", session="s-1")
    data = payload.to_mime()
    assert data.hasFormat(MIME_TYPE)
    assert DragPayload.from_mime(data) == payload
    bad = QMimeData()
    bad.setData(MIME_TYPE, b"{not json")
    assert DragPayload.from_mime(bad) is None
    assert DragPayload.from_mime(QMimeData()) is None


# ---------------------------------------------------------------------------- drops through the model


def test_legal_official_move_through_the_model_and_undo_redo(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    official, source, target = _find_join(doc, legal=True)
    before = doc.schedule
    index = _show_session(model, target)
    data = DragPayload(official=official, session=source).to_mime()
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    assert official in doc.sessions[target].officials and official not in doc.sessions[source].officials
    assert stack.count() == 1
    name = doc.officials[official].name
    assert stack.text(0).startswith(f"Move {name} to {doc.topics[doc.sessions[target].topic].name} with ")
    after = doc.schedule
    assert rules.check_schedule(doc.scenario, after).ok == rules.check_schedule(doc.scenario, before).ok
    stack.undo()
    assert doc.schedule is before
    stack.redo()
    assert doc.schedule is after


def test_illegal_official_move_is_refused_with_the_reason(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    official, source, target = _find_join(doc, legal=False, need_spare=False)
    reasons = doc.why_not_join(official, target, leaving=source)
    index = _show_session(model, target)
    data = DragPayload(official=official, session=source).to_mime()
    before = doc.schedule
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    assert reasons[0].message in blocker.args[0] and blocker.args[0].startswith("Refused")
    assert doc.schedule is before and stack.count() == 0
    assert index.data(ReasonRole) == ""  # nothing dragged now
    model.begin_highlight(DragPayload(official=official, session=source))
    assert index.data(HighlightRole) == ILLEGAL
    assert reasons[0].message in index.data(ReasonRole)
    model.end_highlight()
    assert index.data(HighlightRole) == NONE


def test_insisting_keeps_a_rule_breaking_drop_and_flags_it(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    official, source, target = _find_join(doc, legal=False, need_spare=False)
    new = {v.key for v in doc.why_not_join(official, target, leaving=source)}
    index = _show_session(model, target)
    data = DragPayload(official=official, session=source).to_mime()
    model.insist = True
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    assert "kept against the rules" in stack.text(0)
    assert new <= {v.key for v in doc.report.violations}
    stack.undo()
    assert not new & {v.key for v in doc.report.violations}


def test_session_moves_to_another_slot_of_its_host_only(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    session, slot = _find_session_move(doc, legal=True)
    host = doc.sessions[session].host
    old_slot = doc.sessions[session].slot
    _show_session(model, session)
    row = [model.host_at(r) for r in range(model.rowCount())].index(host)
    col = [model.slot_at(c) for c in range(model.columnCount())].index(slot)
    data = DragPayload(session=session).to_mime()
    # another host's row: refused, saying why
    other = next(r for r in range(model.rowCount()) if model.host_at(r) != host)
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(other, col))
    assert "stays with its host" in "; ".join(
        v.message for v in model.reasons(DragPayload(session=session), model.index(other, col))
    )
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(row, col))
    assert doc.sessions[session].slot == slot and stack.text(0).startswith("Move session ")
    stack.undo()
    assert doc.sessions[session].slot == old_slot


def test_unassign_and_assign_through_the_unassigned_list(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    unassigned = UnassignedModel(doc, stack)
    low = doc.scenario.program.min_guests
    s = next(
        s
        for s in doc.schedule.sessions
        if len(s.officials) > low
        and any(o not in s.pinned and not doc.why_not_unassign(o, s.id) for o in s.officials)
    )
    official = next(o for o in s.officials if o not in s.pinned and not doc.why_not_unassign(o, s.id))
    data = DragPayload(official=official, session=s.id).to_mime()
    count = doc.session_count(official)
    assert unassigned.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert unassigned.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert official not in doc.sessions[s.id].officials and doc.session_count(official) == count - 1
    assert stack.text(0).startswith(f"Unassign {doc.officials[official].name} from ")
    # and back in from the list (no source session)
    back = (
        unassigned.mimeData([unassigned.index(unassigned.row_of(official), 0)])
        if unassigned.row_of(official) >= 0
        else DragPayload(official=official).to_mime()
    )
    assert DragPayload.from_mime(back) == DragPayload(official=official, session=None)
    index = _show_session(model, s.id)
    assert model.canDropMimeData(back, Qt.DropAction.MoveAction, -1, -1, index)
    assert model.dropMimeData(back, Qt.DropAction.MoveAction, -1, -1, index)
    assert official in doc.sessions[s.id].officials and stack.text(1).startswith("Add ")
    stack.undo()
    stack.undo()
    assert official in doc.sessions[s.id].officials


def test_pin_official_and_whole_session_undo_redo(qtbot, doc, stack):
    model = BoardModel(doc, stack)
    s = next(s for s in doc.schedule.sessions if not s.pinned)
    before = doc.schedule
    stack.push(commands.set_pinned(doc, s.id, [s.officials[0]], True))
    assert doc.sessions[s.id].pinned == [s.officials[0]]
    assert stack.text(0).startswith(f"Pin {doc.officials[s.officials[0]].name} in ")
    index = _show_session(model, s.id)
    assert [o.pinned for o in index.data(CardRole).officials] == [True] + [False] * (len(s.officials) - 1)
    stack.push(commands.set_pinned(doc, s.id, list(s.officials), True))
    assert set(doc.sessions[s.id].pinned) == set(s.officials) and stack.text(1).startswith("Pin session ")
    stack.push(commands.set_pinned(doc, s.id, [s.officials[0]], False))
    assert s.officials[0] not in doc.sessions[s.id].pinned
    stack.undo()
    stack.undo()
    stack.undo()
    assert doc.schedule is before and before.sessions_by_id()[s.id].pinned == []


def test_edits_never_change_the_schedule_they_start_from(doc):
    before = doc.schedule
    snapshot = [(s.id, s.slot, list(s.officials), list(s.pinned)) for s in before.sessions]
    official, source, target = _find_join(doc, legal=True)
    edits.move_official(before, official, source, target)
    edits.move_official(before, official, source, None)
    session, slot = _find_session_move(doc, legal=True)
    edits.move_session(before, session, slot)
    edits.set_pinned(before, source, [official], True)
    assert [(s.id, s.slot, list(s.officials), list(s.pinned)) for s in before.sessions] == snapshot
    moved = edits.move_official(before, official, source, target)
    diff = diff_schedules(before, moved)
    assert [(m.official, m.before, m.after) for m in diff.officials] == [(official, [source], [target])]
    assert not diff.added and not diff.removed


# ---------------------------------------------------------------------------- drag events on the view


def _drag(view: BoardView, kind, pos: QPoint, data: QMimeData, modifiers=Qt.KeyboardModifier.NoModifier):
    """Send a drag event as a real drag from a board view would (Move, or Copy)."""
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    if kind is QDropEvent:
        ev = QDropEvent(QPointF(pos), actions, data, Qt.MouseButton.LeftButton, modifiers)
    else:
        ev = kind(pos, actions, data, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(view.viewport(), ev)
    return ev


def test_drag_events_on_the_view_apply_a_legal_move(qtbot, board, doc, stack):
    model, view = board
    official, source, target = _find_join(doc, legal=True)
    index = _show_session(model, target)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    data = DragPayload(official=official, session=source).to_mime()
    messages = []
    view.drag_message.connect(messages.append)
    assert _drag(view, QDragEnterEvent, pos, data).isAccepted()
    assert index.data(HighlightRole) == LEGAL
    move = _drag(view, QDragMoveEvent, pos, data)
    assert move.isAccepted() and messages[-1] == "Drop to apply"
    drop = _drag(view, QDropEvent, pos, data)
    assert drop.isAccepted() and drop.dropAction() != Qt.DropAction.MoveAction
    assert official in doc.sessions[target].officials and stack.count() == 1
    assert index.data(HighlightRole) == NONE  # highlights end with the drop
    stack.undo()
    assert official in doc.sessions[source].officials


def test_drag_events_on_the_view_refuse_an_illegal_move_with_the_reason(qtbot, board, doc, stack):
    model, view = board
    official, source, target = _find_join(doc, legal=False, need_spare=False)
    reason = doc.why_not_join(official, target, leaving=source)[0].message
    index = _show_session(model, target)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    data = DragPayload(official=official, session=source).to_mime()
    messages = []
    view.drag_message.connect(messages.append)
    model.message.connect(messages.append)
    _drag(view, QDragEnterEvent, pos, data)
    assert index.data(HighlightRole) == ILLEGAL
    move = _drag(view, QDragMoveEvent, pos, data)
    assert not move.isAccepted() and reason in messages[-1]
    before = doc.schedule
    drop = _drag(view, QDropEvent, pos, data)
    assert not drop.isAccepted() and doc.schedule is before and stack.count() == 0
    assert reason in messages[-1] and messages[-1].startswith("Refused")
    # with Shift held the same drop is kept, and the checker flags it
    _drag(view, QDragEnterEvent, pos, data)
    assert _drag(view, QDragMoveEvent, pos, data, Qt.KeyboardModifier.ShiftModifier).isAccepted()
    assert _drag(view, QDropEvent, pos, data, Qt.KeyboardModifier.ShiftModifier).isAccepted()
    assert official in doc.sessions[target].officials
    assert any(v.message == reason for v in doc.report.violations)


def test_a_session_dragged_on_the_view_moves_to_the_new_slot(qtbot, board, doc, stack):
    model, view = board
    session, slot = _find_session_move(doc, legal=True)
    _show_session(model, session)
    row = [model.host_at(r) for r in range(model.rowCount())].index(doc.sessions[session].host)
    target = model.index(row, [model.slot_at(c) for c in range(model.columnCount())].index(slot))
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(target)
    pos = view.visualRect(target).center()
    data = model.mimeData([model.index_of_session(session)])
    assert DragPayload.from_mime(data) == DragPayload(session=session)
    _drag(view, QDragEnterEvent, pos, data)
    assert _drag(view, QDragMoveEvent, pos, data).isAccepted()
    assert _drag(view, QDropEvent, pos, data).isAccepted()
    assert doc.sessions[session].slot == slot


def test_dropping_an_official_on_the_unassigned_list_view(qtbot, doc, stack):
    model = UnassignedModel(doc, stack)
    view = UnassignedView(model)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    low = doc.scenario.program.min_guests
    s = next(
        s
        for s in doc.schedule.sessions
        if len(s.officials) > low and any(not doc.why_not_unassign(o, s.id) for o in s.officials)
    )
    official = next(o for o in s.officials if not doc.why_not_unassign(o, s.id))
    data = DragPayload(official=official, session=s.id).to_mime()
    pos = view.viewport().rect().center()
    assert _drag(view, QDragEnterEvent, pos, data).isAccepted()
    assert _drag(view, QDragMoveEvent, pos, data).isAccepted()
    assert _drag(view, QDropEvent, pos, data).isAccepted()
    assert official not in doc.sessions[s.id].officials
    # a whole session cannot be dropped there
    assert not _drag(view, QDragEnterEvent, pos, DragPayload(session=s.id).to_mime()).isAccepted()


def test_drag_highlights_cover_the_visible_day(qtbot, board, doc):
    model, view = board
    official, source, _ = _find_join(doc, legal=True)
    model.begin_highlight(DragPayload(official=official, session=source))
    marks = {
        model.index(r, c).data(HighlightRole)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    }
    assert marks <= {LEGAL, ILLEGAL} and ILLEGAL in marks
    empty = next(
        model.index(r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if model.session_at(model.index(r, c)) is None
    )
    # a free cell is a place to open a session: legal, or refused with a reason in names
    assert (empty.data(HighlightRole) == LEGAL) == (empty.data(ReasonRole) == "")
    assert "no session here" not in empty.data(ReasonRole)


def test_diff_names_added_removed_and_moved_sessions(doc):
    from dataclasses import replace

    before = doc.schedule
    a, b = before.sessions[0], before.sessions[1]
    other_slot = next(sl for sl in doc.slots if sl != b.slot)
    new_topic = next(t for t in doc.topics if t != a.topic)
    after = edits._with_sessions(
        before,
        [
            replace(a, id="x-new", topic=new_topic),  # same host and slot, another topic: replaced
            replace(b, slot=other_slot),  # same id, another slot: moved
            *before.sessions[2:],
        ],
    )
    diff = diff_schedules(before, after)
    assert [s.id for s in diff.added] == ["x-new"] and [s.id for s in diff.removed] == [a.id]
    assert [(x.id, y.slot) for x, y in diff.moved_sessions] == [(b.id, other_slot)]
    moved = {m.official for m in diff.officials}
    assert set(a.officials) | set(b.officials) == moved
    assert diff_schedules(before, before).empty


def test_target_picker_filters_and_warns_before_a_rule_break(qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox

    from ui.board import picker
    from ui.board.picker import Choice, TargetPicker

    choices = [
        Choice("s-2", "Audits with Kim, Tue 10:00", "Ana is busy then."),
        Choice("s-1", "Tabulation with Karen Hill, Mon 09:00"),
    ]
    dlg = TargetPicker("Move to session", "Move Ana to:", choices)
    qtbot.addWidget(dlg)
    assert [c.key for c in dlg.choices] == ["s-1", "s-2"]  # legal first
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dlg.chosen().key == "s-1" and ok.text() == "OK"
    qtbot.keyClicks(dlg.filter, "audits")
    assert dlg.list.item(0).isHidden() and not dlg.list.item(1).isHidden()
    assert dlg.chosen().key == "s-2" and ok.text() == "Keep anyway…"
    assert "Ana is busy then." in dlg.list.item(1).text()
    # ask(): a rule-breaking pick needs a yes; a no goes back to the list (then Cancel)
    answers = iter([QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])
    monkeypatch.setattr(TargetPicker, "exec", lambda self: next(answers))
    monkeypatch.setattr(TargetPicker, "chosen", lambda self: choices[0])
    asked = []
    monkeypatch.setattr(picker, "confirm_rule_break", lambda parent, what, why: asked.append(why) or False)
    assert TargetPicker.ask(None, "t", "p", choices) is None and asked == ["Ana is busy then."]
    answers = iter([QDialog.DialogCode.Accepted])
    monkeypatch.setattr(picker, "confirm_rule_break", lambda parent, what, why: True)
    assert TargetPicker.ask(None, "t", "p", choices) is choices[0]


def test_carry_pins_keeps_staff_marks_where_the_official_stayed(doc):
    from dataclasses import replace

    before = edits.set_pinned(
        doc.schedule, doc.schedule.sessions[0].id, doc.schedule.sessions[0].officials[:1], True
    )
    first = before.sessions[0]
    solved = edits._with_sessions(
        before, [replace(s, id=f"n{i}", pinned=[]) for i, s in enumerate(before.sessions)]
    )
    kept = edits.carry_pins(before, solved)
    assert kept.sessions[0].pinned == first.officials[:1]
    gone = edits._with_sessions(
        solved, [replace(solved.sessions[0], officials=first.officials[1:]), *solved.sessions[1:]]
    )
    assert edits.carry_pins(before, gone).sessions[0].pinned == []
