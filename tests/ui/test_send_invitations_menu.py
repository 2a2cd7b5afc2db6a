"""File > Export > Send invitations by email… against aiosmtpd on loopback (STARTTLS with
a certificate made in the test): what would go is shown first, then sent off the UI thread."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from exchange_app.domain import Schedule, Session
from ui import operations


def test_menu_shows_then_sends(main_window, qtbot, smtp_server, temp_keyring, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", smtp_server.cert)  # trust the test's own certificate
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
    answers = iter(
        [(f"127.0.0.1:{smtp_server.port}", True), (smtp_server.USER, True), (smtp_server.PASSWORD, True)]
    )
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    questions = []

    def question(parent, title, text, *args):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    shown = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda parent, title, text: shown.append(text))
    )
    monkeypatch.setattr(operations, "show_error", lambda parent, title, exc: shown.append(exc))
    assert window.send_action in window.export_menu.actions()
    window.send_action.trigger()
    assert window.publish_op is not None and window.publish_op.wait(120_000)
    text = window.publish_op.value
    assert shown == [text]  # the summary is shown, no error
    assert "Would send 3 messages" in questions[0] and "Send them now?" in questions[0]
    assert text.startswith("Sent 3 messages") and len(smtp_server.messages) == 3
