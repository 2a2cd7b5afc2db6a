"""Topics & Sites > Slots: the program's dates and slot grid stay editable after the
wizard (issue 12). New dates and hours, an added slot and a removed slot are each one
undoable step; a slot a pin, session or availability window uses is refused with the
reason, and nothing is stored."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox

from exchange_app.domain import Schedule, Session, zone
from ui.dialogs.slots import AddSlotDialog, DatesHoursDialog


@pytest.fixture
def tab(main_window):
    main_window.tabs.setCurrentWidget(main_window.topics_tab)
    return main_window.topics_tab


def _select_slot(tab, slot_id: str) -> None:
    model = tab.slots_view.model()
    for r in range(model.rowCount()):
        if model.index(r, 1).data() == slot_id:
            tab.slots_view.setCurrentIndex(model.index(r, 0))
            return
    pytest.fail(f"slot {slot_id} not in the table")


def _table_ids(tab) -> set[str]:
    model = tab.slots_view.model()
    return {model.index(r, 1).data() for r in range(model.rowCount())}


def test_slots_table_shows_each_slot_in_program_and_site_time(tab, main_window):
    sc = main_window.ws.load_scenario(main_window.program_id)
    assert _table_ids(tab) == {x.id for x in sc.slots}
    assert tab.slots_summary.text() == "26 slots on 2 days (Thu 29 Oct – Fri 30 Oct)"
    model = tab.slots_view.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "20261029T1900Z")
    assert model.index(row, 0).data() == "Thu 29 Oct"
    assert model.index(row, 2).data() == "15:00-16:00 EDT"
    assert "Phoenix 12:00" in model.index(row, 3).data() and "Atlanta 15:00" in model.index(row, 3).data()
    assert model.index(row, 5).data() == "1"  # the sample's pin


def test_dates_dialog_previews_the_change_and_refuses_dropping_a_used_day(qtbot, main_window):
    sc = main_window.ws.load_scenario(main_window.program_id)
    dlg = DatesHoursDialog(sc, None)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert "the slot grid stays as it is" in dlg.preview.text() and not ok.isEnabled()
    dlg.form.weekends.setChecked(True)
    dlg.form.last_day.setDate(QDate(2026, 10, 31))  # a Saturday more
    assert dlg.preview.text().startswith(
        "3 days (Thu 29 Oct – Sat 31 Oct): adds 13 slots and removes 0 slots"
    )
    assert ok.isEnabled()
    dlg.form.first_day.setDate(QDate(2026, 10, 30))  # Thursday goes: its pin and windows need it
    text = dlg.preview.text()
    assert text.startswith("✖ Cannot remove 13 slots (Thu 29 Oct 08:00-09:00 EDT")
    assert "1 pin (Hassan Rahman (o-0008) with Rachel White, Thu 29 Oct 12:00 MST, Phoenix)" in text
    assert "availability windows of" in text and not ok.isEnabled()


def test_change_dates_add_and_remove_slots_each_one_undoable_step(tab, main_window, monkeypatch):
    ws, pid, stack = main_window.ws, main_window.program_id, main_window.undo_stack
    before = ws.load_scenario(pid)

    def longer(cls, parent, scenario, schedule):  # what the dialog returns after a Saturday is added
        dlg = cls(scenario, schedule, parent)
        dlg.form.weekends.setChecked(True)
        dlg.form.last_day.setDate(QDate(2026, 10, 31))
        got = dlg.form.days(), dlg.form.hours()
        dlg.deleteLater()
        return got

    monkeypatch.setattr(DatesHoursDialog, "ask", classmethod(longer))
    tab.buttons["change dates"].click()
    grown = ws.load_scenario(pid)
    assert len(grown.slots) == len(before.slots) + 13
    assert stack.text(stack.count() - 1) == "Change dates and hours (adds 13 slots, removes 0 slots)"
    assert "on 3 days" in tab.slots_summary.text() and _table_ids(tab) == {x.id for x in grown.slots}

    start = datetime(2026, 10, 31, 9, 0, tzinfo=zone("America/Phoenix"))
    monkeypatch.setattr(
        AddSlotDialog, "ask", classmethod(lambda cls, parent, sc: (start, start + timedelta(minutes=45)))
    )
    tab.buttons["add slot"].click()
    assert "20261031T1600Z-45" in {x.id for x in ws.load_scenario(pid).slots}
    assert stack.text(stack.count() - 1) == "Add slot Sat 31 Oct 12:00-12:45 EDT"

    _select_slot(tab, "20261031T1600Z-45")
    tab.buttons["remove slot"].click()
    assert "20261031T1600Z-45" not in {x.id for x in ws.load_scenario(pid).slots}
    assert stack.text(stack.count() - 1) == "Remove slot Sat 31 Oct 12:00-12:45 EDT"

    stack.undo()
    assert "20261031T1600Z-45" in _table_ids(tab)
    stack.undo()
    stack.undo()
    assert ws.load_scenario(pid).slots == before.slots and _table_ids(tab) == {x.id for x in before.slots}
    stack.redo()
    assert len(ws.load_scenario(pid).slots) == len(before.slots) + 13


def test_removing_a_used_slot_is_refused_with_the_reason(tab, main_window, message_boxes):
    ws, pid = main_window.ws, main_window.program_id
    before = ws.load_scenario(pid)
    _select_slot(tab, "20261029T1900Z")  # the sample's pin
    tab.buttons["remove slot"].click()
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Slot not removed")
    assert text.startswith(
        "cannot be removed while it is used: 1 pin (Hassan Rahman (o-0008) with Rachel White"
    )
    _select_slot(tab, "20261029T1200Z")  # the only slot in two people's morning windows
    tab.buttons["remove slot"].click()
    assert "availability windows of 2 people (Olena Ben Ali, Lucia Gunawardena)" in message_boxes[-1][2]
    assert ws.load_scenario(pid).slots == before.slots and main_window.undo_stack.count() == 0


def test_a_slot_with_a_session_in_the_latest_schedule_is_refused(tab, main_window, message_boxes):
    ws, pid = main_window.ws, main_window.program_id
    sc = ws.load_scenario(pid)
    host = sc.hosts[0]
    ws.save_schedule(
        pid,
        Schedule(
            sessions=[
                Session(
                    id="s-1",
                    host=host.id,
                    slot="20261029T1700Z",
                    topic=host.expertise[0],
                    language=host.languages[0],
                    officials=[],
                    location=host.location,
                )
            ]
        ),
        source="edit",
    )
    _select_slot(tab, "20261029T1700Z")
    tab.buttons["remove slot"].click()
    assert message_boxes[-1][1] == "Slot not removed"
    assert (
        f"1 session of the latest schedule ({sc.topics_by_id()[host.expertise[0]].name} with {host.name}"
        in (message_boxes[-1][2])
    )
    assert "20261029T1700Z" in {x.id for x in ws.load_scenario(pid).slots}


def test_add_slot_dialog_reads_the_time_of_the_chosen_site(qtbot, main_window):
    sc = main_window.ws.load_scenario(main_window.program_id)
    dlg = AddSlotDialog(sc)
    qtbot.addWidget(dlg)
    dlg.zone.setCurrentIndex(dlg.zone.findData("America/Phoenix"))
    dlg.day.setDate(QDate(2026, 10, 30))
    dlg.start.setTime(dlg.start.time().fromString("10:30", "HH:mm"))
    dlg.minutes.setValue(90)
    start, end = dlg.values()
    assert start.astimezone(zone("UTC")) == datetime(2026, 10, 30, 17, 30, tzinfo=zone("UTC"))
    assert end - start == timedelta(minutes=90) and start.astimezone(zone("America/Phoenix")).time() == time(
        10, 30
    )


def test_a_session_only_on_the_board_not_saved_yet_also_keeps_its_slot(
    tab, main_window, message_boxes, qtbot
):
    from ui.board import commands
    from ui.operations import wait_all

    ws, pid = main_window.ws, main_window.program_id
    main_window.ensure_schedule_tab()
    wait_all()
    qtbot.waitUntil(lambda: main_window.schedule_tab is not None, timeout=30_000)
    board = main_window.schedule_tab
    sc = ws.load_scenario(pid)
    host = sc.hosts[0]
    unsaved = Schedule(
        sessions=[
            Session(
                id="s-board",
                host=host.id,
                slot="20261030T1800Z",
                topic=host.expertise[0],
                language=host.languages[0],
                location=host.location,
            )
        ]
    )
    board._push(commands.replace_schedule(board.document, unsaved, "hand edit"))
    assert board.has_unsaved_changes()
    main_window.tabs.setCurrentWidget(tab)
    _select_slot(tab, "20261030T1800Z")
    tab.buttons["remove slot"].click()
    assert (
        message_boxes[-1][1] == "Slot not removed"
        and "1 session of the latest schedule" in message_boxes[-1][2]
    )
    assert "20261030T1800Z" in {x.id for x in ws.load_scenario(pid).slots}
