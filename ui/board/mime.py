"""The board's own MIME type: a drag carries ids only, never objects."""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, Qt

MIME_TYPE = "application/x-exchange-board-item+json"


@dataclass(frozen=True, slots=True)
class DragPayload:
    """What is being dragged: an official (from a session, or from the unassigned list when
    ``session`` is None) or, when ``official`` is None, the whole session ``session``."""

    official: str | None = None
    session: str | None = None

    @property
    def is_session(self) -> bool:
        return self.official is None

    def to_mime(self) -> QMimeData:
        data = QMimeData()
        data.setData(MIME_TYPE, json.dumps({"official": self.official, "session": self.session}).encode())
        data.setText(self.official or self.session or "")
        return data

    @classmethod
    def from_mime(cls, data: QMimeData | None) -> DragPayload | None:
        """The payload in ``data``, or None when it is not a board drag (or is damaged)."""
        if data is None or not data.hasFormat(MIME_TYPE):
            return None
        try:
            doc = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(doc, dict):
            return None
        official, session = doc.get("official"), doc.get("session")
        if not all(x is None or isinstance(x, str) for x in (official, session)) or (
            official is None and session is None
        ):
            return None
        return cls(official=official, session=session)


class BoardDragMixin:
    """What every board model says about drag and drop: our MIME type, moves out, moves or
    copies in. Mixed into the Qt models before ``QAbstractItemModel``."""

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction
