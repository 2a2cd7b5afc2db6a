"""Live rule check: the checker's verdict on the current (edited) schedule.

Recomputed after every edit, debounced so a burst of undo/redo costs one check.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_app.rules import RULE_TITLES, Violation
from ui.board.document import BoardDocument

SessionIdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class ViolationsModel(QAbstractTableModel):
    HEADERS = ("Rule", "Problem")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._violations: list[Violation] = []

    def set_violations(self, violations: list[Violation]) -> None:
        self.beginResetModel()
        self._violations = list(violations)
        self.endResetModel()

    def violation(self, row: int) -> Violation:
        return self._violations[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._violations)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 2
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._violations):
            return None
        v = self._violations[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(v.rule) if index.column() == 0 else v.message
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"Rule {v.rule} ({RULE_TITLES.get(v.rule, v.code)}): {v.message}"
        if role == SessionIdRole:
            return v.session
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class CheckPanel(QWidget):
    """Quality figures and the violations list; activating a violation emits its session."""

    session_activated = Signal(str)

    def __init__(self, document: BoardDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Rule check verdict")
        figures = QGroupBox("Quality")
        form = QFormLayout(figures)
        self._figure_labels: dict[str, QLabel] = {}
        for key, label in (
            ("sessions", "Sessions"),
            ("assignments", "Places filled"),
            ("at_min", "Officials at their minimum"),
            ("interest", "Total interest"),
            ("lowest", "Lowest interest total"),
            ("p10", "10th percentile of interest"),
            ("guests", "Officials per session"),
            ("interpreters", "Interpreters used (sessions)"),
        ):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            form.addRow(label + ":", value)
            self._figure_labels[key] = value
        self.model = ViolationsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Rule violations")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(figures)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self.refresh)
        document.schedule_changed.connect(self._timer.start)
        self.refresh()

    def refresh(self) -> None:
        """Show the verdict on the document's current schedule now."""
        self._timer.stop()
        report = self.document.report
        f = report.figures
        n = len(report.violations)
        if report.ok:
            self.verdict.setText("✔ The schedule keeps every rule.")
        else:
            rules = sorted({v.rule for v in report.violations})
            self.verdict.setText(
                f"⚠ {n} problem{'s' if n != 1 else ''} "
                f"(rule{'s' if len(rules) != 1 else ''} {', '.join(map(str, rules))}). "
                "Select one to show its session."
            )
        lab = self._figure_labels
        lab["sessions"].setText(str(f.sessions))
        lab["assignments"].setText(str(f.assignments))
        lab["at_min"].setText(f"{f.officials_at_min} of {f.officials_total}")
        lab["interest"].setText(str(f.total_interest))
        lab["lowest"].setText(str(f.lowest_interest))
        lab["p10"].setText(f"{f.p10_interest:g}")
        lab["guests"].setText(f"{f.mean_guests:.1f}")
        lab["interpreters"].setText(f"{f.interpreters_used} ({f.sessions_with_interpreter})")
        self.model.set_violations(report.violations)
        self.table.resizeRowsToContents()

    def _activated(self, index: QModelIndex) -> None:
        sid = index.data(SessionIdRole)
        if sid:
            self.session_activated.emit(sid)
