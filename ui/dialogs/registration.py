"""File > Registration: make workbooks, read returned ones (a preview, then one undoable
step), and the status list (who returned theirs, a CSV of the missing for a reminder).

Each dialog has an ``ask(...)`` classmethod returning plain values (tests monkeypatch it).
Long work runs as a background operation (:mod:`ui.operations`) that moves the dialog's own
progress bar; the dialogs join it before closing (:meth:`wait`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import PersonKind
from exchange_app.errors import ExchangeError
from exchange_app.naming import plural
from exchange_app.services import registration as service
from ui.operations import Operation, error_text, op
from ui.profiles.commands import ChangeHook, ErrorHook, WorkspaceCommand

T = TypeVar("T")
log = logging.getLogger(__name__)

PROBLEM_BACKGROUND = QColor(255, 228, 225)
NOTICE_BACKGROUND = QColor(255, 247, 204)


def _background(
    owner: QDialog,
    bar: QProgressBar,
    title: str,
    fn: Callable[[Callable[[int, int], None]], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
) -> Operation[T]:
    """Run ``fn(progress)`` as a background operation (:mod:`ui.operations`), moving the
    dialog's own progress ``bar``; ``done`` or ``failed`` run on the UI thread."""

    def moved(value: object) -> None:
        if isinstance(value, tuple):
            n, total = value
            bar.setRange(0, max(1, total))
            bar.setValue(n)

    def ended() -> None:
        bar.hide()

    bar.setRange(0, 0)
    bar.show()
    return (
        op(owner, title, lambda ctx: fn(lambda n, total: ctx.report((n, total))))
        .progress(moved)
        .success(done)
        .failure(failed)
        .finally_(ended)
        .run_in_background()
    )


def _failure_text(exc: BaseException) -> str:
    """The words for a failed make or read (unexpected errors also go to the log)."""
    if not isinstance(exc, ExchangeError):
        log.error("registration workbooks failed", exc_info=exc)
    return error_text(exc)


def _table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setAccessibleName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    t.setWordWrap(True)
    return t


def _fill(table: QTableWidget, rows: list[list[str]], colors: list[QColor | None] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            item.setToolTip(v)
            color = colors[r] if colors else None
            if color is not None:
                item.setBackground(color)
                item.setForeground(Qt.GlobalColor.black)
            table.setItem(r, c, item)
    for c in range(table.columnCount() - 1):
        table.resizeColumnToContents(c)
        table.setColumnWidth(c, min(table.columnWidth(c), 320))


# --------------------------------------------------------------------------- make


class MakeWorkbooksDialog(QDialog):
    def __init__(self, ws: Any, program_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.program_id = ws, program_id
        self.result_value: service.MakeResult | None = None
        self.setWindowTitle("Make registration workbooks")
        self.resize(620, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Each workbook is pre-filled with what is stored: interests or expertise, languages and "
            "availability (in each site's local time). Send them out; people fill in the yellow cells "
            "and send them back; File > Registration > Read returned workbooks shows what changes."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.folder = QLineEdit(str(QSettings().value("registration_dir", str(Path.home() / "registration"))))
        self.folder.setAccessibleName("Folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        label = QLabel("&Folder:")
        label.setBuddy(self.folder)
        row.addWidget(label)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.everyone = QRadioButton("&One workbook per person")
        self.by_delegation = QRadioButton("Officials: one workbook per &delegation (a column per member)")
        self.everyone.setChecked(True)
        layout.addWidget(self.everyone)
        layout.addWidget(self.by_delegation)
        kinds = QHBoxLayout()
        self.kind_boxes: dict[PersonKind, QCheckBox] = {}
        for kind, text in (
            (PersonKind.OFFICIAL, "O&fficials"),
            (PersonKind.HOST, "&Hosts"),
            (PersonKind.INTERPRETER, "&Interpreters"),
        ):
            box = QCheckBox(text)
            box.setChecked(True)
            self.kind_boxes[kind] = box
            kinds.addWidget(box)
        kinds.addStretch(1)
        layout.addLayout(kinds)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Result")
        layout.addWidget(self.status)
        self.bar = QProgressBar()
        self.bar.hide()
        layout.addWidget(self.bar)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button = QPushButton("&Make workbooks")
        self.make_button.setDefault(True)
        self.buttons.addButton(self.make_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.make_button.clicked.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.operation: Operation[service.MakeResult] | None = None

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder for the workbooks", self.folder.text())
        if path:
            self.folder.setText(path)

    def make(self) -> None:
        folder = Path(self.folder.text().strip() or ".")
        kinds = [k for k, b in self.kind_boxes.items() if b.isChecked()]
        if not kinds:
            self.status.setText("Choose at least one kind of people.")
            return
        by_delegation = self.by_delegation.isChecked()
        QSettings().setValue("registration_dir", str(folder))
        self.make_button.setEnabled(False)
        self.status.setText("Writing workbooks…")
        ws, pid = self.ws, self.program_id
        self.operation = _background(
            self,
            self.bar,
            "Make registration workbooks",
            lambda progress: service.make_workbooks(
                ws, pid, folder, kinds=kinds, by_delegation=by_delegation, progress=progress
            ),
            self._made,
            self._failed,
        )

    def _made(self, result: service.MakeResult) -> None:
        self.result_value = result
        self.status.setText(result.summary)
        self.make_button.setText("&Done")
        self.make_button.clicked.disconnect()
        self.make_button.clicked.connect(self.accept)
        self.make_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"Not written: {_failure_text(exc)}")
        self.make_button.setEnabled(True)

    def wait(self) -> bool:
        """Join the running make, if any, and deliver its result now."""
        return self.operation.wait() if self.operation is not None else True

    def done(self, code: int) -> None:  # Qt override: join the operation first
        self.wait()
        super().done(code)

    @classmethod
    def ask(cls, parent: QWidget | None, ws: Any, program_id: int) -> service.MakeResult | None:
        dlg = cls(ws, program_id, parent)
        try:
            dlg.exec()
            return dlg.result_value
        finally:
            dlg.wait()
            dlg.deleteLater()


# --------------------------------------------------------------------------- read


class ReadWorkbooksDialog(QDialog):
    """Reads the workbooks at once (in the background), shows every change and problem; Apply
    returns the plan (the main window applies it as one undoable step)."""

    def __init__(self, ws: Any, program_id: int, paths: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.program_id, self.paths = ws, program_id, paths
        self.plan: service.ReadPlan | None = None
        self.setWindowTitle("Read returned registration workbooks")
        self.setAccessibleName("Read returned registration workbooks")
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
        self.status = QLabel(f"Reading {plural(len(paths), 'file')}…")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Summary")
        layout.addWidget(self.status)
        self.bar = QProgressBar()
        layout.addWidget(self.bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.changes = _table(["Person", "File", "Field", "Stored now", "In the workbook"], "Changes")
        self.findings = _table(["", "Where", "What"], "Problems and notices")
        split.addWidget(self.changes)
        split.addWidget(self.findings)
        split.setSizes([420, 200])
        layout.addWidget(split, 1)
        self.all_or_nothing = QCheckBox("Apply &nothing if any file has a problem")
        layout.addWidget(self.all_or_nothing)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = QPushButton("&Apply changes")
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(False)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.all_or_nothing.toggled.connect(self._update_button)
        layout.addWidget(self.buttons)
        ws_, pid = ws, program_id
        self.operation: Operation[service.ReadPlan] = _background(
            self,
            self.bar,
            "Read registration workbooks",
            lambda progress: service.plan_read(ws_, pid, paths, progress),
            self._planned,
            self._failed,
        )

    def _planned(self, plan: service.ReadPlan) -> None:
        self.plan = plan
        self.bar.hide()
        rows: list[list[str]] = []
        for c in plan.changes:
            for f in c.fields:
                after = f.after + ("  (staff had changed it too)" if f.staff_changed else "")
                rows.append([f"{c.name} ({c.kind.value} {c.id})", c.file, f.field, f.before, after])
        _fill(self.changes, rows)
        self.changes.resizeRowsToContents()
        found = [
            [("Problem" if f.severity == "error" else "Notice"), f.where, f.message] for f in plan.findings
        ]
        colors: list[QColor | None] = [
            PROBLEM_BACKGROUND if f.severity == "error" else NOTICE_BACKGROUND for f in plan.findings
        ]
        _fill(self.findings, found, colors)
        text = plan.counts() + "."
        if plan.errors:
            text += (
                " Files and people with problems are not read; the others are, unless you tick the box below."
            )
        self.status.setText(text)
        self._update_button()

    def _update_button(self) -> None:
        plan = self.plan
        ok = plan is not None and bool(plan.changes or plan.marks)
        if plan is not None and plan.errors and self.all_or_nothing.isChecked():
            ok = False
        self.apply_button.setEnabled(ok)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"Not read: {_failure_text(exc)}")

    def wait(self) -> bool:
        """Join the reading and deliver its result now."""
        return self.operation.wait()

    def done(self, code: int) -> None:  # Qt override
        self.wait()
        super().done(code)

    @classmethod
    def ask(
        cls, parent: QWidget | None, ws: Any, program_id: int, paths: list[Path]
    ) -> tuple[service.ReadPlan, bool] | None:
        """The plan to apply and whether all or nothing; None when cancelled."""
        dlg = cls(ws, program_id, paths, parent)
        try:
            if dlg.exec() == QDialog.DialogCode.Accepted and dlg.plan is not None:
                return dlg.plan, dlg.all_or_nothing.isChecked()
            return None
        finally:
            dlg.wait()
            dlg.deleteLater()


class ApplyRegistrationCommand(WorkspaceCommand):
    """The returned workbooks' changes as one undoable step (people and returned marks)."""

    def __init__(
        self,
        ws: Any,
        program_id: int,
        plan: service.ReadPlan,
        all_or_nothing: bool,
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
    ):
        n = len(plan.changes)
        super().__init__(
            ws,
            program_id,
            f"Read {plural(len(plan.files), 'registration workbook')} ({n} changed)",
            on_change,
            on_error,
        )
        self.plan, self.all_or_nothing = plan, all_or_nothing
        self.applied: service.AppliedRead | None = None

    def _do(self, first: bool) -> None:
        if self.applied is None:
            self.applied = service.apply_plan(self.ws, self.program_id, self.plan, self.all_or_nothing)
        else:
            service.put_back(self.ws, self.program_id, self.applied, undo=False)

    def _undo(self) -> None:
        if self.applied is not None:
            service.put_back(self.ws, self.program_id, self.applied, undo=True)


# --------------------------------------------------------------------------- status


class StatusDialog(QDialog):
    def __init__(self, ws: Any, program_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.program_id = ws, program_id
        self.rows = service.status(ws, program_id)
        self.setWindowTitle("Registration status")
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel(service.describe_status(self.rows) + ".")
        self.summary.setAccessibleName("Summary")
        layout.addWidget(self.summary)
        self.table = _table(
            ["State", "Kind", "Id", "Name", "E-mail", "Sent", "Returned"], "Registration status"
        )
        order = {"missing": 0, "not sent": 1, "returned": 2}
        shown = sorted(self.rows, key=lambda r: (order[r.state], r.kind.value, r.name.casefold()))
        colors: list[QColor | None] = [NOTICE_BACKGROUND if r.state == "missing" else None for r in shown]
        _fill(
            self.table,
            [
                [
                    r.state,
                    r.kind.value,
                    r.id,
                    r.name,
                    r.email,
                    f"{r.sent_at.astimezone():%Y-%m-%d %H:%M} · {r.sent_file}" if r.sent_at else "",
                    f"{r.returned_at.astimezone():%Y-%m-%d %H:%M} · {r.returned_file}"
                    if r.returned_at
                    else "",
                ]
                for r in shown
            ],
            colors,
        )
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.csv_button = QPushButton("Save &missing people as CSV…")
        self.csv_button.setEnabled(any(r.state == "missing" for r in self.rows))
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.csv_button.clicked.connect(self.save_csv)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def ask_csv_path(parent: QWidget) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Missing people (for a reminder email)", "missing.csv", "CSV (*.csv)"
        )
        return path or None

    def save_csv(self) -> None:
        path = self.ask_csv_path(self)
        if not path:
            return
        try:
            n = service.write_missing_csv(self.rows, path)
        except OSError as e:
            QMessageBox.warning(self, "Not saved", f"Cannot write {path}: {e.strerror or e}")
            return
        self.summary.setText(
            f"{service.describe_status(self.rows)}. {plural(n, 'missing person', 'missing people')} saved to {path}."
        )

    @classmethod
    def ask(cls, parent: QWidget | None, ws: Any, program_id: int) -> None:
        dlg = cls(ws, program_id, parent)
        try:
            dlg.exec()
        finally:
            dlg.deleteLater()


# --------------------------------------------------------------------------- menu


def ask_workbooks(parent: QWidget) -> list[Path]:
    """Returned workbooks to read (tests monkeypatch this)."""
    paths, _ = QFileDialog.getOpenFileNames(
        parent,
        "Returned registration workbooks",
        str(QSettings().value("registration_dir", "")),
        "Workbooks (*.xlsx)",
    )
    return [Path(p) for p in paths]


def read_returned(window: Any) -> None:
    if window.program_id is None:
        return
    paths = ask_workbooks(window)
    if not paths:
        return
    answer = ReadWorkbooksDialog.ask(window, window.ws, window.program_id, paths)
    if answer is None:
        return
    plan, all_or_nothing = answer
    command = ApplyRegistrationCommand(
        window.ws, window.program_id, plan, all_or_nothing, window._data_changed, window._command_failed
    )
    try:
        command.apply()
    except ExchangeError as e:
        QMessageBox.warning(window, "Not applied", str(e))
        window._data_changed(None, None)
        return
    window.undo_stack.push(command)
    if command.applied is not None:
        window.statusBar().showMessage(command.applied.summary, 8000)


def add_menu(window: Any, file_menu: QMenu) -> QMenu:
    """File > Registration, with its three actions (enabled while a program is open)."""
    menu = file_menu.addMenu("Re&gistration")
    actions: list[QAction] = []

    def make() -> None:
        if window.program_id is not None:
            result = MakeWorkbooksDialog.ask(window, window.ws, window.program_id)
            if result is not None:
                window.statusBar().showMessage(result.summary, 8000)

    def status() -> None:
        if window.program_id is not None:
            StatusDialog.ask(window, window.ws, window.program_id)

    for text, slot, name in (
        ("&Make workbooks…", make, "registration_make"),
        ("&Read returned workbooks…", lambda: read_returned(window), "registration_read"),
        ("&Status…", status, "registration_status"),
    ):
        action = QAction(text, window)
        action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        actions.append(action)

    def enable() -> None:
        for a in actions:
            a.setEnabled(window.program_id is not None)

    menu.aboutToShow.connect(enable)
    window.registration_actions = actions
    return menu
