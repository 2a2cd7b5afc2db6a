"""Topics & Sites tab: read-only tables of the program's topics (who is interested, who
can lead them) and sites (time zone, UTC offset on the program days, hosts there)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from exchange_app.domain import Scenario, zone

SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def program_days(scenario: Scenario) -> list[date]:
    return sorted({scenario.day_of(s) for s in scenario.slots})


def offsets_on_days(zone_name: str, days: list[date]) -> str:
    """The zone's UTC offset across the program days, naming the day it changes."""
    if not days:
        return ""
    z = zone(zone_name)
    parts: list[str] = []
    last = None
    for d in days:
        off = datetime.combine(d, time(12), z).utcoffset()
        if off != last:
            parts.append(_offset_text(off) if last is None else f"{_offset_text(off)} from {d:%a %d %b}")
            last = off
    return ", ".join(parts)


def topic_rows(scenario: Scenario) -> list[tuple[tuple, tuple]]:
    """(cells, sort keys) per topic: name, id, officials interested (top priority), hosts."""
    rows = []
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


def site_rows(scenario: Scenario) -> list[tuple[tuple, tuple]]:
    """(cells, sort keys) per site: name, id, zone, UTC offset on program days, hosts."""
    days = program_days(scenario)
    rows = []
    for x in scenario.locations:
        hosts = [h for h in scenario.hosts if h.location == x.id]
        virtual = sum(1 for h in hosts if h.virtual)
        offsets = offsets_on_days(x.timezone, days)
        cells = (x.name, x.id, x.timezone, offsets, f"{len(hosts)} ({virtual} also virtual)")
        keys = (x.name.casefold(), x.id, x.timezone, offsets, len(hosts))
        rows.append((cells, keys))
    return rows


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows with a sort key per cell."""

    def __init__(self, headers: tuple[str, ...], parent=None):
        super().__init__(parent)
        self._headers = headers
        self._rows: list[tuple[tuple, tuple]] = []

    def set_rows(self, rows: list[tuple[tuple, tuple]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
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

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
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
        self.sites_model = RowsModel(("Site", "Id", "Time zone", "UTC offset on program days", "Hosts"), self)
        self.topics_view = _table(self.topics_model, "Topics table")
        self.sites_view = _table(self.sites_model, "Sites table")
        topics_label = QLabel("Topi&cs")
        topics_label.setBuddy(self.topics_view)
        sites_label = QLabel("S&ites")
        sites_label.setBuddy(self.sites_view)
        for label in (topics_label, sites_label):
            label.setObjectName("editorHeading")
        top, bottom = QWidget(), QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addWidget(topics_label)
        tv.addWidget(self.topics_view)
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(sites_label)
        bv.addWidget(self.sites_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def set_data(self, scenario: Scenario) -> None:
        self.topics_model.set_rows(topic_rows(scenario))
        self.sites_model.set_rows(site_rows(scenario))
        for view in (self.topics_view, self.sites_view):
            view.resizeColumnsToContents()
            header = view.horizontalHeader()
            for c in range(header.count() - 1):
                header.resizeSection(c, min(header.sectionSize(c) + 16, 360))
