"""Help > User guide: docs/guide.md shown in the app, with its screenshots."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide.md"
ONLINE = "docs/guide.md in the Exchange Scheduler source"


class GuideDialog(QDialog):
    """The guide, rendered from Markdown; links to other docs open in the same browser."""

    def __init__(self, parent: QWidget | None = None, path: Path = GUIDE):
        super().__init__(parent)
        self.setWindowTitle("User guide")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(True)
        if path.exists():
            self.browser.setSearchPaths([str(path.parent)])
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
        else:
            self.browser.setPlainText(f"The guide is not installed with this copy of the app; see {ONLINE}.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        fh = self.fontMetrics().height()
        self.resize(fh * 60, fh * 44)

    @classmethod
    def show_guide(cls, parent: QWidget | None) -> GuideDialog:
        dlg = cls(parent)
        dlg.show()
        return dlg
