"""Undo commands for schedule edits (on the window's shared ``QUndoStack``).

Each command keeps the schedule before and after the edit; both are immutable (see
:mod:`ui.board.edits`), so undo and redo restore them exactly.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from exchange_app.domain import Schedule
from ui.board import edits
from ui.board.document import BoardDocument


class ScheduleEdit(QUndoCommand):
    """Replace the board's schedule ``before`` -> ``after``; ``text`` says what changed."""

    def __init__(self, document: BoardDocument, before: Schedule, after: Schedule, text: str):
        super().__init__(text)
        self.document = document
        self.before = before
        self.after = after

    def redo(self) -> None:
        if not self.document.closed:
            self.document.set_schedule(self.after)

    def undo(self) -> None:
        if not self.document.closed:
            self.document.set_schedule(self.before)


def _suffix(broken: str) -> str:
    return f" (kept against the rules: {broken})" if broken else ""


def move_official(
    doc: BoardDocument, official: str, source: str | None, target: str | None, broken: str = ""
) -> ScheduleEdit:
    """Join/move/unassign as one command, e.g. "Move Amina Diallo to Tabulation with Karen Hill, Mon 09:00"."""
    name = doc.person_name(official)
    if target is None:
        text = f"Unassign {name} from {doc.session_title(source)}"
    elif source is None:
        text = f"Add {name} to {doc.session_title(target)}"
    else:
        text = f"Move {name} to {doc.session_title(target)}"
    after = edits.move_official(doc.schedule, official, source, target)
    return ScheduleEdit(doc, doc.schedule, after, text + _suffix(broken))


def move_session(doc: BoardDocument, session: str, slot: str, broken: str = "") -> ScheduleEdit:
    s = doc.sessions[session]
    text = (
        f"Move session {doc.topic_name(s.topic)} with {doc.person_name(s.host)} "
        f"from {doc.slot_label(s.slot)} to {doc.slot_label(slot)}"
    )
    return ScheduleEdit(
        doc, doc.schedule, edits.move_session(doc.schedule, session, slot), text + _suffix(broken)
    )


def set_pinned(doc: BoardDocument, session: str, officials: list[str], pinned: bool) -> ScheduleEdit:
    s = doc.sessions[session]
    verb = "Pin" if pinned else "Unpin"
    if set(officials) == set(s.officials) and len(officials) > 1:
        who = "session"
        text = f"{verb} session {doc.session_title(session)}"
    else:
        who = ", ".join(doc.person_name(o) for o in officials)
        text = f"{verb} {who} in {doc.session_title(session)}"
    return ScheduleEdit(doc, doc.schedule, edits.set_pinned(doc.schedule, session, officials, pinned), text)


def replace_schedule(doc: BoardDocument, schedule: Schedule, text: str) -> ScheduleEdit:
    """Accept a whole new schedule (a solve or a re-optimize) as one undoable step."""
    return ScheduleEdit(doc, doc.schedule, schedule, text)
