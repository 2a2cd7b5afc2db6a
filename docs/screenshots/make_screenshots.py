"""Screenshots of the main window and profile views on sample-medium.json (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_screenshots.py OUT_DIR [--dark] [--prefix P]

Set QT_SCALE_FACTOR=1.5 for the 150% pictures. Each view is saved as OUT_DIR/<prefix><view>.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--scenario", type=Path, default=ROOT / "tests" / "data" / "sample-medium.json")
    parser.add_argument("--size", default="1440x900")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from exchange_app.domain import PersonKind
    from exchange_app.services import Workspace, import_file
    from ui.app import make_application
    from ui.main_window import MainWindow
    from ui.profiles.models import ID_ROLE
    from ui.style import apply_theme

    app = make_application()
    apply_theme(app, "dark" if args.dark else "light")
    ws = Workspace.open(Path(tempfile.mkdtemp()) / "screens.db")
    pid = import_file(ws, args.scenario).program_id
    window = MainWindow(ws, pid)
    w, h = map(int, args.size.split("x"))
    window.resize(w, h)
    window.show()
    app.processEvents()

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        window.grab().save(str(args.out / f"{args.prefix}{name}.png"))

    officials = window.people_tabs[PersonKind.OFFICIAL]
    officials.select(window.scenario.officials[3].id)
    shot("officials")
    officials.search.setText("madison ar")
    officials.select(officials.proxy.index(0, 0).data(ID_ROLE))
    shot("officials-search")
    officials.search.clear()
    officials.select(window.scenario.officials[3].id)
    officials.editor.email_edit.setText("rosa.gunawardena(at)example")
    officials.editor.languages_edit.setText("ka, Klingonese")
    shot("officials-invalid")
    officials.editor.revert()
    window.tabs.setCurrentWidget(window.people_tabs[PersonKind.HOST])
    window.people_tabs[PersonKind.HOST].select(window.scenario.hosts[0].id)
    shot("hosts")
    window.tabs.setCurrentWidget(window.people_tabs[PersonKind.INTERPRETER])
    window.people_tabs[PersonKind.INTERPRETER].select(window.scenario.interpreters[0].id)
    shot("interpreters")
    window.tabs.setCurrentWidget(window.topics_tab)
    shot("topics-sites")
    from ui.dialogs.settings import ProgramSettingsDialog

    dialog = ProgramSettingsDialog(window.scenario.program, window)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(args.out / f"{args.prefix}settings.png"))
    dialog.close()
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
