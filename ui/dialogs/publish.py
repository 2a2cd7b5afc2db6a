"""File > Export > Publish calendars to CalDAV… and Send invitations by email…: ask for the
server and user (remembered), take the password from the system keyring (asking once and
storing it there when it is missing), and run as a background operation
(:mod:`ui.operations`; the window stays responsive, errors end in ``show_error``).
Sending first shows what would go and asks to confirm."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ui.operations import Operation, op

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace


def ask_server(parent: QWidget | None) -> tuple[str, str] | None:
    """(URL, user) of the CalDAV server, prefilled with the last ones; None when cancelled."""
    settings = QSettings()
    url, ok = QInputDialog.getText(
        parent,
        "Publish calendars to CalDAV",
        "CalDAV address the calendars are created under\n(for example http://calendar.example.org:5232/staff/):",
        QLineEdit.EchoMode.Normal,
        str(settings.value("caldav_url", "")),
    )
    if not ok or not url.strip():
        return None
    user, ok = QInputDialog.getText(
        parent,
        "Publish calendars to CalDAV",
        "User name on the CalDAV server:",
        QLineEdit.EchoMode.Normal,
        str(settings.value("caldav_user", "")),
    )
    if not ok or not user.strip():
        return None
    settings.setValue("caldav_url", url.strip())
    settings.setValue("caldav_user", user.strip())
    return url.strip(), user.strip()


def ensure_password(parent: QWidget | None, url: str, user: str) -> bool:
    """True when the keyring holds a password for (url, user), asking for it and storing it
    there when it does not; False when staff cancel or the keyring cannot be used."""
    from exchange_app.services.publishing import PublishError, password_from_keyring, store_password

    try:
        password_from_keyring(url, user)
        return True
    except PublishError:
        pass
    password, ok = QInputDialog.getText(
        parent,
        "CalDAV password",
        f"Password for {user} at {url}\n(kept in the system keyring, not in the program database):",
        QLineEdit.EchoMode.Password,
    )
    if not ok or not password:
        return False
    try:
        store_password(url, user, password)
    except Exception as e:  # no usable keyring backend on this system
        QMessageBox.warning(
            parent, "Publish calendars", f"The password could not be stored in the keyring: {e}"
        )
        return False
    return True


def _run(parent: QWidget, title: str, done_title: str, job: Callable[[], str]) -> Operation[str]:
    """Start ``job`` (returns the summary to show) as a background operation: the summary in
    an information box when it ends, an error in :func:`ui.operations.show_error`. No
    progress dialog, so the window stays usable meanwhile."""

    def done(text: str) -> None:
        QMessageBox.information(parent, done_title, text)

    return op(parent, title, lambda _ctx: job()).success(done).run_in_background()


def publish(parent: QWidget, ws: Workspace, program_id: int) -> Operation[str] | None:
    """The menu action: ask, then start publishing; the running operation (its value is the
    summary), or None when staff cancelled."""
    from exchange_app.services.publishing import publish_caldav

    server = ask_server(parent)
    if server is None or not ensure_password(parent, *server):
        return None
    url, user = server
    return _run(
        parent,
        "Publishing calendars",
        "Calendars published",
        lambda: publish_caldav(ws, program_id, url, user).summary,
    )


def ask_smtp(parent: QWidget | None) -> tuple[str, int, str | None] | None:
    """(host, port, user or None) of the mail server, prefilled with the last ones."""
    settings = QSettings()
    server, ok = QInputDialog.getText(
        parent,
        "Send invitations by email",
        "Mail server and port (STARTTLS is required), e.g. smtp.example.org:587:",
        QLineEdit.EchoMode.Normal,
        str(settings.value("smtp_server", "")),
    )
    if not ok or not server.strip():
        return None
    host, _, port_text = server.strip().rpartition(":") if ":" in server else (server.strip(), "", "587")
    try:
        port = int(port_text)
    except ValueError:
        QMessageBox.warning(parent, "Send invitations", f"{port_text!r} is not a port number")
        return None
    user, ok = QInputDialog.getText(
        parent,
        "Send invitations by email",
        "User name for the mail server's login (empty: no login):",
        QLineEdit.EchoMode.Normal,
        str(settings.value("smtp_user", "")),
    )
    if not ok:
        return None
    settings.setValue("smtp_server", server.strip())
    settings.setValue("smtp_user", user.strip())
    return host, port, user.strip() or None


def ensure_smtp_password(parent: QWidget | None, host: str, port: int, user: str) -> bool:
    import keyring

    from exchange_app.services.publishing import KEYRING_SERVICE
    from exchange_app.services.sending import smtp_keyring_user, store_smtp_password

    if keyring.get_password(KEYRING_SERVICE, smtp_keyring_user(host, port, user)) is not None:
        return True
    password, ok = QInputDialog.getText(
        parent,
        "Mail server password",
        f"Password for {user} at {host}:{port}\n(kept in the system keyring, not in the program database):",
        QLineEdit.EchoMode.Password,
    )
    if not ok or not password:
        return False
    store_smtp_password(host, port, user, password)
    return True


def send(parent: QWidget, ws: Workspace, program_id: int) -> Operation[str] | None:
    """The menu action: ask, show what would go, confirm, then send; the running operation
    (its value is the summary), or None when nothing starts."""
    from exchange_app.errors import ExchangeError
    from exchange_app.services.sending import send_invitations

    server = ask_smtp(parent)
    if server is None:
        return None
    host, port, user = server
    if user is not None and not ensure_smtp_password(parent, host, port, user):
        return None
    try:
        dry = send_invitations(ws, program_id, host, port, user, dry_run=True)
    except ExchangeError as e:
        QMessageBox.warning(parent, "Send invitations", str(e))
        return None
    if not dry.planned:
        QMessageBox.information(
            parent, "Send invitations", "Nothing to send: everyone has been told already."
        )
        return None
    shown = "\n".join(f"{o.kind}: {o.name} <{o.email}>" for o in dry.planned[:12])
    more = f"\n... and {len(dry.planned) - 12:,} more" if len(dry.planned) > 12 else ""
    answer = QMessageBox.question(
        parent,
        "Send invitations",
        f"{dry.summary.replace('; nothing was sent (dry run).', '.')}\n\n{shown}{more}\n\nSend them now?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    return _run(
        parent,
        "Sending invitations",
        "Invitations sent",
        lambda: send_invitations(ws, program_id, host, port, user).summary,
    )
