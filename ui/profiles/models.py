"""Qt models for the profile tables: plain display rows plus ids, never ORM objects.

``person_rows`` turns a :class:`Scenario` into rows (pure Python); ``PeopleTableModel``
shows them and ``PeopleFilterProxy`` filters by a search text that matches name, id,
country, language, topic (id or name), site (id or name) and organization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from exchange_app.domain import Host, Official, Person, PersonKind, Scenario
from exchange_app.rules import country_name, language_name

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS: dict[PersonKind, tuple[str, ...]] = {
    PersonKind.OFFICIAL: (
        "Name",
        "Country",
        "Languages",
        "Organization",
        "Delegation",
        "Interests",
        "Sessions",
        "Id",
    ),
    PersonKind.HOST: ("Name", "Site", "Languages", "Expertise", "Organization", "Virtual", "Sessions", "Id"),
    PersonKind.INTERPRETER: ("Name", "Languages", "Sites", "Sessions", "Id"),
}

# a column's natural sort key: text, a count, a flag, or a (min, max) sessions range
SortKey = str | int | bool | tuple[int, int]

PLURAL = {PersonKind.OFFICIAL: "officials", PersonKind.HOST: "hosts", PersonKind.INTERPRETER: "interpreters"}


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One table row: the person's id, the cell texts, sort keys and a search text."""

    id: str
    cells: tuple[str, ...]
    sort_keys: tuple[SortKey, ...]
    search: str  # lower-case words, each after a space (see :func:`matches`)
    tooltip: str = ""


def search_words(text: str) -> list[str]:
    """Lower-case words of ``text``, split at spaces and punctuation (``madison-wi`` is two)."""
    return [w for w in re.split(r"[\W_]+", text.casefold()) if w]


def search_text(words: list[str]) -> str:
    """What a row is searched in: its words, each preceded by a space."""
    return " " + " ".join(search_words(" ".join(words)))


def matches(search: str, query_words: list[str]) -> bool:
    """Every query word starts a word of the row (``mad`` finds Madison, ``ci`` finds CI
    but not the ``ci`` inside "official")."""
    return all(" " + w in search for w in query_words)


def people_of(scenario: Scenario, kind: PersonKind) -> list[Person]:
    return list(getattr(scenario, PLURAL[kind]))


def person_rows(scenario: Scenario, kind: PersonKind, people: list[Person] | None = None) -> list[PersonRow]:
    """Display rows for every person of ``kind`` in ``scenario`` (in file order), or for just
    ``people`` (of that kind, with ``scenario``'s topics, sites and rules)."""
    topics = scenario.topics_by_id()
    sites = scenario.locations_by_id()

    def topic_name(t: str) -> str:
        return topics[t].name if t in topics else t

    def site_name(s: str | None) -> str:
        if s is None:
            return ""
        return sites[s].name if s in sites else s

    def limits(p: Person, lo: int | None) -> tuple[str, tuple[int, int]]:
        hi = scenario.max_sessions(p)
        if lo is None:
            return f"up to {hi}", (0, hi)
        return f"{lo}–{hi}", (lo, hi)

    rows: list[PersonRow] = []
    cells: tuple[str, ...]
    keys: tuple[SortKey, ...]
    for p in people_of(scenario, kind) if people is None else people:
        langs = ", ".join(p.languages)
        window_sites = sorted({w.location for w in p.availability if w.location})
        words = [
            p.id,
            p.name,
            p.email or "",
            *p.languages,
            *(language_name(code) for code in p.languages),  # "English" finds "en"
            *window_sites,
            *(site_name(s) for s in window_sites),
        ]
        if isinstance(p, Official):
            ranked = sorted(p.interests.items(), key=lambda kv: (-kv[1], topic_name(kv[0])))
            interests = ", ".join(f"{topic_name(t)} ({w})" for t, w in ranked)
            sessions, skey = limits(p, scenario.min_sessions(p))
            cells = (
                p.name,
                p.country,
                langs,
                p.organization or "",
                p.delegation or "",
                interests,
                sessions,
                p.id,
            )
            keys = (
                p.name.casefold(),
                p.country,
                langs,
                (p.organization or "").casefold(),
                p.delegation or "",
                -sum(p.interests.values()),
                skey,
                p.id,
            )
            words += [
                p.country,
                country_name(p.country),  # "Nigeria" finds "NG"
                p.organization or "",
                p.title or "",
                p.delegation or "",
                *p.interests,
                *(topic_name(t) for t in p.interests),
            ]
            tip = f"{p.name} ({p.id}) — {p.title or ''} {p.organization or ''}".strip()
        elif isinstance(p, Host):
            expertise = ", ".join(topic_name(t) for t in p.expertise)
            sessions, skey = limits(p, None)
            cells = (
                p.name,
                site_name(p.location),
                langs,
                expertise,
                p.organization or "",
                "yes" if p.virtual else "no",
                sessions,
                p.id,
            )
            keys = (
                p.name.casefold(),
                site_name(p.location).casefold(),
                langs,
                expertise.casefold(),
                (p.organization or "").casefold(),
                p.virtual,
                skey,
                p.id,
            )
            words += [
                p.location,
                site_name(p.location),
                p.organization or "",
                p.title or "",
                *p.expertise,
                *(topic_name(t) for t in p.expertise),
                "virtual" if p.virtual else "",
            ]
            tip = f"{p.name} ({p.id}) — {p.title or ''} {p.organization or ''}".strip()
        else:
            sessions, skey = limits(p, None)
            where = ", ".join(site_name(s) for s in window_sites)
            cells = (p.name, langs, where, sessions, p.id)
            keys = (p.name.casefold(), langs, where.casefold(), skey, p.id)
            tip = f"{p.name} ({p.id})"
        rows.append(PersonRow(p.id, cells, keys, search_text(words), tip))
    return rows


class PeopleTableModel(QAbstractTableModel):
    """Officials, hosts or interpreters as display rows (read-only; edits go through the
    detail editor and the undo stack)."""

    def __init__(self, kind: PersonKind, parent: QObject | None = None):
        super().__init__(parent)
        self.kind = kind
        self._columns = COLUMNS[kind]
        self._rows: list[PersonRow] = []
        self._row_of: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    # --- data in
    def set_rows(self, rows: list[PersonRow]) -> None:
        """Show ``rows`` (kept in the current sort order)."""
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        self.endResetModel()

    def set_row(self, person_id: str, row: PersonRow | None) -> None:
        """Show one person's new row (``row`` None: they are gone); the other rows stay as
        they are. A row whose sort place changed moves there (persistent indexes follow)."""
        at = self._row_of.get(person_id)
        if row is None:
            if at is None:
                return
            self.beginRemoveRows(QModelIndex(), at, at)
            del self._rows[at]
            self._row_of = {r.id: i for i, r in enumerate(self._rows)}
            self.endRemoveRows()
            return
        keyed = [*(r for r in self._rows if r.id != person_id), row]
        sorting = 0 <= self._sort[0] < len(self._columns)
        place = self._sorted(keyed).index(row) if sorting or at is None else at
        if at is None:
            self.beginInsertRows(QModelIndex(), place, place)
            self._rows.insert(place, row)
            self._row_of = {r.id: i for i, r in enumerate(self._rows)}
            self.endInsertRows()
        elif place == at:
            self._rows[at] = row
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(self._columns) - 1))
        else:
            self.beginMoveRows(QModelIndex(), at, at, QModelIndex(), place + (place > at))
            del self._rows[at]
            self._rows.insert(place, row)
            self._row_of = {r.id: i for i, r in enumerate(self._rows)}
            self.endMoveRows()
            self.dataChanged.emit(self.index(place, 0), self.index(place, len(self._columns) - 1))

    # --- sorting happens here, with Python's sort on the rows' natural keys (the proxy
    # in front only filters): fast enough to re-sort 2,000 people on every reload
    def _sorted(self, rows: list[PersonRow]) -> list[PersonRow]:
        column, order = self._sort
        if not (0 <= column < len(self._columns)):
            return list(rows)
        ordered = sorted(rows, key=lambda r: (r.sort_keys[column], r.id))
        return ordered[::-1] if order == Qt.SortOrder.DescendingOrder else ordered

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.id for r in self._rows]
        self._rows = self._sorted(self._rows)
        self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        persistent = self.persistentIndexList()
        moved = [self.index(self._row_of[old_ids[i.row()]], i.column()) for i in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # --- lookups
    def row_of(self, person_id: str) -> int | None:
        return self._row_of.get(person_id)

    def id_at(self, row: int) -> str:
        return self._rows[row].id

    def search_text(self, row: int) -> str:
        return self._rows[row].search

    def ids(self) -> list[str]:
        return [r.id for r in self._rows]

    # --- Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.cells[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return row.tooltip
            header = self._columns[col]
            if header in ("Country", "Languages") and row.cells[col]:
                from exchange_app.rules import country_name, language_name

                name = country_name if header == "Country" else language_name
                return ", ".join(name(code) for code in row.cells[col].split(", "))
            return row.cells[col] or None
        if role == ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            key = row.sort_keys[col]
            return key if isinstance(key, (str, int, bool)) else f"{key[0]:08d} {key[1]:08d}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
            and orientation == Qt.Orientation.Horizontal
        ):
            if 0 <= section < len(self._columns):
                return self._columns[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class PeopleFilterProxy(QSortFilterProxyModel):
    """Keeps rows where every word of the search box starts a word of the row (name, id,
    email, country, language, topic, site, organization; case-insensitive);
    sorting is passed to the :class:`PeopleTableModel` (by each column's natural key)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_search(self, text: str) -> None:
        words = search_words(text)
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.10
            self._words = words
            self.invalidateFilter()

    def search(self) -> str:
        return " ".join(self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the source model's (one Python sort instead of a comparison per pair)."""
        model = self.sourceModel()
        if isinstance(model, PeopleTableModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        assert isinstance(model, PeopleTableModel), "the proxy filters a PeopleTableModel"
        return matches(model.search_text(source_row), self._words)
