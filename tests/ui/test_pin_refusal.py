"""The desktop shows a pin refusal in the normal error words, and nothing changes (issue
14 item 2): undoing a host's delete puts their pins back through ``Workspace.add_pins``,
which refuses a pin that now contradicts one made meanwhile."""

from __future__ import annotations

from exchange_app.domain import PersonKind, Pin
from tests.storage.cases import dump
from ui.profiles.tab import PeopleTab


def test_an_undo_that_would_put_back_a_contradicting_pin_is_refused_and_shown(
    main_window, small_workspace, message_boxes, monkeypatch
):
    ws, pid = small_workspace
    monkeypatch.setattr(PeopleTab, "confirm_delete", staticmethod(lambda parent, person: True))
    pinned = ws.load_scenario(pid).pins[0]  # o-0008 with h-0004 at 20261029T1900Z
    tab = main_window.people_tabs[PersonKind.HOST]
    main_window.tabs.setCurrentWidget(tab)
    tab.select(pinned.host)
    tab.delete_button.click()
    assert pinned.host not in ws.load_scenario(pid).hosts_by_id() and ws.pins(pid) == []
    # meanwhile the same official is pinned with another host at that slot
    other = next(h.id for h in ws.load_scenario(pid).hosts if h.id != pinned.host)
    theirs = Pin(official=pinned.official, host=other, slot=pinned.slot)
    ws.add_pins(pid, [theirs])
    before = dump(ws.engine)
    message_boxes.clear()
    main_window.undo_action.trigger()
    warnings = [m for m in message_boxes if m[0] == "warning"]
    assert len(warnings) == 1, message_boxes
    _, title, text = warnings[0]
    assert title == "Could not undo"
    assert (
        "pins: refused, 1 problem; nothing was saved" in text
        and "nobody can be in two sessions at once" in text
    )
    assert f"pin {pinned.official} with {pinned.host} at {pinned.slot}" in text
    assert f"pin {theirs.official} with {theirs.host} at {theirs.slot}" in text
    assert dump(ws.engine) == before  # the host stays deleted, the pins as they were
    assert pinned.host not in ws.load_scenario(pid).hosts_by_id() and ws.pins(pid) == [theirs]
    assert tab.model.row_of(pinned.host) is None


def test_a_board_pin_no_schedule_can_keep_is_refused_on_the_status_line(
    qtbot, small_workspace, small_path, message_boxes
):
    """An official kept (against the rules) in two sessions at one slot: pinning them in
    the first is fine, pinning them in the second too is refused as the schedule import
    refuses it, naming both sessions; the board and the undo stack stay as they were."""
    import dataclasses

    from PySide6.QtGui import QUndoStack

    from tests.ui.test_board_tab import _select, _solved_small
    from ui.board.schedule_tab import ScheduleTab

    ws, pid = small_workspace
    solved = _solved_small(str(small_path))
    scenario = ws.load_scenario(pid)
    a, b, official = next(
        (a, b, o)
        for a in solved.sessions
        for b in solved.sessions
        if a.slot == b.slot and a.host != b.host
        for o in a.officials
        if o not in b.officials and (o, b.host) not in {(f.official, f.host) for f in scenario.forbidden}
    )
    sessions = [
        dataclasses.replace(s, officials=[*s.officials, official]) if s.id == b.id else s
        for s in solved.sessions
    ]
    ws.save_schedule(pid, dataclasses.replace(solved, sessions=sessions), "edit")
    stack = QUndoStack()
    tab = ScheduleTab(ws, pid, stack)
    qtbot.addWidget(tab)
    tab.resize(1500, 950)
    tab.show()
    qtbot.waitExposed(tab)
    doc = tab.document
    _select(tab, a.id, official)
    tab.pin_action.trigger()
    assert official in doc.sessions[a.id].pinned and stack.count() == 1
    before = doc.schedule
    _select(tab, b.id, official)
    tab.pin_action.trigger()
    assert doc.schedule is before and official not in doc.sessions[b.id].pinned and stack.count() == 1
    status = tab.status.text()
    assert status.startswith("Not pinned: ") and "nobody can be in two sessions at once" in status
    assert f"({a.id})" in status and f"({b.id})" in status
    assert not [m for m in message_boxes if m[0] != "question"]
