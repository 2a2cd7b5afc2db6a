"""What an import read and what it refused: a summary line and a table of problems
(record, field, message), so staff can fix the file and import again."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.errors import Problem


@dataclass(slots=True)
class ImportReport:
    """The outcome of one import, in plain values."""

    source: str
    ok: bool
    summary: str
    problems: list[Problem] = field(default_factory=list)


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Import report")
        self.setAccessibleName("Import report")
        self.setMinimumSize(640, 240 if report.ok and not report.problems else 420)
        self.summary = QLabel(report.summary)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")
        self.summary.setObjectName("editorHeading" if report.ok else "problems")
        layout = QVBoxLayout(self)
        source = QLabel(f"File: {report.source}")
        source.setWordWrap(True)
        source.setObjectName("hint")
        layout.addWidget(source)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(report.problems), 3)
        self.table.setAccessibleName("Refused records")
        self.table.setHorizontalHeaderLabels(["Record", "Field", "Problem"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setTabKeyNavigation(False)
        for r, p in enumerate(report.problems):
            for c, text in enumerate((p.record, p.field or "", p.message)):
                item = QTableWidgetItem(text)
                item.setToolTip(str(p))
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(report.problems))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def problem_texts(self) -> list[str]:
        return [str(p) for p in self.report.problems]

    @classmethod
    def ask(cls, parent: QWidget | None, report: ImportReport) -> None:
        """Show the report (modal); tests monkeypatch this to capture ``report``."""
        dlg = cls(report, parent)
        try:
            dlg.exec()
        finally:
            dlg.deleteLater()
