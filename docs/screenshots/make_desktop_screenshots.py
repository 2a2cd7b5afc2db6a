"""Screenshots of the desktop views the reliability work touched (offscreen):

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_desktop_screenshots.py OUT_DIR

demo-board.png (the demo opens on a solved schedule), profiles-validation.png (problems in
words, names accepted), operation-progress.png (a background operation's progress dialog
(window-modal; the window keeps painting)), error-dialog.png (the one error dialog).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp()
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from exchange_app.domain import PersonKind
    from exchange_app.errors import ConflictError
    from exchange_app.services import Workspace, demo_database
    from ui import operations
    from ui.app import make_application
    from ui.main_window import MainWindow
    from ui.style import apply_theme

    app = make_application()
    apply_theme(app, "light")
    ws = Workspace.open(demo_database())
    window = MainWindow(ws, ws.programs()[0].id)
    window.demo = True
    window._update_title()
    window.resize(1440, 900)
    window.show()

    def settle(n: int = 5) -> None:
        for _ in range(n):
            app.processEvents()
        operations.wait_all()
        app.processEvents()

    settle()
    window.go_to_actions[4].trigger()
    settle()
    window.grab().save(str(out / "demo-board.png"))

    officials = window.people_tabs[PersonKind.OFFICIAL]
    window.tabs.setCurrentWidget(officials)
    officials.select(window.scenario.officials[3].id)
    officials.editor.country_edit.setText("Kenya")
    officials.editor.languages_edit.setText("English, Klingonese")
    officials.editor.email_edit.setText("w.kamau(at)example")
    settle()
    window.grab().save(str(out / "profiles-validation.png"))
    officials.editor.revert()

    release = threading.Event()

    def slow(ctx: operations.OpContext) -> None:
        for i in range(10):
            ctx.step(i, 10, f"Exporting calendars… {i} of 10 people")
            if release.wait(0.05):
                break

    op = operations.op(window, "Export calendars", slow).with_progress(
        "Exporting calendars…", cancellable=True
    )
    op.run_in_background()
    dialog = op._dialog
    if dialog is not None:
        dialog.setMinimumDuration(0)
        dialog.show()
    for _ in range(20):
        app.processEvents()
    if dialog is not None:  # a window of its own (window-modal): grabbed by itself
        dialog.grab().save(str(out / "operation-progress.png"))
    release.set()
    operations.wait_all()

    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Edit failed",
        operations.error_text(
            ConflictError(
                "Official o-0004 (Rosa Gunawardena) was changed by maria at 2026-11-02 10:14 since you "
                "loaded it; reload to see their change"
            )
        ),
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.show()
    QTimer.singleShot(0, lambda: None)
    for _ in range(5):
        app.processEvents()
    box.grab().save(str(out / "error-dialog.png"))
    box.close()
    window.close()
    ws.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
