"""Undoable profile edits: each command calls the workspace, and undo puts back exactly
what was stored before (the person, and the pins and forbidden pairs a delete removed).

The first ``redo`` that ``QUndoStack.push`` runs does the work unless the caller already
applied the command with :meth:`apply` (so a refused edit - a conflict, bad data - never
reaches the stack).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from exchange_app.domain import Person, PersonKind, Program, Scenario
from exchange_app.errors import ExchangeError

# on_change(kind, person_id) after every do/undo; kind None: program settings
ChangeHook = Callable[[PersonKind | None, str | None], None]
ErrorHook = Callable[[str, ExchangeError], None]


def describe(person: Person) -> str:
    return f"{person.kind.value} {person.name}"


class WorkspaceCommand(QUndoCommand):
    """Base: remembers the workspace, program and hooks; runs ``_do``/``_undo``."""

    def __init__(
        self, ws, program_id: int, text: str, on_change: ChangeHook, on_error: ErrorHook | None = None
    ):
        super().__init__(text)
        self.ws, self.program_id = ws, program_id
        self._on_change, self._on_error = on_change, on_error
        self._applied = False

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

    def _guard(self, fn, what: str) -> None:
        try:
            fn()
        except ExchangeError as e:
            # the stored data moved on (someone else, or a restore): drop this step
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
        ws,
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
        self.ws.upsert_person(
            self.program_id, self.after, expected_revision=self.expected_revision if first else None
        )

    def _undo(self) -> None:
        if self.before is None:
            self.ws.delete_person(self.program_id, self.after.kind, self.after.id)
        else:
            self.ws.upsert_person(self.program_id, self.before)

    def _changed(self):
        return self.after.kind, self.after.id


class DeletePersonCommand(WorkspaceCommand):
    """Delete a person; undo stores them again with the pins and forbidden pairs they had."""

    def __init__(
        self,
        ws,
        program_id: int,
        person: Person,
        scenario: Scenario,
        on_change: ChangeHook,
        on_error: ErrorHook | None = None,
        expected_revision: int | None = None,
    ):
        super().__init__(ws, program_id, f"Delete {describe(person)}", on_change, on_error)
        self.person = person
        self.pins = list(scenario.pins)
        self.forbidden = list(scenario.forbidden)
        self.expected_revision = expected_revision
        pid = person.id
        self._touches_pins = any(pid in (p.official, p.host) for p in self.pins)
        self._touches_forbidden = any(pid in (f.official, f.host) for f in self.forbidden)

    def _do(self, first: bool) -> None:
        self.ws.delete_person(
            self.program_id,
            self.person.kind,
            self.person.id,
            expected_revision=self.expected_revision if first else None,
        )

    def _undo(self) -> None:
        self.ws.upsert_person(self.program_id, self.person)
        if self._touches_pins:
            self.ws.set_pins(self.program_id, self.pins)
        if self._touches_forbidden:
            self.ws.set_forbidden(self.program_id, self.forbidden)

    def _changed(self):
        return self.person.kind, self.person.id


class ProgramSettingsCommand(WorkspaceCommand):
    """Change the program's name, zone, organizer and session rules."""

    def __init__(
        self,
        ws,
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

    def _do(self, first: bool) -> None:
        self.ws.save_program_settings(
            self.program_id, self.after, expected_revision=self.expected_revision if first else None
        )

    def _undo(self) -> None:
        self.ws.save_program_settings(self.program_id, self.before)
