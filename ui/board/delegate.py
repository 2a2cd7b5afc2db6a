"""Paints session cards (and empty host-slot cells) using palette roles only.

Colours come from the view's palette, so cards read well in light and dark palettes; the
only fixed colours are the green of a legal drop target and the red of a rule problem,
drawn as borders/tints that show on either background.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.board.model import (
    ILLEGAL,
    LEGAL,
    AvailableRole,
    Card,
    CardRole,
    HighlightRole,
    HoverRole,
    SiteStartRole,
)

LEGAL_GREEN = QColor(46, 160, 67)
PROBLEM_RED = QColor(215, 58, 73)
MARGIN = 3
PAD = 5
CARD_WIDTH_EM = 15  # card width in font heights

_Index = QModelIndex | QPersistentModelIndex


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` blended towards ``b`` by ``t`` (0..1)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class SessionCardDelegate(QStyledItemDelegate):
    """Draws one cell: a session card, a free slot, or a slot where the host is away."""

    HEADER_LINES = 2

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.focus_official: tuple[str, str] | None = None  # (session, official) picked by keyboard/click

    # ------------------------------------------------------------------ geometry
    @staticmethod
    def line_height(fm: QFontMetrics) -> int:
        return fm.height() + 1

    def row_height(self, fm: QFontMetrics, officials: int) -> int:
        lines = self.HEADER_LINES + officials
        return 2 * MARGIN + 2 * PAD + lines * self.line_height(fm) + 2

    def column_width(self, fm: QFontMetrics) -> int:
        return max(170, fm.height() * CARD_WIDTH_EM)

    def official_at(self, rect: QRect, card: Card, pos: QPoint, fm: QFontMetrics) -> str | None:
        """The official whose line is at ``pos`` in a card drawn in ``rect``."""
        lh = self.line_height(fm)
        y = pos.y() - (rect.top() + MARGIN + PAD) - self.HEADER_LINES * lh
        if y < 0 or not rect.contains(pos):
            return None
        i = int(y // lh)
        return card.officials[i].id if i < len(card.officials) else None

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = option.fontMetrics
        card: Card | None = index.data(CardRole)
        return QSize(self.column_width(fm), self.row_height(fm, len(card.officials) if card else 0))

    # ------------------------------------------------------------------ painting
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        pal: QPalette = option.palette
        rect = option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        card: Card | None = index.data(CardRole)
        highlight = index.data(HighlightRole)
        hover = bool(index.data(HoverRole))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)

        if index.row() > 0 and index.model().headerData(index.row(), Qt.Orientation.Vertical, SiteStartRole):
            painter.setPen(QPen(mix(base, text, 0.45), 2))  # a new site begins here
            painter.drawLine(option.rect.topLeft(), option.rect.topRight())
        if card is None:  # square corners, no antialiasing: most cells are empty, keep them cheap
            if index.data(AvailableRole):
                painter.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DotLine))
                painter.setBrush(base)
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(mix(base, text, 0.10), Qt.BrushStyle.BDiagPattern))
            painter.drawRect(rect)
        else:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self._paint_card(painter, option, rect, card, pal, index)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

        if highlight == LEGAL:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(LEGAL_GREEN, 3 if hover else 2))
            fill = QColor(LEGAL_GREEN)
            fill.setAlpha(70 if hover else 40)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(rect), 4, 4)
        elif highlight == ILLEGAL:
            dim = QColor(pal.color(QPalette.ColorRole.Window))
            dim.setAlpha(170)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(dim)
            painter.drawRect(option.rect)
            if hover:
                painter.setPen(QPen(PROBLEM_RED, 2, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(rect), 4, 4)
        if selected:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(-1, -1, 1, 1), 5, 5)
        painter.restore()

    def _paint_card(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        rect: QRect,
        card: Card,
        pal: QPalette,
        index: _Index,
    ) -> None:
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        accent = pal.color(QPalette.ColorRole.Highlight)
        painter.setBrush(mix(base, accent, 0.14))
        painter.setPen(QPen(PROBLEM_RED, 2) if card.flagged else QPen(mix(base, text, 0.35), 1))
        painter.drawRoundedRect(QRectF(rect), 4, 4)
        if card.flagged:  # a thick red stripe down the left edge, not only a border colour
            painter.setBrush(PROBLEM_RED)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)

        fm = option.fontMetrics
        lh = self.line_height(fm)
        inner = rect.adjusted(PAD, PAD, -PAD, -PAD)
        x, y = inner.left(), inner.top()
        width = inner.width()
        bold = QFont(option.font)
        bold.setBold(True)
        icons = 0
        if card.virtual:
            icons += 1
        if card.officials and all(o.pinned for o in card.officials):
            icons += 1
        icon_w = lh
        painter.setFont(bold)
        painter.setPen(text)
        title = QFontMetrics(bold).elidedText(
            card.topic, Qt.TextElideMode.ElideRight, width - icons * (icon_w + 2)
        )
        painter.drawText(
            QRect(x, y, width, lh), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
        )
        ix = inner.right() - icon_w + 1
        if card.virtual:
            self._video_icon(painter, QRectF(ix, y, icon_w, lh), text)
            ix -= icon_w + 2
        if card.officials and all(o.pinned for o in card.officials):
            self._pin_icon(painter, QRectF(ix, y, icon_w, lh), text)
        painter.setFont(option.font)
        y += lh
        second = card.language.upper()
        if card.interpreter:
            second += f" · interpreter {card.interpreter}"
        if card.virtual:
            second += " · video"
        painter.setPen(mix(text, base, 0.25))
        painter.drawText(
            QRect(x, y, width, lh),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(second, Qt.TextElideMode.ElideRight, width),
        )
        y += lh
        painter.setPen(text)
        cc_w = fm.horizontalAdvance("MMM")
        for o in card.officials:
            line = QRect(x, y, width, lh)
            if self.focus_official == (card.session, o.id):
                painter.fillRect(line, mix(base, accent, 0.35))
            pin_w = 0
            if o.pinned:
                self._pin_icon(painter, QRectF(x, y, lh, lh), text)
                pin_w = lh
            painter.setPen(text)
            painter.drawText(
                QRect(x + pin_w, y, width - pin_w - cc_w, lh),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(o.name, Qt.TextElideMode.ElideRight, width - pin_w - cc_w - 2),
            )
            painter.setPen(mix(text, base, 0.3))
            painter.drawText(
                QRect(x + width - cc_w, y, cc_w, lh),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                o.country,
            )
            y += lh

    @staticmethod
    def _video_icon(painter: QPainter, r: QRectF, color: QColor) -> None:
        """A small camera: a body and a lens triangle."""
        h = r.height() * 0.5
        top = r.center().y() - h / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        body = QRectF(r.left() + 1, top, r.width() * 0.6, h)
        painter.drawRoundedRect(body, 2, 2)
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(body.right(), r.center().y()),
                    QPointF(r.right() - 1, top),
                    QPointF(r.right() - 1, top + h),
                ]
            )
        )

    @staticmethod
    def _pin_icon(painter: QPainter, r: QRectF, color: QColor) -> None:
        """A push pin: a round head on a needle."""
        painter.setPen(QPen(color, 1.5))
        c = QPointF(r.center().x(), r.top() + r.height() * 0.38)
        painter.drawLine(c, QPointF(c.x() - r.width() * 0.22, r.bottom() - 2))
        painter.setBrush(PROBLEM_RED.darker(110))
        painter.drawEllipse(c, r.width() * 0.22, r.width() * 0.22)
