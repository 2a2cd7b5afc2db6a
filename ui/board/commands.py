"""Undo commands for schedule edits (on the window's shared ``QUndoStack``).

Each command keeps the schedule before and after the edit; both are immutable (see
:mod:`ui.board.edits`), so undo and redo restore them exactly.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from exchange_app.domain import Schedule, Session
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
        assert source is not None, "an unassign needs the session the official leaves"
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


def open_session(
    doc: BoardDocument, session: Session, source: str | None = None, broken: str = ""
) -> ScheduleEdit:
    """Open ``session`` (made by staff, with its first official); when that official came
    from session ``source`` they leave it in the same step."""
    official = session.officials[0] if session.officials else None
    base = doc.schedule
    if source is not None and official is not None:
        base = edits.move_official(base, official, source, None)
    after = edits.add_session(base, session)
    when = doc.slot_label(session.slot)
    text = f"Open session {doc.topic_name(session.topic)} with {doc.person_name(session.host)}, {when}"
    if official is not None:
        text += f" for {doc.person_name(official)}"
    return ScheduleEdit(doc, doc.schedule, after, text + _suffix(broken))


def delete_session(doc: BoardDocument, session: str, broken: str = "") -> ScheduleEdit:
    s = doc.sessions[session]
    n = len(s.officials)
    text = f"Delete session {doc.session_title(session)}" + (
        f" ({n} official{'s' if n != 1 else ''} back to the unassigned list)" if n else ""
    )
    return ScheduleEdit(
        doc, doc.schedule, edits.delete_session(doc.schedule, session), text + _suffix(broken)
    )


def change_session(doc: BoardDocument, new: Session, what: str, broken: str = "") -> ScheduleEdit:
    """Session ``new.id`` becomes ``new``; ``what`` names the change ("topic to Voter services")."""
    text = f"Change {doc.session_title(new.id)}: {what}"
    return ScheduleEdit(doc, doc.schedule, edits.change_session(doc.schedule, new), text + _suffix(broken))


def swap_officials(
    doc: BoardDocument, a: str, session_a: str, b: str, session_b: str, broken: str = ""
) -> ScheduleEdit:
    text = (
        f"Swap {doc.person_name(a)} ({doc.session_title(session_a)}) with "
        f"{doc.person_name(b)} ({doc.session_title(session_b)})"
    )
    after = edits.swap_officials(doc.schedule, a, session_a, b, session_b)
    return ScheduleEdit(doc, doc.schedule, after, text + _suffix(broken))
