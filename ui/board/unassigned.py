"""The "Unassigned / below minimum" list: officials short of their minimum, drag sources and
a drop target (drop an official from a session here to unassign them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from exchange_app.naming import plural
from ui.board import commands
from ui.board.document import BoardDocument, reasons_text
from ui.board.mime import BoardDragMixin, DragPayload

if TYPE_CHECKING:
    from ui.board.document import Reason
    from ui.board.model import BoardModel

OfficialIdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
INSIST_MODIFIER = Qt.KeyboardModifier.ShiftModifier


class UnassignedModel(BoardDragMixin, QAbstractTableModel):
    """Officials below their minimum number of sessions (or all officials), fewest first."""

    HEADERS = ("Official", "Country", "Sessions", "Why")
    message = Signal(str)

    def __init__(self, document: BoardDocument, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.show_all = False
        self.insist = False
        self._rows: list[str] = []
        self._reasons: dict[str, str] = {}
        self._refresh()
        document.schedule_changed.connect(self._refresh)
        document.scenario_changed.connect(self._refresh)

    def set_show_all(self, show: bool) -> None:
        self.show_all = show
        self._refresh()

    def _refresh(self) -> None:
        doc = self.document
        self.beginResetModel()
        self._reasons = {u.official: u.reason for u in doc.schedule.unmatched}
        below = []
        for o in doc.scenario.officials:
            n, low = doc.session_count(o.id), doc.min_sessions(o.id)
            if self.show_all or n < low:
                below.append((n - low, n, o.name, o.id))
        self._rows = [r[-1] for r in sorted(below)]
        self.endResetModel()

    def official_at(self, row: int) -> str:
        return self._rows[row]

    def row_of(self, official: str) -> int:
        return self._rows.index(official) if official in self._rows else -1

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
            and 0 <= section < 4
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        oid = self._rows[index.row()]
        doc = self.document
        o = doc.officials[oid]
        col = index.column()
        if role == OfficialIdRole:
            return oid
        n, low = doc.session_count(oid), doc.min_sessions(oid)
        if role == Qt.ItemDataRole.DisplayRole:
            return (o.name, o.country, f"{n} of {low}", self._reasons.get(oid, "") if n < low else "")[col]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            why = self._reasons.get(oid, "")
            text = f"{o.name} ({o.country}), {plural(n, 'session')}, minimum {low}"
            return text + (f": {why}" if why and n < low else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    # ------------------------------------------------------------------ drag and drop
    # Qt allows a null QMimeData ("no drag"); the PySide6 stub says it never is None
    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        for index in indexes:
            if index.isValid():
                return DragPayload(official=self._rows[index.row()], session=None).to_mime()
        return None

    def reasons(self, payload: DragPayload | None) -> Sequence[Reason]:
        """Why the payload may not be unassigned here ([] = fine)."""
        from ui.board.document import _Reason

        if payload is None or payload.official is None:  # nothing, or a whole session
            return [_Reason("drop an official from a session here to unassign them")]
        if payload.session is None or payload.session not in self.document.sessions:
            return [_Reason("not in a session")]
        return self.document.why_not_unassign(payload.official, payload.session)

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        from ui.board.document import _Reason

        payload = DragPayload.from_mime(data)
        reasons = self.reasons(payload)
        return not reasons or (self.insist and not any(isinstance(r, _Reason) for r in reasons))

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        payload = DragPayload.from_mime(data)
        reasons = self.reasons(payload)
        why = reasons_text(reasons)
        if not self.canDropMimeData(data, action, row, column, parent):
            self.message.emit(
                f"Refused: {why}"
                + (
                    " (hold Shift while dropping to keep it anyway)"
                    if payload and not payload.is_session
                    else ""
                )
            )
            return False
        # a drop that can happen carries an official from a session (see reasons())
        assert payload is not None and payload.official is not None
        cmd = commands.move_official(self.document, payload.official, payload.session, None, why)
        self.undo_stack.push(cmd)
        self.message.emit(cmd.text())
        return True


class UnassignedView(QTableView):
    """Drag officials from here into sessions; drop officials here to unassign them."""

    drag_message = Signal(str)

    def __init__(
        self, model: UnassignedModel, board_model: BoardModel | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setModel(model)
        self._board_model = board_model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        h = self.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        h.setStretchLastSection(True)
        self.setAccessibleName("Unassigned and below-minimum officials")
        self._keep: str | None = None
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)

    def _unassigned(self) -> UnassignedModel:
        m = self.model()
        assert isinstance(m, UnassignedModel)
        return m

    def _remember(self) -> None:
        self._keep = self.current_official()

    def _restore(self) -> None:
        """Keep the same official current across a refresh (edits reset the list)."""
        m = self._unassigned()
        row = m.row_of(self._keep) if self._keep else -1
        if row >= 0:
            self.setCurrentIndex(m.index(row, 0))

    def current_official(self) -> str | None:
        index = self.currentIndex()
        return index.data(OfficialIdRole) if index.isValid() else None

    def startDrag(self, supported: Qt.DropAction) -> None:
        oid = self.current_official()
        if oid is None:
            return
        payload = DragPayload(official=oid, session=None)
        drag = QDrag(self)
        drag.setMimeData(payload.to_mime())
        if self._board_model is not None:
            self._board_model.begin_highlight(payload)
        try:
            drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)
        finally:
            if self._board_model is not None:
                self._board_model.end_highlight()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        payload = DragPayload.from_mime(event.mimeData())
        if payload is None or payload.is_session or payload.session is None:
            event.ignore()
            return
        event.accept()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        m = self._unassigned()
        m.insist = bool(event.modifiers() & INSIST_MODIFIER)
        ok = m.canDropMimeData(event.mimeData(), Qt.DropAction.MoveAction, -1, -1, QModelIndex())
        why = reasons_text(m.reasons(DragPayload.from_mime(event.mimeData())))
        self.drag_message.emit("Drop to unassign" if not why else f"Cannot unassign: {why}")
        if ok:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drag_message.emit("")
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        m = self._unassigned()
        m.insist = bool(event.modifiers() & INSIST_MODIFIER)
        try:
            done = m.dropMimeData(event.mimeData(), Qt.DropAction.MoveAction, -1, -1, QModelIndex())
        finally:
            m.insist = False
        if done:
            event.setDropAction(Qt.DropAction.CopyAction)  # the command already moved it
            event.accept()
        else:
            event.ignore()
