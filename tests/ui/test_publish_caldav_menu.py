"""File > Export > Publish calendars to CalDAV… against a real Radicale on loopback: the
address and user are asked (then remembered), the password asked once and kept in the
keyring (a temp-folder backend here), the publish runs off the UI thread."""

from __future__ import annotations

import caldav
from PySide6.QtWidgets import QInputDialog

from exchange_app.domain import Schedule, Session
from exchange_app.services.publishing import keyring_user


def test_menu_publishes_and_keeps_the_password_in_the_keyring(
    main_window,
    qtbot,
    radicale,
    temp_keyring,
    monkeypatch,
):
    answers = iter([(radicale, True), ("staff", True), ("s3cret-pass", True)])
    asked = []

    def get_text(parent, title, label, echo=None, text=""):
        asked.append((title, echo))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    window = main_window
    sc = window.ws.load_scenario(window.program_id)
    host = sc.hosts[0]
    session = Session(
        id="s-1",
        host=host.id,
        slot=sc.slots[0].id,
        topic=host.expertise[0],
        language="en",
        officials=[o.id for o in sc.officials[:2]],
        location=host.location,
    )
    window.ws.save_schedule(window.program_id, Schedule(sessions=[session]), "edit")
    window.publisher.show_messages = False
    assert window.publish_action in window.export_menu.actions()
    with qtbot.waitSignal(window.publisher.done, timeout=120_000) as blocker:
        window.publish_action.trigger()
    ok, text = blocker.args
    assert ok, text
    assert "Published schedule version" in text
    assert [a[0] for a in asked] == ["Publish calendars to CalDAV"] * 2 + ["CalDAV password"]
    assert temp_keyring.get_password("exchange-scheduler", keyring_user(radicale, "staff")) == "s3cret-pass"
    client = caldav.DAVClient(radicale, username="staff", password="s3cret-pass")
    names = [c.get_display_name() for c in client.principal().calendars()]
    assert sc.program.name in names and len(names) == 1 + 3  # master, host, two officials

    # Again: address and user offered as before, no password question (the keyring has it).
    answers = iter([(radicale, True), ("staff", True)])
    asked.clear()
    with qtbot.waitSignal(window.publisher.done, timeout=120_000) as blocker:
        window.publish_action.trigger()
    assert blocker.args[0] and "0 events added, 0 updated, 0 removed" in blocker.args[1]
    assert len(asked) == 2
