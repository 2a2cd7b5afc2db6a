"""Person view: pick an official, host or interpreter and see their itinerary."""

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
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Host, Mode, Official, Person, zone
from ui.board.document import BoardDocument

SessionIdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class ItineraryModel(QAbstractTableModel):
    """One person's sessions in time order, times in the site's local zone."""

    HEADERS = ("When (local time)", "Session")

    def __init__(self, document: BoardDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.person: str | None = None
        self._rows: list[tuple[str, str, str]] = []
        document.schedule_changed.connect(self._refresh)
        document.scenario_changed.connect(self._refresh)

    def set_person(self, person: str | None) -> None:
        self.person = person
        self._refresh()

    def _refresh(self) -> None:
        doc = self.document
        self.beginResetModel()
        rows = []
        if self.person is not None:
            mine = [s for s in doc.schedule.sessions_of(self.person) if s.slot in doc.slots]
            mine.sort(key=lambda s: (doc.slots[s.slot].start, s.id))
            for s in mine:
                slot = doc.slots[s.slot]
                tz = zone(doc.site_zone(s))
                start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
                when = f"{start:%a %d %b}\n{start:%H:%M}–{end:%H:%M} {start.tzname()}"
                loc = (
                    doc.locations.get(s.location or doc.hosts[s.host].location)
                    if s.host in doc.hosts
                    else None
                )
                where = "video" if s.mode is Mode.VIRTUAL else (loc.name if loc else (s.location or ""))
                others = [doc.official_label(o) for o in s.officials if o != self.person]
                details = f"{doc.topic_name(s.topic)} with {doc.person_name(s.host)}\n{where} · {s.language.upper()}"
                if s.interpreter:
                    details += f" · interpreter {doc.person_name(s.interpreter)}"
                if others:
                    details += "\nWith " + ", ".join(others)
                rows.append((s.id, when, details))
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column() + 1]
        if role == SessionIdRole:
            return row[0]
        return None


class PersonPanel(QWidget):
    """A searchable person picker above the chosen person's itinerary."""

    session_activated = Signal(str)

    def __init__(self, document: BoardDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.picker = QComboBox()
        self.picker.setEditable(True)
        self.picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.picker.setAccessibleName("Person")
        line = self.picker.lineEdit()
        assert line is not None  # an editable combo box has a line edit
        line.setPlaceholderText("Type a name, country or id…")
        completer = QCompleter(self.picker.model(), self.picker)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.picker.setCompleter(completer)
        label = QLabel("&Person:")
        label.setBuddy(self.picker)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = ItineraryModel(document, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Itinerary")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.model.modelReset.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.picker)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.picker.currentIndexChanged.connect(self._picked)
        document.scenario_changed.connect(self._fill)
        document.person_changed.connect(self._person_changed)
        document.schedule_changed.connect(self._update_summary)
        self._fill()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.table.resizeRowsToContents)  # the real column width is known now

    def _fill(self) -> None:
        doc = self.document
        current = self.model.person
        self.picker.blockSignals(True)
        self.picker.clear()
        for people in (doc.scenario.officials, doc.scenario.hosts, doc.scenario.interpreters):
            for p in sorted(people, key=lambda p: p.name):
                self.picker.addItem(self._label(p), p.id)
        self.picker.setCurrentIndex(-1)
        self.picker.blockSignals(False)
        if current is not None:
            self.show_person(current)
        else:
            self.model.set_person(None)
            self._update_summary()

    def _person_changed(self, person_id: str) -> None:
        """One profile changed: put its picker entry right (text and, after a rename, its
        place in name order, as ``_fill`` would) without refilling the picker."""
        doc = self.document
        groups = (doc.scenario.officials, doc.scenario.hosts, doc.scenario.interpreters)
        start = 0
        for people in groups:
            if any(p.id == person_id for p in people):
                break
            start += len(people)
        else:
            return
        ordered = sorted(people, key=lambda p: p.name)
        at = start + next(i for i, p in enumerate(ordered) if p.id == person_id)
        old = self.picker.findData(person_id)
        label = self._label(ordered[at - start])
        if old == at and self.picker.itemText(at) == label:
            return
        current = self.picker.currentIndex() == old
        self.picker.blockSignals(True)
        self.picker.removeItem(old)
        self.picker.insertItem(at, label, person_id)
        if current:
            self.picker.setCurrentIndex(at)
        self.picker.blockSignals(False)

    def _label(self, person: Person) -> str:
        doc = self.document
        if isinstance(person, Official):
            return f"{person.name} — official, {person.country}"
        if isinstance(person, Host):
            site = (
                doc.locations[person.location].name if person.location in doc.locations else person.location
            )
            return f"{person.name} — host, {site}"
        return f"{person.name} — interpreter, {'/'.join(person.languages)}"

    def show_person(self, person_id: str) -> bool:
        i = self.picker.findData(person_id)
        if i < 0:
            return False
        self.picker.setCurrentIndex(i)
        self._picked(i)
        return True

    def _picked(self, i: int) -> None:
        self.model.set_person(self.picker.itemData(i) if i >= 0 else None)
        self._update_summary()

    def _update_summary(self) -> None:
        doc = self.document
        pid = self.model.person
        if pid is None:
            self.summary.setText("Pick a person to see their sessions.")
            return
        n = self.model.rowCount()
        text = f"{doc.person_name(pid)}: {n} session{'s' if n != 1 else ''}"
        if pid in doc.officials:
            text += f" (minimum {doc.min_sessions(pid)})"
        self.summary.setText(text + ". Times are local to each session's site.")

    def _activated(self, index: QModelIndex) -> None:
        sid = index.data(SessionIdRole)
        if sid:
            self.session_activated.emit(sid)
