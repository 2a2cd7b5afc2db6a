"""The database's backups: list them, make one now, restore one.

``BackupsDialog.ask(parent, ws) -> bool``: True when a backup was restored (the window must
reload everything). Restoring asks first, and backs up the current state before it, so a
restore can itself be undone from this list.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.services import backups
from exchange_app.services.workspace import Workspace
from ui.operations import Operation, error_text, op, show_error

REASONS = {
    "manual": "made by hand",
    "before-migration": "before an app update changed the database",
    "before-solve": "before a solve stored a schedule",
    "before-restore": "before a restore",
    "before-import": "before an import",
}


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class BackupsDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.restored = False
        self.setWindowTitle("Backups")
        self.setAccessibleName("Backups")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setObjectName("hint")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels(["Made", "Why", "Size", "File"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Backup status")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.backup_button = QPushButton("&Back up now")
        self.restore_button = QPushButton("&Restore…")
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.infos: list[backups.BackupInfo] = []
        self._op: Operation[Any] | None = None
        self.reload()

    def reload(self) -> None:
        self.infos = backups.list_backups(self.ws)
        folder = backups.backup_folder(self.ws)
        text = (
            f"Backups of this database are kept in {folder} (the newest "
            f"{backups.backups_to_keep()}). One is made before every app update of the database, before "
            f"every solve that stores a schedule, and before every restore."
        )
        if self.ws.path is None and not backups.pg_dump_available():
            text = (
                "This is a PostgreSQL team database and pg_dump is not installed on this computer: the "
                "server's own backups protect it (ask whoever runs the server)."
            )
        self.where.setText(text)
        self.table.setRowCount(len(self.infos))
        for r, info in enumerate(self.infos):
            values = (
                info.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                REASONS.get(info.reason, info.reason),
                _size(info.size),
                info.name,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        if self.infos:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> backups.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.infos[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def _busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.selected() is not None)

    def back_up_now(self) -> Operation[backups.BackupInfo | None]:
        """Make a backup in the background (pg_dump can take a while on a team database)."""

        def made(info: backups.BackupInfo | None) -> None:
            self.status.setText(
                f"Made {info.name}."
                if info
                else "No backup made: pg_dump is not installed here (see the note above)."
            )
            self.reload()

        def failed(exc: BaseException) -> None:
            self.status.setText(f"No backup was made: {error_text(exc)}")
            show_error(self, "Backup failed", exc)

        self._busy(True)
        self.status.setText("Making a backup…")
        self._op = (
            op(self, "Backup", lambda _ctx: backups.back_up(self.ws, "manual"))
            .success(made)
            .failure(failed)
            .finally_(lambda: self._busy(False))
            .with_progress("Making a backup…")
            .run_in_background()
        )
        return self._op

    def restore_selected(self) -> Operation[backups.RestoreResult] | None:
        """Restore the selected backup (asked first) in the background; None when nothing
        was started."""
        info = self.selected()
        if info is None:
            return None
        when = info.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        answer = QMessageBox.question(
            self,
            "Restore backup",
            f"Replace everything in this database with the backup made {when} ({REASONS.get(info.reason, info.reason)})?"
            "\n\nThe current state is backed up first, so you can come back to it from this list.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None

        def restored(result: Any) -> None:
            self.restored = True
            self.status.setText(result.summary)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.status.setText(f"Nothing was restored: {error_text(exc)}")
            show_error(self, "Restore failed", exc)

        self._busy(True)
        self._op = (
            op(self, "Restore", lambda _ctx: backups.restore(self.ws, info.name, lock_held=True))
            .success(restored)
            .failure(failed)
            .finally_(lambda: self._busy(False))
            .with_progress(f"Restoring the backup made {when}…")
            .run_in_background()
        )
        return self._op

    def done(self, result: int) -> None:  # Qt override: a running backup or restore ends first
        if self._op is not None:
            self._op.wait()
        super().done(result)

    @classmethod
    def ask(cls, parent: QWidget | None, ws: Workspace) -> bool:
        """Show the dialog (modal); True when a backup was restored."""
        dlg = cls(ws, parent)
        try:
            dlg.exec()
            return dlg.restored
        finally:
            dlg.deleteLater()
