"""One profile tab (Officials, Hosts or Interpreters): search box, table, detail editor,
and Add / Duplicate / Delete as undoable commands on the shared undo stack."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Host, Interpreter, Official, Person, PersonKind, Scenario
from exchange_app.errors import ConflictError, ExchangeError
from exchange_app.services import Revision, Workspace
from ui.profiles.commands import DeletePersonCommand, SavePersonCommand, WorkspaceCommand
from ui.profiles.editor import TITLES, PersonEditor
from ui.profiles.models import ID_ROLE, PLURAL, PeopleFilterProxy, PeopleTableModel, people_of, person_rows

# starting column widths in "M" widths (staff can drag them)
COLUMN_EMS = {
    "Name": 12,
    "Country": 5,
    "Languages": 6.5,
    "Organization": 13,
    "Delegation": 6,
    "Interests": 22,
    "Sessions": 6,
    "Id": 5,
    "Site": 14,
    "Expertise": 22,
    "Virtual": 4.5,
    "Sites": 22,
}

ID_PREFIX = {PersonKind.OFFICIAL: "o-", PersonKind.HOST: "h-", PersonKind.INTERPRETER: "i-"}


def next_id(kind: PersonKind, existing: list[str]) -> str:
    """A new id in the style of the existing ones (``o-0151`` after ``o-0150``)."""
    best: tuple[str, int, int] | None = None
    for pid in existing:
        m = re.fullmatch(r"(.*?)(\d+)", pid)
        if m and (best is None or int(m.group(2)) > best[1]):
            best = (m.group(1), int(m.group(2)), len(m.group(2)))
    prefix, number, width = best if best else (ID_PREFIX[kind], 0, 4)
    taken = set(existing)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            return candidate


def blank_person(kind: PersonKind, person_id: str, scenario: Scenario) -> Person:
    """The template a new person starts from (empty fields; the editor shows what is missing)."""
    if kind == PersonKind.OFFICIAL:
        return Official(id=person_id, name="", country="")
    if kind == PersonKind.HOST:
        site = scenario.locations[0].id if scenario.locations else ""
        return Host(id=person_id, name="", location=site)
    return Interpreter(id=person_id, name="")


class PeopleTab(QWidget):
    """Officials, hosts or interpreters. The owner calls :meth:`set_data` after every
    change to the stored program; commands call ``on_change`` so the owner reloads."""

    status_message = Signal(str)
    editor: PersonEditor  # made in __init__ after the table, whose signals refer to it

    def __init__(
        self,
        kind: PersonKind,
        workspace: Workspace,
        program_id: int,
        undo_stack: QUndoStack,
        on_change: Callable[[PersonKind | None, str | None], None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.kind = kind
        self.ws, self.program_id, self.undo_stack = workspace, program_id, undo_stack
        self._on_change = on_change
        self._scenario: Scenario | None = None
        self._revisions: dict[tuple[PersonKind, str], Revision] = {}
        self._people: dict[str, Person] = {}
        word = TITLES[kind]
        plural = PLURAL[kind]

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, country, language, topic, site, organization…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(f"Search {plural}")
        self.search_label = QLabel("Sea&rch:")
        self.search_label.setBuddy(self.search)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(f"Number of {plural} shown")

        self.model = PeopleTableModel(kind, self)
        self.proxy = PeopleFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName(f"{plural.capitalize()} table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setMinimumSectionSize(self.fontMetrics().height() + 4)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, name in enumerate(
            self.model.headerData(c, Qt.Orientation.Horizontal) for c in range(self.model.columnCount())
        ):
            header.resizeSection(
                column, max(int(em * COLUMN_EMS.get(name, 8)), header.sectionSizeHint(column))
            )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(
            lambda _index: self.editor.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        )
        self.search.textChanged.connect(self._search_changed)

        self.add_button = QPushButton(f"&Add {word}")
        self.duplicate_button = QPushButton("D&uplicate")
        self.delete_button = QPushButton("Delete")
        self.add_button.setAccessibleName(f"Add {word}")
        self.duplicate_button.setAccessibleName(f"Duplicate selected {word}")
        self.delete_button.setAccessibleName(f"Delete selected {word}")
        self.delete_button.setToolTip("Delete the selected person (Del in the table)")
        self.add_button.clicked.connect(self.add_person)
        self.duplicate_button.clicked.connect(self.duplicate_person)
        self.delete_button.clicked.connect(self.delete_person)
        delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_shortcut.activated.connect(self.delete_person)

        self.editor = PersonEditor(kind)
        self.editor.save_requested.connect(self._save_requested)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        lv.addLayout(top)
        lv.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.duplicate_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        lv.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        QWidget.setTabOrder(self.search, self.table)
        QWidget.setTabOrder(self.table, self.add_button)
        QWidget.setTabOrder(self.add_button, self.duplicate_button)
        QWidget.setTabOrder(self.duplicate_button, self.delete_button)
        QWidget.setTabOrder(self.delete_button, self.editor.id_edit)
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not getattr(self, "_sized", False):  # first show: give the table a fair share
            self._sized = True
            total = self.splitter.width()
            self.splitter.setSizes([int(total * 0.45), total - int(total * 0.45)])

    # ------------------------------------------------------------------ data
    def set_data(self, scenario: Scenario, revisions: dict[tuple[PersonKind, str], Revision]) -> None:
        """Show the stored program; keeps the selection and any unsaved edit in the editor."""
        keep = self.current_id()
        editing_new = self.editor.is_new() and self.editor.is_dirty()
        self._scenario, self._revisions = scenario, revisions
        self._people = {p.id: p for p in people_of(scenario, self.kind)}
        self.model.set_rows(person_rows(scenario, self.kind))
        self._update_count()
        self._keep_selection(keep, editing_new)

    def update_person(
        self,
        scenario: Scenario,
        revisions: dict[tuple[PersonKind, str], Revision],
        kind: PersonKind,
        person_id: str,
    ) -> None:
        """Show the program after one person's save or delete: ``scenario`` is the program
        with that person as stored now (absent when deleted). Only their table row is
        rebuilt (and only in their own tab); selection and unsaved edits stay as in
        :meth:`set_data`. Another kind's tab only takes the new program: its rows and its
        editor (topics, sites, rules and people of its own kind) do not depend on them."""
        keep = self.current_id()
        editing_new = self.editor.is_new() and self.editor.is_dirty()
        self._scenario, self._revisions = scenario, revisions
        if kind != self.kind:
            return
        person = next((p for p in people_of(scenario, kind) if p.id == person_id), None)
        if person is None:
            self._people.pop(person_id, None)
            self.model.set_row(person_id, None)
        else:
            self._people[person_id] = person
            self.model.set_row(person_id, person_rows(scenario, kind, [person])[0])
        self._update_count()
        self._keep_selection(keep, editing_new)

    def _keep_selection(self, keep: str | None, editing_new: bool) -> None:
        """After new data: select ``keep`` again (and show them as stored, unless edited)."""
        scenario = self._scenario
        assert scenario is not None  # called after the data was set
        if editing_new:
            return
        if keep is not None and keep in self._people:
            self.select(keep)
        else:
            self.table.clearSelection()
            if not self.editor.is_dirty():
                self.editor.load(None, scenario)
        self._update_buttons()

    def current_id(self) -> str | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        person_id: str = index.data(ID_ROLE)
        return person_id

    def select(self, person_id: str) -> bool:
        """Select a person in the table (clearing a search that hides them)."""
        row = self.model.row_of(person_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        self._load_editor(person_id)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        person_id = current.data(ID_ROLE) if current.isValid() else None
        pending = None
        if person_id is not None and self.editor.is_dirty() and self.editor.original_id() != person_id:
            pending = self._take_unsaved_edit()  # asks; leaves the editor clean
        self._load_editor(person_id)
        self._update_buttons()
        if pending is not None:  # stored after the switch: the reload keeps this selection
            self._save_requested(*pending, select=False)

    def _load_editor(self, person_id: str | None) -> None:
        if self._scenario is None:
            return
        person = self._people.get(person_id) if person_id else None
        if self.editor.is_dirty() and person is not None and self.editor.original_id() == person_id:
            return  # same person, unsaved edits: keep them
        self.editor.load(person, self._scenario)

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        plural = PLURAL[self.kind]
        self.count_label.setText(f"{total} {plural}" if shown == total else f"{shown} of {total} {plural}")

    def _update_buttons(self) -> None:
        has = self.current_id() is not None
        self.duplicate_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.add_button.setEnabled(self._scenario is not None)

    # --------------------------------------------------------------- actions
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_person(self) -> None:
        """Start a new person in the editor; Save adds them (undoable)."""
        if self._scenario is None:
            return
        template = blank_person(self.kind, next_id(self.kind, list(self._people)), self._scenario)
        self.table.clearSelection()
        self.editor.load(template, self._scenario, new=True)
        self.editor.name_edit.setFocus()
        self._update_buttons()

    def duplicate_person(self) -> None:
        person_id = self.current_id()
        if person_id is None or person_id not in self._people:
            return
        source = self._people[person_id]
        twin = copy.deepcopy(source)
        twin.id = next_id(self.kind, list(self._people))
        twin.name = f"{source.name} (copy)"
        self._run(
            SavePersonCommand(
                self.ws, self.program_id, None, twin, self._on_change, self._command_failed, verb="Duplicate"
            ),
            twin.id,
        )

    def delete_person(self) -> None:
        person_id = self.current_id()
        if person_id is None or person_id not in self._people or self._scenario is None:
            return
        person = self._people[person_id]
        if not self.confirm_delete(self, person):
            return
        revision = self._revision_of(person_id)
        self._run(
            DeletePersonCommand(
                self.ws,
                self.program_id,
                person,
                self._scenario,
                self._on_change,
                self._command_failed,
                expected_revision=revision,
            ),
            None,
        )

    @staticmethod
    def confirm_delete(parent: QWidget, person: Person) -> bool:
        """Ask before deleting (tests monkeypatch this)."""
        answer = QMessageBox.question(
            parent,
            "Delete",
            f"Delete {person.kind.value} {person.name} ({person.id})?\n"
            "Their pins and forbidden pairs go too. You can undo this.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def ask_conflict(parent: QWidget, error: ConflictError) -> bool:
        """Show a conflict; True when staff choose Reload (tests monkeypatch this)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Changed meanwhile",
            str(error),
            QMessageBox.StandardButton.Cancel,
            parent,
        )
        reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(reload)
        box.exec()
        return box.clickedButton() is reload

    @staticmethod
    def ask_unsaved(parent: QWidget, name: str, can_save: bool) -> bool:
        """Unsaved edits when leaving a person: True = save them (tests monkeypatch this)."""
        if not can_save:
            QMessageBox.information(
                parent, "Unsaved changes", f"The changes to {name} have problems and were not saved."
            )
            return False
        answer = QMessageBox.question(
            parent,
            "Unsaved changes",
            f"Save the changes to {name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Save,
        )
        return answer == QMessageBox.StandardButton.Save

    def _take_unsaved_edit(self) -> tuple[Person, str | None] | None:
        """Ask about the editor's unsaved changes: the edited person and their original id
        when staff choose Save, else None. The editor is cleared either way."""
        person = self.editor.person()
        name = self.editor.name_edit.text() or (person.id if person else "")
        edited = (
            self.editor.edited_person() if self.ask_unsaved(self, name, not self.editor.problems()) else None
        )
        result = (edited, self.editor.original_id()) if edited is not None else None
        if self._scenario is not None:  # an editor with edits was loaded from it
            self.editor.load(None, self._scenario)
        return result

    def _offer_save(self) -> None:
        """Before leaving (another database, program or closing): save or drop edits."""
        pending = self._take_unsaved_edit()
        if pending is not None:
            self._save_requested(*pending, select=False)

    def _revision_of(self, person_id: str) -> int | None:
        rev = self._revisions.get((self.kind, person_id))
        return rev.revision if rev is not None else None

    def _save_requested(self, person: Person, original_id: str | None, select: bool = True) -> None:
        before = self._people.get(original_id) if original_id else None
        revision = self._revision_of(original_id) if original_id else None
        self._run(
            SavePersonCommand(
                self.ws,
                self.program_id,
                before,
                person,
                self._on_change,
                self._command_failed,
                expected_revision=revision,
            ),
            person.id if select else None,
        )

    def _run(self, command: WorkspaceCommand, select_id: str | None) -> None:
        """Apply a command (refusals are shown, nothing is pushed) and put it on the stack."""
        try:
            command.apply()
        except ConflictError as e:
            if self.ask_conflict(self, e):
                if self._scenario is not None:
                    self.editor.load(None, self._scenario)
                self._on_change(self.kind, None)
            return
        except ExchangeError as e:
            QMessageBox.warning(self, "Not saved", str(e))
            return
        self.undo_stack.push(command)
        if select_id is not None:
            if self._scenario is not None:
                self.editor.load(None, self._scenario)  # the saved person reloads from storage
            self.select(select_id)
        self.status_message.emit(command.text())

    def _command_failed(self, what: str, error: ExchangeError) -> None:
        QMessageBox.warning(self, "Could not " + what.split(" ", 1)[0].lower(), f"{what}: {error}")
