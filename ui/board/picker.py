"""Keyboard equivalents of drags: a searchable picker of targets, legal ones first and
illegal ones with the reason, and the confirmation for keeping an edit that breaks a rule."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class Choice:
    key: object  # what the caller gets back (a session id, a slot id, an official id, None)
    label: str
    reasons: str = ""  # why choosing it breaks a rule ("" = legal)


class TargetPicker(QDialog):
    """Pick one of ``choices``; type to filter. Illegal choices are listed after the legal
    ones, dimmed, with their reason; picking one asks for confirmation first."""

    def __init__(self, title: str, prompt: str, choices: list[Choice], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.choices = sorted(choices, key=lambda c: bool(c.reasons))  # stable: legal first
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter…")
        self.filter.setAccessibleName("Filter")
        self.filter.setClearButtonEnabled(True)
        label = QLabel(prompt)
        label.setWordWrap(True)
        label.setBuddy(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        dim = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for c in self.choices:
            if c.reasons:
                item = QListWidgetItem(f"✖ {c.label}\n    {c.reasons}")
                item.setForeground(dim)
                item.setToolTip(f"Breaks a rule: {c.reasons}")
            else:
                item = QListWidgetItem(f"✔ {c.label}")
            item.setData(Qt.ItemDataRole.UserRole, c)
            self.list.addItem(item)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.currentItemChanged.connect(self._current_changed)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._first_visible)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().height() * 36, self.fontMetrics().height() * 28)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._current_changed(self.list.currentItem(), None)

    def _current_changed(self, item: QListWidgetItem | None, _old: QListWidgetItem | None) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        c = item.data(Qt.ItemDataRole.UserRole) if item else None
        ok.setEnabled(c is not None)
        ok.setText("Keep anyway…" if c is not None and c.reasons else "OK")

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(not all(w in item.text().lower() for w in words))
        self._first_visible(only_if_hidden=True)

    def _first_visible(self, only_if_hidden: bool = False) -> None:
        cur = self.list.currentItem()
        if only_if_hidden and cur is not None and not cur.isHidden():
            return
        for i in range(self.list.count()):
            if not self.list.item(i).isHidden():
                self.list.setCurrentRow(i)
                return

    def chosen(self) -> Choice | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, prompt: str, choices: list[Choice]) -> Choice | None:
        """The picked choice (a rule-breaking one only after staff confirmed), or None."""
        dlg = cls(title, prompt, choices, parent)
        while dlg.exec() == QDialog.DialogCode.Accepted:
            c = dlg.chosen()
            if c is None:
                continue
            if not c.reasons or confirm_rule_break(parent, c.label, c.reasons):
                return c
        return None


def confirm_rule_break(parent: QWidget | None, what: str, reasons: str) -> bool:
    """Ask whether to keep an edit that breaks a rule (it is then flagged in the violations list)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Break a rule?",
        f"{what}\n\nThis breaks a rule: {reasons}\n\n"
        "Keep it anyway? It will be listed under Problems until it is fixed.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
