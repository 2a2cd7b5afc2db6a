"""The board view: a table of session cards with drags of whole sessions or single officials."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolTip, QWidget

from ui.board.delegate import SessionCardDelegate
from ui.board.mime import DragPayload
from ui.board.model import BoardModel, CardRole

INSIST_MODIFIER = Qt.KeyboardModifier.ShiftModifier


class BoardView(QTableView):
    """Hosts x slots of one day. Press on an official's line and drag to move that official;
    press on the card's title to move the whole session. Alt+Up/Alt+Down pick an official
    in the current card for the keyboard actions."""

    drag_message = Signal(str)  # what a drop under the cursor would do, or why it is refused
    menu_requested = Signal(QModelIndex, object, QPoint)  # cell, official id or None, global position
    official_changed = Signal(object)  # the official picked in the current card, or None

    def __init__(self, model: BoardModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModel(model)
        self._delegate = SessionCardDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setAccessibleName("Schedule board")
        self.setAccessibleDescription("Sessions by host (rows) and time slot (columns) for the chosen day")
        self._press_pos: QPoint | None = None
        self._last_message = ""
        self.current_official: str | None = None
        model.modelReset.connect(self.update_sizes)
        model.document.schedule_changed.connect(self.update_sizes)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.update_sizes()

    @property
    def board(self) -> BoardModel:
        m = self.model()
        assert isinstance(m, BoardModel)
        return m

    # ------------------------------------------------------------------ layout
    def update_sizes(self) -> None:
        """Column width from the font; each row as tall as its fullest card."""
        fm = QFontMetrics(self.font())
        m = self.board
        self.horizontalHeader().setDefaultSectionSize(self._delegate.column_width(fm))
        for row in range(m.rowCount()):
            self.setRowHeight(row, self._delegate.row_height(fm, m.max_officials_in_row(row)))
        self._check_current_official()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.update_sizes()

    # ------------------------------------------------------------------ current official
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        card = current.data(CardRole) if current.isValid() else None
        if card is None:
            self._set_official(None)
        elif self.current_official not in [o.id for o in card.officials]:
            self._set_official(card.officials[0].id if card.officials else None)

    def _check_current_official(self) -> None:
        self._on_current_changed(self.currentIndex(), QModelIndex())

    def _set_official(self, official: str | None) -> None:
        index = self.currentIndex()
        card = index.data(CardRole) if index.isValid() else None
        self.current_official = official
        self._delegate.focus_official = (card.session, official) if card and official else None
        if index.isValid():
            self.update(index)
        self.official_changed.emit(official)

    def step_official(self, step: int) -> None:
        card = self.currentIndex().data(CardRole) if self.currentIndex().isValid() else None
        if card is None or not card.officials:
            return
        ids = [o.id for o in card.officials]
        i = ids.index(self.current_official) if self.current_official in ids else -1
        self._set_official(ids[(i + step) % len(ids)])

    def official_at(self, pos: QPoint) -> str | None:
        index = self.indexAt(pos)
        card = index.data(CardRole) if index.isValid() else None
        if card is None:
            return None
        return self._delegate.official_at(self.visualRect(index), card, pos, QFontMetrics(self.font()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            self.step_official(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Menu or (
            event.key() == Qt.Key.Key_F10 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self._keyboard_menu()
            event.accept()
            return
        super().keyPressEvent(event)

    def _keyboard_menu(self) -> None:
        index = self.currentIndex()
        pos = self.visualRect(index).center() if index.isValid() else QPoint(10, 10)
        self.menu_requested.emit(index, self.current_official, self.viewport().mapToGlobal(pos))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)
        official = self.official_at(self._press_pos)
        if official is not None:
            self._set_official(official)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == event.Reason.Mouse:
            pos = event.pos()
            index = self.indexAt(pos)
            if index.isValid():
                self.setCurrentIndex(index)
            official = self.official_at(pos) or self.current_official
        else:
            self._keyboard_menu()
            return
        self.menu_requested.emit(index, official, self.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ dragging from the board
    def payload_at(self, pos: QPoint) -> DragPayload | None:
        index = self.indexAt(pos)
        sid = self.board.session_at(index)
        if sid is None:
            return None
        official = self.official_at(pos)
        return DragPayload(official=official, session=sid) if official else DragPayload(session=sid)

    def startDrag(self, supported: Qt.DropAction) -> None:
        pos = (
            self._press_pos if self._press_pos is not None else self.visualRect(self.currentIndex()).center()
        )
        payload = self.payload_at(pos)
        if payload is None:
            return
        drag = QDrag(self)
        drag.setMimeData(payload.to_mime())
        drag.setPixmap(self._drag_pixmap(payload))
        self.board.begin_highlight(payload)
        try:
            drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)
        finally:  # the drop's undo command already changed the schedule: nothing to remove here
            self.board.end_highlight()

    def _drag_pixmap(self, payload: DragPayload) -> QPixmap:
        doc = self.board.document
        if payload.official:
            label = doc.official_label(payload.official)
        else:
            assert payload.session is not None  # a whole-session drag names its session
            label = doc.session_title(payload.session)
        fm = QFontMetrics(self.font())
        pm = QPixmap(fm.horizontalAdvance(label) + 16, fm.height() + 10)
        pm.fill(self.palette().color(QPalette.ColorRole.ToolTipBase))
        p = QPainter(pm)
        p.setPen(self.palette().color(QPalette.ColorRole.ToolTipText))
        p.setFont(self.font())
        p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, label)
        p.end()
        return pm

    # ------------------------------------------------------------------ dropping on the board
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        payload = DragPayload.from_mime(event.mimeData())
        if payload is None:
            event.ignore()
            return
        self.board.begin_highlight(payload)
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        payload = DragPayload.from_mime(event.mimeData())
        if payload is None:
            event.ignore()
            return
        self.board.begin_highlight(payload)  # no-op when already showing this payload
        pos = event.position().toPoint()
        self._autoscroll(pos)
        index = self.indexAt(pos)
        self.board.insist = bool(event.modifiers() & INSIST_MODIFIER)
        message = self.board.set_hover(index)
        ok = index.isValid() and self.board.canDropMimeData(
            event.mimeData(), Qt.DropAction.MoveAction, -1, -1, index
        )
        if ok and message.startswith("Cannot"):
            message += " (Shift held: the drop will be kept and flagged)"
        if message != self._last_message:  # only on a change: a tooltip or status update costs a relayout
            self._last_message = message
            self.drag_message.emit(message)
            if message and not ok:
                QToolTip.showText(self.viewport().mapToGlobal(pos), message, self.viewport())
            else:
                QToolTip.hideText()
        if ok:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept(self.visualRect(index))
        else:
            event.ignore(self.visualRect(index) if index.isValid() else self.viewport().rect())

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._last_message = ""
        QToolTip.hideText()
        self.board.set_hover(QModelIndex())
        self.board.insist = False
        self.drag_message.emit("")
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._last_message = ""
        QToolTip.hideText()
        index = self.indexAt(event.position().toPoint())
        self.board.insist = bool(event.modifiers() & INSIST_MODIFIER)
        try:
            done = index.isValid() and self.board.dropMimeData(
                event.mimeData(), Qt.DropAction.MoveAction, -1, -1, index
            )
        finally:
            self.board.insist = False
            self.board.end_highlight()
        if done:
            # The command has moved it; a MoveAction reported back would make the source
            # view remove the item a second time.
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.setCurrentIndex(index)
        else:
            event.ignore()

    def _autoscroll(self, pos: QPoint) -> None:
        margin = 24
        r = self.viewport().rect()
        for bar, value, low, high in (
            (self.verticalScrollBar(), pos.y(), r.top(), r.bottom()),
            (self.horizontalScrollBar(), pos.x(), r.left(), r.right()),
        ):
            if value < low + margin:
                bar.setValue(bar.value() - bar.singleStep() * 3)
            elif value > high - margin:
                bar.setValue(bar.value() + bar.singleStep() * 3)
