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
