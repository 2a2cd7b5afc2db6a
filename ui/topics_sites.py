"""Topics & Sites tab: the program's topics (who is interested, who can lead them), sites
(time zone, UTC offset on the program days, hosts there) and slots (the dates and daily
hours), with add, rename and remove (refused, naming who uses it, while anything does)
and new dates and hours that make the slot grid again. Every edit is one undo command on
the window's stack (:class:`ScenarioEditCommand`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Scenario, Schedule, zone
from exchange_app.errors import ExchangeError, NotFoundError
from exchange_app.naming import plural
from exchange_app.services import Workspace, program_edits
from exchange_app.services.new_program import grid_summary, zone_names
from ui.dialogs.slots import AddSlotDialog, DatesHoursDialog, program_days
from ui.profiles.commands import ChangeHook, ErrorHook, WorkspaceCommand

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
# (cells, sort keys) of one table row: the texts shown and a key per column to sort by
Row = tuple[tuple[str, ...], tuple[str | int, ...]]


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def offsets_on_days(zone_name: str, days: list[date]) -> str:
    """The zone's UTC offset across the program days, naming the day it changes."""
    if not days:
        return ""
    z = zone(zone_name)
    parts: list[str] = []
    last = None
    for d in days:
        off = datetime.combine(d, time(12), z).utcoffset() or timedelta(0)  # aware: never None
        if off != last:
            parts.append(_offset_text(off) if last is None else f"{_offset_text(off)} from {d:%a %d %b}")
            last = off
    return ", ".join(parts)


def topic_rows(scenario: Scenario) -> list[Row]:
    """(cells, sort keys) per topic: name, id, officials interested (top priority), hosts."""
    rows: list[Row] = []
    for t in scenario.topics:
        interested = [o for o in scenario.officials if t.id in o.interests]
        top = sum(1 for o in interested if o.interests[t.id] == 3)
        hosts = [h for h in scenario.hosts if t.id in h.expertise]
        cells = (
            t.name,
            t.id,
            f"{len(interested)} ({top} top priority)",
            str(len(hosts)),
            t.description or "",
        )
        keys = (t.name.casefold(), t.id, len(interested), len(hosts), (t.description or "").casefold())
        rows.append((cells, keys))
    return rows


def slot_rows(scenario: Scenario) -> list[Row]:
    """(cells, sort keys) per slot: day and time in the program's zone, the local times at
    the sites, length, id, pins at it."""
    z = zone(scenario.program.timezone)
    zones: dict[str, str] = {}
    for site in scenario.locations:  # one local time per zone, named by its first site
        zones.setdefault(site.timezone, site.name.split(",")[0].strip())
    pins: dict[str, int] = {}
    for p in scenario.pins:
        pins[p.slot] = pins.get(p.slot, 0) + 1
    rows: list[Row] = []
    for x in scenario.slots:
        a, b = x.start.astimezone(z), x.end.astimezone(z)
        local = ", ".join(f"{name} {x.start.astimezone(zone(tz)):%H:%M}" for tz, name in zones.items())
        minutes = int((x.end - x.start).total_seconds() // 60)
        start_key = x.start.timestamp()
        cells = (
            f"{a:%a} {a.day} {a:%b}",
            x.id,
            f"{a:%H:%M}-{b:%H:%M} {a.tzname()}",
            local,
            f"{minutes} min",
            str(pins.get(x.id, 0) or ""),
        )
        keys = (int(start_key), x.id, int(start_key), int(start_key), minutes, pins.get(x.id, 0))
        rows.append((cells, keys))
    return rows


def site_rows(scenario: Scenario) -> list[Row]:
    """(cells, sort keys) per site: name, id, zone, UTC offset on program days, hosts."""
    days = program_days(scenario)
    rows: list[Row] = []
    for x in scenario.locations:
        hosts = [h for h in scenario.hosts if h.location == x.id]
        virtual = sum(1 for h in hosts if h.virtual)
        offsets = offsets_on_days(x.timezone, days)
        address = getattr(x, "address", None) or ""
        cells = (x.name, x.id, x.timezone, offsets, f"{len(hosts)} ({virtual} also virtual)", address)
        keys = (x.name.casefold(), x.id, x.timezone, offsets, len(hosts), address.casefold())
        rows.append((cells, keys))
    return rows


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows with a sort key per cell."""

    def __init__(self, headers: tuple[str, ...], parent: QObject | None = None):
        super().__init__(parent)
        self._headers = headers
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        cells, keys = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return cells[index.column()] or None
        if role == SORT_ROLE:
            return keys[index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
            and orientation == Qt.Orientation.Horizontal
        ):
            if 0 <= section < len(self._headers):
                return self._headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def _table(model: RowsModel, name: str) -> QTableView:
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setAccessibleName(name)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


class TopicsSitesTab(QWidget):
    """Two read-only tables; :meth:`set_data` refreshes them from a scenario."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.topics_model = RowsModel(
            ("Topic", "Id", "Officials interested", "Hosts with expertise", "Description"), self
        )
        self.sites_model = RowsModel(
            ("Site", "Id", "Time zone", "UTC offset on program days", "Hosts", "Address"), self
        )
        self.slots_model = RowsModel(("Day", "Id", "Time", "At the sites", "Length", "Pins"), self)
        self.topics_view = _table(self.topics_model, "Topics table")
        self.sites_view = _table(self.sites_model, "Sites table")
        self.slots_view = _table(self.slots_model, "Slots table")
        topics_label = QLabel("Topi&cs")
        topics_label.setBuddy(self.topics_view)
        sites_label = QLabel("S&ites")
        sites_label.setBuddy(self.sites_view)
        slots_label = QLabel("Sl&ots")
        slots_label.setBuddy(self.slots_view)
        self.slots_summary = QLabel()
        self.slots_summary.setAccessibleName("Slots summary")
        for label in (topics_label, sites_label, slots_label):
            label.setObjectName("editorHeading")
        self.scenario: Scenario | None = None
        self.ws: Workspace | None = None
        self.program_id: int | None = None
        self.undo_stack: QUndoStack | None = None
        #: the board's schedule with its unsaved edits (set by the main window)
        self.board_schedule: Callable[[], Schedule | None] | None = None
        self._on_change: ChangeHook | None = None
        self._on_error: ErrorHook | None = None
        self.buttons: dict[str, QPushButton] = {}
        top, bottom = QWidget(), QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addLayout(self._row(topics_label, "topic"))
        tv.addWidget(self.topics_view)
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addLayout(self._row(sites_label, "site"))
        bv.addWidget(self.sites_view)
        slots_part = QWidget()
        sv = QVBoxLayout(slots_part)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addLayout(self._slots_row(slots_label))
        sv.addWidget(self.slots_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.addWidget(slots_part)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _row(self, label: QLabel, what: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label)
        row.addStretch(1)
        for verb, slot in (("Add", self.add), ("Rename", self.rename), ("Remove", self.remove)):
            b = QPushButton(f"{verb} {what}…" if verb != "Remove" else f"{verb} {what}")
            b.setAccessibleName(f"{verb} {what}")
            b.clicked.connect(lambda _=False, s=slot, w=what: s(w))
            b.setEnabled(False)
            self.buttons[f"{verb.lower()} {what}"] = b
            row.addWidget(b)
        return row

    def _slots_row(self, label: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.slots_summary)
        row.addStretch(1)
        for key, text, slot in (
            ("change dates", "Change dates and hours…", self.change_dates),
            ("add slot", "Add slot…", self.add_slot),
            ("remove slot", "Remove slot", self.remove_slot),
        ):
            b = QPushButton(text)
            b.setAccessibleName(text.rstrip("…"))
            b.clicked.connect(lambda _=False, s=slot: s())
            b.setEnabled(False)
            self.buttons[key] = b
            row.addWidget(b)
        return row

    def bind(
        self,
        ws: Workspace,
        program_id: int,
        undo_stack: QUndoStack,
        on_change: ChangeHook,
        on_error: ErrorHook,
    ) -> None:
        """Make the tables editable: edits go to ``ws`` as commands on ``undo_stack``."""
        self.ws, self.program_id, self.undo_stack = ws, program_id, undo_stack
        self._on_change, self._on_error = on_change, on_error
        for b in self.buttons.values():
            b.setEnabled(True)

    # ------------------------------------------------------------------ editing
    def _current_id(self, what: str) -> str | None:
        view = {"topic": self.topics_view, "site": self.sites_view, "slot": self.slots_view}[what]
        index = view.currentIndex()
        if not index.isValid():
            return None
        key: str = index.sibling(index.row(), 1).data()
        return key

    def _latest_schedule(self) -> Schedule | None:
        """The sessions a removal must not orphan: the latest stored schedule and, when the
        board has edits not saved yet (``board_schedule``), its sessions too."""
        if self.ws is None or self.program_id is None:
            return None
        try:
            schedule: Schedule | None = self.ws.load_schedule(self.program_id)
        except NotFoundError:
            schedule = None
        board = self.board_schedule() if self.board_schedule is not None else None
        if board is None or board is schedule:
            return schedule
        if schedule is None:
            return board
        stored = {x.id for x in schedule.sessions}
        return Schedule(sessions=[*schedule.sessions, *(x for x in board.sessions if x.id not in stored)])

    def add(self, what: str) -> None:
        sc = self.scenario
        if sc is None or self.ws is None:
            return
        try:
            if what == "topic":
                name, ok = QInputDialog.getText(self, "Add topic", "Topic name:")
                if not ok or not name.strip():
                    return
                after, _ = program_edits.add_topic(sc, name)
                text = f"Add topic {name.strip()}"
            else:
                got = SiteDialog.ask(self)
                if got is None:
                    return
                after, _ = program_edits.add_site(sc, *got)
                text = f"Add site {got[0].strip()}"
        except ExchangeError as e:
            QMessageBox.warning(self, f"{what.capitalize()} not added", str(e))
            return
        self.push(after, text)

    def rename(self, what: str) -> None:
        sc, key = self.scenario, self._current_id(what)
        if sc is None or self.ws is None or key is None:
            return
        old = next((x.name for x in (sc.topics if what == "topic" else sc.locations) if x.id == key), key)
        name, ok = QInputDialog.getText(self, f"Rename {what}", f"New name for {old}:", text=old)
        if not ok or name.strip() == old:
            return
        try:
            after = (
                program_edits.rename_topic(sc, key, name)
                if what == "topic"
                else program_edits.rename_site(sc, key, name)
            )
        except ExchangeError as e:
            QMessageBox.warning(self, f"{what.capitalize()} not renamed", str(e))
            return
        self.push(after, f"Rename {what} {old} to {name.strip()}")

    def remove(self, what: str) -> None:
        sc, key = self.scenario, self._current_id(what)
        if sc is None or self.ws is None or key is None:
            return
        schedule = self._latest_schedule()
        name = next((x.name for x in (sc.topics if what == "topic" else sc.locations) if x.id == key), key)
        try:
            after = (
                program_edits.remove_topic(sc, key, schedule)
                if what == "topic"
                else program_edits.remove_site(sc, key, schedule)
            )
        except ExchangeError as e:
            problems = getattr(e, "problems", None)
            QMessageBox.warning(
                self, f"{what.capitalize()} not removed", problems[0].message if problems else str(e)
            )
            return
        self.push(after, f"Remove {what} {name}")

    def change_dates(self) -> None:
        """New dates and daily hours: the slot grid is made again (refused while slots
        that would go are used)."""
        sc = self.scenario
        if sc is None or self.ws is None:
            return
        schedule = self._latest_schedule()
        got = DatesHoursDialog.ask(self, sc, schedule)
        if got is None:
            return
        try:
            after, added, removed = program_edits.regrid(sc, *got, schedule)
        except ExchangeError as e:
            QMessageBox.warning(self, "Dates and hours not changed", _first_message(e))
            return
        if not added and not removed:
            return
        self.push(
            after, f"Change dates and hours (adds {plural(added, 'slot')}, removes {plural(removed, 'slot')})"
        )

    def add_slot(self) -> None:
        sc = self.scenario
        if sc is None or self.ws is None:
            return
        got = AddSlotDialog.ask(self, sc)
        if got is None:
            return
        try:
            after, sid = program_edits.add_slot(sc, *got)
        except ExchangeError as e:
            QMessageBox.warning(self, "Slot not added", _first_message(e))
            return
        new = next(x for x in after.slots if x.id == sid)
        self.push(after, f"Add slot {program_edits.slot_text(after, new)}")

    def remove_slot(self) -> None:
        sc, key = self.scenario, self._current_id("slot")
        if sc is None or self.ws is None or key is None:
            return
        slot = next((x for x in sc.slots if x.id == key), None)
        if slot is None:
            return
        try:
            after = program_edits.remove_slot(sc, key, self._latest_schedule())
        except ExchangeError as e:
            QMessageBox.warning(self, "Slot not removed", _first_message(e))
            return
        self.push(after, f"Remove slot {program_edits.slot_text(sc, slot)}")

    def push(self, after: Scenario, text: str) -> None:
        """Store ``after`` as one undoable step (refused edits never reach the stack)."""
        if self.scenario is None or self.ws is None or self.program_id is None or self.undo_stack is None:
            return
        command = ScenarioEditCommand(
            self.ws, self.program_id, self.scenario, after, text, self._on_change, self._on_error
        )
        try:
            command.apply()
        except ExchangeError as e:
            QMessageBox.warning(self, "Not saved", str(e))
            return
        self.undo_stack.push(command)

    def set_data(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.topics_model.set_rows(topic_rows(scenario))
        self.sites_model.set_rows(site_rows(scenario))
        self.slots_model.set_rows(slot_rows(scenario))
        self.slots_summary.setText(grid_summary(scenario))
        for view in (self.topics_view, self.sites_view, self.slots_view):
            view.resizeColumnsToContents()
            header = view.horizontalHeader()
            for c in range(header.count() - 1):
                header.resizeSection(c, min(header.sectionSize(c) + 16, 360))


def _first_message(e: ExchangeError) -> str:
    problems = getattr(e, "problems", None)
    return "\n".join(p.message for p in problems) if problems else str(e)


class ScenarioEditCommand(WorkspaceCommand):
    """Replace the stored program ``before`` -> ``after`` (topics, sites and slots edits)."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        before: Scenario,
        after: Scenario,
        text: str,
        on_change: ChangeHook | None,
        on_error: ErrorHook | None = None,
    ):
        super().__init__(ws, program_id, text, on_change or (lambda *_: None), on_error)
        self.before, self.after = before, after

    def _do(self, first: bool) -> None:
        self.ws.replace_scenario(self.program_id, self.after)

    def _undo(self) -> None:
        self.ws.replace_scenario(self.program_id, self.before)


class SiteDialog(QDialog):
    """Name, IANA time zone (picked from the list) and address of a new site."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add site")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Honolulu, Hawaii (City and County of Honolulu)")
        self.zone = zone_combo()
        self.address = QLineEdit()
        form = QFormLayout(self)
        form.addRow("&Name:", self.name)
        form.addRow("Time &zone:", self.zone)
        form.addRow("&Address:", self.address)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str | None]:
        return self.name.text(), self.zone.currentText().strip(), self.address.text().strip() or None

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, str, str | None] | None:
        dlg = cls(parent)
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        got = dlg.values() if ok else None
        dlg.deleteLater()
        return got


def zone_combo(current: str = "America/New_York") -> QComboBox:
    """An editable list of IANA zones (type to search), U.S. zones first."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(zone_names())
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setCurrentText(current)
    combo.setAccessibleName("Time zone")
    completer = combo.completer()
    assert completer is not None  # an editable combo box has one
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return combo
