"""File > Export > Publish calendars to CalDAV… against a real Radicale on loopback: the
address and user are asked (then remembered), the password asked once and kept in the
keyring (a temp-folder backend here), the publish runs as a background operation."""

from __future__ import annotations

import caldav
from PySide6.QtWidgets import QInputDialog, QMessageBox

from exchange_app.domain import Schedule, Session
from exchange_app.services.publishing import keyring_user
from ui import operations


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
    shown = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda parent, title, text: shown.append(text))
    )
    monkeypatch.setattr(operations, "show_error", lambda parent, title, exc: shown.append(exc))
    assert window.publish_action in window.export_menu.actions()
    window.publish_action.trigger()
    assert window.publish_op is not None and window.publish_op.wait(120_000)
    text = window.publish_op.value
    assert shown == [text]  # the summary is shown, no error
    assert "Published schedule version" in text
    assert [a[0] for a in asked] == ["Publish calendars to CalDAV"] * 2 + ["CalDAV password"]
    assert temp_keyring.get_password("exchange-scheduler", keyring_user(radicale, "staff")) == "s3cret-pass"
    client = caldav.DAVClient(radicale, username="staff", password="s3cret-pass")
    names = [c.get_display_name() for c in client.principal().calendars()]
    assert sc.program.name in names and len(names) == 1 + 3  # master, host, two officials

    # Again: address and user offered as before, no password question (the keyring has it).
    answers = iter([(radicale, True), ("staff", True)])
    asked.clear()
    first = window.publish_op
    window.publish_action.trigger()
    assert window.publish_op is not first and window.publish_op.wait(120_000)
    assert window.publish_op.error is None, window.publish_op.error
    assert "0 events added, 0 updated, 0 removed" in window.publish_op.value
    assert shown[-1] == window.publish_op.value
    assert len(asked) == 2


def test_a_failed_publish_ends_in_the_one_error_dialog(main_window, temp_keyring, monkeypatch):
    answers = iter([("http://127.0.0.1:9/x/", True), ("staff", True), ("pw", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    errors = []
    monkeypatch.setattr(operations, "show_error", lambda parent, title, exc: errors.append((title, exc)))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a: errors.append(a)))
    main_window.publish_action.trigger()  # no schedule yet
    assert main_window.publish_op is not None and main_window.publish_op.wait(120_000)
    assert "has no schedule yet" in str(main_window.publish_op.error)
    errors.clear()
    sc = main_window.ws.load_scenario(main_window.program_id)
    host = sc.hosts[0]
    session = Session(
        id="s-1",
        host=host.id,
        slot=sc.slots[0].id,
        topic=host.expertise[0],
        language="en",
        officials=[sc.officials[0].id],
        location=host.location,
    )
    main_window.ws.save_schedule(main_window.program_id, Schedule(sessions=[session]), "edit")
    answers = iter([("http://127.0.0.1:9/x/", True), ("staff", True)])  # the password is kept
    main_window.publish_action.trigger()  # nothing listens on port 9
    assert main_window.publish_op is not None and main_window.publish_op.wait(120_000)
    assert main_window.publish_op.value is None
    [(title, exc)] = errors
    assert title == "Publishing calendars failed" and exc is main_window.publish_op.error
