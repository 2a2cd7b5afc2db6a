"""Qt model of the board: one program day, hosts (grouped by site) as rows, slots as columns.

Each cell is a host at a slot; it holds that host's session there, if any. The model keeps
ids and cached display rows (:class:`Card`), never live objects from storage. Drag and
drop goes through the model: :meth:`mimeData` / :meth:`canDropMimeData` /
:meth:`dropMimeData`, the last pushing an undo command on the shared stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from exchange_app.domain import Mode, Session, zone
from ui.board import commands
from ui.board.document import BoardDocument, Reason, _Reason, reasons_text
from ui.board.mime import BoardDragMixin, DragPayload

SessionIdRole = Qt.ItemDataRole.UserRole + 1
CardRole = Qt.ItemDataRole.UserRole + 2
HighlightRole = Qt.ItemDataRole.UserRole + 3  # NONE / LEGAL / ILLEGAL while something is dragged
ReasonRole = Qt.ItemDataRole.UserRole + 4  # why a drop here is refused ("" = legal)
AvailableRole = Qt.ItemDataRole.UserRole + 5  # the host is available for the whole slot
HoverRole = Qt.ItemDataRole.UserRole + 6  # the cell under a drag
SiteStartRole = Qt.ItemDataRole.UserRole + 7  # first host of a site group (vertical header)

NONE, LEGAL, ILLEGAL = 0, 1, 2

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class OfficialLine:
    id: str
    name: str
    country: str
    pinned: bool


@dataclass(frozen=True, slots=True)
class Card:
    """What a session card shows."""

    session: str
    topic: str
    language: str
    interpreter: str  # name, "" when none
    virtual: bool
    officials: tuple[OfficialLine, ...]
    flagged: bool  # the checker reports a violation in this session


class BoardModel(BoardDragMixin, QAbstractTableModel):
    """Sessions of one day: rows are hosts (sorted by site, then name), columns are slots."""

    message = Signal(str)  # for the status line: refusals, what a drop here would do

    def __init__(self, document: BoardDocument, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.display_zone = document.scenario.program.timezone
        self.only_busy_hosts = False
        self.insist = False  # staff hold the modifier: keep a drop that breaks a rule
        self._day: date | None = document.days[0] if document.days else None
        self._rows: list[str] = []
        self._cols: list[str] = []
        self._cards: dict[str, Card] = {}
        self._payload: DragPayload | None = None
        self.preview: DragPayload | None = None  # "show possible places" for this official
        self._hover: tuple[int, int] | None = None
        self._available_cache: dict[tuple[str, str], bool] = {}
        self._layout()
        document.schedule_changed.connect(self._on_schedule_changed)
        document.scenario_changed.connect(self._on_scenario_changed)
        document.person_changed.connect(self._on_person_changed)

    # ------------------------------------------------------------------ layout
    @property
    def day(self) -> date | None:
        return self._day

    def set_day(self, day: date) -> None:
        if day != self._day:
            self.beginResetModel()
            self._day = day
            self._layout()
            self.endResetModel()

    def set_display_zone(self, tz: str) -> None:
        zone(tz)  # raises for an unknown zone
        self.display_zone = tz
        if self._cols:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._cols) - 1)

    def set_only_busy_hosts(self, only: bool) -> None:
        self.beginResetModel()
        self.only_busy_hosts = only
        self._layout()
        self.endResetModel()

    def _available(self, host: str, slot: str) -> bool:
        key = (host, slot)
        found = self._available_cache.get(key)
        if found is None:
            doc = self.document
            found = doc.hosts[host].window_for(doc.slots[slot]) is not None
            self._available_cache[key] = found
        return found

    def _compute_rows(self) -> list[str]:
        doc = self.document
        if self._day is None:
            return []
        cols = self._cols
        busy = {h for (h, sl) in doc.cell if doc.day_of_slot.get(sl) == self._day and h in doc.hosts}
        if self.only_busy_hosts:
            hosts = busy
        else:
            hosts = busy | {h for h in doc.hosts if any(self._available(h, s) for s in cols)}

        def key(h: str) -> tuple[str, str, str]:
            host = doc.hosts[h]
            loc = doc.locations.get(host.location)
            return (loc.name if loc else host.location, host.name, h)

        return sorted(hosts, key=key)

    def _layout(self) -> None:
        doc = self.document
        self._cols = doc.slots_of_day(self._day) if self._day is not None else []
        self._rows = self._compute_rows()
        self._cards = {}

    def _on_schedule_changed(self) -> None:
        self._cards = {}
        rows = self._compute_rows()
        if rows != self._rows:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        elif self._rows and self._cols:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._cols) - 1))

    def _on_person_changed(self, person_id: str) -> None:
        """One profile changed: forget that host's availability (the rows are worked out
        again on the ``schedule_changed`` that follows; the model is reset only if they
        differ) and repaint their row header."""
        self._available_cache = {k: v for k, v in self._available_cache.items() if k[0] != person_id}
        if person_id in self._rows:
            row = self._rows.index(person_id)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)

    def _on_scenario_changed(self) -> None:
        self.beginResetModel()
        self._available_cache = {}
        if self._day not in self.document.days:
            self._day = self.document.days[0] if self.document.days else None
        try:
            zone(self.display_zone)
        except Exception:
            self.display_zone = self.document.scenario.program.timezone
        self._layout()
        self.endResetModel()

    # ------------------------------------------------------------------ lookups
    def host_at(self, row: int) -> str:
        return self._rows[row]

    def slot_at(self, column: int) -> str:
        return self._cols[column]

    def session_at(self, index: _Index) -> str | None:
        if not index.isValid():
            return None
        return self.document.cell.get((self._rows[index.row()], self._cols[index.column()]))

    def index_of_session(self, session_id: str) -> QModelIndex:
        """The cell of ``session_id`` on the current day (invalid if it is on another day)."""
        s = self.document.sessions.get(session_id)
        if s is None:
            return QModelIndex()
        try:
            return self.index(self._rows.index(s.host), self._cols.index(s.slot))
        except ValueError:
            return QModelIndex()

    def card(self, session_id: str) -> Card:
        found = self._cards.get(session_id)
        if found is None:
            doc = self.document
            s = doc.sessions[session_id]
            flagged = bool(doc.violations_of(session_id))
            found = Card(
                session=session_id,
                topic=doc.topic_name(s.topic),
                language=s.language,
                interpreter=doc.person_name(s.interpreter) if s.interpreter else "",
                virtual=s.mode is Mode.VIRTUAL,
                officials=tuple(
                    OfficialLine(
                        o,
                        doc.person_name(o),
                        doc.officials[o].country if o in doc.officials else "?",
                        o in s.pinned,
                    )
                    for o in s.officials
                ),
                flagged=flagged,
            )
            self._cards[session_id] = found
        return found

    def max_officials_in_row(self, row: int) -> int:
        host = self._rows[row]
        best = 0
        for slot in self._cols:
            sid = self.document.cell.get((host, slot))
            if sid is not None:
                best = max(best, len(self.document.sessions[sid].officials))
        return best

    # ------------------------------------------------------------------ Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cols)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        doc = self.document
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._cols):
                return None
            slot = doc.slots[self._cols[section]]
            tz = zone(self.display_zone)
            start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{start:%a %H:%M}–{end:%H:%M}\n{start.tzname()}"
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"Slot {slot.id}: {start:%A %d %B, %H:%M}–{end:%H:%M} {start.tzname()}"
            return None
        if not 0 <= section < len(self._rows):
            return None
        host = doc.hosts[self._rows[section]]
        loc = doc.locations.get(host.location)
        site = loc.name if loc else host.location
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{host.name}\n{site.split(',')[0]}" + (" · offers video" if host.virtual else "")
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            extra = f", {host.title}" if host.title else ""
            return f"Host {host.name}{extra}, {site}; languages {', '.join(host.languages)}"
        if role == SiteStartRole:
            return section == 0 or doc.hosts[self._rows[section - 1]].location != host.location
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= col < len(self._cols)):
            return None
        sid = self.document.cell.get((self._rows[row], self._cols[col]))
        if role == SessionIdRole:
            return sid
        if role == CardRole:
            return self.card(sid) if sid is not None else None
        if role == AvailableRole:
            return self._available(self._rows[row], self._cols[col])
        if role == HighlightRole:
            if self._payload is None:
                return NONE
            return LEGAL if self.legal(self._payload, index) else ILLEGAL
        if role == ReasonRole:
            if self._payload is None:
                return ""
            return reasons_text(self.reasons(self._payload, index))
        if role == HoverRole:
            return self._hover == (row, col)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if sid is None:
                return (
                    ""
                    if role == Qt.ItemDataRole.DisplayRole
                    else (
                        "free slot"
                        if self._available(self._rows[row], self._cols[col])
                        else "host not available"
                    )
                )
            c = self.card(sid)
            who = ", ".join(f"{o.name} ({o.country}){' pinned' if o.pinned else ''}" for o in c.officials)
            extra = f", interpreter {c.interpreter}" if c.interpreter else ""
            mode = ", video" if c.virtual else ""
            return f"{c.topic} [{c.language}{extra}{mode}]: {who}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._payload is not None:
                why = reasons_text(self.reasons(self._payload, index))
                return f"Cannot drop here: {why}" if why else "Drop here"
            if sid is None:
                return None
            text = self.document.session_description(sid)
            problems = self.document.violations_of(sid)
            if problems:
                text += "\nProblems: " + reasons_text(problems)
            return text
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
        if self.session_at(index) is not None:
            f |= Qt.ItemFlag.ItemIsDragEnabled
        return f

    # ------------------------------------------------------------------ drag and drop
    # Qt allows a null QMimeData ("no drag"); the PySide6 stub says it never is None
    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        """A whole-session drag of the first session among ``indexes``."""
        for index in indexes:
            sid = self.session_at(index)
            if sid is not None:
                return DragPayload(session=sid).to_mime()
        return None

    def _target(self, row: int, column: int, parent: _Index) -> QModelIndex:
        if parent.isValid():
            return self.index(parent.row(), parent.column())
        if 0 <= row < len(self._rows) and 0 <= column < len(self._cols):
            return self.index(row, column)
        return QModelIndex()

    def reasons(self, payload: DragPayload, index: _Index) -> Sequence[Reason]:
        """Why ``payload`` may not be dropped on cell ``index`` ([] = legal)."""
        doc = self.document
        if not index.isValid():
            return [_Reason("drop it on a cell of the board")]
        host, slot = self._rows[index.row()], self._cols[index.column()]
        target = doc.cell.get((host, slot))
        if payload.official is None:  # the whole session is dragged
            if payload.session is None or payload.session not in doc.sessions:
                return [_Reason("that session is gone")]
            s = doc.sessions[payload.session]
            if s.host != host:
                return [_Reason(f"a session stays with its host; drop it in {doc.person_name(s.host)}'s row")]
            return doc.why_not_move(payload.session, slot)
        if payload.official not in doc.officials:
            return [_Reason("unknown official")]
        if payload.session is not None and payload.session not in doc.sessions:
            return [_Reason("that session is gone")]
        if target is None:
            if not self._available(host, slot):
                return [_Reason(f"{doc.person_name(host)} is not available then")]
            return doc.why_not_open(payload.official, host, slot, leaving=payload.session)
        return doc.why_not_join(payload.official, target, leaving=payload.session)

    def legal(self, payload: DragPayload, index: _Index) -> bool:
        """``not reasons(payload, index)``, without working out every reason a free cell is
        refused for (the highlights and their count need only the verdict)."""
        doc = self.document
        official = payload.official
        if (
            index.isValid()
            and official in doc.officials
            and (payload.session is None or payload.session in doc.sessions)
        ):
            assert official is not None  # in doc.officials
            host, slot = self._rows[index.row()], self._cols[index.column()]
            if (host, slot) not in doc.cell and self._available(host, slot):
                return doc.can_open(official, host, slot, leaving=payload.session)
        return not self.reasons(payload, index)

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        payload = DragPayload.from_mime(data)
        if payload is None:
            return False
        index = self._target(row, column, parent)
        if not index.isValid():
            return False
        reasons = self.reasons(payload, index)
        if not reasons:
            return True
        return self.insist and not any(isinstance(r, _Reason) for r in reasons)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        """Apply a drop as one undo command; a drop that breaks a rule is refused with the
        reason on :attr:`message`, unless :attr:`insist` is set (then kept, and the checker flags it)."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        payload = DragPayload.from_mime(data)
        index = self._target(row, column, parent)
        if payload is None or not index.isValid():
            return False
        reasons = self.reasons(payload, index)
        why = reasons_text(reasons)
        if reasons and not self.canDropMimeData(data, action, row, column, parent):
            self.message.emit(
                f"Refused: {why}"
                + (
                    ""
                    if any(isinstance(r, _Reason) for r in reasons)
                    else " (hold Shift while dropping to keep it anyway)"
                )
            )
            return False
        self.push_drop(payload, index, why)
        return True

    def push_drop(self, payload: DragPayload, index: _Index, broken: str = "") -> None:
        doc = self.document
        host, slot = self._rows[index.row()], self._cols[index.column()]
        cmd: commands.ScheduleEdit | None
        if payload.official is None:  # the whole session is dragged
            assert payload.session is not None  # a payload names an official or a session
            cmd = commands.move_session(doc, payload.session, slot, broken)
        elif (host, slot) not in doc.cell:
            cmd = self._open_command(payload, host, slot)
            if cmd is None:
                self.message.emit("No session opened")
                return
        else:
            cmd = commands.move_official(
                doc, payload.official, payload.session, doc.cell[(host, slot)], broken
            )
        self.undo_stack.push(cmd)
        self.message.emit(cmd.text())

    def _open_command(self, payload: DragPayload, host: str, slot: str) -> commands.ScheduleEdit | None:
        """Ask staff how to open a session for the dropped official (None: cancelled)."""
        from ui.board.edits import new_session_id
        from ui.board.session_dialog import OpenSessionDialog

        doc = self.document
        official = payload.official
        assert official is not None  # only an official's drop opens a session
        options = doc.open_options(official, host, slot, leaving=payload.session)
        owner = self.parent()
        parent = owner if isinstance(owner, QWidget) else None
        chosen = OpenSessionDialog.ask(parent, doc, official, host, slot, options)
        if chosen is None:
            return None
        base = doc.open_base(official, payload.session)
        h = doc.hosts[host]
        session = Session(
            id=new_session_id(base, host, slot),
            host=host,
            slot=slot,
            topic=chosen.topic,
            language=chosen.language,
            officials=[official],
            interpreter=chosen.interpreter,
            mode=chosen.mode,
            location=h.location if chosen.mode is Mode.IN_PERSON else None,
        )
        broken = reasons_text(chosen.reasons)
        source = doc.sessions.get(payload.session) if payload.session else None
        if source is not None and official in source.officials:
            broken = reasons_text([*chosen.reasons, *doc.why_not_unassign(official, source.id)])
        return commands.open_session(doc, session, payload.session, broken)

    # ------------------------------------------------------------------ highlights while dragging
    @property
    def payload(self) -> DragPayload | None:
        return self._payload

    def begin_highlight(self, payload: DragPayload) -> None:
        """Show legal (green) and illegal (dimmed) targets for ``payload``; verdicts are
        computed as cells are painted and cached per schedule."""
        if payload == self._payload:
            return
        self._payload = payload
        self._all_changed([HighlightRole, ReasonRole, Qt.ItemDataRole.ToolTipRole])

    def set_preview(self, payload: DragPayload | None) -> None:
        """ "Show possible places": keep ``payload``'s legal cells highlighted while nothing
        is dragged (None: no preview)."""
        self.preview = payload
        if payload is None:
            self.end_highlight()
        else:
            self.begin_highlight(payload)

    def end_highlight(self) -> None:
        if self.preview is not None:
            self._hover = None
            if self._payload != self.preview:
                self._payload = self.preview
                self._all_changed([HighlightRole, ReasonRole, HoverRole, Qt.ItemDataRole.ToolTipRole])
            return
        if self._payload is None and self._hover is None:
            return
        self._payload = None
        self._hover = None
        self._all_changed([HighlightRole, ReasonRole, HoverRole, Qt.ItemDataRole.ToolTipRole])

    def set_hover(self, index: _Index) -> str:
        """Mark the cell under the drag; returns what dropping there would do (for the status line)."""
        cell = (index.row(), index.column()) if index.isValid() else None
        if cell != self._hover:
            old, self._hover = self._hover, cell
            for c in (old, cell):
                if c is not None:
                    i = self.index(*c)
                    self.dataChanged.emit(i, i, [HoverRole])
        if self._payload is None or cell is None:
            return ""
        why = reasons_text(self.reasons(self._payload, index))
        return f"Cannot drop here: {why}" if why else "Drop to apply"

    def _all_changed(self, roles: list[int]) -> None:
        if self._rows and self._cols:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._cols) - 1), roles
            )
