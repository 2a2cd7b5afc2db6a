"""Start the desktop app: ``run(db, demo)`` is what ``exchange-app`` (no command) calls."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.main_window import (
    APP_NAME,
    ORG_NAME,
    MainWindow,
    open_database_or_explain,
    pick_program,
    remember_database,
)
from ui.style import apply_theme


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (names, Fusion style, the saved or system theme); reuses a running one."""
    existing = QApplication.instance()
    if existing is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    else:
        assert isinstance(existing, QApplication), "a QCoreApplication without widgets is running"
        app = existing
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    theme = str(QSettings().value("theme", "system"))
    apply_theme(app, theme)
    hints = app.styleHints()
    if hasattr(hints, "colorSchemeChanged") and not app.property("exchange_follows_scheme"):
        app.setProperty("exchange_follows_scheme", True)  # connect once per application
        hints.colorSchemeChanged.connect(
            lambda _scheme: apply_theme(app, str(QSettings().value("theme", "system")))
        )
    return app


class _Cancelled(Exception):
    """Staff closed the program chooser."""


def create_main_window(db: str | None, demo: bool = False) -> MainWindow | None:
    """Lock and open ``db`` (None: the default database), pick the program and build the
    window; shows the reason and returns None when the database cannot be opened."""
    opened = open_database_or_explain(None, db, severe=True)
    if opened is None:
        return None
    ws, lock = opened
    try:
        program = pick_program(None, ws)
        if program is None and ws.programs():
            raise _Cancelled()
        window = MainWindow(ws, program, lock=lock)
    except _Cancelled:
        ws.close()
        if lock is not None:
            lock.release()
        return None
    except BaseException:
        ws.close()
        if lock is not None:
            lock.release()
        raise
    window.demo = demo
    window._update_title()
    if not demo:
        remember_database(str(ws.path) if ws.path else (db or ws.url))
    return window


def missing_display(env: dict[str, str] | None = None, platform: str = sys.platform) -> str | None:
    """Why no window can open here (Linux without DISPLAY, WAYLAND_DISPLAY or
    QT_QPA_PLATFORM), with what to do; None when a display is there. Qt itself would abort
    with a message about libxcb-cursor0, which misleads."""
    env = dict(os.environ) if env is None else env
    if not platform.startswith("linux") or any(
        env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    ):
        return None
    return (
        "There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open.\n"
        "Run the app inside a desktop session, or under a virtual X server: xvfb-run -a exchange-app --demo\n"
        "(QT_QPA_PLATFORM=offscreen runs it without showing anything)."
    )


def run(db: str | None, demo: bool) -> int:
    """Run the desktop app on ``db`` (file path or URL; None: the default database)."""
    why = missing_display()
    if why is not None and QApplication.instance() is None:
        print(why, file=sys.stderr)
        return 1
    app = make_application()
    window = create_main_window(db, demo)
    if window is None:
        return 1
    window.show()
    return app.exec()
