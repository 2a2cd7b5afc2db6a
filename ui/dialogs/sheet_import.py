"""Import people from a spreadsheet: choose what each column means, preview, check, import.

``SheetImportDialog.ask(parent, ws, program_id, path)`` returns the
:class:`~exchange_app.services.spreadsheets.SheetImportResult`, or None when cancelled.
The column choices are remembered for the database (``save_mapping``) when staff leave
"Remember these column choices" on. Checking and importing run in a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.errors import InputError, Problem
from exchange_app.io import spreadsheets as sheets
from exchange_app.naming import plural
from exchange_app.services import spreadsheets as service
from exchange_app.services.workspace import Workspace
from ui.operations import Operation, error_text, op, show_error

PREVIEW_ROWS = 200
PROBLEM_BACKGROUND = QColor(255, 228, 225)
NOT_IMPORTED = "(not imported)"


class SheetImportDialog(QDialog):
    def __init__(self, ws: Workspace, program_id: int, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws, self.program_id, self.path = ws, program_id, Path(path)
        self.result_value: service.SheetImportResult | None = None
        self.plan: service.SheetPlan | None = None
        self._op: Operation[Any] | None = None
        self.problem_rows: dict[str | None, dict[int, list[str]]] = {}  # sheet -> row -> messages
        self.setWindowTitle(f"Import people from {self.path.name}")
        self.setAccessibleName("Import people from a spreadsheet")
        self.resize(980, 680)

        self.tables: list[sheets.SheetTable] = []
        self.read_error: InputError | None = None
        try:
            self.tables = sheets.read_workbook(self.path)
        except InputError as e:
            self.read_error = e
        saved = service.load_mapping(ws)
        self.mapping: dict[str, str | None] = {}  # header as written -> field (people sheets)
        for t in self.tables:
            if not t.is_availability:
                for h, f in sheets.suggest_mapping(t.headers, saved).items():
                    self.mapping.setdefault(h, f)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Each column of the sheet is imported as the field chosen on the left. Rows are matched "
            "to people by id, or by email; nobody is deleted. Nothing is written until you press "
            "Import, and a sheet with problems is refused whole unless you import only the valid rows."
        )
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)

        top = QFormLayout()
        self.sheet_box = QComboBox()
        self.sheet_box.setAccessibleName("Sheet")
        for t in self.tables:
            self.sheet_box.addItem(
                f"{t.title or t.source}"
                + (" (availability)" if t.is_availability else "")
                + f" — {plural(len(t.rows), 'row')}"
            )
        self.sheet_box.currentIndexChanged.connect(self._show_sheet)
        top.addRow("&Sheet:", self.sheet_box)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical)
        upper = QSplitter(Qt.Orientation.Horizontal)
        self.columns = QTableWidget(0, 3)
        self.columns.setAccessibleName("Columns")
        self.columns.setHorizontalHeaderLabels(["Column in the sheet", "Imported as", "First value"])
        self.columns.verticalHeader().setVisible(False)
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        upper.addWidget(self.columns)
        self.preview = QTableWidget(0, 0)
        self.preview.setAccessibleName("Preview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        upper.addWidget(self.preview)
        upper.setSizes([460, 520])
        split.addWidget(upper)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel("Press Check to see what the import would do.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Check result")
        lower_layout.addWidget(self.status)
        self.problems = QTableWidget(0, 3)
        self.problems.setAccessibleName("Problems")
        self.problems.setHorizontalHeaderLabels(["Where", "Column", "Problem"])
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lower_layout.addWidget(self.problems, 1)
        split.addWidget(lower)
        split.setSizes([380, 220])
        layout.addWidget(split, 1)

        options = QHBoxLayout()
        self.valid_only = QCheckBox("Import only the &valid rows (list the others)")
        self.remember = QCheckBox("&Remember these column choices")
        self.remember.setChecked(True)
        options.addWidget(self.valid_only)
        options.addWidget(self.remember)
        options.addStretch(1)
        layout.addLayout(options)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.check_button = QPushButton("&Check")
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if self.read_error is not None:
            self._show_problems(self.read_error.problems, f"{self.path.name} cannot be imported:")
            self.check_button.setEnabled(False)
            self.import_button.setEnabled(False)
        elif self.tables:
            self._show_sheet(0)

    # ------------------------------------------------------------------ mapping

    def current_table(self) -> sheets.SheetTable | None:
        i = self.sheet_box.currentIndex()
        return self.tables[i] if 0 <= i < len(self.tables) else None

    def _show_sheet(self, _index: int) -> None:
        t = self.current_table()
        if t is None:
            return
        availability = t.is_availability
        fields = sheets.AVAILABILITY_FIELDS if availability else sheets.FIELDS
        auto = sheets.suggest_mapping(t.headers, availability=True) if availability else {}
        self.columns.setRowCount(len(t.headers))
        for r, header in enumerate(t.headers):
            self.columns.setItem(r, 0, QTableWidgetItem(header or f"(column {r + 1} has no header)"))
            box = QComboBox()
            box.setAccessibleName(f"Imported as, column {header}")
            box.addItem(NOT_IMPORTED, "")
            for name, (label, _) in fields.items():
                box.addItem(label, name)
            current = auto.get(header) if availability else self.mapping.get(header)
            box.setCurrentIndex(max(0, box.findData(current or "")))
            box.setEnabled(bool(header) and not availability)
            box.currentIndexChanged.connect(
                lambda _i, h=header, b=box: self._mapping_changed(h, b.currentData())
            )
            self.columns.setCellWidget(r, 1, box)
            first = next(
                (
                    sheets.cell_text(row.cells[r])
                    for row in t.rows
                    if r < len(row.cells) and sheets.cell_text(row.cells[r])
                ),
                "",
            )
            self.columns.setItem(r, 2, QTableWidgetItem(first))
        self.columns.resizeColumnsToContents()
        self._fill_preview(t)

    def _mapping_changed(self, header: str, target: str) -> None:
        self.mapping[header] = target or None
        self.plan = None
        self.status.setText("Columns changed: press Check to see what the import would do.")
        t = self.current_table()
        if t is not None:
            self._fill_preview(t)

    def _fill_preview(self, t: sheets.SheetTable) -> None:
        labels = sheets.AVAILABILITY_FIELDS if t.is_availability else sheets.FIELDS
        auto = sheets.suggest_mapping(t.headers, availability=True) if t.is_availability else self.mapping
        heads = []
        for h in t.headers:
            f = auto.get(h)
            heads.append(f"{h}\n→ {labels[f][0].split(' (')[0]}" if f else f"{h}\n(not imported)")
        rows = t.rows[:PREVIEW_ROWS]
        self.preview.clear()
        self.preview.setColumnCount(len(t.headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(heads)
        self.preview.setVerticalHeaderLabels([str(r.number) for r in rows])
        marks = self.problem_rows.get(t.title, {})
        for i, row in enumerate(rows):
            messages = marks.get(row.number)
            for c in range(len(t.headers)):
                item = QTableWidgetItem(sheets.cell_text(row.cells[c]) if c < len(row.cells) else "")
                if not auto.get(t.headers[c]):
                    item.setForeground(Qt.GlobalColor.gray)
                if messages:  # rows with problems are tinted, the problems in the tooltip
                    item.setBackground(PROBLEM_BACKGROUND)
                    item.setForeground(Qt.GlobalColor.black)
                    item.setToolTip("\n".join(messages))
                self.preview.setItem(i, c, item)
        self.preview.resizeColumnsToContents()

    def mapping_for_service(self) -> dict[str, str | None]:
        return dict(self.mapping)

    # ------------------------------------------------------------------ check / import

    def is_busy(self) -> bool:
        return self._op is not None and self._op.is_running()

    def _start(self, fn: Callable[[], Any], done: Callable[[Any], None], what: str) -> None:
        if self.is_busy():
            return
        self.check_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.status.setText(what)
        self._op = (
            op(self, what.rstrip("…"), lambda _ctx: fn())
            .success(done)
            .failure(self._failed)
            .finally_(self._finished)
            .run_in_background()
        )

    def _finished(self) -> None:
        if self.result_value is None:
            self.check_button.setEnabled(self.read_error is None)
            self.import_button.setEnabled(self.read_error is None)
        else:
            self.import_button.setEnabled(True)

    def wait(self, ms: int = 120_000) -> bool:
        """Join the worker (teardown and tests)."""
        return self._op.wait(ms) if self._op is not None else True

    def check(self) -> None:
        mapping = self.mapping_for_service()
        self._start(
            lambda: service.plan_import(self.ws, self.program_id, self.path, mapping),
            self._checked,
            "Checking every row…",
        )

    def _checked(self, plan: service.SheetPlan) -> None:
        self.plan = plan
        text = f"{plan.source}: {plan.counts()}."
        if plan.ignored_columns:
            text += " Not imported: " + "; ".join(", ".join(c) for c in plan.ignored_columns.values()) + "."
        self._show_problems(plan.problems, text)

    def run_import(self) -> None:
        mapping = self.mapping_for_service()
        valid_only = self.valid_only.isChecked()
        if self.remember.isChecked():
            try:
                service.save_mapping(self.ws, mapping)
            except (OSError, ValueError) as e:
                self.status.setText(f"The column choices could not be remembered: {e}")
        self._start(
            lambda: service.import_people(
                self.ws, self.program_id, self.path, mapping, valid_rows_only=valid_only
            ),
            self._imported,
            "Importing…",
        )

    def _imported(self, result: service.SheetImportResult) -> None:
        self.result_value = result
        if not result.refused_rows:
            self.accept()
            return
        # Only the valid rows went in: keep the refused ones on screen until staff close.
        self._show_problems(
            result.refused_rows,
            result.summary.splitlines()[0]
            + " These rows were not imported; fix them and import the sheet again:",
        )
        self.check_button.setEnabled(False)
        self.import_button.setText("&Done")
        self.import_button.clicked.disconnect()
        self.import_button.clicked.connect(self.accept)
        self.import_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)

    def reject(self) -> None:  # Qt override: after an import, closing still reports it
        if self.result_value is not None:
            self.accept()
        else:
            super().reject()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):  # the rows' problems belong in the table, beside the rows
            self._show_problems(
                exc.problems,
                f"{exc.source}: refused, {plural(len(exc.problems), 'problem')}; "
                "nothing was imported. Fix the sheet, change the columns, or "
                "import only the valid rows.",
            )
        else:
            self._show_problems([], f"Not imported: {error_text(exc)}")
            show_error(self, "Import failed", exc)

    def _show_problems(self, problems: list[Problem], text: str) -> None:
        self.status.setText(text)
        self.problem_rows = {}
        for p in problems:
            m = re.match(r"(?:sheet (?P<sheet>.+), )?row (?P<row>\d+)$", p.record)
            if m:
                where = self.problem_rows.setdefault(m["sheet"], {}).setdefault(int(m["row"]), [])
                where.append(f"{p.field}: {p.message}" if p.field else p.message)
        table = self.current_table()
        if table is not None:
            self._fill_preview(table)
        self.problems.setRowCount(len(problems))
        for r, p in enumerate(problems):
            for c, value in enumerate((p.record, p.field or "", p.message)):
                item = QTableWidgetItem(value)
                item.setToolTip(str(p))
                self.problems.setItem(r, c, item)
        self.problems.resizeColumnToContents(0)
        self.problems.resizeColumnToContents(1)

    def problem_texts(self) -> list[str]:
        return [
            " | ".join(
                item.text() if (item := self.problems.item(r, c)) is not None else "" for c in range(3)
            )
            for r in range(self.problems.rowCount())
        ]

    def done(self, code: int) -> None:  # Qt override
        self.wait()
        super().done(code)

    @classmethod
    def ask(
        cls, parent: QWidget | None, ws: Workspace, program_id: int, path: Path
    ) -> service.SheetImportResult | None:
        """Show the dialog (modal); the import's result, or None when cancelled."""
        dlg = cls(ws, program_id, path, parent)
        try:
            if dlg.exec() == QDialog.DialogCode.Accepted:
                return dlg.result_value
            return None
        finally:
            dlg.wait()
            dlg.deleteLater()
