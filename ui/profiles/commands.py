"""Undoable profile edits. Each command calls the workspace, and every write - the first
one, every undo and every redo - carries the revision it was based on: the revision the
record had when it was loaded, then the one the command's own last write produced. So an
undo or redo after a colleague's change is refused with who changed the record and when
(:class:`~exchange_app.errors.ConflictError`), and that step leaves the stack (the
stored data moved on; the rest of the stack stays as it was).

A delete is built from child commands, as Orange's ``RemoveNodeCommand`` is built from
``RemoveLinkCommand``: remove the pins and forbidden pairs that name the person, then the
person. Undo runs the children backwards, so it restores exactly what the delete took.

The first ``redo`` that ``QUndoStack.push`` runs does the work unless the caller already
applied the command with :meth:`apply` (so a refused edit - a conflict, bad data - never
reaches the stack).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from exchange_app.domain import (
    Forbidden,
    Host,
    Interpreter,
    Official,
    Person,
    PersonKind,
    Pin,
    Program,
    Scenario,
)
from exchange_app.errors import ExchangeError
from exchange_app.services import Revision, Workspace

# on_change(kind, person_id) after every do/undo; kind None: program settings
ChangeHook = Callable[[PersonKind | None, str | None], None]
ErrorHook = Callable[[str, ExchangeError], None]


# The revision each record had after this app's own last write to it, per workspace. Undo
# and redo are based on it (not on a reload, which may carry a colleague's change): a record
# whose stored revision differs was changed by someone else since.
RecordKey = tuple[str, int, str]  # (kind or "program", program id, person id or "")
_books: weakref.WeakKeyDictionary[Workspace, dict[RecordKey, int]] = weakref.WeakKeyDictionary()


def revision_book(ws: Workspace) -> dict[RecordKey, int]:
    return _books.setdefault(ws, {})


def _stored(person: Person) -> Official | Host | Interpreter:
    assert isinstance(person, Official | Host | Interpreter), person
    return person


def describe(person: Person) -> str:
    return f"{person.kind.value} {person.name}"


def run_children(parts: list[WorkspaceCommand], first: bool) -> None:
    """Do each child in order; when one is refused, undo the ones done before it and re-raise."""
    done: list[WorkspaceCommand] = []
    try:
        for part in parts:
            part._do(first)
            done.append(part)
    except ExchangeError:
        for part in reversed(done):
            part._undo()
        raise


def undo_children(parts: list[WorkspaceCommand]) -> None:
    """Undo each child, last first; when one is refused, redo the ones undone before it."""
    undone: list[WorkspaceCommand] = []
    try:
        for part in reversed(parts):
            part._undo()
            undone.append(part)
    except ExchangeError:
        for part in reversed(undone):
            part._do(False)
        raise


class WorkspaceCommand(QUndoCommand):
    """Base: remembers the workspace, program and hooks; runs ``_do``/``_undo``."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        text: str,
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(text, parent)
        self.ws, self.program_id = ws, program_id
        self._on_change, self._on_error = on_change, on_error
        self._applied = False
        self._book = revision_book(ws)

    def _person_key(self, person: Person) -> RecordKey:
        return (person.kind.value, self.program_id, person.id)

    def apply(self) -> None:
        """Do the change now (raises on refusal); the push that follows does not repeat it."""
        self._do(first=True)
        self._applied = True
        self._notify()

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._guard(lambda: self._do(first=False), "Redo")

    def undo(self) -> None:
        self._guard(self._undo, "Undo")

    def _guard(self, fn: Callable[[], None], what: str) -> None:
        try:
            fn()
        except ExchangeError as e:
            # the stored data moved on (someone else, or a restore): nothing was written and
            # this step leaves the stack, so the steps around it stay consistent
            self.setObsolete(True)
            if self._on_error:
                self._on_error(f"{what} {self.text()}", e)
        self._notify()

    def _notify(self) -> None:
        self._on_change(*self._changed())

    # subclasses
    def _do(self, first: bool) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    def _changed(self) -> tuple[PersonKind | None, str | None]:
        return None, None


class SavePersonCommand(WorkspaceCommand):
    """Add a person (``before`` None) or store a changed one."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        before: Person | None,
        after: Person,
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
        expected_revision: int | None = None,
        verb: str | None = None,
    ):
        verb = verb or ("Add" if before is None else "Edit")
        super().__init__(ws, program_id, f"{verb} {describe(after)}", on_change, on_error)
        self.before, self.after = before, after
        self.expected_revision = expected_revision

    def _do(self, first: bool) -> None:
        key = self._person_key(self.after)
        if self.before is None and not first:  # redo of an add: the person must still be absent
            self._book[key] = self.ws.restore_person(self.program_id, self.after)
            return
        based_on = self.expected_revision if first else self._book.get(key)
        self._book[key] = self.ws.upsert_person(
            self.program_id, _stored(self.after), expected_revision=based_on
        )

    def _undo(self) -> None:
        key = self._person_key(self.after)
        if self.before is None:
            self.ws.delete_person(
                self.program_id, self.after.kind, self.after.id, expected_revision=self._book.get(key)
            )
            self._book.pop(key, None)
        else:  # the id cannot change in the editor: the same record goes back
            self._book[key] = self.ws.upsert_person(
                self.program_id, _stored(self.before), expected_revision=self._book.get(key)
            )

    def _changed(self) -> tuple[PersonKind | None, str | None]:
        return self.after.kind, self.after.id


class RemovePinsCommand(WorkspaceCommand):
    """Child of a delete: remove exactly these pins and forbidden pairs; undo adds them back."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        pins: list[Pin],
        forbidden: list[Forbidden],
        on_change: ChangeHook,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(ws, program_id, "Remove pins and forbidden pairs", on_change, None, parent)
        self.pins, self.forbidden = pins, forbidden

    def _do(self, first: bool) -> None:
        if self.pins or self.forbidden:
            self.ws.remove_pins(self.program_id, self.pins, self.forbidden)

    def _undo(self) -> None:
        if self.pins or self.forbidden:
            self.ws.add_pins(self.program_id, self.pins, self.forbidden)


class RemovePersonCommand(WorkspaceCommand):
    """Child of a delete: remove the person's record (based on ``expected_revision``); undo
    stores it again if nobody has added someone with that id meanwhile."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        person: Person,
        on_change: ChangeHook,
        expected_revision: int | None,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(ws, program_id, f"Remove {describe(person)}", on_change, None, parent)
        self.person = person
        self.expected_revision = expected_revision

    def _do(self, first: bool) -> None:
        key = self._person_key(self.person)
        based_on = self.expected_revision if first else self._book.get(key)
        self.ws.delete_person(self.program_id, self.person.kind, self.person.id, expected_revision=based_on)
        self._book.pop(key, None)

    def _undo(self) -> None:
        self._book[self._person_key(self.person)] = self.ws.restore_person(self.program_id, self.person)


class DeletePersonCommand(WorkspaceCommand):
    """Delete a person: the pins and forbidden pairs naming them, then the person (children
    run in order; undo runs them backwards). A child that is refused undoes the ones before
    it, so a refused delete or undo leaves the database as it was."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        person: Person,
        scenario: Scenario,
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
        expected_revision: int | None = None,
    ):
        super().__init__(ws, program_id, f"Delete {describe(person)}", on_change, on_error)
        self.person = person
        pid = person.id
        pins = [p for p in scenario.pins if pid in (p.official, p.host)]
        forbidden = [f for f in scenario.forbidden if pid in (f.official, f.host)]

        def quiet(_kind: PersonKind | None, _id: str | None) -> None:  # the parent reports the change
            return None

        self.parts: list[WorkspaceCommand] = [
            # kept by this command, not given to Qt as children (the stack owns only the parent)
            RemovePinsCommand(ws, program_id, pins, forbidden, quiet),
            RemovePersonCommand(ws, program_id, person, quiet, expected_revision),
        ]

    def _do(self, first: bool) -> None:
        run_children(self.parts, first)

    def _undo(self) -> None:
        undo_children(self.parts)

    def _changed(self) -> tuple[PersonKind | None, str | None]:
        return self.person.kind, self.person.id


class ImportPeopleCommand(WorkspaceCommand):
    """A people-sheet import, already stored, as one undoable step: built from one child per
    person it added or changed (the people as they were and as the import left them, with
    the revisions the import wrote). Undo takes the added ones out again and puts the changed
    ones back, each based on its revision; one changed meanwhile by a colleague refuses the
    whole undo, and whatever the children had done by then is put back."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        text: str,
        before: Scenario,
        after: Scenario,
        revisions_after: dict[tuple[PersonKind, str], Revision],
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
    ):
        super().__init__(ws, program_id, text, on_change, on_error)

        def quiet(_kind: PersonKind | None, _id: str | None) -> None:  # the parent reports the change
            return None

        self.parts: list[WorkspaceCommand] = []
        for kind in PersonKind:
            old = {p.id: p for p in getattr(before, f"{kind.value}s")}
            for person in getattr(after, f"{kind.value}s"):
                if old.get(person.id) == person:
                    continue
                part = SavePersonCommand(ws, program_id, old.get(person.id), person, quiet)
                self.parts.append(part)
                rev = revisions_after.get((kind, person.id))
                if rev is not None:
                    self._book[part._person_key(person)] = rev.revision
        self._applied = True  # the import stored it already; the push does not repeat it

    def _do(self, first: bool) -> None:
        run_children(self.parts, False)

    def _undo(self) -> None:
        undo_children(self.parts)


class ProgramSettingsCommand(WorkspaceCommand):
    """Change the program's name, zone, organizer and session rules."""

    def __init__(
        self,
        ws: Workspace,
        program_id: int,
        before: Program,
        after: Program,
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
        expected_revision: int | None = None,
    ):
        super().__init__(ws, program_id, "Change program settings", on_change, on_error)
        self.before, self.after = before, after
        self.expected_revision = expected_revision
        self._key: RecordKey = ("program", program_id, "")

    def _store(self, program: Program, based_on: int | None) -> None:
        self.ws.save_program_settings(self.program_id, program, expected_revision=based_on)
        self._book[self._key] = self.ws.program_revision(self.program_id).revision

    def _do(self, first: bool) -> None:
        self._store(self.after, self.expected_revision if first else self._book.get(self._key))

    def _undo(self) -> None:
        self._store(self.before, self._book.get(self._key))
